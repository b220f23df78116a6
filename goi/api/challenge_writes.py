"""Challenges written with an API token: the bodies of create, update and addendum, and how a token's request
reaches the services the site uses (goi.challenges.services, lifecycle, addenda), so that every rule of the site holds.

The token acts for its organization; the person who made it is the actor of the services and of the audit log (which
names the token, goi.core.audit), and must still administer the organization at every write. A service's refusal
that names a field is a 422 naming it; one that names none is a rule of the challenge's state or deadline, a 409.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from sqlalchemy import select

from goi.accounts.models import User
from goi.api.operations import ApiError
from goi.api.schemas import BodySchema, code, hinted, markdown, text
from goi.challenges.models import BudgetKind, Challenge, SolverKind
from goi.challenges.permissions import (
    can_create_challenge,
    can_manage_challenge,
    challenge_by_slug,
    owner_organization_ids,
)
from goi.challenges.services import MAX_CRITERIA, SCORE_SCALES
from goi.core.errors import DomainError
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs.models import Organization

TIMELINE = ("opens_at", "closes_at", "review_until", "decision_at")
MAX_AMOUNT = 10**15
# The services' names of fields the API calls otherwise.
API_FIELD_NAMES = {"co_owner_ids": "co_owners"}

# --- schemas ----------------------------------------------------------------------------------------------------------


def _moment(description: str, **options) -> fields.AwareDateTime:
    return hinted(
        fields.AwareDateTime(format="iso", metadata={"description": description}, **options),
        _l("A date and time in ISO 8601 with its offset, such as 2026-03-01T09:00:00+07:00."),
    )


def _one_of(description: str, example: str, choices: list, hint, **options) -> fields.String:
    """A code of a closed list."""
    return hinted(code(description, example, validate=validate.OneOf(choices), **options), hint)


def _rupiah(description: str) -> fields.Integer:
    return hinted(
        fields.Integer(
            allow_none=True, validate=validate.Range(min=0, max=MAX_AMOUNT), metadata={"description": description}
        ),
        _l("A whole number of rupiah."),
    )


def _title(**options) -> fields.String:
    return hinted(
        text("The title.", validate=validate.Length(min=1, max=200), **options), _l("From 1 to 200 characters.")
    )


def _summary(**options) -> fields.String:
    return hinted(
        text("One or two sentences, shown in lists.", validate=validate.Length(min=1, max=300), **options),
        _l("From 1 to 300 characters."),
    )


def _sector(**options) -> fields.String:
    return _one_of(
        "A sector code (see /data/challenges.schema for the list).",
        "transportation",
        [sector.code for sector in taxonomy.sectors()],
        _l("A sector code."),
        **options,
    )


def _rules_text(description: str) -> fields.String:
    return hinted(
        markdown(description, validate=validate.Length(max=20000)), _l("Markdown of at most 20,000 characters.")
    )


def _criteria(**options) -> fields.List:
    return hinted(
        fields.List(
            fields.Nested(CriterionInputSchema),
            validate=validate.Length(max=MAX_CRITERIA),
            metadata={"description": "The rubric: 2 to 10 criteria whose weights add up to 100."},
            **options,
        ),
        _l("A list of up to 10 criteria, each with a name (up to 120 characters) and a weight from 1 to 100."),
    )


class CriterionInputSchema(BodySchema):
    name = text("The criterion.", required=True, validate=validate.Length(min=1, max=120))
    description = text("What reviewers look for.", load_default="", validate=validate.Length(max=1000))
    weight = fields.Integer(
        required=True, validate=validate.Range(min=1, max=100), metadata={"description": "Percent."}
    )


class ChallengeChangesSchema(BodySchema):
    """A draft's fields, each optional: what is sent changes, what is not stays."""

    title = _title()
    summary = _summary()
    problem = _rules_text("The problem statement.")
    context = _rules_text("The context.")
    outcomes = _rules_text("The expected outcomes.")
    sector = _sector()
    dimension = _one_of(
        "A smart-city dimension code.",
        "mobility",
        [dimension.code for dimension in taxonomy.dimensions()],
        _l("A smart-city dimension code."),
        allow_none=True,
    )
    sdgs = hinted(
        fields.List(
            fields.Integer(validate=validate.OneOf([sdg.number for sdg in taxonomy.sdgs()])),
            metadata={"description": "UN Sustainable Development Goal numbers."},
        ),
        _l("A list of numbers from 1 to 17."),
    )
    province_code = _one_of(
        "A province's two-digit Kemendagri code (or none, with a metropolitan area).",
        "16",
        [province.code for province in regions.provinces()],
        _l("A province's two-digit Kemendagri code."),
        allow_none=True,
    )
    regency_code = hinted(
        code("A regency's or city's Kemendagri code in the province.", "16.71", allow_none=True),
        _l("A regency's or city's Kemendagri code."),
    )
    metro_code = _one_of(
        "A metropolitan area's code, for a joint challenge.",
        "patungraya-agung",
        [metro.code for metro in regions.metros()],
        _l("A metropolitan area's code."),
        allow_none=True,
    )
    co_owners = hinted(
        fields.List(
            code("An organization's reference.", "pemkab-banyuasin"),
            validate=validate.Length(max=20),
            metadata={"description": "Other verified governments that own the challenge too, by reference."},
        ),
        _l("A list of organization references."),
    )
    budget_kind = _one_of(
        "budget (a range to be spent) or prize.",
        "budget",
        [kind.value for kind in BudgetKind],
        _l("One of budget, prize."),
    )
    budget_min = _rupiah("The lowest amount of the budget, in rupiah.")
    budget_max = _rupiah("The highest amount of the budget, in rupiah.")
    prize_amount = _rupiah("The prize or award, in rupiah.")
    prize_description = hinted(
        text("The prize or award, in words.", allow_none=True, validate=validate.Length(max=160)),
        _l("At most 160 characters."),
    )
    trl = hinted(
        fields.Integer(
            allow_none=True,
            validate=validate.Range(min=1, max=9),
            metadata={"description": "Technology readiness level sought; none when any is welcome."},
        ),
        _l("A whole number from 1 to 9."),
    )
    eligible_kinds = hinted(
        fields.List(
            code("A kind of solver who may apply.", "industry", validate=validate.OneOf([k.value for k in SolverKind])),
            validate=validate.Length(min=1),
            metadata={"description": "Who may apply."},
        ),
        _l("A list of at least one of industry, academia, community, citizen, investor."),
    )
    consortium_required = hinted(fields.Boolean(), _l("true or false."))
    opens_at = _moment("When proposals are accepted from.")
    closes_at = _moment("The deadline.")
    review_until = _moment("The end of the review.", allow_none=True)
    decision_at = _moment("The decision.", allow_none=True)
    score_scale = hinted(
        fields.Integer(validate=validate.OneOf(SCORE_SCALES), metadata={"description": "Scores from 1 to 5 or 10."}),
        _l("5 or 10."),
    )
    is_sealed = hinted(
        fields.Boolean(metadata={"description": "Proposals stay hidden from all but their team until the deadline."}),
        _l("true or false."),
    )
    criteria = _criteria()


