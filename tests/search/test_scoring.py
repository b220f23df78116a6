"""The numpy BM25F scorer (goi.search.scoring) against Whoosh's own full scoring, on the judged set.

For every judged query the expanded query object is built exactly as WhooshBackend.query builds it, and the
visible match set exactly as WhooshBackend._run computes it, through the helpers those use
(whoosh_reading.shared_searcher, SearcherState.vocabulary/allowed/docs/column, live_docs; whoosh_queries.parse,
restriction, terms_in, OR_GROUP; whoosh_schema.naive).

The numpy top 10 (scoring.top, as _scored_page calls it) is compared with Whoosh's own matchers scoring the
same query object over the same match set with plain BM25F, every match collected with no block-quality skipping
and no matcher replacement (see whoosh_all), each score multiplied by the document's boost as the engine does
(boost_milli / 1000, 0 read as 1000). The top-10 document sets must agree (documents tied with the cut within
tolerance may swap) and every score must agree within 1e-6 relative.

The check can fail: an index built with the title field boost perturbed gives numpy scores that disagree.
"""

import os
from datetime import UTC
from pathlib import Path

import numpy as np
import pytest
from whoosh import collectors
from whoosh import scoring as wscoring

from goi.search import scoring as numpy_scoring
from goi.search import whoosh_queries as queries
from goi.search import whoosh_reading as reading
from goi.search import whoosh_schema as schema
from goi.search.types import SearchQuery
from goi.search.whoosh_backend import WhooshBackend
from tests.search.judged_eval import NOW, search_document
from tests.search.test_relevance import load_documents, load_queries

K = 10
RTOL = 1e-6


def _close(left: float, right: float) -> bool:
    return abs(left - right) <= RTOL * max(abs(left), abs(right), 1e-12)


def _search_query(raw: dict) -> SearchQuery:
    return SearchQuery(
        text=raw["text"],
        principals=("public",),
        now=NOW,
        types=tuple(raw["types"]),
        filters=dict(raw["filters"]),
        per_page=K,
    )


def _prepared(searcher, state, search_query: SearchQuery):
    """The expanded query and the sorted visible match set, as WhooshBackend.query and _run compute them."""
    text = (search_query.text or "").strip()
    assert queries.terms_in(text), text  # relevance-sorted queries only
    parsed = queries.parse(text, queries.OR_GROUP, state.vocabulary(text))
    now = schema.naive(search_query.now or NOW.astimezone(UTC))
    allowed = state.allowed(search_query.principals, now, queries.restriction(search_query))
    matched = np.intersect1d(state.docs(parsed), allowed.array, assume_unique=True)
    if searcher.reader().has_deletions():
        matched = np.intersect1d(matched, reading.live_docs(state), assume_unique=True)
    return parsed, matched


def numpy_top(backend: WhooshBackend, raw: dict) -> tuple[list[tuple[float, str]], object, np.ndarray]:
    """The numpy scorer's top 10 as (score, key), the expanded query and the match set."""
    shared = reading.shared_searcher(backend._index(), (os.getpid(), str(backend.path)))
    with shared.searcher() as (searcher, state):
        parsed, matched = _prepared(searcher, state, _search_query(raw))
        boosts = state.column("boost_milli")[matched]
        boosts = np.where(boosts == 0, 1000, boosts) / 1000
        ranked = numpy_scoring.top(state, parsed, matched, boosts, K)
        assert ranked is not None, f"{raw['id']}: numpy scorer fell back to Whoosh for {parsed!r}"
        top_n, _docterms = ranked
        return [(score, searcher.stored_fields(docnum)["key"]) for score, docnum in top_n], parsed, matched


