"""Parity from Python: load a scenario, run it, read the results as pandas tables.

Everything the command line writes, a notebook can have without files::

    import sim

    record = sim.load("scenarios/record-2016-2025.yaml")
    run = sim.run(record, seed=1)
    run.timeseries.query("metric == 'staff_total'")
    sim.ensemble(record, replications=20, seed=1, workers=2)

The tables have the rows and columns of the CSV files a run writes (``timeseries``,
``events``, ``measures``; an ensemble's ``ensemble.csv``), with dates as dates and
empty values as NaN; the files keep their exact bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from sim.model import Simulation
    from sim.scenario.schema import Scenario


def load(path: str | Path) -> Scenario:
    """A scenario file, validated (``sim.ScenarioError`` lists every problem, with lines)."""
    from sim.scenario import load_scenario

    return load_scenario(path)


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return load(scenario) if isinstance(scenario, str | Path) else scenario


def _table(header: tuple[str, ...], rows: Any, dates: tuple[str, ...]) -> pd.DataFrame:
    """The rows as the CSV file holds them, read back with pandas' own types."""
    import pandas as pd

    from sim.output import csv_text

    return pd.read_csv(io.StringIO(csv_text(header, rows)), parse_dates=list(dates),
                       keep_default_na=False, na_values=[""])


@dataclass
class Run:
    """A finished run: the simulation itself and its results as tables."""

    simulation: Simulation
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def timeseries(self) -> pd.DataFrame:
        """``date, side, metric, value``: every metric at every sample."""
        from sim.output import TIMESERIES_HEADER, timeseries_rows

        return self._cached("timeseries", lambda: _table(
            TIMESERIES_HEADER, timeseries_rows(self.simulation), ("date",)))

    @property
    def events(self) -> pd.DataFrame:
        """Every move made, in order, with its source and origin."""
        from sim.output import EVENTS_HEADER, event_rows

        return self._cached("events", lambda: _table(
            EVENTS_HEADER, event_rows(self.simulation), ("date",)))

    @property
    def measures(self) -> pd.DataFrame:
        """Every measure that was in force, with its dates and harm."""
        from sim.output import MEASURES_HEADER, measure_rows

        return self._cached("measures", lambda: _table(
            MEASURES_HEADER, measure_rows(self.simulation), ("start", "end")))

    @property
    def summary(self) -> dict[str, Any]:
        """Provenance and the final values, as ``summary.json`` holds them."""
        from sim.output import summary

        return summary(self.simulation)

    def _cached(self, name: str, build: Any) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]


def run(scenario: Scenario | str | Path, seed: int | np.random.SeedSequence | None = None
        ) -> Run:
    """Run a scenario (a file or one built in code) to its end with ``seed`` (default: the
    scenario's own).
    """
    from sim.model import Simulation

    return Run(Simulation(_scenario(scenario), seed=seed).run())


def ensemble(scenario: Scenario | str | Path, replications: int = 10, seed: int | None = None,
             workers: int = 1, target_precision: float | None = None) -> pd.DataFrame:
    """Run ``replications`` of a scenario and return ``ensemble.csv``'s table: per date, side
    and metric the mean, its 95% t-interval, the 5th, 50th and 95th percentiles and the
    number of values. Replication ``i`` is seeded with child ``i`` of ``SeedSequence(seed)``,
    so the table is the same whatever ``workers``.
    """
    from sim.ensembles import ENSEMBLE_HEADER, ensemble_rows, run_ensemble
    from sim.errors import ParityUserError
    from sim.evaluators import evaluator_for

    problems = [why for bad, why in (
        (not isinstance(replications, int) or replications < 1,
         f"replications={replications!r}: must be a whole number >= 1"),
        (not isinstance(workers, int) or workers < 1,
         f"workers={workers!r}: must be a whole number >= 1"),
        (seed is not None and (not isinstance(seed, int) or seed < 0),
         f"seed={seed!r}: must be a whole number >= 0"),
        (target_precision is not None and not 0 < target_precision < 1,
         f"target_precision={target_precision!r}: must be between 0 and 1"),
    ) if bad]
    if problems:
        raise ParityUserError("; ".join(problems))
    scenario = _scenario(scenario)
    evaluator = evaluator_for(workers, None)
    summary = run_ensemble(scenario, replications, seed=seed, evaluator=evaluator,
                           target_precision=target_precision)
    return _table(ENSEMBLE_HEADER, ensemble_rows(summary, scenario), ("date",))


def sweep(path: str | Path, workers: int = 1) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Run a sweep file (``sim.sweeps``) and return its results in the EMA workbench's
    shape: the experiments (one row per run: ``point``, ``replication`` and each
    parameter by its path, dots made underscores: ``talks_concession_weight``) and the
    outcomes (outcome name -> one value per run, in the
    experiments' order), ready for ``ema_workbench.analysis`` (PRIM, CART, ...).
    """
    import pandas as pd

    from sim.evaluators import evaluator_for
    from sim.sweeps import load_sweep, outcome_name, run_sweep

    spec, scenarios = load_sweep(path)
    result = run_sweep(spec, scenarios, evaluator_for(workers, None))
    reps = spec.replications
    rows = [{"point": p, "replication": r,
             **{path.replace(".", "_"): value for path, value in point.items()}}
            for p, point in enumerate(result.points) for r in range(reps)]
    experiments = pd.DataFrame(rows)
    outcomes = {outcome_name(o): result.values[:, :, k].reshape(-1)
                for k, o in enumerate(spec.outcomes)}
    return experiments, outcomes
