"""The owner dashboard (/account/challenges) and its CSV export: counts per row, the next action per state, chips that
filter, only the user's organizations' challenges, a constant number of statements."""

import csv
import io
import re
from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeCoOwner, ChallengeStatus, Follow, Question
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import MemberRole, OrgKind
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews.models import ChallengeResult
from tests import factories
from tests.challenges import NOW, make_challenge
from tests.conftest import count_statements

ROW = re.compile(r'<li class="list-group-item dashboard-row" data-challenge="([^"]+)"')
PAST = {"opens_at": NOW - timedelta(days=20), "closes_at": NOW - timedelta(days=2)}


def _row(html: str, slug: str) -> str:
    """The HTML of one row of the dashboard."""
    start = html.index(f'data-challenge="{slug}"')
    return html[start : html.index("</li>", start)]


def _figure(row: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">(.*?)</dd>', row, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).split()[0]


def _action(row: str) -> str:
    return re.search(r'data-action="([^"]*)"', row).group(1)


def _people(count: int) -> list:
    return [factories.make_user(email=f"warga{number}@example.id") for number in range(count)]


def _follow(challenge, users) -> None:
    db.session.add_all(Follow(challenge_id=challenge.id, user_id=user.id) for user in users)


def _question(challenge, asker, answered: bool = False) -> None:
    db.session.add(
        Question(
            challenge_id=challenge.id,
            asker_id=asker.id,
            body="Apakah data tersedia?",
            asked_at=clock.now(),
            answered_at=clock.now() if answered else None,
            answer_source="Ya" if answered else "",
            is_public=answered,
        )
    )


def _proposal(challenge, lead, status: ProposalStatus) -> None:
    db.session.add(
        Proposal(
            challenge_id=challenge.id,
            lead_user_id=lead.id,
            team_key=f"user:{lead.id}",
            title="Usulan",
            status=status,
            submitted_at=clock.now() if status != ProposalStatus.DRAFT else None,
        )
    )


@pytest.fixture
def scene(palembang, world):
    """Challenges of Palembang in every state of interest, with followers, questions and proposals."""
    people = _people(5)
    open_ = make_challenge(palembang, ChallengeStatus.PUBLISHED, slug="terbuka", closes_at=NOW + timedelta(days=12))
    _follow(open_, people[:3])
    _question(open_, people[0])
    _question(open_, people[1])
    _question(open_, people[2], answered=True)
    _proposal(open_, people[0], ProposalStatus.DRAFT)
    _proposal(open_, people[1], ProposalStatus.DRAFT)
    _proposal(open_, people[2], ProposalStatus.SUBMITTED)
    _proposal(open_, people[3], ProposalStatus.WITHDRAWN)
    quiet = make_challenge(palembang, ChallengeStatus.PUBLISHED, slug="sepi")
    draft = make_challenge(palembang, ChallengeStatus.DRAFT, slug="konsep")
    closed = make_challenge(palembang, ChallengeStatus.CLOSED, slug="tutup", **PAST)
    _proposal(closed, people[4], ProposalStatus.SUBMITTED)
    review = make_challenge(palembang, ChallengeStatus.UNDER_REVIEW, slug="dinilai", **PAST)
    decided = make_challenge(palembang, ChallengeStatus.DECIDED, slug="diputuskan", **PAST)
    announced = make_challenge(palembang, ChallengeStatus.DECIDED, slug="diumumkan", **PAST)
    db.session.add(ChallengeResult(challenge_id=announced.id, summary_source="Pemenang", published_at=clock.now()))
    archived = make_challenge(palembang, ChallengeStatus.ARCHIVED, slug="arsip", **PAST)
    cancelled = make_challenge(palembang, ChallengeStatus.CANCELLED, slug="batal", cancel_reason="Anggaran")
    other = factories.make_org(OrgKind.GOVERNMENT, verified=True, slug="pemkot-lain", name="Pemkot Lain")
    foreign = make_challenge(other, ChallengeStatus.PUBLISHED, slug="milik-lain", title="Bukan milik Palembang")
    foreign_draft = make_challenge(other, ChallengeStatus.DRAFT, slug="konsep-lain")
    _follow(foreign, people)
    db.session.commit()
    return {
        "open": open_,
        "quiet": quiet,
        "draft": draft,
        "closed": closed,
        "review": review,
        "decided": decided,
        "announced": announced,
        "archived": archived,
        "cancelled": cancelled,
        "foreign": foreign,
        "foreign_draft": foreign_draft,
    }


def test_each_row_counts_followers_questions_waiting_and_proposals(client, login_as, scene):
    login_as("gov_admin")
    html = client.get("/account/challenges").get_data(as_text=True)
    row = _row(html, "terbuka")
    # 3 followers; 2 questions unanswered (the answered one is not waiting); 2 drafts and 1 submitted (a withdrawn
    # proposal is neither).
    assert [_figure(row, name) for name in ("followers", "questions", "started", "submitted")] == ["3", "2", "2", "1"]
    assert "sisa 12 hari" in row
    # Sealed until the deadline: a count, no link to the proposals.
    assert "sealed" in row and "/challenges/terbuka/proposals" not in row
    assert 'href="/challenges/terbuka/questions">2</a>' in row
    quiet = _row(html, "sepi")
    assert [_figure(quiet, name) for name in ("followers", "questions", "started", "submitted")] == ["0"] * 4
    # After the deadline the submitted proposals are listed for the owner: the count links to them.
    closed = _row(html, "tutup")
    assert _figure(closed, "submitted") == "1" and 'href="/challenges/tutup/proposals"' in closed


def test_the_next_action_follows_the_state(client, login_as, scene):
    login_as("gov_admin")
    client.set_cookie("goi_lang", "en")
    html = client.get("/account/challenges").get_data(as_text=True)
    expected = {
        "konsep": ("publish", "Publish", "/challenges/konsep#manage-heading"),
        "terbuka": ("answer", "Answer 2 questions", "/challenges/terbuka/questions"),
        "sepi": ("", None, None),
        "tutup": ("start_review", "Start the review", "/challenges/tutup#manage-heading"),
        "dinilai": ("decide", "Record the decision", "/challenges/dinilai#manage-heading"),
        "diputuskan": ("publish_results", "Publish the results", "/challenges/diputuskan/results/new"),
        "diumumkan": ("", None, None),
        "arsip": ("", None, None),
        "batal": ("", None, None),
    }
    for slug, (name, label, url) in expected.items():
        row = _row(html, slug)
        assert _action(row) == name, slug
        if label:
            # A link to the page where the step is a form: never a state change by GET.
            assert f'href="{url}">{label}<span class="visually-hidden">' in row, slug
        else:
            assert "Nothing to do now" in row, slug


def test_only_the_users_organizations_challenges_are_shown(client, login_as, scene, palembang):
    login_as("gov_admin")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert "milik-lain" not in html and "konsep-lain" not in html and "Bukan milik Palembang" not in html
    assert len(ROW.findall(html)) == 9
    # A co-owned challenge of the other organization is the user's too; not its own others.
    db.session.add(ChallengeCoOwner(challenge_id=scene["foreign_draft"].id, organization_id=palembang.id))
    db.session.commit()
    html = client.get("/account/challenges").get_data(as_text=True)
    assert "konsep-lain" in ROW.findall(html) and "milik-lain" not in html
    # Someone who manages nothing sees none.
    login_as("user")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert ROW.findall(html) == [] and "empty-state" in html


def test_chips_filter_by_state_with_their_counts(client, login_as, scene):
    login_as("gov_admin")
    html = client.get("/account/challenges").get_data(as_text=True)
    chips = dict(re.findall(r'data-status="(\w*)" data-count="(\d+)"', html))
    assert chips == {
        "": "9",
        "draft": "1",
        "published": "2",
        "closed": "1",
        "under_review": "1",
        "decided": "2",
        "archived": "1",
        "cancelled": "1",
    }
    assert re.search(r'<a class="nav-link active" href="/account/challenges" aria-current="page">', html)
    html = client.get("/account/challenges?status=decided").get_data(as_text=True)
    assert sorted(ROW.findall(html)) == ["diputuskan", "diumumkan"]
    assert re.search(r'href="/account/challenges\?status=decided" aria-current="page"', html)
    assert 'href="/account/challenges" aria-current' not in html
    # The export follows the same filter.
    assert 'href="/account/challenges.csv?status=decided"' in html
    assert client.get("/account/challenges?status=nonsense").status_code == 404


def test_a_state_without_challenges_shows_no_chip_unless_chosen(client, login_as, palembang, world):
    make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert 'data-status="cancelled"' not in html
    html = client.get("/account/challenges?status=cancelled").get_data(as_text=True)
    assert 'data-status="cancelled" data-count="0"' in html and "empty-state" in html


def test_new_challenge_button_for_one_or_several_organizations(client, login_as, palembang, world):
    login_as("gov_admin")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert 'class="btn btn-primary new-challenge" href="/orgs/pemkot-palembang/challenges/new"' in html
    second = factories.make_org(OrgKind.GOVERNMENT, verified=True, slug="pemprov-sumsel", name="Pemprov Sumsel")
    factories.add_member(second, world["users"]["gov_admin"], MemberRole.ADMIN)
    db.session.commit()
    html = client.get("/account/challenges").get_data(as_text=True)
    assert 'id="new-challenge" data-bs-toggle="dropdown"' in html
    assert html.index("/orgs/pemkot-palembang/challenges/new") < html.index("/orgs/pemprov-sumsel/challenges/new")


def test_without_a_verified_organization_the_page_says_what_to_do(client, login_as, world):
    login_as("gov_admin_unverified")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert "/orgs/pemkot-makassar/verification" in html and "new-challenge" not in html
    login_as("user")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert 'href="/orgs/new"' in html and "new-challenge" not in html and "csv-export" not in html


def test_the_dashboard_issues_as_many_statements_for_12_challenges_as_for_2(client, login_as, palembang, world):
    people = _people(4)

    def add(count: int) -> None:
        for number in range(count):
            challenge = make_challenge(palembang, (ChallengeStatus.PUBLISHED, ChallengeStatus.DRAFT)[number % 2])
            _follow(challenge, people[: number % 4])
            _question(challenge, people[0])
            _proposal(challenge, people[1], ProposalStatus.SUBMITTED)
        db.session.commit()
        db.session.expire_all()

    add(2)
    login_as("gov_admin")
    few = count_statements(client, "/account/challenges")
    few_filtered = count_statements(client, "/account/challenges?status=published")
    few_csv = count_statements(client, "/account/challenges.csv")
    add(10)
    html = client.get("/account/challenges").get_data(as_text=True)
    assert len(ROW.findall(html)) == 12
    assert count_statements(client, "/account/challenges") == few
    assert count_statements(client, "/account/challenges?status=published") == few_filtered
    assert count_statements(client, "/account/challenges.csv") == few_csv


def test_pages_keep_the_filter(client, login_as, palembang, world):
    for _number in range(32):
        make_challenge(palembang, ChallengeStatus.DRAFT)
    make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    html = client.get("/account/challenges?status=draft").get_data(as_text=True)
    assert len(ROW.findall(html)) == 30 and 'href="/account/challenges?status=draft&amp;page=2"' in html
    assert len(ROW.findall(client.get("/account/challenges?status=draft&page=2").get_data(as_text=True))) == 2
    assert client.get("/account/challenges?status=draft&page=3").status_code == 404


def _csv(client, url: str = "/account/challenges.csv") -> tuple[object, list[list[str]]]:
    response = client.get(url)
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.get_data().decode("utf-8"))))


