"""Ensembles: many replications of one scenario, summarised as they arrive.

A run is one seed; a briefing needs to know how much another seed would change. An
ensemble runs ``n`` replications, replication ``i`` seeded with child ``i`` of the
ensemble's ``SeedSequence`` (spawned in the parent, so a replication's numbers depend
only on the ensemble seed and its index, never on which worker ran it), and folds each
replication into running statistics in index order: whatever the number of workers or
the order they finish in, the same seed gives the same bytes, and memory does not grow
with ``n`` (the mean and its t-interval by Welford's method, the bands by
``sim.quantiles``, a few sample paths kept whole).

The replications run on an evaluator (``sim.evaluators``): in this process, in local
worker processes, or on a Dask cluster.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.quantiles import Quantiles
from sim.running import RunningMean

if TYPE_CHECKING:
    from sim.evaluators import Evaluator
    from sim.scenario.schema import Scenario

#: The band quantiles: the 90% band and the median.
BAND = (0.05, 0.5, 0.95)
#: Replications whose whole paths are kept for the figures.
SAMPLE_PATHS = 5
#: The metrics ``target_precision`` watches at the end of the run, each with the absolute
#: half-width that is precise enough for it however near zero its mean.
HEADLINES: dict[str, float] = {"staff_total": 1.0, "consular_output": 10.0,
                               "work_capacity": 10.0}
ENSEMBLE_HEADER = ("date", "side", "metric", "mean", "ci_low", "ci_high", "p05", "p50", "p95",
                   "n")


def replicate(scenario: Scenario, seed: np.random.SeedSequence) -> np.ndarray:
    """One replication's every sample, flattened: ``[sample, side, metric]`` then
    ``[sample, joint metric]`` (see ``Layout``).
    """
    from sim.model import Simulation

    sim = Simulation(scenario, seed=seed).run()
    monitor = sim.monitor
    return np.concatenate([monitor.side_values.ravel(), monitor.joint_values.ravel()])


#: What a replication computes from its seed (picklable: a module-level function, or a
#: ``functools.partial`` of one).
Work = Callable[[Any], np.ndarray]


def replicate_chunk(work: Work, chunk: list[tuple[int, Any]]) -> list[tuple[int, np.ndarray]]:
    """Several replications in one task: fewer, larger messages between processes."""
    return [(index, work(seed)) for index, seed in chunk]


@dataclass(frozen=True)
class Layout:
    """How a replication's flat array maps to dates, sides and metrics."""

    days: np.ndarray
    sides: tuple[str, ...]

    @property
    def side_cells(self) -> int:
        return len(self.days) * len(self.sides) * len(SIDE_METRICS)

    @property
    def cells(self) -> int:
        return self.side_cells + len(self.days) * len(JOINT_METRICS)

    def index(self, side: str, metric: str) -> np.ndarray:
        """Positions of one series (every sample) in the flat array."""
        samples = np.arange(len(self.days))
        if side == "both":
            return self.side_cells + samples * len(JOINT_METRICS) + list(JOINT_METRICS).index(
                metric)
        width = len(self.sides) * len(SIDE_METRICS)
        return (samples * width + self.sides.index(side) * len(SIDE_METRICS)
                + list(SIDE_METRICS).index(metric))

    def series(self) -> Iterator[tuple[str, str]]:
        """Every ``(side, metric)`` in output order."""
        for side in self.sides:
            for metric in SIDE_METRICS:
                yield side, metric
        for metric in JOINT_METRICS:
            yield "both", metric


def layout_of(scenario: Scenario) -> Layout:
    """The sample days and sides a run of ``scenario`` reports."""
    end = scenario.day(scenario.end)
    days = list(range(0, end + 1, scenario.sample_days))
    if days[-1] != end:
        days.append(end)
    return Layout(np.asarray(days), tuple(scenario.sides))


@dataclass
class Summary:
    """Running statistics of every cell: the mean and its interval (``RunningMean``), the
    bands, and the first few paths.
    """

    layout: Layout
    n: int = 0
    stats: RunningMean = field(init=False)
    bands: Quantiles = field(init=False)
    paths: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stats = RunningMean(self.layout.cells)
        self.bands = Quantiles(BAND, self.layout.cells)

    @property
    def count(self) -> np.ndarray:
        """Replications with a value, per cell."""
        return self.stats.count

    @property
    def mean(self) -> np.ndarray:
        """Mean over the replications, per cell."""
        return self.stats.mean

    def add(self, values: np.ndarray) -> None:
        """Fold in the next replication (in index order)."""
        self.stats.add(values)
        self.bands.add(values)
        if len(self.paths) < SAMPLE_PATHS:
            self.paths.append(values.copy())
        self.n += 1

    def half_width(self) -> np.ndarray:
        """Half-width of each cell's 95% t-interval for the mean (NaN below two values)."""
        return self.stats.half_width()

    def precise(self, relative: float) -> tuple[bool, dict[str, float]]:
        """Whether every headline metric at the end is within ``relative`` of its mean (or
        its absolute floor), and each one's half-width over its mean.
        """
        half, last = self.half_width(), len(self.layout.days) - 1
        ratios: dict[str, float] = {}
        ok = True
        for side in self.layout.sides:
            for metric, floor in HEADLINES.items():
                cell = self.layout.index(side, metric)[last]
                mean, width = self.mean[cell], half[cell]
                if self.count[cell] < 2 or math.isnan(width):
                    ok = False
                    continue
                ratios[f"{side} {metric}"] = width / abs(mean) if mean else math.nan
                ok &= bool(width <= max(relative * abs(mean), floor))
        return ok, ratios


