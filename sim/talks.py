"""Talks: rounds on dates or at intervals that may settle irritants.

A round takes each irritant on its agenda that has a measure in force (and
``banking`` until both sides guarantee it, which a settlement does) and settles it with a
probability: both sides must agree, and each agrees with probability

    logistic(intercept + loss_weight * loss + tension_weight * tension
             - recent_weight * hostile moves by the other side in the last 90 days
             + negotiator_bonus * [its policy negotiates])

where ``loss`` is the share of its mission's starting staff it has lost: a
side whose mission has lost more concedes more readily. A round of the record
can fix its outcome with ``settle:`` instead. A settlement is a ``settle``
move with origin ``talks``; each round is logged as a talks statement.

Why a rule and not a bargaining library such as NegMAS: NegMAS runs
offer-and-counteroffer protocols between agents with utility functions over
outcomes. The record gives no utilities to calibrate, only which irritants
were settled and when; a two-sided acceptance probability with named,
documented weights is what the data can support, is cheap enough for large
ensembles, and keeps every run reproducible from one random stream.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from pydantic import ConfigDict, Field

from sim.moves import IRRITANTS, Settle, Statement
from sim.moves.base import Irritant
from sim.spec import STRICT, Strict

if TYPE_CHECKING:
    from sim.model import Simulation

RECENT_DAYS = 90
#: Largest size of the intercept and of each weight, in log-odds: at 40 a side already
#: agrees (or refuses) with a chance within 1e-17 of certainty, so 100 leaves room to
#: spare while keeping every sum finite.
MAX_LOG_ODDS = 100
ALL_IRRITANTS: list[Irritant] = list(IRRITANTS)  # type: ignore[arg-type]


class TalksRound(Strict):
    """One round of talks on a date."""

    date: dt.date
    name: str = Field(default="", description="e.g. `Istanbul round 2`")
    agenda: list[Irritant] | None = Field(default=None,
                                          description="irritants discussed (default: the talks')")
    settle: list[Irritant] | None = Field(
        default=None, description="known outcome: irritants settled ([] for none); "
        "omit to draw the outcome")
    source: str | None = None
    note: str | None = None


class Talks(Strict):
    """Talks between the sides: dated rounds, rounds every N days, and how they go."""

    model_config = ConfigDict(**STRICT, populate_by_name=True)

    rounds: list[TalksRound] = Field(default_factory=list, description="dated rounds")
    every_days: int | None = Field(default=None, ge=1, description="also a round every N days")
    from_: dt.date | None = Field(default=None, alias="from",
                                  description="first periodic round (default: every_days "
                                  "after the start)")
    until: dt.date | None = Field(default=None, description="no periodic round after this")
    agenda: list[Irritant] = Field(default_factory=lambda: list(ALL_IRRITANTS),
                                   description="irritants discussed")
    intercept: float = Field(default=-1.0, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                             description="log-odds a side agrees, all else 0")
    loss_weight: float = Field(default=3.0, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                               description="per share of the mission lost")
    tension_weight: float = Field(default=0.02, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                                  description="per point of tension")
    recent_weight: float = Field(default=0.5, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                                 description="per recent hostile move by the other")
    negotiator_bonus: float = Field(default=1.0, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                                    description="if the side's policy negotiates")


def _logistic(x: float) -> float:
    """``1 / (1 + exp(-x))`` for any finite ``x``, without overflow: ``exp`` is only
    taken of a number at most 0.
    """
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    tiny = math.exp(x)
    return tiny / (1.0 + tiny)


class TalksProcess:
    """Holds the rounds of a run and decides them."""

    def __init__(self, sim: Simulation, talks: Talks):
        self.sim, self.talks = sim, talks
        self.rng = sim.streams("talks")
        self.start_staff = {s: m.staff_total for s, m in sim.missions.items()}
        for talks_round in talks.rounds:
            sim.clock.at_day(sim.scenario.day(talks_round.date), self.hold, talks_round)
        if talks.every_days:
            first = (sim.scenario.day(talks.from_) if talks.from_
                     else talks.every_days)
            last = sim.scenario.day(talks.until or sim.scenario.end)
            for day in range(first, last + 1, talks.every_days):
                sim.clock.at_day(day, self.hold, TalksRound(date=sim.scenario.date(day),
                                                      name="periodic round"))

    def agreement(self, side: str) -> float:
        """Chance that ``side`` agrees to settle an irritant now."""
        t, sim = self.talks, self.sim
        other = sim.scenario.other(side)
        lost = max(0.0, 1.0 - sim.mission(side).staff_total / max(1, self.start_staff[side]))
        tension = sum(m.restriction_severity for m in sim.missions.values())
        recent = sum(1 for m in sim.measures if m.actor == other and m.is_restriction
                     and sim.now - m.start <= RECENT_DAYS)
        policy = sim.scenario.sides[side].policy
        bonus = t.negotiator_bonus if policy.classifier.get("negotiates") else 0.0
        return _logistic(t.intercept + t.loss_weight * lost + t.tension_weight * tension
                         - t.recent_weight * recent + bonus)

    def open_irritants(self, agenda: list[Irritant]) -> list[Irritant]:
        """Irritants on the agenda with something to settle."""
        in_force = {m.move.move for mission in self.sim.missions.values()
                    for m in mission.restrictions()}
        guaranteed = all(m.in_force("banking_guarantee") for m in self.sim.missions.values())
        return [i for i in agenda if in_force & set(IRRITANTS[i])
                or (i == "banking" and not guaranteed)]

    def hold(self, talks_round: TalksRound) -> None:
        """Hold a round: settle what is agreed, and log the round."""
        sim = self.sim
        first, second = list(sim.missions)
        agenda = self.open_irritants(self.talks.agenda if talks_round.agenda is None
                                     else talks_round.agenda)
        if talks_round.settle is not None:
            settled = [i for i in agenda if i in talks_round.settle]
        else:
            chance = self.agreement(first) * self.agreement(second)
            settled = [i for i in agenda if self.rng.random() < chance]
        note = f"{talks_round.name or 'talks'}: " + (
            f"settled {', '.join(settled)}" if settled else "no settlement")
        common = {"date": sim.today, "actor": first, "source": talks_round.source}
        sim.apply(Statement(**common, kind="talks",
                            note=note + (f". {talks_round.note}" if talks_round.note else "")),
                  origin="talks", checked=True)
        for irritant in settled:
            sim.apply(Settle(**common, irritant=irritant, note=note), origin="talks",
                      checked=True)