def test_csv_export_of_the_owners_challenges(client, login_as, scene):
    scene["open"].ref = "PLG-2026-01"
    scene["open"].budget_min, scene["open"].budget_max = 100_000_000, 500_000_000
    db.session.commit()
    login_as("gov_admin")
    client.set_cookie("goi_lang", "en")
    response, rows = _csv(client)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="goi-challenges-2026-11-01.csv"'
    assert not response.get_data().startswith(b"\xef\xbb\xbf")  # no byte order mark
    assert rows[0] == [
        "Reference",
        "Title",
        "State",
        "Organization",
        "Region",
        "Region code (Kemendagri)",
        "Sector",
        "Opens",
        "Closes",
        "Budget from (Rp)",
        "Budget up to (Rp)",
        "Followers",
        "Questions waiting",
        "Proposals started",
        "Proposals submitted",
        "URL",
    ]
    by_title = {row[1]: row for row in rows[1:]}
    assert len(rows) == 10 and "Bukan milik Palembang" not in by_title
    opened = by_title[scene["open"].title]
    assert opened == [
        "PLG-2026-01",
        scene["open"].title,
        "Open",
        "Pemkot Palembang",
        "Kota Palembang, Sumatera Selatan",
        "16.71",
        "Transportation",
        "2026-10-31T07:00:00+07:00",
        "2026-11-13T07:00:00+07:00",
        "100000000",
        "500000000",
        "3",
        "2",
        "2",
        "1",
        "http://localhost/challenges/terbuka",
    ]
    # The same filter as the chips, and in the file's name.
    response, rows = _csv(client, "/account/challenges.csv?status=decided")
    assert sorted(row[1] for row in rows[1:]) == sorted([scene["decided"].title, scene["announced"].title])
    assert 'filename="goi-challenges-decided-2026-11-01.csv"' in response.headers["Content-Disposition"]
    assert client.get("/account/challenges.csv?status=nonsense").status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(client, login_as, palembang, world):
    for title in ('=HYPERLINK("http://x")', "+62 sampah", "-1 banjir", "@SUM(A1)", "Aman = tenang"):
        make_challenge(palembang, ChallengeStatus.DRAFT, title=title)
    db.session.commit()
    login_as("gov_admin")
    _response, rows = _csv(client)
    titles = sorted(row[1] for row in rows[1:])
    assert titles == sorted(['\'=HYPERLINK("http://x")', "'+62 sampah", "'-1 banjir", "'@SUM(A1)", "Aman = tenang"])


