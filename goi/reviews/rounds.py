"""Review rounds and assignments: the rounds of a challenge's review, the proposals in each, who reviews which.

Round 1 takes every submitted proposal once reviewing may start; a later round (at most three) takes the shortlist of
the previous one once it is locked. In a round that is not locked, an owner or a chair assigns accepted panel members
to its proposals, never one with an active conflict, never past a member's maximum load; a member declines one
assignment with a reason, and the managers are told so that they assign someone else.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from goi.accounts.models import User
from goi.challenges import lifecycle
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews import panel, signals
from goi.reviews.conflicts import conflicted_proposal_ids
from goi.reviews.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    PanelMember,
    PanelRole,
    PanelStatus,
    ReviewRound,
    ReviewStatus,
    RoundProposal,
)

MAX_NAME = 120
MAX_REASON = 1000
REVIEWS_PER_PROPOSAL = (1, 10)


@dataclass(frozen=True, slots=True)
class RoundValues:
    """What the owner sets of a round: its name, deadline (aware, UTC) and reviews wanted per proposal."""

    name: str
    deadline: datetime
    reviews_per_proposal: int


def rounds_of(challenge: Challenge) -> list[ReviewRound]:
    """The challenge's rounds, first to last, read now (not the request's cached answer: a change may precede it)."""
    query = select(ReviewRound).where(ReviewRound.challenge_id == challenge.id).order_by(ReviewRound.number)
    return list(db.session.scalars(query))


def round_or_none(challenge: Challenge, number: int) -> ReviewRound | None:
    return db.session.scalar(
        select(ReviewRound).where(ReviewRound.challenge_id == challenge.id, ReviewRound.number == number)
    )


def why_review_may_not_start(challenge: Challenge) -> str | None:
    """Why the review of the challenge cannot start yet (plain text), or None when it may."""
    if panel.review_may_start(challenge):
        return None
    if challenge.status == ChallengeStatus.DRAFT:
        return _("The challenge is not published yet.")
    if challenge.status == ChallengeStatus.PUBLISHED:
        return _("The proposals are sealed until the deadline; reviewing starts once it has passed.")
    return _("The review is over: the challenge is decided, cancelled or archived.")


def _check_values(values: RoundValues) -> RoundValues:
    name = (values.name or "").strip()
    if not name:
        raise DomainError(_("Give the round a name."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(_("At most %(count)d characters.", count=MAX_NAME), field="name")
    low, high = REVIEWS_PER_PROPOSAL
    if not low <= values.reviews_per_proposal <= high:
        raise DomainError(
            _("Between %(low)d and %(high)d reviews per proposal.", low=low, high=high), field="reviews_per_proposal"
        )
    if values.deadline <= clock.now():
        raise DomainError(_("The round's deadline must be in the future."), field="deadline")
    return RoundValues(name, values.deadline, values.reviews_per_proposal)


def _new_round(actor: User, challenge: Challenge, number: int, values: RoundValues, proposal_ids: list[int]):
    review_round = ReviewRound(
        challenge_id=challenge.id,
        number=number,
        name=values.name,
        deadline=values.deadline,
        reviews_per_proposal=values.reviews_per_proposal,
    )
    db.session.add(review_round)
    db.session.flush()
    db.session.add_all(RoundProposal(round_id=review_round.id, proposal_id=pid) for pid in proposal_ids)
    db.session.flush()
    audit.record(
        "review.round_created",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        number=number,
        proposals=len(proposal_ids),
    )
    return review_round


def create_first_round(actor: User, challenge: Challenge, values: RoundValues) -> ReviewRound:
    """Round 1 with every submitted proposal; a closed challenge moves to "under review" with it."""
    reason = why_review_may_not_start(challenge)
    if reason is not None:
        raise DomainError(reason)
    if rounds_of(challenge):
        raise DomainError(_("The first round exists already."))
    values = _check_values(values)
    submitted = list(db.session.scalars(_submitted_ids(challenge).order_by(Proposal.id)))
    if not submitted:
        raise DomainError(_("No proposal was submitted: there is nothing to review."))
    review_round = _new_round(actor, challenge, 1, values, submitted)
    if challenge.status == ChallengeStatus.CLOSED:
        lifecycle.start_review(actor, challenge)
    return review_round


def _submitted_ids(challenge: Challenge):
    return select(Proposal.id).where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)


def _untaken_ids(challenge: Challenge, first: ReviewRound):
    taken = select(RoundProposal.proposal_id).where(RoundProposal.round_id == first.id)
    return _submitted_ids(challenge).where(Proposal.id.not_in(taken))


def untaken_count(challenge: Challenge, rounds: list[ReviewRound]) -> int:
    """Proposals submitted since round 1 was made (a call that is not sealed stays open during it), while round 1 is
    the only one and open; 0 otherwise."""
    if len(rounds) != 1 or rounds[0].locked_at is not None:
        return 0
    return db.session.scalar(select(func.count()).select_from(_untaken_ids(challenge, rounds[0]).subquery()))


def take_new_submissions(actor: User, challenge: Challenge) -> int:
    """Take into round 1 the proposals submitted since it was made; it must be open and the only round."""
    rounds = rounds_of(challenge)
    if not rounds:
        raise DomainError(_("Create the first round first."))
    if len(rounds) > 1 or rounds[0].locked_at is not None:
        raise DomainError(_("Round 1 is closed to new proposals: it is locked or a later round exists."))
    new = list(db.session.scalars(_untaken_ids(challenge, rounds[0]).order_by(Proposal.id)))
    if not new:
        raise DomainError(_("Every submitted proposal is in round 1 already."))
    db.session.add_all(RoundProposal(round_id=rounds[0].id, proposal_id=proposal_id) for proposal_id in new)
    db.session.flush()
    audit.record(
        "review.round_proposals_added",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        count=len(new),
    )
    return len(new)


def advance(actor: User, challenge: Challenge, values: RoundValues) -> ReviewRound:
    """The next round, with the shortlist of the last one, which must be locked; at most MAX_ROUNDS."""
    rounds = rounds_of(challenge)
    if not rounds:
        raise DomainError(_("Create the first round first."))
    last = rounds[-1]
    if len(rounds) >= panel.MAX_ROUNDS:
        raise DomainError(_("A review has at most %(count)d rounds.", count=panel.MAX_ROUNDS))
    if last.locked_at is None:
        raise DomainError(_("Lock round %(number)d before advancing its shortlist.", number=last.number))
    if challenge.status != ChallengeStatus.UNDER_REVIEW and not panel.review_may_start(challenge):
        raise DomainError(_("The review is over: the challenge is decided, cancelled or archived."))
    shortlist = list(
        db.session.scalars(
            select(RoundProposal.proposal_id)
            .where(RoundProposal.round_id == last.id, RoundProposal.shortlisted.is_(True))
            .order_by(RoundProposal.proposal_id)
        )
    )
    if not shortlist:
        raise DomainError(_("Round %(number)d has no shortlist to advance.", number=last.number))
    values = _check_values(values)
    return _new_round(actor, challenge, last.number + 1, values, shortlist)


def update_round(actor: User, review_round: ReviewRound, values: RoundValues) -> None:
    """Change a round's name, deadline or reviews per proposal while it is not locked."""
    if review_round.locked_at is not None:
        raise DomainError(_("This round is locked; it cannot be changed."))
    values = _check_values(values)
    review_round.name = values.name
    review_round.deadline = values.deadline
    review_round.reviews_per_proposal = values.reviews_per_proposal
    audit.record(
        "review.round_updated",
        actor_id=actor.id,
        object_type="challenge",
        object_id=review_round.challenge_id,
        number=review_round.number,
    )


