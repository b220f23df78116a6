"""Index a hand-judged set through the real backend and score it: the engine's query path and a plain BM25 baseline.

Used by tests/search/test_relevance_hard.py and bench/search_judged.py. A judged set is a folder holding
documents.json and queries.json in the format of tests/search/judged/ (see tests/search/test_relevance.py);
queries may carry a "kind" and a "language". tests/search/test_relevance.py holds today's set at 0.90.

The baseline runs over the same Whoosh index: the query's analysed terms (goi.search.analysis.terms: the same
tokenizing, folding, stopwords and stemming, but no glossary expansion, no fuzzy or prefix terms, no coordination)
as a plain OR over the title, summary and body fields, ranked by Whoosh's own BM25F.
"""

import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh import scoring as whoosh_scoring

from goi.challenges.models import ChallengeStatus
from goi.search import analysis, service
from goi.search.documents import CHALLENGE_BOOSTS
from goi.search.types import SearchDocument, SearchQuery
from goi.search.whoosh_backend import WhooshBackend
from goi.search.whoosh_schema import TEXT_FIELDS

JUDGED = Path(__file__).parent / "judged"
HARD = Path(__file__).parent / "judged_hard"
SETS = {"judged": JUDGED, "judged_hard": HARD}
KINDS = ("question", "cross_language", "informal", "acronym", "lookalike", "partial")

Ranker = Callable[[dict], list[int]]
K = 10
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def dcg(grades: list[int], k: int = K) -> float:
    """Discounted cumulative gain of the first k grades: gain 2^rel − 1, discount log2(rank + 1)."""
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:k]))


def ndcg(ranked_ids: list[int], judgments: dict[int, int], k: int = K) -> float:
    """nDCG@k of a ranking against graded judgments; the ideal ranking is the judgments sorted by grade."""
    ideal = dcg(sorted(judgments.values(), reverse=True), k)
    if ideal == 0:
        return 1.0
    return dcg([judgments.get(object_id, 0) for object_id in ranked_ids], k) / ideal


def search_document(raw: dict) -> SearchDocument:
    """The SearchDocument of one judged record, visible to the public."""
    return SearchDocument(
        key=f"{raw['type']}:{raw['id']}",
        type=raw["type"],
        object_id=raw["id"],
        title=raw["title"],
        summary=raw["summary"],
        body=raw["body"],
        url=f"/judged/{raw['id']}",
        sector=raw["sector"],
        province=raw["province"],
        status=raw["status"],
        org_kind=raw["org_kind"],
        created_at=NOW,
        principals=("public",),
        # As goi.search.documents does: archived challenges rank a little lower.
        boost=CHALLENGE_BOOSTS.get(ChallengeStatus(raw["status"]), 1.0) if raw["type"] == "challenge" else 1.0,
    )


def load_documents(folder: Path) -> list[dict]:
    return json.loads((folder / "documents.json").read_text(encoding="utf-8"))


def load_queries(folder: Path) -> list[dict]:
    queries = json.loads((folder / "queries.json").read_text(encoding="utf-8"))
    for query in queries:
        query["judgments"] = {int(object_id): grade for object_id, grade in query["judgments"].items()}
    return queries


def build_index(folder: Path, path: str | Path) -> WhooshBackend:
    """A Whoosh backend in path holding the judged documents of folder."""
    backend = WhooshBackend(str(path))
    backend.index([search_document(raw) for raw in load_documents(folder)])
    return backend


def engine_ranker(backend: WhooshBackend) -> Ranker:
    """The object ids the engine ranks first for a judged query, through the service's query path."""

    def run(query: dict, depth: int = K) -> list[int]:
        search_query = SearchQuery(
            text=query["text"],
            principals=("public",),
            now=NOW,
            types=tuple(query["types"]),
            filters=dict(query["filters"]),
            per_page=depth,
        )
        return [hit.object_id for hit in service.run_query(backend, search_query).hits]

    return run


def bm25_ranker(path: str | Path) -> Ranker:
    """Plain BM25F over the same index: an OR of the query's analysed terms in the text fields, nothing more.

    Judged queries with filters or types are filtered the same way (all judged documents are public)."""
    opened = whoosh_index.open_dir(str(path))

    def run(query: dict, depth: int = K) -> list[int]:
        terms = analysis.terms(query["text"])
        if not terms:
            return []
        parsed = whoosh_query.Or([whoosh_query.Term(field, term) for field in TEXT_FIELDS for term in terms])
        restrictions = [whoosh_query.Term(field, str(value)) for field, value in query["filters"].items()]
        if query["types"]:
            restrictions.append(whoosh_query.Or([whoosh_query.Term("type", kind) for kind in query["types"]]))
        if restrictions:
            parsed = whoosh_query.And([parsed, *restrictions])
        with opened.searcher(weighting=whoosh_scoring.BM25F()) as searcher:
            return [hit["object_id"] for hit in searcher.search(parsed, limit=depth)]

    return run


@dataclass(frozen=True)
class Scored:
    query: dict
    engine: float
    bm25: float
    ranked: list[int]


def score_set(queries: list[dict], engine: Ranker, bm25: Ranker) -> list[Scored]:
    scored = []
    for query in queries:
        ranked = engine(query)
        scored.append(Scored(query, ndcg(ranked, query["judgments"]), ndcg(bm25(query), query["judgments"]), ranked))
    return scored


def measure(folder: Path) -> list[Scored]:
    """Index the judged set of folder in a temporary directory and score every query with both rankers."""
    with tempfile.TemporaryDirectory(prefix="goi-judged-") as path:
        backend = build_index(folder, path)
        return score_set(load_queries(folder), engine_ranker(backend), bm25_ranker(path))


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