class ChallengeInputSchema(ChallengeChangesSchema):
    """A new draft: title, summary, sector and the dates are needed; the rest has the site form's defaults."""

    ref = hinted(
        code(
            "The owner's own reference, unique on the platform (none: no reference).",
            "PLG-2026-01",
            allow_none=True,
            validate=[validate.Length(min=1, max=80), validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")],
        ),
        _l("Up to 80 letters, digits, dots, dashes and underscores."),
    )
    title = _title(required=True)
    summary = _summary(required=True)
    sector = _sector(required=True)
    opens_at = _moment("When proposals are accepted from.", required=True)
    closes_at = _moment("The deadline.", required=True)


class AddendumInputSchema(BodySchema):
    """A change to a published challenge: what is sent changes, the deadline only later."""

    summary = hinted(
        text(
            "What changes, announced to followers and registered solvers.",
            required=True,
            validate=validate.Length(min=1, max=5000),
        ),
        _l("From 1 to 5,000 characters."),
    )
    closes_at = _moment("A later deadline.")
    review_until = _moment("A new end of the review.")
    decision_at = _moment("A new decision date.")
    problem = _rules_text("The new problem statement.")
    context = _rules_text("The new context.")
    outcomes = _rules_text("The new expected outcomes.")
    criteria = _criteria()


# --- the token's organization and actor -----------------------------------------------------------------------------


def token_maker(may_act) -> User:
    """The token's maker, who acts for it: refused (403) when they no longer may, checked at every write."""
    actor = g.api_token.created_by
    if not actor.is_active or not may_act(actor):
        raise ApiError(
            403, _("The person who made this token no longer administers its organization: make a new token.")
        )
    return actor


def _actor(may_act) -> User:
    """The token's maker, for a verified government's token."""
    organization = g.api_token.organization
    if not organization.is_government or not organization.is_verified:
        raise ApiError(403, _("Only verified government organizations publish challenges."))
    return token_maker(may_act)


def creating_actor() -> tuple[Organization, User]:
    """The token's organization and the actor of a new challenge of it."""
    organization = g.api_token.organization
    return organization, _actor(lambda user: can_create_challenge(user, organization))


def owned_challenge(slug: str) -> tuple[Challenge, User]:
    """A challenge the token's organization owns or co-owns, and the actor; 404 for any other (a draft of another
    organization is not revealed)."""
    challenge = challenge_by_slug(slug)
    if challenge is None or g.api_token.organization_id not in owner_organization_ids(challenge):
        raise ApiError(404, _("Your organization has no challenge with this reference."))
    return challenge, _actor(lambda user: can_manage_challenge(user, challenge))


# --- values -----------------------------------------------------------------------------------------------------------


def _co_owner_ids(references: list[str]) -> list[int]:
    wanted = set(references)
    found = dict(
        db.session.execute(select(Organization.ref, Organization.id).where(Organization.ref.in_(wanted))).all()
    )
    if set(found) != wanted:
        raise ApiError(
            422, _("Some parameters are not valid."), {"co_owners": _("No organization has this reference.")}
        )
    return [found[reference] for reference in references]


def service_values(data: dict) -> dict:
    """A loaded body as the services take it: enums, UTC times, organizations by id (only the fields sent)."""
    values = dict(data)
    for name in ("problem", "context", "outcomes", "prize_description"):
        if name in values and values[name] is None:
            values[name] = ""
    for name in TIMELINE:
        if values.get(name) is not None:
            values[name] = values[name].astimezone(UTC)
    if "budget_kind" in values:
        values["budget_kind"] = BudgetKind(values["budget_kind"])
    if "eligible_kinds" in values:
        values["eligible_kinds"] = [SolverKind(kind) for kind in values["eligible_kinds"]]
    if "co_owners" in values:
        values["co_owner_ids"] = _co_owner_ids(values.pop("co_owners"))
    return values


def new_challenge_values(data: dict) -> dict:
    """A new draft's values: the site form's defaults, then what was sent."""
    if data.get("ref") and db.session.scalar(select(Challenge.id).where(Challenge.ref == data["ref"])) is not None:
        raise ApiError(422, _("Some parameters are not valid."), {"ref": _("Another challenge has this reference.")})
    defaults = {"budget_kind": BudgetKind.BUDGET, "eligible_kinds": list(SolverKind), "is_sealed": True}
    return {**defaults, **service_values(data)}


def draft_values(challenge: Challenge) -> dict:
    """A draft's values as the services take them (its criteria stay unless others are sent)."""
    return {
        "title": challenge.title,
        "summary": challenge.summary,
        **{part: getattr(challenge, f"{part}_source") for part in ("problem", "context", "outcomes")},
        "sector": challenge.sector,
        "dimension": challenge.dimension,
        "sdgs": challenge.sdg_list,
        "province_code": challenge.province_code,
        "regency_code": challenge.regency_code,
        "metro_code": challenge.metro_code,
        "co_owner_ids": [row.organization_id for row in challenge.co_owners],
        "budget_kind": challenge.budget_kind,
        "budget_min": challenge.budget_min,
        "budget_max": challenge.budget_max,
        "prize_amount": challenge.prize_amount,
        "prize_description": challenge.prize_description or "",
        "trl": challenge.trl,
        "eligible_kinds": challenge.eligible_kinds,
        "consortium_required": challenge.consortium_required,
        **{name: getattr(challenge, name) for name in TIMELINE},
        "score_scale": challenge.score_scale,
        "is_sealed": challenge.is_sealed,
    }


def changed_draft_values(challenge: Challenge, data: dict) -> dict:
    return {**draft_values(challenge), **service_values(data)}


def addendum_changes(data: dict) -> tuple[str, dict]:
    """The addendum's summary and the changes the service is asked for (only the fields sent)."""
    changes = service_values(data)
    return changes.pop("summary"), changes


@contextmanager
def service_refusals() -> Iterator[None]:
    """A service's refusal as the API's answer, nothing of the request written: a field's rule is a 422 naming the
    field, a rule of the challenge's state or deadline a 409."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        if error.field:
            field = API_FIELD_NAMES.get(error.field, error.field)
            raise ApiError(422, _("Some parameters are not valid."), {field: error.message}) from None
        raise ApiError(409, error.message) from None
