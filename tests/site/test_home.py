"""The home page: open challenges closing soon and newest, recently awarded solutions, the figures, the metropolitan
areas, and for a logged-in user what needs them; a constant number of statements for visitors and users."""

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale

from goi.challenges import following, questions
from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges.models import ChallengeOutcome, ChallengeStatus
from goi.core import clock
from goi.data import regions
from goi.orgs.models import OrgKind
from goi.proposals import submission
from goi.proposals import team as proposal_team
from goi.reviews import services as review_services
from goi.reviews.models import AwardLabel
from goi.reviews.services import EntryChoice
from tests import factories
from tests.conftest import count_statements, log_in, statements_of
from tests.orgs import fresh_client
from tests.proposals.conftest import make_proposal


@pytest.fixture
def client(app):
    client = fresh_client(app)
    client.set_cookie("goi_lang", "en")
    return client


@pytest.fixture(autouse=True)
def _in_english(app):
    with force_locale("en"):
        yield


def _page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(html: str, section_id: str) -> str:
    """The HTML of the section with this id ('' when the page has none)."""
    match = re.search(rf'<section[^>]*\bid="{section_id}".*?</section>', html, re.DOTALL)
    return match.group(0) if match else ""


def _titles(section: str) -> list[str]:
    """The titles of a section's items, in order."""
    return re.findall(r'data-title="([^"]+)"', section)


def _row_titles(section: str) -> list[str]:
    """The titles of the challenge rows (challenges/_row.html) of a section, in order."""
    return re.findall(r'<a class="fw-semibold" href="/challenges/[^"]+">([^<]+)</a>', section)


def _days(days: float):
    return clock.now() + timedelta(days=days)


def _decide(owner, *challenges) -> None:
    """Past every deadline, each challenge closed, reviewed and decided (awarded)."""
    clock.freeze(clock.now() + timedelta(days=60))
    challenge_lifecycle.close_expired_challenges()
    for challenge in challenges:
        challenge_lifecycle.start_review(owner, challenge)
        challenge_lifecycle.decide(owner, challenge, ChallengeOutcome.AWARDED)


def _submitted(db, challenge, lead, title: str, organization=None):
    proposal = make_proposal(db, challenge, lead, organization, title=title)
    submission.submit_proposal(lead, proposal)
    db.session.commit()
    return proposal


# --- the public sections ------------------------------------------------------------------------------------------


def test_closing_soon_lists_open_challenges_nearest_deadline_first(client, db, world, make_challenge):
    owner = world["users"]["gov_admin"]
    make_challenge(title="Tutup Sembilan Hari", closes_at=_days(9))
    make_challenge(title="Tutup Dua Hari", closes_at=_days(2))
    make_challenge(title="Tutup Lima Hari", closes_at=_days(5))
    make_challenge(title="Rancangan Rahasia", publish=False, closes_at=_days(1))
    cancelled = make_challenge(title="Tantangan Dibatalkan", closes_at=_days(1))
    challenge_lifecycle.cancel(owner, cancelled, "Anggaran dialihkan.")
    db.session.commit()

    html = _page(client)
    closing = _section(html, "closing-soon")
    assert _row_titles(closing) == ["Tutup Dua Hari", "Tutup Lima Hari", "Tutup Sembilan Hari"]
    assert "Tantangan Dibatalkan" not in closing
    assert "Rancangan Rahasia" not in html
    assert 'href="/challenges"' in closing


def test_closing_soon_shows_at_most_five_and_leaves_out_challenges_past_their_deadline(client, db, make_challenge):
    for day in range(1, 8):
        make_challenge(title=f"Tantangan Hari {day}", closes_at=_days(day))
    clock.freeze(_days(1.5))  # the first is past its deadline, not yet closed by the clock job

    titles = _row_titles(_section(_page(client), "closing-soon"))
    assert titles == [f"Tantangan Hari {day}" for day in range(2, 7)]


