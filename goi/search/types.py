"""The shapes that cross the search interface: documents in, queries in, results out."""

from dataclasses import dataclass, field
from datetime import datetime

DOCUMENT_TYPES = ("challenge", "organization", "profile", "question", "addendum", "proposal", "result")
SORTS = ("relevance", "deadline", "newest")
FACETS = ("type", "sector", "province", "status", "org_kind")


@dataclass(slots=True)
class SearchDocument:
    """One searchable record as the index sees it; key is "<type>:<id>"."""

    key: str
    type: str
    object_id: int
    title: str
    summary: str = ""
    body: str = ""
    ref: str | None = None
    url: str = ""
    sector: str | None = None
    province: str | None = None
    status: str | None = None
    org_kind: str | None = None
    owner: str = ""
    region: str = ""
    deadline: datetime | None = None
    created_at: datetime | None = None
    # Who may see it: "public", or principals such as "user:5", "manages:3" (admins of organization 3).
    principals: tuple[str, ...] = ("public",)
    # Principals that see it only from this moment (a sealed proposal's owners after the deadline).
    delayed_principals: tuple[str, ...] = ()
    visible_from: datetime | None = None
    # Open challenges rank ahead of archived ones when relevance is close.
    boost: float = 1.0


@dataclass(slots=True)
class SearchQuery:
    text: str
    principals: tuple[str, ...] = ("public",)
    now: datetime | None = None
    types: tuple[str, ...] = ()
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass(slots=True)
class Hit:
    type: str
    object_id: int
    ref: str | None
    title: str
    snippet: str  # HTML: the record's text escaped, matched terms in <mark>
    url: str
    score: float
    facts: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class SearchResults:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None = None
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
