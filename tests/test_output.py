"""Tests for the run's tables: one timeseries row per sample taken, side and metric."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sim import load_scenario
from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.model import Simulation
from sim.output import number, timeseries_rows

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record-2016-2025.yaml"
PER_SAMPLE = 2 * len(SIDE_METRICS) + len(JOINT_METRICS)


def test_a_run_stopped_early_has_rows_for_the_samples_taken_only() -> None:
    sim = Simulation(load_scenario(RECORD))
    sim.run_until(dt.date(2018, 1, 1))
    rows = list(timeseries_rows(sim))
    assert 0 < sim.monitor.taken < len(sim.monitor.days)
    assert len(rows) == sim.monitor.taken * PER_SAMPLE
    assert rows[-1][0] <= "2018-01-01"


def test_each_row_is_the_monitors_value_as_the_csv_writes_it() -> None:
    sim = Simulation(load_scenario(RECORD))
    sim.run_until(dt.date(2017, 9, 1))
    rows = {(date, side, metric): value for date, side, metric, value in timeseries_rows(sim)}
    last = sim.scenario.date(int(sim.monitor.days[sim.monitor.taken - 1])).isoformat()
    staff = list(SIDE_METRICS).index("staff_total")
    for j, side in enumerate(sim.monitor.sides):
        expected = number(float(sim.monitor.side_values[-1, j, staff]))
        assert rows[(last, side, "staff_total")] == expected


def test_numbers_are_whole_without_a_point_nan_empty_and_six_figures() -> None:
    assert (number(455.0), number(float("nan")), number(2 / 3)) == ("455", "", "0.666667")
