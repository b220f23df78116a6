"""The search query string: the page drops unknown values (never an error); the API names them (a 400)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from goi.data import regions, taxonomy
from goi.search.types import DOCUMENT_TYPES, FACETS, SORTS

MAX_QUERY_LENGTH = 200
MAX_PAGE = 500

TYPE_LABELS = {
    "challenge": _l("Challenge"),
    "organization": _l("Organization"),
    "profile": _l("Profile"),
    "question": _l("Question and answer"),
    "addendum": _l("Addendum"),
    "proposal": _l("Proposal"),
    "result": _l("Published results"),
}
SORT_LABELS = {"relevance": _l("Relevance"), "deadline": _l("Deadline soonest"), "newest": _l("Newest")}
FACET_LABELS = {
    "type": _l("Type"),
    "sector": _l("Sector"),
    "province": _l("Province"),
    "status": _l("Status"),
    "org_kind": _l("Organization kind"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Open"),
    "closed": _l("Closed"),
    "under_review": _l("Under review"),
    "decided": _l("Decided"),
    "archived": _l("Archived"),
    "cancelled": _l("Cancelled"),
    "submitted": _l("Submitted"),
    "verified": _l("Verified"),
}
STATUS_VALUES = {
    "draft",
    "published",
    "closed",
    "under_review",
    "decided",
    "archived",
    "cancelled",
    "submitted",
    "verified",
}
ORG_KINDS = {"government", "industry", "academia", "community", "investor"}


def _valid_filter(name: str, value: str) -> bool:
    if name == "sector":
        return taxonomy.sector(value) is not None
    if name == "province":
        return regions.province(value) is not None
    if name == "status":
        return value in STATUS_VALUES
    if name == "org_kind":
        return value in ORG_KINDS
    return False


def read_search_args(args) -> dict:
    """q, types, filters, sort and page from a query string; what is not valid is left out (the search page)."""
    return check_search_args(args)[0]


def check_search_args(args) -> tuple[dict, dict[str, str]]:
    """The query string read once: the values read_search_args gives, and each parameter it left out with what is
    wrong (the API refuses those; the query text is never refused: what the parser cannot read is taken as plain
    words)."""
    errors = {}
    text = " ".join((args.get("q") or "").split())[:MAX_QUERY_LENGTH]
    given_types = args.getlist("type")
    types = tuple(dict.fromkeys(kind for kind in given_types if kind in DOCUMENT_TYPES))
    unknown_types = [kind for kind in given_types if kind not in DOCUMENT_TYPES]
    if unknown_types:
        errors["type"] = _(
            "Unknown type: %(value)s. Use one of: %(choices)s.",
            value=", ".join(unknown_types),
            choices=", ".join(DOCUMENT_TYPES),
        )
    filters = {}
    for name in FACETS:
        if name == "type" or name not in args:
            continue
        if _valid_filter(name, args.get(name)):
            filters[name] = args.get(name)
        else:
            errors[name] = _("Unknown value: %(value)s.", value=args.get(name))
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        errors["sort"] = _("Unknown sort: %(value)s. Use one of: %(choices)s.", value=sort, choices=", ".join(SORTS))
        sort = "relevance"
    raw_page = args.get("page", "1")
    if raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE:
        page = int(raw_page)
    else:
        errors["page"] = _("The page must be a whole number from 1 to %(max)d.", max=MAX_PAGE)
        page = 1
    return {"text": text, "types": types, "filters": filters, "sort": sort, "page": page}, errors