def test_newest_lists_open_challenges_last_published_first(client, db, world, make_challenge):
    owner = world["users"]["gov_admin"]
    first = make_challenge(title="Terbit Pertama", publish=False)
    second = make_challenge(title="Terbit Kedua", publish=False)
    make_challenge(title="Rancangan Rahasia", publish=False)
    challenge_lifecycle.publish(owner, first)
    db.session.commit()
    clock.freeze(clock.now() + timedelta(hours=1))
    challenge_lifecycle.publish(owner, second)
    db.session.commit()

    newest = _section(_page(client), "newest")
    assert _titles(newest) == ["Terbit Kedua", "Terbit Pertama"]
    assert "Rancangan Rahasia" not in newest


def test_no_open_challenge_says_so_and_leads_to_the_list(client, db, world):
    html = _page(client)
    closing = _section(html, "closing-soon")
    assert "No challenge is open right now." in closing
    assert 'href="/challenges"' in closing
    assert _section(html, "newest") == ""
    assert "No results have been published yet." in _section(html, "awarded")


def test_awarded_solutions_appear_only_once_results_are_published(client, db, world, make_challenge, solver_orgs):
    users = world["users"]
    owner = users["gov_admin"]
    challenge = make_challenge(title="Banjir di Palembang")
    winner = _submitted(db, challenge, users["org_member"], "Sensor Genangan Pintar", world["industry"])
    shortlisted = _submitted(db, challenge, solver_orgs["competitor"], "Usulan Daftar Pendek")
    make_proposal(db, challenge, users["user"], title="Draf Tidak Pernah Dikirim")
    _decide(owner, challenge)
    db.session.commit()

    assert "Sensor Genangan Pintar" not in _page(client)

    review_services.publish_results(
        owner,
        challenge,
        "Terima kasih.",
        [
            EntryChoice(winner.id, AwardLabel.WINNER, "Hemat energi."),
            EntryChoice(shortlisted.id, AwardLabel.SHORTLISTED),
        ],
    )
    db.session.commit()

    html = _page(client)
    awarded = _section(html, "awarded")
    assert _titles(awarded) == ["Sensor Genangan Pintar"]
    assert "Winner" in awarded and "PT Industri" in awarded
    assert f'href="/challenges/{challenge.slug}#results"' in awarded
    assert "Banjir di Palembang" in awarded
    assert "Usulan Daftar Pendek" not in html
    assert "Draf Tidak Pernah Dikirim" not in html


def test_figures_count_open_challenges_their_budget_proposals_and_organizations(client, db, world, make_challenge):
    users = world["users"]
    make_challenge(title="Terbuka Satu", budget_min=100_000_000, budget_max=500_000_000)
    sealed = make_challenge(title="Terbuka Dua", budget_min=250_000_000, is_sealed=True)
    make_challenge(title="Tanpa Anggaran")
    closing = make_challenge(title="Segera Tutup", budget_max=9_000_000_000, closes_at=_days(1))
    make_challenge(title="Rancangan", publish=False, budget_max=7_000_000_000)
    _submitted(db, sealed, users["org_member"], "Usulan Tersegel", world["industry"])
    _submitted(db, closing, users["user"], "Usulan Kedua")
    make_proposal(db, sealed, users["org_owner"], title="Draf")
    factories.make_org(OrgKind.ACADEMIA, name="Universitas Satu")
    factories.make_org(OrgKind.GOVERNMENT, verified=True, name="Pemkab Terverifikasi")
    db.session.commit()
    clock.freeze(_days(2))  # "Segera Tutup" is past its deadline: its budget is no longer on offer

    figures = _section(_page(client), "figures")
    assert re.search(r'data-figure="open-challenges">\s*3<', figures)
    assert re.search(r'data-figure="budget">\s*Rp 750\.000\.000<', figures)
    assert re.search(r'data-figure="proposals">\s*2<', figures)
    assert re.search(r'data-figure="verified-governments">\s*2<', figures)
    # Organizations by kind: the world has one industry, two governments, and the academia added here.
    assert re.search(r'href="/orgs\?kind=government"[^>]*>Government</a>:\s*<strong>3</strong>', figures)
    assert re.search(r'href="/orgs\?kind=academia"[^>]*>Academia</a>:\s*<strong>1</strong>', figures)
    assert re.search(r'href="/orgs\?kind=investor"[^>]*>Investor</a>:\s*<strong>0</strong>', figures)


