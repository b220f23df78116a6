"""Review rounds and assignments: when a round may start and what it takes, the shortlist into the next round, the
rules of the assignment grid, a reviewer's decline, and the pages in a constant number of statements."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from goi.challenges import lifecycle
from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.core.errors import DomainError
from goi.notify.models import Notification
from goi.proposals import services as proposal_services
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews import round_figures, rounds
from goi.reviews.models import (
    Assignment,
    AssignmentStatus,
    Blindness,
    Conflict,
    ConflictKind,
    ConflictSource,
    PanelMember,
    PanelRole,
    PanelStatus,
    Review,
    ReviewRound,
    ReviewSettings,
    ReviewStatus,
    RoundProposal,
)
from tests import factories
from tests.conftest import count_statements, log_in, post_form
from tests.proposals.conftest import make_proposal, make_submitted_proposal


@pytest.fixture(autouse=True)
def _in_english(app, client):
    client.set_cookie("goi_lang", "en")
    with force_locale("en"):
        yield


def _values(name="Seleksi", days=14, per=2) -> rounds.RoundValues:
    return rounds.RoundValues(name, clock.now() + timedelta(days=days), per)


def _member(db, challenge, user, role=PanelRole.REVIEWER, status=PanelStatus.ACCEPTED, max_load=None):
    member = PanelMember(
        challenge_id=challenge.id, email=user.email, user_id=user.id, role=role, status=status, max_load=max_load
    )
    db.session.add(member)
    db.session.commit()
    return member


def _proposals(db, challenge, count: int) -> list:
    return [
        make_submitted_proposal(db, challenge, factories.make_user(email=f"tim{n}@example.id"), title=f"Usulan {n}")
        for n in range(count)
    ]


def _after_deadline(challenge) -> None:
    clock.freeze(challenge.closes_at + timedelta(minutes=1))


@pytest.fixture
def review(db, world, make_challenge):
    """A sealed challenge past its deadline with three submitted proposals and a draft, an owner, two reviewers (one
    with a load of 1), a chair, and round 1."""
    challenge = make_challenge()
    proposals = _proposals(db, challenge, 3)
    draft = make_proposal(db, challenge, factories.make_user(email="draf@example.id"), title="Draf")
    _after_deadline(challenge)
    lifecycle.close_expired_challenges()
    owner = world["users"]["gov_admin"]
    reviewer, limited, chair = (factories.make_user(email=f"juri{n}@example.id", name=f"Juri {n}") for n in range(3))
    members = {
        "reviewer": _member(db, challenge, reviewer),
        "limited": _member(db, challenge, limited, max_load=1),
        "chair": _member(db, challenge, chair, role=PanelRole.CHAIR),
    }
    first = rounds.create_first_round(owner, challenge, _values())
    db.session.commit()
    yield {
        "challenge": challenge,
        "proposals": proposals,
        "draft": draft,
        "owner": owner,
        "users": {"reviewer": reviewer, "limited": limited, "chair": chair},
        "members": members,
        "round": first,
    }
    clock.reset()


def _conflict(db, challenge, proposal, user, kind=ConflictKind.TEAM_MEMBER):
    db.session.add(
        Conflict(
            challenge_id=challenge.id, proposal_id=proposal.id, user_id=user.id, source=ConflictSource.SET, kind=kind
        )
    )
    db.session.commit()


# --- rounds ----------------------------------------------------------------------------------------------------------


def test_round_one_waits_for_the_deadline_of_a_sealed_challenge_and_takes_every_submitted_proposal(
    db, world, make_challenge
):
    challenge = make_challenge()
    proposals = _proposals(db, challenge, 2)
    make_proposal(db, challenge, factories.make_user(), title="Masih draf")
    owner = world["users"]["gov_admin"]
    with pytest.raises(DomainError, match="sealed until the deadline"):
        rounds.create_first_round(owner, challenge, _values())
    db.session.rollback()
    _after_deadline(challenge)
    lifecycle.close_expired_challenges()
    db.session.commit()
    assert challenge.status == ChallengeStatus.CLOSED
    first = rounds.create_first_round(owner, challenge, _values())
    db.session.commit()
    taken = set(db.session.scalars(select(RoundProposal.proposal_id).where(RoundProposal.round_id == first.id)))
    assert taken == {proposal.id for proposal in proposals}
    assert challenge.status == ChallengeStatus.UNDER_REVIEW  # the review started with the round
    with pytest.raises(DomainError, match="exists already"):
        rounds.create_first_round(owner, challenge, _values())
    clock.reset()


def test_an_unsealed_challenge_is_reviewed_at_once(db, world, make_challenge):
    challenge = make_challenge(is_sealed=False)
    _proposals(db, challenge, 1)
    first = rounds.create_first_round(world["users"]["gov_admin"], challenge, _values())
    assert first.number == 1 and challenge.status == ChallengeStatus.PUBLISHED


def test_round_values_are_checked(review, db):
    owner, review_round = review["owner"], review["round"]
    for values, field in (
        (_values(name=" "), "name"),
        (_values(name="x" * 121), "name"),
        (_values(per=0), "reviews_per_proposal"),
        (_values(per=11), "reviews_per_proposal"),
        (_values(days=-1), "deadline"),
    ):
        with pytest.raises(DomainError) as error:
            rounds.update_round(owner, review_round, values)
        assert error.value.field == field


def test_the_shortlist_of_a_locked_round_goes_into_the_next_and_three_rounds_at_most(review, db):
    owner, challenge, first = review["owner"], review["challenge"], review["round"]
    a, b, c = review["proposals"]
    with pytest.raises(DomainError, match="Lock round 1"):
        rounds.advance(owner, challenge, _values("Penilaian penuh"))
    rounds.lock_round(owner, first)
    with pytest.raises(DomainError, match="no shortlist"):
        rounds.advance(owner, challenge, _values("Penilaian penuh"))
    with pytest.raises(DomainError, match="Only proposals of this round"):
        rounds.set_shortlisted(owner, first, [a.id, review["draft"].id])
    rounds.set_shortlisted(owner, first, [a.id, b.id])
    second = rounds.advance(owner, challenge, _values("Penilaian penuh"))
    db.session.commit()
    in_second = set(db.session.scalars(select(RoundProposal.proposal_id).where(RoundProposal.round_id == second.id)))
    assert second.number == 2 and in_second == {a.id, b.id}
    assert c.id not in in_second
    with pytest.raises(DomainError, match="next round has taken"):
        rounds.set_shortlisted(owner, first, [a.id])
    rounds.lock_round(owner, second)
    rounds.set_shortlisted(owner, second, [b.id])
    third = rounds.advance(owner, challenge, _values("Pitch"))
    assert third.number == 3
    rounds.lock_round(owner, third)
    rounds.set_shortlisted(owner, third, [b.id])
    with pytest.raises(DomainError, match="at most 3 rounds"):
        rounds.advance(owner, challenge, _values("Keempat"))
    with pytest.raises(DomainError, match="locked already"):
        rounds.lock_round(owner, third)
    with pytest.raises(DomainError, match="locked"):
        rounds.update_round(owner, third, _values())


# --- assignments -----------------------------------------------------------------------------------------------------


def test_assignment_rules(review, db):
    owner, challenge, first = review["owner"], review["challenge"], review["round"]
    a, b, c = review["proposals"]
    members, users = review["members"], review["users"]
    _conflict(db, challenge, a, users["reviewer"])
    with pytest.raises(DomainError, match="conflict of interest"):
        rounds.assign(owner, first, a.id, members["reviewer"].id)
    rounds.assign(owner, first, b.id, members["reviewer"].id)
    with pytest.raises(DomainError, match="assigned this proposal already"):
        rounds.assign(owner, first, b.id, members["reviewer"].id)
    with pytest.raises(DomainError, match="not in this round"):
        rounds.assign(owner, first, review["draft"].id, members["reviewer"].id)
    invited = _member(db, challenge, factories.make_user(), status=PanelStatus.INVITED)
    with pytest.raises(DomainError, match="accepted the invitation"):
        rounds.assign(owner, first, b.id, invited.id)
    rounds.assign(owner, first, a.id, members["limited"].id)
    with pytest.raises(DomainError, match=r"load is full: 1 of at most 1"):
        rounds.assign(owner, first, b.id, members["limited"].id)
    # A cleared conflict no longer blocks.
    conflict = db.session.scalar(select(Conflict))
    conflict.cleared_at = clock.now()
    rounds.assign(owner, first, a.id, members["reviewer"].id)
    rounds.lock_round(owner, first)
    with pytest.raises(DomainError, match="locked"):
        rounds.assign(owner, first, c.id, members["chair"].id)
    with pytest.raises(DomainError, match="locked"):
        rounds.unassign(owner, first, a.id, members["reviewer"].id)


def test_unassign_keeps_a_submitted_review_and_drops_a_draft(review, db):
    owner, first = review["owner"], review["round"]
    a, b, _c = review["proposals"]
    member = review["members"]["reviewer"]
    submitted = rounds.assign(owner, first, a.id, member.id)
    draft = rounds.assign(owner, first, b.id, member.id)
    db.session.add_all(
        [
            Review(assignment_id=submitted.id, status=ReviewStatus.SUBMITTED, submitted_at=clock.now()),
            Review(assignment_id=draft.id, status=ReviewStatus.DRAFT),
        ]
    )
    db.session.commit()
    with pytest.raises(DomainError, match="submitted a review"):
        rounds.unassign(owner, first, a.id, member.id)
    rounds.unassign(owner, first, b.id, member.id)
    db.session.commit()
    assert db.session.scalar(select(func.count(Review.id))) == 1
    assert db.session.scalar(select(func.count(Assignment.id))) == 1
    with pytest.raises(DomainError, match="not assigned"):
        rounds.unassign(owner, first, b.id, member.id)


def test_assignments_of_user_are_open_unconflicted_and_not_declined(review, db):
    owner, challenge, first = review["owner"], review["challenge"], review["round"]
    a, b, c = review["proposals"]
    user, member = review["users"]["reviewer"], review["members"]["reviewer"]
    for proposal in (a, b, c):
        rounds.assign(owner, first, proposal.id, member.id)
    db.session.commit()
    rounds.decline(user, db.session.scalar(select(Assignment).where(Assignment.proposal_id == c.id)), "Sibuk")
    _conflict(db, challenge, b, user, ConflictKind.PERSONAL)
    assert [assignment.proposal_id for assignment in rounds.assignments_of_user(user)] == [a.id]
    rounds.lock_round(owner, first)
    assert rounds.assignments_of_user(user) == []


# --- pages -----------------------------------------------------------------------------------------------------------


def _grid_url(review) -> str:
    return f"/challenges/{review['challenge'].slug}/review/rounds/1/assignments"


def test_the_grid_blocks_conflicts_and_assigns_with_the_cell_as_anchor(review, db, client):
    a, b, _c = review["proposals"]
    users, members = review["users"], review["members"]
    _conflict(db, review["challenge"], a, users["reviewer"])
    log_in(client, review["owner"])
    html = client.get(_grid_url(review)).get_data(as_text=True)
    start = html.index(f'id="cell-{a.id}-{members["reviewer"].id}"')
    conflict_cell = html[start : html.index("</td>", start)]
    assert "Conflict" in conflict_cell and "on the team" in conflict_cell and "<button" not in conflict_cell
    start = html.index(f'id="cell-{b.id}-{members["reviewer"].id}"')
    assert "<button" in html[start : html.index("</td>", start)]

    url = f"/challenges/{review['challenge'].slug}/review/rounds/1/assign"
    response = post_form(client, url, {"proposal": b.id, "member": members["reviewer"].id}, page=_grid_url(review))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assignments#cell-{b.id}-{members['reviewer'].id}")
    assert db.session.scalar(select(func.count(Assignment.id))) == 1
    # The server refuses a conflicted cell whatever the page showed; nothing changes.
    response = post_form(client, url, {"proposal": a.id, "member": members["reviewer"].id}, page=_grid_url(review))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Assignment.id))) == 1
    assert "conflict of interest" in client.get(_grid_url(review)).get_data(as_text=True)
    unassign = f"/challenges/{review['challenge'].slug}/review/rounds/1/unassign"
    post_form(client, unassign, {"proposal": b.id, "member": members["reviewer"].id}, page=_grid_url(review))
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_a_conflicted_chair_does_not_see_the_proposals_row(review, db, client):
    a, b, _c = review["proposals"]
    _conflict(db, review["challenge"], a, review["users"]["chair"])
    log_in(client, review["users"]["chair"])
    html = client.get(_grid_url(review)).get_data(as_text=True)
    assert a.title not in html and b.title in html
    url = f"/challenges/{review['challenge'].slug}/review/rounds/1/assign"
    response = post_form(
        client, url, {"proposal": a.id, "member": review["members"]["reviewer"].id}, page=_grid_url(review)
    )
    assert response.status_code == 404


def test_the_grid_and_the_overview_read_a_constant_number_of_statements(review, db, client, world):
    challenge, owner, first = review["challenge"], review["owner"], review["round"]
    log_in(client, owner)
    urls = (_grid_url(review), f"/challenges/{challenge.slug}/review", f"/challenges/{challenge.slug}/review/rounds")
    rounds.assign(owner, first, review["proposals"][0].id, review["members"]["reviewer"].id)
    db.session.commit()
    small = [count_statements(client, url) for url in urls]
    # Ten more proposals in the round, eight more members, conflicts and assignments.
    more = []
    for number in range(10):  # the call is closed: rows directly
        lead = factories.make_user()
        more.append(
            Proposal(
                challenge_id=challenge.id,
                lead_user_id=lead.id,
                team_key=f"user:{lead.id}",
                title=f"Usulan tambahan {number}",
                status=ProposalStatus.SUBMITTED,
            )
        )
    db.session.add_all(more)
    db.session.flush()
    db.session.add_all(RoundProposal(round_id=first.id, proposal_id=proposal.id) for proposal in more)
    new_members = [_member(db, challenge, factories.make_user(), max_load=20) for _ in range(8)]
    for proposal in more:
        _conflict(db, challenge, proposal, review["users"]["chair"])
        for member in new_members[:3]:
            rounds.assign(owner, first, proposal.id, member.id)
    db.session.commit()
    large = [count_statements(client, url) for url in urls]
    assert small == large
    html = client.get(_grid_url(review)).get_data(as_text=True)
    assert html.count('class="assign-conflict"') == 10


def test_the_overview_tells_why_the_review_may_not_start(db, world, make_challenge, client):
    challenge = make_challenge()
    log_in(client, world["users"]["gov_admin"])
    html = client.get(f"/challenges/{challenge.slug}/review").get_data(as_text=True)
    assert "sealed until the deadline" in html
    assert "cannot start yet" in html
    html = client.get(f"/challenges/{challenge.slug}/review/rounds").get_data(as_text=True)
    assert "Create round 1" not in html
    # A challenge whose review has ended says only that: not that it cannot start yet.
    challenge.status = ChallengeStatus.CANCELLED
    db.session.commit()
    html = client.get(f"/challenges/{challenge.slug}/review").get_data(as_text=True)
    assert "The review is over" in html and "cannot start yet" not in html


def test_creating_round_one_through_the_form_in_the_challenges_zone(db, world, make_challenge, client):
    challenge = make_challenge()
    _proposals(db, challenge, 2)
    _after_deadline(challenge)
    log_in(client, world["users"]["gov_admin"])
    url = f"/challenges/{challenge.slug}/review/rounds"
    bad = post_form(client, url, {"new-name": "Seleksi", "new-deadline": "", "new-reviews_per_proposal": "11"})
    assert bad.status_code == 422
    assert 'value="Seleksi"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ReviewRound.id))) == 0
    local = clock.in_zone(clock.now() + timedelta(days=7), "Asia/Jakarta")
    data = {
        "new-name": "Seleksi",
        "new-deadline": local.strftime("%Y-%m-%dT%H:%M"),
        "new-reviews_per_proposal": "2",
    }
    assert post_form(client, url, data).status_code == 302
    created = db.session.scalar(select(ReviewRound))
    assert created.name == "Seleksi" and created.reviews_per_proposal == 2
    assert abs(created.deadline - local) < timedelta(minutes=1)
    html = client.get(f"/challenges/{challenge.slug}/review").get_data(as_text=True)
    assert "Seleksi" in html and "0 / 4" in html
    for page in ("panel", "conflicts", "ranking", "settings", "rounds", "rounds/1/assignments"):
        assert f'href="/challenges/{challenge.slug}/review/{page}"' in html, page
    clock.reset()


def test_a_reviewer_declines_with_a_reason_and_the_owners_and_chairs_are_told(review, db, client, world):
    owner, first = review["owner"], review["round"]
    a, b, _c = review["proposals"]
    users, members = review["users"], review["members"]
    assignment = rounds.assign(owner, first, a.id, members["reviewer"].id)
    other = rounds.assign(owner, first, b.id, members["limited"].id)
    db.session.commit()
    url = f"/reviews/assignments/{assignment.id}/decline"
    # Someone else's assignment is not found.
    log_in(client, users["limited"])
    assert post_form(client, url, {"reason": "Bukan milik saya"}).status_code == 404
    log_in(client, users["reviewer"])
    empty = post_form(client, url, {"reason": "  "})
    assert empty.status_code == 422
    too_long = post_form(client, url, {"reason": "x" * 1001})
    assert too_long.status_code == 422 and "x" * 1001 in too_long.get_data(as_text=True)
    db.session.refresh(assignment)
    assert assignment.status == AssignmentStatus.ASSIGNED
    done = post_form(client, url, {"reason": "Saya pernah menjadi konsultan tim ini."})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/reviews")
    db.session.refresh(assignment)
    assert assignment.status == AssignmentStatus.DECLINED
    told = set(
        db.session.scalars(select(Notification.user_id).where(Notification.kind == "review_assignment_declined"))
    )
    assert told == {owner.id, users["chair"].id}
    body = db.session.scalar(select(Notification.body).where(Notification.user_id == owner.id))
    assert "konsultan" in body and f"#{a.id}: {a.title}" in body
    # The grid shows the decline and its reason; the owner assigns someone else.
    log_in(client, owner)
    html = client.get(_grid_url(review)).get_data(as_text=True)
    start = html.index(f'id="cell-{a.id}-{members["reviewer"].id}"')
    cell = html[start : html.index("</td>", start)]
    assert "Declined" in cell and "konsultan" in cell and "<button" not in cell
    # Each row leads to the panel's page of the proposal (its reviews and discussion).
    assert f'href="/challenges/{review["challenge"].slug}/review/proposals/{a.id}"' in html
    with pytest.raises(DomainError, match="declined this proposal"):
        rounds.assign(owner, first, a.id, members["reviewer"].id)
    rounds.assign(owner, first, a.id, members["chair"].id)
    assert other.status == AssignmentStatus.ASSIGNED


def test_a_conflicted_chair_is_not_told_of_a_decline(review, db):
    owner, challenge, first = review["owner"], review["challenge"], review["round"]
    a = review["proposals"][0]
    _conflict(db, challenge, a, review["users"]["chair"])
    assignment = rounds.assign(owner, first, a.id, review["members"]["reviewer"].id)
    rounds.decline(review["users"]["reviewer"], assignment, "Sibuk")
    db.session.commit()
    told = set(
        db.session.scalars(select(Notification.user_id).where(Notification.kind == "review_assignment_declined"))
    )
    assert told == {owner.id}


def test_the_challenge_page_links_its_owner_to_the_review(review, client, world):
    slug = review["challenge"].slug
    log_in(client, review["owner"])
    assert f'href="/challenges/{slug}/review"' in client.get(f"/challenges/{slug}").get_data(as_text=True)
    log_in(client, world["users"]["user"])
    assert f'href="/challenges/{slug}/review"' not in client.get(f"/challenges/{slug}").get_data(as_text=True)


def test_only_submitted_proposals_count(review, db):
    assert review["draft"].status == ProposalStatus.DRAFT
    figures = round_figures.round_figures(review["challenge"])
    assert [(item.proposals, item.target) for item in figures] == [(3, 6)]


def test_locking_and_changing_a_round_through_the_pages(review, db, client):
    slug, first = review["challenge"].slug, review["round"]
    log_in(client, review["owner"])
    rounds_url = f"/challenges/{slug}/review/rounds"
    bad = post_form(
        client,
        f"{rounds_url}/1",
        {"round1-name": "Seleksi baru", "round1-deadline": "kemarin", "round1-reviews_per_proposal": "3"},
        page=rounds_url,
    )
    assert bad.status_code == 422
    assert 'value="Seleksi baru"' in bad.get_data(as_text=True)
    db.session.refresh(first)
    assert first.name == "Seleksi" and first.reviews_per_proposal == 2
    assert post_form(client, f"{rounds_url}/1/lock", page=rounds_url).status_code == 302
    db.session.refresh(first)
    assert first.locked_at is not None
    grid = client.get(_grid_url(review)).get_data(as_text=True)
    assert "locked" in grid and "<button" not in grid.split('class="assign-grid-wrap')[1]
    page = client.get(rounds_url).get_data(as_text=True)
    assert "Shortlist proposals of round 1" in page  # nothing to advance yet
    rounds.set_shortlisted(review["owner"], first, [review["proposals"][1].id])
    db.session.commit()
    local = clock.in_zone(clock.now() + timedelta(days=10), "Asia/Jakarta")
    data = {"new-name": "Presentasi", "new-deadline": local.strftime("%Y-%m-%dT%H:%M"), "new-reviews_per_proposal": "3"}
    assert post_form(client, f"{rounds_url}/advance", data, page=rounds_url).status_code == 302
    second = rounds.round_or_none(review["challenge"], 2)
    assert second.name == "Presentasi"
    assert [
        row.proposal_id for row in db.session.scalars(select(RoundProposal).where(RoundProposal.round_id == second.id))
    ] == [review["proposals"][1].id]


def test_an_unsealed_calls_later_proposals_are_taken_into_round_one_and_a_withdrawn_one_is_not_assigned(
    db, world, make_challenge, client
):
    challenge = make_challenge(is_sealed=False)
    owner = world["users"]["gov_admin"]
    (early,) = _proposals(db, challenge, 1)
    first = rounds.create_first_round(owner, challenge, _values())
    db.session.commit()
    late = make_submitted_proposal(db, challenge, factories.make_user(), title="Usulan terlambat")
    log_in(client, owner)
    rounds_url = f"/challenges/{challenge.slug}/review/rounds"
    assert "1 proposal was submitted after round 1 was made" in client.get(rounds_url).get_data(as_text=True)
    assert post_form(client, f"{rounds_url}/1/take-new", page=rounds_url).status_code == 302
    taken = set(db.session.scalars(select(RoundProposal.proposal_id).where(RoundProposal.round_id == first.id)))
    assert taken == {early.id, late.id}
    assert "submitted after round 1" not in client.get(rounds_url).get_data(as_text=True)
    with pytest.raises(DomainError, match="in round 1 already"):
        rounds.take_new_submissions(owner, challenge)

    proposal_services.withdraw_proposal(late.lead_user, late)
    db.session.commit()
    member = _member(db, challenge, factories.make_user())
    with pytest.raises(DomainError, match="withdrawn"):
        rounds.assign(owner, first, late.id, member.id)
    html = client.get(f"{rounds_url}/1/assignments").get_data(as_text=True)
    start = html.index(f'id="cell-{late.id}-{member.id}"')
    assert "<button" not in html[start : html.index("</td>", start)]
    assert "Withdrawn by its team" in html


def test_a_single_blind_grid_shows_team_names_to_the_owners_only(review, db, client):
    db.session.add(ReviewSettings(challenge_id=review["challenge"].id, blindness=Blindness.SINGLE_BLIND))
    db.session.commit()
    team = review["proposals"][0].team_name
    log_in(client, review["owner"])
    assert team in client.get(_grid_url(review)).get_data(as_text=True)
    log_in(client, review["users"]["chair"])
    html = client.get(_grid_url(review)).get_data(as_text=True)
    assert review["proposals"][0].title in html and team not in html


def test_the_overview_marks_a_round_past_its_deadline(review, client):
    log_in(client, review["owner"])
    url = f"/challenges/{review['challenge'].slug}/review"
    assert "passed; lock the round" not in client.get(url).get_data(as_text=True)
    clock.freeze(review["round"].deadline + timedelta(minutes=1))
    assert "passed; lock the round" in client.get(url).get_data(as_text=True)
