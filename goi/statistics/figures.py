"""The platform's public figures, each from one aggregate statement (two for the monthly series and the areas),
for the whole platform or a scope: a metropolitan area or an organization.

Only public challenges count (never a draft). Proposals count only in challenges whose proposals are no longer
sealed (not sealed, or past the deadline): a sealed call's proposals stay a secret until its deadline, as on the
challenge page.
"""

import statistics as stats
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import String, and_, case, distinct, func, or_, select, type_coerce, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from goi.challenges.display import sector_label
from goi.challenges.forms import SOLVER_KIND_LABELS
from goi.challenges.lifecycle import status_label
from goi.challenges.models import Challenge, ChallengeCoOwner, ChallengeStatus, SolverKind
from goi.challenges.queries import is_open, metro_condition
from goi.data import regions
from goi.data.regions import Metro
from goi.extensions import db
from goi.metros.queries import counts_by_area
from goi.orgs.forms import KIND_LABELS
from goi.orgs.models import Organization
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus
from goi.reviews.models import ChallengeResult

# Months are counted in western Indonesian time (UTC+7, no daylight saving), where most users are.
MONTH_ZONE = ZoneInfo("Asia/Jakarta")
MONTHS_SHOWN = 12
# The buckets of proposals per challenge: (lowest, highest or None), each a bar.
PROPOSAL_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 0), (1, 1), (2, 4), (5, 9), (10, None))
# The states a visitor sees, in the order of a challenge's life (a published challenge past its deadline is closed).
STATES_SHOWN = (
    ChallengeStatus.PUBLISHED,
    ChallengeStatus.CLOSED,
    ChallengeStatus.UNDER_REVIEW,
    ChallengeStatus.DECIDED,
    ChallengeStatus.ARCHIVED,
    ChallengeStatus.CANCELLED,
)


# --- the month of a timestamp, on either database ------------------------------------------------------------------


class month_of(FunctionElement):
    """'YYYY-MM' of a UTC timestamp column in western Indonesian time."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of)
def _month_of_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps the UTC timestamps as text; its date functions read them.
    return "strftime('%Y-%m', " + compiler.process(element.clauses, **kw) + ", '+7 hours')"


@compiles(month_of, "postgresql")
def _month_of_postgresql(element, compiler, **kw) -> str:
    return "to_char(timezone('Asia/Jakarta', " + compiler.process(element.clauses, **kw) + "), 'YYYY-MM')"


# --- scopes and conditions -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """Which challenges count: all public ones, a metropolitan area's or an organization's (owned or co-owned)."""

    metro: Metro | None = None
    organization_id: int | None = None


PLATFORM = Scope()


def public_challenges(scope: Scope):
    """The public challenges of the scope, as the challenge list and the area and organization pages find them."""
    conditions = [Challenge.status != ChallengeStatus.DRAFT]
    if scope.metro is not None:
        conditions.append(metro_condition(scope.metro.code))
    if scope.organization_id is not None:
        co_owned = select(ChallengeCoOwner.challenge_id).where(
            ChallengeCoOwner.organization_id == scope.organization_id
        )
        conditions.append(or_(Challenge.owner_org_id == scope.organization_id, Challenge.id.in_(co_owned)))
    return and_(*conditions)


def sealing_lifted(now: datetime):
    """The challenge's proposals may be counted: it is not sealed, or its deadline has passed."""
    return or_(Challenge.is_sealed.is_(False), Challenge.closes_at <= now)


def _count_of(condition):
    return func.sum(case((condition, 1), else_=0))


def _offered(now: datetime):
    """The highest amount an open challenge names (SUM leaves out the others and those that name none)."""
    return case((is_open(now), func.coalesce(Challenge.budget_max, Challenge.budget_min)), else_=None)


# --- a figure: what a chart, its table and its CSV show ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a figure: its CSV field, its heading in the table, and whether it holds numbers."""

    field: str
    heading: str
    numeric: bool = False
    # A code only a CSV needs (a sector's, a state's); the table shows its label.
    in_table: bool = True


