"""Reviewer assignment: which reviewers review which items, solved jointly rather than item by item.

`assign()` takes an items × reviewers affinity matrix (higher is better) and returns the assigned (item, reviewer)
pairs: every item gets exactly `per_item` distinct reviewers, every reviewer's load lies within [min_load, max_load],
conflicted pairs are never assigned and fixed pairs always are. Three modes:

- `total`: the assignment of maximum total affinity. The constraint matrix (items and reviewers as the two sides of
  a bipartite graph) is totally unimodular, so the linear program's vertex optimum is integral; it is checked and,
  should the solver return a fractional point, solved again as an integer program.
- `fair`: first the highest level the worst item's total affinity can reach, then the best total among the
  assignments whose every item reaches it, so no proposal is left with only weak reviewers.
- `randomized`: no pair is assigned with probability above `max_probability` (the randomized matcher OpenReview
  runs, after Jecmen et al., "Mitigating manipulation in peer review via randomized reviewer assignments", 2020):
  the best fractional assignment with every x_ij <= max_probability, then an integral assignment sampled by
  dependent rounding (Gandhi et al., "Dependent rounding and its applications", 2006) whose marginals equal it.

Variables are the eligible pairs only (not conflicted, reviewer with room), constraints are sparse matrices, and
every program goes to HiGHS through scipy.optimize.milp: 2,000 items × 300 reviewers is 600,000 variables.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from goi.matching.problem import (
    INTEGRAL_TOLERANCE,
    InfeasibleAssignment,
    Pair,
    Problem,
    check_feasible,
    check_probability,
    check_result,
    validated_problem,
)
from goi.matching.rounding import round_dependently

__all__ = ["MODES", "InfeasibleAssignment", "assign", "assignment_probabilities", "round_dependently"]

MODES = ("total", "fair", "randomized")
# Each integer stage of the fair mode stops here and keeps the best assignment found so far.
FAIR_TIME_LIMIT = 25.0
# The fair mode's worst item is within this fraction of the best level (when the time limit allows).
FAIR_PRECISION = 1e-4


@dataclass(frozen=True)
class _Program:
    """The eligible pairs as variables and the assignment's constraints on them."""

    rows: np.ndarray  # item of each variable
    columns: np.ndarray  # reviewer of each variable
    weights: np.ndarray  # affinity of each variable
    lower: np.ndarray  # variable bounds
    upper: np.ndarray
    constraints: LinearConstraint

    def item_totals(self, items: int) -> sparse.csr_array:
        """Items × variables: each row sums an item's affinity."""
        size = len(self.rows)
        return sparse.csr_array((self.weights, (self.rows, np.arange(size))), shape=(items, size))


def assign(
    affinity,
    per_item: int,
    min_load,
    max_load,
    conflicts: Iterable[Pair] = (),
    fixed: Iterable[Pair] = (),
    *,
    mode: str = "total",
    max_probability: float | None = None,
    seed: int = 0,
    organizations=None,
    time_limit: float = FAIR_TIME_LIMIT,
) -> list[Pair]:
    """The assigned (item, reviewer) pairs, sorted; deterministic for the same input and seed.

    min_load and max_load are ints or one int per reviewer. organizations (one id per reviewer, optional) allows at
    most one reviewer of an organization on an item; it is not supported with mode="randomized". max_probability
    (in (0, 1]) is required by, and only allowed with, mode="randomized"; fixed pairs are exempt from it (their
    probability is 1).

    The fair mode starts from the total-optimal assignment and bisects the worst item's level between its worst
    item and the best any item could reach (its best eligible reviewers), each probe the best total subject to every
    item >= the level, less a tiny margin. Those level rows lose total unimodularity, so each probe is an integer
    program (HiGHS branch and bound). The bisection stops within FAIR_PRECISION of the best level, or after
    `time_limit` seconds with the best assignment found so far: on a hard instance the result then depends on the
    machine's speed. (The fractional max-min linear program would bound the level more tightly, but took 40 s at
    2,000 × 300, and on the benchmark's instance the first probe reached the simple bound.)
    Raises InfeasibleAssignment when no assignment exists, ValueError on malformed input.
    """
    problem = validated_problem(affinity, per_item, min_load, max_load, conflicts, fixed, organizations)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "randomized":
        check_probability(max_probability)
        if problem.organizations is not None:
            raise ValueError("organizations are not supported with mode='randomized'")
    elif max_probability is not None:
        raise ValueError("max_probability applies only to mode='randomized'")
    if not time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    check_feasible(problem, max_probability)
    if problem.items == 0:
        return []
    if mode == "total":
        chosen = _solve_total(problem)
    elif mode == "fair":
        chosen = _solve_fair(problem, time_limit)
    else:
        fractions = _fractional(problem, max_probability)
        chosen = round_dependently(fractions, np.random.default_rng(seed))
    check_result(problem, chosen)
    items, reviewers = np.nonzero(chosen)
    return [(int(item), int(reviewer)) for item, reviewer in zip(items, reviewers, strict=True)]


