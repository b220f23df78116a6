"""The set operations on sorted docnum arrays (goi.search.whoosh_reading) give what numpy's sorting ones give."""

import numpy as np

from goi.search.whoosh_reading import _union, intersect


def _docnums(rng: np.random.Generator, size: int, high: int) -> np.ndarray:
    return np.unique(rng.integers(0, high, size=size)).astype(np.int64)


def test_union_and_intersection_equal_numpys_on_random_sets():
    rng = np.random.default_rng(5)
    for _case in range(300):
        high = int(rng.choice([1, 10, 1000, 110_000]))
        arrays = [_docnums(rng, int(rng.integers(0, 500)), high) for _ in range(int(rng.integers(0, 5)))]
        expected = np.unique(np.concatenate(arrays)) if arrays else np.zeros(0, dtype=np.int64)
        assert np.array_equal(_union(arrays), expected)
        first, second = _docnums(rng, 300, high), _docnums(rng, 300, high)
        assert np.array_equal(intersect(first, second), np.intersect1d(first, second, assume_unique=True))
    empty = np.zeros(0, dtype=np.int64)
    assert len(intersect(empty, np.array([1, 2]))) == 0 and len(intersect(np.array([1, 2]), empty)) == 0
