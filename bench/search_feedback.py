"""Does pseudo-relevance feedback help? nDCG@10 of both judged sets with it off, at the shipped settings, and over
a grid of its settings (goi.search.feedback).

Run with `.venv/bin/python -m bench.search_feedback` (`--grid` for the settings grid, about two minutes). Each set
is indexed once through the real Whoosh backend; the module's settings are changed in the process between runs.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile

from goi.search import feedback
from tests.search import judged_eval

SETTINGS = ("WEAK_TOTAL", "FEEDBACK_DOCS", "FEEDBACK_TERMS", "FEEDBACK_BOOST", "MAX_SHARE", "FEEDBACK_MATCH")
GRID = {
    "WEAK_TOTAL": (3, 5, 10),
    "FEEDBACK_DOCS": (3, 5, 10),
    "FEEDBACK_TERMS": (5, 10, 20),
    "FEEDBACK_BOOST": (0.2, 0.3, 0.5),
    "MAX_SHARE": (0.05, 0.1, 0.3),
    "FEEDBACK_MATCH": (1, 2),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true")
    arguments = parser.parse_args(argv)
    sets = {}
    for name, folder in judged_eval.SETS.items():
        sets[name] = (judged_eval.load_queries(folder), judged_eval.build_index(folder, tempfile.mkdtemp()))

    def measured() -> str:
        means = []
        for name, (queries, backend) in sets.items():
            engine = judged_eval.engine_ranker(backend)
            scores = [judged_eval.ndcg(engine(query), query["judgments"]) for query in queries]
            means.append(f"{name} {judged_eval.mean(scores):.3f}")
        return ", ".join(means)

    shipped = {name: getattr(feedback, name) for name in SETTINGS}
    feedback.ENABLED = False
    print(f"feedback off: {measured()}")
    feedback.ENABLED = True
    print(f"feedback on ({', '.join(f'{k}={v}' for k, v in shipped.items())}): {measured()}")
    if arguments.grid:
        for values in itertools.product(*GRID.values()):
            for name, value in zip(GRID, values, strict=True):
                setattr(feedback, name, value)
            print(" ".join(f"{value}" for value in values), measured(), flush=True)


if __name__ == "__main__":
    main()
