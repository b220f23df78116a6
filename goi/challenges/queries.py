"""Read-only queries of challenges: browsing with filters, an organization's list, an owner's dashboard, Q&A."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, bindparam, case, func, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from goi.challenges.lifecycle import PUBLIC_STATES
from goi.challenges.models import Challenge, ChallengeCoOwner, ChallengeStatus, Question, SolverKind, budget_amount
from goi.core import clock
from goi.core.pagination import Page, paginate
from goi.data import regions
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind

# Dates typed in the deadline filter are read as days in western Indonesia, where most users are.
FILTER_DATE_ZONE = ZoneInfo("Asia/Jakarta")
_DIRECT_STATUSES = {
    "under_review": ChallengeStatus.UNDER_REVIEW,
    "decided": ChallengeStatus.DECIDED,
    "archived": ChallengeStatus.ARCHIVED,
    "cancelled": ChallengeStatus.CANCELLED,
}


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=FILTER_DATE_ZONE)


def _status_condition(status: str, now: datetime):
    """'open' is published and not past the deadline; a published challenge past it counts as closed."""
    if status == "open":
        return and_(Challenge.status == ChallengeStatus.PUBLISHED, Challenge.closes_at > now)
    if status == "closed":
        return or_(
            Challenge.status == ChallengeStatus.CLOSED,
            and_(Challenge.status == ChallengeStatus.PUBLISHED, Challenge.closes_at <= now),
        )
    return Challenge.status == _DIRECT_STATUSES[status]


def _province_condition(province_code: str):
    """In the province, or a metropolitan area with a member regency there."""
    metro_codes = [
        metro.code
        for metro in regions.metros()
        if any(code.split(".", 1)[0] == province_code for code in metro.member_codes)
    ]
    return or_(Challenge.province_code == province_code, Challenge.metro_code.in_(metro_codes))


def metro_condition(metro_code: str):
    """The metropolitan area's own challenges and those of its member regencies and cities."""
    metro = regions.metro(metro_code)
    members = list(metro.member_codes) if metro else []
    return or_(Challenge.metro_code == metro_code, Challenge.regency_code.in_(members))


def _budget_conditions(low: int | None, high: int | None) -> list:
    """The challenge's range [min, max] (either may be missing) overlaps the asked range."""
    conditions = []
    if low is not None:
        conditions.append(budget_amount() >= low)  # low is never negative: a challenge without an amount fails
    if high is not None:
        conditions.append(func.coalesce(Challenge.budget_min, Challenge.budget_max) <= high)
    return conditions


def browse_query(filters: dict, matching_ids: list[int] | None = None) -> Select:
    """Public challenges matching validated filters (see browse_form.BrowseForm), sorted, owner eager-loaded.

    matching_ids are the search engine's answer to the keywords, best first (None: no keywords).
    """
    now = clock.now()
    query = select(Challenge).where(Challenge.status != ChallengeStatus.DRAFT).options(joinedload(Challenge.owner_org))
    if matching_ids is not None:
        query = query.where(Challenge.id.in_(matching_ids))
    if filters.get("status"):
        query = query.where(_status_condition(filters["status"], now))
    if filters.get("sector"):
        query = query.where(Challenge.sector == filters["sector"])
    if filters.get("province"):
        query = query.where(_province_condition(filters["province"]))
    if filters.get("metro"):
        query = query.where(metro_condition(filters["metro"]))
    if filters.get("kind"):
        query = query.where(getattr(Challenge, f"allow_{SolverKind(filters['kind']).value}").is_(True))
    query = query.where(*_budget_conditions(filters.get("budget_min"), filters.get("budget_max")))
    if filters.get("closes_within"):
        query = query.where(
            Challenge.closes_at > now, Challenge.closes_at <= now + timedelta(days=filters["closes_within"])
        )
    if filters.get("closes_from"):
        query = query.where(Challenge.closes_at >= _start_of_day(filters["closes_from"]))
    if filters.get("closes_until"):
        query = query.where(Challenge.closes_at < _start_of_day(filters["closes_until"] + timedelta(days=1)))
    sort = filters.get("sort", "deadline")
    if sort == "relevance" and matching_ids:
        rank = case({challenge_id: position for position, challenge_id in enumerate(matching_ids)}, value=Challenge.id)
        return query.order_by(rank, Challenge.id)
    if sort == "newest":
        order = (Challenge.published_at.desc(), Challenge.id.desc())
    elif sort == "budget":
        order = (budget_amount().desc(), Challenge.closes_at, Challenge.id)
    else:
        # Challenges still open come first, soonest deadline first; then the rest, also by deadline.
        order = (is_open(now).desc(), Challenge.closes_at, Challenge.id)
    return query.order_by(*order)


