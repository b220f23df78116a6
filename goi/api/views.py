"""JSON endpoints under /api/v1."""

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from goi.api import tokens
from goi.api.models import Scope
from goi.api.operations import Answer, ApiError, error_response, operation, paged, register_answers
from goi.api.search_schemas import (
    LimitArgsSchema,
    PartnerArgsSchema,
    ProposalArgsSchema,
    ProposalPageSchema,
    SearchArgsSchema,
    SearchResultsSchema,
    SuggestionsSchema,
    TokenSchema,
)
from goi.challenges.models import Challenge
from goi.core.policy import PUBLIC
from goi.extensions import db, limiter
from goi.matching import recommend
from goi.matching.sources import LISTED_STATUSES
from goi.orgs.models import Organization
from goi.proposals.models import Proposal, TeamMember, TeamMemberStatus
from goi.reviews.outcomes import outcomes_of
from goi.search import service
from goi.search.forms import check_search_args
from goi.search.views import facet_value_label

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register_answers(bp)


@operation(
    bp, "/search", PUBLIC, summary="Search", tag="search", query=SearchArgsSchema, response=SearchResultsSchema
)
def search(args: dict):
    """Search everything the caller may see (a token or a login sees no more than the public here); 20 hits a page,
    with facets and a suggestion for a misspelt query."""
    # The schema has refused what is not valid; the search page's reader gives the values it uses.
    values, _errors = check_search_args(request.args)
    results = service.search(
        current_user, values["text"], values["types"], values["filters"], values["sort"], values["page"]
    )
    body = {
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "suggestion": results.suggestion,
        "results": [
            {
                "type": hit.type,
                "id": hit.object_id,
                "ref": hit.ref,
                "title": hit.title,
                "snippet": hit.snippet,
                "url": hit.url,
                "score": round(hit.score, 4),
            }
            for hit in results.hits
        ],
        "facets": {
            name: [{"value": value, "label": facet_value_label(name, value), "count": count} for value, count in values]
            for name, values in results.facets.items()
        },
    }
    # The site's pages: past the last one is an empty page there, and so here (no 404).
    return Answer(body, page=results.page, pages=results.pages)


def _public_organization(ref: str) -> Organization:
    organization = db.session.scalar(select(Organization).where(Organization.ref == ref))
    if organization is None:
        raise ApiError(404, _("No organization has this reference."))
    return organization


def _public_challenge(ref: str) -> Challenge | None:
    return db.session.scalar(select(Challenge).where(Challenge.ref == ref, Challenge.status.in_(LISTED_STATUSES)))


def _suggestions(suggestions: list[recommend.Suggestion], label: str) -> dict:
    return {
        "results": [
            {
                "ref": suggestion.ref,
                "type": suggestion.kind,
                label if suggestion.kind == "challenge" else "name": suggestion.name,
                "score": suggestion.score,
                "reasons": [reason.as_dict() for reason in suggestion.reasons],
            }
            for suggestion in suggestions
        ]
    }


@operation(
    bp,
    "/organizations/<ref>/recommended-challenges",
    PUBLIC,
    summary="Challenges for an organization",
    tag="matching",
    query=LimitArgsSchema,
    response=SuggestionsSchema,
)
def recommended_challenges(ref: str, args: dict):
    """Open challenges the organization may apply to, best fit first, each with its reasons."""
    organization = _public_organization(ref)
    return _suggestions(recommend.challenges_for_organization(db.session, organization, limit=args["limit"]), "title")


@operation(
    bp,
    "/challenges/<ref>/recommended-solvers",
    PUBLIC,
    summary="Solvers for a challenge",
    tag="matching",
    query=LimitArgsSchema,
    response=SuggestionsSchema,
)
def recommended_solvers(ref: str, args: dict):
    """Organizations and people with public profiles who may apply to the challenge (by its ref), best fit first."""
    challenge = _public_challenge(ref)
    if challenge is None:
        raise ApiError(404, _("No published challenge has this reference."))
    return _suggestions(recommend.solvers_for_challenge(db.session, challenge, limit=args["limit"]), "title")