@dataclass(slots=True)
class Figure:
    """One figure: its rows (dicts by field), the columns its table and CSV show, and the bars its chart draws
    (labelled by label_field, one series per field of series)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    label_field: str = "label"
    series: tuple[str, ...] = ("challenges",)
    note: str = ""


# --- the figures ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """The scope's public challenges, the open ones and the budget the open ones offer."""

    challenges: int
    open: int
    budget_on_offer: int


def summary(scope: Scope, now: datetime) -> Summary:
    """One statement."""
    challenges, open_number, budget = db.session.execute(
        select(func.count(), _count_of(is_open(now)), func.sum(_offered(now))).where(public_challenges(scope))
    ).one()
    return Summary(challenges or 0, int(open_number or 0), int(budget or 0))


def by_state(scope: Scope, now: datetime) -> Figure:
    """Challenges by the state a visitor sees; one statement grouped by the stored state."""
    counts = dict.fromkeys(STATES_SHOWN, 0)
    rows = db.session.execute(
        select(Challenge.status, func.count(), _count_of(Challenge.closes_at <= now))
        .where(public_challenges(scope))
        .group_by(Challenge.status)
    )
    for status, number, past_deadline in rows:
        if status == ChallengeStatus.PUBLISHED:
            counts[ChallengeStatus.PUBLISHED] += number - int(past_deadline or 0)
            counts[ChallengeStatus.CLOSED] += int(past_deadline or 0)
        else:
            counts[status] += number
    return Figure(
        "states",
        _("Challenges by state"),
        (
            Column("state", _("State code"), in_table=False),
            Column("label", _("State")),
            Column("challenges", _("Challenges"), True),
        ),
        [
            {
                "state": "open" if status == ChallengeStatus.PUBLISHED else status.value,
                "label": status_label(status),
                "challenges": number,
            }
            for status, number in counts.items()
        ],
        note=_("A published challenge past its deadline counts as closed."),
    )


def by_sector(scope: Scope, now: datetime) -> Figure:
    """Challenges, open ones and the budget on offer by sector, the busiest first; one grouped statement."""
    count = func.count()
    rows = db.session.execute(
        select(Challenge.sector, count, _count_of(is_open(now)), func.sum(_offered(now)))
        .where(public_challenges(scope))
        .group_by(Challenge.sector)
    )
    items = [
        {
            "sector": sector,
            "label": sector_label(sector) or sector,
            "challenges": number,
            "open": int(open_number or 0),
            "budget_on_offer": int(budget or 0),
        }
        for sector, number, open_number, budget in rows
    ]
    items.sort(key=lambda item: (-item["challenges"], item["label"]))
    return Figure(
        "sectors",
        _("Challenges by sector"),
        (
            Column("sector", _("Sector code"), in_table=False),
            Column("label", _("Sector")),
            Column("challenges", _("Challenges"), True),
            Column("open", _("Open"), True),
            Column("budget_on_offer", _("On offer (Rp)"), True),
        ),
        items,
    )


def _metro_provinces() -> dict[str, set[str]]:
    return {metro.code: {code.split(".", 1)[0] for code in metro.member_codes} for metro in regions.metros()}


def by_province(scope: Scope, now: datetime) -> Figure:
    """Challenges by province, with the Kemendagri code; one statement grouped by province and area.

    As the challenge list's province filter: a challenge counts in its province and in each province of its
    metropolitan area's members (so a challenge may count in two provinces)."""
    metro_provinces = _metro_provinces()
    counts: dict[str, list[int]] = {}
    rows = db.session.execute(
        select(Challenge.province_code, Challenge.metro_code, func.count(), _count_of(is_open(now)))
        .where(public_challenges(scope))
        .group_by(Challenge.province_code, Challenge.metro_code)
    )
    for province_code, metro_code, number, open_number in rows:
        codes = {province_code} if province_code else set()
        codes |= metro_provinces.get(metro_code or "", set())
        for code in codes or {""}:
            figures = counts.setdefault(code, [0, 0])
            figures[0] += number
            figures[1] += int(open_number or 0)
    items = []
    for code, (number, open_number) in counts.items():
        province = regions.province(code) if code else None
        label = province.name if province else _("No province given")
        items.append({"province_code": code, "label": label, "challenges": number, "open": open_number})
    items.sort(key=lambda item: (-item["challenges"], item["province_code"] == "", item["province_code"]))
    return Figure(
        "provinces",
        _("Challenges by province"),
        (
            Column("province_code", _("Code (Kemendagri)")),
            Column("label", _("Province")),
            Column("challenges", _("Challenges"), True),
            Column("open", _("Open"), True),
        ),
        items,
        note=_("A challenge of a metropolitan area counts in each province of its members."),
    )


