"""Moves that undo others, and statements that change nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sim.moves.base import Move

if TYPE_CHECKING:
    from sim.model import Simulation
    from sim.state import Measure


class Lift(Move):
    """Lift one measure in force, named by its ``id``; only its author can lift it."""

    move: Literal["lift"] = "lift"
    measure: str = Field(description="id of the measure lifted")

    summary = "lift one measure in force, by its id"
    persists = False

    def apply(self, sim: Simulation, measure: Measure) -> None:
        sim.lift_where(None, lambda m: m.id == self.measure and m.actor == self.actor)


class LiftAll(Move):
    """Lift every restriction the actor has in force on the target's mission."""

    move: Literal["lift_all"] = "lift_all"

    summary = "lift every restriction the actor has in force on the target"
    persists = False

    def apply(self, sim: Simulation, measure: Measure) -> None:
        sim.lift_where(measure.target, lambda m: m.actor == measure.actor and m.is_restriction)


class Statement(Move):
    """A threat, proposal, protest or talks that changed nothing: logged on the timeline."""

    move: Literal["statement"] = "statement"
    kind: Literal["threat", "proposal", "talks", "protest", "other"] = Field(
        default="other", description="what was said"
    )

    summary = "a threat, proposal, protest or talks with no effect (timeline only)"
    persists = False

    def detail(self) -> str:
        return self.kind + (f": {self.note}" if self.note else "")
