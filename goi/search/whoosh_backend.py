"""The Whoosh backend: a file index in <instance>/search, BM25F ranking, glossary and typo expansion.

This module writes the index (batches from the outbox, rebuilds, merges) and answers queries: the user's text
becomes a query tree in goi.search.whoosh_queries, the shared searcher and its numpy caches are in
goi.search.whoosh_reading, the top page is scored by goi.search.scoring. The viewer's visibility restricts every
match set before anything is counted or scored.
"""

import fcntl
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import numpy as np
from whoosh import collectors, index, query
from whoosh.index import LockError
from whoosh.reading import SegmentReader
from whoosh.searching import Results
from whoosh.writing import CLEAR, MERGE_SMALL

from goi.search import feedback as feedback_
from goi.search import scoring as scoring_
from goi.search.backend import IndexBatch, IndexBusy, SearchBackend
from goi.search.snippets import snippet as make_snippet
from goi.search.types import FACETS, Hit, SearchQuery, SearchResults
from goi.search.whoosh_queries import OR_GROUP, parse, restriction, soft_node, suggestion, terms_in
from goi.search.whoosh_reading import intersect, live_docs, open_searcher, shared_searcher
from goi.search.whoosh_schema import WORDS_FIELD, aware, build_schema, document_fields, naive

log = logging.getLogger("goi.search")
# Single letters are parsed (an acronym typed apart, else nothing): they never list every document.
_LETTER = re.compile(r"(?<![\w])[^\W\d_](?![\w])")

FACT_FIELDS = ("owner", "region", "status", "sector", "province", "org_kind")
# After-commit writes add a small segment without merging; once this many segments exist, the small ones are
# merged (the big segment of a rebuild is left alone).
MAX_SEGMENTS = 8
# Segments are written as separate files, not one compound file: Whoosh opens a file of a compound segment by
# copying it into memory (a BytesIO over the mapped file), so at 100,000 documents every process reopening its
# searcher after a write copied about 260 MB; separate files are read in place.
WRITER_OPTIONS = {"compound": False}


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
            self.writer.add_document(**document_fields(document, fingerprint(document)))

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
        with open_searcher(self._index()) as searcher:
            return {fields["key"]: fields.get("fingerprint", "") for fields in searcher.all_stored_fields()}

    def vocabulary_matches(self, text: str, maxdist: int) -> Iterator[tuple[str, int]]:
        with self._index().searcher() as searcher:
            reader = searcher.reader()
            for word in reader.terms_within(WORDS_FIELD, text, maxdist, prefix=1):
                yield word, reader.doc_frequency(WORDS_FIELD, word)

    # -- queries

    def query(self, search_query: SearchQuery) -> SearchResults:
        with self._searcher() as (searcher, state):
            text, known, parsed, sort, allowed = _prepare(state, search_query)
            parsed = _with_feedback(searcher, state, parsed, allowed, sort)
            results = self._run(searcher, state, parsed, allowed, search_query, sort)
            results.suggestion = _suggestion(searcher, state, text, known, allowed, results.total) if text else None
            return results

    def ranked_ids(self, search_query: SearchQuery, limit: int) -> list[int]:
        with self._searcher() as (searcher, state):
            _text, _known, parsed, sort, allowed = _prepare(state, search_query)
            parsed = _with_feedback(searcher, state, parsed, allowed, sort)
            matched = _visible(searcher, state, parsed, allowed)
            if not len(matched) or limit < 1:
                return []
            if sort in ("deadline", "newest"):
                docnums = [int(docnum) for docnum in matched[_sorted_order(state, matched, sort)[:limit]]]
            else:
                ranked = _scored_page(searcher, state, parsed, matched, allowed, limit)
                docnums = [docnum for _score, docnum in ranked.top_n]
            return [int(searcher.stored_fields(docnum)["object_id"]) for docnum in docnums]

    @contextmanager
    def _searcher(self):
        with shared_searcher(self._index(), (os.getpid(), str(self.path))).searcher() as (searcher, state):
            yield searcher, state

    def _run(self, searcher, state, parsed, allowed, search_query: SearchQuery, sort: str) -> SearchResults:
        page, per_page = search_query.page, search_query.per_page
        # Every match the viewer may see, unscored: the total and the facet counts.
        matched = _visible(searcher, state, parsed, allowed)
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
                order = _sorted_order(state, matched, sort)[:limit]
                found = Results(searcher, parsed, [(None, int(docnum)) for docnum in matched[order]])
            else:
                found = _scored_page(searcher, state, parsed, matched, allowed, limit)
            words = {field: _highlighted_words(found, field) for field in SNIPPET_FIELDS}
            hits = [_hit(result, words) for result in found[(page - 1) * per_page : limit]]
        return SearchResults(total=len(matched), hits=hits, facets=facet_counts, page=page, per_page=per_page)


