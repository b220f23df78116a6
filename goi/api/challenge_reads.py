"""Challenges in the API: the public list (the site's filters) and a challenge with its criteria, timeline, addenda
and public questions and answers."""

import json

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from goi.api.operations import ApiError, paged
from goi.api.schemas import (
    MetroRefSchema,
    OrganizationRefSchema,
    PageArgsSchema,
    RegionSchema,
    ResponseSchema,
    code,
    hinted,
    html,
    markdown,
    page_schema,
    text,
    url,
)
from goi.challenges import queries
from goi.challenges.browse_form import BROWSE_SORTS, BROWSE_STATUSES
from goi.challenges.models import Challenge, ChallengeStatus, SolverKind
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.reviews import services as result_services
from goi.site.locale import current_locale

# --- schemas ----------------------------------------------------------------------------------------------------------


def keywords_argument(description: str) -> fields.String:
    """A query's words, at most 200 characters (the site's lists take no more)."""
    return hinted(
        fields.String(validate=validate.Length(max=200), metadata={"description": description}),
        _l("At most 200 characters."),
    )


def sector_argument() -> fields.String:
    return hinted(
        fields.String(
            validate=validate.OneOf([sector.code for sector in taxonomy.sectors()]),
            metadata={"description": "A sector code (see /data/challenges.schema for the list)."},
        ),
        _l("A sector code."),
    )


def province_argument() -> fields.String:
    return hinted(
        fields.String(
            validate=validate.OneOf([province.code for province in regions.provinces()]),
            metadata={"description": "A province's two-digit Kemendagri code.", "example": "16"},
        ),
        _l("A province's two-digit Kemendagri code."),
    )


class ChallengeListArgsSchema(PageArgsSchema):
    """The filters of the site's challenge list (/challenges), validated."""

    q = keywords_argument("Keywords (Indonesian or English).")
    status = hinted(
        fields.String(validate=validate.OneOf(list(BROWSE_STATUSES)), metadata={"description": "The state."}),
        _l("One of the states the challenge list offers."),
    )
    sector = sector_argument()
    province = province_argument()
    metro = hinted(
        fields.String(
            validate=validate.OneOf([metro.code for metro in regions.metros()]),
            metadata={"description": "A metropolitan area's code."},
        ),
        _l("A metropolitan area's code."),
    )
    kind = hinted(
        fields.String(
            validate=validate.OneOf([kind.value for kind in SolverKind]),
            metadata={"description": "Who may apply."},
        ),
        _l("One of industry, academia, community, citizen, investor."),
    )
    budget_min = hinted(
        fields.Integer(validate=validate.Range(min=0, max=10**15), metadata={"description": "Budget from (Rp)."}),
        _l("A whole number of rupiah."),
    )
    budget_max = hinted(
        fields.Integer(validate=validate.Range(min=0, max=10**15), metadata={"description": "Budget up to (Rp)."}),
        _l("A whole number of rupiah."),
    )
    closes_within = hinted(
        fields.Integer(validate=validate.Range(min=1, max=3650), metadata={"description": "Deadline within days."}),
        _l("A whole number of days from 1 to 3650."),
    )
    closes_from = hinted(
        fields.Date(metadata={"description": "Deadline from this day (YYYY-MM-DD)."}), _l("A date as YYYY-MM-DD.")
    )
    closes_until = hinted(
        fields.Date(metadata={"description": "Deadline until this day (YYYY-MM-DD)."}), _l("A date as YYYY-MM-DD.")
    )
    sort = hinted(
        fields.String(
            validate=validate.OneOf(list(BROWSE_SORTS)),
            metadata={"description": "deadline (default), newest, budget, or relevance (with q)."},
        ),
        _l("One of deadline, newest, budget, relevance."),
    )


class SectorSchema(ResponseSchema):
    code = code("The sector's code.", "transportation")
    name = text("The sector's name in the caller's language.")


class BudgetSchema(ResponseSchema):
    kind = code("budget (a range to be spent), prize (a prize), or none.", "budget")
    minimum = fields.Integer(allow_none=True, metadata={"description": "Rupiah."})
    maximum = fields.Integer(allow_none=True, metadata={"description": "Rupiah."})
    prize_amount = fields.Integer(allow_none=True, metadata={"description": "Rupiah."})
    prize_description = text("What the prize is.", allow_none=True)
    currency = code("Always IDR.", "IDR")


