"""Sweeps: a base scenario over a design of parameter values, replicated on common seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.evaluators import Processes, Serial
from sim.sweeps import load_sweep, plot_sweep, points, run_sweep, tidy_rows

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(f"name: test sweep\nbase: {RECORD}\n{body}", encoding="utf-8")
    return path


FACTORIAL = """parameters:
  - path: talks.concession_weight
    values: [0.25, 1.0]
  - path: relations.half_life_days
    values: [100, 365, 1000]
replications: 2
seed: 3
outcomes:
  - {side: both, metric: tension, statistic: average}
  - {side: US, metric: staff_total, statistic: average}
"""


def test_a_factorial_design_has_every_combination(tmp_path):
    """Two values by three: six points, in the order of the parameters."""
    sweep, scenarios = load_sweep(write(tmp_path, FACTORIAL))
    design = points(sweep)
    assert len(design) == len(scenarios) == 6
    assert design[0] == {"talks.concession_weight": 0.25, "relations.half_life_days": 100}
    assert design[-1] == {"talks.concession_weight": 1.0, "relations.half_life_days": 1000}
    assert scenarios[4].relations.half_life_days == 365
    assert scenarios[4].talks.concession_weight == 1.0


def test_points_share_their_replications_seeds(tmp_path):
    """Relations change no move, so every point's staff are the same replication by
    replication (common random numbers), while tension follows the half-life.
    """
    sweep, scenarios = load_sweep(write(tmp_path, FACTORIAL))
    result = run_sweep(sweep, scenarios)
    staff = result.values[:, :, 1]
    assert (staff == staff[0]).all() and staff[0, 0] != staff[0, 1]
    tension = result.values[:3, 0, 0]  # concession weight 0.25, half-lives 100, 365, 1000
    assert tension[0] < tension[1] < tension[2]


def test_a_latin_hypercube_stays_in_its_ranges_and_is_reproducible(tmp_path):
    """Eight points, one in each eighth of each range, the same for the same seed."""
    body = """parameters:
  - {path: talks.concession_weight, range: [0.2, 1.0]}
  - {path: relations.half_life_days, range: [30, 730], integer: true}
design: {kind: latin_hypercube, samples: 8}
outcomes: [{side: both, metric: tension}]
"""
    sweep, _ = load_sweep(write(tmp_path, body))
    design = points(sweep)
    weights = sorted(p["talks.concession_weight"] for p in design)
    assert len(design) == 8 and weights[0] >= 0.2 and weights[-1] <= 1.0
    assert [int((w - 0.2) / 0.1) for w in weights] == list(range(8))
    assert all(isinstance(p["relations.half_life_days"], int) for p in design)
    assert design == points(sweep)


THREE_BY_HYPERCUBE = """parameters:
  - {path: talks.concession_weight, range: [0.2, 1.0]}
  - {path: relations.half_life_days, range: [30, 730], integer: true}
  - {path: talks.reservation_spread, range: [0.1, 1.0]}
design: {kind: latin_hypercube, samples: 4}
outcomes: [{side: both, metric: tension, statistic: average},
           {side: US, metric: staff_total, statistic: end}]
