"""The ``parity`` command: run, compare, sweep, exercise, report, validate and list moves.

A user's mistake (a missing file, a bad scenario, a destination Parity must
not replace, an OS error on a path) is printed as one line per problem and
exits with status 2, never as a traceback. Ctrl-C at any moment exits with
status 130 and one line, leaving nothing half-written. Only the standard
library is imported before ``main`` runs, so that an early Ctrl-C is caught
too, and each command imports only what it uses.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ParityUserError, capped, printable

if TYPE_CHECKING:
    from sim.exercise import Finished
    from sim.model import Simulation
    from sim.scenario import Scenario

USER_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``parity`` and ``python -m sim``."""
    previous = _catch_interrupts()
    try:
        args = _parser().parse_args(argv)
        return args.handler(args)
    except ParityUserError as exc:
        for line in str(exc).splitlines():  # printable and capped, whatever raised it
            print(f"error: {capped(printable(line))}", file=sys.stderr)
        return USER_ERROR
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:  # `parity ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _catch_interrupts() -> Any:
    """Make Ctrl-C (and SIGTERM, which `timeout` and service managers send) end the command
    at once, wherever it is: remove what the output being written has made, say so in one
    line, exit 130 (143 for SIGTERM). An exception could be swallowed in an import's
    clean-up or land in Python's own machinery; this cannot.

    Returns the Ctrl-C handler it replaced (None off the main thread, where it does nothing).
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    from sim import destination

    def stop(signum: int, _frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        evaluators = sys.modules.get("sim.evaluators")
        if evaluators is not None:  # an ensemble's workers stop with it
            with contextlib.suppress(Exception):
                evaluators.stop_all()
        destination.abandon()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        if signum == signal.SIGTERM:
            print("terminated; nothing was written", file=sys.stderr)
        else:
            interrupted()
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(143 if signum == signal.SIGTERM else 130)

    signal.signal(signal.SIGTERM, stop)
    return signal.signal(signal.SIGINT, stop)


def interrupted(quiet: bool = False) -> int:
    """Say what Ctrl-C left behind (nothing, or only complete output) and return 130.

    Further Ctrl-C are ignored from here on, so the one line is not cut short.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if quiet:
        return 130
    from sim.destination import committed

    written = ", ".join(map(str, committed))
    print(f"interrupted; {written} was written in full" if written
          else "interrupted; nothing was written", file=sys.stderr)
    return 130


def _version() -> str:
    from sim import __version__

    return f"parity {__version__}"


