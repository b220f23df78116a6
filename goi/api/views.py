"""JSON endpoints under /api/v1."""

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from goi.core.policy import PUBLIC, route
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
