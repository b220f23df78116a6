"""The reviewer assignment solver's modes against two greedy baselines on one seeded instance: time and objectives.

Run from the repository root: `.venv/bin/python -m bench.assignment` (options: --items, --reviewers, --seed,
--max-probability for the randomized mode). The instance: 2,000 proposals × 300 reviewers, 3 reviews a proposal,
loads 15–25, 1% of pairs conflicted, affinity the cosine of seeded topic vectors (a few topics a proposal or a
reviewer, drawn from a sparse Dirichlet) plus a little noise. Each method is timed once; the ratios are to the greedy
baseline of the same run (items in order, each taking its best eligible reviewers with room). The two-stage
baseline first gives every reviewer their minimum load (reviewers in order, each their best open items), then fills
the remaining places greedily. `unmet` counts the places the method left empty plus the reviews missing from minimum
loads: 0 for every mode of the solver, which meets every constraint.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from goi.matching.assignment import assign

PER_ITEM = 3
MIN_LOAD, MAX_LOAD = 15, 25
CONFLICT_SHARE = 0.01
TOPICS = 24


@dataclass(frozen=True)
class Instance:
    affinity: np.ndarray
    conflicts: list[tuple[int, int]]

    @property
    def eligible(self) -> np.ndarray:
        mask = np.ones(self.affinity.shape, dtype=bool)
        for item, reviewer in self.conflicts:
            mask[item, reviewer] = False
        return mask


def instance(items: int, reviewers: int, seed: int) -> Instance:
    rng = np.random.default_rng(seed)
    item_topics = rng.dirichlet(np.full(TOPICS, 0.15), size=items)
    reviewer_topics = rng.dirichlet(np.full(TOPICS, 0.15), size=reviewers)
    cosine = (item_topics @ reviewer_topics.T) / np.outer(
        np.linalg.norm(item_topics, axis=1), np.linalg.norm(reviewer_topics, axis=1)
    )
    affinity = np.clip(cosine + rng.normal(0, 0.05, size=cosine.shape), 0, None)
    conflicted = np.argwhere(rng.random((items, reviewers)) < CONFLICT_SHARE)
    return Instance(affinity, [(int(item), int(reviewer)) for item, reviewer in conflicted])


def fill_greedily(chosen: np.ndarray, affinity: np.ndarray, eligible: np.ndarray) -> None:
    """Items in order: each takes its best eligible reviewers with room until it has PER_ITEM."""
    loads = chosen.sum(axis=0)
    for item in range(affinity.shape[0]):
        wanted = PER_ITEM - int(chosen[item].sum())
        if wanted <= 0:
            continue
        open_reviewers = eligible[item] & ~chosen[item] & (loads < MAX_LOAD)
        scores = np.where(open_reviewers, affinity[item], -np.inf)
        best = np.argsort(-scores, kind="stable")[:wanted]
        best = best[np.isfinite(scores[best])]
        chosen[item, best] = True
        loads[best] += 1


def greedy(problem: Instance) -> np.ndarray:
    chosen = np.zeros(problem.affinity.shape, dtype=bool)
    fill_greedily(chosen, problem.affinity, problem.eligible)
    return chosen


def two_stage(problem: Instance) -> np.ndarray:
    affinity, eligible = problem.affinity, problem.eligible
    chosen = np.zeros(affinity.shape, dtype=bool)
    places = np.full(affinity.shape[0], PER_ITEM)
    for reviewer in range(affinity.shape[1]):
        scores = np.where(eligible[:, reviewer] & (places > 0), affinity[:, reviewer], -np.inf)
        best = np.argsort(-scores, kind="stable")[:MIN_LOAD]
        best = best[np.isfinite(scores[best])]
        chosen[best, reviewer] = True
        places[best] -= 1
    fill_greedily(chosen, affinity, eligible)
    return chosen


def solver(mode: str, max_probability: float, seed: int) -> Callable[[Instance], np.ndarray]:
    def run(problem: Instance) -> np.ndarray:
        options = {"max_probability": max_probability, "seed": seed} if mode == "randomized" else {}
        pairs = assign(problem.affinity, PER_ITEM, MIN_LOAD, MAX_LOAD, problem.conflicts, mode=mode, **options)
        chosen = np.zeros(problem.affinity.shape, dtype=bool)
        chosen[tuple(np.array(pairs).T)] = True
        return chosen

    return run


@dataclass(frozen=True)
class Measured:
    name: str
    seconds: float
    total: float
    worst: float
    unmet: int


def measure(name: str, method: Callable[[Instance], np.ndarray], problem: Instance) -> Measured:
    started = time.perf_counter()
    chosen = method(problem)
    seconds = time.perf_counter() - started
    assert not np.any(chosen & ~problem.eligible), f"{name} assigned a conflicted pair"
    per_item = chosen.sum(axis=1)
    loads = chosen.sum(axis=0)
    assert per_item.max() <= PER_ITEM and loads.max() <= MAX_LOAD, f"{name} overfilled an item or a reviewer"
    unmet = int((PER_ITEM - per_item).sum() + np.clip(MIN_LOAD - loads, 0, None).sum())
    item_totals = (problem.affinity * chosen).sum(axis=1)
    return Measured(name, seconds, float(item_totals.sum()), float(item_totals.min()), unmet)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-probability", type=float, default=0.5)
    args = parser.parse_args(argv)
    problem = instance(args.items, args.reviewers, args.seed)
    print(
        f"{args.items} items × {args.reviewers} reviewers, {PER_ITEM} reviews each, loads {MIN_LOAD}–{MAX_LOAD}, "
        f"{len(problem.conflicts)} conflicts, seed {args.seed}, randomized at max_probability {args.max_probability}"
    )
    methods = [
        ("greedy", greedy),
        ("two-stage", two_stage),
        ("total", solver("total", args.max_probability, args.seed)),
        ("fair", solver("fair", args.max_probability, args.seed)),
        ("randomized", solver("randomized", args.max_probability, args.seed)),
    ]
    results = [measure(name, method, problem) for name, method in methods]
    baseline = results[0]
    ratio = "× greedy"
    print(f"{'method':<11} {'seconds':>8} {ratio:>9} {'total':>10} {ratio:>9} {'worst item':>10} {ratio:>9} unmet")
    for result in results:
        print(
            f"{result.name:<11} {result.seconds:>8.2f} {result.seconds / baseline.seconds:>9.1f} "
            f"{result.total:>10.2f} {result.total / baseline.total:>9.3f} "
            f"{result.worst:>10.3f} {result.worst / baseline.worst if baseline.worst else float('inf'):>9.2f} "
            f"{result.unmet:>5}"
        )


if __name__ == "__main__":
    main()
