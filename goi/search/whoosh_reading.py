"""Reading a Whoosh index: one shared searcher per process and index, opened with every segment file, and what
each searcher generation computes (visibility sets, match sets, facet codes, columns) as numpy arrays.

Per-segment parts are kept across generations while their segment lives: a segment's documents never change,
deletions only remove matches (the live set is intersected by the caller).
"""

import atexit
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property

import numpy as np
from whoosh import query, scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

from goi.search.whoosh_queries import VocabularyCheck

# Attempts to open a searcher whose segments are not merged away meanwhile (see open_searcher).
OPEN_ATTEMPTS = 20
# Match sets (sorted docnums) of query terms and phrases kept per segment, most recently used first.
MATCH_CACHE_SIZE = 4096
# What one searcher generation keeps, most recently used first: match sets, facet codes, columns and vocabulary
# checks; and the visibility sets of this many viewers (at 100,000 public documents one takes 0.8 MB).
GENERATION_CACHE_SIZE = 2048
VISIBILITY_CACHE_SIZE = 64


class RecentCache(OrderedDict):
    """A dict that keeps only its size most recently used entries."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def __getitem__(self, key):
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class BoostedBM25F(scoring.BM25F):
    """BM25F times the document's own boost, so that open challenges rank ahead when relevance is close."""

    use_final = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._boosts = None

    def final(self, searcher, docnum, score):
        if self._boosts is None:
            self._boosts = searcher.reader().column_reader("boost_milli")
        return score * ((self._boosts[docnum] or 1000) / 1000)


class _Allowed:
    """The documents a viewer may see: sorted docnums, and as a set for Whoosh's collectors (the fallback only)."""

    def __init__(self, array: np.ndarray):
        self.array = array

    @cached_property
    def set(self) -> set[int]:
        return set(self.array.tolist())


