"""What starting Parity costs: the process CPU time of `parity --version` and of a
record replay without figures, and what the run's imports take.

CPU time is user plus system time of the whole process, every thread included,
the median of several fresh processes (the first is discarded: it may write the
bytecode cache). The target is half of 0.72 s, what a run without figures cost
when the work began.

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"
PARITY = [sys.executable, "-m", "sim"]
TARGET = 0.72 / 2


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """User plus system CPU time of one process running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median and least CPU seconds over ``runs`` processes, after one to warm up."""
    cpu_seconds(argv, env)
    times = [cpu_seconds(argv, env) for _ in range(runs)]
    return statistics.median(times), min(times)


def import_breakdown(argv: list[str], env: dict[str, str], top: int = 12) -> list[tuple[str, int]]:
    """Import time (µs, wall) by top-level package: each module's own time, summed."""
    out = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env, check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    totals: dict[str, int] = {}
    for line in out.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match:
            name = match.group(2).split(".")[0]
            totals[name] = totals.get(name, 0) + int(match.group(1))
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="processes per command")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = Path(tempfile.mkdtemp(prefix="parity-startup-"))
    try:
        run = [*PARITY, "run", str(RECORD), "--no-figures", "--quiet", "--out",
               str(out / "run"), "--force"]
        commands = {"python -c pass": [sys.executable, "-c", "pass"],
                    "parity --version": [*PARITY, "--version"],
                    "parity run --no-figures (record)": run}
        print(f"| command | CPU s, median of {args.runs} | least |")
        print("|---|---|---|")
        for name, argv in commands.items():
            median, least = median_cpu(argv, env, args.runs)
            print(f"| {name} | {median:.3f} | {least:.3f} |")
        print(f"\nTarget for both parity commands: at most {TARGET:.2f} s.\n")
        print("| imported by the run | ms (wall, one process) |")
        print("|---|---|")
        for name, micros in import_breakdown(run, env):
            print(f"| {name} | {micros / 1000:.0f} |")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
