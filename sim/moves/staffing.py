"""Moves on people: expulsions, a staffing ceiling, a local-hire ban, a tenure limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sim.harm import Loss, ceiling_cut, people, replacement_days
from sim.moves.base import (
    Common,
    Context,
    Move,
    Names,
    days,
    once,
    place,
    places,
    staff,
    state_of,
)
from sim.work import work_capacity

if TYPE_CHECKING:
    from sim.state import Measure


@dataclass
class Abolished:
    """Positions a measure abolished, per post: ``[expatriate, local]``."""

    positions: dict[str, list[int]] = field(default_factory=dict)


class Expel(Move):
    """Declare members of the target's expatriate staff persona non grata.

    They leave after ``notice_days``; their positions are abolished, so the
    target cannot refill them until the expulsion is lifted.
    """

    move: Literal["expel"] = "expel"
    count: int = Field(ge=1, description="people expelled")
    notice_days: int = Field(default=7, ge=0, description="days until they must be gone")
    post: str | None = Field(default=None, description="post they are taken from (default: any)")

    summary = "declare staff persona non grata; their positions are abolished"
    severity = 1.0
    settled_under = "staffing"
    State = Abolished

    def in_words(self, names: Names = None) -> str:
        where = f" from {place(self.post, names)}" if self.post else ""
        return f"Expulsion of {staff(self.count)}{where}, to leave within {days(self.notice_days)}"

    def references(self) -> dict[str, tuple[str, str]]:
        return {"post": ("post", self.post)} if self.post else {}

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | None:
        """As many as the intent's size, at least one, at most those present."""
        present = len(ctx.mission(target).expats)
        return cls(**common, count=max(1, min(round(size), present)), notice_days=7) \
            if present else None

    def harm(self, ctx: Context, target: str) -> Loss:
        """The people expelled and the work and visas they did."""
        return people(ctx.spec(target), ctx.mission(target), self.count, 0)

    def apply(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)

        def depart() -> None:
            state_of(measure, Abolished).positions = ctx.effects.expel(
                mission, self.count, self.post)

        ctx.after(self.notice_days, measure, depart)

    def lift(self, ctx: Context, measure: Measure) -> None:
        ctx.effects.restore_positions(ctx.mission(measure.target),
                                      state_of(measure, Abolished).positions)


class StaffCap(Move):
    """Set a ceiling on the target mission's total staff, expatriate and local.

    From the announcement no replacement is sought above the ceiling; by the
    deadline the target cuts staff in its own ``reduction_order`` (in 2017 the
    US cut local employees first), and the positions cut are abolished.
    """

    move: Literal["staff_cap"] = "staff_cap"
    ceiling: int = Field(ge=0, description="most staff the target may keep")
    notice_days: int = Field(default=30, ge=0, description="days until the ceiling is enforced")

    summary = "cap the target's total staff; cuts follow the target's reduction order"
    severity = 2.0
    settled_under = "staffing"
    labelled = True
    State = Abolished

    def in_words(self, names: Names = None) -> str:
        return f"Ceiling of {self.ceiling} staff, enforced after {days(self.notice_days)}"

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | None:
        """A parity ceiling: the target may keep as many as the actor has."""
        own = ctx.mission(str(common["actor"])).staff_total
        return cls(**common, ceiling=own) if ctx.mission(target).staff_total > own else None

    def harm(self, ctx: Context, target: str) -> Loss:
        """The staff above the ceiling, cut in the target's own reduction order."""
        spec, mission = ctx.spec(target), ctx.mission(target)
        return people(spec, mission, *ceiling_cut(spec, mission, self.ceiling))

    def apply(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)

        def enforce() -> None:
            state_of(measure, Abolished).positions = ctx.effects.enforce_ceiling(
                mission, self.ceiling)

        ctx.after(self.notice_days, measure, enforce)

    def lift(self, ctx: Context, measure: Measure) -> None:
        ctx.effects.restore_positions(ctx.mission(measure.target),
                                      state_of(measure, Abolished).positions)