def test_metropolitan_areas_link_to_their_pages(client, db, world):
    metros = _section(_page(client), "metros")
    for metro in regions.metros():
        assert f'href="/metros/{metro.code}"' in metros
        assert metro.name in metros
    assert 'href="/metros"' in metros


def test_visitors_get_the_banner_and_no_session(app, db, world):
    visitor = fresh_client(app)
    response = visitor.get("/")
    html = response.get_data(as_text=True)
    assert 'href="/register"' in _section(html, "welcome")
    assert _section(html, "needs") == ""
    assert "csrf_token" not in html
    assert response.headers.getlist("Set-Cookie") == []


# --- what needs a logged-in user ------------------------------------------------------------------------------------


def test_a_user_with_nothing_waiting_sees_the_empty_state(client, db, world):
    log_in(client, world["users"]["user"])
    html = _page(client)
    needs = _section(html, "needs")
    assert "Nothing is waiting for you." in needs
    assert 'href="/challenges"' in needs
    assert _section(html, "welcome") == ""
    assert 'href="/register"' not in html


def test_a_solver_sees_their_drafts_of_open_challenges(client, db, world, make_challenge):
    user = world["users"]["user"]
    open_challenge = make_challenge(title="Masih Terbuka", closes_at=_days(3))
    later = make_challenge(title="Tutup Nanti", closes_at=_days(20))
    closed = make_challenge(title="Sudah Lewat", closes_at=_days(0.5))
    draft = make_proposal(db, open_challenge, user, title="Draf Saya")
    later_draft = make_proposal(db, later, user, title="Draf Berikutnya")
    make_proposal(db, closed, user, title="Draf Terlambat")
    _submitted(db, later, world["users"]["org_member"], "Usulan Orang Lain", world["industry"])
    clock.freeze(_days(1))
    log_in(client, user)

    needs = _section(_page(client), "needs")
    assert _titles(needs) == ["Draf Saya", "Draf Berikutnya"]
    assert f'href="/proposals/{draft.id}"' in needs
    assert f'href="/proposals/{later_draft.id}"' in needs
    assert "Draf Terlambat" not in needs
    assert "Usulan Orang Lain" not in needs
    assert "Nothing is waiting for you." not in needs


def test_an_invited_partner_sees_the_invitation_and_where_to_answer_it(client, db, world, make_challenge, solver_orgs):
    users = world["users"]
    challenge = make_challenge(title="Banjir di Palembang")
    proposal = make_proposal(db, challenge, users["org_member"], world["industry"], title="Konsorsium Sensor")
    partner = solver_orgs["partner_user"]
    proposal_team.invite_partner(users["org_member"], proposal, partner.email.upper(), "Analisis data", None)
    db.session.commit()
    log_in(client, partner)

    needs = _section(_page(client), "needs")
    assert "Konsorsium Sensor" in needs and "Member Industri" in needs
    # My proposals holds the invitations with their Accept and Decline buttons.
    assert 'href="/account/proposals"' in needs

    log_in(client, users["user"])  # not the invited address
    assert "Konsorsium Sensor" not in _page(client)


def test_an_owner_sees_draft_challenges_and_unanswered_questions(client, db, world, make_challenge):
    users = world["users"]
    owner = users["gov_admin"]
    draft = make_challenge(title="Rancangan Kami", publish=False)
    challenge = make_challenge(title="Banjir di Palembang")
    other = make_challenge(title="Semua Terjawab")
    questions.ask_question(users["user"], challenge, "Apakah data boleh disimpan di cloud?")
    questions.ask_question(users["org_member"], challenge, "Berapa titik sensor?")
    answered = questions.ask_question(users["user"], other, "Kapan pengumuman?")
    questions.answer_question(owner, answered, "Bulan depan.", publish=True)
    db.session.commit()
    log_in(client, owner)

    needs = _section(_page(client), "needs")
    assert f'href="/challenges/{draft.slug}"' in needs and "Rancangan Kami" in needs
    assert f'href="/challenges/{challenge.slug}/questions"' in needs
    assert re.search(r'data-questions="2"', needs)
    assert "Semua Terjawab" not in needs

    # A member of the organization who does not administer it is told of neither.
    factories.add_member(world["gov_verified"], users["org_owner"])
    db.session.commit()
    log_in(client, users["org_owner"])
    needs = _section(_page(client), "needs")
    assert "Rancangan Kami" not in needs and "/questions" not in needs