class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(_version())
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parity", description="Simulate a reciprocal dispute over diplomatic missions.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run a scenario and write tables and figures")
    run.add_argument("scenario", type=Path, help="scenario file (.yaml)")
    run.add_argument("--seed", type=int, default=None,
                     help="random seed (default: the scenario's `seed`)")
    run.add_argument("--out", type=Path, default=None,
                     help="output directory (default: results/<scenario file name>/)")
    run.add_argument("--force", action="store_true", help="replace an existing output directory")
    run.add_argument("--no-figures", action="store_true", help="write tables only")
    run.add_argument("--replications", type=int, default=None, metavar="N",
                     help="run an ensemble of N replications (writes ensemble.csv and bands)")
    run.add_argument("--workers", type=int, default=None, metavar="K",
                     help="worker processes for an ensemble (default: the available cores)")
    run.add_argument("--target-precision", type=float, default=None, metavar="P",
                     help="add replications until the headline metrics' 95%% half-width is "
                          "within P of their mean (e.g. 0.05)")
    run.add_argument("--max-replications", type=int, default=10_000, metavar="M",
                     help="most replications --target-precision may run (default: 10000)")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run an ensemble on a Dask cluster (tcp://HOST:PORT, or `local` to "
                          "start one); needs pip install -e '.[cluster]'")
    run.add_argument("--keep-runs", action="store_true",
                     help="with --replications: also write every replication's rows to "
                          "runs.parquet")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=_run)

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", type=Path, nargs="+", help="scenario files")
    validate.add_argument("--strict", action="store_true",
                          help="treat warnings (implausible but valid input) as errors")
    validate.set_defaults(handler=_validate)

    sweep = commands.add_parser("sweep", help="run a scenario over a design of parameter values")
    sweep.add_argument("file", type=Path, help="sweep file (.yaml)")
    sweep.add_argument("--out", type=Path, default=None,
                       help="output directory (default: results/<sweep file name>/)")
    sweep.add_argument("--workers", type=int, default=None, metavar="K",
                       help="worker processes (default: the available cores)")
    sweep.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on a Dask cluster (tcp://HOST:PORT, or `local`)")
    sweep.add_argument("--force", action="store_true", help="replace an existing output directory")
    sweep.add_argument("--no-figures", action="store_true", help="write tables only")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(handler=_sweep)

    moves = commands.add_parser("moves", help="list the catalogue of moves and their parameters")
    moves.set_defaults(handler=_moves)

    compare = commands.add_parser(
        "compare", help="overlay runs and tabulate their differences (the first is the baseline)")
    compare.add_argument("runs", type=Path, nargs="+", metavar="RUN",
                         help="results directories, or scenario files to run first")
    compare.add_argument("--out", type=Path, default=Path("results") / "compare",
                         help="output directory (default: results/compare/)")
    compare.add_argument("--seed", type=int, default=None,
                         help="seed for the scenario files run (default: each file's own)")
    compare.add_argument("--threshold", type=float, default=150.0,
                         help="staff level counted in days_below_threshold (default: 150)")
    compare.add_argument("--force", action="store_true",
                         help="replace an existing output directory")
    compare.add_argument("--replications", type=int, default=None, metavar="N",
                         help="scenario files only: N paired replications on common random "
                              "numbers; writes paired.csv (differences with 95%% intervals)")
    compare.add_argument("--workers", type=int, default=None, metavar="K",
                         help="worker processes for --replications (default: the cores)")
    compare.add_argument("--scheduler", default=None, metavar="ADDRESS",
                         help="run --replications on a Dask cluster (tcp://HOST:PORT or local)")
    compare.set_defaults(handler=_compare)

    report = commands.add_parser(
        "report", help="write one self-contained HTML report of runs (the first compared "
                       "with the others)")
    report.add_argument("runs", type=Path, nargs="+", metavar="RUN",
                        help="results directories written by `parity run`")
    report.add_argument("--out", type=Path, default=None, metavar="FILE.html",
                        help="the report (default: <first RUN>/report.html)")
    report.add_argument("--force", action="store_true",
                        help="replace a file at --out that is not a report Parity wrote")
    report.add_argument("--scenarios", type=Path, action="append", default=[], metavar="DIR",
                        help="a folder holding the runs' scenario files, if not beside the "
                             "runs or in ./scenarios (may be given more than once)")
    report.set_defaults(handler=_report)

    from sim.exercise.syntax import SYNTAX

    exercise = commands.add_parser(
        "exercise", help="play a side of a scenario turn by turn; the model adjudicates",
        description="Play a side of a scenario turn by turn: at each decision point the "
                    "state, the other side's moves and your legal moves, then what was done "
                    "in the scenario at that point. At the end (or q) the moves played are "
                    "written as a scenario that extends SCENARIO, with its run and a brief.",
        epilog=SYNTAX, formatter_class=argparse.RawDescriptionHelpFormatter)
    exercise.add_argument("scenario", type=Path, help="scenario file (.yaml)")
    exercise.add_argument("--play", default=None, metavar="SIDE",
                          help="the side played: a side of the scenario (US, RU) or both "
                               "(default: its first side)")
    exercise.add_argument("--from", dest="start", default=None, metavar="DATE",
                          help="first day the players decide, YYYY-MM-DD; their side's moves "
                               "in the scenario from then on are replaced (default: its start)")
    exercise.add_argument("--turns", default="record", metavar="record|N",
                          help="decision points: `record`, the days the played side moved in "
                               "the scenario (default), or every N days")
    exercise.add_argument("--seed", type=int, default=None,
                          help="random seed (default: the scenario's `seed`)")
    exercise.add_argument("--out", type=Path, default=None,
                          help="output directory (default: results/exercise-<scenario file "
                               "name>/)")
    exercise.add_argument("--force", action="store_true",
                          help="replace an existing output directory")
    exercise.add_argument("--input", type=Path, default=None, metavar="FILE",
                          help="read the moves from FILE, one line a turn, instead of the "
                               "keyboard (or a pipe)")
    exercise.add_argument("--no-figures", action="store_true", help="write tables only")
    exercise.add_argument("--web", action="store_true",
                          help="play on a web page served on 127.0.0.1 (for a classroom: "
                               "each team in its own tab) instead of the terminal")
    exercise.add_argument("--port", type=int, default=None, metavar="N",
                          help="with --web: the port (default: 8765, or a free one if it is "
                               "taken; 0: any free one)")
    exercise.set_defaults(handler=_exercise)
    return parser


def _run(args: argparse.Namespace) -> int:
    from sim.destination import check_destination, staged
    from sim.model import Simulation
    from sim.output import write_run_files

    scenario = _load(args.scenario)
    if args.seed is not None and args.seed < 0:
        raise ParityUserError(f"--seed {args.seed}: must be a whole number >= 0")
    out_dir = args.out or Path("results") / args.scenario.stem
    check_destination(out_dir, args.force)
    if args.replications is not None or args.target_precision is not None:
        return _run_ensemble(args, scenario, out_dir)
    given = [flag for flag, value in (("--keep-runs", args.keep_runs),
                                      ("--workers", args.workers),
                                      ("--scheduler", args.scheduler)) if value]
    if given:
        raise ParityUserError(f"{given[0]} applies to an ensemble: add --replications N")
    with staged(out_dir, args.force, command="run") as staging:
        sim = Simulation(scenario, seed=args.seed)
        started = time.perf_counter()
        sim.run()
        sim_seconds = time.perf_counter() - started
        files = write_run_files(sim, staging, figures=not args.no_figures,
                                timing={"sim_seconds": round(sim_seconds, 4)})
    _print_headlines(sim, out_dir, files, sim_seconds)
    return 0


def _run_ensemble(args: argparse.Namespace, scenario: Scenario, out_dir: Path) -> int:
    """``run --replications``: an ensemble, its first replication's usual files beside it."""
    import numpy as np

    from sim.destination import staged
    from sim.ensembles import RunsWriter, run_ensemble, write_ensemble_files
    from sim.evaluators import evaluator_for
    from sim.model import Simulation
    from sim.output import write_run_files

    n, workers = _ensemble_sizes(args)
    seed = scenario.seed if args.seed is None else args.seed
    evaluator = evaluator_for(workers, args.scheduler)
    with staged(out_dir, args.force, command="run") as staging, _progress(args, n) as bar:
        started = time.perf_counter()
        keep = RunsWriter(staging / "runs.parquet", scenario) if args.keep_runs else None
        summary = run_ensemble(scenario, n, seed=seed, evaluator=evaluator,
                               target_precision=args.target_precision,
                               max_replications=args.max_replications, progress=bar,
                               keep=keep)
        if keep is not None:
            keep.close()
        seconds = time.perf_counter() - started
        first = Simulation(scenario, seed=np.random.SeedSequence(seed).spawn(1)[0]).run()
        files = write_run_files(first, staging, figures=not args.no_figures)
        precision = (summary.precise(args.target_precision)
                     if args.target_precision is not None else None)
        files += write_ensemble_files(summary, scenario, staging, seed,
                                      figures=not args.no_figures, precision=precision,
                                      target=args.target_precision)
    met = precision is None or precision[0]
    _print_ensemble(summary, scenario, seed, seconds, args.target_precision, met)
    if args.keep_runs:
        files.append("runs.parquet")
    figures = sum(f.startswith("figures/") for f in files)
    print(f"Wrote {out_dir}/: {', '.join(f for f in files if '/' not in f)}"
          + (f" and {figures} figures in figures/" if figures else ""))
    return 0


#: Most replications one command may ask for.
MAX_REPLICATIONS = 1_000_000


def _ensemble_sizes(args: argparse.Namespace) -> tuple[int, int | None]:
    """The replications to start with and the workers, checked."""
    n = 10 if args.replications is None else args.replications
    if not 1 <= n <= MAX_REPLICATIONS:
        raise ParityUserError(f"--replications {n}: must be from 1 to {MAX_REPLICATIONS:,}")
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise ParityUserError(f"--workers {args.workers}: must be from 1 to 1024")
    if args.target_precision is not None and not 0 < args.target_precision < 1:
        raise ParityUserError(f"--target-precision {args.target_precision}: must be between 0 "
                              "and 1 (0.05 is 5% of the mean)")
    if not n <= args.max_replications <= MAX_REPLICATIONS:
        raise ParityUserError(f"--max-replications {args.max_replications}: must be from "
                              f"--replications ({n}) to {MAX_REPLICATIONS:,}")
    return n, args.workers


@contextlib.contextmanager
def _progress(args: argparse.Namespace, total: int) -> Any:
    """A progress bar on a terminal (tqdm), nothing otherwise or with ``--quiet``."""
    if args.quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="run", file=sys.stderr, leave=False) as bar:
        def advance(done: int) -> None:
            if bar.n + done > bar.total:
                bar.total = bar.n + done
            bar.update(done)

        yield advance


