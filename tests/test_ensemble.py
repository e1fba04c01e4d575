"""Ensembles: replications seeded from one SeedSequence, folded in index order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.cli import main
from sim.ensembles import (
    ENSEMBLE_HEADER,
    Summary,
    ensemble_rows,
    layout_of,
    replicate,
    run_ensemble,
)
from sim.evaluators import Processes, Serial, _in_order

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"


@pytest.fixture(scope="module")
def small(request):
    from tests.conftest import build_scenario

    moves = [{"date": "2020-06-01", "actor": "B", "move": "expel", "count": 10},
             {"date": "2021-01-01", "actor": "B", "move": "visa_policy",
              "approval_rate": 0.5, "processing_days": 60}]
    return build_scenario(moves=moves)


def test_a_replication_depends_only_on_the_ensemble_seed_and_its_index(small):
    """Replication 2 of an ensemble of 3 is replication 2 of an ensemble of 6: its stream is
    child 2 of the ensemble's SeedSequence, whoever runs it.
    """
    three, six = run_ensemble(small, 3, seed=5), run_ensemble(small, 6, seed=5)
    assert np.array_equal(three.paths[2], six.paths[2], equal_nan=True)
    alone = replicate(small, np.random.SeedSequence(5).spawn(3)[2])
    assert np.array_equal(alone, six.paths[2], equal_nan=True)


def test_replications_differ_from_one_another(small):
    """Each replication has streams of its own: no two of five are the same run."""
    paths = run_ensemble(small, 5, seed=5).paths
    assert all(not np.array_equal(a, b, equal_nan=True)
               for i, a in enumerate(paths) for b in paths[i + 1:])


def test_mean_interval_and_bands_are_those_of_the_replications(small):
    """The running mean, the 95% t-interval and the bands equal numpy's and scipy's on
    the kept replications (all of them, for five).
    """
    summary = run_ensemble(small, 5, seed=9)
    values = np.array(summary.paths)
    cell = summary.layout.index("A", "staff_total")[-1]
    column = values[:, cell]
    assert summary.mean[cell] == pytest.approx(column.mean())
    half = stats.t.ppf(0.975, 4) * column.std(ddof=1) / np.sqrt(5)
    assert summary.half_width()[cell] == pytest.approx(half)
    assert np.allclose(summary.bands.values()[:, cell], np.quantile(column, (0.05, 0.5, 0.95)))
    assert column.std() > 0


def test_results_are_folded_in_index_order_whatever_order_they_finish_in():
    """Chunks finishing last-first are still yielded 0, 1, 2, 3."""
    import threading
    import time
    from concurrent.futures import Future

    futures: list[tuple[Future, list]] = []

    def submit(chunk):
        future: Future = Future()
        futures.append((future, chunk))
        return future

    def finish_last_first() -> None:
        while len(futures) < 3:
            time.sleep(0.001)
        for future, chunk in reversed(futures):
            future.set_result([(i, np.array([float(i)])) for i, _ in chunk])
            time.sleep(0.01)

    threading.Thread(target=finish_last_first, daemon=True).start()
    pending = iter([[(0, None), (1, None)], [(2, None)], [(3, None)]])
    assert [i for i, _ in _in_order(pending, submit, window=3)] == [0, 1, 2, 3]


def test_the_same_seed_gives_the_same_rows_with_one_or_two_workers(small):
    """Serial and two worker processes give identical ``ensemble.csv`` rows."""
    serial = list(ensemble_rows(run_ensemble(small, 6, seed=2, evaluator=Serial()), small))
    pooled = run_ensemble(small, 6, seed=2, evaluator=Processes(2, chunk=1))
    assert list(ensemble_rows(pooled, small)) == serial


def test_target_precision_adds_replications_until_the_headlines_are_precise(small):
    """From 3 replications, ensembles are added until every headline metric's half-width
    at the end is within 5% of its mean (or its floor): more than 3 are needed, and the
    result is precise.
    """
    summary = run_ensemble(small, 3, seed=1, target_precision=0.05)
    ok, ratios = summary.precise(0.05)
    assert ok and summary.n > 3
    assert set(ratios) == {f"{s} {m}" for s in "AB"
                           for m in ("staff_total", "consular_output", "work_capacity")}


def test_ensemble_csv_from_the_command_line_is_identical_for_one_and_two_workers(tmp_path):
    """`parity run --replications 4` writes the same ensemble.csv with 1 and 2 workers, and
    the first replication's usual files beside it.
    """
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        assert main(["run", str(RECORD), "--replications", "4", "--workers", str(workers),
                     "--seed", "11", "--out", str(out), "--no-figures", "--quiet"]) == 0
        outs.append(out)
    first, second = ((o / "ensemble.csv").read_bytes() for o in outs)
    assert first == second
    lines = first.decode().splitlines()
    assert lines[0] == ",".join(ENSEMBLE_HEADER)
    assert len(lines) == 1 + 475 * (2 * 16 + 5)
    assert (outs[0] / "timeseries.csv").read_bytes() == (outs[1] / "timeseries.csv").read_bytes()


def test_the_first_replication_is_the_one_written_in_full(tmp_path):
    """The usual files of an ensemble are those of its replication 0: child 0 of the seed."""
    import sim

    out = tmp_path / "e"
    assert main(["run", str(RECORD), "--replications", "2", "--workers", "1", "--seed", "11",
                 "--out", str(out), "--no-figures", "--quiet"]) == 0
    alone = sim.run(RECORD, seed=np.random.SeedSequence(11).spawn(1)[0])
    staff = alone.timeseries.query("metric == 'staff_total' and side == 'US'")["value"]
    written = sim.api._table(("date", "side", "metric", "value"), [], ())  # header only
    assert list(written.columns) == ["date", "side", "metric", "value"]
    import pandas as pd

    from_file = pd.read_csv(out / "timeseries.csv").query(
        "metric == 'staff_total' and side == 'US'")["value"]
    assert list(from_file) == list(staff)


@pytest.mark.parametrize("args, message", [
    (["--replications", "0"], "--replications 0: must be from 1 to 1,000,000"),
    (["--replications", "3", "--workers", "0"], "--workers 0: must be from 1 to 1024"),
    (["--target-precision", "5"], "--target-precision 5.0: must be between 0 and 1 (0.05 is "
                                  "5% of the mean)"),
    (["--replications", "50", "--max-replications", "10"],
     "--max-replications 10: must be from --replications (50) to 1,000,000"),
])
def test_bad_ensemble_options_are_one_line_each(tmp_path, capsys, args, message):
    assert main(["run", str(RECORD), "--out", str(tmp_path / "x"), *args]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"
    assert not (tmp_path / "x").exists()


def test_the_band_figure_shows_median_band_and_sample_paths(small):
    """One line per mission for the median, a band each, and the kept sample paths; the
    title says how many replications.
    """
    from sim.bands import plot_bands

    summary = run_ensemble(small, 4, seed=3)
    fig = plot_bands(summary, small, "staff_total")
    ax = fig.axes[0]
    assert ax.get_title() == "mechanics: staff, 4 replications"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["A mission in B: median", "A mission in B: 90% of replications",
                      "B mission in A: median", "B mission in A: 90% of replications",
                      "thin lines: the first 4 replications, one each"]
    assert len(ax.lines) == 2 * (4 + 1) and len(ax.collections) == 2
    median = ax.lines[4].get_ydata()
    assert median[0] == 370 and median.min() < 370


def test_summary_layout_covers_every_row_of_the_timeseries(small):
    """An ensemble has a row for each row a single run writes to timeseries.csv."""
    layout = layout_of(small)
    summary = Summary(layout)
    assert summary.layout.cells == len(layout.days) * (2 * 16 + 5)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table in /proc")
def test_ctrl_c_stops_every_worker_and_writes_nothing(tmp_path):
    """Ctrl-C during an ensemble on two workers: exit 130, one line, no output directory,
    and no worker left running (workers are forked, so they carry the command's line).
    """
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "interrupted"
    command = [sys.executable, "-m", "sim", "run", str(RECORD), "--replications", "500",
               "--workers", "2", "--out", str(out), "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130 and err == "interrupted; nothing was written\n"
    assert not out.exists()
    time.sleep(0.5)
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if str(out).encode() in cmdline:
            survivors.append(pid)
    assert survivors == []


def test_keep_runs_writes_every_replications_rows(tmp_path):
    """`--keep-runs`: runs.parquet holds each replication's 475 x 37 rows, and their mean
    is ensemble.csv's mean.
    """
    import pandas as pd

    out = tmp_path / "kept"
    assert main(["run", str(RECORD), "--replications", "3", "--workers", "1", "--seed", "2",
                 "--keep-runs", "--out", str(out), "--no-figures", "--quiet"]) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 3 * 475 * 37 and sorted(runs.replication.unique()) == [0, 1, 2]
    runs["date"] = pd.to_datetime(runs["date"])
    means = runs.groupby(["date", "side", "metric"], observed=True).value.mean()
    ensemble = pd.read_csv(out / "ensemble.csv", parse_dates=["date"]).set_index(
        ["date", "side", "metric"])["mean"]
    joined = ensemble.to_frame().join(means.rename("kept"), how="inner").dropna()
    assert len(joined) > 16_000
    assert np.allclose(joined["mean"], joined["kept"], rtol=1e-5, atol=1e-6)


def test_a_target_not_met_within_the_maximum_says_so(tmp_path, capsys):
    """Stopped by --max-replications before the precision: the line and the JSON say so."""
    import json

    out = tmp_path / "t"
    assert main(["run", str(RECORD), "--replications", "2", "--max-replications", "2",
                 "--target-precision", "0.001", "--workers", "1", "--out", str(out),
                 "--no-figures", "--quiet"]) == 0
    assert "target precision 0.1% NOT met within --max-replications (2)" in \
        capsys.readouterr().out
    assert json.loads((out / "ensemble.json").read_text())["target_met"] is False


def test_ensemble_options_without_replications_are_refused(tmp_path, capsys):
    assert main(["run", str(RECORD), "--keep-runs", "--out", str(tmp_path / "k")]) == 2
    assert capsys.readouterr().err == ("error: --keep-runs applies to an ensemble: add "
                                       "--replications N\n")


def test_the_python_ensemble_checks_its_arguments():
    import sim
    from sim.errors import ParityUserError

    with pytest.raises(ParityUserError, match=r"replications=0: must be a whole number >= 1"):
        sim.ensemble(RECORD, replications=0)
