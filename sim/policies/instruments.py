"""Turning an intent into a catalogue move that fits the state now.

A policy says "restrict with a closure, size 1"; which post to close, or what
ceiling gives parity, depends on the state, and is decided here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.moves import (
    BankingRestriction,
    ClosePost,
    Expel,
    Lift,
    LiftAll,
    LocalHireBan,
    Move,
    SeizeProperty,
    StaffCap,
    Statement,
    SuspendFlights,
    TenureLimit,
    TravelNotice,
    TravelRadius,
    VisaPolicy,
)
from sim.policies.base import Intent

if TYPE_CHECKING:
    from sim.model import Simulation

Common = dict[str, object]


def _expel(sim: Simulation, c: Common, target: str, size: float) -> Move | None:
    present = len(sim.mission(target).expats)
    return Expel(**c, count=max(1, min(round(size), present)), notice_days=7) if present else None


def _close_post(sim: Simulation, c: Common, target: str, size: float) -> Move | None:
    """Close one of the target's consulates (the last listed), else a trade mission or annex;
    never its embassy, nor a mission to an international organisation.
    """
    open_posts = [p for p in sim.mission(target).posts.values() if p.open]
    for kinds in (("consulate",), ("trade_mission", "annex")):
        posts = [p for p in open_posts if p.kind in kinds]
        if posts:
            return ClosePost(**c, post=posts[-1].id)
    return None


def _staff_cap(sim: Simulation, c: Common, target: str, size: float) -> Move | None:
    """A parity ceiling: the target may keep as many as the actor has."""
    own = sim.mission(str(c["actor"])).staff_total
    return StaffCap(**c, ceiling=own) if sim.mission(target).staff_total > own else None


def _seize(sim: Simulation, c: Common, target: str, size: float) -> Move | None:
    held = [name for name, ok in sim.mission(target).properties.items() if ok]
    return SeizeProperty(**c, property=held[0]) if held else None


#: What a builder returns when the actor already has that measure in force: there is
#: nothing to add, and no reason to fall back to another instrument.
IN_FORCE = "in force"


def _once(cls: type[Move], **params: object) -> Callable[..., Move | str | None]:
    """A measure that makes no sense twice: made only if the actor has none in force."""
    name = cls.model_fields["move"].default

    def build(sim: Simulation, c: Common, target: str, size: float) -> Move | str | None:
        mine = [m for m in sim.mission(target).in_force(name) if m.actor == c["actor"]]
        return IN_FORCE if mine else cls(**c, **params)

    return build


BUILDERS: dict[str, Callable[[Simulation, Common, str, float], Move | str | None]] = {
    "expel": _expel,
    "close_post": _close_post,
    "staff_cap": _staff_cap,
    "seize_property": _seize,
    "local_hire_ban": _once(LocalHireBan, notice_days=30),
    "tenure_limit": _once(TenureLimit, years=3.0),
    "travel_radius": _once(TravelRadius, km=40.2),
    "travel_notice": _once(TravelNotice, days=2),
    "visa_policy": _once(VisaPolicy, approval_rate=0.5, processing_days=150),
    "banking_restriction": _once(BankingRestriction),
    "suspend_flights": _once(SuspendFlights),
}


def build_move(sim: Simulation, actor: str, intent: Intent, source: str,
               fallback: bool = True) -> Move | None:
    """The move that carries out ``intent`` now, or None if nothing fits.

    A restriction that cannot be made (no consulate left to close) falls back
    to an expulsion of the same size, unless ``fallback`` is off.
    """
    target = sim.scenario.other(actor)
    today: dt.date = sim.today
    common: Common = {"date": today, "actor": actor, "source": source,
                      "note": intent.note or None}
    if intent.action == "statement":
        return Statement(**common, kind=intent.kind)
    if intent.action == "lift_all":
        mine = [m for m in sim.mission(target).measures.values()
                if m.actor == actor and m.is_restriction]
        return LiftAll(**common) if mine else None
    if intent.action == "lift":
        chosen = _measure_to_lift(sim, actor, target, intent)
        return Lift(**common, measure=chosen) if chosen else None
    results = [BUILDERS[name](sim, common, target, intent.size)
               for name in (intent.instrument, *intent.alternatives) if name in BUILDERS]
    usable = [r for r in results if isinstance(r, Move)]
    if usable:
        return usable[0]
    if fallback and IN_FORCE not in results:
        return _expel(sim, common, target, intent.size)
    return None


def _measure_to_lift(sim: Simulation, actor: str, target: str, intent: Intent) -> str | None:
    """The own measure a lift intent means: named, answering the lifted one, or the newest."""
    mine = [m for m in sim.mission(target).in_force(intent.instrument) if m.actor == actor]
    for measure in mine:
        if measure.id == intent.measure or (intent.matches and
                                            measure.responds_to == intent.matches):
            return measure.id
    if intent.measure is not None:
        named = sim.mission(target).measures.get(intent.measure)
        return named.id if named is not None and named.actor == actor else None
    return mine[-1].id if mine else None
