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


def textbook_p_square(values: list[float], p: float, exact: int) -> float:
    """One series' P-square estimate, observation by observation as Jain and Chlamtac
    give it, started (as Parity starts it) on the first ``exact`` values' order
    statistics: the reference the many-cell version must agree with.
    """
    kept = sorted(values[:exact])
    fraction = [0.0, p / 2, p, (1 + p) / 2, 1.0]
    at = [f * (exact - 1) for f in fraction]
    index = [round(a) for a in at]
    for i in range(1, 5):
        index[i] = max(index[i], index[i - 1] + 1)
    index[-1] = exact - 1
    for i in range(3, -1, -1):
        index[i] = min(index[i], index[i + 1] - 1)
    q = [kept[i] for i in index]
    n = [i + 1.0 for i in index]
    nd = [a + 1.0 for a in at]
    for x in values[exact:]:
        q[0], q[4] = min(q[0], x), max(q[4], x)
        k = min(3, sum(x >= q[i] for i in (1, 2, 3)))
        for i in range(k + 1, 5):
            n[i] += 1
        nd = [d + f for d, f in zip(nd, fraction, strict=True)]
        for i in (1, 2, 3):
            d = nd[i] - n[i]
            if (d >= 1 and n[i + 1] - n[i] > 1) or (d <= -1 and n[i - 1] - n[i] < -1):
                s = 1.0 if d > 0 else -1.0
                parabolic = q[i] + s / (n[i + 1] - n[i - 1]) * (
                    (n[i] - n[i - 1] + s) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                    + (n[i + 1] - n[i] - s) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))
                if q[i - 1] < parabolic < q[i + 1]:
                    q[i] = parabolic
                else:
                    j = i + 1 if s > 0 else i - 1
                    q[i] = q[i] + s * (q[j] - q[i]) / (n[j] - n[i])
                n[i] += s
    return q[2]


def test_each_cell_is_the_textbook_p_square_of_its_own_values():
    """Cells folded together, with gaps that make them start at different replications
    and with ties, each agree with the single-series algorithm on that cell's values.
    """
    rng = np.random.default_rng(7)
    data = rng.normal(50.0, 10.0, size=(160, 12))
    data[:, 6:] = np.round(data[:, 6:] / 5.0)  # ties
    data[rng.random(data.shape) < 0.2] = np.nan  # gaps: cells reach 20 kept at different rows
    estimated = fold(data, exact=20)
    for cell in range(data.shape[1]):
        values = [v for v in data[:, cell] if not np.isnan(v)]
        for j, p in enumerate(PS):
            assert estimated[j, cell] == pytest.approx(textbook_p_square(values, p, 20),
                                                       rel=1e-12)
