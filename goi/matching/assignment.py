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

MODES = ("total", "fair", "randomized")
# A solver value this close to 0 or 1 counts as that integer.
INTEGRAL_TOLERANCE = 1e-6
# The dependent rounding settles an edge this close to 0 or 1 (its steps are exact up to float rounding).
ROUNDING_TOLERANCE = 1e-9
# Each integer stage of the fair mode stops here and keeps the best assignment found so far.
FAIR_TIME_LIMIT = 25.0
# The fair mode's worst item is within this fraction of the best level (when the time limit allows).
FAIR_PRECISION = 1e-4
# How many items or reviewers a message names before it says "and N more".
NAMED_IN_MESSAGE = 10

Pair = tuple[int, int]


class InfeasibleAssignment(ValueError):
    """No assignment meets the constraints; the message says which constraint to relax."""


@dataclass(frozen=True)
class _Problem:
    affinity: np.ndarray  # items × reviewers, float
    per_item: int
    min_load: np.ndarray  # per reviewer, int
    max_load: np.ndarray
    eligible: np.ndarray  # items × reviewers, bool: not conflicted and the reviewer may take work
    fixed: np.ndarray  # items × reviewers, bool
    organizations: np.ndarray | None  # per reviewer, int code, or None

    @property
    def items(self) -> int:
        return self.affinity.shape[0]

    @property
    def reviewers(self) -> int:
        return self.affinity.shape[1]


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
    2,000 × 300, and the bisection's first probe usually reaches the simple bound.)
    Raises InfeasibleAssignment when no assignment exists, ValueError on malformed input.
    """
    problem = _validated(affinity, per_item, min_load, max_load, conflicts, fixed, organizations)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "randomized":
        _check_probability(max_probability)
        if problem.organizations is not None:
            raise ValueError("organizations are not supported with mode='randomized'")
    elif max_probability is not None:
        raise ValueError("max_probability applies only to mode='randomized'")
    if not time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    _check_feasible(problem, max_probability)
    if problem.items == 0:
        return []
    if mode == "total":
        chosen = _solve_total(problem)
    elif mode == "fair":
        chosen = _solve_fair(problem, time_limit)
    else:
        fractions = _fractional(problem, max_probability)
        chosen = round_dependently(fractions, np.random.default_rng(seed))
    _check_result(problem, chosen)
    items, reviewers = np.nonzero(chosen)
    return [(int(item), int(reviewer)) for item, reviewer in zip(items, reviewers, strict=True)]


def assignment_probabilities(
    affinity, per_item: int, min_load, max_load, conflicts=(), fixed=(), *, max_probability: float
) -> np.ndarray:
    """Items × reviewers: the probability with which assign(mode="randomized") assigns each pair."""
    problem = _validated(affinity, per_item, min_load, max_load, conflicts, fixed, None)
    _check_probability(max_probability)
    _check_feasible(problem, max_probability)
    if problem.items == 0:
        return np.zeros(problem.affinity.shape)
    return _fractional(problem, max_probability)


def round_dependently(fractions, rng: np.random.Generator) -> np.ndarray:
    """A 0/1 matrix (bool) in which each entry is 1 with probability fractions[i, j].

    Gandhi et al.'s dependent rounding on the bipartite graph of rows and columns: while an entry is fractional,
    take a cycle or a maximal path of fractional entries, split it into its alternate edges, and move one set up
    and the other down by the most that keeps every entry in [0, 1], in the direction chosen with the probabilities
    that leave each entry's expectation unchanged. Each step settles at least one entry. A row's or column's sum is
    kept exactly where it is an integer (such a vertex is never the end of a maximal path) and is otherwise rounded
    to its floor or its ceiling.
    """
    values_matrix = np.asarray(fractions, dtype=float)
    if values_matrix.ndim != 2 or not np.all((values_matrix >= 0) & (values_matrix <= 1)):
        raise ValueError("fractions must be a 2-D array of values in [0, 1]")
    result = values_matrix >= 1 - ROUNDING_TOLERANCE
    rows_count = values_matrix.shape[0]
    open_rows, open_columns = np.nonzero(
        (values_matrix > ROUNDING_TOLERANCE) & (values_matrix < 1 - ROUNDING_TOLERANCE)
    )
    values = values_matrix[open_rows, open_columns].tolist()
    ends = list(zip(open_rows.tolist(), (open_columns + rows_count).tolist(), strict=True))
    # Dicts rather than sets, so the walk visits edges in insertion order on every run.
    adjacency: list[dict[int, None]] = [{} for _ in range(rows_count + values_matrix.shape[1])]
    for edge, (row, column) in enumerate(ends):
        adjacency[row][edge] = None
        adjacency[column][edge] = None

    start = 0
    while True:
        while start < len(adjacency) and not adjacency[start]:
            start += 1
        if start == len(adjacency):
            break
        edges = _cycle_or_maximal_path(start, adjacency, ends)
        rising, falling = edges[0::2], edges[1::2]
        up = min([1 - values[edge] for edge in rising] + [values[edge] for edge in falling])
        down = min([values[edge] for edge in rising] + [1 - values[edge] for edge in falling])
        step = up if rng.random() * (up + down) < down else -down
        for edge in rising:
            values[edge] += step
        for edge in falling:
            values[edge] -= step
        for edge in edges:
            if ROUNDING_TOLERANCE < values[edge] < 1 - ROUNDING_TOLERANCE:
                continue
            row, column = ends[edge]
            result[row, column - rows_count] = values[edge] > 0.5
            del adjacency[row][edge]
            del adjacency[column][edge]
    return result


def _cycle_or_maximal_path(start: int, adjacency: list[dict[int, None]], ends: list[Pair]) -> list[int]:
    """The edges, in order, of a cycle reached by walking from start or, failing one, of a maximal path."""
    origin, from_dead_end = start, False
    while True:
        position = {origin: 0}
        path: list[int] = []
        vertex, previous = origin, -1
        while True:
            edge = next((edge for edge in adjacency[vertex] if edge != previous), None)
            if edge is None:
                if from_dead_end:
                    return path
                # A dead end: a walk from here ends in a cycle or at another dead end, a maximal path.
                origin, from_dead_end = vertex, True
                break
            first, second = ends[edge]
            vertex = second if first == vertex else first
            path.append(edge)
            if vertex in position:
                return path[position[vertex] :]
            position[vertex] = len(path)
            previous = edge


def _solve_total(problem: _Problem) -> np.ndarray:
    program = _program(problem, cap=1.0)
    return _chosen(problem, program, _total_optimum(program))


def _solve_fair(problem: _Problem, time_limit: float) -> np.ndarray:
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


def _best_possible_level(problem: _Problem) -> float:
    """The lowest, over items, of the total affinity of the item's fixed reviewers and its best other eligible ones."""
    fixed_total = np.where(problem.fixed, problem.affinity, 0.0).sum(axis=1)
    others = np.where(problem.eligible & ~problem.fixed, problem.affinity, -np.inf)
    ranked = -np.sort(-others, axis=1)
    wanted = problem.per_item - problem.fixed.sum(axis=1)
    best_others = [ranked[item, : wanted[item]].sum() for item in range(problem.items)]
    return float((fixed_total + np.array(best_others)).min())