def _print_ensemble(summary: Any, scenario: Scenario, seed: int, seconds: float,
                    target: float | None, met: bool = True) -> None:
    """The headline metrics at the end: mean and 95% interval, and the 90% band."""
    import numpy as np

    half, bands, last = summary.half_width(), summary.bands.values(), len(summary.layout.days) - 1
    print(f"{scenario.name}: {summary.n} replications from seed {seed}, {scenario.start} to "
          f"{scenario.end}, in {seconds:.2f} s"
          + ("" if target is None else
             f": the headline metrics' 95% half-widths at the end are within {target:.1%} "
             "of their means (or, near zero, 1 staff, 10 visas or 10 diplomat-days a month)"
             if met else f": target precision {target:.1%} NOT met within "
             f"--max-replications ({summary.n}); see ensemble.json"))
    for side in summary.layout.sides:
        parts = []
        for metric, unit in (("staff_total", "staff"), ("consular_output", "visas/month")):
            cell = summary.layout.index(side, metric)[last]
            mean, width = summary.mean[cell], half[cell]
            interval = f" ± {width:.0f}" if np.isfinite(width) else ""
            parts.append(f"{unit} {mean:.0f}{interval} (90% of runs {bands[0, cell]:.0f} to "
                         f"{bands[2, cell]:.0f})")
        print(f"  {side} ({scenario.sides[side].name}) at the end: " + "; ".join(parts))


