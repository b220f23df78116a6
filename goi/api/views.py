"""JSON endpoints under /api/v1."""

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from goi.challenges.models import Challenge
from goi.core.policy import PUBLIC, route
from goi.extensions import db
from goi.matching import recommend
from goi.matching.sources import LISTED_STATUSES
from goi.orgs.models import Organization
from goi.search import service
from goi.search.forms import check_search_args

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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
    body: dict = {"error": {"code": status, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


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
