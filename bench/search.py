"""Search at 100,000 documents: index build rate, query latency against SQLite FTS5, commit-to-searchable latency.

Run from the repository root: `.venv/bin/python -m bench.search` (or `make bench-search`).
Options: --docs N (default 100000), --rounds R (query repetitions, default 5), --writers W and --changes C
(commit-to-searchable: W writer processes committing C changes each, default 4 and 25), --skip-freshness.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from queue import Empty

from bench.search_corpus import CITIES, SEED, Doc, generate


@dataclass(frozen=True, slots=True)
class BenchQuery:
    text: str
    types: tuple[str, ...] = ()
    filters: tuple[tuple[str, str], ...] = ()


QUERIES = (
    BenchQuery("macet"), BenchQuery("kemacetan lalu lintas"), BenchQuery("persampahan"),
    BenchQuery("pengelolaan sampah plastik"), BenchQuery("banjir"), BenchQuery("air bersih"),
    BenchQuery("antrean puskesmas"), BenchQuery("antrian obat"), BenchQuery("perizinan usaha"),
    BenchQuery("pembayaran nontunai"), BenchQuery("traffic congestion"), BenchQuery("flood early warning"),
    BenchQuery("solar street lights"), BenchQuery("clean water shortages"), BenchQuery("waste"),
    BenchQuery("banijr"), BenchQuery("sampha"), BenchQuery("kemacetn lalu lintas"), BenchQuery("UMKM"),
    BenchQuery("PJU"), BenchQuery("IoT"), BenchQuery('"air bersih"'), BenchQuery('"sistem peringatan dini"'),
    BenchQuery("banjir -rob"), BenchQuery("sampah", filters=(("sector", "waste"),)),
    BenchQuery("banjir", filters=(("province", "16"),)), BenchQuery("antrean", types=("question",)),
    BenchQuery("stunting", filters=(("sector", "health"), ("province", "53"))),
    BenchQuery("rumah tidak layak huni"), BenchQuery("tagihan listrik PJU", types=("challenge",)),
)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of values."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


# ---------------------------------------------------------------- SQLite FTS5 baseline

FTS_WORD = re.compile(r'-?"[^"]*"|-?[^\s"]+')


def fts5_match(text: str) -> str:
    """The FTS5 MATCH expression of a query: words and quoted phrases ANDed, "-word" as NOT."""
    positive, negative = [], []
    for token in FTS_WORD.findall(text):
        target = negative if token.startswith("-") else positive
        words = re.findall(r"[^\W_]+", token)
        if words:
            target.append('"' + " ".join(words) + '"')
    expression = " AND ".join(positive) or '""'
    for term in negative:
        expression = f"{expression} NOT {term}"
    return expression


def fts5_build(docs: list[Doc], path: Path) -> tuple[sqlite3.Connection, float]:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, type UNINDEXED, sector UNINDEXED, "
        "province UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
    )
    started = time.perf_counter()
    connection.executemany(
        "INSERT INTO docs (rowid, title, summary, body, type, sector, province) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((d.object_id, d.title, d.summary, d.body, d.type, d.sector, d.province) for d in docs),
    )
    connection.commit()
    return connection, time.perf_counter() - started


def fts5_search(connection: sqlite3.Connection, query: BenchQuery) -> list[int]:
    sql = "SELECT rowid FROM docs WHERE docs MATCH ?"
    params: list[str] = [fts5_match(query.text)]
    for name, value in query.filters:
        sql += f" AND {name} = ?"
        params.append(value)
    if query.types:
        sql += f" AND type IN ({', '.join('?' * len(query.types))})"
        params.extend(query.types)
    sql += " ORDER BY bm25(docs, 5.0, 2.0, 1.0) LIMIT 10"
    return [row[0] for row in connection.execute(sql, params)]


def time_queries(run, rounds: int) -> tuple[list[float], dict[str, int]]:
    """Milliseconds per query execution (every query, rounds times, after one warm-up pass) and hit counts."""
    hits = {query.text: len(run(query)) for query in QUERIES}
    timings = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            run(query)
            timings.append((time.perf_counter() - started) * 1000)
    return timings, hits


# ---------------------------------------------------------------- the engine

NOW = datetime(2026, 11, 29, tzinfo=UTC)
# Generated documents use ids far above those of the app's own rows (the freshness run writes into the same index).
ID_OFFSET = 10_000_000
PAGE = 10


def search_documents(docs: list[Doc]) -> list:
    from goi.search.types import SearchDocument

    boosts = {"published": 1.0, "archived": 0.6}
    return [
        SearchDocument(
            key=f"{d.type}:{ID_OFFSET + d.object_id}",
            type=d.type,
            object_id=ID_OFFSET + d.object_id,
            title=d.title,
            summary=d.summary,
            body=d.body,
            url=f"/{d.type}s/{d.object_id}",
            sector=d.sector,
            province=d.province,
            status=d.status if d.type == "challenge" else None,
            org_kind=d.org_kind,
            owner=f"Pemerintah Kota {CITIES[d.object_id % len(CITIES)]}",
            deadline=NOW + timedelta(days=d.object_id % 90) if d.type == "challenge" else None,
            created_at=NOW - timedelta(minutes=d.object_id),
            principals=("public",),
            boost=boosts.get(d.status, 1.0) if d.type == "challenge" else 1.0,
        )
        for d in docs
    ]


def engine_build(documents: list, path: Path):
    from goi.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(path)
    started = time.perf_counter()
    backend.index(documents, timeout=60.0)
    return backend, time.perf_counter() - started


def engine_search(backend, query: BenchQuery) -> list[int]:
    from goi.search import service
    from goi.search.types import SearchQuery

    results = service.run_query(
        backend,
        SearchQuery(text=query.text, principals=("public",), now=NOW, types=query.types,
                    filters=dict(query.filters), per_page=PAGE),
    )
    return [hit.object_id for hit in results.hits]


KEYWORD_FILTER_QUERIES = ("banjir", "kemacetan lalu lintas", "sampah")


def keyword_filter(backend) -> list[tuple[str, int, float, float]]:
    """The challenge list's keyword filter: every matching challenge's id, ranked, through ranked_ids (one pass)
    and, as the baseline, by paging through the hits 100 at a time (what it did before): (query, ids, ms, ms)."""
    from goi.search.types import SearchQuery

    measured = []
    for text in KEYWORD_FILTER_QUERIES:
        query = SearchQuery(text=text, principals=("public",), now=NOW, types=("challenge",), per_page=100)
        backend.ranked_ids(query, limit=100_000)  # warm-up
        started = time.perf_counter()
        ids = backend.ranked_ids(query, limit=100_000)
        one_pass = time.perf_counter() - started
        started, paged = time.perf_counter(), []
        while True:
            results = backend.query(query)
            paged.extend(hit.object_id for hit in results.hits)
            if query.page >= results.pages:
                break
            query.page += 1
        paging = time.perf_counter() - started
        assert ids == paged, f"{text}: ranked_ids and the hit pages disagree"
        measured.append((text, len(ids), one_pass * 1000, paging * 1000))
    return measured


# ---------------------------------------------------------------- commit to searchable, through the outbox


def _app(folder: str, index_path: str):
    from config import TestConfig
    from goi import create_app

    return create_app(
        TestConfig,
        INSTANCE_PATH=folder,
        UPLOAD_PATH=str(Path(folder) / "uploads"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/goi.sqlite3",
        SEARCH_INDEX_PATH=index_path,
        SEARCH_SYNC_ON_COMMIT=True,
    )


def _seed_challenges(count: int) -> list[int]:
    from goi.challenges.models import Challenge, ChallengeStatus, Criterion
    from goi.extensions import db
    from goi.orgs.models import GovernmentKind, Organization, OrgKind

    organization = Organization(slug="pemkot-bench", name="Pemerintah Kota Bench", kind=OrgKind.GOVERNMENT,
                                government_kind=GovernmentKind.CITY, province_code="16", regency_code="16.71",
                                verified_at=NOW)
    db.session.add(organization)
    challenges = []
    for number in range(count):
        challenge = Challenge(
            slug=f"bench-{number}", owner_org=organization, title=f"Tantangan banjir {number}",
            summary="Ringkasan tantangan.", sector="water", province_code="16", regency_code="16.71",
            opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=30),
            status=ChallengeStatus.PUBLISHED, published_at=NOW, budget_min=100_000_000, budget_max=900_000_000,
        )
        challenge.criteria = [Criterion(position=1, name="Dampak", weight=100)]
        db.session.add(challenge)
        challenges.append(challenge)
    db.session.commit()
    return [challenge.id for challenge in challenges]


def _writer(folder: str, index_path: str, writer: int, challenge_ids: list[int], changes: int, results) -> None:
    """One writer process: change a challenge's title, commit, then query until the new title is found."""
    from goi.challenges.models import Challenge
    from goi.extensions import db
    from goi.search import service
    from goi.search.types import SearchQuery
    from goi.search.whoosh_backend import WhooshBackend

    rng = random.Random(SEED + writer)
    app = _app(folder, index_path)
    measured = []
    with app.app_context():
        backend = WhooshBackend(index_path)
        for number in range(changes):
            object_id = challenge_ids[number % len(challenge_ids)]
            # A word no other document has, far (in edits) from every earlier one: typo expansion cannot match.
            token = "".join(rng.choice("bcdfghjkmnpqrstvwxz") for _ in range(6)) + str(rng.randint(100, 999))
            challenge = db.session.get(Challenge, object_id)
            challenge.title = f"Tantangan banjir {token}"
            started = time.perf_counter()
            db.session.commit()  # the outbox row is written in this transaction, applied after it
            committed = time.perf_counter()
            search_query = SearchQuery(text=token, principals=("public",), per_page=PAGE)
            found = None
            while time.perf_counter() - started < 30:
                hits = service.run_query(backend, search_query).hits
                if any(hit.object_id == object_id and token in hit.title for hit in hits):
                    found = time.perf_counter()
                    break
                time.sleep(0.002)
            measured.append((committed - started, None if found is None else found - started))
            time.sleep(rng.uniform(0, 0.05))
        db.session.remove()
    results.put(measured)


