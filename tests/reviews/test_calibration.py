"""Calibrated scores (quality + reviewer leniency) and Krippendorff's alpha, on known and simulated panels."""

import math
import random

import numpy as np
import pytest
from scipy.stats import kendalltau

from goi.reviews.calibration import agreement, calibrate

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example of four coders and twelve units
# with missing values: alpha is 0.743 nominal, 0.815 ordinal, 0.849 interval and 0.797 ratio.
KRIPPENDORFF_EXAMPLE = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def _example_scores():
    return [
        (coder_id, unit, value)
        for coder_id, values in enumerate(KRIPPENDORFF_EXAMPLE.values())
        for unit, value in enumerate(values)
        if value is not None
    ]


def test_alpha_of_krippendorffs_own_example_is_0_849():
    assert agreement(_example_scores()) == pytest.approx(0.849, abs=0.0005)


def test_alpha_is_one_when_everyone_agrees_and_none_without_anything_to_compare():
    assert agreement([(1, 1, 80), (2, 1, 80), (1, 2, 40), (2, 2, 40)]) == pytest.approx(1.0)
    assert agreement([(1, 1, 80)]) is None
    assert agreement([]) is None
    assert agreement([(1, 1, 50), (2, 1, 50), (1, 2, 50), (2, 2, 50)]) is None  # no variation at all


def test_alpha_falls_when_reviewers_disagree():
    close = [(1, 1, 80), (2, 1, 78), (1, 2, 40), (2, 2, 43), (1, 3, 60), (2, 3, 61)]
    apart = [(1, 1, 80), (2, 1, 40), (1, 2, 40), (2, 2, 80), (1, 3, 60), (2, 3, 61)]
    assert agreement(close) > 0.9
    assert agreement(apart) < 0.1


def test_a_lenient_reviewer_is_measured_and_taken_out():
    # Reviewer 9 scores everything 20 points higher; the others agree on the true qualities 40, 60, 80.
    true = {1: 40.0, 2: 60.0, 3: 80.0}
    scores = [(reviewer, proposal, quality) for reviewer in (1, 2, 3) for proposal, quality in true.items()]
    scores += [(9, proposal, quality + 20) for proposal, quality in true.items()]
    result = calibrate(scores, strength=0.01)
    assert result.offsets[9] - np.mean([result.offsets[r] for r in (1, 2, 3)]) == pytest.approx(20, abs=0.1)
    assert [round(result.scores[p] - result.scores[1]) for p in (1, 2, 3)] == [0, 20, 40]


def test_the_same_scores_in_any_order_give_the_same_result():
    rng = random.Random(7)
    scores = [(r, p, rng.uniform(0, 100)) for r in range(5) for p in range(8) if (r + p) % 3]
    shuffled = scores[:]
    rng.shuffle(shuffled)
    assert calibrate(scores) == calibrate(shuffled)


def test_one_review_and_disjoint_groups_are_handled():
    # Reviewers 1-2 reviewed proposals 1-2, reviewers 3-4 proposals 3-4; reviewer 5 reviewed one proposal once.
    scores = [
        (1, 1, 70),
        (2, 1, 75),
        (1, 2, 50),
        (2, 2, 58),
        (3, 3, 90),
        (4, 3, 80),
        (3, 4, 60),
        (4, 4, 55),
        (5, 1, 95),
    ]
    result = calibrate(scores)
    assert set(result.scores) == {1, 2, 3, 4} and set(result.offsets) == {1, 2, 3, 4, 5}
    assert all(math.isfinite(value) for value in [*result.scores.values(), *result.stderr.values()])
    assert all(value > 0 for value in result.stderr.values())
    # Reviewer 5's one review cannot tell a lenient reviewer from a good proposal: the leniency stays near 0.
    assert abs(result.offsets[5]) < abs(95 - np.mean([70, 75, 95]))
    # Within each group the leniencies are centred on zero.
    assert result.offsets[3] + result.offsets[4] == pytest.approx(0, abs=1e-6)


def test_nothing_and_bad_input():
    empty = calibrate([])
    assert (empty.scores, empty.stderr, empty.offsets) == ({}, {}, {})
    with pytest.raises(ValueError):
        calibrate([(1, 1, 50)], strength=0)
    with pytest.raises(ValueError):
        calibrate([(1, 1, float("nan"))])


def _simulated_panel(seed: int):
    """40 proposals of known quality, 10 reviewers with known leniency, 3 reviews each proposal, noise."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(60, 12, size=40)
    leniency = rng.normal(0, 10, size=10)
    scores = []
    for proposal in range(40):
        for reviewer in rng.choice(10, size=3, replace=False):
            scores.append((int(reviewer), proposal, float(quality[proposal] + leniency[reviewer] + rng.normal(0, 4))))
    return quality, leniency, scores


@pytest.mark.parametrize("seed", range(8))
def test_on_simulated_panels_the_calibrated_ranking_is_closer_to_the_truth(seed):
    quality, leniency, scores = _simulated_panel(seed)
    result = calibrate(scores)
    proposals = sorted(result.scores)
    raw = {p: np.mean([value for _r, q, value in scores if q == p]) for p in proposals}
    tau_raw = kendalltau([quality[p] for p in proposals], [raw[p] for p in proposals]).statistic
    tau_calibrated = kendalltau([quality[p] for p in proposals], [result.scores[p] for p in proposals]).statistic
    assert tau_calibrated > tau_raw, (tau_calibrated, tau_raw)
    # The leniencies found follow the true ones.
    reviewers = sorted(result.offsets)
    found = [result.offsets[r] for r in reviewers]
    assert np.corrcoef(found, [leniency[r] for r in reviewers])[0, 1] > 0.9