def is_open(now: datetime):
    """Published and before its deadline (never NULL: both columns are required)."""
    return and_(Challenge.status == ChallengeStatus.PUBLISHED, Challenge.closes_at > now)


def sorts_open_first(filters: dict, matching_ids: list[int] | None) -> bool:
    """Whether browse_query orders by the deadline, the open challenges first."""
    sort = filters.get("sort", "deadline")
    return sort not in ("newest", "budget") and not (sort == "relevance" and matching_ids)


def browse_page(filters: dict, matching_ids: list[int] | None, per_page: int, page: int | None = None) -> Page:
    """A page of browse_query (page: the request's ?page= when None): in the deadline order the open challenges and
    the others are read apart, each in deadline order (an index range each), instead of sorting every public
    challenge by "is it open"."""
    query = browse_query(filters, matching_ids)
    if sorts_open_first(filters, matching_ids):
        by_deadline = query.order_by(None).order_by(Challenge.closes_at, Challenge.id)
        if filters.get("status"):
            # A chosen state lists only open challenges ("open") or none (the others): one part, one count.
            return paginate(by_deadline, per_page=per_page, page=page, key=Challenge.id)
        return paginate(by_deadline, per_page=per_page, page=page, key=Challenge.id, first=is_open(clock.now()))
    return paginate(query, per_page=per_page, page=page, key=Challenge.id)


def _owned_or_co_owned(organization_ids: frozenset[int], *columns):
    """Columns of each challenge these organizations own or co-own, once: the owned ones from the index of (owner,
    status, created_at) alone, without reading a row; the co-owned ones that none of them owns by their ids."""
    co_owned_ids = select(ChallengeCoOwner.challenge_id).where(ChallengeCoOwner.organization_id.in_(organization_ids))
    return union_all(
        select(*columns).where(Challenge.owner_org_id.in_(organization_ids)),
        select(*columns).where(Challenge.id.in_(co_owned_ids), Challenge.owner_org_id.not_in(organization_ids)),
    ).subquery()


# The statements of these lists are built once per set of organizations and kept (lru_cache; statements are
# immutable): building one costs more than running it.
_WITH_OWNER = select(Challenge).options(joinedload(Challenge.owner_org))


def managed_challenges_page(
    organization_ids: set[int], total: int, per_page: int, status: ChallengeStatus | None = None
) -> Page:
    """A page (?page=) of the ids of the challenges of the organizations a user manages (in one state, or all), the
    latest first; total is their number (from status_counts). The owner dashboard reads the page's rows with their
    counts itself (goi.challenges.dashboard)."""
    return paginate(
        _WITH_OWNER,
        per_page=per_page,
        key=Challenge.id,
        total=total,
        ordered_keys=managed_ids(frozenset(organization_ids), status),
    )


@lru_cache(maxsize=1024)
def managed_ids(organization_ids: frozenset[int], status: ChallengeStatus | None = None) -> Select:
    """The ids of the challenges these organizations own or co-own (in one state, or all), the latest first: from the
    index of (owner, status, created_at) alone."""
    rows = _owned_or_co_owned(organization_ids, Challenge.id, Challenge.created_at, Challenge.status)
    keys = select(rows.c.id).order_by(rows.c.created_at.desc(), rows.c.id.desc())
    return keys if status is None else keys.where(rows.c.status == status)


