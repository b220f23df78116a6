"""What the review's managers see of its rounds: each round in figures, the panel's counts, a round's assignment grid.

Each is read in a constant number of statements, whatever the number of proposals, members and assignments.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from goi.challenges.models import Challenge
from goi.extensions import db
from goi.proposals.models import Proposal
from goi.reviews import panel
from goi.reviews.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictKind,
    PanelMember,
    PanelStatus,
    Review,
    ReviewRound,
    ReviewStatus,
    RoundProposal,
)
from goi.reviews.rounds import rounds_of


@dataclass(frozen=True, slots=True)
class RoundFigures:
    """A round's state in numbers for the overview."""

    round: ReviewRound
    proposals: int
    assigned: int
    declined: int
    submitted: int

    @property
    def target(self) -> int:
        return self.proposals * self.round.reviews_per_proposal

    @property
    def late(self) -> bool:
        """Its deadline has passed and it is not locked yet."""
        return panel.round_is_late(self.round)


def round_figures(challenge: Challenge) -> list[RoundFigures]:
    """Each round with its proposals, assignments (made, declined), submitted reviews: three grouped statements."""
    rounds = rounds_of(challenge)
    ids = [review_round.id for review_round in rounds]
    proposals = dict(
        db.session.execute(
            select(RoundProposal.round_id, func.count(RoundProposal.id))
            .where(RoundProposal.round_id.in_(ids))
            .group_by(RoundProposal.round_id)
        ).all()
    )
    by_status: dict[tuple[int, AssignmentStatus], int] = {}
    submitted: dict[int, int] = {}
    if ids:
        rows = db.session.execute(
            select(Assignment.round_id, Assignment.status, Review.status, func.count(Assignment.id))
            .outerjoin(Review, Review.assignment_id == Assignment.id)
            .where(Assignment.round_id.in_(ids))
            .group_by(Assignment.round_id, Assignment.status, Review.status)
        )
        for round_id, status, review_status, count in rows:
            by_status[(round_id, status)] = by_status.get((round_id, status), 0) + count
            if status == AssignmentStatus.ASSIGNED and review_status == ReviewStatus.SUBMITTED:
                submitted[round_id] = submitted.get(round_id, 0) + count
    return [
        RoundFigures(
            round=review_round,
            proposals=proposals.get(review_round.id, 0),
            assigned=by_status.get((review_round.id, AssignmentStatus.ASSIGNED), 0),
            declined=by_status.get((review_round.id, AssignmentStatus.DECLINED), 0),
            submitted=submitted.get(review_round.id, 0),
        )
        for review_round in rounds
    ]


def panel_counts(challenge: Challenge) -> dict[PanelStatus, int]:
    """Panel members by the state of their invitation."""
    rows = db.session.execute(
        select(PanelMember.status, func.count(PanelMember.id))
        .where(PanelMember.challenge_id == challenge.id)
        .group_by(PanelMember.status)
    )
    counts = dict.fromkeys(PanelStatus, 0)
    counts.update(dict(rows.all()))
    return counts


@dataclass
class Grid:
    """The assignment grid of one round: proposals as rows, accepted panel members as columns."""

    round: ReviewRound
    proposals: list[Proposal]
    members: list[PanelMember]
    assignments: dict[tuple[int, int], Assignment] = field(default_factory=dict)
    conflicts: dict[tuple[int, int], ConflictKind] = field(default_factory=dict)
    loads: dict[int, int] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (proposal_id, member_id), assignment in self.assignments.items():
            if assignment.status == AssignmentStatus.ASSIGNED:
                self.loads[member_id] = self.loads.get(member_id, 0) + 1
                self.counts[proposal_id] = self.counts.get(proposal_id, 0) + 1

    def load(self, member: PanelMember) -> int:
        """Proposals of the round the member is assigned (declined ones do not count)."""
        return self.loads.get(member.id, 0)

    def assigned(self, proposal: Proposal) -> int:
        return self.counts.get(proposal.id, 0)

    def under_target(self, proposal: Proposal) -> bool:
        return self.assigned(proposal) < self.round.reviews_per_proposal

    def over_load(self, member: PanelMember) -> bool:
        return member.max_load is not None and self.load(member) > member.max_load

    def full(self, member: PanelMember) -> bool:
        return member.max_load is not None and self.load(member) >= member.max_load

    def conflict(self, proposal: Proposal, member: PanelMember) -> ConflictKind | None:
        return self.conflicts.get((proposal.id, member.user_id))

    def cell(self, proposal: Proposal, member: PanelMember) -> Assignment | None:
        return self.assignments.get((proposal.id, member.id))


def grid_of(review_round: ReviewRound, hidden_proposal_ids: set[int] = frozenset()) -> Grid:
    """The round's grid in four statements whatever its size; hidden proposals (a viewer's conflicts) left out."""
    proposals = [
        proposal
        for proposal in db.session.scalars(
            select(Proposal)
            .join(RoundProposal, RoundProposal.proposal_id == Proposal.id)
            .where(RoundProposal.round_id == review_round.id)
            .options(joinedload(Proposal.organization), joinedload(Proposal.lead_user))
            .order_by(Proposal.id)
        )
        if proposal.id not in hidden_proposal_ids
    ]
    members = list(
        db.session.scalars(
            select(PanelMember)
            .where(PanelMember.challenge_id == review_round.challenge_id, PanelMember.status == PanelStatus.ACCEPTED)
            .options(joinedload(PanelMember.user))
            .order_by(PanelMember.role.desc(), PanelMember.email, PanelMember.id)
        )
    )
    assignments = {
        (assignment.proposal_id, assignment.member_id): assignment
        for assignment in db.session.scalars(
            select(Assignment)
            .where(Assignment.round_id == review_round.id)
            .options(selectinload(Assignment.review))
            .order_by(Assignment.id)
        )
    }
    user_ids = sorted({member.user_id for member in members if member.user_id is not None})
    conflicts = {}
    if user_ids:
        for proposal_id, user_id, kind in db.session.execute(
            select(Conflict.proposal_id, Conflict.user_id, Conflict.kind)
            .where(
                Conflict.challenge_id == review_round.challenge_id,
                Conflict.user_id.in_(user_ids),
                Conflict.cleared_at.is_(None),
            )
            .order_by(Conflict.id)
        ):
            conflicts.setdefault((proposal_id, user_id), kind)
    return Grid(review_round, proposals, members, assignments, conflicts)


def shortlist_count(review_round: ReviewRound) -> int:
    """How many proposals of the round are shortlisted for the next."""
    query = select(func.count(RoundProposal.id)).where(
        RoundProposal.round_id == review_round.id, RoundProposal.shortlisted.is_(True)
    )
    return db.session.scalar(query)
