"""How a challenge is shown: the status it displays, the time left, and the labels and formats templates use."""

from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import quote, urlencode

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from goi.challenges import queries
from goi.challenges.forms import BUDGET_KIND_LABELS, OUTCOME_LABELS, SOLVER_KIND_LABELS, current_locale
from goi.challenges.lifecycle import status_label
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.core.links import absolute_path, absolute_url
from goi.core.money import group_thousands
from goi.core.pagination import Page
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


def page_state(challenge: Challenge) -> ChallengeStatus:
    """The state whose facts a challenge page tells: the displayed state, except that an archived challenge still
    tells how it ended (cancelled, with its reason, or decided, with its outcome)."""
    status = display_status(challenge)
    if status == ChallengeStatus.ARCHIVED:
        if challenge.cancel_reason:
            return ChallengeStatus.CANCELLED
        if challenge.outcome is not None:
            return ChallengeStatus.DECIDED
    return status


def remaining_time(challenge: Challenge) -> dict | None:
    """Days, hours and minutes to the deadline while proposals are accepted, else None."""
    if not challenge.is_accepting_proposals:
        return None
    seconds = int((challenge.closes_at - clock.now()).total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    return {"days": days, "hours": hours, "minutes": seconds // 60}


def time_left(challenge: Challenge) -> str:
    """'12 days left', '5 hours left' or '40 minutes left' while proposals are accepted, else ''."""
    remaining = remaining_time(challenge)
    if remaining is None:
        return ""
    if remaining["days"]:
        return ngettext("%(num)d day left", "%(num)d days left", remaining["days"])
    if remaining["hours"]:
        return ngettext("%(num)d hour left", "%(num)d hours left", remaining["hours"])
    return ngettext("%(num)d minute left", "%(num)d minutes left", remaining["minutes"])


@dataclass(slots=True, frozen=True)
class TimelineStep:
    """A step of a challenge's timeline as its page shows it: done, upcoming, or cancelled (then with no date)."""

    name: str
    label: str
    at: datetime | None
    state: str


def timeline_steps(challenge: Challenge) -> list[TimelineStep]:
    """The planned dates that are true in the challenge's state: a cancelled challenge marks the steps it never
    reached as cancelled, and a decided one drops a review end or decision date it did not wait for."""
    state = page_state(challenge)
    now = clock.now()
    planned = (
        ("opens", _("Opens"), challenge.opens_at),
        ("deadline", _("Deadline"), challenge.closes_at),
        ("review", _("Review until"), challenge.review_until),
        ("decision", _("Decision"), challenge.decision_at),
    )
    # What a cancelled challenge reached: its opening once published, its deadline once closed; never a decision.
    reached = {
        "opens": challenge.published_at is not None,
        "deadline": challenge.closed_at is not None,
        "review": False,
        "decision": False,
    }
    steps = []
    for name, label, at in planned:
        if at is None:
            continue
        if state == ChallengeStatus.CANCELLED and not (reached[name] and at <= now):
            steps.append(TimelineStep(name, label, None, "cancelled"))
        elif state == ChallengeStatus.DECIDED and name in ("review", "decision") and at > now:
            continue
        else:
            steps.append(TimelineStep(name, label, at, "done" if at <= now else "upcoming"))
    return steps


@dataclass(slots=True, frozen=True)
class TimelinePhase:
    """A phase of a challenge as its page draws it: the call for proposals, the review, the decision, or the
    cancellation; done, stopped (by a cancellation), current or upcoming, with the dated steps it spans."""

    name: str
    label: str
    progress: str
    steps: tuple[TimelineStep, ...]
    starts_at: datetime | None = None


# The phase each state is in; a draft is in none yet and a plain archived challenge is past them all.
CURRENT_PHASES = {
    ChallengeStatus.PUBLISHED: "open",
    ChallengeStatus.CLOSED: "review",
    ChallengeStatus.UNDER_REVIEW: "review",
    ChallengeStatus.DECIDED: "decision",
    ChallengeStatus.CANCELLED: "cancelled",
}


def timeline_phases(challenge: Challenge) -> list[TimelinePhase]:
    """The timeline as phases (the steps of timeline_steps grouped): the call for proposals (opening to deadline),
    the review (deadline to its end) and the decision, those before the current one done, those after it upcoming.
    A cancelled challenge shows the phases it reached (the one it was cancelled in as stopped), then its
    cancellation as the current phase, naming the phases that never happened."""
    state = page_state(challenge)
    steps = {step.name: step for step in timeline_steps(challenge)}
    planned = (
        ("open", _("Call for proposals"), ("opens", "deadline"), None),
        ("review", _("Review"), ("review",), challenge.closes_at),
        ("decision", _("Decision"), ("decision",), None),
    )
    phases = []
    not_held: list[TimelineStep] = []
    for name, label, step_names, starts_at in planned:
        own = tuple(steps[step] for step in step_names if step in steps)
        if state == ChallengeStatus.CANCELLED and not _reached(name, own, challenge):
            # Named by the phase, undated: what was planned and never happened.
            not_held.append(TimelineStep(own[0].name if own else name, label, None, "cancelled"))
            continue
        phases.append(TimelinePhase(name, label, "upcoming", own, starts_at))
    if state == ChallengeStatus.CANCELLED:
        phases.append(TimelinePhase("cancelled", _("Cancelled"), "upcoming", tuple(not_held)))
    current = CURRENT_PHASES.get(state)
    names = [phase.name for phase in phases]
    past_all = len(phases) if state == ChallengeStatus.ARCHIVED else -1
    position = names.index(current) if current in names else past_all
    return [replace(phase, progress=_progress(phase, index, position)) for index, phase in enumerate(phases)]


def _progress(phase: TimelinePhase, index: int, position: int) -> str:
    if index == position:
        return "current"
    if index > position:
        return "upcoming"
    # A phase a cancellation cut short (its deadline or end of review never came) is not told as done.
    return "stopped" if any(step.state == "cancelled" for step in phase.steps) else "done"


def _reached(phase: str, steps: tuple[TimelineStep, ...], challenge: Challenge) -> bool:
    """Whether a cancelled challenge got to a phase: the call once published, the review once the call closed."""
    if phase == "open":
        return any(step.state != "cancelled" for step in steps)
    if phase == "review":
        return challenge.closed_at is not None
    return False


@dataclass(slots=True, frozen=True)
class ShareLinks:
    """The absolute address of a challenge page and the links that share it (WhatsApp, email), with its cover's."""

    url: str
    whatsapp: str
    email: str
    image: str


def share_links(challenge: Challenge) -> ShareLinks:
    url = absolute_url("challenges.show", slug=challenge.slug)
    message = {"subject": challenge.title, "body": f"{challenge.summary}\n\n{url}"}
    return ShareLinks(
        url=url,
        whatsapp="https://wa.me/?" + urlencode({"text": f"{challenge.title}\n{url}"}, quote_via=quote),
        email="mailto:?" + urlencode(message, quote_via=quote),
        image=absolute_path(cover_path(challenge)) if challenge.cover_stored_name else "",
    )


def cover_path(challenge: Challenge) -> str:
    """The address of a challenge's cover, which changes with the image (shared links' previews keep theirs)."""
    return url_for("challenges.cover", slug=challenge.slug, v=challenge.cover_stored_name[:8])


# --- template filter and globals (registered on the blueprint in goi.challenges.views) --------------------------------


def format_rupiah(amount: int | None) -> str:
    """'Rp 1.500.000.000': Indonesian digit grouping."""
    if amount is None:
        return ""
    return "Rp " + group_thousands(amount)


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
    return region_name(challenge.province_code, challenge.regency_code, challenge.metro_code)


def region_name(province_code: str | None, regency_code: str | None, metro_code: str | None) -> str:
    parts = [regions.place_name(province_code, regency_code)]
    metro = regions.metro(metro_code) if metro_code else None
    if metro is not None:
        parts.append(_("Metropolitan area %(name)s", name=metro.name))
    return ", ".join(part for part in parts if part)


def zone_abbreviation(zone_name: str) -> str:
    return regions.zone_abbreviation(zone_name)


def organization_challenges(organization: Organization) -> Page:
    """A page (?page=) of an organization's challenges as the current user may see them: drafts only for its
    managers."""
    include_drafts = can_manage_organization(current_user, organization)
    return queries.organization_challenges_page(organization, include_drafts, per_page=ORG_PAGE_SIZE)


def challenge_status_name(status: ChallengeStatus) -> str:
    return status_label(status)


# The badge colour of each displayed state.
STATUS_STYLES = {
    ChallengeStatus.DRAFT: "warning",
    ChallengeStatus.PUBLISHED: "success",
    ChallengeStatus.CLOSED: "secondary",
    ChallengeStatus.UNDER_REVIEW: "info",
    ChallengeStatus.DECIDED: "primary",
    ChallengeStatus.ARCHIVED: "light",
    ChallengeStatus.CANCELLED: "danger",
}


def status_style(status: str) -> str:
    return STATUS_STYLES[ChallengeStatus(status)]


def budget_kind_label(kind) -> str:
    return str(BUDGET_KIND_LABELS[kind])


def budget_text(challenge: Challenge) -> str:
    """'Rp 100.000.000 – Rp 500.000.000', 'up to …', 'from …' or '' when the challenge names no amount."""
    low, high = challenge.budget_min, challenge.budget_max
    if low is not None and high is not None and low != high:
        return f"{format_rupiah(low)} – {format_rupiah(high)}"
    if high is not None:
        return format_rupiah(high) if low is not None else _("up to %(amount)s", amount=format_rupiah(high))
    if low is not None:
        return _("from %(amount)s", amount=format_rupiah(low))
    return ""


@dataclass(slots=True, frozen=True)
class Card:
    """What a row of a challenge list shows, as text, built in Python: the same work done by template expressions
    (a dozen calls and lookups a row) was most of a list page's time."""

    challenge: Challenge
    url: str
    status: str
    status_name: str
    status_style: str
    organization_name: str
    organization_url: str
    region: str
    sector: str
    budget_kind: str
    budget: str
    deadline: str


def challenge_cards(challenges) -> list[Card]:
    """The cards of a list: each label (state, place, sector, budget kind) is looked up once per list, not per row."""
    labels: dict = {}

    def once(function, *arguments):
        key = (function, *arguments)
        if key not in labels:
            labels[key] = function(*arguments)
        return labels[key]

    cards = []
    for challenge in challenges:
        status = display_status(challenge)
        owner = challenge.owner_org
        budget = budget_text(challenge)
        cards.append(
            Card(
                challenge=challenge,
                url=url_for("challenges.show", slug=challenge.slug),
                status=status.value,
                status_name=once(status_label, status),
                status_style=STATUS_STYLES[status],
                organization_name=owner.name,
                organization_url=url_for("orgs.show", slug=owner.slug),
                region=once(region_name, challenge.province_code, challenge.regency_code, challenge.metro_code),
                sector=once(sector_label, challenge.sector),
                budget_kind=once(budget_kind_label, challenge.budget_kind) if budget else "",
                budget=budget,
                deadline=clock.format_in_zone(challenge.closes_at, challenge.timezone),
            )
        )
    return cards


TEMPLATE_GLOBALS = (
    page_state,
    timeline_steps,
    timeline_phases,
    share_links,
    cover_path,
    challenge_status_label,
    challenge_status_key,
    sector_label,
    dimension_label,
    sdg_label,
    challenge_region,
    zone_abbreviation,
    organization_challenges,
    challenge_status_name,
    status_style,
    challenge_cards,
    budget_text,
    time_left,
)


def register_labels(state) -> None:
    # Globals rather than a context processor, so that imported macros see them too.
    state.app.jinja_env.globals.update(
        solver_kind_labels=SOLVER_KIND_LABELS,
        budget_kind_labels=BUDGET_KIND_LABELS,
        outcome_labels=OUTCOME_LABELS,
        ChallengeStatus=ChallengeStatus,
    )