def _fractional(problem: _Problem, max_probability: float) -> np.ndarray:
    program = _program(problem, cap=max_probability)
    values = np.clip(_run(-program.weights, program, integral=False).x, 0.0, 1.0)
    values[values < INTEGRAL_TOLERANCE] = 0.0
    values[values > 1 - INTEGRAL_TOLERANCE] = 1.0
    fractions = np.zeros(problem.affinity.shape)
    fractions[program.rows, program.columns] = values
    return fractions


def _program(problem: _Problem, cap: float) -> _Program:
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


def _chosen(problem: _Problem, program: _Program, values: np.ndarray) -> np.ndarray:
    chosen = np.zeros(problem.affinity.shape, dtype=bool)
    picked = values > 0.5
    chosen[program.rows[picked], program.columns[picked]] = True
    return chosen


def _check_result(problem: _Problem, chosen: np.ndarray) -> None:
    """Raise RuntimeError if a solver's tolerance or the rounding's float steps broke a constraint."""
    loads = chosen.sum(axis=0)
    if (
        np.any(chosen.sum(axis=1) != problem.per_item)
        or np.any(loads < problem.min_load)
        or np.any(loads > problem.max_load)
        or np.any(chosen & ~problem.eligible)
        or np.any(problem.fixed & ~chosen)
    ):
        raise RuntimeError("the assignment solver returned an assignment that breaks a constraint")


