"""Published results: who may publish, which proposals they may name, what everyone then sees and finds."""

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from goi.challenges import following as challenge_following
from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges import services as challenge_services
from goi.challenges.models import ChallengeOutcome, SolverKind
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.errors import DomainError
from goi.extensions import db as _db
from goi.notify.models import Notification
from goi.proposals import services as proposal_services
from goi.proposals import submission as proposal_submission
from goi.proposals.permissions import can_view_proposal, is_published_in_results
from goi.reviews import services
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry
from goi.reviews.services import EntryChoice
from goi.search import service as search
from tests import factories
from tests.conftest import count_statements, csrf_token_from, log_in
from tests.orgs import fresh_client
from tests.proposals.conftest import fill

CITATION = "Juri memuji sensor genangan zamrudkilat yang hemat energi."
SECRET_TITLE = "Usulan Rahasia Pesaing Kalah"


@pytest.fixture(autouse=True)
def _in_english(app, client):
    """These tests read the English messages: services run under an English locale, pages get the cookie."""
    client.set_cookie("goi_lang", "en")
    with force_locale("en"):
        yield


@pytest.fixture
def client(app):
    """A client that starts every request with an empty flask.g, as a real server does."""
    return fresh_client(app)


def _challenge(world, title: str):
    now = clock.now()
    values = {
        "title": title,
        "summary": "Kurangi genangan di pusat kota.",
        "problem": "Genangan setelah hujan deras.",
        "sector": "environment",
        "province_code": "16",
        "eligible_kinds": list(SolverKind),
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "is_sealed": True,
    }
    owner = world["users"]["gov_admin"]
    challenge = challenge_services.create_challenge(owner, world["gov_verified"], values)
    challenge_lifecycle.publish(owner, challenge)
    return challenge


def _proposal(challenge, lead, title: str, organization=None, submit: bool = True):
    proposal = proposal_services.start_proposal(lead, challenge, organization, title)
    fill(proposal, summary=f"Ringkasan publik {title}.")
    if submit:
        proposal_submission.submit_proposal(lead, proposal)
    return proposal


def _decide(challenge, owner, outcome=ChallengeOutcome.AWARDED):
    challenge_lifecycle.close_expired_challenges()
    challenge_lifecycle.start_review(owner, challenge)
    challenge_lifecycle.decide(owner, challenge, outcome)


@pytest.fixture
def scene(db, world):
    """A challenge with a submitted proposal of PT Industri, a submitted rival, a draft and a withdrawn one,
    plus another challenge with a submitted proposal; both past their deadline and decided (awarded)."""
    users = world["users"]
    owner = users["gov_admin"]
    rival = factories.make_user(email="rival@example.id", name="Solver Rival")
    drafter = factories.make_user(email="draf@example.id", name="Penulis Draf")
    quitter = factories.make_user(email="mundur@example.id", name="Yang Mundur")
    other_lead = factories.make_user(email="lain@example.id", name="Tim Lain")
    follower = factories.make_user(email="pengikut@example.id", name="Pengikut")
    challenge = _challenge(world, "Banjir di Palembang")
    other = _challenge(world, "Tantangan lain")
    included = _proposal(challenge, users["org_member"], "Sensor Genangan Pintar", organization=world["industry"])
    excluded = _proposal(challenge, rival, SECRET_TITLE)
    draft = _proposal(challenge, drafter, "Draf Belum Dikirim", submit=False)
    withdrawn = _proposal(challenge, quitter, "Usulan Ditarik")
    proposal_services.withdraw_proposal(quitter, withdrawn)
    foreign = _proposal(other, other_lead, "Usulan Tantangan Lain")
    challenge_following.follow(follower, challenge)
    db.session.commit()
    clock.freeze(clock.now() + timedelta(days=31))
    _decide(challenge, owner)
    _decide(other, owner)
    db.session.commit()
    return {
        "owner": owner,
        "challenge": challenge,
        "other": other,
        "included": included,
        "excluded": excluded,
        "draft": draft,
        "withdrawn": withdrawn,
        "foreign": foreign,
        "rival": rival,
        "follower": follower,
    }


def _publish(scene, entries=None, summary="Juri menilai empat usulan."):
    if entries is None:
        entries = [EntryChoice(scene["included"].id, AwardLabel.WINNER, CITATION)]
    return services.publish_results(scene["owner"], scene["challenge"], summary, entries)


def _counts(db) -> tuple[int, int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(ChallengeResult)),
        db.session.scalar(select(func.count()).select_from(ResultEntry)),
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "challenge.results_published")
        ),
    )


def _refused(db, scene, message_part: str, **kwargs) -> None:
    with pytest.raises(DomainError) as raised:
        _publish(scene, **kwargs)
    db.session.rollback()
    assert message_part in raised.value.message
    assert _counts(db) == (0, 0, 0)


