"""Running means and their t-intervals, cell by cell, one observation at a time.

Ensembles (``sim.ensembles``), paired differences (``sim.paired``) and sweeps
(``sim.sweeps``) all fold replications into a mean with a 95% interval; this is the
one place that does it (Welford's method, NaN meaning "no value" for that cell).
"""

from __future__ import annotations

import numpy as np


def t_half_width(squares: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Half-width of the 95% t-interval of a mean from the sum of squared deviations
    and the count (NaN below two values).
    """
    from scipy.stats import t

    n = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(squares / (n - 1))
        return np.where(n >= 2, t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n), np.nan)


class RunningMean:
    """The mean of each cell so far, and the sum of squared deviations from it."""

    def __init__(self, shape: int | tuple[int, ...]):
        self.count = np.zeros(shape, dtype=np.int64)
        self.mean = np.zeros(shape)
        self.squares = np.zeros(shape)

    def add(self, values: np.ndarray) -> None:
        """Fold in one observation per cell; NaN leaves a cell as it was."""
        seen = ~np.isnan(values)
        self.count += seen
        delta = np.where(seen, values - self.mean, 0.0)
        self.mean += np.where(seen, delta / np.maximum(self.count, 1), 0.0)
        self.squares += np.where(seen, delta * (values - self.mean), 0.0)

    def half_width(self) -> np.ndarray:
        """Half-width of each cell's 95% t-interval for the mean."""
        return t_half_width(self.squares, self.count)
