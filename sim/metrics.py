"""What is measured, and the monitor that samples it into arrays.

Every metric reads counters the model keeps up to date, so a sample costs the
same on any date and a run costs per sample, not per simulated day.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import Simulation
    from sim.state import Mission

#: Per-side metrics, in output order, each with a one-line meaning.
SIDE_METRICS: dict[str, str] = {
    "staff_total": "expatriate staff plus local employees of the mission",
    "staff_expat": "expatriate staff (diplomats, technical and administrative staff)",
    "staff_local": "local employees hired in the host country",
    "posts_open": "embassies and consulates open",
    "visa_queue": "replacements waiting for the host's visa decision",
    "visas_issued": "visas the host has granted the mission's staff, cumulative",
    "visas_denied": "visa applications the host has refused, cumulative",
    "restrictions_in_force": "measures the host has in force on the mission",
    "travel_radius_km": "radius the staff may travel without notice (empty: no limit)",
    "consular_output": "visas the mission issues to host nationals per month",
}
#: Joint metrics, reported with side ``both``.
JOINT_METRICS: dict[str, str] = {
    "tension": "sum of the severities of all restrictions in force on both missions",
}


def consular_output(sim: Simulation, mission: Mission) -> float:
    """Visas per month: consular workers times their rate, at posts still issuing.

    The mission staffs its core functions first (``core_staff``); only the
    staff beyond that can do consular work, so a mission cut below its core
    stops issuing visas altogether.
    """
    spec = sim.scenario.sides[mission.side]
    workers = min(spec.consular_staff_max, max(0, mission.staff_total - spec.core_staff))
    share = sum(p.consular_share for p in mission.posts.values() if p.issues_visas)
    return spec.consular_rate * workers * min(1.0, share)


def travel_radius_km(sim: Simulation, mission: Mission) -> float:
    """The radius in force on the mission's staff, NaN when there is none."""
    move = sim.current(mission, "travel_radius")
    return float(move.km) if move is not None else math.nan


_READERS: dict[str, Callable[[Simulation, Mission], float]] = {
    "staff_total": lambda s, m: m.staff_total,
    "staff_expat": lambda s, m: len(m.expats),
    "staff_local": lambda s, m: m.staff_local,
    "posts_open": lambda s, m: m.posts_open,
    "visa_queue": lambda s, m: m.visa_queue,
    "visas_issued": lambda s, m: m.visas_issued,
    "visas_denied": lambda s, m: m.visas_denied,
    "restrictions_in_force": lambda s, m: len(m.restrictions()),
    "travel_radius_km": travel_radius_km,
    "consular_output": consular_output,
}


def tension(sim: Simulation) -> float:
    """Severity-weighted count of the restrictions in force on both sides."""
    return float(sum(r.move.severity for m in sim.missions.values() for r in m.restrictions()))


class Monitor:
    """Samples every metric at fixed days into preallocated arrays."""

    def __init__(self, sim: Simulation, days: list[int]):
        self.sim = sim
        self.days = np.asarray(days, dtype=np.int64)
        self.sides = list(sim.missions)
        self.side_values = np.full((len(days), len(self.sides), len(SIDE_METRICS)), np.nan)
        self.joint_values = np.full((len(days), len(JOINT_METRICS)), np.nan)
        self.taken = 0

    def sample(self) -> None:
        """Record the state now as the next row."""
        row = self.taken
        for j, side in enumerate(self.sides):
            mission = self.sim.missions[side]
            for k, reader in enumerate(_READERS.values()):
                self.side_values[row, j, k] = reader(self.sim, mission)
        self.joint_values[row, 0] = tension(self.sim)
        self.taken += 1
