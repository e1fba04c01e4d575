"""Benchmark: ensembles of the record replay on 1 and 2 workers, on Dask, and their memory.

Run with ``python bench/ensemble.py --replications 1000`` (the issue's full measure is
``--replications 10000``, about 35 minutes on two cores). Prints one table row per case:
wall time, replications a second, speedup over one worker, and the parent's peak memory
(resident set, from ``resource``), which must not grow with the replications (the
results are folded as they arrive). Memory is measured in a fresh process per case, so
one case's peak does not hide another's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"

CASE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from sim import load_scenario
from sim.ensembles import run_ensemble
from sim.evaluators import Dask, Processes, Serial
scenario = load_scenario({record!r})
kind, workers, n = {kind!r}, {workers}, {n}
evaluator = (Serial() if kind == "serial" else Processes(workers) if kind == "processes"
             else Dask("local", workers))
started = time.perf_counter()
summary = run_ensemble(scenario, n, seed=1, evaluator=evaluator)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "n": summary.n}}))
"""


def measure(kind: str, workers: int, n: int) -> dict[str, float]:
    code = CASE.format(root=str(ROOT), record=str(RECORD), kind=kind, workers=workers, n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--small", type=int, default=100, help="the small ensemble for memory")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    cases = [("serial", 1, args.small), ("serial", 1, args.replications),
             ("processes", 2, args.replications)]
    if not args.no_dask:
        cases.append(("dask", 2, args.replications))
    print("| evaluator | workers | replications | wall s | per s | speedup | parent peak MB |")
    print("|---|---|---|---|---|---|---|")
    one = None
    for kind, workers, n in cases:
        result = measure(kind, workers, n)
        rate = n / result["seconds"]
        if kind == "serial" and n == args.replications:
            one = result["seconds"]
        speedup = f"{one / result['seconds']:.2f}" if one and n == args.replications else ""
        print(f"| {kind} | {workers} | {n} | {result['seconds']:.1f} | {rate:.1f} | "
              f"{speedup} | {result['peak_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
