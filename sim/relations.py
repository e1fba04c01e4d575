"""Relations: how bad things are between the sides, as a state that remembers and forgets.

``tension`` replaces a running total of severities that only ever rose. It has two parts:

- **grievance**: each hostile move adds its harm (``sim.harm``: the share of the target
  mission's functions it takes, as the target weighs them); each concession and
  settlement takes off ``relief_weight`` times the harm of what it lifted; dated
  shocks (``sim.shocks``) add or take off points. Grievance never falls below zero and
  decays with a half-life (``half_life_days``): an expulsion of 2016 weighs little in
  2025 unless its positions are still abolished, which the second part counts.
- **standing**: the harm of the restrictions still in force on both missions (each as
  estimated when it was made), times ``standing_weight``.

So tension jumps with a hostile move, falls with a lift or a settlement, and drifts
down through a quiet spell to what the standing restrictions keep it at. The old
measure, the weighted count of restrictions in force, is reported as
``restrictions_weighted``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pydantic import Field

from sim.spec import Strict

if TYPE_CHECKING:
    from sim.model import Simulation
    from sim.state import Measure


class RelationsSpec(Strict):
    """How relations remember hostile moves and count standing restrictions."""

    half_life_days: float = Field(default=365.0, gt=0, le=36525,
                                  description="days in which grievance halves")
    standing_weight: float = Field(default=0.5, ge=0, le=10,
                                   description="weight of the harm of restrictions in force")
    relief_weight: float = Field(default=1.0, ge=0, le=10,
                                 description="grievance taken off per point of harm lifted")


class Relations:
    """The state of relations in a run: grievance with its decay, and standing harm."""

    def __init__(self, sim: Simulation, spec: RelationsSpec):
        self.sim, self.spec = sim, spec
        self._grievance, self._at = 0.0, 0.0
        sim.observers.append(self.observe)

    def grievance(self) -> float:
        """Grievance now, decayed since it last changed."""
        elapsed = self.sim.now - self._at
        return self._grievance * math.exp(-math.log(2) * elapsed / self.spec.half_life_days)

    def shift(self, points: float) -> None:
        """Add ``points`` to grievance now (negative to ease it); never below zero."""
        self._grievance, self._at = max(0.0, self.grievance() + points), self.sim.now

    def observe(self, sim: Simulation, measure: Measure, origin: str) -> None:
        """A hostile move adds its harm; a move that lifts others takes off their harm."""
        if measure.is_restriction:
            self.shift(measure.harm)
        elif measure.harm < 0:
            self.shift(self.spec.relief_weight * measure.harm)

    def standing(self) -> float:
        """Harm of the restrictions in force on both missions; the running sums are rounded
        to 9 decimals, so that when nothing is in force float drift reads as exactly 0.
        """
        return max(0.0, round(sum(m.restriction_harm for m in self.sim.missions.values()), 9))

    def tension(self) -> float:
        """Grievance plus the weighted standing harm."""
        return self.grievance() + self.spec.standing_weight * self.standing()