def organization_challenges_page(
    organization: Organization, include_drafts: bool, per_page: int, page: int | None = None
) -> Page:
    """A page (page, else ?page=) of the challenges an organization owns or co-owns, newest first; drafts only when
    asked. Counted and paged from the index of (owner, status, created_at), as my challenges is."""
    keys, count = _organization_lists(organization.id, include_drafts)
    total = db.session.scalar(count) or 0
    return paginate(_WITH_OWNER, per_page=per_page, page=page, key=Challenge.id, total=total, ordered_keys=keys)


@lru_cache(maxsize=1024)
def _organization_lists(organization_id: int, include_drafts: bool) -> tuple[Select, Select]:
    rows = _owned_or_co_owned(frozenset({organization_id}), Challenge.id, Challenge.created_at, Challenge.status)
    keys = select(rows.c.id).order_by(rows.c.created_at.desc(), rows.c.id.desc())
    count = select(func.count()).select_from(rows)
    if not include_drafts:
        keys, count = keys.where(rows.c.status.in_(PUBLIC_STATES)), count.where(rows.c.status.in_(PUBLIC_STATES))
    return keys, count


def status_counts(organization_ids: set[int]) -> dict[ChallengeStatus, int]:
    """How many of those challenges are in each state, in one grouped query (from an index alone)."""
    rows = db.session.execute(_status_counts_query(frozenset(organization_ids)))
    counts = dict.fromkeys(ChallengeStatus, 0)
    for status, count in rows:
        counts[status] = count
    return counts


@lru_cache(maxsize=1024)
def _status_counts_query(organization_ids: frozenset[int]) -> Select:
    rows = _owned_or_co_owned(organization_ids, Challenge.status)
    return select(rows.c.status, func.count()).group_by(rows.c.status)


def co_owner_candidates(owner: Organization) -> list[Organization]:
    """Verified government organizations that may co-own a challenge of owner."""
    return list(
        db.session.scalars(
            select(Organization)
            .where(
                Organization.kind == OrgKind.GOVERNMENT,
                Organization.verified_at.is_not(None),
                Organization.id != owner.id,
            )
            .order_by(Organization.name, Organization.id)
        )
    )


def co_owner_organizations(challenge: Challenge) -> list[Organization]:
    return list(
        db.session.scalars(
            select(Organization)
            .join(ChallengeCoOwner, ChallengeCoOwner.organization_id == Organization.id)
            .where(ChallengeCoOwner.challenge_id == challenge.id)
            .order_by(ChallengeCoOwner.id)
        )
    )


def public_questions(challenge: Challenge) -> list[Question]:
    """Answered questions published to everyone."""
    return list(
        db.session.scalars(
            select(Question)
            .where(
                Question.challenge_id == challenge.id,
                Question.is_public.is_(True),
                Question.answered_at.is_not(None),
            )
            .order_by(Question.answered_at, Question.id)
        )
    )


# Built once: a challenge page asks it for every logged-in viewer.
_QUESTIONS_OF = (
    select(Question)
    .where(Question.challenge_id == bindparam("challenge_id"), Question.asker_id == bindparam("user_id"))
    .order_by(Question.asked_at, Question.id)
)


def questions_of(user, challenge: Challenge) -> list[Question]:
    """The questions user asked about challenge, answered or not."""
    if not user.is_authenticated:
        return []
    return list(db.session.scalars(_QUESTIONS_OF, {"challenge_id": challenge.id, "user_id": user.id}))


def all_questions(challenge: Challenge) -> list[Question]:
    """Every question, unanswered first, for the owners."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.challenge_id == challenge.id)
            .options(selectinload(Question.asker))
            .order_by(Question.answered_at.is_not(None), Question.asked_at, Question.id)
        )
    )
