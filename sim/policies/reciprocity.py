"""Policies that answer the other side's moves: scripted, mirror and its variants."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from pydantic import Field, PrivateAttr

from sim.policies.base import Intent, Observation, Policy, View, classify


class Scripted(Policy):
    """Make only the moves the scenario file scripts; answer nothing.

    Names: scripted, replay. Source: the scenario file itself (the record
    replay's sides follow ``shared/record.md`` move by move).
    """

    policy: Literal["scripted"] = "scripted"
    summary = "only the dated moves of the scenario file"


class Mirror(Policy):
    """Tit-for-tat: answer each hostile move in kind, each concession in kind, after a lag.

    An expulsion of ten is answered by an expulsion of ten (the size as
    perceived), a closure by a closure, unless ``answers`` maps the instrument
    to another. A lift is answered by lifting one's own measures of the same
    kind; a lift of everything by lifting everything. With ``answer_by: value``
    each is answered by value instead: the instrument of closest harm, own
    measures of about the value lifted.

    Names: tit-for-tat, strict reciprocity. Source: Axelrod, *The Evolution of
    Cooperation* (1984); in diplomacy, the "mirror response" the record shows
    in 2016-2023.
    """

    policy: Literal["mirror"] = "mirror"
    summary = "tit-for-tat: answer each move in kind after a lag"
    classifier = classify(stochastic=False, memory_depth=1, escalates=False,
                          negotiates=True)

    def react(self, seen: Observation, view: View) -> list[Intent]:
        if seen.hostile:
            return [self.answer(seen)]
        if seen.conciliatory:
            return self.reciprocate(seen)
        return []


class Proportional(Mirror):
    """Answer each hostile move in kind with its size scaled by ``scale``.

    ``scale`` above 1 answers harder than hit (an expulsion of 10 met by 20),
    below 1 softer; by value, the harm answered is the harm received times
    ``scale``. Concessions are reciprocated as by ``mirror``.

    Names: proportional countermeasures. Source: International Law Commission,
    Articles on State Responsibility (2001), art. 51 ("commensurate with the
    injury suffered").
    """

    policy: Literal["proportional"] = "proportional"
    scale: float = Field(default=2.0, gt=0, description="size of answer / size of move")
    summary = "answer in kind with the size scaled"

    def in_kind(self, seen: Observation) -> Intent:
        base = super().in_kind(seen)
        return Intent("restrict", base.instrument, seen.size * self.scale, answers=seen.measure,
                      note=f"scaled x{self.scale:g}")

    def in_value(self, seen: Observation) -> Intent:
        return replace(super().in_value(seen), value=seen.harm * self.scale)


class Generous(Mirror):
    """Mirror, but let a hostile move pass unanswered with probability ``forgive``.

    Forgiving breaks the echo of retaliation two mirror players fall into
    after a single mistake.

    Names: generous tit-for-tat. Source: Nowak and Sigmund, "Tit for tat in
    heterogeneous populations", *Nature* 355 (1992).
    """

    policy: Literal["generous"] = "generous"
    forgive: float = Field(default=0.3, ge=0, le=1, description="chance a move goes unanswered")
    summary = "mirror, but forgive a hostile move with probability p"
    classifier = classify(stochastic=True, memory_depth=1, escalates=False,
                          negotiates=True)

    def react(self, seen: Observation, view: View) -> list[Intent]:
        if seen.hostile and view.rng.random() < self.forgive:
            return [Intent("statement", delay=0.0, note=f"lets {seen.move} pass")]
        return super().react(seen, view)


class Gradual(Policy):
    """Punish the n-th hostile move with n moves, then offer calm.

    The answers come one lag apart; then the side proposes calm and lets
    hostile moves pass for ``calm_days`` (they still count towards n).
    Concessions are reciprocated as by ``mirror``; ``answer_by: value`` makes
    each punishment the instrument of closest harm.

    Names: gradual. Source: Beaufils, Delahaye and Mathieu, "Our meeting with
    gradual" (ALife V, 1996).
    """

    policy: Literal["gradual"] = "gradual"
    calm_days: float = Field(default=90.0, ge=0, description="days hostility is let pass after")
    summary = "punish the n-th hostile move with n moves, then offer calm"
    classifier = classify(stochastic=False, memory_depth=-1, escalates=False,
                          negotiates=True)

    _hostile_seen: int = PrivateAttr(default=0)
    _calm_until: float = PrivateAttr(default=-1.0)

    def reset(self) -> None:
        self._hostile_seen = 0
        self._calm_until = -1.0

    def react(self, seen: Observation, view: View) -> list[Intent]:
        if seen.conciliatory:
            return self.reciprocate(seen)
        if not seen.hostile:
            return []
        self._hostile_seen += 1
        now = float(view.today.toordinal())
        if now < self._calm_until:
            return []
        n, lag = self._hostile_seen, self.lag_days
        answer = self.answer(seen)
        intents = [replace(answer, delay=lag * (k + 1), note=f"punishment {k + 1} of {n}")
                   for k in range(n)]
        intents.append(Intent("statement", delay=lag * (n + 1), kind="proposal",
                              note="offers calm"))
        self._calm_until = now + lag * (n + 1) + self.calm_days
        return intents