def _validated(affinity, per_item, min_load, max_load, conflicts, fixed, organizations) -> _Problem:
    matrix = np.asarray(affinity, dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValueError(f"affinity must be an items × reviewers array with at least one reviewer, not {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise ValueError("affinity must hold finite numbers")
    items, reviewers = matrix.shape
    if isinstance(per_item, bool) or not isinstance(per_item, int | np.integer) or per_item < 1:
        raise ValueError(f"per_item must be an integer of at least 1, not {per_item!r}")
    lowest = _loads(min_load, "min_load", reviewers)
    highest = _loads(max_load, "max_load", reviewers)
    below = np.flatnonzero(lowest > highest)
    if below.size:
        raise ValueError(f"min_load exceeds max_load for reviewer(s) {_named(below)}")
    conflicted = _pairs(conflicts, "conflicts", items, reviewers)
    kept = _pairs(fixed, "fixed", items, reviewers)
    both = np.argwhere(conflicted & kept)
    if both.size:
        raise ValueError(f"fixed pair(s) {_named([tuple(pair) for pair in both.tolist()])} are also conflicts")
    codes = None
    if organizations is not None:
        labels = np.asarray(organizations)
        if labels.shape != (reviewers,):
            raise ValueError(f"organizations must hold one id per reviewer ({reviewers}), not shape {labels.shape}")
        codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
    return _Problem(
        affinity=matrix,
        per_item=int(per_item),
        min_load=lowest,
        max_load=highest,
        eligible=~conflicted & (highest > 0)[np.newaxis, :],
        fixed=kept,
        organizations=codes,
    )


def _loads(value, name: str, reviewers: int) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.full(reviewers, array)
    if array.shape != (reviewers,):
        raise ValueError(f"{name} must be an integer or one integer per reviewer ({reviewers}), not {array.shape}")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number) or np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold integers")
    if np.any(array < 0):
        raise ValueError(f"{name} must not be negative")
    return array.astype(np.int64)


def _pairs(pairs, name: str, items: int, reviewers: int) -> np.ndarray:
    listed = np.asarray(list(pairs))
    mask = np.zeros((items, reviewers), dtype=bool)
    if listed.size == 0:
        return mask
    if listed.ndim != 2 or listed.shape[1] != 2 or not np.issubdtype(listed.dtype, np.integer):
        raise ValueError(f"{name} must be (item, reviewer) pairs of integers")
    outside = (listed[:, 0] < 0) | (listed[:, 0] >= items) | (listed[:, 1] < 0) | (listed[:, 1] >= reviewers)
    if np.any(outside):
        named = _named([tuple(pair) for pair in listed[outside].tolist()])
        raise ValueError(f"{name} pair(s) {named} are out of range")
    mask[listed[:, 0], listed[:, 1]] = True
    return mask


def _check_probability(max_probability) -> None:
    if max_probability is None or not 0 < max_probability <= 1:
        raise ValueError(f"mode='randomized' needs max_probability in (0, 1], not {max_probability!r}")


def _check_feasible(problem: _Problem, max_probability: float | None) -> None:
    """Raise InfeasibleAssignment naming what is short, on the conditions that can be checked without solving."""
    per_item, fixed = problem.per_item, problem.fixed
    fixed_per_item = fixed.sum(axis=1)
    crowded = np.flatnonzero(fixed_per_item > per_item)
    if crowded.size:
        raise InfeasibleAssignment(
            f"more fixed reviewers than per_item={per_item} on item(s) "
            + _named([f"{item} ({fixed_per_item[item]})" for item in crowded])
        )
    fixed_per_reviewer = fixed.sum(axis=0)
    busy = np.flatnonzero(fixed_per_reviewer > problem.max_load)
    if busy.size:
        raise InfeasibleAssignment(
            "more fixed items than max_load for reviewer(s) "
            + _named(
                [f"{reviewer} ({fixed_per_reviewer[reviewer]} > {problem.max_load[reviewer]})" for reviewer in busy]
            )
        )
    eligible = problem.eligible.sum(axis=1)
    short = np.flatnonzero(eligible < per_item)
    if short.size:
        raise InfeasibleAssignment(
            f"not enough eligible reviewers (not conflicted, max_load > 0) for per_item={per_item} on item(s) "
            + _named([f"{item} (has {eligible[item]})" for item in short])
        )
    if problem.organizations is not None:
        _check_organizations(problem)
    if max_probability is not None:
        # Each eligible pair that is not fixed can carry at most max_probability of the item's per_item.
        reachable = fixed_per_item + max_probability * (eligible - fixed_per_item)
        unreachable = np.flatnonzero(reachable < per_item - INTEGRAL_TOLERANCE)
        if unreachable.size:
            needed = int(np.ceil(per_item / max_probability - INTEGRAL_TOLERANCE))
            raise InfeasibleAssignment(
                f"at max_probability={max_probability} an item needs about {needed} eligible reviewers; too few on "
                "item(s) " + _named([f"{item} (has {eligible[item]})" for item in unreachable])
            )
    demand = per_item * problem.items
    capacity = int(problem.max_load.sum())
    if capacity < demand:
        raise InfeasibleAssignment(
            f"capacity is {demand - capacity} reviews short: {problem.items} items × {per_item} reviewers need "
            f"{demand} reviews, the reviewers' max_load sums to {capacity}"
        )
    floor = int(problem.min_load.sum())
    if floor > demand:
        raise InfeasibleAssignment(
            f"the reviewers' min_load sums to {floor}, {floor - demand} more than the {demand} reviews "
            f"({problem.items} items × {per_item} reviewers) there are to give"
        )
    open_items = problem.eligible.sum(axis=0)
    starved = np.flatnonzero(open_items < problem.min_load)
    if starved.size:
        raise InfeasibleAssignment(
            "fewer eligible items than min_load for reviewer(s) "
            + _named([f"{reviewer} ({open_items[reviewer]} < {problem.min_load[reviewer]})" for reviewer in starved])
        )


def _check_organizations(problem: _Problem) -> None:
    codes = problem.organizations
    distinct = np.array([np.unique(codes[np.flatnonzero(row)]).size for row in problem.eligible])
    short = np.flatnonzero(distinct < problem.per_item)
    if short.size:
        raise InfeasibleAssignment(
            f"with one reviewer per organization, not enough organizations among the eligible reviewers for "
            f"per_item={problem.per_item} on item(s) " + _named([f"{item} (has {distinct[item]})" for item in short])
        )
    fixed_items, fixed_reviewers = np.nonzero(problem.fixed)
    if fixed_items.size < 2:
        return
    pairs = np.stack([fixed_items, codes[fixed_reviewers]], axis=1)
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    twice = sorted({int(item) for item in unique[counts > 1, 0]})
    if twice:
        raise InfeasibleAssignment(f"two fixed reviewers of one organization on item(s) {_named(twice)}")


def _named(things) -> str:
    listed = [str(thing) for thing in things]
    shown = ", ".join(listed[:NAMED_IN_MESSAGE])
    more = len(listed) - NAMED_IN_MESSAGE
    return f"{shown} and {more} more" if more > 0 else shown
