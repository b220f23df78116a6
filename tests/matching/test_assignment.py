"""The assignment solver against brute force on tiny instances, its constraints on random ones, its errors."""

import itertools

import numpy as np
import pytest

from goi.matching.assignment import InfeasibleAssignment, assign, assignment_probabilities, round_dependently


def as_matrix(pairs, shape) -> np.ndarray:
    matrix = np.zeros(shape, dtype=int)
    for item, reviewer in pairs:
        matrix[item, reviewer] += 1
    return matrix


def all_assignments(items, reviewers, per_item, min_load, max_load, conflicts=(), organizations=None):
    """Every feasible assignment of a tiny instance, as 0/1 matrices."""
    choices = [
        [
            group
            for group in itertools.combinations(range(reviewers), per_item)
            if not any((item, reviewer) in conflicts for reviewer in group)
            and (organizations is None or len({organizations[reviewer] for reviewer in group}) == per_item)
        ]
        for item in range(items)
    ]
    for groups in itertools.product(*choices):
        matrix = np.zeros((items, reviewers), dtype=int)
        for item, group in enumerate(groups):
            matrix[item, list(group)] = 1
        loads = matrix.sum(axis=0)
        if np.all(loads >= min_load) and np.all(loads <= max_load):
            yield matrix


def check_constraints(pairs, shape, per_item, min_load, max_load, conflicts=(), fixed=()):
    matrix = as_matrix(pairs, shape)
    assert matrix.max() == 1, "a pair is assigned twice"
    assert np.all(matrix.sum(axis=1) == per_item)
    loads = matrix.sum(axis=0)
    assert np.all(loads >= min_load) and np.all(loads <= max_load)
    assert all(matrix[item, reviewer] == 0 for item, reviewer in conflicts)
    assert all(matrix[item, reviewer] == 1 for item, reviewer in fixed)
    return matrix


@pytest.mark.parametrize("seed", range(8))
def test_total_is_the_best_of_all_assignments(seed):
    rng = np.random.default_rng(seed)
    affinity = rng.random((3, 4)).round(2)
    conflicts = {(0, int(rng.integers(4)))}
    matrix = as_matrix(assign(affinity, 2, 1, 2, conflicts), affinity.shape)
    best = max((affinity * candidate).sum() for candidate in all_assignments(3, 4, 2, 1, 2, conflicts))
    assert (affinity * matrix).sum() == pytest.approx(best)


@pytest.mark.parametrize("seed", range(6))
def test_organizations_allow_one_reviewer_each_and_stay_optimal(seed):
    rng = np.random.default_rng(seed)
    affinity = rng.random((3, 5))
    organizations = [7, 7, 8, 8, 9]
    matrix = as_matrix(assign(affinity, 2, 0, 2, organizations=organizations), affinity.shape)
    assert all(matrix[item, 0] + matrix[item, 1] <= 1 and matrix[item, 2] + matrix[item, 3] <= 1 for item in range(3))
    best = max(
        (affinity * candidate).sum() for candidate in all_assignments(3, 5, 2, 0, 2, organizations=organizations)
    )
    assert (affinity * matrix).sum() == pytest.approx(best)


@pytest.mark.parametrize("mode", ["total", "fair", "randomized"])
@pytest.mark.parametrize("seed", range(3))
def test_every_constraint_holds_on_random_instances(mode, seed):
    rng = np.random.default_rng(seed)
    items, reviewers = 40, 12
    affinity = rng.normal(size=(items, reviewers))
    min_load = rng.integers(0, 8, size=reviewers)
    max_load = min_load + rng.integers(6, 12, size=reviewers)
    pairs = [(int(item), int(reviewer)) for item, reviewer in np.argwhere(rng.random((items, reviewers)) < 0.06)]
    conflicts, fixed = pairs[::2], [pair for pair in pairs[1::2] if pair[0] % 3 == 0]
    options = {"max_probability": 0.6} if mode == "randomized" else {}
    result = assign(affinity, 3, min_load, max_load, conflicts, fixed, mode=mode, seed=seed, **options)
    assert result == sorted(set(result))
    check_constraints(result, affinity.shape, 3, min_load, max_load, conflicts, fixed)


