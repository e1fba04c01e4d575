"""Benchmark: the record replay's SimPy events per second against a bare SimPy loop.

Run with ``python bench/replay.py``. Both are measured in this process, best of
several repeats, so the ratio says how much the model's own work costs on top
of SimPy's event loop (target: at least 0.5).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import simpy

from sim import Simulation, load_scenario

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record-2016-2025.yaml"


def bare_loop(n: int) -> float:
    """Seconds for a SimPy process to yield ``n`` timeouts and nothing else."""

    def ticker(env: simpy.Environment):
        for _ in range(n):
            yield env.timeout(1)

    env = simpy.Environment()
    env.process(ticker(env))
    started = time.perf_counter()
    env.run()
    return time.perf_counter() - started


def replay(path: Path, seed: int | None) -> tuple[int, float]:
    """Events processed and seconds for one replay (loading excluded)."""
    scenario = load_scenario(path)
    sim = Simulation(scenario, seed=seed)
    started = time.perf_counter()
    sim.run()
    return sim.events_processed, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=RECORD)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    runs = [replay(args.scenario, args.seed) for _ in range(args.repeats)]
    events = runs[0][0]
    replay_seconds = min(seconds for _, seconds in runs)
    bare_seconds = min(bare_loop(events) for _ in range(args.repeats))
    replay_rate, bare_rate = events / replay_seconds, events / bare_seconds
    print(f"scenario        {args.scenario.name}")
    print(f"events          {events}")
    print(f"replay          {replay_rate:12,.0f} events/s   wall {replay_seconds * 1000:.1f} ms")
    print(f"bare SimPy loop {bare_rate:12,.0f} events/s   wall {bare_seconds * 1000:.1f} ms")
    print(f"ratio           {replay_rate / bare_rate:.2f}   (target >= 0.5)")


if __name__ == "__main__":
    main()
