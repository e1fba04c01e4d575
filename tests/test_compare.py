"""Tests for sim.compare: differences against the first run, figures and refusals."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.compare import (
    HEADER,
    compare,
    days_below,
    difference_table,
    format_table,
    load_runs,
)
from sim.errors import ParityUserError
from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.overlays import departure_dates

#: Side A's consular officers can do nothing without local staff (local_support 1), so
#: once B bans its 60 local employees no visas are issued.
BASE = """\
name: {name}
start: 2020-01-01
end: 2021-12-31
seed: 7
sides:
  A:
    name: A mission in B
    posts:
      - {{id: capital, name: Embassy, kind: embassy, expat: 40, local: 60, consular_share: 1}}
    core_staff: 20
    consular_staff_max: 30
    consular_rate: 10
    consular: {{local_support: 1}}
  {other}:
    name: {other} mission in A
    posts:
      - {{id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}}
moves:
  - {{date: 2020-06-01, actor: {other}, move: expel, count: 5, source: test}}
"""
BAN = "  - {date: 2021-03-01, actor: B, move: local_hire_ban, source: test}\n"
RUN_DAYS = 731  # 2020-01-01 to 2021-12-31 inclusive


def _run(tmp: Path, out: str, text: str) -> Path:
    """Run a scenario text through `parity run` and return its results directory."""
    scenario = tmp / f"{out}.yaml"
    scenario.write_text(text)
    assert main(["run", str(scenario), "--out", str(tmp / out), "--no-figures"]) == 0
    return tmp / out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A baseline run and a what-if in which B also bans A's local employees."""
    tmp = tmp_path_factory.mktemp("compare")
    base = _run(tmp, "base", BASE.format(name="Baseline", other="B"))
    ban = _run(tmp, "ban", BASE.format(name="With ban", other="B") + BAN)
    return base, ban


def _series(run_dir: Path, side: str, metric: str) -> list[tuple[str, float]]:
    """Read one series straight from timeseries.csv, independently of the readers."""
    with (run_dir / "timeseries.csv").open(newline="") as handle:
        return [(r["date"], float(r["value"]) if r["value"] else float("nan"))
                for r in csv.DictReader(handle) if (r["side"], r["metric"]) == (side, metric)]


def _row(rows: list[dict], scenario: str, side: str, metric: str) -> dict:
    """The single table row for a scenario, side and metric."""
    key = (scenario, side, metric)
    (row,) = [r for r in rows if (r["scenario"], r["side"], r["metric"]) == key]
    return row


def test_extra_move_shows_as_lower_end_staff_against_the_first_run(runs):
    """end_minus_first is a run's end value minus the first run's, so a ban shows negative."""
    rows = difference_table(load_runs(list(runs)))
    base = _row(rows, "Baseline", "A", "staff_total")
    ban = _row(rows, "With ban", "A", "staff_total")
    assert base["end_value"] == _series(runs[0], "A", "staff_total")[-1][1]
    assert ban["end_value"] == _series(runs[1], "A", "staff_total")[-1][1]
    assert ban["end_value"] <= 40 < base["end_value"]        # the 60 local staff are gone
    assert ban["end_minus_first"] == ban["end_value"] - base["end_value"] < 0
    assert base["end_minus_first"] == 0
    assert _row(rows, "With ban", "B", "staff_total")["end_minus_first"] == 0


def test_time_average_is_the_mean_of_the_samples(runs):
    """time_average is the plain mean over the weekly samples of a series."""
    rows = difference_table(load_runs(list(runs)))
    for scenario, run_dir in zip(("Baseline", "With ban"), runs, strict=True):
        values = [v for _, v in _series(run_dir, "A", "staff_total")]
        expected = sum(values) / len(values)
        assert _row(rows, scenario, "A", "staff_total")["time_average"] == pytest.approx(expected)


def test_first_zero_date_is_the_first_sample_with_no_consular_output(runs):
    """first_zero_date is the first sample date at 0 consular output, empty if never."""
    rows = difference_table(load_runs(list(runs)))
    samples = _series(runs[1], "A", "consular_output")
    expected = next(date for date, value in samples if value == 0)
    assert expected == "2021-03-03"                  # first weekly sample after the ban
    assert _row(rows, "With ban", "A", "consular_output")["first_zero_date"] == expected
    assert _row(rows, "Baseline", "A", "consular_output")["first_zero_date"] == ""
    assert _row(rows, "Baseline", "A", "staff_total")["first_zero_date"] == ""


