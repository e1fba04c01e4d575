"""Streaming quantiles: exact while the values are kept, close to exact after."""

from __future__ import annotations

import numpy as np
import pytest

from sim.quantiles import Quantiles

PS = (0.05, 0.5, 0.95)


def fold(data: np.ndarray, exact: int = 100) -> np.ndarray:
    quantiles = Quantiles(PS, data.shape[1], exact=exact)
    for row in data:
        quantiles.add(row)
    return quantiles.values()


def test_exact_while_every_value_is_kept():
    """Up to ``exact`` observations a cell's quantiles are numpy's, to the last bit."""
    data = np.random.default_rng(1).gamma(2.0, 10.0, size=(60, 300))
    assert np.array_equal(fold(data), np.quantile(data, PS, axis=0))


def test_missing_values_are_skipped_per_cell():
    """NaN is 'no value': each cell's quantiles are those of its own values."""
    data = np.array([[1.0, np.nan], [3.0, np.nan], [2.0, 7.0]])
    assert np.array_equal(fold(data)[1], [2.0, 7.0])
    assert np.isnan(fold(np.full((3, 1), np.nan))).all()


@pytest.mark.parametrize("n", [300, 3000])
def test_close_to_exact_beyond_the_kept_values(n):
    """After the first 100 values the P-square estimate stays close to the exact sample
    quantile: on normal data, within a tenth of a standard deviation on average for the
    tails and a fortieth for the median.
    """
    data = np.random.default_rng(n).normal(100.0, 10.0, size=(n, 500))
    error = np.abs(fold(data) - np.quantile(data, PS, axis=0)) / 10.0
    assert error[1].mean() < 0.025
    assert error[0].mean() < 0.1 and error[2].mean() < 0.1


def test_memory_does_not_grow_with_the_observations():
    """What a cell holds is fixed at the start: the kept values and five markers each."""
    quantiles = Quantiles(PS, 10, exact=20)
    sizes = [a.nbytes for a in (quantiles.kept, quantiles.height, quantiles.position)]
    for row in np.random.default_rng(3).normal(size=(500, 10)):
        quantiles.add(row)
    assert [a.nbytes for a in (quantiles.kept, quantiles.height, quantiles.position)] == sizes