def _page_url(challenge) -> str:
    return f"/challenges/{challenge.slug}/results/new"


def _form_data(client, scene, **fields) -> dict:
    html = client.get(_page_url(scene["challenge"])).get_data(as_text=True)
    return {"csrf_token": csrf_token_from(html), **fields}


# --- the service -----------------------------------------------------------------------------------------------------


def test_publishing_writes_the_results_an_audit_row_and_orders_by_award(db, scene):
    result = _publish(
        scene,
        entries=[
            EntryChoice(scene["excluded"].id, AwardLabel.SHORTLISTED, ""),
            EntryChoice(scene["included"].id, AwardLabel.WINNER, f"  {CITATION}  "),
        ],
        summary="**Juri** <script>alert(1)</script> menilai.",
    )
    db.session.commit()
    assert _counts(db) == (1, 2, 1)
    assert [(entry.proposal_id, entry.award, entry.position) for entry in result.entries] == [
        (scene["included"].id, AwardLabel.WINNER, 1),
        (scene["excluded"].id, AwardLabel.SHORTLISTED, 2),
    ]
    assert result.entries[0].citation == CITATION
    assert "<strong>Juri</strong>" in result.summary_html and "<script>" not in result.summary_html
    assert result.published_by_id == scene["owner"].id and result.published_at == clock.now()


def test_not_decided_is_refused(db, world):
    challenge = _challenge(world, "Masih terbuka")
    db.session.commit()
    with pytest.raises(DomainError, match="decided"):
        services.publish_results(world["users"]["gov_admin"], challenge, "Ringkasan", [])
    db.session.rollback()
    assert _counts(db) == (0, 0, 0)


def test_entries_from_another_challenge_are_refused(db, scene):
    _refused(
        db,
        scene,
        "submitted proposals of this challenge",
        entries=[
            EntryChoice(scene["included"].id, AwardLabel.WINNER, ""),
            EntryChoice(scene["foreign"].id, AwardLabel.RUNNER_UP, ""),
        ],
    )


@pytest.mark.parametrize("which", ["draft", "withdrawn"])
def test_entries_from_draft_or_withdrawn_proposals_are_refused(db, scene, which):
    _refused(
        db,
        scene,
        "submitted proposals",
        entries=[
            EntryChoice(scene["included"].id, AwardLabel.WINNER, ""),
            EntryChoice(scene[which].id, AwardLabel.SHORTLISTED, ""),
        ],
    )


def test_a_proposal_named_twice_is_refused(db, scene):
    entry = EntryChoice(scene["included"].id, AwardLabel.WINNER, "")
    _refused(db, scene, "twice", entries=[entry, entry])


def test_awarded_without_entries_or_without_a_winner_is_refused(db, scene):
    _refused(db, scene, "at least one proposal", entries=[])
    _refused(db, scene, "winner", entries=[EntryChoice(scene["included"].id, AwardLabel.SHORTLISTED, "")])


def test_not_awarded_with_entries_is_refused(db, world):
    challenge = _challenge(world, "Tanpa pemenang")
    lead = factories.make_user(email="solo@example.id")
    proposal = _proposal(challenge, lead, "Satu-satunya usulan")
    db.session.commit()
    clock.freeze(clock.now() + timedelta(days=31))
    owner = world["users"]["gov_admin"]
    _decide(challenge, owner, ChallengeOutcome.NOT_AWARDED)
    db.session.commit()
    with pytest.raises(DomainError, match="not awarded"):
        services.publish_results(owner, challenge, "Tidak ada pemenang.", [EntryChoice(proposal.id, "shortlisted")])
    db.session.rollback()
    assert _counts(db) == (0, 0, 0)
    services.publish_results(owner, challenge, "Tidak ada pemenang.", [])
    db.session.commit()
    assert _counts(db) == (1, 0, 1)


def test_an_empty_summary_is_refused(db, scene):
    _refused(db, scene, "summary", summary="   ")


def test_publishing_twice_is_refused(db, scene):
    _publish(scene)
    db.session.commit()
    with pytest.raises(DomainError, match="already published"):
        _publish(scene, entries=[EntryChoice(scene["excluded"].id, AwardLabel.WINNER, "")])
    db.session.rollback()
    assert _counts(db) == (1, 1, 1)


def test_archived_challenge_keeps_results_but_cannot_publish_new_ones(db, scene):
    challenge_lifecycle.archive(scene["owner"], scene["challenge"])
    db.session.commit()
    _refused(db, scene, "decided")


# --- visibility ------------------------------------------------------------------------------------------------------


def test_is_published_in_results_names_the_included_proposal_only(db, scene):
    _publish(scene)
    db.session.commit()
    assert is_published_in_results(scene["included"])
    for other in ("excluded", "draft", "withdrawn", "foreign"):
        assert not is_published_in_results(scene[other])
    # Publication opens no proposal page to outsiders.
    assert not can_view_proposal(scene["rival"], scene["included"])


