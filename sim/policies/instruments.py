"""Turning an intent into a catalogue move that fits the state now.

A policy says "restrict with a closure, size 1"; which post to close, or what
ceiling gives parity, depends on the state, and each instrument's move class
decides it (``Move.from_intent``). An answer by value ("restrict with harm 8")
is the instrument whose harm to the other side is closest (``closest_in_value``);
a concession by value, the own measures worth about what was given back
(``lifts_in_value``). Harms are the model's estimates now (``sim.harm``), so both
choices are deterministic and draw no random number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.moves import INSTRUMENTS, Lift, LiftAll, Move, Statement
from sim.moves.base import IN_FORCE, Common
from sim.policies.base import Intent

if TYPE_CHECKING:
    from sim.harm import Baseline
    from sim.model import Simulation
    from sim.state import Measure


@dataclass(frozen=True)
class Valued:
    """A candidate answer: the move and its harm to the other side, as that side values
    it (``Simulation.harm_value``).
    """

    move: Move
    harm: float


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


def harm_of(sim: Simulation, move: Move, target: str, baseline: Baseline | None = None
            ) -> float:
    """What ``move`` would take from ``target``'s mission if made now, as ``target``
    values it (``baseline``: the mission's functions now, if already taken).
    """
    return sim.harm_value(target, move.harm(sim.context, target), baseline)


def candidates(sim: Simulation, actor: str, intent: Intent, source: str) -> list[Valued]:
    """Every instrument the actor can use on the other side now, in catalogue order, with
    its harm; an expulsion is sized so its harm comes closest to ``intent.value`` (each
    person expelled takes the same share). Moves that would take nothing are left out:
    they answer nothing.
    """
    target = sim.scenario.other(actor)
    common: Common = {"date": sim.today, "actor": actor, "source": source,
                      "note": intent.note or None}
    found = []
    now = sim.functions(target)  # once: every candidate is a share of the same mission
    for name, cls in INSTRUMENTS.items():
        move = cls.from_intent(sim.context, common, target, 1.0)
        if not isinstance(move, Move):
            continue
        harm = harm_of(sim, move, target, now)
        if name == "expel" and harm > 0:
            present = len(sim.mission(target).expats)
            count = max(1, min(present, round((intent.value or 0.0) / harm)))
            move = move.model_copy(update={"count": count})
            harm = harm_of(sim, move, target, now)
        if harm > 0:
            found.append(Valued(move, harm))
    return found


#: Most an answer by value may take, as a multiple of the harm it answers.
OVERSHOOT = 2.0


def closest_in_value(sim: Simulation, actor: str, intent: Intent, source: str) -> Move | None:
    """The instrument whose harm to the other side is closest to ``intent.value`` (the
    first in catalogue order on a tie), its note stating both harms; None if the move
    answered took nothing, no instrument can take anything now, or the closest would take
    more than ``OVERSHOOT`` times what was received (against a mission down to a few
    people even one expulsion can be worth far more than the move answered: answering
    would escalate, not reciprocate).
    """
    received = intent.value or 0.0
    found = candidates(sim, actor, intent, source) if received > 0 else []
    if not found:
        return None
    best = min(found, key=lambda c: abs(c.harm - received))  # min keeps the first tie
    if best.harm > OVERSHOOT * received:
        return None
    note = f"by value: received {received:.2f}, answered {best.harm:.2f} ({best.move.move})"
    return best.move.model_copy(update={"note": f"{intent.note}; {note}" if intent.note
                                        else note})


def lifts_in_value(sim: Simulation, actor: str, value: float) -> list[Measure]:
    """Own measures in force on the other side worth about ``value`` in all, by their
    harm when made (``Measure.harm``).

    The rule: repeatedly add the measure that brings the total closest to ``value``
    (the oldest on a tie), for as long as one brings it closer. The first pick is the
    single measure of closest value; more follow only while the total is short by more
    than half the next one. Measures that took nothing are never picked.
    """
    target = sim.scenario.other(actor)
    left = [m for m in sim.mission(target).measures.values()
            if m.actor == actor and m.is_restriction and m.harm > 0]
    chosen: list[Measure] = []
    total = 0.0
    while left:
        best = min(left, key=lambda m: abs(total + m.harm - value))
        if abs(total + best.harm - value) >= abs(total - value):
            break
        chosen.append(best)
        left.remove(best)
        total += best.harm
    return chosen
