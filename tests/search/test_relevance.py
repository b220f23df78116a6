"""Ranking quality on a hand-judged set: nDCG@10 over tests/search/judged/ must stay at 0.90 or above.

documents.json holds 100+ hand-written Indonesian/English documents; queries.json holds queries with graded
judgments (0–3 per document id, unlisted ids are 0), written before looking at the engine's output. The documents
are indexed through the real backend in a temporary folder and every query runs through the service's query path.
"""

import math
from collections.abc import Callable

import pytest

from tests.search import judged_eval
from tests.search.judged_eval import JUDGED, K, build_index, engine_ranker, ndcg

THRESHOLD = 0.90


# ---------------------------------------------------------------- nDCG


def test_ndcg_of_toy_rankings():
    judgments = {1: 3, 2: 2, 3: 1}
    assert ndcg([1, 2, 3], judgments) == pytest.approx(1.0)
    assert ndcg([1, 2, 3, 9, 8], judgments) == pytest.approx(1.0)  # unjudged tail costs nothing
    # Hand-computed: DCG([3, 2, 1]) = 7 + 3/log2(3) + 1/2; DCG([3, 2, 1] reversed) = 1 + 3/log2(3) + 7/2.
    ideal = 7 + 3 / math.log2(3) + 0.5
    assert ndcg([3, 2, 1], judgments) == pytest.approx((1 + 3 / math.log2(3) + 3.5) / ideal)
    assert ndcg([9, 8, 7], judgments) == 0.0
    assert ndcg([], judgments) == 0.0
    # Only the first k ranks count: a perfect answer at rank 11 is worth nothing.
    assert ndcg([*range(100, 110), 1, 2, 3], judgments) == 0.0
    assert ndcg([5], {}) == 1.0


# ---------------------------------------------------------------- the judged set


def load_documents() -> list[dict]:
    return judged_eval.load_documents(JUDGED)


def load_queries() -> list[dict]:
    return judged_eval.load_queries(JUDGED)


def test_judged_set_is_well_formed():
    documents, queries = load_documents(), load_queries()
    ids = [document["id"] for document in documents]
    assert len(documents) >= 100 and len(set(ids)) == len(ids)
    assert len(queries) >= 30
    for query in queries:
        assert query["judgments"], query["text"]
        assert set(query["judgments"]) <= set(ids), query["text"]
        assert set(query["judgments"].values()) <= {1, 2, 3}, query["text"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Callable[..., list[int]]:
    """A function from a judged query (and a depth) to the object ids the engine ranks first, best first."""
    return engine_ranker(build_index(JUDGED, tmp_path_factory.mktemp("index")))


def score_all(run: Callable[..., list[int]]) -> list[tuple[float, dict, list[int]]]:
    scored = []
    for query in load_queries():
        ranked = run(query)
        scored.append((ndcg(ranked, query["judgments"]), query, ranked))
    return scored


def mean_score(scored: list[tuple[float, dict, list[int]]]) -> float:
    return sum(score for score, _, _ in scored) / len(scored)


def report(scored: list[tuple[float, dict, list[int]]]) -> str:
    lines = [f"mean nDCG@{K} = {mean_score(scored):.3f} over {len(scored)} queries (worst first):"]
    for score, query, ranked in sorted(scored, key=lambda item: item[0]):
        label = query["text"]
        if query["filters"] or query["types"]:
            label += f"  {query['filters'] or ''}{' types=' + ','.join(query['types']) if query['types'] else ''}"
        lines.append(f"  {score:.3f}  {query['id']}  {label:<45} top: {ranked[:K]}")
    return "\n".join(lines)


def test_mean_ndcg_at_10(engine):
    scored = score_all(engine)
    text = report(scored)
    print(text)
    assert mean_score(scored) >= THRESHOLD, text


def test_a_reversed_ranking_fails_the_bar(engine):
    """The measure can fail: the engine's own top 100, reversed, scores far below the bar."""
    scored = score_all(lambda query: list(reversed(engine(query, 100)))[:K])
    assert mean_score(scored) < THRESHOLD, report(scored)
    assert mean_score(scored) < mean_score(score_all(engine))
