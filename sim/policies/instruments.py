"""Turning an intent into a catalogue move that fits the state now.

A policy says "restrict with a closure, size 1"; which post to close, or what
ceiling gives parity, depends on the state, and each instrument's move class
decides it (``Move.from_intent``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sim.moves import INSTRUMENTS, Lift, LiftAll, Move, Statement
from sim.moves.base import IN_FORCE, Common
from sim.policies.base import Intent

if TYPE_CHECKING:
    from sim.model import Simulation


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
    results = [INSTRUMENTS[name].from_intent(sim.context, common, target, intent.size)
               for name in (intent.instrument, *intent.alternatives) if name in INSTRUMENTS]
    usable = [r for r in results if isinstance(r, Move)]
    if usable:
        return usable[0]
    if fallback and IN_FORCE not in results:
        expulsion = INSTRUMENTS["expel"].from_intent(sim.context, common, target, intent.size)
        return expulsion if isinstance(expulsion, Move) else None
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