def test_csv_of_someone_who_manages_nothing_is_a_header(client, login_as, scene):
    login_as("user")
    _response, rows = _csv(client)
    assert len(rows) == 1 and rows[0][0] == "Referensi"


def test_each_state_tells_only_what_is_true_in_it(client, login_as, palembang, world):
    people = _people(2)
    later = make_challenge(palembang, ChallengeStatus.PUBLISHED, slug="nanti", opens_at=NOW + timedelta(days=3))
    open_unsealed = make_challenge(palembang, ChallengeStatus.PUBLISHED, slug="terbuka-umum", is_sealed=False)
    _proposal(open_unsealed, people[0], ProposalStatus.SUBMITTED)
    cancelled = make_challenge(palembang, ChallengeStatus.CANCELLED, slug="batal", cancel_reason="Anggaran")
    _proposal(cancelled, people[1], ProposalStatus.SUBMITTED)
    db.session.commit()
    login_as("gov_admin")
    client.set_cookie("goi_lang", "en")
    html = client.get("/account/challenges").get_data(as_text=True)
    # Published but not open yet: when it opens, not a time left.
    assert "Opens 4 Nov 2026, 07:00 WIB" in _row(html, later.slug)
    # Not sealed: the owners see the submitted proposals before the deadline, and the count links to them.
    unsealed = _row(html, open_unsealed.slug)
    assert "sealed" not in unsealed and f'href="/challenges/{open_unsealed.slug}/proposals">1</a>' in unsealed
    # Cancelled before its deadline: no deadline ahead, nothing sealed, no link to proposals still sealed.
    row = _row(html, cancelled.slug)
    assert "<dd>—" in row and "sealed" not in row and "/proposals" not in row
    assert "Nothing to do now" in row
