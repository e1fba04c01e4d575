"""Benchmark: the record replay's cost against its horizon (to 2025, 2050, 2100) and its
missions' size (every post's positions x1, x10, x30), in microseconds per event.

Run with ``python bench/scale.py``; the cost per event should stay flat.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from sim import Simulation, load_scenario
from sim.scenario.schema import Scenario

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record-2016-2025.yaml"


def timed(scenario: Scenario, repeats: int = 2) -> tuple[int, float]:
    """Events and the best wall time of ``repeats`` runs."""
    best, events = float("inf"), 0
    for _ in range(repeats):
        sim = Simulation(scenario)
        started = time.perf_counter()
        sim.run()
        best = min(best, time.perf_counter() - started)
        events = sim.events_processed
    return events, best


def scaled(base: Scenario, k: int) -> Scenario:
    """The scenario with every post's positions multiplied by ``k``."""
    sides = {side: spec.model_copy(update={"posts": [
        p.model_copy(update={"expat": p.expat * k, "local": p.local * k}) for p in spec.posts]})
        for side, spec in base.sides.items()}
    return base.model_copy(update={"sides": sides})


def main() -> None:
    base = load_scenario(RECORD)
    print("| case | events | seconds | us/event |\n|---|---|---|---|")
    cases = [(f"to {end.year}", base.model_copy(update={"end": end}))
             for end in (dt.date(2025, 12, 31), dt.date(2050, 12, 31), dt.date(2100, 12, 31))]
    cases += [(f"size x{k}", scaled(base, k)) for k in (1, 10, 30)]
    for name, scenario in cases:
        events, seconds = timed(scenario)
        print(f"| {name} | {events:,} | {seconds:.3f} | {seconds / events * 1e6:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
