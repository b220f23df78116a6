"""Ranking quality on the hand-judged sets: mean nDCG@10 of the engine and of a plain BM25 baseline, per query.

Run from the repository root: `.venv/bin/python -m bench.search_judged` (options: --set judged|judged_hard, repeatable;
--worst N prints only the N worst queries of each set). Each set (tests/search/judged/, tests/search/judged_hard/)
is indexed through the real Whoosh backend in a temporary folder; every query runs through the service's query path
and, for the baseline, as a plain OR of its analysed terms under Whoosh's BM25F (see tests/search/judged_eval.py).
"""

from __future__ import annotations

import argparse

from tests.search.judged_eval import KINDS, SETS, K, Scored, mean, measure


def summary(name: str, scored: list[Scored]) -> str:
    engine, bm25 = [item.engine for item in scored], [item.bm25 for item in scored]
    zeros = sum(1 for value in engine if value == 0)
    lines = [
        f"{name}: {len(scored)} queries, mean nDCG@{K} engine {mean(engine):.3f}, BM25 baseline {mean(bm25):.3f}, "
        f"engine 0 on {zeros} (baseline 0 on {sum(1 for value in bm25 if value == 0)})"
    ]
    kinds = [kind for kind in KINDS if any(item.query.get("kind") == kind for item in scored)]
    for kind in kinds:
        group = [item for item in scored if item.query.get("kind") == kind]
        lines.append(
            f"  {kind:<15} {len(group):>3} queries  engine {mean([item.engine for item in group]):.3f}"
            f"  BM25 {mean([item.bm25 for item in group]):.3f}"
            f"  engine 0 on {sum(1 for item in group if item.engine == 0)}"
        )
    return "\n".join(lines)


def per_query(scored: list[Scored], worst: int | None) -> str:
    ordered = sorted(scored, key=lambda item: (item.engine, item.query["id"]))
    if worst is not None:
        ordered = ordered[:worst]
    lines = [f"  {'engine':>6} {'BM25':>6}  {'id':<4} {'kind':<15} query"]
    for item in ordered:
        query = item.query
        label = query["text"]
        if query["filters"] or query["types"]:
            label += f"  {query['filters'] or ''}{' types=' + ','.join(query['types']) if query['types'] else ''}"
        lines.append(
            f"  {item.engine:>6.3f} {item.bm25:>6.3f}  {query['id']:<4} {query.get('kind', '-'):<15} {label}"
            f"  top: {item.ranked[:5]}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), dest="sets")
    parser.add_argument("--worst", type=int, default=None)
    args = parser.parse_args(argv)
    for name in args.sets or list(SETS):
        scored = measure(SETS[name])
        print(summary(name, scored))
        print(per_query(scored, args.worst))
        print()


if __name__ == "__main__":
    main()
