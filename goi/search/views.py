"""The search page."""

from datetime import datetime
from functools import lru_cache

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from goi.core.clock import format_in_zone
from goi.core.policy import PUBLIC, route
from goi.data import regions, taxonomy
from goi.orgs.forms import KIND_LABELS
from goi.orgs.models import OrgKind
from goi.search import service
from goi.search.forms import FACET_LABELS, SORT_LABELS, STATUS_LABELS, TYPE_LABELS, read_search_args

bp = Blueprint("search", __name__)


def facet_value_label(facet: str, value: str) -> str:
    """The label of a facet value in the current language."""
    if facet == "type":
        return str(TYPE_LABELS.get(value, value))
    if facet == "sector":
        sector = taxonomy.sector(value)
        return sector.label(str(get_locale() or "id")) if sector else value
    if facet == "province":
        province = regions.province(value)
        return province.name if province else value
    if facet == "status":
        return str(STATUS_LABELS.get(value, value))
    if facet == "org_kind":
        kind = next((kind for kind in OrgKind if kind.value == value), None)
        return str(KIND_LABELS[kind]) if kind else value
    return value


@lru_cache(maxsize=8)
def _fact_labels(locale: str) -> dict[str, str]:
    """The facts' labels in one language, translated once (a page shows them for each of its hits)."""
    return {"owner": _("Owner"), "region": _("Region"), "deadline": _("Deadline"), "status": _("Status")}


@lru_cache(maxsize=64)
def _status_label(locale: str, value: str) -> str:
    return facet_value_label("status", value)


def present_facts(hit) -> list[tuple[str, str]]:
    """The key facts of a hit as (label, text) in the current language: owner, region, deadline, status."""
    facts = hit.facts or {}
    locale = str(get_locale() or "id")
    labels = _fact_labels(locale)
    shown: list[tuple[str, str]] = []
    if facts.get("owner"):
        shown.append((labels["owner"], facts["owner"]))
    if facts.get("region"):
        shown.append((labels["region"], facts["region"]))
    if facts.get("deadline") and hit.type == "challenge":
        try:
            deadline = datetime.fromisoformat(facts["deadline"])
        except ValueError:
            deadline = None
        if deadline is not None:
            zone = regions.timezone_for(province_code=facts.get("province") or None)
            shown.append((labels["deadline"], format_in_zone(deadline, zone)))
    if facts.get("status") and hit.type in ("challenge", "organization", "proposal"):
        shown.append((labels["status"], _status_label(locale, facts["status"])))
    return shown


def search_url(**changes) -> str:
    """This search's address with some parameters changed (None removes one); any change goes back to page 1."""
    params = request.args.to_dict(flat=False)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = [value]
    if "page" not in changes:
        params.pop("page", None)
    return url_for("search.index", **params)


@route(bp, "/search", PUBLIC)
def index():
    args = read_search_args(request.args)
    results = service.search(current_user, args["text"], args["types"], args["filters"], args["sort"], args["page"])
    if args["page"] > 1 and not results.hits:
        abort(404)  # past the last page, as the paginated lists answer
    return render_template(
        "search/index.html",
        args=args,
        results=results,
        type_labels=TYPE_LABELS,
        sort_labels=SORT_LABELS,
        facet_labels=FACET_LABELS,
        facet_value_label=facet_value_label,
        present_facts=present_facts,
        search_url=search_url,
    )
