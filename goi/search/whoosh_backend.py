"""The Whoosh backend: a file index in <instance>/search, BM25F ranking, glossary and typo expansion.

Queries are read by Whoosh's QueryParser over one pseudo-field with the analyzer of goi.search.analysis, so
"quoted phrases", -exclusions and AND/OR/NOT work; each word is then OR-ed with its glossary equivalents and,
when the public vocabulary lacks it, with its near spellings. The viewer's visibility is a filter of every query.
"""

import atexit
import fcntl
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import numpy as np
from whoosh import collectors, highlight, index, query, scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.matching.wrappers import FilterMatcher
from whoosh.qparser import OrGroup, QueryParser, plugins
from whoosh.reading import SegmentReader
from whoosh.searching import Results
from whoosh.writing import CLEAR, MERGE_SMALL

from goi.search import scoring as scoring_
from goi.search.analysis import analyzer, surface_analyzer, terms, words
from goi.search.backend import IndexBatch, IndexBusy, SearchBackend
from goi.search.glossary import equivalents, longest_phrase
from goi.search.types import FACETS, Hit, SearchDocument, SearchQuery, SearchResults

log = logging.getLogger("goi.search")

TEXT_FIELDS = ("title", "summary", "body")
FIELD_BOOSTS = {"title": 3.0, "summary": 2.0, "body": 1.0}
# Terms (stems) and words (as written) of public documents only: typo correction and "did you mean" never
# reveal a private document's words.
VOCABULARY_FIELD = "vocabulary"
WORDS_FIELD = "words"
NO_DEADLINE = 2**62
FACT_FIELDS = ("owner", "region", "status", "sector", "province", "org_kind")
# Words are OR-ed, and a document matching more of them ranks higher (coordination).
OR_GROUP = OrGroup.factory(0.9)
_EXCLUSION = re.compile(r'(?:(?<=\s)|^)-(?=[\w"])')
_OPERATOR_WORDS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
# After-commit writes add a small segment without merging; once this many segments exist, the small ones are
# merged (the big segment of a rebuild is left alone).
MAX_SEGMENTS = 8
# Segments are written as separate files, not one compound file: Whoosh opens a file of a compound segment by
# copying it into memory (a BytesIO over the mapped file), so at 100,000 documents every process reopening its
# searcher after a write copied about 260 MB; separate files are read in place.
WRITER_OPTIONS = {"compound": False}
# Attempts to open a searcher whose segments are not merged away meanwhile (see _open_searcher).
OPEN_ATTEMPTS = 20
# Match sets (sorted docnums) of query terms and phrases kept per segment, most recently used first.
MATCH_CACHE_SIZE = 4096


def build_schema() -> Schema:
    text_analyzer = analyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        type=ID(stored=True, sortable=True),
        object_id=NUMERIC(int, bits=64, stored=True),
        title=TEXT(analyzer=text_analyzer, stored=True, field_boost=FIELD_BOOSTS["title"]),
        summary=TEXT(analyzer=text_analyzer, stored=True, field_boost=FIELD_BOOSTS["summary"]),
        body=TEXT(analyzer=text_analyzer, stored=True, field_boost=FIELD_BOOSTS["body"]),
        vocabulary=TEXT(analyzer=text_analyzer, phrase=False),
        words=TEXT(analyzer=surface_analyzer(), phrase=False),
        sector=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
        org_kind=ID(stored=True, sortable=True),
        principals=KEYWORD(stored=True),
        delayed_principals=KEYWORD(stored=True),
        deadline=DATETIME(stored=True),
        created_at=DATETIME(stored=True),
        visible_from=DATETIME(stored=True),
        deadline_sort=NUMERIC(int, bits=64, sortable=True),
        created_sort=NUMERIC(int, bits=64, sortable=True),
        # Thousandths of the document's boost (Whoosh's float columns cannot have a default).
        boost_milli=NUMERIC(int, bits=32, sortable=True),
        boost=STORED,
        ref=STORED,
        url=STORED,
        owner=STORED,
        region=STORED,
        fingerprint=STORED,
    )


def _parse_schema() -> Schema:
    return Schema(all=TEXT(analyzer=analyzer(), multitoken_query="and"))


