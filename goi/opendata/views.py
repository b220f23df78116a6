"""The open data pages: the datasets and their schemas (/data), their files, and the DCAT catalogue.

A file is written on request from its dataset's one or two statements, streamed a row at a time. Its ETag names what
the file is made of: the page cache's content version (raised by every change public pages show), the day in Jakarta
(an offer leaves the marketplace when its expiry day ends), the dataset's modified date and the licence; a request
whose If-None-Match carries it gets a 304 after two statements, before any row is read.
"""

import hashlib

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for

from goi.core.policy import PUBLIC, route
from goi.opendata import files
from goi.opendata.datasets import DATASETS, modified_dates
from goi.orgs.offers import today
from goi.site.page_cache import PUBLIC_CACHE_CONTROL, current_version

bp = Blueprint("opendata", __name__)

# Raised when the files' layout changes, so that no harvester keeps a file of the old layout as current.
LAYOUT_VERSION = 1


@route(bp, "/data", PUBLIC)
def index():
    """Every dataset with its schema, licence, modified date and files; the same for every anonymous visitor."""
    return render_template(
        "opendata/index.html",
        datasets=list(DATASETS.values()),
        modified=modified_dates(DATASETS.values()),
        license=files.license_of(),
        formats=files.FORMATS,
        list_separator=files.LIST_SEPARATOR,
    )


@route(bp, "/open-data", PUBLIC)
def old_address():
    return redirect(url_for("opendata.index"), code=301)


def _etag(name: str, fmt: str, modified) -> str:
    config = current_app.config
    parts = (
        LAYOUT_VERSION,
        name,
        fmt,
        current_version(),
        today().isoformat(),
        files.utc_text(modified),
        config["OPEN_DATA_LICENSE_NAME"],
        config["OPEN_DATA_LICENSE_URL"],
        config["BASE_URL"],
    )
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]


@route(bp, "/data/<dataset>.<fmt>", PUBLIC)
def download(dataset: str, fmt: str):
    """A dataset as a CSV or JSON file to download; 304 when the caller's copy (If-None-Match) is current."""
    chosen = DATASETS.get(dataset)
    if chosen is None or fmt not in files.FORMATS:
        abort(404)
    modified = modified_dates([chosen])[chosen.name]
    etag = _etag(chosen.name, fmt, modified)
    # Only the ETag decides a 304: a row deleted leaves the modified date where it was.
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        rows = chosen.rows()
        body = files.csv_lines(chosen, rows) if fmt == "csv" else files.json_chunks(chosen, rows, modified)
        response = Response(body, content_type=files.FORMATS[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="{chosen.name}.{fmt}"'
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


@route(bp, "/data/catalog.jsonld", PUBLIC)
def catalog():
    """The DCAT catalogue of the datasets in JSON-LD (kept in the page cache like a page)."""
    response = jsonify(files.catalog(modified_dates(DATASETS.values())))
    response.mimetype = "application/ld+json"
    return response