def test_challenge_page_shows_the_entries_and_nothing_of_the_others(db, scene, client):
    url = f"/challenges/{scene['challenge'].slug}"
    assert 'id="results"' not in client.get(url).get_data(as_text=True)
    _publish(scene)
    db.session.commit()
    for viewer in (None, scene["rival"], scene["owner"]):
        if viewer is None:
            with client.session_transaction() as session:
                session.clear()
        else:
            log_in(client, viewer)
        html = client.get(url).get_data(as_text=True)
        assert 'id="results"' in html
        assert "Sensor Genangan Pintar" in html and "PT Industri" in html
        assert CITATION in html and "Ringkasan publik Sensor Genangan Pintar." in html
        assert "Juri menilai empat usulan." in html
        assert SECRET_TITLE not in html and "Draf Belum Dikirim" not in html and "Usulan Ditarik" not in html
        # Only the public part: no section text, no workplan, no budget.
        assert "Jawaban untuk" not in html and "Pemasangan" not in html


def test_an_included_proposal_page_stays_closed_to_outsiders(db, scene, client):
    _publish(scene)
    db.session.commit()
    included, missing = f"/proposals/{scene['included'].id}", "/proposals/999999"
    # Anonymous visitors are sent to log in, exactly as for an id that does not exist; signed-in outsiders get 404.
    anonymous = client.get(included)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    assert client.get(missing).status_code == 302
    for outsider in (scene["rival"], scene["follower"]):
        log_in(client, outsider)
        assert client.get(included).status_code == 404
        assert client.get(f"{included}/receipt").status_code == 404


# --- search ----------------------------------------------------------------------------------------------------------


def test_search_finds_the_result_document_by_a_word_of_the_citation(db, scene):
    _publish(scene)
    db.session.commit()
    results = search.search(None, "zamrudkilat")
    db.session.rollback()
    found = {(hit.type, hit.object_id) for hit in results.hits}
    result_id = db.session.scalar(select(ChallengeResult.id))
    assert found == {("result", result_id)}
    hit = results.hits[0]
    assert hit.title == "Results: Banjir di Palembang"
    assert hit.url == f"/challenges/{scene['challenge'].slug}#results"
    assert hit.facts["owner"] == "Pemkot Palembang"
    assert ("result", 1) in results.facets["type"]
    # The included proposal's own document stays with its team; outsiders find only the result document.
    by_title = search.search(None, "Sensor Genangan Pintar")
    db.session.rollback()
    assert "result" in {hit.type for hit in by_title.hits}
    assert "proposal" not in {hit.type for hit in by_title.hits}
    rival_view = search.search(scene["rival"], "Pesaing Kalah")
    db.session.rollback()
    assert rival_view.hits == [] or {hit.type for hit in rival_view.hits} == {"proposal"}
    assert search.search(None, "Pesaing Kalah").hits == []
    db.session.rollback()


def test_search_page_lists_the_result_type(db, scene, client):
    _publish(scene)
    db.session.commit()
    html = client.get("/search?q=zamrudkilat").get_data(as_text=True)
    assert "Results: Banjir di Palembang" in html
    facet = html[html.index('id="facet-type"') : html.index("</section>", html.index('id="facet-type"'))]
    assert "Published results" in facet and "(1)" in facet
    filtered = client.get("/search?q=genangan&type=result").get_data(as_text=True)
    assert 'data-type="result"' in filtered and 'data-type="challenge"' not in filtered


# --- notifications ---------------------------------------------------------------------------------------------------


def _notification(user, kind):
    return _db.session.scalar(select(Notification).where(Notification.user_id == user.id, Notification.kind == kind))


def test_followers_and_teams_hear_of_the_results(db, world, scene):
    _publish(scene)
    db.session.commit()

    def kinds_of(user):
        return set(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))

    assert "results_published" in kinds_of(scene["follower"])
    assert "results_published" not in kinds_of(scene["owner"])
    # Each submitting team hears its own outcome, once, instead of the general news.
    winner_lead = world["users"]["org_member"]
    assert kinds_of(winner_lead) >= {"proposal_outcome"} and "results_published" not in kinds_of(winner_lead)
    won = _notification(winner_lead, "proposal_outcome")
    assert won.link == f"/proposals/{scene['included'].id}"
    assert won.title.startswith("Pemenang: ") and CITATION in won.body
    lost = _notification(scene["rival"], "proposal_outcome")
    assert "results_published" not in kinds_of(scene["rival"])
    assert "tidak terpilih" in lost.body and CITATION not in lost.body
    # A team with only a draft hears the results like a follower.
    assert "results_published" in kinds_of(db.session.get(type(scene["owner"]), scene["draft"].lead_user_id))
    notification = db.session.scalar(
        select(Notification).where(
            Notification.user_id == scene["follower"].id, Notification.kind == "results_published"
        )
    )
    assert notification.link == f"/challenges/{scene['challenge'].slug}#results"
    assert "Sensor Genangan Pintar" in notification.body and SECRET_TITLE not in notification.body


