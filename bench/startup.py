"""What starting Parity costs: the process CPU time of `parity --version` and of a
record replay without figures, and what the run's imports take.

CPU time is user plus system time of the whole process, every thread included,
the median of several fresh processes (the first is discarded: it may write the
bytecode cache). The target (issue 10) is half of what the commands cost when the
work began. This machine's speed drifts by a third from one minute to the next, so
that is measured against the earlier code itself: ``--baseline REV`` installs that
commit in a temporary worktree and virtual environment and runs the two versions
in turn, each with its own record scenario; 6d300d5 is the code the issue measured.

    python bench/startup.py [--runs 15] [--baseline 6d300d5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"


def cpu_seconds(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """User plus system CPU time of one process running ``argv`` in ``cwd`` (not the
    checkout: ``python -m sim`` would import the package beside it, whatever is installed).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def commands(python: str, root: Path, out: Path) -> dict[str, list[str]]:
    """The commands measured, for the checkout at ``root`` installed for ``python``."""
    record = root / RECORD.relative_to(ROOT)
    return {"python -c pass": [python, "-c", "pass"],
            "parity --version": [python, "-m", "sim", "--version"],
            "parity run --no-figures (record)": [python, "-m", "sim", "run", str(record),
                                                 "--no-figures", "--out", str(out)]}


def interleaved(versions: dict[str, dict[str, list[str]]], env: dict[str, str], out: Path,
                runs: int) -> dict[str, dict[str, list[float]]]:
    """CPU seconds of every command of every version, taken in turn ``runs`` times after
    one round to warm up (and write bytecode caches).
    """
    times: dict[str, dict[str, list[float]]] = {v: {} for v in versions}
    for round_ in range(runs + 1):
        for version, argvs in versions.items():
            for name, argv in argvs.items():
                shutil.rmtree(out / "run", ignore_errors=True)
                seconds = cpu_seconds(argv, env, out)
                if round_:
                    times[version].setdefault(name, []).append(seconds)
    return times


def check_installed(python: str, root: Path, cwd: Path) -> None:
    """Stop unless ``python`` imports the ``sim`` package of the checkout at ``root``."""
    found = subprocess.run([python, "-c", "import sim; print(sim.__file__)"], cwd=cwd,
                           capture_output=True, text=True).stdout.strip()
    if not found or not Path(found).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"{python} imports sim from {found or 'nowhere'}, not from {root}: "
                         f"run this script with the Python Parity is installed in "
                         f"(pip install -e {root})")


@contextlib.contextmanager
def installed(rev: str, into: Path) -> Iterator[str]:
    """Commit ``rev`` checked out in ``into`` and installed in a virtual environment there:
    its Python.
    """
    tree = into / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), rev],
                   check=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(into / "venv")], check=True)
        python = str(into / "venv" / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "-q", "-e", str(tree)], check=True,
                       stdout=subprocess.DEVNULL)
        yield python
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                       check=False)


def import_breakdown(argv: list[str], env: dict[str, str], cwd: Path, top: int = 12
                     ) -> list[tuple[str, int]]:
    """Import time (µs, wall) by top-level package: each module's own time, summed."""
    shutil.rmtree(cwd / "run", ignore_errors=True)
    out = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env, check=True, cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    totals: dict[str, int] = {}
    for line in out.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match:
            name = match.group(2).split(".")[0]
            totals[name] = totals.get(name, 0) + int(match.group(1))
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def report(times: dict[str, dict[str, list[float]]]) -> None:
    """A table of medians and least times, with the ratio to the baseline if any."""
    versions = list(times)
    head = " | ".join(f"{v}: median | least" for v in versions)
    print(f"| command | {head} |" + (" this / baseline |" if len(versions) > 1 else ""))
    print("|---|" + "---|---|" * len(versions) + ("---|" if len(versions) > 1 else ""))
    for name in times[versions[0]]:
        cells = [(statistics.median(times[v][name]), min(times[v][name])) for v in versions]
        row = " | ".join(f"{m:.3f} | {least:.3f}" for m, least in cells)
        ratio = f" {cells[-1][0] / cells[0][0]:.2f} |" if len(versions) > 1 else ""
        print(f"| {name} | {row} |{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="processes per command")
    parser.add_argument("--baseline", metavar="REV",
                        help="an earlier commit to measure in turn with this checkout")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = Path(tempfile.mkdtemp(prefix="parity-startup-"))
    try:
        with contextlib.ExitStack() as stack:
            versions = {}
            if args.baseline:
                python = stack.enter_context(installed(args.baseline, out / "baseline"))
                versions[args.baseline] = commands(python, out / "baseline" / "tree",
                                                   out / "run")
            check_installed(sys.executable, ROOT, out)
            this = versions["this checkout"] = commands(sys.executable, ROOT, out / "run")
            print(f"CPU seconds, {args.runs} processes each, taken in turn:\n")
            report(interleaved(versions, env, out, args.runs))
        print("\nTarget (issue 10): each parity command at most half of what it cost when the "
              "issue was filed (commit 6d300d5; 0.72 s for the run then), which is the ratio "
              "above with --baseline 6d300d5.\n")
        print("| imported by the run | ms (wall, one process) |")
        print("|---|---|")
        run = this["parity run --no-figures (record)"]
        for name, micros in import_breakdown(run, env, out):
            print(f"| {name} | {micros / 1000:.0f} |")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
