"""The engine side of a policy: what it sees, when it acts, and its noise.

One driver per side. It watches the moves the other side makes, passes each
through the side's misperception to its policy, and makes the moves the policy
intends after their lag, with the side's implementation error. Policies with
a schedule of their own (``check_days``) are called on it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.moves import Lift, Statement
from sim.policies.base import CONCILIATORY, HOSTILE, Intent, Observation, Policy, View
from sim.policies.instruments import build_move, closest_in_value, lifts_in_value

if TYPE_CHECKING:
    from sim.model import Simulation
    from sim.moves import Move
    from sim.state import Measure

#: A side answers no sooner than the next day: two sides answering each other at
#: once would keep the clock from moving.
MIN_LAG_DAYS = 1.0


class PolicyDriver:
    """Runs one side's policy inside a simulation."""

    def __init__(self, sim: Simulation, side: str, policy: Policy):
        self.sim = sim
        self.side = side
        self.other = sim.scenario.other(side)
        self.policy = policy.model_copy(deep=True)
        self.policy.reset()
        #: One stream per purpose, so turning on one kind of noise shifts no other draw.
        self.rng = {purpose: sim.streams("policy", side, purpose)
                    for purpose in ("decide", "lag", "perceive", "error")}
        self.start = sim.scenario.day(policy.start or sim.scenario.start)
        #: From this day the policy neither answers nor acts on its own (nor makes what it
        #: meant to before): a player or the file's moves take over.
        self.until = math.inf if policy.until is None else sim.scenario.day(policy.until)
        self.mine: set[str] = set()
        sim.observers.append(self.observe)
        if self.policy.check_days:
            sim.clock.at_day(self.start + self.policy.check_days, self._tick)

    # -- seeing ---------------------------------------------------------------

    def observe(self, sim: Simulation, measure: Measure, origin: str) -> None:
        """Called for every move made; the policy sees the other side's."""
        if measure.actor == self.side:
            self.mine.add(measure.id)
            return
        if (origin == "talks" or measure.target == self.other or sim.now < self.start
                or sim.now >= self.until):
            return
        seen = self.perceive(measure)
        if seen.answers_me and not self.policy.answer_responses and seen.hostile:
            return
        for intent in self.policy.react(seen, self.view()):
            self._schedule(intent, answer=True)

    def perceive(self, measure: Measure) -> Observation:
        """The move as this side reads it: its size, harm and relief scaled by one
        misperception factor.
        """
        move = measure.move
        factor = 1.0
        if self.policy.misperception > 0:
            factor = math.exp(self.policy.misperception * self.rng["perceive"].normal())
        lifted = tuple((m.id, m.move.move) for m in measure.lifted)
        return Observation(
            measure=measure.id, move=move.move, size=float(getattr(move, "count", 1)) * factor,
            hostile=move.move in HOSTILE, conciliatory=move.move in CONCILIATORY,
            lift_all=move.move == "lift_all", lifted=lifted,
            answers_me=measure.responds_to in self.mine,
            harm=max(0.0, measure.harm) * factor, relief=max(0.0, -measure.harm) * factor,
        )

    def view(self) -> View:
        """What the policy may know of the state now."""
        on_me, on_other = self.sim.mission(self.side), self.sim.mission(self.other)
        mine = [(m.id, m.move.move) for m in on_other.measures.values()
                if m.actor == self.side and m.is_restriction]
        return View(self.side, self.other, self.sim.today, self.rng["decide"],
                    severity_on_me=on_me.restriction_severity,
                    severity_by_me=on_other.restriction_severity,
                    my_measures=mine, restrictions_on_me=on_me.restriction_count)

    # -- acting ---------------------------------------------------------------

    def _tick(self) -> None:
        if self.sim.now >= self.until:
            return
        for intent in self.policy.tick(self.view()):
            self._schedule(intent)
        if self.sim.now + self.policy.check_days <= self.sim.end_day:
            self.sim.clock.at_day(self.sim.now + self.policy.check_days, self._tick)

    def _schedule(self, intent: Intent, answer: bool = False) -> None:
        """Schedule an intent; an answer to the other side comes a day later at the soonest."""
        delay = intent.delay
        if delay is None:
            delay = self.rng["lag"].gamma4(self.policy.lag_days) if self.policy.lag_days else 0.0
        if answer or intent.delay is None:
            delay = max(MIN_LAG_DAYS, delay)
        if self.sim.now + delay <= self.sim.end_day:
            self.sim.clock.at_day(self.sim.now + delay, self._act, intent)

    def _act(self, intent: Intent) -> None:
        if self.sim.now >= self.until:
            return  # meant before the policy stopped, due after
        answered = self.sim.by_id.get(intent.answers or "")
        if intent.action == "restrict" and answered is not None and answered.end is not None:
            return  # the move it answers was lifted in the meantime
        source = f"policy: {self.policy.policy}"
        if self._errs(intent):
            move = self._another_instrument(intent, source)
            moves = [move] if move is not None else []
        elif intent.value is not None:
            moves = self._by_value(intent, source)
            if not moves:
                self._cannot_answer(intent, source)
        else:
            move = build_move(self.sim, self.side, intent, source)
            moves = [move] if move is not None else []
            if not moves and intent.action == "restrict" and intent.answers:
                self._cannot_answer(intent, source)
        for move in moves:
            self.sim.apply(move, origin="policy", responds_to=intent.answers)

    def _by_value(self, intent: Intent, source: str) -> list[Move]:
        """The moves that answer ``intent`` by value: the restriction of closest harm, or
        the lifts of own measures worth about the relief received, each noting both values.
        """
        if intent.action == "restrict":
            move = closest_in_value(self.sim, self.side, intent, source)
            return [move] if move is not None else []
        chosen = lifts_in_value(self.sim, self.side, intent.value or 0.0)
        given = sum(m.harm for m in chosen)
        note = (f"by value: received {intent.value or 0.0:.2f}, lifted {given:.2f} "
                f"({', '.join(m.id for m in chosen)})")
        note = f"{intent.note}; {note}" if intent.note else note
        return [Lift(date=self.sim.today, actor=self.side, source=source, note=note,
                     measure=m.id) for m in chosen]

    def _cannot_answer(self, intent: Intent, source: str) -> None:
        """An answer no instrument can make now is logged, not dropped without a word: the
        log then shows a side that wanted to answer and could not, and why.
        """
        self.sim.apply(Statement(date=self.sim.today, actor=self.side, kind="other",
                                 source=source, note=self._why_not(intent)),
                       origin="policy", responds_to=intent.answers)

    def _why_not(self, intent: Intent) -> str:
        """Why ``intent`` cannot be made now, for the log."""
        target = self.sim.mission(self.other)
        if intent.value is None:
            held = [m for m in target.in_force(intent.instrument) if m.actor == self.side]
            why = "it is already in force" if held else "it has nothing to act on now"
            return f"cannot answer with {intent.instrument}: {why}"
        received = f"received {intent.value:.2f}"
        if intent.action == "restrict":
            why = ("the move took nothing measurable" if intent.value <= 0 else
                   "every instrument it can use now would take more than twice that"
                   if self._all_overshoot(intent) else "no instrument can take anything now")
            return f"cannot answer by value ({received}): {why}"
        mine = [m for m in target.measures.values()
                if m.actor == self.side and m.is_restriction and m.harm > 0]
        why = ("the concession gave back nothing measurable" if intent.value <= 0.005 else
               "no own measure is worth about that" if mine else
               "no own measure that takes anything is in force")
        return f"cannot reciprocate by value ({received}): {why}"

    def _all_overshoot(self, intent: Intent) -> bool:
        """Whether answers by value exist but each would take more than it may."""
        from sim.policies.instruments import OVERSHOOT, candidates

        found = candidates(self.sim, self.side, intent, f"policy: {self.policy.policy}")
        return bool(found) and min(c.harm for c in found) > OVERSHOOT * (intent.value or 0.0)

    def _errs(self, intent: Intent) -> bool:
        """Whether the implementation error strikes this intent (statements never err)."""
        return (self.policy.implementation_error > 0 and intent.action != "statement"
                and self.rng["error"].random() < self.policy.implementation_error)

    def _another_instrument(self, intent: Intent, source: str) -> Move | None:
        """The implementation error: a restriction made with another instrument that can
        be used now; a concession not made at all.
        """
        if intent.action != "restrict":
            return None
        others = [i for i in HOSTILE if i != intent.instrument]
        start = int(self.rng["error"].random() * len(others))
        for instrument in others[start:] + others[:start]:
            attempt = Intent("restrict", instrument, intent.size, 0.0,
                             f"{intent.note} (meant {intent.instrument})".strip(),
                             intent.answers)
            move = build_move(self.sim, self.side, attempt, source, fallback=False)
            if move is not None:
                return move
        return None
