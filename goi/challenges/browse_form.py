"""The filters of the public challenge list (/challenges), read and validated from the query string."""

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional

from goi.challenges.forms import SOLVER_KIND_LABELS, current_locale
from goi.core.forms import PlainForm, QuickSelectField, RupiahField, select_choices
from goi.data import regions, taxonomy

BROWSE_STATUSES = {
    "open": _l("Open"),
    "closed": _l("Closed"),
    "under_review": _l("Under review"),
    "decided": _l("Decided"),
    "archived": _l("Archived"),
    "cancelled": _l("Cancelled"),
}
BROWSE_SORTS = {
    "deadline": _l("Deadline soonest"),
    "newest": _l("Newest"),
    "budget": _l("Budget highest"),
    "relevance": _l("Best match (with keywords)"),
}


@lru_cache(maxsize=8)
def _choices(locale: str) -> dict[str, list]:
    """The filters' options in one language, their labels translated once (the lists are only read)."""
    everything = ("", str(_l("— all —")))
    kinds = ((kind.value, str(label)) for kind, label in SOLVER_KIND_LABELS.items())
    return {
        "status": select_choices([everything, *((key, str(label)) for key, label in BROWSE_STATUSES.items())]),
        "sector": select_choices([everything, *taxonomy.sector_choices(locale)]),
        "province": select_choices([everything, *regions.province_choices()]),
        "metro": select_choices([everything, *((metro.code, metro.name) for metro in regions.metros())]),
        "kind": select_choices([everything, *kinds]),
        "sort": select_choices((key, str(label)) for key, label in BROWSE_SORTS.items()),
    }


class BrowseForm(PlainForm):
    """The filters of /challenges, read from the query string."""

    q = StringField(_l("Keywords"), validators=[Optional(), Length(max=200)])
    status = QuickSelectField(_l("Status"), validators=[Optional()])
    sector = QuickSelectField(_l("Sector"), validators=[Optional()])
    province = QuickSelectField(_l("Province"), validators=[Optional()])
    metro = QuickSelectField(_l("Metropolitan area"), validators=[Optional()])
    kind = QuickSelectField(_l("Who may apply"), validators=[Optional()])
    budget_min = RupiahField(_l("Budget from (Rp)"), validators=[Optional()])
    budget_max = RupiahField(_l("Budget up to (Rp)"), validators=[Optional()])
    closes_within = IntegerField(_l("Deadline within (days)"), validators=[Optional(), NumberRange(min=1, max=3650)])
    closes_from = DateField(_l("Deadline from"), validators=[Optional()])
    closes_until = DateField(_l("Deadline until"), validators=[Optional()])
    sort = QuickSelectField(_l("Sort by"), validators=[Optional()], default="deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in _choices(current_locale()).items():
            self[name].choices = choices

    def validated_filters(self) -> tuple[dict, list[str]]:
        """The valid filters as a dict, and the labels of the ones ignored because their value was not valid."""
        self.validate()
        filters: dict = {}
        ignored: list[str] = []
        for name, field in self._fields.items():
            if field.errors:
                ignored.append(str(field.label.text))
                continue
            if field.data not in (None, "", []):
                filters[name] = field.data
        if "closes_from" in filters and "closes_until" in filters and filters["closes_from"] > filters["closes_until"]:
            ignored.append(str(self.closes_until.label.text))
            del filters["closes_until"]
        if isinstance(filters.get("q"), str):
            filters["q"] = " ".join(filters["q"].split()) or None
            if not filters["q"]:
                del filters["q"]
        if filters.get("sort") == "relevance" and "q" not in filters:
            del filters["sort"]
        filters.setdefault("sort", "relevance" if "q" in filters else "deadline")
        return filters, ignored