def _load(path: Path) -> Scenario:
    """Load a scenario and print its warnings (implausible but valid input)."""
    from sim.scenario import load_scenario

    scenario = load_scenario(path)
    for line in scenario.warnings:
        print(f"warning: {line}", file=sys.stderr)
    return scenario


def _print_headlines(sim: Simulation, out_dir: Path, files: list[str], seconds: float) -> None:
    """What a user wants to see first: where the output is and the main numbers."""
    from sim.metrics import SIDE_METRICS

    monitor, values = sim.monitor, sim.monitor.side_values
    names = list(SIDE_METRICS)
    staff, posts, consular = (names.index(m) for m in
                              ("staff_total", "posts_open", "consular_output"))
    print(f"{sim.scenario.name}: seed {sim.seed}, {sim.scenario.start} to {sim.scenario.end}, "
          f"{len(sim.log)} moves, {sim.events_processed} events in {seconds:.2f} s")
    for j, side in enumerate(monitor.sides):
        series = values[:, j, staff]
        print(f"  {side} ({sim.missions[side].name}): staff {series[0]:.0f} -> {series[-1]:.0f} "
              f"(lowest {series.min():.0f}), posts open {values[-1, j, posts]:.0f}, "
              f"consular output {values[-1, j, consular]:.0f} visas/month")
    figures = sum(f.startswith("figures/") for f in files)
    print(f"Wrote {out_dir}/: {', '.join(f for f in files if '/' not in f)}"
          + (f" and {figures} figures in figures/" if figures else ""))