def freshness(index_path: Path, writers: int, changes: int) -> list[tuple[float, float | None]]:
    """Commit-to-searchable of writers processes committing changes at once, on the bench's big index."""
    import multiprocessing

    from goi.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = _app(folder, str(index_path))
        with app.app_context():
            db.create_all()
            ids = _seed_challenges(writers * 5)
            db.session.remove()
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        processes = [
            context.Process(
                target=_writer, args=(folder, str(index_path), writer, ids[writer::writers], changes, queue)
            )
            for writer in range(writers)
        ]
        for process in processes:
            process.start()
        measured, reported, waited = [], 0, 0.0
        while reported < len(processes):
            try:
                measured.extend(queue.get(timeout=1.0))
                reported += 1
            except Empty:
                waited += 1.0
                failed = [p.name for p in processes if p.exitcode not in (None, 0)]
                if failed or waited > 600:
                    raise RuntimeError(f"writer processes failed: {failed or 'timed out'}") from None
        for process in processes:
            process.join()
        return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--changes", type=int, default=25, help="changes committed by each writer")
    parser.add_argument("--skip-freshness", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    docs = generate(args.docs)
    print(f"generated {len(docs):,} documents in {time.perf_counter() - started:.1f} s")
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as folder:
        connection, fts_seconds = fts5_build(docs, Path(folder) / "fts.sqlite3")
        fts_times, fts_hits = time_queries(lambda query: fts5_search(connection, query), args.rounds)

        documents = search_documents(docs)
        index_path = Path(folder) / "index"
        backend, engine_seconds = engine_build(documents, index_path)
        print(f"indexed {len(documents):,} documents in {engine_seconds:.1f} s")
        engine_times, engine_hits = time_queries(lambda query: engine_search(backend, query), args.rounds)

        engine_p95, fts_p95 = percentile(engine_times, 0.95), percentile(fts_times, 0.95)
        rows += [
            ("documents", f"{len(docs):,}"),
            ("engine index build", f"{len(docs) / engine_seconds:,.0f} docs/s"),
            ("SQLite FTS5 index build", f"{len(docs) / fts_seconds:,.0f} docs/s"),
            (f"engine query p50 ({len(QUERIES)} queries x {args.rounds})", f"{percentile(engine_times, 0.5):.1f} ms"),
            ("engine query p95", f"{engine_p95:.1f} ms"),
            ("engine query max", f"{max(engine_times):.1f} ms"),
            ("SQLite FTS5 query p50", f"{percentile(fts_times, 0.5):.1f} ms"),
            ("SQLite FTS5 query p95", f"{fts_p95:.1f} ms"),
            ("p95 engine / p95 FTS5", f"{engine_p95 / fts_p95:.2f}x"),
            ("target: engine p95 <= 50 ms", "met" if engine_p95 <= 50 else "NOT met"),
            ("target: ratio <= 3x", "met" if engine_p95 <= 3 * fts_p95 else "NOT met"),
        ]
        print("\nper query: engine p95 / FTS5 p95 (ms), hits in the first page engine / FTS5")
        for position, query in enumerate(QUERIES):
            own = engine_times[position :: len(QUERIES)]
            base = fts_times[position :: len(QUERIES)]
            label = query.text + "".join(f" {name}={value}" for name, value in query.filters)
            label += f" type={','.join(query.types)}" if query.types else ""
            print(f"  {label:<42} {percentile(own, 0.95):7.1f} {percentile(base, 0.95):7.1f}"
                  f"   {engine_hits[query.text]:>3} / {fts_hits[query.text]:>3}")

        for text, count, one_pass, paging in keyword_filter(backend):
            rows.append((f"keyword filter {text!r} ({count:,} challenges): ranked_ids / paging",
                         f"{one_pass:.0f} / {paging:.0f} ms = {one_pass / paging:.2f}x"))

        if not args.skip_freshness:
            connection.close()
            measured = freshness(index_path, args.writers, args.changes)
            commits = [commit * 1000 for commit, _ in measured]
            visible = [found * 1000 for _, found in measured if found is not None]
            missing = sum(1 for _, found in measured if found is None)
            rows += [
                (f"commit-to-searchable p50 ({args.writers} writers x {args.changes})",
                 f"{percentile(visible, 0.5):.0f} ms" if visible else "n/a"),
                ("commit-to-searchable p95", f"{percentile(visible, 0.95):.0f} ms" if visible else "n/a"),
                ("commit-to-searchable max", f"{max(visible):.0f} ms" if visible else "n/a"),
                ("commit() duration p50 / p95 (includes index write)",
                 f"{percentile(commits, 0.5):.0f} / {percentile(commits, 0.95):.0f} ms"),
                ("changes not searchable within 30 s", str(missing)),
            ]
    print_table(rows)


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value:>16}")


if __name__ == "__main__":
    main()
