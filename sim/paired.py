"""Paired comparisons: what-ifs against a baseline on common random numbers.

Two runs with different seeds differ by the change and by luck. Replication ``i`` of
every scenario here is seeded with the same child ``i`` of the comparison's
``SeedSequence``, so the scenarios share their random streams wherever their mechanics
agree, and each replication gives a *paired* difference from the baseline (the first
scenario). The mean of the differences, with its 95% t-interval, says what the change
does and how sure that is; an interval that contains 0 is within noise. A scenario
against itself gives differences of exactly 0 with an interval of width 0.

Each replication reports, per side and metric, the value at the end and the average
over the run (as ``parity compare`` does for single runs); differences are folded in
replication order, so the bytes do not depend on the workers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from sim.ensembles import layout_of, replicate
from sim.running import RunningMean

if TYPE_CHECKING:
    from sim.evaluators import Evaluator
    from sim.scenario.schema import Scenario

#: The statistics of a run each difference is taken of.
STATISTICS = ("end", "average")
PAIRED_HEADER = ("scenario", "side", "metric", "statistic", "difference", "ci_low",
                 "ci_high", "n", "within_noise")


def statistics(scenario: Scenario, seed: np.random.SeedSequence) -> np.ndarray:
    """One replication's end value and run average of every series, ``[series, 2]``."""
    return _end_and_average(aligned(scenario, seed, tuple(scenario.sides)))


def aligned(scenario: Scenario, seed: np.random.SeedSequence, sides: tuple[str, ...]
            ) -> np.ndarray:
    """One replication's every series, ``[series, sample]``, the sides in ``sides``' order."""
    own = layout_of(scenario)
    wanted = type(own)(own.days, sides)
    values = replicate(scenario, seed)
    return np.array([values[own.index(side, metric)] for side, metric in wanted.series()])


def paired_series(scenarios: tuple[Scenario, ...], seed: np.random.SeedSequence
                  ) -> np.ndarray:
    """Every scenario's series on the same seed, flattened one after the other."""
    order = tuple(scenarios[0].sides)
    return np.concatenate([aligned(s, seed, order).ravel() for s in scenarios])


def _end_and_average(table: np.ndarray) -> np.ndarray:
    """``[series, 2]``: each series' last value and its mean over the samples."""
    with warnings.catch_warnings():  # a series with no value at all averages to NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.stack([table[:, -1], np.nanmean(table, axis=1)], axis=1)


@dataclass
class Differences:
    """Each scenario's running mean difference from the first (``RunningMean``)."""

    scenarios: tuple[Scenario, ...]
    #: Values per series: the two ``STATISTICS``, or every sample (for the figures).
    width: int = len(STATISTICS)
    n: int = 0
    stats: RunningMean = field(init=False)
    #: The differences at every sample (set by ``run_paired``), for the figures.
    over_time: Differences | None = None

    def __post_init__(self) -> None:
        series = sum(1 for _ in layout_of(self.scenarios[0]).series())
        self.stats = RunningMean((len(self.scenarios), series, self.width))

    @property
    def count(self) -> np.ndarray:
        """Replications with a difference, per cell."""
        return self.stats.count

    @property
    def mean(self) -> np.ndarray:
        """Mean difference, per cell."""
        return self.stats.mean

    def add(self, flat: np.ndarray) -> None:
        """Fold in one replication's values of every scenario."""
        values = flat.reshape(self.mean.shape)
        self.stats.add(values - values[0])
        self.n += 1

    def half_width(self) -> np.ndarray:
        """Half-width of each mean difference's 95% t-interval (NaN below two values)."""
        return self.stats.half_width()


def run_paired(scenarios: list[Scenario], replications: int, seed: int,
               evaluator: Evaluator | None = None) -> Differences:
    """Run every scenario ``replications`` times on common random numbers; the differences
    of their end values and averages (and, with ``.over_time``, of every sample, when the
    scenarios share their sample dates).
    """
    from sim.evaluators import Serial

    evaluator = evaluator or Serial()
    group = tuple(scenarios)
    differences = Differences(group)
    days = [len(layout_of(s).days) for s in group]
    series = sum(1 for _ in layout_of(group[0]).series())
    same_dates = len({tuple(layout_of(s).days) for s in group}) == 1
    over_time = Differences(group, width=days[0]) if same_dates else None
    tasks = list(enumerate(np.random.SeedSequence(seed).spawn(replications)))
    for _, flat in evaluator.ordered(partial(paired_series, group), tasks):
        tables = np.split(flat, np.cumsum([series * d for d in days])[:-1])
        tables = [t.reshape(series, d) for t, d in zip(tables, days, strict=True)]
        differences.add(np.concatenate([_end_and_average(t).ravel() for t in tables]))
        if over_time is not None:
            over_time.add(np.concatenate([t.ravel() for t in tables]))
    differences.over_time = over_time
    return differences


def paired_rows(differences: Differences, names: list[str]) -> Iterator[tuple[str, ...]]:
    """The rows of ``paired.csv``: each what-if's difference from the first scenario."""
    from sim.output import number

    half = differences.half_width()
    series = list(layout_of(differences.scenarios[0]).series())
    for k, name in enumerate(names[1:], start=1):
        for j, (side, metric) in enumerate(series):
            for s, statistic in enumerate(STATISTICS):
                mean, width = differences.mean[k, j, s], half[k, j, s]
                n = int(differences.count[k, j, s])
                if n == 0:
                    continue
                low, high = mean - width, mean + width
                noise = "" if math.isnan(width) else ("yes" if low <= 0 <= high else "no")
                yield (name, side, metric, statistic, number(_six(mean)), number(_six(low)),
                       number(_six(high)), str(n), noise)


def _six(value: float) -> float:
    return math.nan if math.isnan(value) else float(f"{value:.6g}") + 0.0