class SearcherState:
    """What one searcher generation has computed: visibility sets, facet codes, vocabulary checks.

    Per-segment parts (postings of principals, facet codes, sort columns, boosts) are kept across generations
    while their segment lives: a segment's documents never change, deletions only remove matches.
    """

    def __init__(self, searcher, segment_cache: dict, match_cache: "RecentCache"):
        self.searcher = searcher
        self.match_cache = match_cache
        leaf_searchers = searcher.leaf_searchers()
        self.leaves = [(sub.reader(), offset, _segment_key(sub.reader())) for sub, offset in leaf_searchers]
        self.leaf_searchers = [sub for sub, _offset in leaf_searchers]
        self.segment_cache = segment_cache
        # Bounded: a searcher generation lives until the next write, which may be days on a quiet index, and the
        # visibility set of every distinct viewer (one int64 per visible document) and the match set of every
        # distinct query would pile up.
        self.cache = RecentCache(GENERATION_CACHE_SIZE)
        self.visibility = RecentCache(VISIBILITY_CACHE_SIZE)
        self.vocabulary_cache = {
            "nearest": RecentCache(GENERATION_CACHE_SIZE),
            "known": RecentCache(GENERATION_CACHE_SIZE),
        }

    def _per_segment(self, name, compute, matches: bool = False):
        """compute(reader, leaf searcher) per segment, kept while the segment lives. The match sets of query
        terms and phrases (matches=True) are kept for the MATCH_CACHE_SIZE most recently used only."""
        cache = self.match_cache if matches else self.segment_cache
        parts = []
        for (reader, offset, key), leaf in zip(self.leaves, self.leaf_searchers, strict=True):
            cache_key = (key, name)
            if cache_key not in cache:
                cache[cache_key] = compute(reader, leaf)
            parts.append((cache[cache_key], offset))
        return parts

    def _term_docs(self, terms_: tuple[tuple[str, str], ...]) -> np.ndarray:
        key = ("terms", terms_)
        if key not in self.cache:
            parts = self._per_segment(
                key, lambda reader, _leaf: _union(_postings(reader, f, t) for f, t in terms_), matches=True
            )
            self.cache[key] = np.concatenate([ids + offset for ids, offset in parts]) if parts else _EMPTY
        return self.cache[key]

    def allowed(self, principals: tuple[str, ...], now: datetime, restriction) -> _Allowed:
        """Documents the principals may see at now (exact: delayed ones by their own visible_from)."""
        direct = self._term_docs(tuple(("principals", p) for p in principals))
        delayed = self._delayed(principals)
        visible_delayed = tuple(docnum for docnum, moment in delayed if moment is not None and moment <= now)
        key = ("allowed", principals, visible_delayed, repr(restriction))
        if key not in self.visibility:
            # direct is sorted and unique already (per segment, offsets ascending): no union unless needed.
            array = np.union1d(direct, np.array(visible_delayed, dtype=np.int64)) if visible_delayed else direct
            if restriction is not None:
                array = intersect(array, self.docs(restriction))
            self.visibility[key] = _Allowed(array)
        return self.visibility[key]

    def _delayed(self, principals):
        key = ("delayed", principals)
        if key not in self.visibility:
            docnums = self._term_docs(tuple(("delayed_principals", p) for p in principals))
            moments = [(int(d), self.searcher.stored_fields(int(d)).get("visible_from")) for d in docnums]
            self.visibility[key] = moments
        return self.visibility[key]

    def docs(self, node) -> np.ndarray:
        """Sorted global docnums matching node (no scoring)."""
        return _docs(self, node)

    def facet(self, name: str) -> tuple[list[str], np.ndarray]:
        key = ("facet", name)
        if key not in self.cache:
            parts = self._per_segment(key, lambda reader, _leaf: _facet_codes(reader, name))
            values: list[str] = []
            index_of: dict[str, int] = {}
            codes = []
            for (segment_values, segment_codes), _offset in parts:
                mapping = np.array([index_of.setdefault(v, len(index_of)) for v in segment_values] + [-1])
                codes.append(mapping[segment_codes])
            values = list(index_of)
            self.cache[key] = (values, np.concatenate(codes) if codes else _EMPTY)
        return self.cache[key]

    def column(self, name: str) -> np.ndarray:
        key = ("column", name)
        if key not in self.cache:
            parts = self._per_segment(key, lambda reader, _leaf: _column(reader, name))
            self.cache[key] = np.concatenate([values for values, _offset in parts]) if parts else _EMPTY
        return self.cache[key]

    def max_boost(self) -> float:
        column = self.column("boost_milli")
        return max(1000, int(column.max()) if len(column) else 1000) / 1000

    def vocabulary(self, text: str) -> "VocabularyCheck":
        return VocabularyCheck(self.searcher.reader(), text, self.vocabulary_cache)


_EMPTY = np.zeros(0, dtype=np.int64)


def _segment_key(reader) -> tuple:
    segment = reader.segment()
    if segment is None:  # the reader of an index that has never held a document
        return ("", 0)
    return (segment.segment_id(), segment.doc_count_all())


def _postings(reader, fieldname: str, text: str) -> np.ndarray:
    """Sorted segment docnums of a term, deleted documents included (they never match a query)."""
    field = reader.schema[fieldname] if fieldname in reader.schema else None  # noqa: SIM401 (no .get)
    if field is None:
        return _EMPTY
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return _EMPTY
    if (fieldname, btext) not in reader:
        return _EMPTY
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        blocks = []
        while matcher.is_active():
            matcher._read_ids()
            blocks.append(np.asarray(matcher._ids, dtype=np.int64))
            matcher._next_block()
        return np.concatenate(blocks) if blocks else _EMPTY
    return np.fromiter(matcher.all_ids(), dtype=np.int64)


def _union(arrays) -> np.ndarray:
    """The sorted union of sorted arrays of docnums, through a mask over the docnums (linear: np.unique sorts the
    concatenation, a few hundred thousand postings for a common word in several fields)."""
    arrays = [array for array in arrays if len(array)]
    if not arrays:
        return _EMPTY
    if len(arrays) == 1:
        return arrays[0]
    mask = np.zeros(max(int(array[-1]) for array in arrays) + 1, dtype=bool)
    for array in arrays:
        mask[array] = True
    return np.flatnonzero(mask)