def lock_round(actor: User, review_round: ReviewRound) -> None:
    """From now on no review of the round is written or changed, and no assignment."""
    if review_round.locked_at is not None:
        raise DomainError(_("This round is locked already."))
    review_round.locked_at = clock.now()
    audit.record(
        "review.round_locked",
        actor_id=actor.id,
        object_type="challenge",
        object_id=review_round.challenge_id,
        number=review_round.number,
    )


def set_shortlisted(actor: User, review_round: ReviewRound, proposal_ids) -> None:
    """The round's shortlist becomes exactly these proposals (of the round), until the next round takes it."""
    wanted = set(proposal_ids)
    taken = db.session.scalar(
        select(ReviewRound.id).where(
            ReviewRound.challenge_id == review_round.challenge_id, ReviewRound.number > review_round.number
        )
    )
    if taken is not None:
        raise DomainError(_("The next round has taken this shortlist; it cannot change."))
    rows = list(db.session.scalars(select(RoundProposal).where(RoundProposal.round_id == review_round.id)))
    if wanted - {row.proposal_id for row in rows}:
        raise DomainError(_("Only proposals of this round can be shortlisted."))
    for row in rows:
        row.shortlisted = row.proposal_id in wanted
    audit.record(
        "review.shortlist_set",
        actor_id=actor.id,
        object_type="challenge",
        object_id=review_round.challenge_id,
        number=review_round.number,
        proposals=sorted(wanted),
    )


