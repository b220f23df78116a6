"""What a solver's dashboard (my proposals) reads: the proposals by group, what waits for the user, and the nearest
deadlines of the challenges they follow; each a constant number of statements, whatever the amount of data."""

from dataclasses import dataclass

from sqlalchemy import case, func, not_, select
from sqlalchemy.orm import contains_eager, joinedload

from goi.accounts.models import User
from goi.challenges.models import Challenge, Follow
from goi.challenges.queries import is_open
from goi.core import clock
from goi.core.pagination import Page, paginate
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus

# The groups a user can filter their proposals by; "all" shows every group, in this order.
GROUPS = ("all", "active", "closed", "withdrawn")
PAGE_SIZE = 20
# The dashboard's short lists: drafts to finish and followed challenges closing soonest.
SHORT_LIST = 5


@dataclass(frozen=True, slots=True)
class GroupCounts:
    active: int
    closed: int
    withdrawn: int

    @property
    def all(self) -> int:
        return self.active + self.closed + self.withdrawn

    def of(self, group: str) -> int:
        return getattr(self, group)


def _group_conditions():
    """Active: not withdrawn, its challenge still open; closed: not withdrawn, past its call; withdrawn."""
    open_now = is_open(clock.now())
    not_withdrawn = Proposal.status != ProposalStatus.WITHDRAWN
    return {
        "active": not_withdrawn & open_now,
        "closed": not_withdrawn & not_(open_now),
        "withdrawn": Proposal.status == ProposalStatus.WITHDRAWN,
    }


def _team_proposals_of(user: User):
    """The proposals of the teams user belongs to: as lead or as a partner who accepted (each proposal once)."""
    return Proposal.id.in_(
        select(TeamMember.proposal_id).where(
            TeamMember.user_id == user.id, TeamMember.status == TeamMemberStatus.ACCEPTED
        )
    )


def group_counts(user: User) -> GroupCounts:
    """How many of user's proposals each group holds, in one statement."""
    conditions = _group_conditions()
    row = db.session.execute(
        select(*(func.count(case((conditions[group], 1))) for group in ("active", "closed", "withdrawn")))
        .select_from(Proposal)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(_team_proposals_of(user))
    ).one()
    return GroupCounts(*row)


def proposals_page(user: User, group: str, counts: GroupCounts, per_page: int = PAGE_SIZE) -> Page:
    """A page (?page=) of user's proposals in group: the active ones by nearest deadline, then the closed ones by
    latest deadline, then the withdrawn ones; with their challenges, organizations and leads, in one statement."""
    conditions = _group_conditions()
    rank = case((conditions["active"], 0), (conditions["closed"], 1), else_=2)
    query = (
        select(Proposal)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(_team_proposals_of(user))
        .options(contains_eager(Proposal.challenge), joinedload(Proposal.organization), joinedload(Proposal.lead_user))
        # Within the active ones the nearest deadline first; elsewhere the latest first.
        .order_by(
            rank,
            case((conditions["active"], Challenge.closes_at)),
            Challenge.closes_at.desc(),
            Proposal.id.desc(),
        )
    )
    if group != "all":
        query = query.where(conditions[group])
    return paginate(query, per_page=per_page, total=counts.of(group))


def pending_invitations(user: User) -> list[TeamMember]:
    """Invitations to join a team sent to user's address and not yet answered, while the call is open (only then
    can they be accepted), the nearest deadline first."""
    query = (
        select(TeamMember)
        .join(Proposal, Proposal.id == TeamMember.proposal_id)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(
            TeamMember.email == user.email.lower(),
            TeamMember.status == TeamMemberStatus.INVITED,
            is_open(clock.now()),
        )
        .options(
            contains_eager(TeamMember.proposal).contains_eager(Proposal.challenge),
            contains_eager(TeamMember.proposal).joinedload(Proposal.lead_user),
            joinedload(TeamMember.organization),
        )
        .order_by(Challenge.closes_at, TeamMember.id)
    )
    return list(db.session.scalars(query))


def drafts_to_finish(user: User, limit: int = SHORT_LIST) -> list[Proposal]:
    """The drafts user leads whose call is still open, the nearest deadline first: only the lead can submit them."""
    query = (
        select(Proposal)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(
            Proposal.lead_user_id == user.id,
            Proposal.status == ProposalStatus.DRAFT,
            is_open(clock.now()),
        )
        .options(contains_eager(Proposal.challenge))
        .order_by(Challenge.closes_at, Proposal.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def followed_open_challenges(user: User, limit: int = SHORT_LIST) -> list[Challenge]:
    """The open challenges user follows, the nearest deadline first (all of them are at /account/following)."""
    query = (
        select(Challenge)
        .join(Follow, Follow.challenge_id == Challenge.id)
        .where(Follow.user_id == user.id, is_open(clock.now()))
        .options(joinedload(Challenge.owner_org))
        .order_by(Challenge.closes_at, Challenge.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