def _naive(moment: datetime | None) -> datetime | None:
    """Whoosh compares naive datetimes: UTC without its zone."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _epoch(moment: datetime | None, missing: int) -> int:
    return int(moment.timestamp()) if moment is not None else missing


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


class MarkFormatter(highlight.HtmlFormatter):
    """Escaped text with each matched word in a plain <mark>."""

    def __init__(self):
        super().__init__(between=" … ")

    def format_token(self, text, token, replace=False):
        return f"<mark>{self._text(highlight.get_text(text, token, replace))}</mark>"


def _fields_of(document: SearchDocument, fingerprint: str) -> dict:
    fields = {
        "key": document.key,
        "type": document.type,
        "object_id": document.object_id,
        "title": document.title or "",
        "summary": document.summary or "",
        "body": document.body or "",
        "principals": " ".join(document.principals),
        "delayed_principals": " ".join(document.delayed_principals),
        "deadline_sort": _epoch(document.deadline, NO_DEADLINE),
        "created_sort": _epoch(document.created_at, 0),
        "boost": float(document.boost),
        "boost_milli": round(float(document.boost) * 1000),
        "ref": document.ref,
        "url": document.url,
        "owner": document.owner,
        "region": document.region,
        "fingerprint": fingerprint,
    }
    if "public" in document.principals:
        fields[VOCABULARY_FIELD] = fields[WORDS_FIELD] = " ".join((document.title, document.summary, document.body))
    for name in ("sector", "province", "status", "org_kind"):
        value = getattr(document, name)
        if value:
            fields[name] = str(value)
    for name in ("deadline", "created_at", "visible_from"):
        value = _naive(getattr(document, name))
        if value is not None:
            fields[name] = value
    return fields


class WhooshBatch(IndexBatch):
    """Deletes by document number, its keys looked up in the committed segments' terms.

    Whoosh's update_document and delete_by_term open a searcher of the whole index for every document. A batch
    opens one reader per committed segment (a fraction of a millisecond for a segment of separate files, even at
    100,000 documents), looks every key up in it, deletes the documents found and adds the new versions.
    """

    def __init__(self, writer):
        self.writer = writer
        self.readers: list[tuple[SegmentReader, int]] | None = None
        self.cleared = False
        self.changed = False

    def _segment_readers(self) -> list[tuple[SegmentReader, int]]:
        if self.readers is None:
            self.readers, offset = [], 0
            for segment in self.writer.segments:
                self.readers.append((SegmentReader(self.writer.storage, self.writer.schema, segment), offset))
                offset += segment.doc_count_all()
        return self.readers

    def close(self) -> None:
        for reader, _offset in self.readers or ():
            reader.close()
        self.readers = None

    def _delete_keys(self, keys) -> None:
        if self.cleared:
            return
        field = self.writer.schema["key"]
        btexts = [field.to_bytes(key) for key in keys]
        for reader, offset in self._segment_readers():
            for btext in btexts:
                if ("key", btext) in reader:
                    for docnum in reader.postings("key", btext).all_ids():
                        self.writer.delete_document(offset + docnum)

    def index(self, documents) -> None:
        from goi.search.backend import fingerprint

        documents = list(documents)
        if not documents:
            return
        self.changed = True
        self._delete_keys(document.key for document in documents)
        for document in documents:
            self.writer.add_document(**_fields_of(document, fingerprint(document)))

    def remove(self, keys) -> None:
        keys = list(keys)
        if keys:
            self.changed = True
            self._delete_keys(keys)

    def clear(self) -> None:
        self.cleared = self.changed = True


_INDEXES: dict[tuple[int, str], index.Index] = {}
_MERGING: set[tuple[int, str]] = set()
_MERGING_LOCK = threading.Lock()


class WhooshBackend(SearchBackend):
    """A Whoosh file index in one directory, shared by every process of the host."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    # -- the index itself

    def _index(self) -> index.Index:
        cache_key = (os.getpid(), str(self.path))
        found = _INDEXES.get(cache_key)
        if found is not None:
            return found
        self.path.mkdir(parents=True, exist_ok=True)
        # Two processes starting at once must not both create the index.
        with open(self.path / "create.lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                if index.exists_in(str(self.path)):
                    opened = index.open_dir(str(self.path))
                else:
                    opened = index.create_in(str(self.path), build_schema())
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        _INDEXES[cache_key] = opened
        return opened

    @contextmanager
    def batch(self, timeout: float) -> Iterator[WhooshBatch]:
        try:
            # The lock is an flock: the kernel releases it when a holder dies, so it never stays stale.
            writer = self._index().writer(timeout=max(timeout, 0.0), delay=0.05, **WRITER_OPTIONS)
        except LockError:
            raise IndexBusy(str(self.path)) from None
        batch = WhooshBatch(writer)
        try:
            yield batch
        except BaseException:
            writer.cancel()
            raise
        finally:
            batch.close()
        if not batch.changed:
            # Nothing to write (another writer applied the rows): no new generation for every searcher to reopen.
            writer.cancel()
        elif batch.cleared:
            writer.commit(mergetype=CLEAR)
        else:
            # An incremental write (the outbox's after-commit path): a new small segment, never a merge, so the
            # request that committed does not wait for one. Once MAX_SEGMENTS exist, a background thread merges
            # the small ones when the index is free (or the next sync does).
            added = bool(writer._added)
            writer.commit(merge=False)
            if len(writer.segments) + added >= MAX_SEGMENTS:
                self._merge_in_background()

    def _merge_in_background(self) -> None:
        key = (os.getpid(), str(self.path))
        with _MERGING_LOCK:
            if key in _MERGING:
                return
            _MERGING.add(key)
        threading.Thread(target=self._merge_small, name="goi-search-merge", daemon=True).start()

    def _merge_small(self) -> None:
        try:
            try:
                writer = self._index().writer(timeout=0.0, **WRITER_OPTIONS)
            except LockError:
                return  # a writer holds the index: a later write (or sync) merges
            # The segment list is read under the lock: unlocked, another writer may remove the TOC being read.
            if len(writer.segments) < MAX_SEGMENTS:
                writer.cancel()
                return
            writer.commit(mergetype=MERGE_SMALL)
        except Exception:  # the merge is an optimisation; the index stays correct without it
            log.warning("search index merge failed", exc_info=True)
        finally:
            with _MERGING_LOCK:
                _MERGING.discard((os.getpid(), str(self.path)))

    def optimize(self, timeout: float = 30.0) -> None:
        """Merge every segment into one (sync and rebuild; queries never wait for it)."""
        try:
            writer = self._index().writer(timeout=max(timeout, 0.0), delay=0.05, **WRITER_OPTIONS)
        except LockError:
            raise IndexBusy(str(self.path)) from None
        writer.commit(optimize=True)

    def keys(self) -> dict[str, str]:
        with _open_searcher(self._index()) as searcher:
            return {fields["key"]: fields.get("fingerprint", "") for fields in searcher.all_stored_fields()}

    def vocabulary_matches(self, text: str, maxdist: int) -> Iterator[tuple[str, int]]:
        with self._index().searcher() as searcher:
            reader = searcher.reader()
            for word in reader.terms_within(WORDS_FIELD, text, maxdist, prefix=1):
                yield word, reader.doc_frequency(WORDS_FIELD, word)

    # -- queries

    def query(self, search_query: SearchQuery) -> SearchResults:
        shared = _shared(self._index(), (os.getpid(), str(self.path)))
        now = _naive(search_query.now or datetime.now(UTC))
        with shared.searcher() as (searcher, state):
            text = (search_query.text or "").strip()
            known = state.vocabulary(text)
            sort = search_query.sort
            if not _terms_in(text):
                parsed, sort = query.Every(), "newest" if sort == "relevance" else sort
            else:
                parsed = _parse(text, OR_GROUP, known)
            allowed = state.allowed(search_query.principals, now, _restriction(search_query))
            results = self._run(searcher, state, parsed, allowed, search_query, sort)
            results.suggestion = _suggestion(text, known) if text else None
            return results

    def _run(self, searcher, state, parsed, allowed, search_query: SearchQuery, sort: str) -> SearchResults:
        page, per_page = search_query.page, search_query.per_page
        # Every match the viewer may see, unscored: the total and the facet counts.
        matched = np.intersect1d(state.docs(parsed), allowed.array, assume_unique=True)
        if searcher.reader().has_deletions():
            matched = np.intersect1d(matched, _live(state), assume_unique=True)
        facet_counts = {}
        for name in FACETS:
            values, codes = state.facet(name)
            counts = np.bincount(codes[matched] + 1, minlength=len(values) + 1)[1:] if len(matched) else []
            facet_counts[name] = sorted(
                ((values[code], int(count)) for code, count in enumerate(counts) if count and values[code]),
                key=lambda item: (-item[1], item[0]),
            )
        hits: list[Hit] = []
        if len(matched) > (page - 1) * per_page:
            limit = page * per_page
            if sort in ("deadline", "newest"):
                # Sorted pages need no scores: the page's documents straight from the sort column.
                column = state.column("deadline_sort" if sort == "deadline" else "created_sort")[matched]
                # Ties as Whoosh's sort left them: index order, reversed for "newest" (the later write first).
                order = np.lexsort((-matched, -column) if sort == "newest" else (matched, column))[:limit]
                found = Results(searcher, parsed, [(None, int(docnum)) for docnum in matched[order]])
            else:
                found = _scored_page(searcher, state, parsed, matched, allowed, limit)
            found.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
            found.formatter = MarkFormatter()
            found.order = highlight.SCORE
            hits = [_hit(result) for result in found[(page - 1) * per_page : limit]]
        return SearchResults(total=len(matched), hits=hits, facets=facet_counts, page=page, per_page=per_page)


def _scored_page(searcher, state, parsed, matched: np.ndarray, allowed, limit: int) -> Results:
    """The top page by BM25F computed over numpy arrays (goi.search.scoring) on the visible match set, times
    each document's boost; a query node that scorer does not reproduce is scored by Whoosh's matchers instead."""
    boosts = state.column("boost_milli")[matched]
    boosts = np.where(boosts == 0, 1000, boosts) / 1000
    ranked = scoring_.top(state, parsed, matched, boosts, limit)
    if ranked is None:
        # Fallback: Whoosh's own matchers, block-quality skipping bounded by the largest document boost.
        collector = collectors.FilterCollector(
            collectors.TermsCollector(_TopCollector(limit, state.max_boost())), allow=allowed.set
        )
        searcher.search_with_collector(parsed, collector)
        return collector.results()
    top_n, docterms = ranked
    found = Results(searcher, parsed, top_n)
    # As Whoosh's TermsCollector records them: the highlighter marks the terms that matched.
    found.docterms = docterms
    termdocs: dict = {}
    for docnum, matched_terms in docterms.items():
        for term in matched_terms:
            termdocs.setdefault(term, []).append(docnum)
    found.termdocs = termdocs
    return found


class _TopCollector(collectors.TopCollector):
    """The top N with Whoosh's block-quality skipping kept although scores are multiplied by a final boost.

    Whoosh turns the skipping off for a final() step; the boost is at most max_boost, so a block whose raw
    quality times max_boost cannot beat the current N-th final score holds no document of the top N.
    """

    def __init__(self, limit: int, max_boost: float):
        super().__init__(limit=limit)
        self.max_boost = max(max_boost, 1e-9)

    def _use_block_quality(self):
        return self.usequality and self.matcher.supports_block_quality()

    def computes_count(self):
        return False

    def _collect(self, global_docnum, score):
        result = super()._collect(global_docnum, score)
        if len(self.items) >= self.limit:
            # Compared with raw (un-boosted) qualities: lower it by the largest boost, and a hair for rounding.
            self.minscore = self.items[0][0] / self.max_boost * (1 - 1e-9)
        return result


class _Allowed:
    def __init__(self, array: np.ndarray):
        self.array = array
        self.set = set(array.tolist())


class _State:
    """What one searcher generation has computed: visibility sets, facet codes, vocabulary checks.

    Per-segment parts (postings of principals, facet codes, sort columns, boosts) are kept across generations
    while their segment lives: a segment's documents never change, deletions only remove matches.
    """

    def __init__(self, searcher, segment_cache: dict, match_cache: OrderedDict):
        self.searcher = searcher
        self.match_cache = match_cache
        leaf_searchers = searcher.leaf_searchers()
        self.leaves = [(sub.reader(), offset, _segment_key(sub.reader())) for sub, offset in leaf_searchers]
        self.leaf_searchers = [sub for sub, _offset in leaf_searchers]
        self.segment_cache = segment_cache
        self.cache: dict = {}
        self.vocabulary_cache: dict = {}

    def _per_segment(self, name, compute, matches: bool = False):
        """compute(reader, leaf searcher) per segment, kept while the segment lives. The match sets of query
        terms and phrases (matches=True) are kept for the MATCH_CACHE_SIZE most recently used only."""
        cache = self.match_cache if matches else self.segment_cache
        parts = []
        for (reader, offset, key), leaf in zip(self.leaves, self.leaf_searchers, strict=True):
            cache_key = (key, name)
            if cache_key in cache:
                if matches:
                    cache.move_to_end(cache_key)
            else:
                cache[cache_key] = compute(reader, leaf)
                if matches and len(cache) > MATCH_CACHE_SIZE:
                    cache.popitem(last=False)
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
        if key not in self.cache:
            # direct is sorted and unique already (per segment, offsets ascending): no union unless needed.
            array = np.union1d(direct, np.array(visible_delayed, dtype=np.int64)) if visible_delayed else direct
            if restriction is not None:
                array = np.intersect1d(array, self.docs(restriction), assume_unique=True)
            self.cache[key] = _Allowed(array)
        return self.cache[key]

    def _delayed(self, principals):
        key = ("delayed", principals)
        if key not in self.cache:
            docnums = self._term_docs(tuple(("delayed_principals", p) for p in principals))
            self.cache[key] = [(int(d), self.searcher.stored_fields(int(d)).get("visible_from")) for d in docnums]
        return self.cache[key]

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

    def vocabulary(self, text: str) -> "_VocabularyCheck":
        return _VocabularyCheck(self.searcher.reader(), text, self.vocabulary_cache)


_EMPTY = np.zeros(0, dtype=np.int64)


def _segment_key(reader) -> tuple:
    segment = reader.segment()
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
    arrays = [array for array in arrays if len(array)]
    if not arrays:
        return _EMPTY
    return arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))


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