class ChallengeSummarySchema(ResponseSchema):
    slug = code("The challenge's reference in the API and on the site (/challenges/<slug>).", "banjir-palembang")
    ref = code("The owner's own reference, if it gave one.", "PLG-2026-01", allow_none=True)
    url = url("The challenge's page.")
    title = text("The title.")
    summary = text("One or two sentences.")
    status = code("draft, published, closed, under_review, decided, archived or cancelled.", "published")
    is_open = fields.Boolean(metadata={"description": "Accepting proposals now, by the server's clock."})
    sector = fields.Nested(SectorSchema)
    owner = fields.Nested(OrganizationRefSchema)
    province = fields.Nested(RegionSchema, allow_none=True)
    regency = fields.Nested(RegionSchema, allow_none=True)
    metro = fields.Nested(MetroRefSchema, allow_none=True)
    budget = fields.Nested(BudgetSchema)
    eligible = fields.List(code("A kind of solver who may apply.", "industry"))
    consortium_required = fields.Boolean()
    opens_at = fields.DateTime()
    closes_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)


class FormattedSchema(ResponseSchema):
    """A Markdown text as its author wrote it and as sanitized HTML."""

    source = markdown("The Markdown source.")
    html = html("The same, rendered and sanitized.")


class CriterionSchema(ResponseSchema):
    position = fields.Integer()
    name = text("The criterion.")
    description = text("What reviewers look for.")
    weight = fields.Integer(metadata={"description": "Percent; a challenge's weights add up to 100."})


class TimelineSchema(ResponseSchema):
    opens_at = fields.DateTime()
    closes_at = fields.DateTime()
    review_until = fields.DateTime(allow_none=True)
    decision_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    timezone = code("The IANA time zone of the challenge's region.", "Asia/Jakarta")


class AddendumSchema(ResponseSchema):
    number = fields.Integer()
    summary = text("What changes.")
    changed = fields.List(code("A changed field.", "closes_at"))
    published_at = fields.DateTime()


class PublicQuestionSchema(ResponseSchema):
    question = text("The question as asked (the asker is not named).")
    answer = fields.Nested(FormattedSchema)
    answered_at = fields.DateTime()


class ResultEntrySchema(ResponseSchema):
    position = fields.Integer(metadata={"description": "Place in the published list, 1 first."})
    award = code("winner, runner_up, honourable_mention or shortlisted.", "winner")
    title = text("The proposal's title.")
    team = text("The team as the results name it: its organization, else its lead.")
    summary = text("The proposal's public summary.")
    citation = text("The jury's citation (may be empty).")


class ChallengeResultsSchema(ResponseSchema):
    published_at = fields.DateTime()
    summary = fields.Nested(FormattedSchema)
    entries = fields.List(fields.Nested(ResultEntrySchema))


class ChallengeSchema(ChallengeSummarySchema):
    problem = fields.Nested(FormattedSchema)
    context = fields.Nested(FormattedSchema)
    outcomes = fields.Nested(FormattedSchema)
    sdgs = fields.List(fields.Integer(), metadata={"description": "UN Sustainable Development Goal numbers."})
    trl = fields.Integer(allow_none=True, metadata={"description": "Technology readiness level sought (1–9)."})
    outcome = code("For a decided challenge: awarded or not_awarded.", "awarded", allow_none=True)
    criteria = fields.List(fields.Nested(CriterionSchema))
    timeline = fields.Nested(TimelineSchema)
    addenda = fields.List(fields.Nested(AddendumSchema))
    questions = fields.List(fields.Nested(PublicQuestionSchema))
    results = fields.Nested(
        ChallengeResultsSchema,
        allow_none=True,
        metadata={"description": "The published results (null before): only the public part of the proposals named."},
    )


ChallengePageSchema = page_schema(ChallengeSummarySchema, "ChallengePage")


# --- shaping ----------------------------------------------------------------------------------------------------------


def region(code_: str | None, place) -> dict | None:
    return {"code": code_, "name": place.name} if code_ and place is not None else None


def regions_of(province_code: str | None, regency_code: str | None, metro_code: str | None) -> dict:
    """A record's places as Kemendagri codes beside their names."""
    metro = regions.metro(metro_code) if metro_code else None
    return {
        "province": region(province_code, regions.province(province_code) if province_code else None),
        "regency": region(regency_code, regions.regency(regency_code) if regency_code else None),
        "metro": {"code": metro.code, "name": metro.name} if metro is not None else None,
    }


def organization_ref(organization) -> dict:
    return {"ref": organization.ref, "slug": organization.slug, "name": organization.name}


def sector_of(code_: str) -> dict:
    sector = taxonomy.sector(code_)
    return {"code": code_, "name": sector.label(current_locale()) if sector else code_}


