"""Moves that undo others, and statements that change nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from pydantic import Field

from sim.moves.base import Context, Irritant, Lifted, Move, Names, state_of

if TYPE_CHECKING:
    from sim.state import Measure


class Lift(Move):
    """Lift one measure in force, named by its ``id``; only its author can lift it."""

    move: Literal["lift"] = "lift"
    measure: str = Field(description="id of the measure lifted")

    summary = "lift one measure in force, by its id"
    concedes = True
    persists = False
    State = Lifted

    def in_words(self, names: Names = None) -> str:
        return f"Lifts its measure {self.measure}"

    def apply(self, ctx: Context, measure: Measure) -> None:
        state_of(measure, Lifted).measures = ctx.lift_where(
            None, lambda m: m.id == self.measure and m.actor == self.actor)


class LiftAll(Move):
    """Lift every restriction the actor has in force on the target's mission."""

    move: Literal["lift_all"] = "lift_all"

    summary = "lift every restriction the actor has in force on the target"
    concedes = True
    persists = False
    labelled = True
    State = Lifted

    def in_words(self, names: Names = None) -> str:
        return "Lifts every restriction it has imposed"

    def apply(self, ctx: Context, measure: Measure) -> None:
        state_of(measure, Lifted).measures = ctx.lift_where(
            measure.target, lambda m: m.actor == measure.actor and m.is_restriction)


class Settle(Move):
    """Settle an irritant: every measure it covers is lifted, on both missions.

    What talks agree. Settling ``banking`` also has each side guarantee the
    other's banking services, as the notes exchanged in Istanbul in April 2025 did.
    """

    move: Literal["settle"] = "settle"
    irritant: Irritant = Field(description="what is settled: " + ", ".join(get_args(Irritant)))

    summary = "settle an irritant: lift the measures it covers on both sides"
    persists = False
    State = Lifted

    def in_words(self, names: Names = None) -> str:
        return f"Settlement on {self.irritant.replace('_', ' ')}: both sides lift what it covers"

    def apply(self, ctx: Context, measure: Measure) -> None:
        state_of(measure, Lifted).measures = ctx.lift_where(
            None, lambda m: m.move.settled_under == self.irritant and m.is_restriction)
        if self.irritant == "banking":
            from sim.moves.access import BankingGuarantee

            for side, other in ((measure.actor, measure.target), (measure.target, measure.actor)):
                if not any(m.actor == side for m in ctx.mission(other).in_force(
                        "banking_guarantee")):
                    ctx.apply(BankingGuarantee(date=self.date, actor=side, source=self.source,
                                               note=self.note), origin="talks")


class Statement(Move):
    """A threat, proposal, protest or talks that changed nothing: logged on the timeline."""

    move: Literal["statement"] = "statement"
    kind: Literal["threat", "proposal", "talks", "protest", "other"] = Field(
        default="other", description="what was said"
    )

    summary = "a threat, proposal, protest or talks with no effect (timeline only)"
    persists = False

    def in_words(self, names: Names = None) -> str:
        said = {"threat": "Threat", "proposal": "Proposal", "talks": "Talks",
                "protest": "Protest", "other": "Statement"}[self.kind]
        return said + (f": {self.note}" if self.note else "")

    def detail(self) -> str:
        return self.kind + (f": {self.note}" if self.note else "")
