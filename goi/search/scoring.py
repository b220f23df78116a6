"""Vectorised BM25F for the top page: the scores Whoosh's matchers give, computed over numpy arrays.

The expanded query tree (goi.search.whoosh_queries) is evaluated over the visible match set at once: every term
leaf reads its postings (docnums and weights, the field boost already in the weight as Whoosh stores it) per
segment, scores them with Whoosh's BM25F (idf log(N / (df + 1)) + 1 over the whole index, the field's average
length, the document's byte-encoded field length), and the compound nodes combine as Whoosh's matchers do: Or and
And add the scores of the children that match, a boosted Or or term multiplies, an Or with a coordination scale
applies Whoosh's CoordMatcher ("SQR") over the number of term leaves matching the document, a fuzzy term over
several words scores each word's raw weight (Whoosh's constant-score expansion). Phrases keep their exact match
(the unscored match set of the phrase) and score their words as terms. Unknown query nodes return None: the caller
then scores with Whoosh's own matchers.
"""

from math import log

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

from goi.search.whoosh_queries import SoftOr
from goi.search.whoosh_reading import RecentCache

K1 = 1.2
B = 0.75
# Terms whose postings (docnums and weights) stay cached per segment.
POSTINGS_CACHE = 4096
_LENGTHS = np.array([byte_to_length(value) if value else 0 for value in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """A query node this scorer does not reproduce."""


class _Eval:
    """One node over the candidates: score, match mask, matching term leaves, term leaves, matched terms."""

    __slots__ = ("count", "full", "leaves", "mask", "score", "terms")

    def __init__(self, size: int):
        self.score = np.zeros(size, dtype=np.float64)
        self.mask = np.zeros(size, dtype=bool)
        self.count = np.zeros(size, dtype=np.int64)
        self.leaves = 0
        # Under a SoftOr: the documents holding every content group (ranked ahead of the others).
        self.full: np.ndarray | None = None
        self.terms: list[tuple[tuple[str, bytes], np.ndarray]] = []


def segment_postings(reader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Segment docnums and weights of a term (deleted documents included)."""
    if (fieldname, btext) not in reader:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids, weights = [], []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            matcher._next_block()
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(ids), np.concatenate(weights)
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Per segment document: the field's length as Whoosh's scorer sees it (decoded from its length byte)."""
    try:
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    except AttributeError:
        column = None
    if column is None:
        return np.array(
            [reader.doc_field_length(d, fieldname) or 0 for d in range(reader.doc_count_all())], dtype=np.float64
        )
    return _LENGTHS[np.fromiter(column, dtype=np.int64, count=reader.doc_count_all())]


class Scorer:
    """Scores one expanded query over the candidates (sorted global docnums)."""

    def __init__(self, state, candidates: np.ndarray):
        self.state = state
        self.searcher = state.searcher
        self.reader = self.searcher.reader()
        self.candidates = candidates
        self.size = len(candidates)
        self.doc_count = self.searcher.doc_count_all()

    # -- leaves

    def _term(self, fieldname: str, text, boost: float = 1.0, constant: bool = False) -> _Eval:
        found = _Eval(self.size)
        schema = self.searcher.schema
        if fieldname not in schema:
            return found
        field = schema[fieldname]
        try:
            btext = text if isinstance(text, bytes) else field.to_bytes(text)
        except ValueError:
            return found
        if (fieldname, btext) not in self.reader:
            return found
        found.leaves = 1
        scorable = field.scorable and not constant
        if scorable:
            idf = log(self.doc_count / (self.reader.doc_frequency(fieldname, btext) + 1)) + 1
            avgfl = self.searcher.avg_field_length(fieldname) or 1
        for (ids, weights), offset, lengths in self._postings(fieldname, btext, scorable):
            if not len(ids):
                continue
            positions = np.searchsorted(self.candidates, ids + offset)
            inside = positions < self.size
            inside[inside] = self.candidates[positions[inside]] == ids[inside] + offset
            if not inside.any():
                continue
            positions, weights = positions[inside], weights[inside]
            if scorable:
                norm = K1 * ((1 - B) + B * lengths[ids[inside]] / avgfl)
                scores = idf * ((weights * (K1 + 1)) / (weights + norm))
            else:
                scores = weights
            found.score[positions] = scores * boost if boost != 1.0 else scores
            found.mask[positions] = True
        found.count[found.mask] = 1
        found.terms.append(((fieldname, btext), found.mask))
        return found

    def _postings(self, fieldname: str, btext: bytes, with_lengths: bool):
        """Per segment: (docnums, weights), the docnum offset, and the field's lengths when scored.

        Postings are cached per segment (while it lives) for the most recently used POSTINGS_CACHE terms.
        """
        lengths = (
            self.state._per_segment(
                ("field-lengths", fieldname), lambda reader, _leaf: field_lengths(reader, fieldname)
            )
            if with_lengths
            else [(None, offset) for _reader, offset, _key in self.state.leaves]
        )
        for (reader, offset, key), (segment_lengths, _offset) in zip(self.state.leaves, lengths, strict=True):
            cache = self.state.segment_cache.get((key, "scored-postings"))
            if cache is None:
                cache = self.state.segment_cache[(key, "scored-postings")] = RecentCache(POSTINGS_CACHE)
            term = (fieldname, btext)
            if term not in cache:
                cache[term] = segment_postings(reader, fieldname, btext)
            yield cache[term], offset, segment_lengths

    # -- nodes

    def evaluate(self, node) -> _Eval:
        if isinstance(node, query.FuzzyTerm):
            return self._fuzzy(node)
        if isinstance(node, query.Term):
            return self._term(node.fieldname, node.text, node.boost)
        if isinstance(node, query.Phrase):
            return self._phrase(node)
        if isinstance(node, SoftOr):
            return self._soft_or(node)
        if isinstance(node, query.Or):
            return self._or(node)
        if isinstance(node, query.And):
            return self._and(node)
        if isinstance(node, query.AndNot):
            found = self.evaluate(node.a)
            excluded = self.evaluate(node.b)
            self._restrict(found, ~excluded.mask)
            return found
        if isinstance(node, query.AndMaybe):
            found = self.evaluate(node.a)
            maybe = self.evaluate(node.b)
            both = found.mask & maybe.mask
            found.score[both] += maybe.score[both]
            found.count[both] += maybe.count[both]
            found.leaves += maybe.leaves
            found.terms.extend((term, mask & found.mask) for term, mask in maybe.terms)
            return found
        if isinstance(node, query.Not):
            inner = self.evaluate(node.query)
            found = _Eval(self.size)
            found.mask = ~inner.mask
            return found
        if isinstance(node, query.Every):
            found = _Eval(self.size)
            found.mask[:] = True
            found.score[:] = node.boost
            return found
        if node is query.NullQuery:
            return _Eval(self.size)
        raise Unsupported(repr(node))

    def _restrict(self, found: _Eval, keep: np.ndarray) -> None:
        found.mask &= keep
        found.score[~keep] = 0.0
        found.count[~keep] = 0
        found.terms = [(term, mask & keep) for term, mask in found.terms]
        if found.full is not None:
            found.full &= keep

    def _fuzzy(self, node: query.FuzzyTerm) -> _Eval:
        words = [word for word in node._btexts(self.reader) if word]
        if len(words) == 1:
            return self._term(node.fieldname, words[0], node.boost)
        found = self._sum([self._term(node.fieldname, word, constant=node.constantscore) for word in words])
        if node.boost != 1.0:
            found.score *= node.boost
        return found

    def _phrase(self, node: query.Phrase) -> _Eval:
        """The words scored as terms, only where the exact phrase matches (Whoosh's phrase matcher sums them)."""
        if len(node.words) == 1:
            return self._term(node.fieldname, node.words[0], node.boost)
        parts = [self._term(node.fieldname, word) for word in node.words]
        if any(part.leaves == 0 for part in parts):
            return _Eval(self.size)
        found = self._sum(parts)
        matching = self.state.docs(node)
        keep = np.zeros(self.size, dtype=bool)
        if len(matching):
            positions = np.searchsorted(matching, self.candidates)
            inside = positions < len(matching)
            keep[inside] = matching[positions[inside]] == self.candidates[inside]
        self._restrict(found, keep)
        if node.boost != 1.0:
            found.score *= node.boost
        return found

    def _sum(self, parts: list[_Eval]) -> _Eval:
        found = _Eval(self.size)
        for part in parts:
            found.score += part.score
            found.mask |= part.mask
            found.count += part.count
            found.leaves += part.leaves
            found.terms.extend(part.terms)
            if part.full is not None:
                # Beside feedback terms (goi.search.feedback): the query's documents holding every group still
                # come first.
                found.full = part.full.copy() if found.full is None else found.full | part.full
        return found

    def _or(self, node: query.Or) -> _Eval:
        if len(node.subqueries) == 1:
            return self.evaluate(node.subqueries[0])
        found = self._sum([self.evaluate(child) for child in node.subqueries])
        if node.boost != 1.0:
            found.score *= node.boost
        if node.scale and found.leaves:
            # Whoosh's CoordMatcher ("SQR"): more matching term leaves, higher score.
            termcount, scale = found.leaves, node.scale
            bonus = (found.count - 1) / (termcount - scale) ** 2
            found.score = np.where(found.mask, (found.score + bonus) * ((termcount - 1) / termcount), 0.0)
        return found

    def _soft_or(self, node: SoftOr) -> _Eval:
        """The groups' BM25F sum times the share of groups the document holds (Lucene's coord), where it holds
        at least minmatch of them."""
        parts = [self.evaluate(child) for child in node.subqueries]
        found = self._sum(parts)
        groups = np.add.reduce([part.mask for part in parts], dtype=np.int64)
        found.score *= groups / len(parts)
        if node.boost != 1.0:
            found.score *= node.boost
        found.full = groups == len(parts) if node.lifts else None
        self._restrict(found, groups >= max(node.minmatch, 1))
        return found

    def _and(self, node: query.And) -> _Eval:
        positive = [child for child in node.subqueries if not isinstance(child, query.Not)]
        negative = [child.query for child in node.subqueries if isinstance(child, query.Not)]
        if not positive:
            raise Unsupported(repr(node))
        parts = [self.evaluate(child) for child in positive]
        found = self._sum(parts)
        keep = np.logical_and.reduce([part.mask for part in parts])
        for child in negative:
            keep &= ~self.evaluate(child).mask
        fulls = [part.full for part in parts if part.full is not None]
        if fulls:
            found.full = np.logical_and.reduce(fulls)
        self._restrict(found, keep)
        if node.boost != 1.0:
            found.score *= node.boost
        return found


def document_boosts(state, matched: np.ndarray) -> np.ndarray:
    """Each matched document's boost (stored in thousandths; 0, a document indexed without one, counts as 1)."""
    boosts = state.column("boost_milli")[matched]
    return np.where(boosts == 0, 1000, boosts) / 1000


def top(state, node, candidates: np.ndarray, boosts: np.ndarray, limit: int):
    """The best `limit` candidates as (global docnum, score) best first, and the terms each matched; ties by
    docnum as Whoosh's collector breaks them. None when the query has a node this scorer does not reproduce."""
    if not len(candidates):
        return [], {}
    scorer = Scorer(state, candidates)
    try:
        found = scorer.evaluate(node)
    except Unsupported:
        return None
    final = found.score * boosts
    # Documents holding every content group of a SoftOr come first: ranked on a key lifted above the others.
    key = final if found.full is None or not len(final) else final + found.full * (final.max() + 1)
    if len(key) > limit:
        best = np.argpartition(-key, limit - 1)[:limit]
        # Ties at the cut: every candidate scoring like the last one kept competes by docnum.
        cut = key[best].min()
        best = np.union1d(best, np.flatnonzero(key == cut))
    else:
        best = np.arange(len(key))
    order = best[np.lexsort((candidates[best], -key[best]))][:limit]
    ranked = [(float(final[i]), int(candidates[i])) for i in order]
    docterms: dict[int, list] = {}
    for term, mask in found.terms:
        for i in order[mask[order]]:
            docterms.setdefault(int(candidates[i]), []).append(term)
    return ranked, docterms