def test_fair_raises_the_worst_item_and_keeps_the_best_total_at_that_level():
    # Reviewer 0 is everyone's favourite; the total gives them to item 0, which leaves item 1 with only weak choices.
    affinity = np.array([[10.0, 8.0, 7.0], [1.0, 0.0, 0.2], [3.0, 2.5, 0.0]])
    total = as_matrix(assign(affinity, 1, 0, 1), affinity.shape)
    fair = as_matrix(assign(affinity, 1, 0, 1, mode="fair"), affinity.shape)
    worst = {name: (affinity * matrix).sum(axis=1).min() for name, matrix in [("total", total), ("fair", fair)]}
    assert worst["fair"] > worst["total"]
    candidates = list(all_assignments(3, 3, 1, 0, 1))
    best_worst = max((affinity * candidate).sum(axis=1).min() for candidate in candidates)
    best_total_there = max(
        (affinity * candidate).sum()
        for candidate in candidates
        if (affinity * candidate).sum(axis=1).min() >= best_worst - 1e-9
    )
    assert worst["fair"] == pytest.approx(best_worst)
    assert (affinity * fair).sum() == pytest.approx(best_total_there)


@pytest.mark.parametrize("seed", range(10))
def test_fair_is_lexicographically_best_on_random_tiny_instances(seed):
    rng = np.random.default_rng(100 + seed)
    affinity = rng.random((3, 4)).round(2)
    fair = as_matrix(assign(affinity, 2, 1, 2, mode="fair"), affinity.shape)
    scored = [
        ((affinity * candidate).sum(axis=1).min(), (affinity * candidate).sum())
        for candidate in all_assignments(3, 4, 2, 1, 2)
    ]
    best_worst = max(worst for worst, _total in scored)
    best_total = max(total for worst, total in scored if worst >= best_worst - 1e-9)
    assert (affinity * fair).sum(axis=1).min() == pytest.approx(best_worst)
    assert (affinity * fair).sum() == pytest.approx(best_total)


RANDOMIZED = {
    "affinity": np.array(
        [[0.9, 0.8, 0.1, 0.3, 0.5], [0.2, 0.9, 0.7, 0.1, 0.4], [0.6, 0.1, 0.8, 0.9, 0.3], [0.4, 0.5, 0.2, 0.6, 0.9]]
    ),
    "per_item": 2,
    "min_load": 1,
    "max_load": 2,
    "conflicts": [(0, 4)],
    "fixed": [(3, 4)],
}


def test_randomized_marginals_match_the_fractional_assignment_and_the_cap():
    cap = 0.6
    probabilities = assignment_probabilities(**RANDOMIZED, max_probability=cap)
    assert np.allclose(probabilities.sum(axis=1), 2)
    assert probabilities[0, 4] == 0 and probabilities[3, 4] == 1
    unfixed = np.ones(probabilities.shape, dtype=bool)
    unfixed[3, 4] = False
    assert probabilities[unfixed].max() <= cap + 1e-9
    assert np.any((probabilities > 0.01) & (probabilities < 0.99)), "the instance must need rounding"

    runs = 2000
    counts = np.zeros(probabilities.shape)
    for seed in range(runs):
        sample = round_dependently(probabilities, np.random.default_rng(seed))
        assert np.all(sample.sum(axis=1) == 2)
        assert np.all((sample.sum(axis=0) >= 1) & (sample.sum(axis=0) <= 2))
        counts += sample
    frequencies = counts / runs
    standard_error = np.sqrt(np.maximum(probabilities * (1 - probabilities), 0.01) / runs)
    assert np.all(np.abs(frequencies - probabilities) <= 4 * standard_error)
    assert frequencies[unfixed].max() <= cap + 4 * np.sqrt(cap * (1 - cap) / runs)


def test_randomized_assignment_is_the_rounding_of_its_probabilities_and_reproducible():
    probabilities = assignment_probabilities(**RANDOMIZED, max_probability=0.5)
    results = {}
    for seed in range(20):
        result = assign(**RANDOMIZED, mode="randomized", max_probability=0.5, seed=seed)
        assert result == assign(**RANDOMIZED, mode="randomized", max_probability=0.5, seed=seed)
        expected = round_dependently(probabilities, np.random.default_rng(seed))
        assert np.array_equal(as_matrix(result, probabilities.shape), expected)
        results[seed] = tuple(result)
    assert len(set(results.values())) > 1, "different seeds should give different assignments"


def test_dependent_rounding_keeps_integral_sums_and_rounds_the_others():
    rng = np.random.default_rng(5)
    fractions = rng.random((6, 7)) * (rng.random((6, 7)) < 0.7)
    fractions[0] = [0.5, 0.5, 0.25, 0.75, 0, 0, 0]
    for seed in range(200):
        sample = round_dependently(fractions, np.random.default_rng(seed)).astype(int)
        for axis in (0, 1):
            sums, rounded = fractions.sum(axis=axis), sample.sum(axis=axis)
            assert np.all((rounded >= np.floor(sums + 1e-9)) & (rounded <= np.ceil(sums - 1e-9)))
        assert sample[0].sum() == 2