def assignment_probabilities(
    affinity, per_item: int, min_load, max_load, conflicts=(), fixed=(), *, max_probability: float
) -> np.ndarray:
    """Items × reviewers: the probability with which assign(mode="randomized") assigns each pair."""
    problem = validated_problem(affinity, per_item, min_load, max_load, conflicts, fixed, None)
    check_probability(max_probability)
    check_feasible(problem, max_probability)
    if problem.items == 0:
        return np.zeros(problem.affinity.shape)
    return _fractional(problem, max_probability)


def _solve_total(problem: Problem) -> np.ndarray:
    program = _program(problem, cap=1.0)
    return _chosen(problem, program, _total_optimum(program))


def _solve_fair(problem: Problem, time_limit: float) -> np.ndarray:
    deadline = time.monotonic() + time_limit
    program = _program(problem, cap=1.0)
    totals = program.item_totals(problem.items)
    best = _total_optimum(program)
    # The total-optimal assignment's worst item is a level an integral assignment reaches; no item can do better
    # than its fixed reviewers plus its best other eligible ones.
    reached, bound = float((totals @ best).min()), _best_possible_level(problem)
    precision = FAIR_PRECISION * max(1.0, abs(bound))
    probe = bound
    while bound - reached > precision and time.monotonic() < deadline:
        found = _best_total_at_level(program, totals, probe, totals @ best, deadline)
        if found is None:
            bound = probe
        else:
            best, reached = found, max(probe, float((totals @ found).min()))
        probe = (reached + bound) / 2
    return _chosen(problem, program, best)


def _best_total_at_level(
    program: _Program, totals: sparse.csr_array, level: float, start: np.ndarray, deadline: float
) -> np.ndarray | None:
    """The best total among the assignments whose every item reaches level, or None if none was found in time.

    The level rows break total unimodularity, so this is an integer program. A row for every item makes HiGHS's
    branch and bound far slower than rows for the few items that fall below the level (no solution in 40 s against
    19 s at 2,000 × 300), so rows are added lazily: first for the items below the level in `start`, then for those
    below it in each solution, until none is.
    """
    margin = 1e-6 * max(1.0, abs(level))  # the solver's feasibility tolerance
    rows = np.flatnonzero(start < level - margin)
    while time.monotonic() < deadline:
        result = milp(
            -program.weights,
            integrality=np.ones(len(program.rows)),
            bounds=Bounds(program.lower, program.upper),
            constraints=[program.constraints, LinearConstraint(totals[rows], level - margin, np.inf)],
            options={"time_limit": max(deadline - time.monotonic(), 0.1)},
        )
        if result.x is None:
            return None
        below = np.flatnonzero(totals @ result.x < level - margin)
        if below.size == 0:
            return np.round(result.x)
        rows = np.union1d(rows, below)
    return None


def _total_optimum(program: _Program) -> np.ndarray:
    values = _run(-program.weights, program, integral=False).x
    if not _integral(values):
        values = _run(-program.weights, program, integral=True).x
    return np.round(values)