def _docs(state: _State, node) -> np.ndarray:
    """Sorted global docnums of a query: terms from their postings, And/Or/Not as set operations; phrases and
    other queries by Whoosh's own (unscored) matcher."""
    if isinstance(node, query.Term):
        return state._term_docs(((node.fieldname, node.text),))
    if isinstance(node, query.Or):
        return _union(_docs(state, child) for child in node.subqueries)
    if isinstance(node, query.And):
        positive = [child for child in node.subqueries if not isinstance(child, query.Not)]
        negative = [child.query for child in node.subqueries if isinstance(child, query.Not)]
        found = _docs(state, positive[0]) if positive else _live(state)
        for child in positive[1:]:
            found = np.intersect1d(found, _docs(state, child), assume_unique=True)
        for child in negative:
            found = np.setdiff1d(found, _docs(state, child), assume_unique=True)
        return found
    if isinstance(node, query.AndNot):
        return np.setdiff1d(_docs(state, node.a), _docs(state, node.b), assume_unique=True)
    if isinstance(node, query.AndMaybe):
        return _docs(state, node.a)
    if isinstance(node, query.Not):
        return np.setdiff1d(_live(state), _docs(state, node.query), assume_unique=True)
    if isinstance(node, query.Every):
        return _live(state)
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


def _live(state: _State) -> np.ndarray:
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
        self.state: _State | None = None
        self.segment_cache: dict = {}
        self.match_cache: OrderedDict = OrderedDict()

    @contextmanager
    def searcher(self):
        with self.lock:
            if self.current is None or not self.current.up_to_date():
                if self.current is not None:
                    self.current.close()
                self.current = _open_searcher(self.ix)
                self.state = _State(self.current, self.segment_cache, self.match_cache)
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