def _compare(args: argparse.Namespace) -> int:
    from sim.compare import check_same_sides, compare, format_table, read_run
    from sim.destination import check_destination, staged
    from sim.model import Simulation
    from sim.output import write_run_files

    if len(args.runs) < 2:
        raise ParityUserError("compare needs at least two runs (results directories or "
                              "scenario files)")
    if not (math.isfinite(args.threshold) and args.threshold >= 0):
        raise ParityUserError(f"--threshold {args.threshold}: must be a staff level, a number "
                              ">= 0")
    scenarios = [path for path in args.runs if path.suffix in (".yaml", ".yml")]
    loaded = {path: _load(path) for path in scenarios}  # every input checked before any run
    check_same_sides({path: list(loaded[path].sides) if path in loaded else read_run(path).sides
                      for path in args.runs})
    _refuse_out_over_inputs(args.out, [p for p in args.runs if p not in loaded])
    check_destination(args.out, args.force)
    if args.replications is not None:
        return _compare_paired(args, [loaded.get(p) for p in args.runs])
    with staged(args.out, args.force, command="compare") as staging:
        dirs = []
        for number, path in enumerate(args.runs, start=1):
            if path in loaded:
                run_dir = staging / "runs" / f"{number}-{path.stem}"
                write_run_files(Simulation(loaded[path], seed=args.seed).run(), run_dir,
                                figures=False)
                dirs.append(run_dir)
            else:
                dirs.append(path)
        rows, figures = compare(dirs, staging, args.threshold)
    print(format_table(rows))
    ran = ", the runs of the scenario files in runs/" if loaded else ""
    print(f"Wrote {args.out}/: differences.csv and {len(figures)} figures{ran}")
    return 0


def _compare_paired(args: argparse.Namespace, scenarios: list[Scenario | None]) -> int:
    """``compare --replications``: paired differences from the first scenario."""
    from sim.destination import staged
    from sim.evaluators import evaluator_for
    from sim.output import csv_text
    from sim.paired import PAIRED_HEADER, paired_rows, run_paired

    if any(s is None for s in scenarios):
        raise ParityUserError("--replications compares scenario files (.yaml), not results "
                              "directories: each is run on the same seeds")
    chosen = [s for s in scenarios if s is not None]
    if not 2 <= args.replications <= MAX_REPLICATIONS:
        raise ParityUserError(f"--replications {args.replications}: must be from 2 to "
                              f"{MAX_REPLICATIONS:,} (an interval needs two)")
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise ParityUserError(f"--workers {args.workers}: must be from 1 to 1024")
    seed = chosen[0].seed if args.seed is None else args.seed
    evaluator = evaluator_for(args.workers, args.scheduler)
    names = [f"{i}-{path.stem}" for i, path in enumerate(args.runs, start=1)]
    with staged(args.out, args.force, command="compare") as staging:
        differences = run_paired(chosen, args.replications, seed, evaluator)
        rows = list(paired_rows(differences, names))
        (staging / "paired.csv").write_text(csv_text(PAIRED_HEADER, rows),
                                            encoding="utf-8")
        figures = _paired_figures(differences, names, staging)
    print(f"{args.replications} paired replications from seed {seed}, each scenario on the "
          "same seeds; differences from the first at the end, with 95% intervals:")
    for row in rows:
        name, side, metric, statistic, diff, low, high, _, noise = row
        if statistic == "end" and metric in ("staff_total", "consular_output",
                                             "work_capacity"):
            verdict = "within noise" if noise == "yes" else "beyond noise"
            print(f"  {name} {side} {metric}: {float(diff):+.1f} [{float(low):+.1f}, "
                  f"{float(high):+.1f}] ({verdict})")
    print(f"Wrote {args.out}/: paired.csv" + (f" and {figures} figures in figures/"
                                               if figures else ""))
    return 0


