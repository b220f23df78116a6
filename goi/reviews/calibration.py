"""Calibrated scores and panel agreement: pure functions over (reviewer, proposal, value) triples.

A raw mean lets a harsh or lenient reviewer decide a proposal's rank by whom they happened to review. The model here
is the one people who run judging panels fit by hand:

    value(reviewer, proposal) = quality(proposal) + leniency(reviewer) + noise

fitted by least squares with each leniency shrunk toward 0: the penalty `strength * leniency**2` counts as `strength`
imaginary reviews at zero leniency, so a reviewer with one review moves their proposal little and a reviewer with
twenty is measured well. Without the shrinkage the model has no unique solution (a constant can move from every
quality to every leniency), and within a group of reviewers who reviewed disjoint proposals from another group the
groups' levels cannot be told apart at all; the shrinkage centres each group's leniencies on 0, which is the most
that the data allow.

`agreement()` is Krippendorff's alpha with the interval metric, over the values of the proposals that have at least
two of them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

Score = tuple[int, int, float]  # (reviewer_id, proposal_id, value)


@dataclass(frozen=True)
class Calibration:
    """Calibrated scores and their standard errors by proposal id, reviewers' leniency by reviewer id."""

    scores: dict[int, float]
    stderr: dict[int, float]
    offsets: dict[int, float]
    offset_stderr: dict[int, float]
    residual_sd: float


def _triples(scores: Iterable[Score]) -> list[Score]:
    triples = [(int(reviewer), int(proposal), float(value)) for reviewer, proposal, value in scores]
    if any(not np.isfinite(value) for _r, _p, value in triples):
        raise ValueError("scores must be finite numbers")
    return sorted(triples)


def calibrate(scores: Iterable[Score], strength: float = 1.0) -> Calibration:
    """Fit quality + leniency by regularized least squares; deterministic for the same scores in any order.

    strength > 0 is how many reviews at zero leniency each reviewer's leniency is shrunk toward (1.0: a reviewer with
    one review is believed half-way). A reviewer who scored one proposal twice counts twice. Proposals without scores
    are not in the result.
    """
    if not strength > 0:
        raise ValueError("strength must be positive")
    triples = _triples(scores)
    if not triples:
        return Calibration({}, {}, {}, {}, 0.0)
    proposals = sorted({proposal for _r, proposal, _v in triples})
    reviewers = sorted({reviewer for reviewer, _p, _v in triples})
    p_index = {proposal: i for i, proposal in enumerate(proposals)}
    r_index = {reviewer: len(proposals) + i for i, reviewer in enumerate(reviewers)}
    size = len(proposals) + len(reviewers)

    # The normal equations of the design [one-hot proposal | one-hot reviewer] plus the ridge on the reviewers.
    normal = np.zeros((size, size))
    right = np.zeros(size)
    for reviewer, proposal, value in triples:
        i, j = p_index[proposal], r_index[reviewer]
        normal[i, i] += 1
        normal[j, j] += 1
        normal[i, j] += 1
        normal[j, i] += 1
        right[i] += value
        right[j] += value
    for j in r_index.values():
        normal[j, j] += strength
    inverse = np.linalg.inv(normal)
    fitted = inverse @ right

    residuals = [value - fitted[p_index[p]] - fitted[r_index[r]] for r, p, value in triples]
    # Degrees of freedom: the observations less the effective number of parameters (the trace of the hat matrix).
    hat_trace = 0.0
    for reviewer, proposal, _value in triples:
        i, j = p_index[proposal], r_index[reviewer]
        hat_trace += inverse[i, i] + inverse[j, j] + 2 * inverse[i, j]
    dof = len(triples) - hat_trace
    if dof > 0.5:
        variance = float(np.dot(residuals, residuals)) / dof
    else:
        # As many parameters as observations: the spread of the values is the honest uncertainty left.
        values = np.array([value for _r, _p, value in triples])
        variance = float(values.var(ddof=1)) if len(values) > 1 else 0.0
    standard_errors = np.sqrt(np.maximum(np.diag(inverse) * variance, 0.0))
    return Calibration(
        scores={proposal: float(fitted[i]) for proposal, i in p_index.items()},
        stderr={proposal: float(standard_errors[i]) for proposal, i in p_index.items()},
        offsets={reviewer: float(fitted[j]) for reviewer, j in r_index.items()},
        offset_stderr={reviewer: float(standard_errors[j]) for reviewer, j in r_index.items()},
        residual_sd=float(np.sqrt(variance)),
    )


def agreement(scores: Iterable[Score]) -> float | None:
    """Krippendorff's alpha, interval metric: 1 is perfect agreement, 0 no better than chance.

    None when there is nothing to compare: fewer than two proposals with two or more values, or no variation at all.
    """
    by_proposal: dict[int, list[float]] = {}
    for _reviewer, proposal, value in _triples(scores):
        by_proposal.setdefault(proposal, []).append(value)
    units = [np.array(values) for _p, values in sorted(by_proposal.items()) if len(values) >= 2]
    pairable = np.concatenate(units) if units else np.array([])
    n = len(pairable)
    if len(units) < 2 and n < 3:
        return None
    # Observed disagreement: within each proposal, over ordered pairs of its values, weighted by 1 / (m - 1).
    observed = sum(float(((unit[:, None] - unit[None, :]) ** 2).sum()) / (len(unit) - 1) for unit in units) / n
    # Expected disagreement: over ordered pairs of all pairable values.
    expected = float(((pairable[:, None] - pairable[None, :]) ** 2).sum()) / (n * (n - 1))
    if expected == 0:
        return None
    return 1.0 - observed / expected
