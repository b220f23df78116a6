"""What the metropolitan area pages read: the governments of the members, the area's challenges and their figures.

An area's challenges are those the challenge list's metropolitan filter finds (challenges.queries.metro_condition):
posted for the area itself (metro_code) or in a member regency or city (regency_code). Its joint challenges are those
of them posted for the whole area or owned together by two or more of the members' governments. Drafts never count:
the public condition is the challenge list's.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, case, func, not_, or_, select, union_all
from sqlalchemy.orm import joinedload

from goi.challenges.display import sector_label
from goi.challenges.models import Challenge, ChallengeCoOwner, ChallengeStatus
from goi.challenges.queries import is_open, metro_condition
from goi.core.pagination import Page, paginate
from goi.data import regions
from goi.data.regions import Metro, Regency
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind

# The challenge list's public condition, written as it writes it (an index of status serves both).
IS_PUBLIC = Challenge.status != ChallengeStatus.DRAFT


@cache
def _metros_by_member() -> dict[str, Metro]:
    return {code: metro for metro in regions.metros() for code in metro.member_codes}


def metro_for(metro_code: str | None = None, regency_code: str | None = None) -> Metro | None:
    """The metropolitan area of this code, else the one this regency or city belongs to, else None."""
    if metro_code:
        return regions.metro(metro_code)
    return _metros_by_member().get(regency_code or "")


@dataclass(slots=True)
class AreaCounts:
    """An area's numbers on the list of areas."""

    governments: int = 0
    challenges: int = 0
    open: int = 0


def counts_by_area(now: datetime) -> dict[str, AreaCounts]:
    """Every area's governments on the platform and public and open challenges, from two grouped statements.

    A challenge counts in each area the list's filter would find it in: its own metro_code's and its regency's.
    """
    counts = {metro.code: AreaCounts() for metro in regions.metros()}
    members = _metros_by_member()
    governments = select(Organization.regency_code, func.count()).where(
        Organization.kind == OrgKind.GOVERNMENT, Organization.regency_code.in_(list(members))
    )
    for regency_code, number in db.session.execute(governments.group_by(Organization.regency_code)):
        counts[members[regency_code].code].governments += number
    challenges = (
        select(Challenge.metro_code, Challenge.regency_code, func.count(), _count_of(is_open(now)))
        .where(IS_PUBLIC, or_(Challenge.metro_code.is_not(None), Challenge.regency_code.in_(list(members))))
        .group_by(Challenge.metro_code, Challenge.regency_code)
    )
    for metro_code, regency_code, number, open_number in db.session.execute(challenges):
        areas = {code for code in (metro_code, getattr(members.get(regency_code), "code", None)) if code in counts}
        for code in areas:
            counts[code].challenges += number
            counts[code].open += open_number or 0
    return counts


def _count_of(condition):
    return func.sum(case((condition, 1), else_=0))


# An area page names a member's first governments (a city may have many agencies and BUMD on the platform).
GOVERNMENTS_SHOWN = 8


def member_governments(metro: Metro, limit: int = GOVERNMENTS_SHOWN) -> tuple[list[Organization], dict[str, int]]:
    """The first `limit` government organizations of each member regency or city by name, and each member's number
    of them, in one statement (a window over the members' governments)."""
    in_area = and_(Organization.kind == OrgKind.GOVERNMENT, Organization.regency_code.in_(metro.member_codes))
    by_member = Organization.regency_code
    ranked = (
        select(
            Organization.id,
            func.row_number().over(partition_by=by_member, order_by=(Organization.name, Organization.id)).label("n"),
            func.count().over(partition_by=by_member).label("total"),
        )
        .where(in_area)
        .subquery()
    )
    rows = db.session.execute(
        select(Organization, ranked.c.total)
        .join(ranked, ranked.c.id == Organization.id)
        .where(ranked.c.n <= limit)
        .order_by(Organization.name, Organization.id)
    ).all()
    return [organization for organization, _total in rows], {org.regency_code: total for org, total in rows}


@dataclass(slots=True)
class Member:
    """A member regency or city with its governments on the platform and its public and open challenges."""

    regency: Regency
    is_core: bool
    governments: list[Organization]
    government_count: int = 0
    challenges: int = 0
    open: int = 0


