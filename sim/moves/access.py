"""Moves on what the target's staff can do: travel, visas, banking, flights.

These hold a parameter while in force; the engine reads the latest one in
force (``Simulation.current``), so lifting it restores the one before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sim.harm import (
    Loss,
    banking,
    host_visa_policy,
    people,
    rotation_journeys,
    rotations_per_year,
    travel,
    vacant,
    visa_days,
)
from sim.moves.base import Common, Context, Lifted, Move, Names, days, once, state_of

if TYPE_CHECKING:
    from sim.state import Measure


class TravelRadius(Move):
    """Confine the target's diplomats to a radius of their post without notice."""

    move: Literal["travel_radius"] = "travel_radius"
    km: float = Field(gt=0, description="radius in km (25 miles = 40.2 km)")

    summary = "confine the target's staff to a radius around their post"
    severity = 0.5
    settled_under = "travel"

    def in_words(self, names: Names = None) -> str:
        return f"Travel confined to {self.km:g} km ({self.km / 1.609344:.0f} miles) of the post"

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | str:
        """Once: 25 miles, as the US did."""
        return once(cls, ctx, common, target, km=40.2)

    def harm(self, ctx: Context, target: str) -> Loss:
        """The travel work beyond the radius that notice rules then cut (``sim.work``)."""
        return travel(ctx.spec(target), ctx.mission(target), km=self.km)


class TravelNotice(Move):
    """Require the target's diplomats to notify travel beyond the radius in advance."""

    move: Literal["travel_notice"] = "travel_notice"
    days: int = Field(ge=0, description="advance notice in days")

    summary = "require advance notice of travel beyond the radius"
    severity = 0.5
    settled_under = "travel"

    def in_words(self, names: Names = None) -> str:
        return f"Travel beyond the permitted zone notified {days(self.days)} ahead"

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | str:
        """Once: two days' notice."""
        return once(cls, ctx, common, target, days=2)

    def harm(self, ctx: Context, target: str) -> Loss:
        """The travel work the notice rule cuts (``sim.work``)."""
        return travel(ctx.spec(target), ctx.mission(target), notice_days=self.days)


class VisaPolicy(Move):
    """Set how the actor, as host, grants visas to the target's replacement staff.

    Applications already waiting are decided under the policy in force on the
    day of decision; lifting it restores the previous policy.
    """

    move: Literal["visa_policy"] = "visa_policy"
    approval_rate: float = Field(ge=0, le=1, description="chance an application is approved")
    processing_days: float = Field(ge=0, description="mean days to decide an application")
    quota: int | None = Field(default=None, ge=0, description="visas granted per year at most")
    un_mission: bool = Field(default=False,
                             description="also applies to staff of the target's mission to "
                                         "an international organisation")

    summary = "set the approval rate, processing time and yearly quota of visas for the target"
    severity = 2.0
    settled_under = "visas"

    def in_words(self, names: Names = None) -> str:
        quota = f", at most {self.quota} a year" if self.quota is not None else ""
        return (f"Visas for staff: {self.approval_rate:.0%} granted, "
                f"{self.processing_days:g} days to decide{quota}")

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | str:
        """Once: half the applications refused, five months to decide."""
        return once(cls, ctx, common, target, approval_rate=0.5, processing_days=150)

    def harm(self, ctx: Context, target: str) -> Loss:
        """The positions held vacant by the longer wait for each replacement's visa than
        under the policy in force, by Little's law; a quota below the rotations a year
        leaves the difference unfilled for the year (``sim.harm``).
        """
        spec, mission = ctx.spec(target), ctx.mission(target)
        year = 365.25  # a replacement not there in a year counts as a position lost
        extra = (min(year, visa_days(spec, self))
                 - min(year, visa_days(spec, host_visa_policy(spec, mission))))
        loss = vacant(spec, mission, extra)
        if self.quota is not None:
            short = rotations_per_year(spec, mission) - self.quota
            if short > loss.staff:
                return people(spec, mission, short, 0)
        return loss

    def apply(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)
        ctx.effects.release_held(mission)
        ctx.effects.recruit(mission)

    def lift(self, ctx: Context, measure: Measure) -> None:
        ctx.effects.release_held(ctx.mission(measure.target))


class BankingRestriction(Move):
    """Restrict the target mission's access to banking services."""

    move: Literal["banking_restriction"] = "banking_restriction"

    summary = "restrict the target mission's banking"
    severity = 1.0
    settled_under = "banking"

    def in_words(self, names: Names = None) -> str:
        return "Banking restricted"

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | str:
        """Once."""
        return once(cls, ctx, common, target)

    def harm(self, ctx: Context, target: str) -> Loss:
        """The banking surcharge on the mission's running cost (``sim.costs``)."""
        return banking(ctx.spec(target), ctx.mission(target))


class BankingGuarantee(Move):
    """Guarantee banking services to the target mission (the 2025 exchange of notes).

    Lifts any banking restriction the actor has in force on the target.
    """

    move: Literal["banking_guarantee"] = "banking_guarantee"

    summary = "guarantee the target's banking (lifts banking restrictions)"
    concedes = True
    restricts = False
    severity = 0.0
    State = Lifted

    def in_words(self, names: Names = None) -> str:
        return "Banking guaranteed"

    def apply(self, ctx: Context, measure: Measure) -> None:
        state_of(measure, Lifted).measures = ctx.lift_where(
            measure.target,
            lambda m: m.move.move == "banking_restriction" and m.actor == measure.actor)


class SuspendFlights(Move):
    """Suspend direct flights: the target's staff travel by detour, arriving later."""

    move: Literal["suspend_flights"] = "suspend_flights"

    summary = "suspend direct flights: replacements take longer to arrive"
    severity = 1.0
    settled_under = "flights"

    def in_words(self, names: Names = None) -> str:
        return "Direct flights suspended"

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | str:
        """Once."""
        return once(cls, ctx, common, target)

    def harm(self, ctx: Context, target: str) -> Loss:
        """Dearer and longer rotation journeys (``sim.costs``, ``sim.harm``)."""
        return rotation_journeys(ctx.spec(target), ctx.mission(target))


class ResumeFlights(Move):
    """Resume direct flights: lifts the actor's flight suspension."""

    move: Literal["resume_flights"] = "resume_flights"

    summary = "resume direct flights (lifts the suspension)"
    concedes = True
    persists = False
    State = Lifted

    def in_words(self, names: Names = None) -> str:
        return "Direct flights resumed"

    def apply(self, ctx: Context, measure: Measure) -> None:
        state_of(measure, Lifted).measures = ctx.lift_where(
            measure.target,
            lambda m: m.move.move == "suspend_flights" and m.actor == measure.actor)
