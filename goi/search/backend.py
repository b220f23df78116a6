"""The engine behind search: a small interface that Whoosh implements (and a PostgreSQL backend could)."""

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from goi.search.types import SearchDocument, SearchQuery, SearchResults


def fingerprint(document: SearchDocument) -> str:
    """A hash of everything the index holds of a document: check compares it with the database's version."""
    values = {name: getattr(document, name) for name in document.__slots__}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:32]


class IndexBusy(Exception):
    """Another writer holds the index; the caller leaves its work pending for the next writer."""


class IndexBatch(ABC):
    """Changes made under the index's write lock, committed together when the batch ends without error."""

    @abstractmethod
    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace documents (by key)."""

    @abstractmethod
    def remove(self, keys: Iterable[str]) -> None:
        """Remove documents by key (absent keys are ignored)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (a rebuild adds them back in the same batch)."""


class SearchBackend(ABC):
    """An index of SearchDocuments that answers SearchQueries filtered for the viewer."""

    @abstractmethod
    def batch(self, timeout: float) -> AbstractContextManager[IndexBatch]:
        """Take the write lock (waiting at most timeout seconds, else IndexBusy) for a batch of changes.

        Callers read the database inside the batch, so that a slower writer never overwrites newer documents.
        """

    @abstractmethod
    def query(self, query: SearchQuery) -> SearchResults:
        """The page of hits the query's principals may see, with facet counts over the whole result set."""

    @abstractmethod
    def ranked_ids(self, query: SearchQuery, limit: int) -> list[int]:
        """Object ids of the query's best `limit` matches its principals may see, in the query's order (no page,
        no snippets, no facets: the challenge list's keyword filter)."""

    @abstractmethod
    def keys(self) -> dict[str, str]:
        """Every indexed key with its document's fingerprint (for check)."""

    @abstractmethod
    def vocabulary_matches(self, text: str, maxdist: int) -> Iterator[tuple[str, int]]:
        """Indexed terms within maxdist edits of text, with their document frequency."""

    def index(self, documents: Iterable[SearchDocument], timeout: float = 10.0) -> None:
        with self.batch(timeout) as batch:
            batch.index(documents)

    def remove(self, keys: Iterable[str], timeout: float = 10.0) -> None:
        with self.batch(timeout) as batch:
            batch.remove(keys)

    def clear(self, timeout: float = 10.0) -> None:
        with self.batch(timeout) as batch:
            batch.clear()
