"""Quantiles of many series at once, in memory that does not grow with the observations.

An ensemble's bands (the 5th, 50th and 95th percentiles of every metric on every date)
would need every replication's values kept to be exact. Here each cell keeps its first
``exact`` values (100 by default) and its quantiles are exact up to then (linear
interpolation, numpy's default). From then on the P-square algorithm of Jain and
Chlamtac ("The P² algorithm for dynamic calculation of quantiles and histograms without
storing observations", CACM 28, 1985) takes over: five markers per quantile, placed on
the kept values' order statistics and moved with each new observation. Started that
way, its estimate of the 5th and 95th percentiles stays within about a twentieth of a
standard deviation of the exact sample quantile (``tests/test_quantiles.py``).

It runs on thousands of cells at once, one observation per cell per replication, NaN
meaning "no value" for that cell. The same observations in the same order give the
same bytes: callers fold replications in index order.
"""

from __future__ import annotations

import warnings

import numpy as np

#: Markers per quantile.
MARKERS = 5


class Quantiles:
    """The quantiles ``ps`` of each of ``cells`` series, updated one observation at a time."""

    def __init__(self, ps: tuple[float, ...], cells: int, exact: int = 100):
        if any(not 0 < p < 1 for p in ps):
            raise ValueError(f"quantiles {ps} must be between 0 and 1")
        if exact < MARKERS:
            raise ValueError(f"exact must be at least {MARKERS}")
        self.ps, self.exact = ps, exact
        self.count = np.zeros(cells, dtype=np.int64)
        self.kept = np.full((cells, exact), np.nan)
        # Marker by marker, each a row over the cells: a step works on whole rows in
        # place, not on copies gathered from the cells that moved.
        shape = (len(ps), MARKERS, cells)
        self.height, self.position, self.desired = (np.zeros(shape) for _ in range(3))
        self.fraction = np.array([[0.0, p / 2, p, (1 + p) / 2, 1.0] for p in ps])

    def add(self, values: np.ndarray) -> None:
        """Add one observation per cell (NaN: none for that cell)."""
        values = np.asarray(values, dtype=float).ravel()
        seen = ~np.isnan(values)
        keeping = np.flatnonzero(seen & (self.count < self.exact))
        self.kept[keeping, self.count[keeping]] = values[keeping]
        starting = keeping[self.count[keeping] == self.exact - 1]
        moving = seen & (self.count >= self.exact)
        self.count += seen
        if starting.size:
            self._start(starting)
        if moving.any():
            x = np.where(moving, values, np.nan)  # fmin and fmax leave the others as they are
            for j in range(len(self.ps)):
                self._move(j, moving, x)

    def _start(self, rows: np.ndarray) -> None:
        """Place each quantile's markers on the kept values' order statistics."""
        ordered = np.sort(self.kept[rows], axis=1)
        for j in range(len(self.ps)):
            at = self.fraction[j] * (self.exact - 1)
            index = np.rint(at).astype(int)
            for i in range(1, MARKERS):  # markers on distinct order statistics
                index[i] = max(index[i], index[i - 1] + 1)
            index[-1] = self.exact - 1
            for i in range(MARKERS - 2, -1, -1):
                index[i] = min(index[i], index[i + 1] - 1)
            self.height[j][:, rows] = ordered[:, index].T
            self.position[j][:, rows] = (index + 1.0)[:, None]
            self.desired[j][:, rows] = (at + 1.0)[:, None]

    def _move(self, j: int, moving: np.ndarray, x: np.ndarray) -> None:
        """One P² step for quantile ``j`` on the cells ``moving`` (a mask), with their new
        observations ``x`` (NaN in the other cells).
        """
        q, n, nd = self.height[j], self.position[j], self.desired[j]
        np.fmin(q[0], x, out=q[0])
        np.fmax(q[4], x, out=q[4])
        # the interval k with q[k] <= x < q[k+1] (0..3): markers above it move up one
        k = np.clip((x >= q[1:4]).sum(axis=0), 0, 3)
        n += (np.arange(MARKERS)[:, None] > k) & moving
        nd += np.where(moving, self.fraction[j][:, None], 0.0)
        for i in (1, 2, 3):
            d = nd[i] - n[i]
            move = moving & (((d >= 1) & (n[i + 1] - n[i] > 1))
                             | ((d <= -1) & (n[i - 1] - n[i] < -1)))
            if not move.any():
                continue
            s = np.sign(d[move])
            qm, qi, qp = q[i - 1, move], q[i, move], q[i + 1, move]
            nm, ni, np_ = n[i - 1, move], n[i, move], n[i + 1, move]
            parabolic = qi + s / (np_ - nm) * ((ni - nm + s) * (qp - qi) / (np_ - ni)
                                               + (np_ - ni - s) * (qi - qm) / (ni - nm))
            linear = qi + s * (np.where(s > 0, qp, qm) - qi) / (np.where(s > 0, np_, nm) - ni)
            q[i, move] = np.where((qm < parabolic) & (parabolic < qp), parabolic, linear)
            n[i, move] += s

    def values(self) -> np.ndarray:
        """Array ``[quantile, cell]`` now (NaN for a cell with no observation)."""
        out = self.height[:, 2, :].copy()
        few = np.flatnonzero(self.count < self.exact)
        if few.size:
            with warnings.catch_warnings():  # a cell with no value yet is NaN, as it should
                warnings.simplefilter("ignore", RuntimeWarning)
                out[:, few] = np.nanquantile(self.kept[few], self.ps, axis=1)
        return out