def _open_searcher(ix):
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
            opened = {_open_files(sub.reader()) for sub, _offset in searcher.leaf_searchers()}
            if opened <= {segment.segment_id() for segment in ix._segments()}:
                return searcher
        except OSError:  # a file (or the table of contents) was replaced while being opened
            continue
    return searcher  # the index kept being merged: the last searcher, with what it could open


def _open_files(reader) -> str:
    """Open the column files of a segment reader (Whoosh keeps them open with the reader); its segment id."""
    if not reader.doc_count_all():
        return reader.segment().segment_id()
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
    return reader.segment().segment_id()


_SHARED: dict[tuple[int, str], _SharedSearcher] = {}
_SHARED_LOCK = threading.Lock()
# Indexes whose searcher a process keeps open: a deployment has one; a test run opens one per app.
OPEN_INDEXES = 4


def _shared(ix, cache_key) -> _SharedSearcher:
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


def _restriction(search_query: SearchQuery) -> query.Query | None:
    parts = []
    if search_query.types:
        parts.append(query.Or([query.Term("type", kind) for kind in search_query.types]))
    for name, value in sorted(search_query.filters.items()):
        parts.append(query.Term(name, value))
    return query.And(parts) if parts else None


class _VocabularyCheck:
    """Which query terms the public vocabulary holds, and the nearest written words of those it lacks."""

    def __init__(self, reader, text: str, cache: dict | None = None):
        self.reader = reader
        self.surface = {term: word for word, term in words(text)}
        # Per searcher generation when given: lookups of earlier queries are reused until the index changes.
        cache = {} if cache is None else cache
        self.nearest_cache: dict[str, list[str]] = cache.setdefault("nearest", {})
        self.known_cache: dict[str, bool] = cache.setdefault("known", {})

    def knows(self, term: str) -> bool:
        if term not in self.known_cache:
            self.known_cache[term] = self.reader.doc_frequency(VOCABULARY_FIELD, term) > 0
        return self.known_cache[term]

    def knows_any(self, phrase: tuple[str, ...]) -> bool:
        if len(phrase) == 1 and self.knows(phrase[0]):
            return True
        return any(all(self.knows(word) for word in other) for other in equivalents(phrase))

    def near_words(self, term: str) -> list[str]:
        """Public words within the allowed edits of the word the user typed, closest and commonest first."""
        word = self.surface.get(term, term)
        if word not in self.nearest_cache:
            maxdist = fuzzy_distance(word)
            candidates = []
            if maxdist:
                # One more edit than allowed, then a swap of two neighbours counts as one edit.
                for found in self.reader.terms_within(WORDS_FIELD, word, maxdist + 1, prefix=1):
                    distance = _edit_distance(word, found)
                    if distance <= maxdist:
                        candidates.append((distance, -self.reader.doc_frequency(WORDS_FIELD, found), found))
            self.nearest_cache[word] = [found for _distance, _frequency, found in sorted(candidates)]
        return self.nearest_cache[word]

    def nearest(self, term: str) -> str | None:
        found = self.near_words(term)
        return found[0] if found else None