def _prepare(state, search_query: SearchQuery):
    """The query text, its vocabulary check, the expanded query, the sort it gets, and the viewer's allowed set."""
    text = (search_query.text or "").strip()
    known = state.vocabulary(text)
    sort = search_query.sort
    if not terms_in(text) and not _LETTER.search(text):
        parsed, sort = query.Every(), "newest" if sort == "relevance" else sort
    else:
        parsed = parse(text, OR_GROUP, known)
    now = naive(search_query.now or datetime.now(UTC))
    allowed = state.allowed(search_query.principals, now, restriction(search_query))
    return text, known, parsed, sort, allowed


def _visible(searcher, state, parsed, allowed) -> np.ndarray:
    """Sorted docnums of every live match the viewer may see (unscored). When none holds the SoftOr's
    minimum-should-match of content groups, the minimum is lowered one group at a time (down to one), so that a
    query never finds nothing while documents hold some of its words; the tree keeps the minimum it found with."""
    soft = soft_node(parsed)
    while True:
        matched = intersect(state.docs(parsed), allowed.array)
        if searcher.reader().has_deletions():
            matched = intersect(matched, live_docs(state))
        if len(matched) or soft is None or soft.minmatch <= 1:
            return matched
        soft.minmatch -= 1


def _with_feedback(searcher, state, parsed, allowed, sort: str):
    """A relevance-ranked query with its pseudo-relevance feedback terms when its first pass is weak (see
    goi.search.feedback); otherwise as it was."""
    if sort != "relevance" or not feedback_.ENABLED:
        return parsed
    expanded = feedback_.with_feedback(searcher, state, parsed, _visible(searcher, state, parsed, allowed))
    return parsed if expanded is None else expanded


# "Did you mean" only when the words as typed (without their near spellings) find fewer than WEAK_RESULTS, and
# the suggestion finds more than BETTER_FACTOR times as many: from nothing, anything; from one, three.
WEAK_RESULTS = 3
BETTER_FACTOR = 2


def _suggestion(searcher, state, text: str, known, allowed, total: int) -> str | None:
    suggested = suggestion(text, known)
    if not suggested:
        return None
    exact = state.vocabulary(text)
    exact.near = False
    typed = len(_visible(searcher, state, parse(text, OR_GROUP, exact), allowed))
    if typed >= WEAK_RESULTS:
        return None
    found = len(_visible(searcher, state, parse(suggested, OR_GROUP, state.vocabulary(suggested)), allowed))
    return suggested if found > BETTER_FACTOR * typed else None


def _sorted_order(state, matched: np.ndarray, sort: str) -> np.ndarray:
    """Positions in matched by deadline (soonest first) or newest first; no scores needed."""
    column = state.column("deadline_sort" if sort == "deadline" else "created_sort")[matched]
    # Ties as Whoosh's sort left them: index order, reversed for "newest" (the later write first).
    return np.lexsort((-matched, -column) if sort == "newest" else (matched, column))


def _scored_page(searcher, state, parsed, matched: np.ndarray, allowed, limit: int) -> Results:
    """The top page by BM25F computed over numpy arrays (goi.search.scoring) on the visible match set, times
    each document's boost; a query node that scorer does not reproduce is scored by Whoosh's matchers instead."""
    ranked = scoring_.top(state, parsed, matched, scoring_.document_boosts(state, matched), limit)
    if ranked is None:
        # Fallback: Whoosh's own matchers, block-quality skipping bounded by the largest document boost.
        collector = collectors.FilterCollector(
            # Allowed: the visible match set (Whoosh's matchers do not read a SoftOr's minimum).
            collectors.TermsCollector(_TopCollector(limit, state.max_boost())),
            allow=set(matched.tolist()),
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


SNIPPET_FIELDS = ("body", "summary")


def _highlighted_words(found: Results, field: str) -> frozenset[str]:
    """The words a snippet of field marks, as Whoosh's highlighter takes them: the terms that matched in the page's
    results when they were recorded, else the query's terms (expanded); once per page, not once per hit."""
    if found.has_matched_terms():
        terms = (term for term in found.matched_terms() if term[0] == field)
    else:
        terms = found.query_terms(expand=True, fieldname=field)
    from_bytes = found.searcher.schema[field].from_bytes
    return frozenset(from_bytes(term[1]) for term in terms)


def _hit(result, words: dict[str, frozenset[str]]) -> Hit:
    stored = result.fields()
    snippet = ""
    for field in SNIPPET_FIELDS:
        text = stored.get(field) or ""
        snippet = make_snippet(text, words[field]) if text else ""
        if snippet:
            break
    if not snippet:
        plain = stored.get("summary") or stored.get("body") or ""
        snippet = escape(plain[:240] + ("…" if len(plain) > 240 else ""))
    facts = {name: str(stored[name]) for name in FACT_FIELDS if stored.get(name)}
    for name in ("deadline", "created_at"):
        if stored.get(name):
            facts[name] = aware(stored[name]).isoformat()
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
