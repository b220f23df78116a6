"""JSON endpoints under /api/v1."""

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from goi.api import tokens
from goi.api.models import Scope
from goi.api.operations import error_response, page_links, register_answers
from goi.challenges.models import Challenge
from goi.core.policy import PUBLIC, route
from goi.extensions import db, limiter
from goi.matching import recommend
from goi.matching.sources import LISTED_STATUSES
from goi.orgs.models import Organization
from goi.proposals.models import Proposal, TeamMember, TeamMemberStatus
from goi.reviews.outcomes import outcomes_of
from goi.search import service
from goi.search.forms import check_search_args

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register_answers(bp)


@route(bp, "/search", PUBLIC)
def search():
    """Search everything the caller may see; an unknown parameter value is a 400 naming it, an odd query is read
    as plain words."""
    args, errors = check_search_args(request.args)
    if errors:
        message = _("Some parameters are not valid.")
        return jsonify({"error": {"code": 400, "message": message, "fields": errors}}), 400
    results = service.search(current_user, args["text"], args["types"], args["filters"], args["sort"], args["page"])
    return jsonify(
        {
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
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in results.facets.items()
            },
        }
    )


def _error(status: int, message: str, fields: dict | None = None):
    return error_response(status, message, fields), status


def _limit() -> tuple[int | None, dict]:
    """The `limit` argument: 1 to 50, 10 when absent."""
    raw = request.args.get("limit", "").strip()
    if not raw:
        return 10, {}
    if not raw.isdigit() or not 1 <= int(raw) <= recommend.MAX_LIMIT:
        return None, {"limit": _("A whole number from 1 to %(most)d.", most=recommend.MAX_LIMIT)}
    return int(raw), {}


def _public_organization(ref: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.ref == ref))


def _public_challenge(ref: str) -> Challenge | None:
    return db.session.scalar(select(Challenge).where(Challenge.ref == ref, Challenge.status.in_(LISTED_STATUSES)))


def _suggestions(suggestions: list[recommend.Suggestion], label: str):
    return jsonify(
        {
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
    )


@route(bp, "/organizations/<ref>/recommended-challenges", PUBLIC)
def recommended_challenges(ref: str):
    """Open challenges the organization may apply to, best fit first, each with its reasons."""
    limit, errors = _limit()
    if errors:
        return _error(400, _("Some parameters are not valid."), errors)
    organization = _public_organization(ref)
    if organization is None:
        return _error(404, _("No organization has this reference."))
    return _suggestions(recommend.challenges_for_organization(db.session, organization, limit=limit), "title")


@route(bp, "/challenges/<ref>/recommended-solvers", PUBLIC)
def recommended_solvers(ref: str):
    """Organizations and people with public profiles who may apply to the challenge, best fit first."""
    limit, errors = _limit()
    if errors:
        return _error(400, _("Some parameters are not valid."), errors)
    challenge = _public_challenge(ref)
    if challenge is None:
        return _error(404, _("No published challenge has this reference."))
    return _suggestions(recommend.solvers_for_challenge(db.session, challenge, limit=limit), "title")


@route(bp, "/organizations/<ref>/recommended-partners", PUBLIC)
def recommended_partners(ref: str):
    """Organizations complementary to this one (for a challenge, with `challenge=<ref>`), suiting both sides."""
    limit, errors = _limit()
    challenge = None
    challenge_ref = request.args.get("challenge", "").strip()
    if challenge_ref:
        challenge = _public_challenge(challenge_ref)
        if challenge is None:
            errors["challenge"] = _("No published challenge has this reference.")
    if errors:
        return _error(400, _("Some parameters are not valid."), errors)
    organization = _public_organization(ref)
    if organization is None:
        return _error(404, _("No organization has this reference."))
    return _suggestions(recommend.partners_for(db.session, organization, challenge, limit=limit), "title")


# --- with an API token --------------------------------------------------------------------------------------------

READ_TOKEN = tokens.token_rule(Scope.READ)
PROPOSALS_PER_PAGE = 50


@bp.app_errorhandler(tokens.TokenRefused)
def token_refused(error: tokens.TokenRefused):
    response, status = _error(error.status, error.message)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="goi"'
    return response, status


@bp.after_app_request
def _record_token_use(response):
    token = g.get("api_token")
    if token is not None:
        tokens.record_use(token, response.status_code)
    return response


def _token_limit() -> str:
    return current_app.config["API_TOKEN_RATE_LIMIT"]


@route(bp, "/token", READ_TOKEN)
@limiter.limit(_token_limit, key_func=tokens.rate_limit_key, scope="api-token")
def token():
    """The presented token itself: its organization, scopes and expiry (to check a token before using it)."""
    current = g.api_token
    return jsonify(
        {
            "name": current.name,
            "prefix": current.prefix,
            "organization": {
                "ref": current.organization.ref,
                "slug": current.organization.slug,
                "name": current.organization.name,
            },
            "scopes": sorted(current.scopes.split()),
            "expires_at": current.expires_at.isoformat(),
        }
    )


@route(bp, "/proposals", READ_TOKEN)
@limiter.limit(_token_limit, key_func=tokens.rate_limit_key, scope="api-token")
def organization_proposals():
    """The proposals the token's organization leads or is an accepted partner of, newest first, each with its
    state and, once its challenge's call is over, its outcome; 50 a page."""
    organization = g.api_token.organization
    raw_page = request.args.get("page", "1").strip()
    if not raw_page.isdigit() or int(raw_page) < 1:
        return _error(400, _("Some parameters are not valid."), {"page": _("A whole number from 1.")})
    page = int(raw_page)
    partner = select(TeamMember.proposal_id).where(
        TeamMember.organization_id == organization.id, TeamMember.status == TeamMemberStatus.ACCEPTED
    )
    ours = (Proposal.organization_id == organization.id) | Proposal.id.in_(partner)
    total = db.session.scalar(select(func.count(Proposal.id)).where(ours))
    pages = max(1, -(-total // PROPOSALS_PER_PAGE))
    if page > pages:
        return _error(404, _("There is no page %(page)d.", page=page))
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
    response = jsonify(
        {
            "total": total,
            "page": page,
            "pages": pages,
            "results": [
                {
                    "id": proposal.id,
                    "title": proposal.title,
                    "role": "lead" if proposal.organization_id == organization.id else "partner",
                    "status": proposal.status.value,
                    "version": proposal.version,
                    "submitted_at": proposal.submitted_at.isoformat() if proposal.submitted_at else None,
                    "updated_at": proposal.updated_at.isoformat(),
                    "outcome": _outcome_json(outcomes.get(proposal.id)),
                    "challenge": {
                        "ref": proposal.challenge.ref,
                        "title": proposal.challenge.title,
                        "status": proposal.challenge.status.value,
                        "closes_at": proposal.challenge.closes_at.isoformat() if proposal.challenge.closes_at else None,
                    },
                }
                for proposal in proposals
            ],
        }
    )
    links = page_links(page, pages)
    if links:
        response.headers["Link"] = links
    return response


def _outcome_json(outcome) -> dict | None:
    if outcome is None:
        return None
    return {"kind": outcome.kind.value, "award": outcome.award.value if outcome.award else None}


# The organization's token and webhook pages are routes of the orgs blueprint, kept beside what they manage.
from goi.api import public_views, token_views, webhook_views  # noqa: E402, F401