def intersect(found: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The docnums of sorted array found that are in sorted array other, in order (linear, through a mask)."""
    if not len(found) or not len(other):
        return _EMPTY
    mask = np.zeros(max(int(found[-1]), int(other[-1])) + 1, dtype=bool)
    mask[other] = True
    return found[mask[found]]


def _facet_codes(reader, name: str) -> tuple[list[str], np.ndarray]:
    codes = np.full(reader.doc_count_all(), -1, dtype=np.int64)
    values = []
    if name in reader.schema:
        for code, value in enumerate(reader.field_terms(name)):
            values.append(value)
            codes[_postings(reader, name, value)] = code
    return values, codes


def _column(reader, name: str) -> np.ndarray:
    if not reader.has_column(name):
        return np.zeros(reader.doc_count_all(), dtype=np.int64)
    return np.array(list(reader.column_reader(name)), dtype=np.int64)


def _docs(state: SearcherState, node) -> np.ndarray:
    """Sorted global docnums of a query: terms from their postings, And/Or/Not as set operations; phrases and
    other queries by Whoosh's own (unscored) matcher."""
    if isinstance(node, query.Term):
        return state._term_docs(((node.fieldname, node.text),))
    if isinstance(node, query.Or):
        if node.minmatch > 1:
            # A SoftOr: the documents in at least minmatch of its groups (each group's docnums are unique).
            ids, counts = np.unique(
                np.concatenate([_docs(state, child) for child in node.subqueries]), return_counts=True
            )
            return ids[counts >= node.minmatch]
        return _union(_docs(state, child) for child in node.subqueries)
    if isinstance(node, query.And):
        positive = [child for child in node.subqueries if not isinstance(child, query.Not)]
        negative = [child.query for child in node.subqueries if isinstance(child, query.Not)]
        found = _docs(state, positive[0]) if positive else live_docs(state)
        for child in positive[1:]:
            found = intersect(found, _docs(state, child))
        for child in negative:
            found = np.setdiff1d(found, _docs(state, child), assume_unique=True)
        return found
    if isinstance(node, query.AndNot):
        return np.setdiff1d(_docs(state, node.a), _docs(state, node.b), assume_unique=True)
    if isinstance(node, query.AndMaybe):
        return _docs(state, node.a)
    if isinstance(node, query.Not):
        return np.setdiff1d(live_docs(state), _docs(state, node.query), assume_unique=True)
    if isinstance(node, query.Every):
        return live_docs(state)
    if node is query.NullQuery:
        return _EMPTY
    key = ("query", repr(node))
    if key not in state.cache:
        # Per segment (a phrase over a big segment costs tens of milliseconds); documents deleted later are
        # removed by the caller's intersection with the live set, as for terms.
        parts = state._per_segment(
            key, lambda _reader, leaf: np.fromiter(sorted(leaf.docs_for_query(node)), dtype=np.int64), matches=True
        )
        state.cache[key] = np.concatenate([ids + offset for ids, offset in parts]) if parts else _EMPTY
    return state.cache[key]


def _segment_live(reader) -> np.ndarray:
    """A segment's documents that are not deleted, as numpy (iterating all_doc_ids costs ~2.5 µs a document)."""
    ids = np.arange(reader.doc_count_all(), dtype=np.int64)
    if not reader.has_deletions():
        return ids
    deleted = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)
    return np.setdiff1d(ids, deleted, assume_unique=True)


def live_docs(state: SearcherState) -> np.ndarray:
    # Per searcher, not per segment: deletions change a segment's live set without changing its key.
    key = ("live",)
    if key not in state.cache:
        parts = [_segment_live(reader) + offset for reader, offset, _key in state.leaves]
        state.cache[key] = np.concatenate(parts) if parts else _EMPTY
    return state.cache[key]