class LocalHireBan(Move):
    """Forbid the target mission to employ local staff.

    Every local employee goes on the day it takes effect and none can be
    hired while it is in force; lifting it lets the mission hire again.
    """

    move: Literal["local_hire_ban"] = "local_hire_ban"
    notice_days: int = Field(default=0, ge=0, description="days until it takes effect")

    summary = "ban local employees: all go when it takes effect, none hired while in force"
    severity = 3.0
    settled_under = "local_hires"
    labelled = True

    def in_words(self, names: Names = None) -> str:
        when = f" after {days(self.notice_days)}" if self.notice_days else ""
        return f"Ban on employing local staff{when}"

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | str:
        """Once, with a month's notice."""
        return once(cls, ctx, common, target, notice_days=30)

    def harm(self, ctx: Context, target: str) -> Loss:
        """Every local employee, their support of consular work, and the diplomats' time
        that goes to the local work left undone (``sim.work``).
        """
        spec, mission = ctx.spec(target), ctx.mission(target)
        loss = people(spec, mission, 0, mission.staff_local)
        work = spec.work
        days = loss.work + mission.staff_local * work.local_cover * work.working_days
        return Loss(loss.staff, min(days, work.local_cover_max * work_capacity(spec, mission)),
                    loss.consular)

    def apply(self, ctx: Context, measure: Measure) -> None:
        mission = ctx.mission(measure.target)
        ctx.after(self.notice_days, measure, lambda: ctx.effects.lay_off_locals(mission))

    def lift(self, ctx: Context, measure: Measure) -> None:
        ctx.effects.recruit(ctx.mission(measure.target))


class TenureLimit(Move):
    """Limit how long a member of the target's staff may stay in post.

    Everyone already over the limit leaves by ``deadline``; everyone else, and
    every later arrival, leaves on reaching it. Replacements are allowed, so
    the mission only shrinks if the host is slow to grant their visas.
    """

    move: Literal["tenure_limit"] = "tenure_limit"
    years: float = Field(gt=0, description="longest tour allowed, in years")
    deadline: dt.date | None = Field(
        default=None, description="date those over the limit must leave by (default: move date)"
    )
    posts: list[str] | None = Field(default=None, description="posts covered (default: all)")

    summary = "limit tours to N years: those over it leave by a deadline"
    severity = 1.5
    settled_under = "staffing"
    labelled = True

    def in_words(self, names: Names = None) -> str:
        where = f" at {places(self.posts, names)}" if self.posts else ""
        by = f", those over it gone by {self.deadline:%d %b %Y}" if self.deadline else ""
        return f"Tours limited to {self.years:g} years{where}{by}"

    def references(self) -> dict[str, tuple[str, str]]:
        return {f"posts[{i}]": ("post", p) for i, p in enumerate(self.posts or [])}

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float) -> Move | str:
        """Once: three years, as in the record."""
        return once(cls, ctx, common, target, years=3.0)

    def harm(self, ctx: Context, target: str) -> Loss:
        """Those over the limit leave; their positions stay vacant, averaged over a year,
        while replacements wait for the host's visas and travel (``sim.harm``).
        """
        spec, mission = ctx.spec(target), ctx.mission(target)
        limit = self.years * 365.25
        over = sum(1 for e in mission.expats.values()
                   if self.covers(e.post) and ctx.now - e.arrival > limit)
        return people(spec, mission, over * min(1.0, replacement_days(spec, mission) / 365.25),
                      0)

    def covers(self, post: str) -> bool:
        """Whether the limit applies to staff of ``post``."""
        return self.posts is None or post in self.posts

    def apply(self, ctx: Context, measure: Measure) -> None:
        ctx.effects.reconsider_tours(ctx.mission(measure.target))

    def lift(self, ctx: Context, measure: Measure) -> None:
        ctx.effects.reconsider_tours(ctx.mission(measure.target))