def fuzzy_distance(term: str) -> int:
    """Edits allowed for a word the vocabulary lacks: none below 4 letters, 1 up to 7, 2 from 8."""
    if len(term) < 4 or term.isdigit():
        return 0
    return 1 if len(term) <= 7 else 2


def _edit_distance(left: str, right: str) -> int:
    """Edits from left to right: insertions, deletions, substitutions and swaps of neighbours."""
    rows = [list(range(len(right) + 1))]
    for i in range(1, len(left) + 1):
        row = [i] + [0] * len(right)
        for j in range(1, len(right) + 1):
            cost = left[i - 1] != right[j - 1]
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _terms_in(text: str) -> bool:
    return bool(terms(text))


def _parser(group) -> QueryParser:
    parser = QueryParser("all", _parse_schema(), group=group)
    for plugin_class in (
        plugins.FieldsPlugin,
        plugins.WildcardPlugin,
        plugins.RangePlugin,
        plugins.BoostPlugin,
        plugins.EveryPlugin,
    ):
        parser.remove_plugin_class(plugin_class)
    return parser


_PARSERS: dict = {}


def _parse(text: str, group, known: _VocabularyCheck) -> query.Query:
    """The user's query read by the parser and expanded; text the parser cannot read is taken as plain words."""
    parser = _PARSERS.get(group) or _PARSERS.setdefault(group, _parser(group))
    prepared = _EXCLUSION.sub("NOT ", text)
    try:
        parsed = parser.parse(prepared)
        expanded = _expand(parsed, known)
    except Exception:  # any query text must give results, never an error page
        expanded = None
    if expanded is None or expanded is query.NullQuery:
        plain = [query.Term("all", term) for term in terms(text)]
        expanded = _expand(group.qclass(plain), known) if plain else query.NullQuery
    return expanded


