"""The assignment problem's input, validated, and the checks that name what makes it infeasible before solving."""

from dataclasses import dataclass

import numpy as np

Pair = tuple[int, int]
# A solver value this close to an integer counts as that integer.
INTEGRAL_TOLERANCE = 1e-6
# How many items or reviewers a message names before it says "and N more".
NAMED_IN_MESSAGE = 10


class InfeasibleAssignment(ValueError):
    """No assignment meets the constraints; the message says which constraint to relax."""


@dataclass(frozen=True)
class Problem:
    """An assignment problem's input, validated: arrays in the shapes the solver builds its program from."""

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


def check_result(problem: Problem, chosen: np.ndarray) -> None:
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


def validated_problem(affinity, per_item, min_load, max_load, conflicts, fixed, organizations) -> Problem:
    """assign()'s arguments as a Problem; ValueError naming the first malformed one."""
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
    return Problem(
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


def check_probability(max_probability) -> None:
    if max_probability is None or not 0 < max_probability <= 1:
        raise ValueError(f"mode='randomized' needs max_probability in (0, 1], not {max_probability!r}")


def check_feasible(problem: Problem, max_probability: float | None) -> None:
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


def _check_organizations(problem: Problem) -> None:
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