def challenge_summary(challenge: Challenge) -> dict:
    return {
        "slug": challenge.slug,
        "ref": challenge.ref,
        "url": url_for("challenges.show", slug=challenge.slug, _external=True),
        "title": challenge.title,
        "summary": challenge.summary,
        "status": challenge.status.value,
        "is_open": challenge.is_accepting_proposals,
        "sector": sector_of(challenge.sector),
        "owner": organization_ref(challenge.owner_org),
        **regions_of(challenge.province_code, challenge.regency_code, challenge.metro_code),
        "budget": {
            "kind": challenge.budget_kind.value,
            "minimum": challenge.budget_min,
            "maximum": challenge.budget_max,
            "prize_amount": challenge.prize_amount,
            "prize_description": challenge.prize_description,
            "currency": "IDR",
        },
        "eligible": [kind.value for kind in challenge.eligible_kinds],
        "consortium_required": challenge.consortium_required,
        "opens_at": challenge.opens_at,
        "closes_at": challenge.closes_at,
        "published_at": challenge.published_at,
    }


def _formatted(source: str, rendered: str) -> dict:
    return {"source": source or "", "html": rendered or ""}


def addendum_of(addendum) -> dict:
    return {
        "number": addendum.number,
        "summary": addendum.summary,
        "changed": sorted(json.loads(addendum.changes_json or "{}")),
        "published_at": addendum.published_at,
    }


def challenge_detail(challenge: Challenge) -> dict:
    return {
        **challenge_summary(challenge),
        "problem": _formatted(challenge.problem_source, challenge.problem_html),
        "context": _formatted(challenge.context_source, challenge.context_html),
        "outcomes": _formatted(challenge.outcomes_source, challenge.outcomes_html),
        "sdgs": challenge.sdg_list,
        "trl": challenge.trl,
        "outcome": challenge.outcome.value if challenge.outcome else None,
        "criteria": [
            {
                "position": criterion.position,
                "name": criterion.name,
                "description": criterion.description,
                "weight": criterion.weight,
            }
            for criterion in challenge.criteria
        ],
        "timeline": {
            "opens_at": challenge.opens_at,
            "closes_at": challenge.closes_at,
            "review_until": challenge.review_until,
            "decision_at": challenge.decision_at,
            "published_at": challenge.published_at,
            "closed_at": challenge.closed_at,
            "timezone": challenge.timezone,
        },
        "addenda": [addendum_of(addendum) for addendum in challenge.addenda],
        "questions": [
            {
                "question": question.body,
                "answer": _formatted(question.answer_source, question.answer_html),
                "answered_at": question.answered_at,
            }
            for question in queries.public_questions(challenge)
        ],
        "results": results_of(challenge),
    }


def results_of(challenge: Challenge) -> dict | None:
    """The challenge's published results as everyone sees them (reviews.services.public_entries), or None."""
    result = result_services.result_of(challenge)
    if result is None:
        return None
    return {
        "published_at": result.published_at,
        "summary": _formatted(result.summary_source, result.summary_html),
        "entries": [
            {
                "position": entry.position,
                "award": entry.award.value,
                "title": entry.title,
                "team": entry.team,
                "summary": entry.summary,
                "citation": entry.citation,
            }
            for entry in result_services.public_entries(result)
        ],
    }


# --- reading ----------------------------------------------------------------------------------------------------------


def challenge_page(args: dict):
    """A page of the public list with the site's filters, as an answer with its Link header."""
    filters = {name: value for name, value in args.items() if name not in ("page", "per_page")}
    if filters.get("q"):
        filters["q"] = " ".join(filters["q"].split())
    if not filters.get("q"):
        filters.pop("q", None)
    # As on the site: without keywords there is no relevance to sort by (an empty date range lists nothing).
    if filters.get("sort") == "relevance" and "q" not in filters:
        del filters["sort"]
    filters.setdefault("sort", "relevance" if "q" in filters else "deadline")
    match_keywords = current_app.extensions["challenge_keyword_matcher"]
    matching_ids = match_keywords(current_user, filters["q"]) if filters.get("q") else None
    page = queries.browse_page(filters, matching_ids, per_page=args["per_page"], page=args["page"])
    body = {
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "per_page": page.per_page,
        "results": [challenge_summary(challenge) for challenge in page.items],
    }
    return paged(body, page.page, page.pages)


def public_challenge(slug: str) -> Challenge:
    """A challenge the public sees (never a draft), its lists loaded; 404 otherwise."""
    challenge = db.session.scalar(
        select(Challenge)
        .where(Challenge.slug == slug, Challenge.status != ChallengeStatus.DRAFT)
        .options(joinedload(Challenge.owner_org), selectinload(Challenge.criteria), selectinload(Challenge.addenda))
    )
    if challenge is None:
        raise ApiError(404, _("No published challenge has this reference."))
    return challenge