def _paired_figures(differences: Any, names: list[str], staging: Path) -> int:
    """The differences over time of the band metrics, when the scenarios share their
    sample dates; returns how many were drawn.
    """
    if differences.over_time is None:
        return 0
    from sim.bands import BAND_METRICS, plot_paired
    from sim.plots import save_figure

    (staging / "figures").mkdir(exist_ok=True)
    for metric in BAND_METRICS:
        save_figure(plot_paired(differences, names, metric),
                    staging / "figures" / f"paired-{metric}.png")
    return len(BAND_METRICS)


def _report(args: argparse.Namespace) -> int:
    """``parity report``: the runs' report, written whole or not at all."""
    from sim.report import write_report

    out = args.out or args.runs[0] / "report.html"
    write_report(args.runs, out, force=args.force, search=args.scenarios)
    size = out.stat().st_size / 1e6
    runs = f"{len(args.runs)} run{'s' * (len(args.runs) > 1)}"
    print(f"Wrote {out} ({size:.1f} MB): the report of {runs}; open it in a browser, "
          "or print it to PDF")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    """``parity sweep``: every point of the design, replicated; tidy tables and a figure."""
    from sim.destination import check_destination, staged
    from sim.evaluators import evaluator_for
    from sim.output import csv_text
    from sim.plots import save_figure
    from sim.sweeps import (
        load_sweep,
        plot_sweep,
        run_sweep,
        summary_header,
        summary_rows,
        tidy_header,
        tidy_rows,
    )

    sweep, scenarios = load_sweep(args.file)
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise ParityUserError(f"--workers {args.workers}: must be from 1 to 1024")
    out_dir = args.out or Path("results") / args.file.stem
    check_destination(out_dir, args.force)
    runs = len(scenarios) * sweep.replications
    with staged(out_dir, args.force, command="sweep") as staging, _progress(args, runs) as bar:
        started = time.perf_counter()
        result = run_sweep(sweep, scenarios, evaluator_for(args.workers, args.scheduler), bar)
        seconds = time.perf_counter() - started
        files = []
        for name, header, rows in (("sweep.csv", tidy_header(result), tidy_rows(result)),
                                   ("summary.csv", summary_header(result),
                                    summary_rows(result))):
            (staging / name).write_text(csv_text(header, rows), encoding="utf-8")
            files.append(name)
        figure = None if args.no_figures else plot_sweep(result)
        if figure is not None:
            save_figure(figure, staging / "sweep.png")
            files.append("sweep.png")
        if sweep.sensitivity is not None:
            files += _write_sensitivity(result, sweep, staging, not args.no_figures)
    print(f"{sweep.name}: {len(scenarios)} points x {sweep.replications} replications from "
          f"seed {sweep.seed} in {seconds:.2f} s")
    print(f"Wrote {out_dir}/: {', '.join(files)}")
    return 0


def _write_sensitivity(result: Any, sweep: Any, staging: Path, figures: bool) -> list[str]:
    """``sensitivity.csv`` (and its bars) for a sweep with a ``sensitivity`` block."""
    from sim.output import csv_text, number
    from sim.plots import save_figure
    from sim.sensitivity import analyze, plot

    rows = list(analyze(result, sweep.sensitivity))
    shown = ((o, p, i, number(float(f"{v:.6g}"))) for o, p, i, v in rows)
    (staging / "sensitivity.csv").write_text(
        csv_text(("outcome", "parameter", "index", "value"), shown), encoding="utf-8")
    if not figures:
        return ["sensitivity.csv"]
    save_figure(plot(rows, sweep.sensitivity, sweep.name), staging / "sensitivity.png")
    return ["sensitivity.csv", "sensitivity.png"]


def _refuse_out_over_inputs(out: Path, inputs: list[Path]) -> None:
    """``--out`` must not be, hold or sit inside a results directory being compared: its
    output would replace what it reads.
    """
    where = Path(os.path.realpath(out))
    for path in inputs:
        source = Path(os.path.realpath(path))
        if where == source or source in where.parents or where in source.parents:
            raise ParityUserError(f"--out {out}: overlaps the input {path}; write the "
                                  "comparison elsewhere")