def _term_alternatives(phrase: tuple[str, ...], known: _VocabularyCheck) -> list[query.Query]:
    """The phrase in every text field, its glossary equivalents, and near spellings of an unknown word."""
    alternatives: list[query.Query] = []
    for candidate in (phrase, *sorted(equivalents(phrase))):
        alternatives.extend(_in_fields(candidate))
    if len(phrase) == 1 and not known.knows_any(phrase):
        near_terms = dict.fromkeys(term for word in known.near_words(phrase[0])[:5] for term in terms(word))
        for term in near_terms:
            alternatives.extend(query.Term(field, term, boost=0.8) for field in TEXT_FIELDS)
        maxdist = fuzzy_distance(phrase[0])
        if maxdist:
            alternatives.extend(
                query.FuzzyTerm(field, phrase[0], maxdist=maxdist, prefixlength=1, boost=0.8) for field in TEXT_FIELDS
            )
    return alternatives


def _in_fields(phrase: tuple[str, ...]) -> list[query.Query]:
    if len(phrase) == 1:
        return [query.Term(field, phrase[0]) for field in TEXT_FIELDS]
    return [query.Phrase(field, list(phrase)) for field in TEXT_FIELDS]


def _expand(node: query.Query, known: _VocabularyCheck) -> query.Query:
    """The parsed query over title, summary and body, each word OR-ed with its equivalents."""
    if isinstance(node, query.Term):
        return query.Or(_term_alternatives((node.text,), known))
    if isinstance(node, query.Phrase):
        if len(node.words) == 1:
            return query.Or(_term_alternatives((node.words[0],), known))
        return query.Or([query.Phrase(field, list(node.words), slop=node.slop) for field in TEXT_FIELDS])
    if isinstance(node, query.Not):
        return query.Not(_expand(node.query, known))
    if isinstance(node, query.Or):
        # "a b -c" read as OR must still exclude c from every result.
        excluded = [child.query for child in node.subqueries if isinstance(child, query.Not)]
        kept = [child for child in node.subqueries if not isinstance(child, query.Not)]
        grouped = query.Or(_expand_group(kept, known), scale=node.scale) if kept else query.Every()
        if excluded:
            return query.AndNot(grouped, query.Or([_expand(child, known) for child in excluded]))
        return grouped
    if isinstance(node, query.And):
        return query.And(_expand_group(list(node.subqueries), known))
    if isinstance(node, query.AndNot):
        return query.AndNot(_expand(node.a, known), _expand(node.b, known))
    if isinstance(node, query.AndMaybe):
        return query.AndMaybe(_expand(node.a, known), _expand(node.b, known))
    if node is query.NullQuery or isinstance(node, query.Every):
        return node
    words = [text for _field, text in node.iter_all_terms()]
    return query.And([_expand(query.Term("all", word), known) for word in words]) if words else query.NullQuery