def by_metro(now: datetime) -> Figure:
    """Challenges by metropolitan area, the areas with challenges only (the area pages' own counts)."""
    counts = counts_by_area(now)
    items = [
        {
            "metro_code": metro.code,
            "label": metro.name,
            "challenges": counts[metro.code].challenges,
            "open": counts[metro.code].open,
            "governments": counts[metro.code].governments,
        }
        for metro in regions.metros()
        if counts[metro.code].challenges
    ]
    items.sort(key=lambda item: (-item["challenges"], item["label"]))
    return Figure(
        "metros",
        _("Challenges by metropolitan area"),
        (
            Column("metro_code", _("Area code")),
            Column("label", _("Metropolitan area")),
            Column("challenges", _("Challenges"), True),
            Column("open", _("Open"), True),
            Column("governments", _("Governments on the platform"), True),
        ),
        items,
        note=_("A challenge counts in an area when it is posted for the area or for one of its members."),
    )


@dataclass(slots=True)
class ProposalFigures:
    """Submitted proposals per challenge among the challenges whose proposals are no longer sealed."""

    challenges: int
    proposals: int
    median: float | None
    figure: Figure

    @property
    def average(self) -> float | None:
        return self.proposals / self.challenges if self.challenges else None


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(num)d or more", num=low)
    if low == high:
        return str(low)
    return f"{low}–{high}"


def proposals_per_challenge(scope: Scope, now: datetime) -> ProposalFigures:
    """One statement: the challenges counted by their number of submitted proposals (a few rows)."""
    per_challenge = (
        select(Challenge.id, func.count(Proposal.id).label("proposals"))
        .select_from(Challenge)
        .outerjoin(Proposal, and_(Proposal.challenge_id == Challenge.id, Proposal.status == ProposalStatus.SUBMITTED))
        .where(public_challenges(scope), sealing_lifted(now))
        .group_by(Challenge.id)
        .subquery()
    )
    rows = db.session.execute(select(per_challenge.c.proposals, func.count()).group_by(per_challenge.c.proposals)).all()
    numbers = sorted((int(proposals), int(challenges)) for proposals, challenges in rows)
    buckets = [{"bucket": _bucket_label(low, high), "challenges": 0} for low, high in PROPOSAL_BUCKETS]
    for proposals, challenges in numbers:
        for index, (low, high) in enumerate(PROPOSAL_BUCKETS):
            if proposals >= low and (high is None or proposals <= high):
                buckets[index]["challenges"] += challenges
    total = sum(challenges for _proposals, challenges in numbers)
    figure = Figure(
        "proposals",
        _("Proposals per challenge"),
        (Column("bucket", _("Proposals submitted")), Column("challenges", _("Challenges"), True)),
        buckets,
        label_field="bucket",
        note=_("Counted only in challenges whose proposals are no longer sealed."),
    )
    return ProposalFigures(
        challenges=total,
        proposals=sum(proposals * challenges for proposals, challenges in numbers),
        median=_weighted_median(numbers),
        figure=figure,
    )