# --- the page --------------------------------------------------------------------------------------------------------


def test_wrong_role_gets_403(db, scene, client, world):
    for role in ("user", "org_member", "gov_admin_unverified", "platform_admin"):
        log_in(client, world["users"][role])
        assert client.get(_page_url(scene["challenge"])).status_code == 403, role
        assert client.post(_page_url(scene["challenge"]), data={"summary": "x"}).status_code in (400, 403), role
    assert _counts(db) == (0, 0, 0)


def test_managers_see_the_button_and_publish_through_the_form(db, scene, client):
    log_in(client, scene["owner"])
    show = f"/challenges/{scene['challenge'].slug}"
    assert 'id="publish-results"' in client.get(show).get_data(as_text=True)
    page = client.get(_page_url(scene["challenge"])).get_data(as_text=True)
    assert "Sensor Genangan Pintar" in page and SECRET_TITLE in page
    assert "Draf Belum Dikirim" not in page and "Usulan Ditarik" not in page
    included = scene["included"].id
    data = _form_data(
        client,
        scene,
        summary="Juri menilai empat usulan.",
        **{f"include_{included}": "y", f"award_{included}": "winner", f"citation_{included}": CITATION},
    )
    response = client.post(_page_url(scene["challenge"]), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{show}#results")
    assert _counts(db) == (1, 1, 1)
    assert 'id="publish-results"' not in client.get(show).get_data(as_text=True)
    again = client.get(_page_url(scene["challenge"]))
    assert again.status_code == 302


def test_form_errors_keep_what_was_typed(db, scene, client):
    log_in(client, scene["owner"])
    included = scene["included"].id
    data = _form_data(
        client,
        scene,
        summary="Ringkasan yang diketik",
        **{f"include_{included}": "y", f"award_{included}": "shortlisted", f"citation_{included}": "Kutipan diketik"},
    )
    response = client.post(_page_url(scene["challenge"]), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ringkasan yang diketik" in html and "Kutipan diketik" in html
    assert re.search(r'<option selected value="shortlisted">|value="shortlisted" selected', html)
    assert _counts(db) == (0, 0, 0)


def test_not_decided_redirects_with_a_message(db, world, client):
    challenge = _challenge(world, "Masih terbuka")
    db.session.commit()
    log_in(client, world["users"]["gov_admin"])
    response = client.get(_page_url(challenge))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/challenges/{challenge.slug}")
    assert 'id="publish-results"' not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(ChallengeResult)) == 0


def test_a_team_sees_its_outcome_on_its_proposal_and_in_my_proposals(client, db, world, scene):
    winner_lead = world["users"]["org_member"]
    log_in(client, winner_lead)
    client.set_cookie("goi_lang", "id")
    # Decided, results not yet published: the team is told where things stand.
    page = client.get(f"/proposals/{scene['included'].id}").get_data(as_text=True)
    assert 'data-outcome="decided"' in page
    _publish(scene)
    db.session.commit()
    page = client.get(f"/proposals/{scene['included'].id}").get_data(as_text=True)
    outcome = page[page.index('id="proposal-outcome"') : page.index("</section>", page.index('id="proposal-outcome"'))]
    assert 'data-outcome="awarded"' in page and "Pemenang" in outcome and CITATION in outcome
    assert "Diputuskan pada" in outcome
    mine = client.get("/account/proposals").get_data(as_text=True)
    row = mine[mine.index(f'data-proposal-id="{scene["included"].id}"') :]
    assert 'data-outcome="awarded"' in row[: row.index("</tr>")] and "Pemenang" in row[: row.index("</tr>")]
    log_in(client, scene["rival"])
    page = client.get(f"/proposals/{scene['excluded'].id}").get_data(as_text=True)
    assert 'data-outcome="not_selected"' in page and CITATION not in page
    client.set_cookie("goi_lang", "en")
    assert "Not selected" in client.get("/account/proposals").get_data(as_text=True)


def test_my_proposals_reads_outcomes_in_a_constant_number_of_statements(client, db, world, scene):
    log_in(client, world["users"]["org_member"])
    _publish(scene)
    db.session.commit()
    one = count_statements(client, "/account/proposals")
    for index in range(4):
        challenge = _challenge(world, f"Tantangan tambahan {index}")
        _proposal(challenge, world["users"]["org_member"], f"Usulan tambahan {index}")
    db.session.commit()
    assert 'data-outcome=""' in client.get("/account/proposals").get_data(as_text=True)  # still open
    assert count_statements(client, "/account/proposals") == one
