"""Drafting a challenge: its rubric, its values (sector, region, budget, timeline…), co-owners, creation and edits."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeCoOwner, ChallengeStatus, Criterion, SolverKind
from goi.core import audit, clock, slugs
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind

DEFAULT_CRITERIA = (
    (_l("Relevance"), _l("How well the proposal answers the problem statement."), 30),
    (_l("Feasibility"), _l("Whether the team, plan and technology can deliver in time."), 25),
    (_l("Impact"), _l("The expected benefit for residents and the city."), 25),
    (_l("Cost"), _l("Value for money of the budget estimate."), 20),
)
MIN_CRITERIA, MAX_CRITERIA = 2, 10
SCORE_SCALES = (5, 10)


def default_criteria() -> list[dict]:
    """The starting rubric of a new challenge, names in the current language."""
    return [
        {"name": str(name), "description": str(description), "weight": weight}
        for name, description, weight in DEFAULT_CRITERIA
    ]


def unique_slug(title: str) -> str:
    return slugs.unique_slug(Challenge.slug, title, fallback="tantangan", limit=70)


def validate_criteria(criteria: list[dict]) -> None:
    """2 to 10 criteria, each named, with positive weights that total 100."""
    if not MIN_CRITERIA <= len(criteria) <= MAX_CRITERIA:
        raise DomainError(
            _("Give between %(low)d and %(high)d criteria.", low=MIN_CRITERIA, high=MAX_CRITERIA), field="criteria"
        )
    names = [criterion["name"].strip().lower() for criterion in criteria]
    if any(not name for name in names):
        raise DomainError(_("Every criterion needs a name."), field="criteria")
    if len(set(names)) != len(names):
        raise DomainError(_("Two criteria have the same name."), field="criteria")
    if any(int(criterion["weight"]) <= 0 for criterion in criteria):
        raise DomainError(_("Every weight must be above zero."), field="criteria")
    total = sum(int(criterion["weight"]) for criterion in criteria)
    if total != 100:
        raise DomainError(_("The weights total %(total)d; they must total 100.", total=total), field="criteria")


def replace_criteria(challenge: Challenge, criteria: list[dict]) -> None:
    validate_criteria(criteria)
    challenge.criteria.clear()
    db.session.flush()
    for position, criterion in enumerate(criteria, start=1):
        challenge.criteria.append(
            Criterion(
                position=position,
                name=criterion["name"].strip(),
                description=criterion.get("description", "").strip(),
                weight=int(criterion["weight"]),
            )
        )


def region_timezone(province_code: str | None, regency_code: str | None, metro_code: str | None) -> str:
    """The zone deadlines are shown in: the region's, or the metropolitan core's."""
    if metro_code and not province_code:
        metro = regions.metro(metro_code)
        if metro is not None:
            return regions.timezone_for(regency_code=metro.core_code)
    return regions.timezone_for(province_code=province_code, regency_code=regency_code)


def _validate_region(values: dict) -> None:
    province_code, regency_code, metro_code = (
        values.get("province_code"),
        values.get("regency_code"),
        values.get("metro_code"),
    )
    if not province_code and not metro_code:
        raise DomainError(_("Choose a province (and regency or city) or a metropolitan area."), field="province_code")
    if province_code and regions.province(province_code) is None:
        raise DomainError(_("Unknown province."), field="province_code")
    if regency_code:
        place = regions.regency(regency_code)
        if place is None or place.province_code != province_code:
            raise DomainError(_("Choose a regency or city in the chosen province."), field="regency_code")
    if metro_code and regions.metro(metro_code) is None:
        raise DomainError(_("Unknown metropolitan area."), field="metro_code")


def validate_timeline(values: dict) -> None:
    """The deadline after the opening, the review after the deadline, the decision after the review."""
    opens_at, closes_at = values["opens_at"], values["closes_at"]
    if closes_at <= opens_at:
        raise DomainError(_("The deadline must come after the opening."), field="closes_at")
    review_until, decision_at = values.get("review_until"), values.get("decision_at")
    if review_until and review_until < closes_at:
        raise DomainError(_("The review ends after the deadline."), field="review_until")
    if decision_at and decision_at < (review_until or closes_at):
        raise DomainError(_("The decision comes after the review."), field="decision_at")


def _validate_values(values: dict) -> None:
    if taxonomy.sector(values["sector"]) is None:
        raise DomainError(_("Unknown sector."), field="sector")
    if values.get("dimension") and taxonomy.dimension(values["dimension"]) is None:
        raise DomainError(_("Unknown smart-city dimension."), field="dimension")
    if any(taxonomy.sdg(number) is None for number in values.get("sdgs", [])):
        raise DomainError(_("Unknown SDG."), field="sdgs")
    _validate_region(values)
    low, high = values.get("budget_min"), values.get("budget_max")
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise DomainError(_("Amounts cannot be negative."), field="budget_min")
    if low is not None and high is not None and low > high:
        raise DomainError(_("The lowest amount is above the highest."), field="budget_min")
    if values.get("prize_amount") is not None and values["prize_amount"] < 0:
        raise DomainError(_("Amounts cannot be negative."), field="prize_amount")
    if values.get("trl") is not None and not 1 <= values["trl"] <= 9:
        raise DomainError(_("The TRL is between 1 and 9."), field="trl")
    if not values.get("eligible_kinds"):
        raise DomainError(_("Choose at least one kind of solver who may apply."), field="eligible_kinds")
    if values.get("score_scale", 5) not in SCORE_SCALES:
        raise DomainError(_("The score scale is 1–5 or 1–10."), field="score_scale")
    validate_timeline(values)


def _apply_values(challenge: Challenge, values: dict) -> None:
    challenge.title = values["title"].strip()
    challenge.summary = values["summary"].strip()
    for part in ("problem", "context", "outcomes"):
        source = values.get(part, "") or ""
        setattr(challenge, f"{part}_source", source)
        setattr(challenge, f"{part}_html", render_markdown(source))
    challenge.sector = values["sector"]
    challenge.dimension = values.get("dimension") or None
    challenge.sdg_numbers = ",".join(str(number) for number in sorted(set(values.get("sdgs", []))))
    challenge.province_code = values.get("province_code") or None
    challenge.regency_code = values.get("regency_code") or None
    challenge.metro_code = values.get("metro_code") or None
    challenge.timezone = region_timezone(challenge.province_code, challenge.regency_code, challenge.metro_code)
    challenge.budget_kind = values.get("budget_kind") or challenge.budget_kind
    challenge.budget_min = values.get("budget_min")
    challenge.budget_max = values.get("budget_max")
    challenge.prize_amount = values.get("prize_amount")
    challenge.prize_description = (values.get("prize_description") or "").strip() or None
    challenge.trl = values.get("trl")
    kinds = set(values["eligible_kinds"])
    for kind in SolverKind:
        setattr(challenge, f"allow_{kind.value}", kind in kinds)
    challenge.consortium_required = bool(values.get("consortium_required"))
    challenge.opens_at = values["opens_at"]
    challenge.closes_at = values["closes_at"]
    challenge.review_until = values.get("review_until")
    challenge.decision_at = values.get("decision_at")
    challenge.score_scale = values.get("score_scale", 5)
    challenge.is_sealed = bool(values.get("is_sealed", True))


def _check_co_owners(owner: Organization, co_owner_ids: list[int]) -> list[Organization]:
    if not co_owner_ids:
        return []
    organizations = list(db.session.scalars(select(Organization).where(Organization.id.in_(co_owner_ids))))
    if len(organizations) != len(set(co_owner_ids)) or any(org.id == owner.id for org in organizations):
        raise DomainError(_("Choose other organizations as co-owners."), field="co_owner_ids")
    if any(org.kind != OrgKind.GOVERNMENT or not org.is_verified for org in organizations):
        raise DomainError(_("Co-owners must be verified government organizations."), field="co_owner_ids")
    return organizations


def _set_co_owners(challenge: Challenge, organizations: list[Organization]) -> None:
    challenge.co_owners.clear()
    for organization in organizations:
        challenge.co_owners.append(ChallengeCoOwner(organization=organization))


def create_challenge(actor: User, owner: Organization, values: dict) -> Challenge:
    """A new draft challenge of a verified government organization."""
    if owner.kind != OrgKind.GOVERNMENT or not owner.is_verified:
        raise DomainError(_("Only verified government organizations publish challenges."))
    _validate_values(values)
    co_owners = _check_co_owners(owner, values.get("co_owner_ids", []))
    challenge = Challenge(
        slug=unique_slug(values["title"]),
        owner_org=owner,
        created_by_id=actor.id,
        status=ChallengeStatus.DRAFT,
        created_at=clock.now(),
        ref=values.get("ref"),
    )
    _apply_values(challenge, values)
    _set_co_owners(challenge, co_owners)
    db.session.add(challenge)
    replace_criteria(challenge, values.get("criteria") or default_criteria())
    db.session.flush()
    audit.record("challenge.created", actor_id=actor.id, object_type="challenge", object_id=challenge.id)
    return challenge


def update_draft(actor: User, challenge: Challenge, values: dict) -> None:
    """Edit a draft freely; after publication changes go through addenda."""
    if challenge.status != ChallengeStatus.DRAFT:
        raise DomainError(_("A published challenge changes only through an addendum."))
    _validate_values(values)
    co_owners = _check_co_owners(challenge.owner_org, values.get("co_owner_ids", []))
    _apply_values(challenge, values)
    _set_co_owners(challenge, co_owners)
    if values.get("criteria"):
        replace_criteria(challenge, values["criteria"])
    audit.record("challenge.updated", actor_id=actor.id, object_type="challenge", object_id=challenge.id)