# --- assignments --------------------------------------------------------------------------------------------------


def load_of(review_round: ReviewRound, member: PanelMember) -> int:
    """How many proposals of the round the member is assigned (declined ones do not count)."""
    return db.session.scalar(
        select(func.count(Assignment.id)).where(
            Assignment.round_id == review_round.id,
            Assignment.member_id == member.id,
            Assignment.status == AssignmentStatus.ASSIGNED,
        )
    )


def _assignment(review_round: ReviewRound, proposal_id: int, member_id: int) -> Assignment | None:
    return db.session.scalar(
        select(Assignment).where(
            Assignment.round_id == review_round.id,
            Assignment.proposal_id == proposal_id,
            Assignment.member_id == member_id,
        )
    )


def _check_open(review_round: ReviewRound) -> None:
    if review_round.locked_at is not None:
        raise DomainError(_("This round is locked: its assignments cannot change."))


def assign(actor: User, review_round: ReviewRound, proposal_id: int, member_id: int) -> Assignment:
    """Ask an accepted, unconflicted panel member with room in their load to review a proposal of the round."""
    _check_open(review_round)
    status = db.session.scalar(
        select(Proposal.status)
        .join(RoundProposal, RoundProposal.proposal_id == Proposal.id)
        .where(RoundProposal.round_id == review_round.id, RoundProposal.proposal_id == proposal_id)
    )
    if status is None:
        raise DomainError(_("This proposal is not in this round."))
    if status != ProposalStatus.SUBMITTED:
        raise DomainError(_("This proposal was withdrawn by its team; it is not reviewed."))
    member = db.session.get(PanelMember, member_id)
    if member is None or member.challenge_id != review_round.challenge_id or member.status != PanelStatus.ACCEPTED:
        raise DomainError(_("Only panel members who accepted the invitation can be assigned."))
    if proposal_id in conflicted_proposal_ids(member.user_id, review_round.challenge_id):
        raise DomainError(_("This panel member has a conflict of interest with this proposal."))
    existing = _assignment(review_round, proposal_id, member.id)
    if existing is not None:
        if existing.status == AssignmentStatus.DECLINED:
            raise DomainError(_("This panel member declined this proposal; assign someone else."))
        raise DomainError(_("This panel member is assigned this proposal already."))
    load = load_of(review_round, member)
    if member.max_load is not None and load >= member.max_load:
        raise DomainError(
            _(
                "This panel member's load is full: %(load)d of at most %(max)d proposals in this round.",
                load=load,
                max=member.max_load,
            )
        )
    assignment = Assignment(
        round_id=review_round.id, proposal_id=proposal_id, member_id=member.id, assigned_by_id=actor.id
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "review.assigned",
        actor_id=actor.id,
        object_type="proposal",
        object_id=proposal_id,
        round=review_round.number,
        user_id=member.user_id,
    )
    return assignment


