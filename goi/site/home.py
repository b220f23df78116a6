"""What the home page shows: the public sections (open challenges closing soon and newest, recently awarded
solutions, the platform's figures) and, for a logged-in user, what is waiting for them.

Each section is one statement whatever the amount of data (the lists are limited, the figures grouped); the public
sections are read by the template global home_sections from the kept fragment site/_home_sections.html, so a hit
reads nothing, and what needs a user is read only for a logged-in user (the anonymous page is kept whole).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeCoOwner, ChallengeStatus, Question
from goi.challenges.permissions import managed_organization_ids
from goi.challenges.queries import is_open
from goi.core import clock
from goi.data import regions
from goi.data.regions import Metro
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind
from goi.proposals import dashboard as solver_dashboard
from goi.proposals.models import Proposal, ProposalStatus, TeamMember
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry

# How many rows each list shows; each links to the full list.
SECTION_SIZE = 5
NEEDS_SIZE = 5
# Deadlines of followed challenges are told this far ahead.
FOLLOWED_DEADLINE_DAYS = 14
# The awards the home page names as "awarded" (a shortlist is not an award).
AWARDS = (AwardLabel.WINNER, AwardLabel.RUNNER_UP, AwardLabel.HONOURABLE_MENTION)


@dataclass(frozen=True, slots=True)
class Award:
    """What everyone may see of a proposal named in published results (the same part as the challenge page's
    results): its title and team, the award, and the challenge it answered."""

    award: AwardLabel
    title: str
    team: str
    challenge_title: str
    challenge_slug: str
    published_at: datetime
    timezone: str


@dataclass(frozen=True, slots=True)
class Figures:
    open_challenges: int
    budget_on_offer: int
    proposals_received: int
    organizations_by_kind: dict[OrgKind, int]
    verified_governments: int


@dataclass(frozen=True, slots=True)
class Sections:
    closing_soon: list[Challenge]
    newest: list[Challenge]
    awarded: list[Award]
    figures: Figures
    metros: list[Metro]


def home_sections() -> Sections:
    """The public sections of the home page, in five statements (the metropolitan areas are reference data)."""
    now = clock.now()
    open_challenges = select(Challenge).where(is_open(now)).options(joinedload(Challenge.owner_org))
    closing_soon = db.session.scalars(
        open_challenges.order_by(Challenge.closes_at, Challenge.id).limit(SECTION_SIZE)
    ).all()
    newest = db.session.scalars(
        open_challenges.order_by(Challenge.published_at.desc(), Challenge.id.desc()).limit(SECTION_SIZE)
    ).all()
    return Sections(list(closing_soon), list(newest), recent_awards(), figures(now), regions.metros())


def recent_awards() -> list[Award]:
    """The awarded proposals of the results published last, best award first within a challenge's results.

    The latest results are taken first, from the index of their publication (a few more than shown, for results
    that award nothing), so that the database never starts from the proposals, whose number grows with the data.
    """
    latest = (
        select(ChallengeResult.id)
        .order_by(ChallengeResult.published_at.desc(), ChallengeResult.id.desc())
        .limit(SECTION_SIZE * 3)
        .subquery()
    )
    rows = db.session.execute(
        select(
            ResultEntry.award,
            Proposal.title,
            func.coalesce(Organization.name, User.name),
            Challenge.title,
            Challenge.slug,
            ChallengeResult.published_at,
            Challenge.timezone,
        )
        .select_from(latest)
        .join(ChallengeResult, ChallengeResult.id == latest.c.id)
        .join(ResultEntry, ResultEntry.result_id == ChallengeResult.id)
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .join(Proposal, Proposal.id == ResultEntry.proposal_id)
        .join(User, User.id == Proposal.lead_user_id)
        .outerjoin(Organization, Organization.id == Proposal.organization_id)
        .where(
            ResultEntry.award.in_(AWARDS),
            # What the challenge page's results show: a proposal still submitted (is_published_in_results).
            Proposal.status == ProposalStatus.SUBMITTED,
            Challenge.status != ChallengeStatus.DRAFT,
        )
        .order_by(ChallengeResult.published_at.desc(), ChallengeResult.id.desc(), ResultEntry.position, ResultEntry.id)
        .limit(SECTION_SIZE)
    )
    return [Award(*row) for row in rows]


def figures(now: datetime) -> Figures:
    """The platform in numbers: two statements (one of scalar subqueries, one grouped by kind)."""
    open_condition = is_open(now)
    open_count = select(func.count()).select_from(Challenge).where(open_condition).scalar_subquery()
    # What a challenge offers at most: its maximum, else its minimum (none when it names no amount).
    budget = (
        select(func.coalesce(func.sum(func.coalesce(Challenge.budget_max, Challenge.budget_min)), 0))
        .where(open_condition)
        .scalar_subquery()
    )
    received = (
        select(func.count()).select_from(Proposal).where(Proposal.status == ProposalStatus.SUBMITTED).scalar_subquery()
    )
    open_challenges, budget_on_offer, proposals_received = db.session.execute(
        select(open_count, budget, received)
    ).one()
    by_kind: dict[OrgKind, int] = {}
    verified_governments = 0
    for kind, count, verified in db.session.execute(
        select(Organization.kind, func.count(), func.count(Organization.verified_at)).group_by(Organization.kind)
    ):
        by_kind[kind] = count
        if kind == OrgKind.GOVERNMENT:
            verified_governments = verified
    return Figures(
        open_challenges=open_challenges or 0,
        budget_on_offer=int(budget_on_offer or 0),
        proposals_received=proposals_received or 0,
        organizations_by_kind=by_kind,
        verified_governments=verified_governments,
    )


# --- what needs a logged-in user ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WaitingQuestions:
    challenge_title: str
    challenge_slug: str
    count: int
    oldest: datetime
    timezone: str


@dataclass(slots=True)
class Needs:
    """What is waiting for a user: each list at most NEEDS_SIZE long."""

    draft_proposals: list[Proposal] = field(default_factory=list)
    invitations: list[TeamMember] = field(default_factory=list)
    draft_challenges: list[Challenge] = field(default_factory=list)
    questions: list[WaitingQuestions] = field(default_factory=list)
    deadlines: list[Challenge] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        lists = (self.draft_proposals, self.invitations, self.draft_challenges, self.questions, self.deadlines)
        return not any(lists)


def needs_of(user: User) -> Needs:
    """What needs user now: the drafts they lead and the team invitations to their address, of open challenges (as
    the solver dashboard reads them), the draft challenges and unanswered questions of the organizations they
    administer, and the followed challenges closing within FOLLOWED_DEADLINE_DAYS. Four statements, two more for an
    owner."""
    soon = clock.now() + timedelta(days=FOLLOWED_DEADLINE_DAYS)
    needs = Needs(
        draft_proposals=solver_dashboard.drafts_to_finish(user, limit=NEEDS_SIZE),
        invitations=solver_dashboard.pending_invitations(user)[:NEEDS_SIZE],
        # The nearest deadlines first: those within the window are the first ones of the list.
        deadlines=[
            challenge
            for challenge in solver_dashboard.followed_open_challenges(user, limit=NEEDS_SIZE)
            if challenge.closes_at <= soon
        ],
    )
    organization_ids = managed_organization_ids(user)
    if organization_ids:
        managed = _managed_challenge_ids(organization_ids)
        needs.draft_challenges = list(
            db.session.scalars(
                select(Challenge)
                .where(Challenge.id.in_(managed), Challenge.status == ChallengeStatus.DRAFT)
                .order_by(Challenge.updated_at.desc(), Challenge.id.desc())
                .limit(NEEDS_SIZE)
            )
        )
        needs.questions = _waiting_questions(managed)
    return needs


def _managed_challenge_ids(organization_ids: set[int]):
    """The ids of the challenges these organizations own or co-own: two index searches, never an OR across tables."""
    ids = sorted(organization_ids)
    return union(
        select(Challenge.id).where(Challenge.owner_org_id.in_(ids)),
        select(ChallengeCoOwner.challenge_id).where(ChallengeCoOwner.organization_id.in_(ids)),
    )


def _waiting_questions(managed) -> list[WaitingQuestions]:
    """Unanswered questions per challenge, the one waiting longest first."""
    oldest = func.min(Question.asked_at)
    rows = db.session.execute(
        select(Challenge.title, Challenge.slug, func.count(Question.id), oldest, Challenge.timezone)
        .join(Challenge, Challenge.id == Question.challenge_id)
        .where(Question.challenge_id.in_(managed), Question.answered_at.is_(None))
        .group_by(Challenge.id, Challenge.title, Challenge.slug, Challenge.timezone)
        .order_by(oldest, Challenge.id)
        .limit(NEEDS_SIZE)
    )
    return [WaitingQuestions(*row) for row in rows]
