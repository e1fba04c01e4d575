"""Moves on places: posts closed and reopened, properties seized and returned,
consular services suspended and resumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sim.moves.base import Move

if TYPE_CHECKING:
    from sim.model import Simulation
    from sim.state import Measure


class ClosePost(Move):
    """Close a post of the target's mission (or, as actor and target, one's own).

    Its local employees are laid off and its expatriate positions move to the
    embassy; reopening moves them back and hiring starts again.
    """

    move: Literal["close_post"] = "close_post"
    post: str = Field(description="post closed")
    notice_days: int = Field(default=2, ge=0, description="days until it must be vacated")

    summary = "close a post: local staff laid off, expatriate positions moved to the embassy"
    severity = 2.0

    def references(self) -> dict[str, tuple[str, str]]:
        return {"post": ("post", self.post)}

    def apply(self, sim: Simulation, measure: Measure) -> None:
        mission = sim.mission(measure.target)

        def close() -> None:
            if mission.posts[self.post].open:  # a second closure of a closed post moves nothing
                measure.undo["moved"] = sim.close_post(mission, self.post)

        sim.after(self.notice_days, measure, close)

    def lift(self, sim: Simulation, measure: Measure) -> None:
        mission = sim.mission(measure.target)
        others = [m for m in mission.in_force("close_post") if m.move.post == self.post]
        if others:  # still closed by another measure: it inherits what to restore
            if "moved" in measure.undo and "moved" not in others[0].undo:
                others[0].undo["moved"] = measure.undo["moved"]
            return
        if "moved" in measure.undo:
            sim.reopen_post(mission, self.post, measure.undo["moved"])


class ReopenPost(Move):
    """Reopen a closed post: lifts the actor's closure in force on it (a side cannot
    reopen a post the other side closed).
    """

    move: Literal["reopen_post"] = "reopen_post"
    post: str = Field(description="post reopened")

    summary = "reopen a closed post (lifts its closure)"
    concedes = True
    persists = False

    def references(self) -> dict[str, tuple[str, str]]:
        return {"post": ("post", self.post)}

    def apply(self, sim: Simulation, measure: Measure) -> None:
        measure.undo["lifted"] = sim.lift_where(
            measure.target, lambda m: m.move.move == "close_post" and m.move.post == self.post
            and m.actor == measure.actor)


class SeizeProperty(Move):
    """Deny the target's mission the use of a property (a dacha, a compound)."""

    move: Literal["seize_property"] = "seize_property"
    property: str = Field(description="property seized")

    summary = "deny the target the use of a property"
    severity = 1.0

    def references(self) -> dict[str, tuple[str, str]]:
        return {"property": ("property", self.property)}

    def apply(self, sim: Simulation, measure: Measure) -> None:
        sim.mission(measure.target).properties[self.property] = False

    def lift(self, sim: Simulation, measure: Measure) -> None:
        mission = sim.mission(measure.target)
        if not any(m.move.property == self.property for m in mission.in_force("seize_property")):
            mission.properties[self.property] = True


class ReturnProperty(Move):
    """Return a seized property: lifts the actor's seizure in force on it."""

    move: Literal["return_property"] = "return_property"
    property: str = Field(description="property returned")

    summary = "return a seized property (lifts its seizure)"
    concedes = True
    persists = False

    def references(self) -> dict[str, tuple[str, str]]:
        return {"property": ("property", self.property)}

    def apply(self, sim: Simulation, measure: Measure) -> None:
        measure.undo["lifted"] = sim.lift_where(
            measure.target,
            lambda m: m.move.move == "seize_property" and m.move.property == self.property
            and m.actor == measure.actor)


class SuspendConsular(Move):
    """A side stops issuing visas at its own posts (actor and target the same).

    Consular output from those posts falls to zero; staff stay.
    """

    move: Literal["suspend_consular"] = "suspend_consular"
    posts: list[str] | None = Field(default=None, description="posts (default: all)")

    summary = "stop consular (visa) services at one's own posts"
    restricts = False
    own_mission = True
    severity = 0.0

    def references(self) -> dict[str, tuple[str, str]]:
        return {f"posts[{i}]": ("post", p) for i, p in enumerate(self.posts or [])}

    def apply(self, sim: Simulation, measure: Measure) -> None:
        mission = sim.mission(measure.target)
        measure.undo["covers"] = set(self.posts or mission.posts)
        sim.set_consular(mission)

    def lift(self, sim: Simulation, measure: Measure) -> None:
        sim.set_consular(sim.mission(measure.target))


class ResumeConsular(Move):
    """A side resumes visa services at some of its own posts.

    The posts are taken out of every suspension in force; a suspension left
    covering no post is lifted.
    """

    move: Literal["resume_consular"] = "resume_consular"
    posts: list[str] | None = Field(default=None, description="posts (default: all)")

    summary = "resume consular services at one's own posts"
    persists = False
    own_mission = True

    def references(self) -> dict[str, tuple[str, str]]:
        return {f"posts[{i}]": ("post", p) for i, p in enumerate(self.posts or [])}

    def apply(self, sim: Simulation, measure: Measure) -> None:
        mission = sim.mission(measure.target)
        resumed = set(self.posts or mission.posts)
        for suspension in mission.in_force("suspend_consular"):
            suspension.undo["covers"] -= resumed
        sim.lift_where(measure.target, lambda m: m.move.move == "suspend_consular"
                       and not m.undo["covers"])
        sim.set_consular(mission)
