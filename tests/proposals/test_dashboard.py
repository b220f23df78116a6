"""The solver's dashboard (my proposals): what waits for the user, their proposals by group with status, version,
deadline and outcome, the followed challenges closing soonest, and a constant number of statements."""

import re
from datetime import timedelta

import pytest

from goi.challenges import following
from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges.models import ChallengeOutcome
from goi.core import clock
from goi.core.clock import format_in_zone
from goi.proposals import services, submission
from goi.proposals import team as teams
from goi.proposals.models import TeamMember, TeamMemberStatus
from goi.reviews import services as reviews
from goi.reviews.models import AwardLabel
from goi.reviews.services import EntryChoice
from tests import factories
from tests.conftest import count_statements, log_in, post_form
from tests.proposals.conftest import fill, make_proposal, make_submitted_proposal

URL = "/account/proposals"


@pytest.fixture(autouse=True)
def _in_english(client):
    client.set_cookie("goi_lang", "en")


def _page(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _row(html: str, proposal) -> str:
    start = html.index(f'data-proposal-id="{proposal.id}"')
    return html[start : html.index("</tr>", start)]


def _rows(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr data-proposal-id="(\d+)"', html)]


def _group_counts(html: str) -> dict[str, int]:
    return {
        name: int(count)
        for name, count in re.findall(r'data-group="(\w+)">[^<]*<span class="badge[^"]*">(\d+)</span>', html)
    }


def _decide_and_publish(db, challenge, owner, entries):
    challenge_lifecycle.close_expired_challenges()
    challenge_lifecycle.start_review(owner, challenge)
    challenge_lifecycle.decide(owner, challenge, ChallengeOutcome.AWARDED)
    reviews.publish_results(owner, challenge, "Juri menilai semua usulan.", entries)
    db.session.commit()


def test_each_proposal_shows_its_status_version_deadline_and_links(client, db, make_challenge, world):
    user = world["users"]["user"]
    drafted = make_challenge(title="Tantangan Draf", closes_at=clock.now() + timedelta(days=3))
    resubmitted_in = make_challenge(title="Tantangan Bali", province_code="51")
    withdrawn_from = make_challenge(title="Tantangan Ditarik")
    draft = make_proposal(db, drafted, user, title="Usulan Draf")
    twice = make_submitted_proposal(db, resubmitted_in, user, title="Usulan Dua Versi")
    fill(twice, summary="Ringkasan yang diperbaiki.")
    submission.submit_proposal(user, twice)
    withdrawn = make_submitted_proposal(db, withdrawn_from, user, title="Usulan Ditarik")
    services.withdraw_proposal(user, withdrawn)
    db.session.commit()
    log_in(client, user)

    html = _page(client)
    assert _group_counts(html) == {"all": 3, "active": 2, "closed": 0, "withdrawn": 1}
    # The active ones first, the nearest deadline first; the withdrawn one after them.
    assert _rows(html) == [draft.id, twice.id, withdrawn.id]
    row = _row(html, draft)
    assert 'data-status="draft"' in row and 'data-version="0"' in row and "Draft" in row
    assert f"/proposals/{draft.id}/receipt" not in row and "Individual" in row
    assert f'href="/challenges/{drafted.slug}"' in row and "2 days left" in row
    row = _row(html, twice)
    assert 'data-status="submitted"' in row and 'data-version="2"' in row and ">v2<" in row
    assert f'href="/proposals/{twice.id}/receipt"' in row
    # The deadline in the challenge's own zone, written as English pages write it.
    assert resubmitted_in.timezone == "Asia/Makassar"
    assert format_in_zone(resubmitted_in.closes_at, "Asia/Makassar", locale="en") in row and "WITA" in row
    row = _row(html, withdrawn)
    assert 'data-status="withdrawn"' in row and "Withdrawn" in row and f"/proposals/{withdrawn.id}/receipt" in row
    # Only the open draft the user leads waits for them.
    assert re.findall(r'data-draft-id="(\d+)"', html) == [str(draft.id)]

    assert _rows(_page(client, URL + "?state=active")) == [draft.id, twice.id]
    assert _rows(_page(client, URL + "?state=withdrawn")) == [withdrawn.id]
    closed = _page(client, URL + "?state=closed")
    assert _rows(closed) == [] and "No proposal is in this group." in closed
    assert client.get(URL + "?state=everything").status_code == 404


def test_the_outcome_shows_once_the_deadline_passed_and_results_are_published(client, db, make_challenge, world):
    user = world["users"]["user"]
    owner = world["users"]["gov_admin"]
    awarded_in = make_challenge(title="Tantangan Pemenang")
    lapsed_in = make_challenge(title="Tantangan Terlewat")
    winner = make_submitted_proposal(db, awarded_in, user, title="Usulan Pemenang")
    lapsed = make_proposal(db, lapsed_in, user, title="Draf Terlewat")
    log_in(client, user)
    html = _page(client)
    assert 'data-outcome=""' in _row(html, winner) and "data-draft-id" in html

    clock.freeze(clock.now() + timedelta(days=31))
    challenge_lifecycle.close_expired_challenges()
    db.session.commit()
    html = _page(client)
    assert _group_counts(html) == {"all": 2, "active": 0, "closed": 2, "withdrawn": 0}
    assert 'data-outcome="in_review"' in _row(html, winner)
    assert "Not submitted before the deadline" in _row(html, lapsed) and "data-draft-id" not in html

    _decide_and_publish(db, awarded_in, owner, [EntryChoice(winner.id, AwardLabel.WINNER, "Hemat energi.")])
    row = _row(_page(client, URL + "?state=closed"), winner)
    assert 'data-outcome="awarded"' in row and "<strong>Winner</strong>" in row


def test_team_invitations_are_shown_to_their_addressee_only_and_answered_there(
    client, db, make_challenge, world, solver_orgs
):
    user = world["users"]["user"]
    lead = world["users"]["org_admin"]
    challenge = make_challenge(title="Tantangan Konsorsium")
    proposal = make_proposal(db, challenge, lead, world["industry"], title="Usulan Konsorsium")
    mine = teams.invite_partner(lead, proposal, user.email.upper(), "Survei lapangan", None)
    theirs = teams.invite_partner(lead, proposal, solver_orgs["partner_user"].email, "Analisis", None)
    db.session.commit()

    log_in(client, user)
    html = _page(client)
    assert re.findall(r'data-invitation-id="(\d+)"', html) == [str(mine.id)]
    assert "Usulan Konsorsium" in html and "Survei lapangan" in html and lead.name in html
    log_in(client, solver_orgs["partner_user"])
    assert re.findall(r'data-invitation-id="(\d+)"', _page(client)) == [str(theirs.id)]

    # Another's invitation cannot be answered from a dashboard: 404, nothing changes.
    log_in(client, user)
    refused = post_form(client, f"/account/team-invitations/{theirs.id}", {"decision": "accept"}, page=URL)
    assert refused.status_code == 404
    db.session.expire_all()
    assert db.session.get(TeamMember, theirs.id).status == TeamMemberStatus.INVITED

    accepted = post_form(client, f"/account/team-invitations/{mine.id}", {"decision": "accept"}, page=URL)
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith(f"/proposals/{proposal.id}")
    db.session.expire_all()
    member = db.session.get(TeamMember, mine.id)
    assert (member.status, member.user_id, member.token_hash) == (TeamMemberStatus.ACCEPTED, user.id, None)
    html = _page(client)
    assert "data-invitation-id" not in html
    assert "Partner" in _row(html, proposal) and world["industry"].name in _row(html, proposal)
    # Answered once: the form of an answered invitation finds nothing.
    again = post_form(client, f"/account/team-invitations/{mine.id}", {"decision": "decline"}, page=URL)
    assert again.status_code == 404

    log_in(client, solver_orgs["partner_user"])
    declined = post_form(client, f"/account/team-invitations/{theirs.id}", {"decision": "decline"}, page=URL)
    assert declined.status_code == 302 and declined.headers["Location"].endswith(URL)
    db.session.expire_all()
    assert db.session.get(TeamMember, theirs.id).status == TeamMemberStatus.DECLINED


def test_an_invitation_whose_deadline_passed_is_neither_shown_nor_accepted(client, db, make_challenge, world):
    user = world["users"]["user"]
    lead = world["users"]["org_admin"]
    challenge = make_challenge(closes_at=clock.now() + timedelta(hours=2))
    proposal = make_proposal(db, challenge, lead, world["industry"])
    member = teams.invite_partner(lead, proposal, user.email, "", None)
    db.session.commit()
    log_in(client, user)
    assert f'data-invitation-id="{member.id}"' in _page(client)
    clock.freeze(clock.now() + timedelta(hours=3))
    assert "data-invitation-id" not in _page(client)
    response = post_form(client, f"/account/team-invitations/{member.id}", {"decision": "accept"}, page=URL)
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    response = client.get(URL)
    assert "The deadline has passed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TeamMember, member.id).status == TeamMemberStatus.INVITED


def test_the_followed_open_challenges_closing_soonest_are_listed(client, db, make_challenge, world):
    user = world["users"]["user"]
    log_in(client, user)
    html = _page(client)
    assert "None of the challenges you follow is open." in html and 'href="/account/following"' in html

    followed = [
        make_challenge(title=f"Diikuti {days}", closes_at=clock.now() + timedelta(days=days))
        for days in range(9, 2, -1)
    ]
    ending = make_challenge(title="Diikuti Hampir Tutup", closes_at=clock.now() + timedelta(hours=1))
    not_followed = make_challenge(title="Tidak Diikuti", closes_at=clock.now() + timedelta(days=1))
    for challenge in [*followed, ending]:
        following.follow(user, challenge)
    db.session.commit()
    clock.freeze(clock.now() + timedelta(hours=2))  # the nearest one has closed meanwhile
    html = _page(client)
    nearest = sorted(followed, key=lambda challenge: challenge.closes_at)[:5]
    assert re.findall(r'data-followed-id="(\d+)"', html) == [str(challenge.id) for challenge in nearest]
    assert f'data-followed-id="{ending.id}"' not in html and f'data-followed-id="{not_followed.id}"' not in html
    assert "All followed challenges" in html and "2 days left" in html


def test_a_new_user_is_told_what_to_do_first(client, db, world, make_challenge):
    newcomer = factories.make_user(email="baru@example.id", name="Pengguna Baru")
    db.session.commit()
    log_in(client, newcomer)
    html = _page(client)
    empty = html.index("You have no proposals yet. Find an open challenge and start one.")
    assert empty < html.index('id="followed-heading"') and 'href="/challenges"' in html[empty:]
    # Nothing to act on and nothing to filter: neither section is shown empty.
    assert "needs-action-heading" not in html and "proposals-heading" not in html
    client.set_cookie("goi_lang", "id")
    assert "Anda belum memiliki proposal." in _page(client)

    # Invited before proposing: the invitation comes first, and the proposals say there are none yet.
    lead = world["users"]["org_admin"]
    proposal = make_proposal(db, make_challenge(), lead, world["industry"])
    teams.invite_partner(lead, proposal, newcomer.email, "", None)
    db.session.commit()
    client.set_cookie("goi_lang", "en")
    html = _page(client)
    assert html.index("data-invitation-id") < html.index("You have no proposals yet.") and "empty-state" not in html


def _add_of_each_kind(db, make_challenge, world, user, lead, count: int, start: int) -> None:
    """count proposals of user in each group, count invitations to user and count followed open challenges."""
    owner = world["users"]["gov_admin"]
    for number in range(start, start + count):
        closes_at = clock.now() + timedelta(days=number + 1)
        drafted = make_challenge(title=f"Draf {number}", closes_at=closes_at)
        make_proposal(db, drafted, user, title=f"Usulan draf {number}")
        submitted = make_challenge(title=f"Kirim {number}", closes_at=closes_at)
        make_submitted_proposal(db, submitted, user, title=f"Usulan kirim {number}")
        withdrawn = make_challenge(title=f"Tarik {number}", closes_at=closes_at)
        services.withdraw_proposal(user, make_submitted_proposal(db, withdrawn, user, title=f"Usulan tarik {number}"))
        invited_to = make_proposal(db, drafted, lead, world["industry"], title=f"Konsorsium {number}")
        teams.invite_partner(lead, invited_to, user.email, "", None)
        following.follow(user, submitted)
        decided = make_challenge(title=f"Putus {number}", closes_at=clock.now() + timedelta(hours=1))
        awarded = make_submitted_proposal(db, decided, user, title=f"Usulan menang {number}")
        db.session.commit()
        moment = clock.now()
        clock.freeze(moment + timedelta(hours=2))
        _decide_and_publish(db, decided, owner, [EntryChoice(awarded.id, AwardLabel.WINNER, "")])
        clock.freeze(moment)
    db.session.commit()
    db.session.expire_all()


def test_the_dashboard_issues_as_many_statements_for_12_of_each_as_for_2(client, db, make_challenge, world):
    user = world["users"]["user"]
    lead = world["users"]["org_admin"]
    clock.freeze(clock.now())
    _add_of_each_kind(db, make_challenge, world, user, lead, 2, 0)
    log_in(client, user)
    few = {url: count_statements(client, url) for url in (URL, URL + "?state=closed")}
    html = _page(client)
    assert len(_rows(html)) == 8 and len(re.findall("data-invitation-id", html)) == 2
    _add_of_each_kind(db, make_challenge, world, user, lead, 10, 2)
    html = _page(client)
    assert _group_counts(html) == {"all": 48, "active": 24, "closed": 12, "withdrawn": 12}
    assert len(_rows(html)) == 20 and len(re.findall("data-invitation-id", html)) == 12
    assert len(re.findall("data-draft-id", html)) == 5 and len(re.findall("data-followed-id", html)) == 5
    assert 'data-outcome="awarded"' in _page(client, URL + "?state=closed")
    assert {url: count_statements(client, url) for url in few} == few
    assert len(_rows(_page(client, URL + "?page=3"))) == 8
    assert client.get(URL + "?page=4").status_code == 404


def test_only_the_drafts_the_user_leads_wait_for_them(client, db, make_challenge, world):
    from tests.proposals.conftest import accepted_partner

    user = world["users"]["user"]
    challenge = make_challenge()
    as_partner = make_proposal(db, challenge, world["users"]["org_admin"], world["industry"], title="Draf Mitra")
    accepted_partner(db, as_partner, user)
    as_lead = make_proposal(db, challenge, user, title="Draf Sendiri")
    log_in(client, user)
    html = _page(client)
    assert sorted(_rows(html)) == sorted([as_partner.id, as_lead.id])
    # A partner cannot submit: only the lead's draft waits for them.
    assert re.findall(r'data-draft-id="(\d+)"', html) == [str(as_lead.id)]
