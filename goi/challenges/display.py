"""How a challenge is shown: the status it displays, the time left, and the labels and formats templates use."""

from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import queries
from goi.challenges.forms import BUDGET_KIND_LABELS, OUTCOME_LABELS, SOLVER_KIND_LABELS, current_locale
from goi.challenges.lifecycle import status_label
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.core.pagination import Page, paginate
from goi.data import regions, taxonomy
from goi.orgs.models import Organization
from goi.orgs.permissions import can_manage_organization

# An organization page lists its challenges a page at a time (a province may own hundreds).
ORG_PAGE_SIZE = 20


def display_status(challenge: Challenge) -> ChallengeStatus:
    """The state to show: a published challenge past its deadline is closed, even before the clock job runs."""
    if challenge.status == ChallengeStatus.PUBLISHED and challenge.deadline_passed:
        return ChallengeStatus.CLOSED
    return challenge.status


def remaining_time(challenge: Challenge) -> dict | None:
    """Days, hours and minutes to the deadline while proposals are accepted, else None."""
    if challenge.status != ChallengeStatus.PUBLISHED or challenge.deadline_passed:
        return None
    seconds = int((challenge.closes_at - clock.now()).total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    return {"days": days, "hours": hours, "minutes": seconds // 60}


# --- template filter and globals (registered on the blueprint in goi.challenges.views) --------------------------------


def format_rupiah(amount: int | None) -> str:
    """'Rp 1.500.000.000': Indonesian digit grouping."""
    if amount is None:
        return ""
    return "Rp " + f"{amount:,}".replace(",", ".")


def challenge_status_label(challenge: Challenge) -> str:
    return status_label(display_status(challenge))


def challenge_status_key(challenge: Challenge) -> str:
    return display_status(challenge).value


def sector_label(code: str | None) -> str:
    sector = taxonomy.sector(code or "")
    return sector.label(current_locale()) if sector else ""


def dimension_label(code: str | None) -> str:
    dimension = taxonomy.dimension(code or "")
    return dimension.label(current_locale()) if dimension else ""


def sdg_label(number: int) -> str:
    goal = taxonomy.sdg(number)
    return f"{number}. {goal.label(current_locale())}" if goal else str(number)


def challenge_region(challenge: Challenge) -> str:
    """'Kota Denpasar, Bali' or the metropolitan area's name, or both."""
    parts = []
    place = regions.regency(challenge.regency_code) if challenge.regency_code else None
    province = regions.province(challenge.province_code) if challenge.province_code else None
    parts.extend(part.name for part in (place, province) if part is not None)
    metro = regions.metro(challenge.metro_code) if challenge.metro_code else None
    if metro is not None:
        parts.append(_("Metropolitan area %(name)s", name=metro.name))
    return ", ".join(parts)


def zone_abbreviation(zone_name: str) -> str:
    return regions.zone_abbreviation(zone_name)


def organization_challenges(organization: Organization) -> Page:
    """A page (?page=) of an organization's challenges as the current user may see them: drafts only for its
    managers."""
    include_drafts = can_manage_organization(current_user, organization)
    return paginate(
        queries.organization_challenges_query(organization, include_drafts), per_page=ORG_PAGE_SIZE, key=Challenge.id
    )


def challenge_status_name(status: ChallengeStatus) -> str:
    return status_label(status)


TEMPLATE_GLOBALS = (
    challenge_status_label,
    challenge_status_key,
    sector_label,
    dimension_label,
    sdg_label,
    challenge_region,
    zone_abbreviation,
    organization_challenges,
    challenge_status_name,
)


def register_labels(state) -> None:
    # Globals rather than a context processor, so that imported macros see them too.
    state.app.jinja_env.globals.update(
        solver_kind_labels=SOLVER_KIND_LABELS,
        budget_kind_labels=BUDGET_KIND_LABELS,
        outcome_labels=OUTCOME_LABELS,
        ChallengeStatus=ChallengeStatus,
    )
