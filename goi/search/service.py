"""The search service: the only entry point of views, the API and commands.

    viewer_principals(user) -> tuple[str, ...]
    search(user, text, types=(), filters={}, sort="relevance", page=1, per_page=20) -> SearchResults
    run_query(backend, SearchQuery) -> SearchResults          (the same query path on a given backend)
    challenge_ids_matching(text, principals) -> list[int]      (ranked, for the challenge list's keyword filter)
    keyword_texts_matching(challenge_id, texts) -> set[str]     (the texts whose keyword filter lists a challenge)
    apply_pending() -> int      rows of the outbox applied to the index (0 when another writer holds it)
    rebuild() -> int            documents written by a rebuild from the database
    check() -> list[str]        differences between the index and the database (empty when they agree)

search() never raises on odd input: unknown types, filters and sorts are ignored, page and per_page are clamped,
and an empty query lists everything the viewer may see, newest first. Hits carry an HTML snippet (the record's
text escaped, matched words in <mark>) and facts: owner, region, status, sector, province (code), org_kind,
deadline and created_at (ISO 8601, UTC), each only when known. Facet values are the stored codes (sector code,
province code, status, org kind, type), counted over the whole result set.
"""

from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from goi.core import clock
from goi.extensions import db
from goi.orgs.models import MemberRole, Membership, Organization, OrgKind
from goi.search.backend import SearchBackend, fingerprint
from goi.search.types import DOCUMENT_TYPES, FACETS, SORTS, SearchQuery, SearchResults
from goi.search.whoosh_backend import WhooshBackend

MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_QUERY_LENGTH = 500
REBUILD_LOCK_TIMEOUT = 30.0


def backend() -> SearchBackend:
    """The application's backend: a Whoosh index in SEARCH_INDEX_PATH, or <instance>/search."""
    config = current_app.config
    path = config.get("SEARCH_INDEX_PATH") or Path(config.get("INSTANCE_PATH") or current_app.instance_path) / "search"
    return WhooshBackend(path)


def viewer_principals(user) -> tuple[str, ...]:
    """("public",) for anonymous; plus "user:<id>" and "manages:<org id>" per verified government it administers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ("public",)
    managed = db.session.scalars(
        select(Membership.organization_id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(
            Membership.user_id == user.id,
            Membership.role.in_((MemberRole.OWNER, MemberRole.ADMIN)),
            Organization.kind == OrgKind.GOVERNMENT,
            Organization.verified_at.is_not(None),
        )
        .order_by(Membership.organization_id)
    )
    return ("public", f"user:{user.id}", *(f"manages:{organization_id}" for organization_id in managed))


def _clamp(value, low: int, high: int, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def search(
    user,
    text: str | None,
    types=(),
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> SearchResults:
    """The page of results user may see for text; see the module docstring."""
    if isinstance(types, str):
        types = (types,)
    chosen_types = tuple(kind for kind in (types or ()) if kind in DOCUMENT_TYPES)
    chosen_filters = {
        name: str(value)
        for name, value in (filters or {}).items()
        if name in FACETS and name != "type" and isinstance(value, str | int) and str(value)
    }
    type_filter = (filters or {}).get("type")
    if type_filter in DOCUMENT_TYPES and not chosen_types:
        chosen_types = (type_filter,)
    query = SearchQuery(
        text=(text or "")[:MAX_QUERY_LENGTH] if isinstance(text, str) else "",
        principals=viewer_principals(user),
        now=clock.now(),
        types=chosen_types,
        filters=chosen_filters,
        sort=sort if sort in SORTS else "relevance",
        page=_clamp(page, 1, MAX_PAGE, 1),
        per_page=_clamp(per_page, 1, MAX_PER_PAGE, 20),
    )
    return run_query(backend(), query)


def warm_up() -> None:
    """Load what the first query would otherwise load (about 1.5 s): the thesaurus's expansion maps, its acronyms
    and Sastrawi's dictionary. Called once per process at start-up (wsgi.py)."""
    from goi.search.analysis import terms
    from goi.search.glossary import longest_phrase

    longest_phrase()
    terms("Pengelolaan sampah TPA")


def run_query(engine: SearchBackend, query: SearchQuery) -> SearchResults:
    """The query path of search(), for a given backend and an already built SearchQuery (benchmarks use it)."""
    return engine.query(query)


def challenge_ids_matching(text: str, principals: tuple[str, ...] = ("public",)) -> list[int]:
    """Ids of the challenges these principals may see that match text, best first."""
    query = SearchQuery(
        text=(text or "")[:MAX_QUERY_LENGTH],
        principals=tuple(principals),
        now=clock.now(),
        types=("challenge",),
    )
    # Ranked in one pass without snippets or facets (page by page with hits took 1.5 s for 5,000 matching
    # challenges in a 100,000-document index); as many as the search pages could ever show.
    return backend().ranked_ids(query, limit=MAX_PER_PAGE * MAX_PAGE)


def keyword_texts_matching(challenge_id: int, texts) -> set[str]:
    """The texts among texts whose keyword filter would list the public challenge challenge_id, read from the
    session, so before the index holds the transaction's change (the alerts of saved searches; see matching)."""
    from goi.search.matching import keyword_texts_matching as matching

    return matching(db.session, backend(), challenge_id, texts)


def apply_pending() -> int:
    """Apply the outbox's pending rows to the index (0 when another writer holds it)."""
    from goi.search.outbox import apply_pending as apply

    return apply()


def rebuild() -> int:
    """Replace the index with every document the database holds; marks the outbox rows pending before it done."""
    from goi.search.documents import all_documents
    from goi.search.models import SearchOutbox
    from goi.search.outbox import mark_indexed

    with backend().batch(REBUILD_LOCK_TIMEOUT) as batch, Session(bind=db.engine) as session:
        # Read before the documents: every change of these rows was committed before the documents are read.
        pending = list(session.scalars(select(SearchOutbox.id).where(SearchOutbox.indexed_at.is_(None))))
        documents = list(all_documents(session))
        session.rollback()
        batch.clear()
        batch.index(documents)
    with Session(bind=db.engine) as session, session.begin():
        mark_indexed(session, pending)
    return len(documents)


def check() -> list[str]:
    """Differences between the index and the database: missing, unexpected and stale documents."""
    from goi.search.documents import all_documents

    with Session(bind=db.engine) as session:
        expected = {document.key: fingerprint(document) for document in all_documents(session)}
    indexed = backend().keys()
    differences = [f"missing {key}" for key in sorted(expected.keys() - indexed.keys())]
    differences += [f"unexpected {key}" for key in sorted(indexed.keys() - expected.keys())]
    differences += [f"stale {key}" for key in sorted(expected.keys() & indexed.keys()) if expected[key] != indexed[key]]
    return differences


def challenge_ids_for_viewer(user, text: str) -> list[int]:
    """The challenge list's keyword filter: ids of matching challenges user may see, best first."""
    return challenge_ids_matching(text, viewer_principals(user))
