"""What each kind of move does to the record replay: drop every move of one kind (and the
lifts of those moves), run with the record's seed, and compare the time averages and end
values of what the missions are and do with the full replay.

    python bench/ablation.py [--seeds 1,2,3]

Prints a Markdown table: for each move kind, the change in the time average of each
metric over the run (the end value where the average says little), both missions. The
table in docs/background.md ("What each move does to the record") is its output.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim import Simulation, load_scenario
from sim.metrics import SIDE_METRICS
from sim.scenario.schema import Scenario

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record-2016-2025.yaml"
#: Kinds dropped together, as an analyst would ask about them.
GROUPS = {"travel rules (radius and notice)": ("travel_radius", "travel_notice"),
          "consular suspension and resumption": ("suspend_consular", "resume_consular")}
COLUMNS = [("US", "staff_total"), ("RU", "staff_total"), ("US", "consular_output"),
           ("US", "visa_wait_days"), ("US", "work_capacity"), ("RU", "work_capacity"),
           ("US", "cost_per_head"), ("RU", "cost_per_head")]


def without(scenario: Scenario, kinds: tuple[str, ...]) -> Scenario:
    """The scenario with every move of ``kinds`` dropped, and the lifts of those moves."""
    dropped = {m.id for m in scenario.moves if m.move in kinds and m.id}
    moves = [m for m in scenario.moves if m.move not in kinds
             and not (m.move == "lift" and m.measure in dropped)]
    return scenario.model_copy(update={"moves": moves})


def averages(sim: Simulation) -> dict[tuple[str, str], float]:
    """Time average of each column over the run (NaN samples, such as no wait, skipped)."""
    out = {}
    for side, metric in COLUMNS:
        values = sim.monitor.side_values[:, sim.monitor.sides.index(side),
                                         list(SIDE_METRICS).index(metric)]
        kept = values[~np.isnan(values)]
        out[(side, metric)] = float(kept.mean()) if kept.size else math.nan
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="20161229", help="comma-separated seeds")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    record = load_scenario(RECORD)
    kinds = {k: (k,) for k in sorted({m.move for m in record.moves} - {"statement", "lift"})}
    kinds.update(GROUPS)
    base = [averages(Simulation(record, seed=s).run()) for s in seeds]
    print("| moves dropped | " + " | ".join(f"{s} {m}" for s, m in COLUMNS) + " |")
    print("|---|" + "---|" * len(COLUMNS))
    for kind, dropped in kinds.items():
        runs = [averages(Simulation(without(record, dropped), seed=s).run()) for s in seeds]
        cells = []
        for key in COLUMNS:
            diff = np.mean([r[key] - b[key] for r, b in zip(runs, base, strict=True)])
            cells.append("n/a" if math.isnan(diff) else f"{diff:+,.0f}")
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print("| (full replay, averages) | " + " | ".join(
        f"{np.mean([b[k] for b in base]):,.0f}" for k in COLUMNS) + " |")


if __name__ == "__main__":
    main()