def test_days_below_threshold_counts_the_days_until_the_next_sample(runs):
    """Each sample below the threshold counts the days until the next sample (7 for a weekly
    one); the last sample counts its own day.
    """
    samples = _series(runs[0], "A", "staff_total")
    threshold = samples[0][1]                      # the starting staff: below after the expulsion
    days = [dt.date.fromisoformat(d) for d, _ in samples]
    spans = [(b - a).days for a, b in itertools.pairwise(days)] + [1]
    expected = sum(span for span, (_, value) in zip(spans, samples, strict=True)
                   if value < threshold)
    assert expected > 7
    rows = difference_table(load_runs(list(runs)), threshold=threshold)
    assert _row(rows, "Baseline", "A", "staff_total")["days_below_threshold"] == expected
    assert _row(rows, "Baseline", "A", "staff_local")["days_below_threshold"] == ""


def test_days_below_threshold_throughout_is_the_run_length(runs):
    """A mission below the threshold all along scores every day of the run, end day included."""
    rows = difference_table(load_runs(list(runs)), threshold=150)
    assert _row(rows, "Baseline", "B", "staff_total")["days_below_threshold"] == RUN_DAYS


def test_days_below_uses_the_spacing_of_samples():
    """Samples hold until the next one; the last sample is the final day and counts 1."""
    dates = np.array(["2020-01-01", "2020-01-08", "2020-01-15", "2020-01-17"],
                     dtype="datetime64[D]")
    assert days_below(dates, np.array([200.0, 100.0, 100.0, 200.0]), 150) == 7 + 2
    assert days_below(dates, np.array([100.0, 200.0, 200.0, 100.0]), 150) == 7 + 1
    assert days_below(dates, np.array([np.nan, 200.0, 200.0, 200.0]), 150) == 0


def test_compare_writes_the_table_and_one_png_per_metric_and_side(runs, tmp_path):
    """Compare writes differences.csv with the fixed header and PNG overlays named metric-side."""
    out = tmp_path / "cmp"
    rows, figures = compare(list(runs), out)
    with (out / "differences.csv").open(newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == HEADER
    per_run = 2 * len(SIDE_METRICS) + len(JOINT_METRICS)          # 2 sides, and both
    assert len(table) == 1 + len(rows) == 1 + 2 * per_run
    staff = next(line for line in table if line[:3] == ["With ban", "A", "staff_total"])
    assert staff[3].isdigit() and staff[5].startswith("-")     # whole numbers, a drop
    assert all(not cell.endswith(".0") for line in table for cell in line)
    radius = next(line for line in table if line[2] == "travel_radius_km")
    assert radius[3:6] == ["", "", ""]                           # no radius: NaN as empty
    expected = {f"{m}-{s}.png" for m in ("staff_total", "staff_local", "posts_open",
                                         "consular_output", "work_capacity", "cost_per_head",
                                         "restrictions_in_force")
                for s in ("A", "B")} | {"tension-both.png"}          # no queue: no wait drawn
    assert {p.name for p in figures} == expected
    for path in figures:
        assert path.parent == out and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_format_table_shows_only_the_headline_metrics(runs):
    """The terminal table has a header, a rule and one line per headline row, runs adjacent."""
    text = format_table(difference_table(load_runs(list(runs))))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["scenario", "side", "metric"]
    assert len(lines) == 2 + 2 * (2 * 8 + 1)            # 8 per-side headline metrics, tension
    assert "visa_queue" not in text and "tension" in text
    first, second = lines[2], lines[3]
    assert first.startswith("Baseline") and second.startswith("With ban")
    assert "staff_total" in first and "staff_total" in second


def test_only_moves_that_depart_from_the_first_run_are_marked(runs):
    """Move ticks mark the what-if's extra ban, not the expulsion both runs share."""
    marks = departure_dates(load_runs(list(runs)))
    assert [list(m.astype(str)) for m in marks] == [[], ["2021-03-01"]]


def test_directory_without_timeseries_is_a_user_error(runs, tmp_path):
    """A directory lacking timeseries.csv is refused with its name, in one line."""
    empty = tmp_path / "not-a-run"
    empty.mkdir()
    with pytest.raises(ParityUserError) as caught:
        load_runs([runs[0], empty])
    message = str(caught.value)
    assert "not-a-run" in message and "timeseries.csv" in message and "\n" not in message


def test_runs_of_the_same_scenario_get_distinct_labels(runs, tmp_path):
    """Two runs with one scenario name are told apart by their directory names."""
    text = BASE.format(name="Baseline", other="B")
    one, two = _run(tmp_path, "one", text), _run(tmp_path, "two", text)
    labels = [run.label for run in load_runs([one, two, runs[1]])]
    assert labels == ["Baseline (one)", "Baseline (two)", "With ban"]


def test_runs_of_different_sides_are_refused(runs, tmp_path):
    """Runs modelling different sides cannot be compared, and the message says so."""
    other = _run(tmp_path, "other", BASE.format(name="Other", other="C"))
    with pytest.raises(ParityUserError, match="runs compare different sides"):
        load_runs([runs[0], other])