def _weighted_median(values: list[tuple[int, int]]) -> float | None:
    """The median of values given as sorted (value, how many times) pairs."""
    total = sum(times for _value, times in values)
    if not total:
        return None
    expanded_at = []
    for middle in ((total - 1) // 2, total // 2):
        seen = 0
        for value, times in values:
            seen += times
            if middle < seen:
                expanded_at.append(value)
                break
    return sum(expanded_at) / 2


@dataclass(slots=True)
class SolverFigures:
    """Submitted proposals by the kind of their lead, and those of a consortium."""

    proposals: int
    consortia: int
    figure: Figure

    @property
    def consortium_share(self) -> float | None:
        return self.consortia / self.proposals if self.proposals else None


def _consortium_proposals():
    """Ids of the submitted proposals whose team holds more than one organization (the proposal's own and its
    accepted members')."""
    team_organizations = union_all(
        select(Proposal.id.label("proposal_id"), Proposal.organization_id.label("organization_id")).where(
            Proposal.status == ProposalStatus.SUBMITTED, Proposal.organization_id.is_not(None)
        ),
        select(TeamMember.proposal_id, TeamMember.organization_id)
        .join(Proposal, Proposal.id == TeamMember.proposal_id)
        .where(
            Proposal.status == ProposalStatus.SUBMITTED,
            TeamMember.status == TeamMemberStatus.ACCEPTED,
            TeamMember.organization_id.is_not(None),
        ),
    ).subquery()
    return (
        select(team_organizations.c.proposal_id)
        .group_by(team_organizations.c.proposal_id)
        .having(func.count(distinct(team_organizations.c.organization_id)) > 1)
    )


def solver_mix(scope: Scope, now: datetime) -> SolverFigures:
    """One statement grouped by the kind of the lead's organization (none: an individual citizen)."""
    kind = type_coerce(Organization.kind, String)
    rows = db.session.execute(
        select(kind, func.count(), _count_of(Proposal.id.in_(_consortium_proposals())))
        .select_from(Proposal)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .outerjoin(Organization, Organization.id == Proposal.organization_id)
        .where(Proposal.status == ProposalStatus.SUBMITTED, public_challenges(scope), sealing_lifted(now))
        .group_by(Organization.kind)
    )
    counts: dict[str, list[int]] = {kind.value: [0, 0] for kind in SolverKind}
    for kind_value, number, consortia in rows:
        figures = counts.setdefault(kind_value or SolverKind.CITIZEN.value, [0, 0])
        figures[0] += number
        figures[1] += int(consortia or 0)
    items = [
        {"kind": value, "label": _kind_label(value), "proposals": number, "consortia": consortia}
        for value, (number, consortia) in counts.items()
    ]
    figure = Figure(
        "solvers",
        _("Solver mix"),
        (
            Column("kind", _("Kind code"), in_table=False),
            Column("label", _("Lead of the proposal")),
            Column("proposals", _("Proposals"), True),
            Column("consortia", _("Of them by a consortium"), True),
        ),
        items,
        series=("proposals",),
        note=_("Submitted proposals by their lead organization's kind; a proposal without one is a citizen's."),
    )
    return SolverFigures(sum(row["proposals"] for row in items), sum(row["consortia"] for row in items), figure)


def _kind_label(value: str) -> str:
    for labels in (SOLVER_KIND_LABELS, KIND_LABELS):
        for kind, label in labels.items():
            if kind.value == value:
                return str(label)
    return value


@dataclass(frozen=True, slots=True)
class DecisionFigures:
    """Days from publication to published results: the median and how many challenges it is taken over."""

    challenges: int
    median_days: float | None


def decision_time(scope: Scope) -> DecisionFigures:
    """One statement: the publication and results dates of the challenges with published results (one row each)."""
    rows = db.session.execute(
        select(Challenge.published_at, ChallengeResult.published_at)
        .join(ChallengeResult, ChallengeResult.challenge_id == Challenge.id)
        .where(public_challenges(scope), Challenge.published_at.is_not(None))
    ).all()
    days = [(decided - published).total_seconds() / 86400 for published, decided in rows]
    return DecisionFigures(len(days), stats.median(days) if days else None)


def _months(now: datetime) -> list[str]:
    """The last MONTHS_SHOWN months, 'YYYY-MM', oldest first, this month last."""
    local = now.astimezone(MONTH_ZONE)
    index = local.year * 12 + local.month - 1
    return [f"{number // 12:04d}-{number % 12 + 1:02d}" for number in range(index - MONTHS_SHOWN + 1, index + 1)]


def _first_day(month: str) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime.combine(datetime(year, number, 1).date(), time.min, tzinfo=MONTH_ZONE).astimezone(UTC)


def monthly(scope: Scope, now: datetime) -> Figure:
    """Challenges published and proposals submitted per month, the last 12 months; two statements grouped by month."""
    months = _months(now)
    since = _first_day(months[0])
    published_month = month_of(Challenge.published_at)
    published = dict(
        db.session.execute(
            select(published_month, func.count())
            .where(public_challenges(scope), Challenge.published_at >= since)
            .group_by(published_month)
        ).all()
    )
    submitted_month = month_of(Proposal.submitted_at)
    submitted = dict(
        db.session.execute(
            select(submitted_month, func.count())
            .join(Challenge, Challenge.id == Proposal.challenge_id)
            .where(
                Proposal.status == ProposalStatus.SUBMITTED,
                Proposal.submitted_at >= since,
                public_challenges(scope),
                sealing_lifted(now),
            )
            .group_by(submitted_month)
        ).all()
    )
    return Figure(
        "months",
        _("Month by month"),
        (
            Column("month", _("Month")),
            Column("challenges", _("Challenges published"), True),
            Column("proposals", _("Proposals submitted"), True),
        ),
        [
            {"month": month, "challenges": published.get(month, 0), "proposals": submitted.get(month, 0)}
            for month in months
        ],
        label_field="month",
        series=("challenges", "proposals"),
        note=_("Months in western Indonesian time (WIB); proposals only of challenges no longer sealed."),
    )


# --- what the pages read -------------------------------------------------------------------------------------------


# The figures of /statistics by the names of their CSV (/statistics/<name>.csv).
FIGURE_NAMES = ("summary", "sectors", "provinces", "metros", "states", "proposals", "solvers", "months")


@dataclass(slots=True)
class PlatformFigures:
    """Every figure of /statistics."""

    summary: Summary
    proposals: ProposalFigures | None = None
    solvers: SolverFigures | None = None
    decisions: DecisionFigures | None = None
    figures: dict[str, Figure] = field(default_factory=dict)


def platform_figures(now: datetime) -> PlatformFigures:
    """The statistics page's figures: a constant number of statements (twelve) whatever the data."""
    result = PlatformFigures(summary(PLATFORM, now))
    result.proposals = proposals_per_challenge(PLATFORM, now)
    result.solvers = solver_mix(PLATFORM, now)
    result.decisions = decision_time(PLATFORM)
    for figure in (
        by_sector(PLATFORM, now),
        by_province(PLATFORM, now),
        by_metro(now),
        by_state(PLATFORM, now),
        result.proposals.figure,
        result.solvers.figure,
        monthly(PLATFORM, now),
    ):
        result.figures[figure.name] = figure
    result.figures["summary"] = summary_figure(result)
    return result


def summary_figure(result: PlatformFigures) -> Figure:
    """The single numbers as a figure of its own (its CSV; it draws no chart)."""
    proposals, solvers, decisions = result.proposals, result.solvers, result.decisions
    values = [
        ("challenges", _("Public challenges"), result.summary.challenges),
        ("open", _("Open now"), result.summary.open),
        ("budget_on_offer", _("On offer in open challenges (Rp)"), result.summary.budget_on_offer),
        ("proposals", _("Proposals submitted"), proposals.proposals if proposals else 0),
        ("average_proposals", _("Average proposals per challenge"), _rounded(proposals.average if proposals else None)),
        (
            "consortium_share",
            _("Share of proposals by a consortium (%)"),
            _rounded(solvers.consortium_share * 100 if solvers and solvers.consortium_share is not None else None),
        ),
        (
            "median_days_to_results",
            _("Median days from publication to results"),
            _rounded(decisions.median_days if decisions else None),
        ),
    ]
    return Figure(
        "summary",
        _("In numbers"),
        (
            Column("figure", _("Figure code"), in_table=False),
            Column("label", _("Figure")),
            Column("value", _("Value"), True),
        ),
        [{"figure": name, "label": label, "value": value} for name, label, value in values],
        series=(),
    )


def _rounded(value: float | None) -> float | str:
    return "" if value is None else round(value, 1)


@dataclass(slots=True)
class ScopedFigures:
    """The compact statistics of an area or an organization page."""

    summary: Summary
    proposals: ProposalFigures | None = None
    states: Figure | None = None
    sectors: Figure | None = None


def scoped_figures(scope: Scope, now: datetime, sectors: bool = True) -> ScopedFigures:
    """An area's or organization's figures: four statements, one when it has no public challenge."""
    result = ScopedFigures(summary(scope, now))
    if result.summary.challenges:
        result.proposals = proposals_per_challenge(scope, now)
        result.states = by_state(scope, now)
        result.sectors = by_sector(scope, now) if sectors else None
    return result
