"""Error pages in the user's language that reveal nothing internal."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("goi.errors")


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Go back and try again.")),
        401: (_("Please log in"), _("You need to log in to see this page.")),
        403: (_("Not allowed"), _("You do not have permission to do this.")),
        404: (_("Page not found"), _("The page you are looking for does not exist or is not public.")),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        413: (_("Too large"), _("What you sent is larger than we accept.")),
        422: (_("Check your input"), _("Some of what you entered could not be accepted.")),
        429: (_("Too many attempts"), _("Please wait a few minutes before you try again.")),
        500: (_("Something went wrong"), _("An error occurred on our side. Please try again later.")),
    }


def is_api_request() -> bool:
    """A request to the API, even one whose address matches none of its routes (its answer is JSON)."""
    return request.blueprint == "api" or request.path.startswith("/api/")


def _render(status: int, detail: str | None = None):
    title, message = _messages().get(status, (_("Error"), _("Something went wrong.")))
    if is_api_request() or request.accept_mimetypes.best == "application/json":
        return jsonify({"error": {"code": status, "message": detail or message, "fields": {}}}), status
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, _("Your form expired or was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500)