"""


def test_a_hypercube_is_drawn_as_each_outcome_against_each_parameter(tmp_path):
    """Three parameters on a Latin hypercube: a panel per outcome and parameter, each with
    a dot per point, the parameters named under the bottom row.
    """
    sweep, scenarios = load_sweep(write(tmp_path, THREE_BY_HYPERCUBE))
    fig = plot_sweep(run_sweep(sweep, scenarios, Serial()))
    axes = fig.get_axes()
    assert len(axes) == 2 * 3
    assert [len(ax.collections[0].get_offsets()) for ax in axes] == [4] * 6
    assert [ax.get_xlabel() for ax in axes[3:]] == [
        "talks: concession weight", "relations: half life days", "talks: reservation spread"]
    assert axes[0].get_ylabel() == "tension (points of harm),\naveraged over the run"


def test_the_same_sweep_gives_the_same_rows_on_two_workers(tmp_path):
    sweep, scenarios = load_sweep(write(tmp_path, FACTORIAL))
    serial = list(tidy_rows(run_sweep(sweep, scenarios, Serial())))
    pooled = list(tidy_rows(run_sweep(sweep, scenarios, Processes(2, chunk=1))))
    assert serial == pooled and len(serial) == 12


def test_the_command_writes_tidy_tables_and_a_heatmap(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(write(tmp_path, FACTORIAL)), "--out", str(out), "--workers",
                 "1"]) == 0
    tidy = (out / "sweep.csv").read_text().splitlines()
    assert tidy[0] == ("point,replication,talks.concession_weight,relations.half_life_days,"
                       "both tension (average),US staff_total (average)")
    assert len(tidy) == 1 + 12
    summary = (out / "summary.csv").read_text().splitlines()
    assert len(summary) == 1 + 6 * 2 and summary[1].endswith(",2")
    assert (out / "sweep.png").stat().st_size > 10_000
    assert "6 points x 2 replications from seed 3" in capsys.readouterr().out


@pytest.mark.parametrize("body, message", [
    ("parameters: [{path: moves.900.count, values: [1]}]\noutcomes: [{side: US, metric: "
     "staff_total}]\n", "3: parameters[0].path: no item 900 in moves (allowed: 0 to "),
    ("parameters: [{path: talks.nope, values: [1]}]\noutcomes: [{side: US, metric: "
     "staff_total}]\n", "3: the point nope=1 is not a valid scenario: "),
    ("parameters: [{path: talks.concession_weight, values: [-5]}]\noutcomes: [{side: US, "
     "metric: staff_total}]\n", "3: the point concession_weight=-5 is not a valid scenario"),
    ("parameters: [{path: talks.concession_weight, values: [1]}]\noutcomes: [{side: US, "
     "metric: staff_totl}]\n", "4: outcomes[0]: no metric 'staff_totl' for side 'US'"),
    ("parameters: [{path: talks.concession_weight, range: [0, 1]}]\noutcomes: [{side: US, "
     "metric: staff_total}]\n", "1: design: a factorial design needs `values` for every "
     "parameter"),
])
def test_a_bad_sweep_file_is_one_line_with_its_place(tmp_path, capsys, body, message):
    path = write(tmp_path, body)
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:{message}") and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


SMALL = ROOT / "tests" / "data" / "small.yaml"


def sensitivity_rows(tmp_path: Path, method: str) -> dict[tuple[str, str], float]:
    body = f"""name: sensitivity
base: {SMALL}
parameters:
  - {{path: relations.half_life_days, range: [30, 1000]}}
  - {{path: talks.concession_weight, range: [0.2, 1.2]}}
sensitivity: {{method: {method}, samples: 8}}
seed: 2
outcomes: [{{side: both, metric: tension, statistic: average}}]
"""
    path = tmp_path / "s.yaml"
    path.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    lines = (out / "sensitivity.csv").read_text().splitlines()[1:]
    assert (out / "sensitivity.png").stat().st_size > 5_000
    return {(row.split(",")[1], row.split(",")[2]): float(row.split(",")[3]) for row in lines}


def test_sobol_finds_the_parameter_that_matters(tmp_path):
    """The small scenario holds no talks, so the concession weight changes nothing, and
    tension over the run is all the half-life's doing: its total index is near 1, the
    other's 0.
    """
    found = sensitivity_rows(tmp_path, "sobol")
    assert found[("relations.half_life_days", "ST")] > 0.8
    assert found[("talks.concession_weight", "ST")] == 0
    assert found[("relations.half_life_days", "ST_conf")] > 0


def test_morris_screens_out_the_parameter_that_does_not(tmp_path):
    """Morris: the half-life's mean absolute effect is positive, the weight's zero."""
    found = sensitivity_rows(tmp_path, "morris")
    assert found[("relations.half_life_days", "mu_star")] > 1
    assert found[("talks.concession_weight", "mu_star")] == 0


@pytest.mark.parametrize("path, message", [
    ("moves.500", "no item 500 in moves (allowed: 0 to "),
    ("name.foo", "name is a value, not a mapping or a list"),
])
def test_a_path_that_cannot_be_set_is_refused_before_any_run(tmp_path, capsys, path, message):
    body = f"parameters: [{{path: {path}, values: [1]}}]\noutcomes: [{{side: US, metric: " \
           "staff_total}]\n"
    sweep = write(tmp_path, body)
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err


def test_a_path_listed_twice_is_refused(tmp_path, capsys):
    body = ("parameters:\n  - {path: talks.reservation, values: [0]}\n"
            "  - {path: talks.reservation, values: [1]}\noutcomes: [{side: US, metric: "
            "staff_total}]\n")
    assert main(["sweep", str(write(tmp_path, body)), "--out", str(tmp_path / "o")]) == 2
    assert "'talks.reservation' is listed twice" in capsys.readouterr().err