def test_a_follower_sees_deadlines_of_the_next_fourteen_days(client, db, world, make_challenge):
    user = world["users"]["user"]
    soon = make_challenge(title="Tutup Minggu Ini", closes_at=_days(5))
    later = make_challenge(title="Tutup Bulan Depan", closes_at=_days(20))
    cancelled = make_challenge(title="Dibatalkan", closes_at=_days(3))
    for challenge in (soon, later, cancelled):
        following.follow(user, challenge)
    challenge_lifecycle.cancel(world["users"]["gov_admin"], cancelled, "Anggaran dialihkan.")
    db.session.commit()
    log_in(client, user)

    needs = _section(_page(client), "needs")
    assert _titles(needs) == ["Tutup Minggu Ini"]
    assert f'href="/challenges/{soon.slug}"' in needs
    assert "5 days left" in needs or "4 days left" in needs


def test_a_user_reads_the_kept_public_sections_and_sees_a_change_at_once(app, client, db, world, make_challenge):
    app.config["PAGE_CACHE"] = True
    make_challenge(title="Tantangan Pertama")
    log_in(client, world["users"]["user"])

    statements = statements_of(client, "/")  # after a first GET that keeps the fragment
    assert not any(
        "result_entries" in statement or "GROUP BY organizations.kind" in statement for statement in statements
    )
    assert _row_titles(_section(_page(client), "closing-soon")) == ["Tantangan Pertama"]

    make_challenge(title="Tantangan Kedua", closes_at=_days(2))
    assert _row_titles(_section(_page(client), "closing-soon")) == ["Tantangan Kedua", "Tantangan Pertama"]


# --- statements ---------------------------------------------------------------------------------------------------


def _decide_before_the_deadline(owner, challenge) -> None:
    """Closed (a move the state machine allows at any time), reviewed and decided, with no travel in time."""
    challenge_lifecycle.transition(challenge, ChallengeStatus.CLOSED, None, note="test")
    challenge_lifecycle.start_review(owner, challenge)
    challenge_lifecycle.decide(owner, challenge, ChallengeOutcome.AWARDED)


def _fill(db, world, make_challenge, solver_orgs, count: int) -> None:
    """count open challenges (each followed by the user, with a draft of theirs, an invitation of the partner and a
    question) plus count draft challenges, and count decided ones with published results."""
    users = world["users"]
    owner = users["gov_admin"]
    partner = solver_orgs["partner_user"]
    for number in range(count):
        challenge = make_challenge(title=f"Tantangan {number}", closes_at=_days(3 + number))
        make_challenge(title=f"Rancangan {number}", publish=False)
        following.follow(users["user"], challenge)
        make_proposal(db, challenge, users["user"], title=f"Draf {number}")
        proposal = make_proposal(db, challenge, users["org_member"], world["industry"], title=f"Konsorsium {number}")
        proposal_team.invite_partner(users["org_member"], proposal, partner.email, "Analisis", None)
        questions.ask_question(users["user"], challenge, f"Pertanyaan {number}?")
        past = make_challenge(title=f"Selesai {number}")
        winner = _submitted(db, past, solver_orgs["competitor"], f"Pemenang {number}")
        _decide_before_the_deadline(owner, past)
        review_services.publish_results(owner, past, "Hasil.", [EntryChoice(winner.id, AwardLabel.WINNER)])
    db.session.commit()


@pytest.mark.parametrize("role", ["anonymous", "user", "gov_admin", "partner"])
def test_the_home_page_reads_a_constant_number_of_statements(app, db, world, make_challenge, solver_orgs, role):
    counts = []
    for added in (2, 10):  # 2 of each, then 12
        _fill(db, world, make_challenge, solver_orgs, added)
        client = fresh_client(app)
        if role == "partner":
            log_in(client, solver_orgs["partner_user"])
        elif role != "anonymous":
            log_in(client, world["users"][role])
        html = client.get("/").get_data(as_text=True)
        assert "Pemenang" in _section(html, "awarded")
        if role != "anonymous":
            assert "Nothing is waiting for you." not in html
        counts.append(count_statements(client, "/"))
    assert counts[0] == counts[1], counts