def whoosh_all(backend: WhooshBackend, parsed, matched: np.ndarray) -> list[tuple[float, int, str]]:
    """Whoosh's full BM25F of every matching document, times its boost: (score, docnum, key), best first.

    The collectors of the engine's fallback (_scored_page): a TermsCollector (its matchers keep the current
    match, so CoordMatcher counts the matching terms) inside a FilterCollector of the match set, but collecting
    every match (UnlimitedCollector: no block-quality skipping) with matcher replacement off (replace=0:
    Whoosh's periodic replace() prunes exhausted term matchers, which changes CoordMatcher's term count
    mid-search, a shortcut the full scores do not have).

    The query's SoftOr is a plain Or to Whoosh (the sum of its matching groups): its part of the score is
    multiplied by the share of groups the document holds, and documents holding every group come first.
    """
    with backend._index().searcher(weighting=wscoring.BM25F()) as searcher:
        column = searcher.reader().column_reader("boost_milli")
        allow = set(matched.tolist())

        def full_scores(node) -> dict[int, tuple[float, str]]:
            collector = collectors.FilterCollector(collectors.TermsCollector(collectors.UnlimitedCollector()), allow)
            collector.child.child.replace = 0
            searcher.search_with_collector(node, collector)
            return {hit.docnum: (hit.score, hit["key"]) for hit in collector.results()}

        whole = full_scores(parsed)
        soft = queries.soft_node(parsed)
        soft_scores = full_scores(soft) if soft is not None else {}
        groups = [set(searcher.docs_for_query(group)) for group in soft.subqueries] if soft is not None else []
        scored = []
        for docnum, (score, key) in whole.items():
            if soft is not None and docnum in soft_scores:
                held = sum(docnum in group for group in groups)
                score += soft_scores[docnum][0] * (held / len(groups) - 1)
                full = held == len(groups)
            else:
                full = True
            scored.append((score * (column[docnum] or 1000) / 1000, docnum, key, full))
    assert {docnum for _s, docnum, _k, _f in scored} == allow
    ranked = sorted(scored, key=lambda item: (not item[3], -item[0], item[1]))
    return [(score, docnum, key) for score, docnum, key, _full in ranked]


def mismatches(numpy_ranked: list[tuple[float, str]], whoosh_ranked: list[tuple[float, int, str]]) -> list[str]:
    """Differences between the numpy top 10 and Whoosh's full ranking (empty when they agree)."""
    problems = []
    reference = {key: score for score, _docnum, key in whoosh_ranked}
    for score, key in numpy_ranked:
        if key not in reference:
            problems.append(f"{key}: not matched by Whoosh")
        elif not _close(score, reference[key]):
            problems.append(f"{key}: numpy {score!r} != whoosh {reference[key]!r}")
    expected = whoosh_ranked[:K]
    if len(numpy_ranked) != len(expected):
        problems.append(f"top length {len(numpy_ranked)} != {len(expected)}")
        return problems
    if expected:
        cut = expected[-1][0]
        # Documents scoring like the cut (within tolerance) may swap places across it.
        near_cut = {key for score, _docnum, key in whoosh_ranked if _close(score, cut)}
        ours = {key for _score, key in numpy_ranked} - near_cut
        theirs = {key for _score, _docnum, key in expected} - near_cut
        if ours != theirs:
            problems.append(f"top-{K} sets differ: numpy-only {ours - theirs}, whoosh-only {theirs - ours}")
        ours_sorted = sorted(round(score, 6) for score, _key in numpy_ranked)
        theirs_sorted = sorted(round(score, 6) for score, _docnum, _key in expected)
        if not all(_close(a, b) for a, b in zip(ours_sorted, theirs_sorted, strict=True)):
            problems.append(f"top-{K} scores differ: {ours_sorted} != {theirs_sorted}")
    return problems


def _build(path: Path) -> WhooshBackend:
    backend = WhooshBackend(str(path))
    backend.index([search_document(raw) for raw in load_documents()])
    return backend


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> WhooshBackend:
    return _build(tmp_path_factory.mktemp("scoring-index"))


def test_numpy_top_10_matches_whoosh_full_scoring(backend):
    problems = []
    compared = 0
    for raw in load_queries():
        numpy_ranked, parsed, matched = numpy_top(backend, raw)
        if not len(matched):
            continue
        compared += 1
        problems.extend(
            f"{raw['id']} {raw['text']!r}: {p}" for p in mismatches(numpy_ranked, whoosh_all(backend, parsed, matched))
        )
    assert compared >= 30
    assert not problems, "\n".join(problems)


def test_a_perturbed_field_boost_is_caught(backend, tmp_path, monkeypatch):
    """The comparison can fail: numpy scores of an index built with another title boost disagree with Whoosh's
    scores of the real index for at least one query (the data are rebuilt in a separate tmp index)."""
    monkeypatch.setitem(schema.FIELD_BOOSTS, "title", schema.FIELD_BOOSTS["title"] + 0.5)
    perturbed = _build(tmp_path / "perturbed")
    failing = 0
    for raw in load_queries():
        numpy_ranked, _parsed, _matched = numpy_top(perturbed, raw)
        _ref_ranked, parsed, matched = numpy_top(backend, raw)
        if len(matched) and mismatches(numpy_ranked, whoosh_all(backend, parsed, matched)):
            failing += 1
    assert failing >= 1
