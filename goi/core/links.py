"""Links to the site's pages, inside a request or not (commands, reminders, the search index rebuild)."""

from flask import Flask, current_app, has_request_context, url_for
from werkzeug.routing import MapAdapter

_ADAPTER = "goi_path_adapter"


def _path_adapter(app: Flask) -> MapAdapter:
    # One adapter per app, bound once: a request context per link cost more than the rest of a search document.
    adapter = app.extensions.get(_ADAPTER)
    if adapter is None:
        adapter = app.extensions[_ADAPTER] = app.url_map.bind(
            "localhost", script_name=app.config["APPLICATION_ROOT"] or "/"
        )
    return adapter


def path_for(endpoint: str, **values) -> str:
    """The path of endpoint, also from a command where there is no request."""
    if has_request_context():
        return url_for(endpoint, **values)
    app = current_app._get_current_object()
    app.inject_url_defaults(endpoint, values)
    return _path_adapter(app).build(endpoint, values)


def absolute_path(path: str) -> str:
    """The full address of a path on this site, for emails: BASE_URL plus the path."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values) -> str:
    """The full address of an endpoint, for emails."""
    return absolute_path(path_for(endpoint, **values))
