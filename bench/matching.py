"""Recommendations at national size: 10 challenges for a solver among 10,000 open challenges, and 10 solvers for a
challenge among 10,000 organizations, beside a brute-force baseline in the same run.

The engine (goi.matching.recommend) scores every row with one sparse matrix-vector product over the corpus kept in
memory, then re-ranks a shortlist with the region. The baseline scores every row in Python, one cosine of two
dictionaries at a time, over the same analysed texts (so analysis is not what is compared) with the same weights,
and sorts them all. Both answer the same question; the run prints how many of the engine's ten the baseline also
ranks in its ten. The corpora are built once per process (their cost is printed apart), then a change of one row
is read again on the next request (also printed).

    .venv/bin/python -m bench.matching [--challenges 10000] [--organizations 10000] [--queries 50]
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, update

from bench.search_corpus import CITIES, PROVINCES, SECTORS, VOCAB
from config import TestConfig
from goi import create_app
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.matching import recommend, text
from goi.matching.corpus import fresh
from goi.orgs.models import GovernmentKind, Organization, OrgKind

NOW = datetime.now(UTC).replace(microsecond=0)
SEED = 20261203
SOLVER_KINDS = (OrgKind.INDUSTRY, OrgKind.ACADEMIA, OrgKind.COMMUNITY, OrgKind.INVESTOR)


def _populate(challenges: int, organizations: int) -> None:
    rng = random.Random(SEED)
    governments = max(1, challenges // 20)
    rows = [
        {
            "id": number + 1,
            "slug": f"pemkot-{number}",
            "name": f"Pemerintah Kota {rng.choice(CITIES)} {number}",
            "kind": OrgKind.GOVERNMENT,
            "government_kind": GovernmentKind.CITY,
            "province_code": rng.choice(PROVINCES),
            "verified_at": NOW,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for number in range(governments)
    ]
    for number in range(organizations):
        sector = rng.choice(SECTORS)
        _p_id, _p_en, s_id, s_en = VOCAB[sector]
        english = rng.random() < 0.3
        ideas = rng.sample(s_en if english else s_id, k=min(3, len(s_en if english else s_id)))
        province = rng.choice(PROVINCES)
        rows.append(
            {
                "id": governments + number + 1,
                "slug": f"org-{number}",
                "ref": f"org-{number}",
                "name": f"Solver {number}",
                "kind": SOLVER_KINDS[number % len(SOLVER_KINDS)],
                "description_html": f"<p>{'We build' if english else 'Kami mengembangkan'} {ideas[0]}.</p>",
                "expertise": ", ".join(ideas),
                "seeking": rng.choice(s_id),
                "sectors": sector,
                "regions_served": province,
                "province_code": province,
                "created_at": NOW,
                "updated_at": NOW - timedelta(seconds=number),
            }
        )
    db.session.execute(insert(Organization), rows)
    challenge_rows = []
    for number in range(challenges):
        sector = rng.choice(SECTORS)
        p_id, p_en, s_id, s_en = VOCAB[sector]
        english = rng.random() < 0.25
        problems, ideas = (p_en, s_en) if english else (p_id, s_id)
        problem, idea, city = rng.choice(problems), rng.choice(ideas), rng.choice(CITIES)
        challenge_rows.append(
            {
                "id": number + 1,
                "slug": f"tantangan-{number}",
                "ref": f"tantangan-{number}",
                "owner_org_id": number % governments + 1,
                "title": f"Tackling {problem} in {city}" if english else f"Mengatasi {problem} di {city}",
                "summary": f"We look for {idea}." if english else f"Kami mencari {idea}.",
                "problem_html": f"<p>{problem}; {rng.choice(problems)}.</p>",
                "sector": sector,
                "province_code": rng.choice(PROVINCES),
                "opens_at": NOW - timedelta(days=10),
                "closes_at": NOW + timedelta(days=30 + number % 60),
                "status": ChallengeStatus.PUBLISHED,
                "published_at": NOW,
                "created_at": NOW,
                "updated_at": NOW - timedelta(seconds=number),
            }
        )
    db.session.execute(insert(Challenge), challenge_rows)
    db.session.commit()


def _brute_challenges(solver: recommend.Solver, limit: int) -> list[int]:
    """Every open, eligible challenge scored in Python over the same analysed texts and weights, all sorted."""
    corpus = fresh(db.session, "challenges")
    idf = corpus.idf_map()
    weights = text.weights(solver.profile, idf, default_idf=0.0)
    scored = []
    for entry in corpus.entries.values():
        facts = entry.facts
        if facts["status"] != "published" or not (facts["opens_at"] <= NOW < facts["closes_at"]):
            continue
        if not facts["allowed"] & solver.kinds:
            continue
        fit = text.cosine(weights, text.weights(entry.profile, idf, default_idf=0.0))
        sector = 1.0 if facts["sector"] in solver.sectors else 0.0
        if fit <= 0 and not sector:
            continue
        region, _place = recommend.region_fit(facts, solver.regions, solver.provinces, solver.regencies)
        score = recommend.TEXT_WEIGHT * fit + recommend.SECTOR_WEIGHT * sector + recommend.REGION_WEIGHT * region
        scored.append((-score, entry.id))
    scored.sort()
    return [entry_id for _score, entry_id in scored[:limit]]


def _brute_solvers(challenge: Challenge, limit: int) -> list[int]:
    corpus = fresh(db.session, "organizations")
    idf = corpus.idf_map()
    profile = recommend._challenge_profile(challenge)
    weights = text.weights(profile, idf, default_idf=0.0)
    kinds = {kind.value for kind in challenge.eligible_kinds}
    facts = recommend._challenge_facts(challenge)
    scored = []
    for entry in corpus.entries.values():
        if entry.facts["kind"] not in kinds:
            continue
        fit = text.cosine(weights, text.weights(entry.profile, idf, default_idf=0.0))
        sector = 1.0 if challenge.sector in entry.facts["sectors"] else 0.0
        if fit <= 0 and not sector:
            continue
        regencies = frozenset([entry.facts["regency"]] if entry.facts.get("regency") else [])
        provinces = frozenset([entry.facts["province"]] if entry.facts.get("province") else [])
        region, _place = recommend.region_fit(facts, entry.facts["regions"], provinces, regencies)
        score = recommend.TEXT_WEIGHT * fit + recommend.SECTOR_WEIGHT * sector + recommend.REGION_WEIGHT * region
        scored.append((-score, entry.id))
    scored.sort()
    return [entry_id for _score, entry_id in scored[:limit]]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def _report(label: str, engine: list[float], brute: list[float], overlap: list[float]) -> None:
    p95_engine, p95_brute = _percentile(engine, 0.95), _percentile(brute, 0.95)
    print(f"{label}")
    print(f"  engine p50 / p95                {statistics.median(engine):8.1f} / {p95_engine:6.1f} ms")
    print(f"  brute force p50 / p95           {statistics.median(brute):8.1f} / {p95_brute:6.1f} ms")
    print(f"  p95 engine / brute force        {p95_engine / p95_brute:8.3f}x")
    print(f"  top 10 shared with brute force  {statistics.mean(overlap):8.2f} of 10 (mean)")
    print(f"  target: engine p95 <= 50 ms     {'met' if p95_engine <= 50 else 'NOT met':>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--organizations", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=50)
    options = parser.parse_args()
    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            TestConfig,
            INSTANCE_PATH=folder,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            SEARCH_INDEX_PATH=str(Path(folder) / "search"),
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            _populate(options.challenges, options.organizations)
            print(
                f"data: {options.challenges:,} open challenges, {options.organizations:,} organizations "
                f"({time.perf_counter() - started:.0f} s)"
            )
            for name in ("challenges", "organizations"):
                build, corpus = _timed(lambda name=name: fresh(db.session, name))
                print(
                    f"corpus {name:<14} built in {build / 1000:6.1f} s ({len(corpus.ids):,} rows, "
                    f"{len(corpus.vocabulary):,} features)"
                )
            rng = random.Random(SEED + 1)
            solver_ids = rng.sample(range(1, options.organizations + 1), options.queries)
            governments = max(1, options.challenges // 20)
            engine, brute, overlap = [], [], []
            for solver_number in solver_ids:
                organization = db.session.get(Organization, governments + solver_number)
                solver = recommend.solver_for_organization(db.session, organization)
                took, found = _timed(lambda solver=solver: recommend.challenges_for(db.session, solver, limit=10))
                engine.append(took)
                took, expected = _timed(lambda solver=solver: _brute_challenges(solver, 10))
                brute.append(took)
                overlap.append(len({s.object_id for s in found} & set(expected)))
            _report("10 challenges for a solver among the open challenges", engine, brute, overlap)
            challenge_ids = rng.sample(range(1, options.challenges + 1), options.queries)
            engine, brute, overlap = [], [], []
            for challenge_id in challenge_ids:
                challenge = db.session.get(Challenge, challenge_id)
                took, found = _timed(
                    lambda challenge=challenge: recommend.solvers_for_challenge(db.session, challenge, limit=10)
                )
                engine.append(took)
                took, expected = _timed(lambda challenge=challenge: _brute_solvers(challenge, 10))
                brute.append(took)
                overlap.append(len({s.object_id for s in found if s.kind == "organization"} & set(expected)))
            _report("10 solvers for a challenge among the organizations", engine, brute, overlap)
            # One challenge changes: the next request reads that row again, not the corpus.
            clock.freeze(NOW + timedelta(minutes=1))
            db.session.execute(
                update(Challenge).where(Challenge.id == 1).values(title="Sensor banjir baru", updated_at=clock.now())
            )
            db.session.commit()
            organization = db.session.scalar(select(Organization).where(Organization.kind != OrgKind.GOVERNMENT))
            took, _found = _timed(lambda: recommend.challenges_for_organization(db.session, organization))
            print(f"first request after one challenge changed      {took:8.1f} ms (reads the changed row again)")
            db.engine.dispose()
    clock.reset()


if __name__ == "__main__":
    main()