def area_members(metro: Metro, now: datetime) -> list[Member]:
    """The members in the reference data's order, the core city first, with their first governments and their
    challenges: two statements."""
    codes = sorted(metro.member_codes, key=lambda code: code != metro.core_code)
    members = [Member(regions.regency(code), code == metro.core_code, []) for code in codes]
    by_code = {member.regency.code: member for member in members}
    governments, government_counts = member_governments(metro)
    for organization in governments:
        by_code[organization.regency_code].governments.append(organization)
    for regency_code, number in government_counts.items():
        by_code[regency_code].government_count = number
    for regency_code, (number, open_number) in counts_by_member(metro, now).items():
        by_code[regency_code].challenges, by_code[regency_code].open = number, open_number
    return members


def province_codes(metro: Metro) -> list[str]:
    """The provinces of the members, in the members' order."""
    return list(dict.fromkeys(code.split(".", 1)[0] for code in metro.member_codes))


def _jointly_owned_ids(metro: Metro) -> Select:
    """Ids of the challenges two or more of the members' governments own or co-own."""
    governments = select(Organization.id).where(
        Organization.kind == OrgKind.GOVERNMENT, Organization.regency_code.in_(metro.member_codes)
    )
    owners = union_all(
        select(Challenge.id.label("challenge_id"), Challenge.owner_org_id.label("organization_id")).where(
            Challenge.owner_org_id.in_(governments)
        ),
        select(ChallengeCoOwner.challenge_id, ChallengeCoOwner.organization_id).where(
            ChallengeCoOwner.organization_id.in_(governments)
        ),
    ).subquery()
    return (
        select(owners.c.challenge_id)
        .group_by(owners.c.challenge_id)
        .having(func.count(owners.c.organization_id.distinct()) >= 2)
    )


def joint_condition(metro: Metro):
    """Posted for the whole area, or owned together by several of its governments (never NULL, so it negates)."""
    return or_(
        and_(Challenge.metro_code.is_not(None), Challenge.metro_code == metro.code),
        Challenge.id.in_(_jointly_owned_ids(metro)),
    )


@dataclass(slots=True, frozen=True)
class SectorFigures:
    """One sector's public challenges in an area, the open ones, and the budget the open ones offer."""

    sector: str
    challenges: int
    open: int
    budget_on_offer: int
    joint: int


def figures_by_sector(metro: Metro, now: datetime) -> list[SectorFigures]:
    """The area's public challenges counted by sector in one grouped statement, the busiest sector first."""
    opened = is_open(now)
    # The highest amount each open challenge names; SUM leaves out the challenges that name none.
    offered = case((opened, func.coalesce(Challenge.budget_max, Challenge.budget_min)), else_=None)
    count = func.count()
    rows = db.session.execute(
        select(Challenge.sector, count, _count_of(opened), func.sum(offered), _count_of(joint_condition(metro)))
        .where(IS_PUBLIC, metro_condition(metro.code))
        .group_by(Challenge.sector)
        .order_by(count.desc(), Challenge.sector)
    )
    return [
        SectorFigures(sector, number, int(open_number or 0), int(budget or 0), int(joint or 0))
        for sector, number, open_number, budget, joint in rows
    ]


def sector_figures(metro: Metro, now: datetime) -> list[SectorFigures]:
    """The figures by sector, the busiest first; sectors as busy by their names in the reader's language."""
    return sorted(figures_by_sector(metro, now), key=lambda f: (-f.challenges, sector_label(f.sector)))


def counts_by_member(metro: Metro, now: datetime) -> dict[str, tuple[int, int]]:
    """Each member regency or city's public and open challenges, in one grouped statement."""
    rows = db.session.execute(
        select(Challenge.regency_code, func.count(), _count_of(is_open(now)))
        .where(IS_PUBLIC, Challenge.regency_code.in_(metro.member_codes))
        .group_by(Challenge.regency_code)
    )
    return {regency_code: (number, int(open_number or 0)) for regency_code, number, open_number in rows}


def area_challenges(metro: Metro, joint: bool, total: int, now: datetime, limit: int) -> Page:
    """The first challenges of the area, joint ones or the others: the open ones soonest deadline first, then the
    others latest deadline first (an area page shows a few: the recent ones, not the oldest archived).

    total is their number, counted with the figures by sector.
    """
    part = joint_condition(metro)
    opened = is_open(now)
    query = (
        select(Challenge)
        .options(joinedload(Challenge.owner_org))
        .where(IS_PUBLIC, metro_condition(metro.code), part if joint else not_(part))
        # Within each part the CASE is all NULL or all set, so where each database puts NULLs does not matter.
        .order_by(opened.desc(), case((opened, Challenge.closes_at)), Challenge.closes_at.desc(), Challenge.id)
    )
    return paginate(query, per_page=limit, page=1, key=Challenge.id, total=total)