def unassign(actor: User, review_round: ReviewRound, proposal_id: int, member_id: int) -> None:
    """Take back an assignment that has no submitted review (a draft goes with it)."""
    _check_open(review_round)
    assignment = _assignment(review_round, proposal_id, member_id)
    if assignment is None or assignment.status != AssignmentStatus.ASSIGNED:
        raise DomainError(_("This panel member is not assigned this proposal."))
    review = assignment.review
    if review is not None:
        if review.status == ReviewStatus.SUBMITTED:
            raise DomainError(_("This panel member has submitted a review of this proposal; it cannot be unassigned."))
        db.session.delete(review)
    db.session.delete(assignment)
    db.session.flush()
    audit.record(
        "review.unassigned",
        actor_id=actor.id,
        object_type="proposal",
        object_id=proposal_id,
        round=review_round.number,
        user_id=assignment.member.user_id,
    )


def decline(user: User, assignment: Assignment, reason: str) -> None:
    """The reviewer declines one assignment with a reason; the owners and chairs are told (the caller checks that
    the assignment is the user's)."""
    reason = (reason or "").strip()
    _check_open(assignment.round)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise DomainError(_("You have declined this assignment already."))
    if assignment.review is not None and assignment.review.status == ReviewStatus.SUBMITTED:
        raise DomainError(_("You have submitted your review of this proposal; it cannot be declined."))
    if not reason:
        raise DomainError(_("Say why you decline."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("At most 1,000 characters."), field="reason")
    assignment.status = AssignmentStatus.DECLINED
    assignment.decline_reason = reason
    assignment.declined_at = clock.now()
    db.session.flush()
    audit.record(
        "review.assignment_declined",
        actor_id=user.id,
        object_type="proposal",
        object_id=assignment.proposal_id,
        round=assignment.round.number,
    )
    challenge = assignment.round.challenge
    signals.assignment_declined.send(challenge, assignment=assignment, actor=user)


def assignments_of_user(user: User) -> list[Assignment]:
    """The user's assignments to review: of accepted memberships, in open rounds, not declined, not conflicted;
    nearest deadline first, with their round, challenge, proposal and review loaded."""
    conflicted = (
        select(Conflict.id)
        .where(
            Conflict.user_id == user.id,
            Conflict.proposal_id == Assignment.proposal_id,
            Conflict.cleared_at.is_(None),
        )
        .exists()
    )
    query = (
        select(Assignment)
        .join(PanelMember, PanelMember.id == Assignment.member_id)
        .join(ReviewRound, ReviewRound.id == Assignment.round_id)
        .where(
            PanelMember.user_id == user.id,
            PanelMember.status == PanelStatus.ACCEPTED,
            ReviewRound.locked_at.is_(None),
            Assignment.status == AssignmentStatus.ASSIGNED,
            ~conflicted,
        )
        .options(
            joinedload(Assignment.round).joinedload(ReviewRound.challenge),
            joinedload(Assignment.proposal),
            joinedload(Assignment.review),
        )
        .order_by(ReviewRound.deadline, Assignment.id)
    )
    return list(db.session.scalars(query).unique())


def chair_user_ids(challenge: Challenge) -> set[int]:
    """The accounts of the panel's accepted chairs."""
    query = select(PanelMember.user_id).where(
        PanelMember.challenge_id == challenge.id,
        PanelMember.role == PanelRole.CHAIR,
        PanelMember.status == PanelStatus.ACCEPTED,
        PanelMember.user_id.is_not(None),
    )
    return set(db.session.scalars(query))


def conflicted_user_ids(challenge: Challenge, proposal_id: int) -> set[int]:
    """Who has an active conflict with the proposal: they hear nothing of it."""
    query = select(Conflict.user_id).where(
        Conflict.challenge_id == challenge.id, Conflict.proposal_id == proposal_id, Conflict.cleared_at.is_(None)
    )
    return set(db.session.scalars(query))