def _best_possible_level(problem: Problem) -> float:
    """The lowest, over items, of the total affinity of the item's fixed reviewers and its best other eligible ones."""
    fixed_total = np.where(problem.fixed, problem.affinity, 0.0).sum(axis=1)
    others = np.where(problem.eligible & ~problem.fixed, problem.affinity, -np.inf)
    ranked = -np.sort(-others, axis=1)
    wanted = problem.per_item - problem.fixed.sum(axis=1)
    best_others = [ranked[item, : wanted[item]].sum() for item in range(problem.items)]
    return float((fixed_total + np.array(best_others)).min())


def _fractional(problem: Problem, max_probability: float) -> np.ndarray:
    program = _program(problem, cap=max_probability)
    values = np.clip(_run(-program.weights, program, integral=False).x, 0.0, 1.0)
    values[values < INTEGRAL_TOLERANCE] = 0.0
    values[values > 1 - INTEGRAL_TOLERANCE] = 1.0
    fractions = np.zeros(problem.affinity.shape)
    fractions[program.rows, program.columns] = values
    return fractions


def _program(problem: Problem, cap: float) -> _Program:
    rows, columns = np.nonzero(problem.eligible)
    size = len(rows)
    variables = np.arange(size)
    blocks = [
        sparse.csr_array((np.ones(size), (rows, variables)), shape=(problem.items, size)),
        sparse.csr_array((np.ones(size), (columns, variables)), shape=(problem.reviewers, size)),
    ]
    lower_sums = [np.full(problem.items, float(problem.per_item)), problem.min_load.astype(float)]
    upper_sums = [np.full(problem.items, float(problem.per_item)), problem.max_load.astype(float)]
    if problem.organizations is not None:
        # At most one reviewer of an organization on an item: one row per (item, organization) with two or more
        # eligible reviewers. These rows nest inside the item rows, so the matrix stays totally unimodular.
        _, group_of, counts = np.unique(
            rows * (int(problem.organizations.max()) + 1) + problem.organizations[columns],
            return_inverse=True,
            return_counts=True,
        )
        shared = counts[group_of] >= 2
        renumbered = np.cumsum(counts >= 2) - 1
        blocks.append(
            sparse.csr_array(
                (np.ones(int(shared.sum())), (renumbered[group_of[shared]], variables[shared])),
                shape=(int((counts >= 2).sum()), size),
            )
        )
        lower_sums.append(np.zeros(blocks[-1].shape[0]))
        upper_sums.append(np.ones(blocks[-1].shape[0]))
    fixed = problem.fixed[rows, columns]
    return _Program(
        rows=rows,
        columns=columns,
        weights=problem.affinity[rows, columns],
        lower=fixed.astype(float),
        upper=np.where(fixed, 1.0, cap),
        constraints=LinearConstraint(
            sparse.vstack(blocks, format="csr"), np.concatenate(lower_sums), np.concatenate(upper_sums)
        ),
    )


def _run(objective: np.ndarray, program: _Program, integral: bool):
    result = milp(
        objective,
        integrality=np.full(len(objective), 1 if integral else 0),
        bounds=Bounds(program.lower, program.upper),
        constraints=[program.constraints],
    )
    _raise_on_failure(result)
    return result


def _raise_on_failure(result) -> None:
    if result.status == 2:
        raise InfeasibleAssignment(
            "no assignment meets all the constraints together, although each item has enough eligible reviewers "
            "and the loads add up: relax the conflicts, fixed pairs or load bounds of the busiest reviewers"
        )
    if result.x is None:
        raise RuntimeError(f"the assignment solver stopped without a solution: {result.message}")


def _integral(values: np.ndarray) -> bool:
    return bool(np.all(np.minimum(np.abs(values), np.abs(values - 1)) <= INTEGRAL_TOLERANCE))


def _chosen(problem: Problem, program: _Program, values: np.ndarray) -> np.ndarray:
    chosen = np.zeros(problem.affinity.shape, dtype=bool)
    picked = values > 0.5
    chosen[program.rows[picked], program.columns[picked]] = True
    return chosen
