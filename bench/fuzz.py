"""The loader's fuzzing hunt, long: ``python bench/fuzz.py --examples 10000``.

The mutants and the checks are those of tests/test_fuzz.py (the CI runs a few
dozen); this runs many and prints what it found: how many mutants loaded, how
many were errors, the slowest load, the peak memory, runs cut short. The
process's address space is capped at its size after imports plus 1 GiB, so a
runaway allocation is an error here rather than a swapping machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_fuzz import MAX_RSS, Stats, check_mutant, mutants


def cap_memory(extra: int) -> None:
    """Cap the address space at what the process maps now plus ``extra`` bytes."""
    with open("/proc/self/statm", encoding="ascii") as stream:
        mapped = int(stream.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + extra, resource.RLIM_INFINITY))


def hunt(examples: int, number: int, stats: Stats) -> str | None:
    """Check ``examples`` mutants drawn from seed ``number``; the failure, if any."""

    @seed(number)
    @settings(max_examples=examples, deadline=None, database=None,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(mutants())
    def one(mutant):
        check_mutant(mutant, stats)

    try:
        one()
    except Exception:  # report it with the figures so far
        return traceback.format_exc()
    return None


def report(stats: Stats, seconds: float) -> str:
    slowest, edits = stats.slowest
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(stats.kinds.items()))
    lines = [
        f"mutants {stats.mutants:,} in {seconds:.0f} s: loaded {stats.loaded:,}, "
        f"errors {stats.errors:,}",
        f"runs: made {stats.ran:,}, too big to run here {stats.too_big_to_run:,}, "
        f"cut short {len(stats.runs_cut):,}",
        f"slowest load {slowest:.2f} s ({' | '.join(edits)})",
        f"peak memory {stats.peak_rss / 2**20:.0f} MiB (limit {MAX_RSS / 2**20:.0f} MiB)",
        f"edits: {kinds}",
    ]
    lines += [f"  run cut short: {cut}" for cut in stats.runs_cut[:10]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="mutants to try")
    parser.add_argument("--seed", type=int, default=0, help="seed of the hunt")
    args = parser.parse_args()
    cap_memory(1 << 30)
    stats = Stats()
    started = time.perf_counter()
    failure = hunt(args.examples, args.seed, stats)
    print(report(stats, time.perf_counter() - started))
    if failure:
        print(f"\nFAILED:\n{failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
