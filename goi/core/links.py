"""Links to the site's pages, inside a request or not (commands, reminders)."""

from flask import current_app, has_request_context, url_for


def path_for(endpoint: str, **values) -> str:
    """The path of endpoint, also from a command where there is no request."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def absolute_path(path: str) -> str:
    """The full address of a path on this site, for emails: BASE_URL plus the path."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values) -> str:
    """The full address of an endpoint, for emails."""
    return absolute_path(path_for(endpoint, **values))
