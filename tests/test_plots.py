"""Tests for sim.plots: figures come from run files alone and are reproducible."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from sim.plots import make_figures
from sim.results import read_events, read_timeseries

SIDES = ("A", "B")
WEEKS = 20
START = np.datetime64("2021-01-04", "D")
FIGURES = ("staff.png", "visa_queue.png", "consular_output.png", "restrictions.png", "tension.png")


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a CSV the way a run would, so the readers see realistic input."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _timeseries_rows() -> list[list[object]]:
    """Build weekly rows for two sides plus the shared tension series."""
    rows: list[list[object]] = []
    for week in range(WEEKS):
        day = str(START + 7 * week)
        for k, side in enumerate(SIDES):
            expat = 100 - 3 * week * (k + 1)
            local = 50 - week
            radius = "" if week < 8 else 25 + k
            rows += [
                [day, side, "staff_total", expat + local],
                [day, side, "staff_expat", expat],
                [day, side, "staff_local", local],
                [day, side, "posts_open", 3 if week < 10 else 2],
                [day, side, "visa_queue", 10 * week + k],
                [day, side, "visas_issued", 40 - week],
                [day, side, "visas_denied", week % 3],
                [day, side, "restrictions_in_force", min(week // 4, 4)],
                [day, side, "travel_radius_km", radius],
                [day, side, "consular_output", 160 - 4 * week],
            ]
        rows.append([day, "both", "tension", round(0.1 + 0.04 * week, 3)])
    return rows


def _make_run(run_dir: Path) -> Path:
    """Write a tiny synthetic run directory with sides A and B."""
    run_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(run_dir / "timeseries.csv", ["date", "side", "metric", "value"], _timeseries_rows())
    events = [
        ["2021-01-18", "A", "B", "statement", "warns of response", "scenario", "script"],
        ["2021-01-25", "A", "B", "expel", "expel 12 (notice 7 d)", "scenario", "script"],
        ["2021-02-01", "B", "A", "expel", "expel 12 (notice 7 d)", "policy", "tit_for_tat"],
        ["2021-02-15", "B", "A", "close_post", "close consulate 2", "policy", "escalate"],
        ["2021-03-01", "A", "B", "staff_cap", "cap 120", "scenario", "script"],
        ["2021-03-08", "A", "B", "local_hire_ban", "ban local hires", "policy", "tit_for_tat"],
    ]
    _write_csv(
        run_dir / "events.csv",
        ["date", "actor", "target", "move", "detail", "source", "origin"],
        events,
    )
    measures = [
        ["m1", "B", "A", "close_post", "2021-02-15", "2021-04-05", "close consulate 2"],
        ["m2", "A", "B", "staff_cap", "2021-03-01", "", "cap 120"],
    ]
    _write_csv(
        run_dir / "measures.csv",
        ["id", "actor", "target", "move", "start", "end", "detail"],
        measures,
    )
    summary = {
        "scenario": "synthetic",
        "start": str(START),
        "end": str(START + 7 * (WEEKS - 1)),
        "sides": {"A": {"name": "A mission in B"}, "B": {"name": "B mission in A"}},
    }
    (run_dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return run_dir


def test_make_figures_writes_five_pngs(tmp_path: Path) -> None:
    """make_figures writes the five named PNGs into run_dir/figures by default."""
    run_dir = _make_run(tmp_path / "run")
    paths = make_figures(run_dir)
    assert [p.name for p in paths] == list(FIGURES)
    for path in paths:
        assert path.parent == run_dir / "figures"
        assert path.read_bytes().startswith(b"\x89PNG")


def test_make_figures_is_byte_identical_on_rerun(tmp_path: Path) -> None:
    """The same run plotted twice gives byte-identical PNGs."""
    run_dir = _make_run(tmp_path / "run")
    first = [p.read_bytes() for p in make_figures(run_dir, tmp_path / "one")]
    second = [p.read_bytes() for p in make_figures(run_dir, tmp_path / "two")]
    assert first == second


def test_read_timeseries_shapes_and_nan(tmp_path: Path) -> None:
    """read_timeseries keys by (side, metric), sorts dates and reads empty values as NaN."""
    run_dir = _make_run(tmp_path / "run")
    series = read_timeseries(run_dir / "timeseries.csv")
    assert {side for side, _ in series} == {"A", "B", "both"}
    dates, values = series[("B", "travel_radius_km")]
    assert dates.dtype == np.dtype("datetime64[D]")
    assert values.dtype == np.float64
    assert dates.shape == values.shape == (WEEKS,)
    assert np.all(np.diff(dates) == np.timedelta64(7, "D"))
    assert np.isnan(values[:8]).all()
    assert not np.isnan(values[8:]).any()
    assert series[("both", "tension")][1].shape == (WEEKS,)


def test_read_events_keeps_rows_in_order(tmp_path: Path) -> None:
    """read_events returns every row, statements included, in file order."""
    run_dir = _make_run(tmp_path / "run")
    events = read_events(run_dir / "events.csv")
    assert [e["move"] for e in events][:2] == ["statement", "expel"]
    assert len(events) == 6
