"""The ``parity`` command: what it writes, and how it refuses bad input."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.moves import BY_NAME

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"

SMALL = (Path(__file__).parent / "data" / "small.yaml").read_text()


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_writes_tables_summary_and_figures(tmp_path, capsys):
    """`parity run` writes the timeseries, events, measures, summary and figures."""
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "run", write(tmp_path, SMALL), "--out", out)
    assert code == 0
    with (out / "timeseries.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["date", "side", "metric", "value"]
    assert {r["metric"] for r in rows} == set(SIDE_METRICS) | set(JOINT_METRICS)
    assert {r["side"] for r in rows} == {"A", "B", "both"}
    dates = sorted({r["date"] for r in rows})
    assert dates[0] == "2020-01-01" and dates[-1] == "2021-12-31"
    assert len(dates) == 2 * 365 // 7 + 2          # weekly, plus the last day
    with (out / "events.csv").open() as f:
        events = list(csv.DictReader(f))
    assert [(e["actor"], e["target"], e["move"], e["origin"]) for e in events] == [
        ("B", "A", "expel", "scenario"), ("A", "B", "local_hire_ban", "scenario")]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "Small dispute" and summary["seed"] == 7
    assert summary["final"]["B"]["staff_local"] == 0        # A banned B's local staff
    assert summary["events"] > 0
    assert json.loads((out / "timing.json").read_text())["sim_seconds"] > 0
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "consular_output.png", "consular_service.png", "cost_per_head.png", "parity.png",
        "restrictions.png", "staff.png", "tension.png", "visa_queue.png", "work_capacity.png"]
    assert str(out) in stdout and "staff" in stdout


def test_same_file_and_seed_give_the_same_bytes(tmp_path, capsys):
    """Two runs with one file and seed write identical tables and summaries."""
    scenario = write(tmp_path, SMALL)
    for name in ("one", "two"):
        assert run(capsys, "run", scenario, "--seed", "3", "--out", tmp_path / name,
                   "--no-figures")[0] == 0
    for name in ("timeseries.csv", "events.csv", "measures.csv", "summary.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    run(capsys, "run", scenario, "--seed", "4", "--out", tmp_path / "three", "--no-figures")
    assert ((tmp_path / "one" / "timeseries.csv").read_bytes()
            != (tmp_path / "three" / "timeseries.csv").read_bytes())


def test_existing_results_are_kept_without_force(tmp_path, capsys):
    """An existing output directory is not overwritten unless --force is given."""
    scenario, out = write(tmp_path, SMALL), tmp_path / "out"
    assert run(capsys, "run", scenario, "--out", out, "--no-figures", "--seed", "1")[0] == 0
    first = (out / "timeseries.csv").read_bytes()
    code, _, err = run(capsys, "run", scenario, "--out", out, "--no-figures", "--seed", "2")
    assert code == 2 and "--force" in err and len(err.splitlines()) == 1
    assert (out / "timeseries.csv").read_bytes() == first


def test_force_replaces_parity_output(tmp_path, capsys):
    """With --force, a results directory Parity wrote is replaced, and nothing else is left."""
    scenario, out = write(tmp_path, SMALL), tmp_path / "out"
    run(capsys, "run", scenario, "--out", out, "--no-figures", "--seed", "1")
    first = (out / "timeseries.csv").read_bytes()
    code = run(capsys, "run", scenario, "--out", out, "--no-figures", "--seed", "2", "--force")[0]
    assert code == 0 and (out / "timeseries.csv").read_bytes() != first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


BAD_INPUTS = {
    "missing file": (None, "no such file"),
    "invalid YAML": ("name: x\nsides: [a, b\n", ":3: invalid YAML"),
    "unknown move": (SMALL.replace("move: expel", "move: expell"),
                     ":18: moves[0].move: unknown move 'expell' (allowed: "),
    "date outside": (SMALL.replace("date: 2020-06-01", "date: 2023-06-01"),
                     ":18: moves[0].date: 2023-06-01 is outside the scenario "
                     "(allowed: 2020-01-01 to 2021-12-31)"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, capsys, case):
    """Bad input: one line naming the file (and line), exit 2, no results directory."""
    text, expected = BAD_INPUTS[case]
    scenario = tmp_path / "missing.yaml" if text is None else write(tmp_path, text)
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "run", scenario, "--out", out)
    assert code == 2 and stdout == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: {scenario}")
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists() and sorted(tmp_path.iterdir()) == sorted(
        [scenario] if text is not None else [])


def test_unknown_move_suggests_the_nearest(tmp_path, capsys):
    """A misspelt move name gets a did-you-mean."""
    scenario = write(tmp_path, SMALL.replace("move: expel", "move: expell"))
    _, _, err = run(capsys, "validate", scenario)
    assert "did you mean 'expel'?" in err


def test_validate_accepts_the_record(capsys):
    """The shipped record replay validates."""
    code, out, _ = run(capsys, "validate", RECORD)
    assert code == 0 and out.strip().endswith(": ok")


def test_moves_lists_the_whole_catalogue(capsys):
    """`parity moves` lists every move with its parameters and defaults."""
    code, out, _ = run(capsys, "moves")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if not line.startswith(" ")}
    assert listed == set(BY_NAME)
    assert "notice_days" in out and "default 7" in out


def test_python_dash_m_sim_is_the_same_command(tmp_path):
    """`python -m sim` runs the same command line as `parity`."""
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(tmp_path / "nope.yaml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: no such file"


def _blas_threads(env: dict[str, str]) -> str:
    """OPENBLAS_NUM_THREADS as the parity command leaves it, checked to be set before numpy
    is imported (BLAS reads it once, when numpy loads).
    """
    code = ("import os, sys, sim.__main__; assert 'numpy' not in sys.modules; "
            "print(os.environ['OPENBLAS_NUM_THREADS'])")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_the_command_runs_numpy_on_one_blas_thread():
    """Parity does no linear algebra: BLAS threads would only spend CPU and crowd workers."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _blas_threads(env) == "1"


def test_a_blas_thread_count_the_user_set_is_kept():
    assert _blas_threads({**os.environ, "OPENBLAS_NUM_THREADS": "3"}) == "3"


IMPLAUSIBLE = SMALL.replace("move: expel, count: 5,", "move: expel, count: 5000,")


def test_validate_prints_a_warning_and_succeeds(tmp_path, capsys):
    """Implausible but valid input is a `warning:` line with its file and line; exit 0."""
    scenario = write(tmp_path, IMPLAUSIBLE)
    code, out, err = run(capsys, "validate", scenario)
    assert code == 0 and out == f"{scenario}: ok (1 warning)\n"
    assert err == (f"warning: {scenario}:18: moves[0].count: expels 5000 but the A mission has "
                   "40 expatriate positions at the start (an expulsion takes expatriates only)\n")


def test_validate_strict_makes_warnings_errors(tmp_path, capsys):
    """With --strict a warning is an error: exit 2, and the file is not reported ok."""
    scenario = write(tmp_path, IMPLAUSIBLE)
    code, out, err = run(capsys, "validate", "--strict", scenario)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {scenario}:18: moves[0].count: expels 5000")


def test_run_prints_warnings_and_runs(tmp_path, capsys):
    """`parity run` shows the warnings, then runs the scenario as written."""
    code, _, err = run(capsys, "run", write(tmp_path, IMPLAUSIBLE), "--out", tmp_path / "o",
                       "--no-figures")
    assert code == 0 and err.startswith("warning: ") and len(err.splitlines()) == 1
