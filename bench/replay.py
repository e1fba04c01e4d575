"""Benchmark: the record replay's SimPy events per second against two references.

Run with ``python bench/replay.py``. All are measured in this process, best of several
repeats, the replay and the shaped model in turn:

- a bare SimPy loop (one process yielding timeouts): SimPy's own floor;
- a minimal SimPy model with the replay's shape (issue 10): about 1,300 people on
  tours, a replacement sought 90 days before each tour ends, a visa decision after a
  gamma delay with refusals applied again, an arrival no earlier than the predecessor
  leaves. The ratio of the replay's events per second to this model's says what the
  replay's bookkeeping costs over the least a model of its shape must do (target: at
  least 0.5).
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


def shaped_model(people: int = 1300, years: float = 9.0, seed: int = 1) -> tuple[int, float]:
    """Events and seconds of the minimal model with the replay's shape."""
    import numpy as np

    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    events = 0
    end = years * 365.25

    def post(env: simpy.Environment):
        nonlocal events
        leaves = env.now + rng.triangular(730, 1095, 1460) * rng.random()
        while True:
            yield env.timeout(max(0.0, leaves - 90 - env.now))  # seek a replacement
            events += 1
            while True:  # a visa decision after a gamma delay; refusals apply again
                yield env.timeout(rng.gamma(4.0, 30.0 / 4.0))
                events += 1
                if rng.random() < 0.9:
                    break
                yield env.timeout(30)
                events += 1
            yield env.timeout(max(0.0, leaves - env.now))  # no earlier than the departure
            events += 1
            leaves = env.now + rng.triangular(730, 1095, 1460)

    for _ in range(people):
        env.process(post(env))
    started = time.perf_counter()
    env.run(until=end)
    return events, time.perf_counter() - started


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

    # In turn, so that both sides of the ratio see the machine in the same state (its
    # speed drifts by a third from one minute to the next).
    runs, shaped = [], []
    for _ in range(args.repeats):
        runs.append(replay(args.scenario, args.seed))
        shaped.append(shaped_model())
    events, shaped_events = runs[0][0], shaped[0][0]
    replay_seconds = min(seconds for _, seconds in runs)
    shaped_seconds = min(seconds for _, seconds in shaped)
    bare_seconds = min(bare_loop(events) for _ in range(args.repeats))
    replay_rate, bare_rate = events / replay_seconds, events / bare_seconds
    shaped_rate = shaped_events / shaped_seconds
    print(f"scenario        {args.scenario.name}")
    print(f"events          {events}")
    print(f"replay          {replay_rate:12,.0f} events/s   wall {replay_seconds * 1000:.1f} ms")
    print(f"bare SimPy loop {bare_rate:12,.0f} events/s   wall {bare_seconds * 1000:.1f} ms")
    print(f"shaped model    {shaped_rate:12,.0f} events/s   ({shaped_events:,} events)")
    print(f"ratio to bare   {replay_rate / bare_rate:.2f}")
    print(f"ratio to shaped {replay_rate / shaped_rate:.2f}   (target >= 0.5)")


if __name__ == "__main__":
    main()