def _exercise(args: argparse.Namespace) -> int:
    """``parity exercise``: play a side at the terminal, then write everything."""
    import datetime as dt

    from sim.exercise import Exercise
    from sim.exercise.terminal import Terminal

    start = None
    if args.start is not None:
        try:
            start = dt.date.fromisoformat(args.start)
        except ValueError:
            raise ParityUserError(f"--from {printable(args.start)}: not a date (write "
                                  "YYYY-MM-DD, e.g. 2021-01-01)") from None
    turns: Any = args.turns
    if turns != "record":
        if not turns.isdigit():
            raise ParityUserError(f"--turns {printable(turns)}: must be `record` or a number "
                                  "of days (e.g. 90)")
        turns = int(turns)
    if args.web and args.input is not None:
        raise ParityUserError("--input: not with --web (the moves come from the page)")
    if args.port is not None and not args.web:
        raise ParityUserError("--port: only with --web")
    read, interactive = (None, False) if args.web else _exercise_input(args.input)
    exercise = Exercise(args.scenario, play=args.play, start=start, turns=turns,
                        seed=args.seed, out=args.out, force=args.force,
                        figures=not args.no_figures)
    for line in exercise.base.warnings:
        print(f"warning: {line}", file=sys.stderr)

    def write(text: str) -> None:
        print(text, flush=True)

    if args.web:
        from sim.exercise.web import serve

        serve(exercise, args.port, write, lambda done: write(_written(done)))
        return 0
    write(_written(Terminal(exercise, read, write, interactive).play()))
    return 0


def _written(finished: Finished) -> str:
    """What an exercise wrote, and how to replay it."""
    figures = sum(f.startswith("figures/") for f in finished.files)
    top = [f for f in finished.files if "/" not in f]
    return (f"{finished.turns_played} of {finished.total} turns played. Wrote "
            f"{finished.out}/: {', '.join(top)}"
            + (f", {figures} figures in figures/" if figures else "")
            + f" and the base run in base/\nReplay it with: parity run {finished.scenario}")


def _exercise_input(path: Path | None) -> tuple[Any, bool]:
    """Where the moves come from: a file, a pipe, or a person at the keyboard (with line
    editing); returns a ``read(prompt)`` that raises EOFError at the end, and whether a
    person is typing.
    """
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ParityUserError(f"--input {path}: cannot read it: {str(why).lower()}"
                                  ) from None
        return _reader(iter(lines)), False
    if sys.stdin is None:
        return _reader(iter(())), False
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
        return input, True
    return _reader(line.rstrip("\n") for line in iter(sys.stdin.readline, "")), False


def _reader(lines: Any) -> Any:
    """``read(prompt)`` over lines: shows the prompt, returns the next line, EOFError at
    the end.
    """
    def read(prompt: str) -> str:
        print(prompt, end="", flush=True)
        try:
            return str(next(lines))
        except StopIteration:
            print()
            raise EOFError from None

    return read


def _validate(args: argparse.Namespace) -> int:
    from sim.scenario import load_scenario

    problems: list[str] = []
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except ParityUserError as exc:
            problems.extend(str(exc).splitlines())
            continue
        warnings = list(scenario.warnings)
        if args.strict:
            problems.extend(warnings)
        else:
            for line in warnings:
                print(f"warning: {line}", file=sys.stderr)
        if not (args.strict and warnings):
            noted = f" ({len(warnings)} warning{'s' if len(warnings) > 1 else ''})"
            print(f"{path}: ok" + (noted if warnings else ""))
    if problems:
        raise ParityUserError("\n".join(problems))
    return 0


def _moves(args: argparse.Namespace) -> int:
    from sim.moves import MOVES
    from sim.moves.base import Move

    for cls in MOVES:
        print(f"{cls.model_fields['move'].default:20} {cls.summary}")
        for name, field in cls.model_fields.items():
            if name in Move.COMMON:
                continue
            default = "required" if field.is_required() else f"default {field.default}"
            print(f"    {name:18} {field.description or ''} ({default})")
    return 0
