"""What every policy has: a name, a rule, classifier metadata, and two kinds of noise.

A policy decides a side's own moves when the scenario file does not script
them. It sees the other side's moves as ``Observation``s (through its own
misperception) and answers with ``Intent``s: what it means to do and after how
long. The engine (``sim.policies.driver``) turns intents into catalogue moves,
with the side's implementation error, and makes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from sim.moves import BY_NAME
from sim.spec import STRICT

#: Instruments a side can restrict the other with: the moves that stay in force as a
#: restriction, by catalogue name.
HOSTILE: tuple[str, ...] = tuple(BY_NAME[name].model_fields["move"].default for name in BY_NAME
                                 if BY_NAME[name].persists and BY_NAME[name].restricts)
#: Moves read as concessions.
CONCILIATORY: frozenset[str] = frozenset(name for name, cls in BY_NAME.items() if cls.concedes)
#: An instrument, as a scenario names it.
Instrument = Literal[HOSTILE]  # type: ignore[valid-type]


@dataclass(frozen=True)
class Observation:
    """A move of the other side as this side perceives it."""

    measure: str
    move: str
    size: float = 1.0
    hostile: bool = False
    conciliatory: bool = False
    lift_all: bool = False
    #: Measures the move lifted, as (id, kind), for conciliatory moves.
    lifted: tuple[tuple[str, str], ...] = ()
    #: The move was itself an answer to one of this side's moves.
    answers_me: bool = False
    #: What a hostile move takes from this side's mission, as this side values it
    #: (``sim.harm``), misread by the same factor as ``size``.
    harm: float = 0.0
    #: What a concession gives back: the harm of the measures it lifted, misread alike.
    relief: float = 0.0


@dataclass(frozen=True)
class Intent:
    """A move a policy means to make: ``restrict`` with an instrument, ``lift`` a kind of
    own measure, ``lift_all``, or a ``statement``.
    """

    action: Literal["restrict", "lift", "lift_all", "statement"]
    instrument: str = ""
    size: float = 1.0
    #: Days until it is made; ``None`` draws the policy's lag.
    delay: float | None = None
    note: str = ""
    #: For a ``statement``: threat, proposal, talks, protest or other.
    kind: str = "other"
    #: For ``restrict``: instruments to try, in order, if ``instrument`` cannot be used.
    alternatives: tuple[str, ...] = ()
    #: Id of the measure this answers, so the other side can tell an answer from an initiative.
    answers: str | None = None
    #: For ``lift``: the own measure to lift, or else the other side's lifted measure
    #: whose answer is to be lifted; with neither, the newest own measure of the kind.
    measure: str | None = None
    matches: str | None = None
    #: Answer by value: for ``restrict``, make the instrument whose harm to the other side
    #: is closest to this; for ``lift``, lift own measures worth about this in all.
    value: float | None = None


@dataclass
class View:
    """What a policy may know of the state when it decides."""

    side: str
    other: str
    today: dt.date
    rng: Any
    #: Severity of the restrictions the other side has in force on this side's mission.
    severity_on_me: float
    #: Severity of this side's restrictions in force on the other's mission.
    severity_by_me: float
    #: This side's measures in force on the other's mission: (id, move kind), oldest first.
    my_measures: list[tuple[str, str]] = field(default_factory=list)
    #: The other side's restrictions in force on this side's mission.
    restrictions_on_me: int = 0


def classify(stochastic: bool, memory_depth: int, escalates: bool,
             negotiates: bool) -> dict[str, Any]:
    """Classifier metadata: chance used, moves remembered (-1: all), starts escalation,
    makes conciliatory offers.
    """
    return {"stochastic": stochastic, "memory_depth": memory_depth, "escalates": escalates,
            "negotiates": negotiates}


class Policy(BaseModel):
    """Base of the policies. Subclasses set ``policy``, their parameters and their rule.

    Parameters every policy has:

    - ``start``: the day the policy begins to act (default: the scenario's start);
    - ``until``: the day it stops acting (default: never): from then on the side makes
      only the file's moves, as when a person plays it in an exercise (``sim.exercise``);
    - ``lag_days``: mean days from seeing a move to answering it (gamma-distributed);
    - ``implementation_error``: chance a side does something other than it meant
      (another instrument than intended, or nothing instead of a concession);
    - ``misperception``: spread (log scale) of how much harsher or milder a side
      reads the other's move than it was; seen by that side alone;
    - ``answers``: instruments answered across rather than in kind, e.g.
      ``{local_hire_ban: close_post}``;
    - ``answer_responses``: also answer hostile moves that were answers to one's
      own (otherwise an exchange ends once the other side has answered in kind);
      concessions are always answered;
    - ``answer_by``: ``kind`` answers with the same instrument (or the one ``answers``
      maps it to) and lifts the same kinds of measure; ``value`` answers with whichever
      instrument's harm is closest to the harm received, and lifts own measures worth
      about the relief received (``sim.policies.instruments``): sides that use different
      instruments can still answer each other.
    """

    model_config = STRICT

    policy: str
    start: dt.date | None = Field(default=None, description="day the policy begins to act")
    until: dt.date | None = Field(
        default=None, description="day the policy stops acting (its side then makes only the "
        "file's moves: an exercise's player takes over)")
    lag_days: float = Field(default=30.0, ge=0,
                            description="mean days before answering (at least one day)")
    implementation_error: float = Field(default=0.0, ge=0, le=1,
                                        description="chance of doing other than meant")
    misperception: float = Field(default=0.0, ge=0,
                                 description="log-scale spread of how a move is read")
    answers: dict[Instrument, Instrument] = Field(
        default_factory=dict, description="move answered -> instrument used instead")
    answer_responses: bool = Field(default=False,
                                   description="also answer the other's hostile answers")
    answer_by: Literal["kind", "value"] = Field(
        default="kind", description="answer with the same instrument (kind) or the one of "
        "closest harm (value)")

    summary: ClassVar[str] = ""
    #: Axelrod-style metadata: does it use chance, how much history it uses,
    #: does it start escalation, does it make conciliatory offers.
    classifier: ClassVar[dict[str, Any]] = classify(stochastic=False, memory_depth=0,
                                                    escalates=False, negotiates=False)
    #: Days between ``tick`` calls for policies that act on their own schedule.
    check_days: ClassVar[float | None] = None

    def reset(self) -> None:
        """Forget everything seen: a fresh copy for a new run."""

    def react(self, seen: Observation, view: View) -> list[Intent]:
        """Intents in answer to one move of the other side."""
        return []

    def tick(self, view: View) -> list[Intent]:
        """Intents on the policy's own schedule (every ``check_days``)."""
        return []

    def answer(self, seen: Observation) -> Intent:
        """Answer a hostile move in kind or in value, as ``answer_by`` says."""
        return self.in_value(seen) if self.answer_by == "value" else self.in_kind(seen)

    def in_kind(self, seen: Observation) -> Intent:
        """Answer a hostile move with the same instrument (or the mapped one) and size."""
        return Intent("restrict", self.answers.get(seen.move, seen.move), seen.size,
                      answers=seen.measure)

    def in_value(self, seen: Observation) -> Intent:
        """Answer a hostile move with the instrument whose harm is closest to the harm
        received (the instrument in kind is kept for the log and for implementation error).
        """
        return replace(self.in_kind(seen), value=seen.harm)

    def reciprocate(self, seen: Observation) -> list[Intent]:
        """Answer a concession in kind (lift the same kinds of one's own measures) or, by
        value, lift own measures worth about the relief received.
        """
        if self.answer_by == "value":
            return [Intent("lift", answers=seen.measure, value=seen.relief)]
        if seen.lift_all:
            return [Intent("lift_all", answers=seen.measure)]
        return [Intent("lift", kind, answers=seen.measure, matches=lifted)
                for lifted, kind in seen.lifted]