def _expand_group(children: list[query.Query], known: _VocabularyCheck) -> list[query.Query]:
    """Children expanded; runs of words that form a glossary phrase ("air bersih") also match its equivalents."""
    expanded: list[query.Query] = []
    index_ = 0
    while index_ < len(children):
        matched = 0
        for length in range(min(longest_phrase(), len(children) - index_), 1, -1):
            run = children[index_ : index_ + length]
            if all(isinstance(child, query.Term) for child in run):
                phrase = tuple(child.text for child in run)
                if equivalents(phrase):
                    words = query.And([_expand(child, known) for child in run])
                    others = [alt for other in sorted(equivalents(phrase)) for alt in _in_fields(other)]
                    expanded.append(query.Or([words, *others]))
                    matched = length
                    break
        if matched:
            index_ += matched
            continue
        expanded.append(_expand(children[index_], known))
        index_ += 1
    return expanded


def _suggestion(text: str, known: _VocabularyCheck) -> str | None:
    """The query with each unknown word replaced by the closest public vocabulary word, when there is one."""
    changed = False
    words = []
    for raw in _OPERATOR_WORDS.sub(" ", text).split():
        word_terms = terms(raw.strip('"-'))
        replacement = None
        if len(word_terms) == 1 and not known.knows_any((word_terms[0],)):
            replacement = known.nearest(word_terms[0])
        if replacement:
            words.append(replacement)
            changed = True
        else:
            words.append(raw)
    return " ".join(words) if changed else None


def _hit(result) -> Hit:
    stored = result.fields()
    snippet = ""
    for field in ("body", "summary"):
        text = stored.get(field) or ""
        snippet = result.highlights(field, text=text, top=2) if text else ""
        if snippet:
            break
    if not snippet:
        plain = stored.get("summary") or stored.get("body") or ""
        snippet = escape(plain[:240] + ("…" if len(plain) > 240 else ""))
    facts = {name: str(stored[name]) for name in FACT_FIELDS if stored.get(name)}
    for name in ("deadline", "created_at"):
        if stored.get(name):
            facts[name] = _aware(stored[name]).isoformat()
    return Hit(
        type=stored["type"],
        object_id=int(stored["object_id"]),
        ref=stored.get("ref"),
        title=stored.get("title") or "",
        snippet=snippet,
        url=stored.get("url") or "",
        score=float(result.score or 0.0),
        facts=facts,
    )
