"""The search page."""

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_login import current_user

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


@route(bp, "/search", PUBLIC)
def index():
    args = read_search_args(request.args)
    results = service.search(current_user, args["text"], args["types"], args["filters"], args["sort"], args["page"])
    return render_template(
        "search/index.html",
        args=args,
        results=results,
        type_labels=TYPE_LABELS,
        sort_labels=SORT_LABELS,
        facet_labels=FACET_LABELS,
        facet_value_label=facet_value_label,
    )
