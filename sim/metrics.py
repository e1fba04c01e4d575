"""What is measured, and the monitor that samples it into arrays.

Every metric reads counters the model keeps up to date, so a sample costs the
same on any date and a run costs per sample, not per simulated day.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.costs import cost_per_head
from sim.work import work_capacity

if TYPE_CHECKING:
    from sim.model import Simulation
    from sim.state import Mission

#: Per-side metrics, in output order, each with a one-line meaning.
SIDE_METRICS: dict[str, str] = {
    "staff_total": "expatriate staff plus local employees of the mission",
    "staff_expat": "expatriate staff (diplomats, technical and administrative staff)",
    "staff_local": "local employees hired in the host country",
    "posts_open": "embassies and consulates open with staff in them",
    "visa_queue": "replacements waiting for the host's visa decision",
    "visas_issued": "visas the host has granted the mission's staff, cumulative",
    "visas_denied": "visa applications the host has refused, cumulative",
    "visas_granted_year": "visas the host granted the mission's staff in the last 365 days",
    "restrictions_in_force": "measures the host has in force on the mission",
    "travel_radius_km": "radius the staff may travel without notice (empty: no limit)",
    "consular_output": "visas the mission issued to host nationals a month (last four weeks)",
    "visa_wait_days": "days a host national applying now would wait for an interview "
                      "(empty: no interviews held)",
    "visa_backlog": "host nationals waiting for a visa interview",
    "visas_elsewhere": "host nationals a month who applied in a third country instead",
    "work_capacity": "diplomat-days a month for the mission's work, after travel rules and "
                     "the work of missing local staff",
    "cost_per_head": "what the mission costs a year per member of staff, in thousands "
                     "(empty: no staff)",
}
#: Joint metrics, reported with side ``both``.
JOINT_METRICS: dict[str, str] = {
    "tension": "state of relations: grievance from hostile moves, decaying with a half-life "
               "and eased by concessions, plus the weighted harm of restrictions in force "
               "(`sim.relations`)",
    "restrictions_weighted": "sum of the severities of all restrictions in force on both "
                             "missions (the old tension)",
    "staff_gap": "staff of the first side's mission minus the second's",
    "staff_ratio": "staff of the first side's mission over the second's (empty: no second)",
    "visa_reciprocity": "visas granted to the first side's staff over those granted to the "
                        "second's, in the last 365 days (empty: none to the second)",
}
#: Days over which visas granted to a mission's staff are counted.
GRANT_WINDOW_DAYS = 365.0


def travel_radius_km(sim: Simulation, mission: Mission) -> float:
    """The radius in force on the mission's staff, NaN when there is none."""
    move = mission.current("travel_radius")
    return float(move.km) if move is not None else math.nan


def visas_granted_year(sim: Simulation, mission: Mission) -> int:
    """Visas granted to the mission's staff in the last year (older ones are forgotten)."""
    granted, since = mission.granted_on, sim.now - GRANT_WINDOW_DAYS
    while granted and granted[0] < since:
        granted.popleft()
    return len(granted)


def side_metrics(sim: Simulation, mission: Mission) -> tuple[float, ...]:
    """Every per-side metric now, in ``SIDE_METRICS`` order."""
    expats, local = len(mission.expats), mission.staff_local
    spec, side, consular = sim.scenario.sides[mission.side], mission.side, sim.consular
    output, wait = consular.service(side)
    return (
        expats + local,
        expats,
        local,
        mission.posts_open,
        mission.visa_queue,
        mission.visas_issued,
        mission.visas_denied,
        visas_granted_year(sim, mission),
        mission.restriction_count,
        travel_radius_km(sim, mission),
        output,
        wait,
        consular.backlog(side),
        consular.elsewhere_per_month(side),
        work_capacity(spec, mission),
        cost_per_head(spec, mission),
    )


def joint_metrics(sim: Simulation, rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    """The joint metrics now, from the sides' rows just taken."""
    staff, granted = SIDE_INDEX["staff_total"], SIDE_INDEX["visas_granted_year"]
    first, second = rows
    return (
        sim.relations.tension(),
        float(sum(m.restriction_severity for m in sim.missions.values())),
        first[staff] - second[staff],
        first[staff] / second[staff] if second[staff] else math.nan,
        first[granted] / second[granted] if second[granted] else math.nan,
    )


SIDE_INDEX = {name: i for i, name in enumerate(SIDE_METRICS)}


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
        rows = [side_metrics(sim, sim.missions[s]) for s in self.sides]
        self._side_rows.append(rows)
        self._joint_rows.append(joint_metrics(sim, rows))

    @property
    def side_values(self) -> np.ndarray:
        """Array ``[sample, side, metric]`` of the samples taken so far."""
        shape = (self.taken, len(self.sides), len(SIDE_METRICS))
        return np.asarray(self._side_rows, dtype=float).reshape(shape)

    @property
    def joint_values(self) -> np.ndarray:
        """Array ``[sample, metric]`` of the joint metrics."""
        return np.asarray(self._joint_rows, dtype=float).reshape(self.taken, len(JOINT_METRICS))
