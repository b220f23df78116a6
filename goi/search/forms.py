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
    """q, types, filters, sort and page from a query string; what is not valid is left out."""
    text = " ".join((args.get("q") or "").split())[:MAX_QUERY_LENGTH]
    types = tuple(dict.fromkeys(t for t in args.getlist("type") if t in DOCUMENT_TYPES))
    filters = {
        name: args.get(name)
        for name in FACETS
        if name != "type" and args.get(name) and _valid_filter(name, args.get(name))
    }
    sort = args.get("sort") if args.get("sort") in SORTS else "relevance"
    raw_page = args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE else 1
    return {"text": text, "types": types, "filters": filters, "sort": sort, "page": page}


def search_arg_errors(args) -> dict[str, str]:
    """The parameters of a query string that read_search_args would drop, each with what is wrong (the API
    refuses them; the query text itself is never refused: what the parser cannot read is taken as plain words)."""
    errors = {}
    unknown_types = [kind for kind in args.getlist("type") if kind not in DOCUMENT_TYPES]
    if unknown_types:
        errors["type"] = _(
            "Unknown type: %(value)s. Use one of: %(choices)s.",
            value=", ".join(unknown_types),
            choices=", ".join(DOCUMENT_TYPES),
        )
    if "sort" in args and args.get("sort") not in SORTS:
        errors["sort"] = _(
            "Unknown sort: %(value)s. Use one of: %(choices)s.", value=args.get("sort"), choices=", ".join(SORTS)
        )
    raw_page = args.get("page", "1")
    if not (raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE):
        errors["page"] = _("The page must be a whole number from 1 to %(max)d.", max=MAX_PAGE)
    for name in FACETS:
        if name != "type" and name in args and not _valid_filter(name, args.get(name)):
            errors[name] = _("Unknown value: %(value)s.", value=args.get(name))
    return errors