def seeds(root: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """The next ``n`` children of ``root``: spawning 10 then 5 gives children 10 to 14."""
    return root.spawn(n)


def run_ensemble(scenario: Scenario, replications: int, seed: int | None = None,
                 evaluator: Evaluator | None = None, target_precision: float | None = None,
                 max_replications: int = 10_000,
                 progress: Callable[[int], None] | None = None,
                 keep: Callable[[int, np.ndarray], None] | None = None) -> Summary:
    """Run ``replications`` (and, with ``target_precision``, more, up to
    ``max_replications``) and return their running summary; ``keep`` is given every
    replication's values, in index order, as they are folded (to write them out).
    """
    from sim.evaluators import Serial

    evaluator = evaluator or Serial()
    root = np.random.SeedSequence(scenario.seed if seed is None else seed)
    summary = Summary(layout_of(scenario))
    batch = replications
    while batch > 0:
        start = summary.n
        tasks = list(enumerate(seeds(root, batch), start=start))
        for index, values in evaluator.ordered(partial(replicate, scenario), tasks):
            summary.add(values)
            if keep is not None:
                keep(index, values)
            if progress is not None:
                progress(1)
        if target_precision is None:
            break
        ok, _ = summary.precise(target_precision)
        batch = 0 if ok else min(max(summary.n // 2, 10), max_replications - summary.n)
    return summary


def ensemble_rows(summary: Summary, scenario: Scenario) -> Iterator[tuple[str, ...]]:
    """The rows of ``ensemble.csv``, in ``timeseries.csv``'s order."""
    from sim.output import number

    layout, half = summary.layout, summary.half_width()
    bands = summary.bands.values()
    for row, day in enumerate(layout.days):
        date = scenario.date(int(day)).isoformat()
        for side, metric in layout.series():
            cell = layout.index(side, metric)[row]
            n = int(summary.count[cell])
            mean = summary.mean[cell] if n else math.nan
            low, high = mean - half[cell], mean + half[cell]
            yield (date, side, metric, *(number(_tidy(v)) for v in (
                mean, low, high, *bands[:, cell])), str(n))


def write_ensemble_files(summary: Summary, scenario: Scenario, directory: Path,
                         seed: int, figures: bool = True,
                         precision: tuple[bool, dict[str, float]] | None = None,
                         target: float | None = None) -> list[str]:
    """Write ``ensemble.csv``, ``ensemble.json`` and (with ``figures``) the band figures;
    ``precision`` is ``Summary.precise(target)``, when a target was set.
    """
    import json

    from sim.output import csv_text

    record: dict[str, object] = {"scenario": scenario.name, "sha256": scenario.sha256,
                                 "seed": seed, "replications": summary.n,
                                 "band": list(BAND), "interval": "95% t-interval of the mean",
                                 "target_precision": target}
    if precision is not None:
        met, ratios = precision
        record["target_met"] = met
        record["half_width_over_mean"] = {k: None if math.isnan(v) else round(v, 6)
                                          for k, v in ratios.items()}
        record["absolute_floors"] = dict(HEADLINES)
    (directory / "ensemble.csv").write_text(
        csv_text(ENSEMBLE_HEADER, ensemble_rows(summary, scenario)), encoding="utf-8")
    (directory / "ensemble.json").write_text(json.dumps(record, indent=2) + "\n",
                                             encoding="utf-8")
    names = ["ensemble.csv", "ensemble.json"]
    if figures:
        from sim.bands import write_band_figures

        names += write_band_figures(summary, scenario, directory)
    return names


def _tidy(value: float) -> float:
    """Round to the precision the CSV shows, so -0.0 and float noise print alike."""
    return math.nan if math.isnan(value) else float(f"{value:.6g}") + 0.0


__all__ = ["ENSEMBLE_HEADER", "Layout", "Summary", "ensemble_rows", "layout_of",
           "replicate", "run_ensemble"]


class RunsWriter:
    """``runs.parquet``: every replication's rows (``replication, date, side, metric,
    value``), one row group per replication, written as they arrive (memory stays flat).
    """

    def __init__(self, path: Path, scenario: Scenario):
        import pyarrow as pa
        import pyarrow.parquet as pq

        layout = layout_of(scenario)
        self._pa = pa
        series = list(layout.series())
        self._order = np.concatenate([layout.index(side, metric) for side, metric in series])
        samples = len(layout.days)
        dates = np.array([np.datetime64(scenario.date(int(d)), "D") for d in layout.days])
        self._columns = {
            "date": pa.array(np.tile(dates, len(series))),
            "side": pa.array(np.repeat([s for s, _ in series], samples)).dictionary_encode(),
            "metric": pa.array(np.repeat([m for _, m in series], samples)).dictionary_encode(),
        }
        self._schema = pa.schema([("replication", pa.int32()), ("date", pa.date32()),
                                  ("side", self._columns["side"].type),
                                  ("metric", self._columns["metric"].type),
                                  ("value", pa.float64())])
        self._writer = pq.ParquetWriter(path, self._schema)

    def __call__(self, index: int, values: np.ndarray) -> None:
        pa = self._pa
        n = len(self._order)
        table = pa.table({"replication": pa.array(np.full(n, index, dtype=np.int32)),
                          **self._columns,
                          "value": pa.array(values[self._order])}, schema=self._schema)
        self._writer.write_table(table)

    def close(self) -> None:
        """Finish the file."""
        self._writer.close()
