"""Redirect targets that stay on this site."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for
from werkzeug.wrappers import Response


def safe_next(target: str | None) -> str | None:
    """target when it is a path on this site, else None."""
    if not target or any(ch in target for ch in "\\\r\n\t") or not target.startswith("/"):
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def redirect_next(default_endpoint: str = "site.home", **values) -> Response:
    """Redirect to ?next= (or the form's next) when it is local, else to the default endpoint."""
    target = safe_next(request.form.get("next") or request.args.get("next"))
    return redirect(target or url_for(default_endpoint, **values))
