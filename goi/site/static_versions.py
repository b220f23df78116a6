"""Static file URLs that carry their content's hash, so that browsers keep each version for a long time."""

import hashlib
from pathlib import Path

from flask import Flask, current_app, request
from flask.wrappers import Response

_hashes: dict[tuple[str, str], str | None] = {}


def static_version(filename: str) -> str | None:
    """A short hash of a static file's content, computed once per process (None for a missing file)."""
    folder = current_app.static_folder or ""
    key = (folder, filename)
    if key not in _hashes:
        path = Path(folder, filename)
        try:
            _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else None
        except OSError:
            _hashes[key] = None
    return _hashes[key]


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = static_version(values["filename"])
        if version is not None:
            values["v"] = version


def _long_lifetime_for_versioned(response: Response) -> Response:
    # Only the URL of the current content is kept long; an old ?v= is served like an unversioned URL (revalidated).
    if request.endpoint == "static" and response.status_code == 200:
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == static_version(filename):
            response.cache_control.public = True
            response.cache_control.no_cache = None
            response.cache_control.max_age = current_app.config["STATIC_VERSIONED_MAX_AGE"]
            response.cache_control.immutable = True
    return response


def register_static_versions(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_long_lifetime_for_versioned)
