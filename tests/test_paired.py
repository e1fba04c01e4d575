"""Paired comparisons on common random numbers: differences from the first scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.evaluators import Processes, Serial
from sim.paired import PAIRED_HEADER, paired_rows, run_paired

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"


@pytest.fixture(scope="module")
def pair():
    from tests.conftest import build_scenario

    base = build_scenario(moves=[{"date": "2020-06-01", "actor": "B", "move": "expel",
                                  "count": 10}])
    more = build_scenario(moves=[{"date": "2020-06-01", "actor": "B", "move": "expel",
                                  "count": 30}])
    return base, more


def test_a_scenario_against_itself_differs_by_zero_with_zero_width(pair):
    """Same scenario, same seeds: every difference is 0 and every interval [0, 0]."""
    base, _ = pair
    differences = run_paired([base, base], 4, seed=1)
    assert np.all(differences.mean[1][differences.count[1] > 0] == 0)
    assert np.nanmax(np.abs(differences.half_width()[1])) == 0
    rows = list(paired_rows(differences, ["a", "b"]))
    assert rows and all(r[4:7] == ("0", "0", "0") and r[8] == "yes" for r in rows)


def test_a_larger_expulsion_costs_its_people_beyond_noise(pair):
    """Expelling 30 instead of 10: A's staff right after are lower by about 20 in every
    replication; the interval excludes 0.
    """
    base, more = pair
    differences = run_paired([base, more], 5, seed=2)
    rows = {(r[1], r[2], r[3]): r for r in paired_rows(differences, ["base", "more"])}
    average = rows[("A", "staff_total", "average")]
    assert float(average[6]) < 0 and average[8] == "no"


def test_paired_rows_are_the_same_with_one_or_two_workers(pair):
    """The folding is in replication order: workers do not change the bytes."""
    base, more = pair
    serial = list(paired_rows(run_paired([base, more], 4, 3, Serial()), ["a", "b"]))
    pooled = list(paired_rows(run_paired([base, more], 4, 3, Processes(2, chunk=1)),
                              ["a", "b"]))
    assert serial == pooled


def test_compare_with_replications_writes_paired_csv(tmp_path, capsys):
    """`parity compare A A --replications 3` says every difference is within noise."""
    out = tmp_path / "paired"
    assert main(["compare", str(RECORD), str(RECORD), "--replications", "3", "--workers",
                 "1", "--out", str(out)]) == 0
    lines = (out / "paired.csv").read_text().splitlines()
    assert lines[0] == ",".join(PAIRED_HEADER)
    printed = capsys.readouterr().out
    assert "2-record-2016-2025 US staff_total: +0.0 [+0.0, +0.0] (within noise)" in printed


def test_compare_replications_needs_scenario_files(tmp_path, capsys):
    """Results directories cannot be replicated: one line, exit 2."""
    run_dir = tmp_path / "r"
    assert main(["run", str(RECORD), "--out", str(run_dir), "--no-figures"]) == 0
    capsys.readouterr()
    assert main(["compare", str(RECORD), str(run_dir), "--replications", "3",
                 "--out", str(tmp_path / "c")]) == 2
    assert capsys.readouterr().err == ("error: --replications compares scenario files "
                                       "(.yaml), not results directories: each is run on the "
                                       "same seeds\n")


def test_scenarios_listing_their_sides_in_another_order_line_up(tmp_path):
    """The same model with its sides written B then A differs from itself by nothing in
    each mission's metrics (the joint ones are first side against second, so they flip).
    """
    import yaml

    from sim import load_scenario

    small = ROOT / "tests" / "data" / "small.yaml"
    data = yaml.safe_load(small.read_text())
    data["sides"] = dict(reversed(list(data["sides"].items())))
    swapped = tmp_path / "swapped.yaml"
    swapped.write_text(yaml.safe_dump(data, sort_keys=False))
    differences = run_paired([load_scenario(small), load_scenario(swapped)], 2, seed=1)
    per_side = differences.mean[1][:2 * 16]
    counted = differences.count[1][:2 * 16]
    assert np.all(per_side == 0) and (counted > 0).sum() > 40  # empty series have no count


def test_the_paired_figure_shows_each_missions_difference_with_its_band(pair):
    """One line and one band per mission for the what-if; zero before the moves differ."""
    from sim.bands import plot_paired

    base, more = pair
    differences = run_paired([base, more], 3, seed=2)
    fig = plot_paired(differences, ["base", "more"], "staff_total")
    ax = fig.axes[0]
    assert ax.get_title() == "Staff: difference from base (paired, 3 replications)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["more: A mission in B", "more: B mission in A"]
    a_line = ax.lines[1].get_ydata()  # after the zero line
    assert a_line[0] == 0 and a_line.min() <= -15
    assert len(ax.collections) == 2