class _SharedSearcher:
    """One searcher per process and index, replaced only when the index changed (a write by any process).

    Whoosh searchers are not safe for concurrent use: queries of one process take turns (they are CPU-bound
    Python, so threads would not run them in parallel anyway).
    """

    def __init__(self, ix):
        self.ix = ix
        self.lock = threading.Lock()
        self.current = None
        self.state: SearcherState | None = None
        self.segment_cache: dict = {}
        self.match_cache = RecentCache(MATCH_CACHE_SIZE)

    @contextmanager
    def searcher(self):
        with self.lock:
            if self.current is None or not self.current.up_to_date():
                if self.current is not None:
                    self.current.close()
                self.current = open_searcher(self.ix)
                self.state = SearcherState(self.current, self.segment_cache, self.match_cache)
                live = {key for _reader, _offset, key in self.state.leaves}
                for cache in (self.segment_cache, self.match_cache):
                    for cache_key in [k for k in cache if k[0] not in live]:
                        del cache[cache_key]
            yield self.current, self.state

    def close(self) -> None:
        """Close the searcher's files (a query after this opens a new one)."""
        with self.lock:
            if self.current is not None:
                self.current.close()
            self.current = self.state = None
            self.segment_cache.clear()
            self.match_cache.clear()


def open_searcher(ix):
    """A searcher with every file of its segments open.

    Whoosh opens a segment's terms and postings with its reader, but the column files (stored fields, field
    lengths, sort columns) on first use, and a writer that merged the segment away meanwhile has deleted them.
    Opened now, and confirmed by every segment still being in the index's latest table of contents (a writer
    deletes a segment's files only after dropping it from there), they stay readable for the searcher's life.
    """
    searcher = None
    for _attempt in range(OPEN_ATTEMPTS):
        if searcher is not None:
            searcher.close()
        searcher = ix.searcher(weighting=BoostedBM25F())
        try:
            opened = {_open_files(sub.reader()) for sub, _offset in searcher.leaf_searchers()} - {None}
            if opened <= {segment.segment_id() for segment in ix._segments()}:
                return searcher
        except OSError:  # a file (or the table of contents) was replaced while being opened
            continue
    return searcher  # the index kept being merged: the last searcher, with what it could open


def _open_files(reader) -> str | None:
    """Open the column files of a segment reader (Whoosh keeps them open with the reader); its segment id (None
    for the reader of an index that has never held a document)."""
    segment = reader.segment()
    if segment is None or not reader.doc_count_all():
        return None if segment is None else segment.segment_id()
    perdoc = reader._perdoc  # Whoosh 2.7's per-document reader: its column files by name
    for name, field in reader.schema.items():
        if field.column_type and reader.has_column(name):
            reader.column_reader(name)
        if field.scorable:
            reader.doc_field_length(0, name)
    if perdoc.has_column("_stored"):
        reader.stored_fields(0)
    # Whoosh asks the file system whether a column exists on every use: the files opened here answer for
    # themselves once a merge has deleted them.
    opened, exists = frozenset(perdoc._colfiles), perdoc.has_column
    perdoc.has_column = lambda fieldname: fieldname in opened or exists(fieldname)
    return segment.segment_id()


_SHARED: dict[tuple[int, str], _SharedSearcher] = {}
_SHARED_LOCK = threading.Lock()
# Indexes whose searcher a process keeps open: a deployment has one; a test run opens one per app.
OPEN_INDEXES = 4


def shared_searcher(ix, cache_key) -> _SharedSearcher:
    with _SHARED_LOCK:
        found = _SHARED.pop(cache_key, None)
        if found is None or found.ix is not ix:
            if found is not None:
                found.close()
            found = _SharedSearcher(ix)
        _SHARED[cache_key] = found  # most recently used last
        while len(_SHARED) > OPEN_INDEXES:
            _SHARED.pop(next(iter(_SHARED))).close()
        return found


@atexit.register
def _close_searchers() -> None:
    with _SHARED_LOCK:
        while _SHARED:
            _SHARED.popitem()[1].close()