@pytest.mark.parametrize(
    ("arguments", "options", "expected"),
    [
        # Item 1 conflicts with three of four reviewers.
        ((np.ones((3, 4)), 2, 0, 3, [(1, 0), (1, 1), (1, 2)]), {}, "item(s) 1 (has 1)"),
        # Reviewer 3 may take no work, so item 2, conflicted with 0 and 1, has only reviewer 2.
        ((np.ones((3, 4)), 2, 0, [3, 3, 3, 0], [(2, 0), (2, 1)]), {}, "item(s) 2 (has 1)"),
        (
            (np.ones((10, 4)), 3, 0, 5),
            {},
            "10 reviews short: 10 items × 3 reviewers need 30 reviews, the reviewers' max_load sums to 20",
        ),
        ((np.ones((4, 4)), 2, 3, 5), {}, "min_load sums to 12, 4 more than the 8 reviews"),
        ((np.ones((4, 3)), 1, [0, 0, 2], 4, [(0, 2), (1, 2), (2, 2)]), {}, "reviewer(s) 2 (1 < 2)"),
        ((np.ones((2, 4)), 1, 0, 2, (), [(0, 1), (0, 2)]), {}, "item(s) 0 (2)"),
        ((np.ones((3, 4)), 1, 0, 1, (), [(0, 1), (1, 1)]), {}, "reviewer(s) 1 (2 > 1)"),
        ((np.ones((2, 4)), 2, 0, 2, [(0, 0)]), {"mode": "randomized", "max_probability": 0.5}, "item(s) 0 (has 3)"),
        ((np.ones((2, 4)), 3, 0, 2), {"organizations": [1, 1, 2, 2]}, "item(s) 0 (has 2), 1 (has 2)"),
    ],
)
def test_infeasible_instances_say_what_is_short(arguments, options, expected):
    with pytest.raises(InfeasibleAssignment) as raised:
        assign(*arguments, **options)
    assert expected in str(raised.value)


def test_an_infeasibility_only_the_solver_sees_is_reported():
    # Each item has two eligible reviewers and capacity adds up, but items 0 and 1 both need reviewers 0 and 1,
    # whose max_load is 1.
    conflicts = [(0, 2), (0, 3), (1, 2), (1, 3)]
    with pytest.raises(InfeasibleAssignment, match="no assignment meets all the constraints together"):
        assign(np.ones((2, 4)), 2, 0, [1, 1, 2, 2], conflicts)


@pytest.mark.parametrize(
    ("arguments", "options", "message"),
    [
        ((np.ones(4), 1, 0, 1), {}, "affinity must be an items × reviewers array"),
        ((np.array([[1.0, np.nan]]), 1, 0, 1), {}, "finite"),
        ((np.ones((2, 3)), 0, 0, 1), {}, "per_item must be an integer of at least 1"),
        ((np.ones((2, 3)), 1.5, 0, 1), {}, "per_item must be an integer"),
        ((np.ones((2, 3)), 1, 2, 1), {}, "min_load exceeds max_load for reviewer(s) 0, 1, 2"),
        ((np.ones((2, 3)), 1, 0, [1, 2]), {}, "max_load must be an integer or one integer per reviewer (3)"),
        ((np.ones((2, 3)), 1, 0, 1.5), {}, "max_load must hold integers"),
        ((np.ones((2, 3)), 1, -1, 1), {}, "min_load must not be negative"),
        ((np.ones((2, 3)), 1, 0, 2, [(2, 0)]), {}, "conflicts pair(s) (2, 0) are out of range"),
        ((np.ones((2, 3)), 1, 0, 2, [(0, 1)], [(0, 1)]), {}, "fixed pair(s) (0, 1) are also conflicts"),
        ((np.ones((2, 3)), 1, 0, 2), {"mode": "best"}, "mode must be one of total, fair, randomized"),
        ((np.ones((2, 3)), 1, 0, 2), {"mode": "randomized"}, "needs max_probability in (0, 1]"),
        ((np.ones((2, 3)), 1, 0, 2), {"mode": "randomized", "max_probability": 1.5}, "in (0, 1]"),
        ((np.ones((2, 3)), 1, 0, 2), {"max_probability": 0.5}, "applies only to mode='randomized'"),
        ((np.ones((2, 3)), 1, 0, 2), {"organizations": [1, 2]}, "one id per reviewer (3)"),
    ],
)
def test_bad_input_is_a_value_error_that_says_which(arguments, options, message):
    with pytest.raises(ValueError) as raised:
        assign(*arguments, **options)
    assert not isinstance(raised.value, InfeasibleAssignment)
    assert message in str(raised.value)
