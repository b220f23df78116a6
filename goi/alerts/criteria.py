"""What a saved search keeps of the challenge list's filters, read from the list's own validated filters.

The state and the order are left out: they describe the list, and a new challenge is always open.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import date

from babel.dates import format_date
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from goi.challenges.display import format_rupiah
from goi.challenges.forms import SOLVER_KIND_LABELS
from goi.challenges.models import SolverKind
from goi.data import regions, taxonomy

NAME_LENGTH = 80
# The name of each criterion in the challenge list's query string (see challenges.browse_form.BrowseForm).
LIST_ARGUMENTS = {
    "keywords": "q",
    "sector": "sector",
    "province_code": "province",
    "metro_code": "metro",
    "solver_kind": "kind",
    "budget_min": "budget_min",
    "budget_max": "budget_max",
    "closes_within_days": "closes_within",
    "closes_from": "closes_from",
    "closes_until": "closes_until",
}
LABELS = {
    "keywords": _l("Keywords"),
    "sector": _l("Sector"),
    "province_code": _l("Province"),
    "metro_code": _l("Metropolitan area"),
    "solver_kind": _l("Who may apply"),
    "budget_min": _l("Budget from"),
    "budget_max": _l("Budget up to"),
    "closes_within_days": _l("Deadline within (days)"),
    "closes_from": _l("Deadline from"),
    "closes_until": _l("Deadline until"),
}


@dataclass(frozen=True, slots=True)
class Criteria:
    """The chosen filters of one search; None where nothing is chosen. Columns of SavedSearch by the same names."""

    keywords: str | None = None
    sector: str | None = None
    province_code: str | None = None
    metro_code: str | None = None
    solver_kind: str | None = None
    budget_min: int | None = None
    budget_max: int | None = None
    closes_within_days: int | None = None
    closes_from: date | None = None
    closes_until: date | None = None

    @classmethod
    def from_filters(cls, filters: dict) -> "Criteria":
        """From BrowseForm.validated_filters() (or the search page's filters, read the same way)."""
        return cls(**{name: filters.get(argument) or None for name, argument in LIST_ARGUMENTS.items()})

    @classmethod
    def of(cls, saved) -> "Criteria":
        return cls(**{name: getattr(saved, name) for name in LIST_ARGUMENTS})

    def is_empty(self) -> bool:
        return all(value is None for value in asdict(self).values())

    def list_arguments(self) -> dict[str, str]:
        """The challenge list's query string of these criteria (also the hidden fields of the save form)."""
        return {
            LIST_ARGUMENTS[name]: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in asdict(self).items()
            if value is not None
        }

    def key(self) -> str:
        """The same for the same criteria (keywords compared without case, as the keyword filter reads them)."""
        arguments = self.list_arguments()
        if "q" in arguments:
            arguments["q"] = arguments["q"].casefold()
        return hashlib.sha256(json.dumps(arguments, sort_keys=True).encode()).hexdigest()

    def in_words(self) -> list[tuple[str, str]]:
        """(label, value) of each chosen criterion, in the current language."""
        locale = str(get_locale() or "id")
        return [
            (str(LABELS[field.name]), _value_in_words(field.name, value, locale)) for field, value in self._chosen()
        ]

    def _chosen(self):
        return [(field, getattr(self, field.name)) for field in fields(self) if getattr(self, field.name) is not None]


def _value_in_words(name: str, value, locale: str) -> str:
    if name == "sector":
        sector = taxonomy.sector(value)
        return sector.label(locale) if sector else value
    if name == "province_code":
        province = regions.province(value)
        return province.name if province else value
    if name == "metro_code":
        metro = regions.metro(value)
        return metro.name if metro else value
    if name == "solver_kind":
        return str(SOLVER_KIND_LABELS[SolverKind(value)])
    if name in ("budget_min", "budget_max"):
        return format_rupiah(value)
    if name == "closes_within_days":
        return ngettext("%(num)d day", "%(num)d days", value)
    if name in ("closes_from", "closes_until"):
        return format_date(value, "d MMM y", locale=locale)
    return str(value)


def default_name(criteria: Criteria) -> str:
    """A name from the criteria's values, as the list of saved searches first shows it (the user may rename it)."""
    name = ""
    for _label, value in criteria.in_words():
        longer = f"{name} · {value}" if name else value
        # Room for " …" after the values that fit.
        if len(longer) > NAME_LENGTH - 2:
            return f"{name} …" if name else value[: NAME_LENGTH - 1] + "…"
        name = longer
    return name
