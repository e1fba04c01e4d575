"""Moves on places: posts closed and reopened, properties seized and returned,
consular services suspended and resumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sim.consular import capacity_per_month, issuing_share
from sim.harm import Loss, people
from sim.moves.base import (
    Common,
    Context,
    Lifted,
    Move,
    Names,
    days,
    place,
    places,
    post,
    state_of,
)

if TYPE_CHECKING:
    from sim.state import Measure


@dataclass
class Relocation:
    """Where a closed post's expatriate positions went, and how many: what reopening
    takes back. ``done`` is False while the closure has not yet taken effect (or closed
    a post already closed, moving nothing).
    """

    done: bool = False
    to: str | None = None
    positions: int = 0


@dataclass
class Coverage:
    """The posts a consular suspension still covers."""

    posts: set[str] = field(default_factory=set)


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
    settled_under = "posts"
    labelled = True
    State = Relocation

    def in_words(self, names: Names = None) -> str:
        return f"Closure of {post(self.post, names)}, vacated within {days(self.notice_days)}"

    def references(self) -> dict[str, tuple[str, str]]:
        return {"post": ("post", self.post)}

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | None:
        """Close one of the target's consulates (the last listed), else a trade mission or
        annex; never its embassy, nor a mission to an international organisation.
        """
        open_posts = [p for p in ctx.mission(target).posts.values() if p.open]
        for kinds in (("consulate",), ("trade_mission", "annex")):
            posts = [p for p in open_posts if p.kind in kinds]
            if posts:
                return cls(**common, post=posts[-1].id)
        return None

    def harm(self, ctx: Context, target: str) -> Loss:
        """The post's local employees, and the visas it issued (its expatriates move to the
        embassy and keep their other work).
        """
        spec, mission = ctx.spec(target), ctx.mission(target)
        post = mission.posts[self.post]
        if not post.open:
            return Loss()
        loss = people(spec, mission, 0, post.local)
        issuing = issuing_share(mission)
        lost_share = post.consular_share / issuing if post.issues_visas and issuing else 0.0
        visas = capacity_per_month(spec, mission) * min(1.0, lost_share)
        return Loss(loss.staff, loss.work, max(loss.consular, visas))

    def apply(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)

        def close() -> None:
            if mission.posts[self.post].open:  # a second closure of a closed post moves nothing
                state = state_of(measure, Relocation)
                state.to, state.positions = ctx.effects.close_post(mission, self.post)
                state.done = True

        ctx.after(self.notice_days, measure, close)

    def lift(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)
        state = state_of(measure, Relocation)
        others = [m for m in mission.in_force("close_post") if m.move.post == self.post]
        if others:  # still closed by another measure: it inherits what to restore
            heir = state_of(others[0], Relocation)
            if state.done and not heir.done:
                heir.done, heir.to, heir.positions = True, state.to, state.positions
            return
        if state.done:
            ctx.effects.reopen_post(mission, self.post, state.to, state.positions)


class ReopenPost(Move):
    """Reopen a closed post: lifts the actor's closure in force on it (a side cannot
    reopen a post the other side closed).
    """

    move: Literal["reopen_post"] = "reopen_post"
    post: str = Field(description="post reopened")

    summary = "reopen a closed post (lifts its closure)"
    concedes = True
    persists = False
    State = Lifted

    def in_words(self, names: Names = None) -> str:
        return f"Reopening of {post(self.post, names)}"

    def references(self) -> dict[str, tuple[str, str]]:
        return {"post": ("post", self.post)}

    def apply(self, ctx: Context, measure: Measure) -> None:
        state_of(measure, Lifted).measures = ctx.lift_where(
            measure.target, lambda m: m.move.move == "close_post" and m.move.post == self.post
            and m.actor == measure.actor)


class SeizeProperty(Move):
    """Deny the target's mission the use of a property (a dacha, a compound)."""

    move: Literal["seize_property"] = "seize_property"
    property: str = Field(description="property seized")

    summary = "deny the target the use of a property"
    severity = 1.0
    settled_under = "properties"

    def in_words(self, names: Names = None) -> str:
        return f"Property seized: {place(self.property, names)}"

    def references(self) -> dict[str, tuple[str, str]]:
        return {"property": ("property", self.property)}

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | None:
        """The first property the target still holds."""
        held = [name for name, ok in ctx.mission(target).properties.items() if ok]
        return cls(**common, property=held[0]) if held else None

    def harm(self, ctx: Context, target: str) -> Loss:
        """The property's ``annual_value`` (``sim.costs``), if the target still holds it."""
        if not ctx.mission(target).properties.get(self.property, False):
            return Loss()
        value = next(p.annual_value for p in ctx.spec(target).properties
                     if p.id == self.property)
        return Loss(cost=value)

    def apply(self, ctx: Context, measure: Measure) -> None:
        ctx.mission(measure.target).properties[self.property] = False

    def lift(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)
        if not any(m.move.property == self.property for m in mission.in_force("seize_property")):
            mission.properties[self.property] = True


class ReturnProperty(Move):
    """Return a seized property: lifts the actor's seizure in force on it."""

    move: Literal["return_property"] = "return_property"
    property: str = Field(description="property returned")

    summary = "return a seized property (lifts its seizure)"
    concedes = True
    persists = False
    State = Lifted

    def in_words(self, names: Names = None) -> str:
        return f"Property returned: {place(self.property, names)}"

    def references(self) -> dict[str, tuple[str, str]]:
        return {"property": ("property", self.property)}

    def apply(self, ctx: Context, measure: Measure) -> None:
        state_of(measure, Lifted).measures = ctx.lift_where(
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
    State = Coverage

    def in_words(self, names: Names = None) -> str:
        return "Visa services for the public stopped" + (
            f" at {places(self.posts, names)}" if self.posts else "")

    def references(self) -> dict[str, tuple[str, str]]:
        return {f"posts[{i}]": ("post", p) for i, p in enumerate(self.posts or [])}

    def apply(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)
        state_of(measure, Coverage).posts = set(self.posts or mission.posts)
        ctx.effects.set_consular(mission)

    def lift(self, ctx: Context, measure: Measure) -> None:
        ctx.effects.set_consular(ctx.mission(measure.target))


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

    def in_words(self, names: Names = None) -> str:
        return "Visa services for the public resumed" + (
            f" at {places(self.posts, names)}" if self.posts else "")

    def references(self) -> dict[str, tuple[str, str]]:
        return {f"posts[{i}]": ("post", p) for i, p in enumerate(self.posts or [])}

    def apply(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)
        resumed = set(self.posts or mission.posts)
        for suspension in mission.in_force("suspend_consular"):
            state_of(suspension, Coverage).posts -= resumed
        ctx.lift_where(measure.target, lambda m: m.move.move == "suspend_consular"
                       and not state_of(m, Coverage).posts)
        ctx.effects.set_consular(mission)