@operation(
    bp,
    "/organizations/<ref>/recommended-partners",
    PUBLIC,
    summary="Partners for an organization",
    tag="matching",
    query=PartnerArgsSchema,
    response=SuggestionsSchema,
)
def recommended_partners(ref: str, args: dict):
    """Organizations complementary to this one (for a challenge, with `challenge=<ref>`), suiting both sides."""
    challenge = None
    if args.get("challenge", "").strip():
        challenge = _public_challenge(args["challenge"].strip())
        if challenge is None:
            raise ApiError(404, _("No published challenge has this reference."))
    organization = _public_organization(ref)
    return _suggestions(recommend.partners_for(db.session, organization, challenge, limit=args["limit"]), "title")


# --- with an API token --------------------------------------------------------------------------------------------

READ_TOKEN = tokens.token_rule(Scope.READ)
PROPOSALS_PER_PAGE = 50


@bp.app_errorhandler(tokens.TokenRefused)
def token_refused(error: tokens.TokenRefused):
    response = error_response(error.status, error.message)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="goi"'
    return response


@bp.after_app_request
def _record_token_use(response):
    token = g.get("api_token")
    if token is not None:
        tokens.record_use(token, response.status_code)
    return response


def _token_limit() -> str:
    return current_app.config["API_TOKEN_RATE_LIMIT"]


@operation(
    bp, "/token", READ_TOKEN, summary="The token itself", tag="tokens", response=TokenSchema, scope=Scope.READ.value
)
@limiter.limit(_token_limit, key_func=tokens.rate_limit_key, scope="api-token")
def token():
    """The presented token: its organization, scopes and expiry (to check a token before using it)."""
    current = g.api_token
    return {
        "name": current.name,
        "prefix": current.prefix,
        "organization": current.organization,
        "scopes": sorted(current.scopes.split()),
        "expires_at": current.expires_at,
    }


@operation(
    bp,
    "/proposals",
    READ_TOKEN,
    summary="The organization's proposals",
    tag="proposals",
    query=ProposalArgsSchema,
    response=ProposalPageSchema,
    scope=Scope.READ.value,
)
@limiter.limit(_token_limit, key_func=tokens.rate_limit_key, scope="api-token")
def organization_proposals(args: dict):
    """The proposals the token's organization leads or is an accepted partner of, newest first, each with its
    state and, once its challenge's call is over, its outcome; 50 a page."""
    organization = g.api_token.organization
    page = args["page"]
    partner = select(TeamMember.proposal_id).where(
        TeamMember.organization_id == organization.id, TeamMember.status == TeamMemberStatus.ACCEPTED
    )
    ours = (Proposal.organization_id == organization.id) | Proposal.id.in_(partner)
    total = db.session.scalar(select(func.count(Proposal.id)).where(ours))
    pages = max(1, -(-total // PROPOSALS_PER_PAGE))
    if page > pages:
        raise ApiError(404, _("There is no page %(page)d.", page=page))
    proposals = list(
        db.session.scalars(
            select(Proposal)
            .options(joinedload(Proposal.challenge))
            .where(ours)
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
            .limit(PROPOSALS_PER_PAGE)
            .offset((page - 1) * PROPOSALS_PER_PAGE)
        )
    )
    outcomes = outcomes_of(proposals)
    body = {
        "total": total,
        "page": page,
        "pages": pages,
        "per_page": PROPOSALS_PER_PAGE,
        "results": [
            {
                "id": proposal.id,
                "title": proposal.title,
                "role": "lead" if proposal.organization_id == organization.id else "partner",
                "status": proposal.status.value,
                "version": proposal.version,
                "submitted_at": proposal.submitted_at,
                "updated_at": proposal.updated_at,
                "outcome": _outcome_json(outcomes.get(proposal.id)),
                "challenge": proposal.challenge,
            }
            for proposal in proposals
        ],
    }
    return paged(body, page, pages)


def _outcome_json(outcome) -> dict | None:
    if outcome is None:
        return None
    return {"kind": outcome.kind.value, "award": outcome.award.value if outcome.award else None}


# The organization's token and webhook pages are routes of the orgs blueprint, kept beside what they manage.
from goi.api import (  # noqa: E402, F401
    challenge_write_views,
    directory_views,
    proposal_write_views,
    public_views,
    token_views,
    webhook_views,
)
