"""What is measured, and the monitor that samples it into arrays.

Every metric reads counters the model keeps up to date, so a sample costs the
same on any date and a run costs per sample, not per simulated day.
"""

from __future__ import annotations

import math
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
    stops issuing visas altogether, as does one with no diplomats left.
    """
    spec = sim.scenario.sides[mission.side]
    if not mission.expats:  # visas are signed by consular officers, who are diplomats
        return 0.0
    workers = min(spec.consular_staff_max, max(0, mission.staff_total - spec.core_staff))
    share = sum(p.consular_share for p in mission.posts.values() if p.issues_visas)
    return spec.consular_rate * workers * min(1.0, share)


def travel_radius_km(sim: Simulation, mission: Mission) -> float:
    """The radius in force on the mission's staff, NaN when there is none."""
    move = sim.current(mission, "travel_radius")
    return float(move.km) if move is not None else math.nan


def side_metrics(sim: Simulation, mission: Mission) -> tuple[float, ...]:
    """Every per-side metric now, in ``SIDE_METRICS`` order."""
    expats, local = len(mission.expats), mission.staff_local
    return (
        expats + local,
        expats,
        local,
        mission.posts_open,
        mission.visa_queue,
        mission.visas_issued,
        mission.visas_denied,
        mission.restriction_count,
        travel_radius_km(sim, mission),
        consular_output(sim, mission),
    )


def tension(sim: Simulation) -> float:
    """Severity-weighted count of the restrictions in force on both sides."""
    return float(sum(m.restriction_severity for m in sim.missions.values()))


class Monitor:
    """Samples every metric at fixed days.

    Rows are kept as tuples while the run goes on (cheap to append) and turned
    into arrays when read.
    """

    def __init__(self, sim: Simulation, days: list[int]):
        self.sim = sim
        self.days = np.asarray(days, dtype=np.int64)
        self.sides = list(sim.missions)
        self._side_rows: list[list[tuple[float, ...]]] = []
        self._joint_rows: list[tuple[float, ...]] = []

    @property
    def taken(self) -> int:
        """Samples taken so far."""
        return len(self._joint_rows)

    def sample(self) -> None:
        """Record the state now as the next row."""
        sim = self.sim
        self._side_rows.append([side_metrics(sim, sim.missions[s]) for s in self.sides])
        self._joint_rows.append((tension(sim),))

    @property
    def side_values(self) -> np.ndarray:
        """Array ``[sample, side, metric]`` of the samples taken so far."""
        shape = (self.taken, len(self.sides), len(SIDE_METRICS))
        return np.asarray(self._side_rows, dtype=float).reshape(shape)

    @property
    def joint_values(self) -> np.ndarray:
        """Array ``[sample, metric]`` of the joint metrics."""
        return np.asarray(self._joint_rows, dtype=float).reshape(self.taken, len(JOINT_METRICS))
