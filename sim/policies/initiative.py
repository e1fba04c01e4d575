"""Policies that act on their own schedule: escalate, GRIT, package."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, PrivateAttr

from sim.policies.base import Instrument, Intent, Observation, Policy, View, classify


class Escalate(Policy):
    """Make hostile moves at random, more often the more one is restricted.

    Every ``check_days`` the side makes a hostile move (with one of its instruments
    not already in force) with probability
    ``1 - exp(-rate * dt)``, where the yearly rate is
    ``base_rate + grievance * (severity of the other's restrictions in force on it)
    - restraint * (severity of its own in force on the other)``:
    grievance drives it, its own measures already taken hold it back.

    Names: Richardson arms-race dynamics. Source: L. F. Richardson, *Arms and
    Insecurity* (1960).
    """

    policy: Literal["escalate"] = "escalate"
    base_rate: float = Field(default=0.5, ge=0, description="hostile moves a year, unprovoked")
    grievance: float = Field(default=0.1, ge=0, description="extra rate per unit severity suffered")
    restraint: float = Field(default=0.05, ge=0, description="rate taken off per unit imposed")
    instruments: list[Instrument] = Field(
        default_factory=lambda: ["expel", "visa_policy", "close_post"], min_length=1,
        description="instruments it picks from (at least one)")
    size: float = Field(default=10, gt=0, description="size of each move (e.g. people expelled)")
    summary = "a Richardson hazard of hostile moves, driven by what one suffers"
    classifier = classify(stochastic=True, memory_depth=0, escalates=True,
                          negotiates=False)
    check_days = 30.0

    def rate(self, view: View) -> float:
        """Hostile moves a year at the current state."""
        return max(0.0, self.base_rate + self.grievance * view.severity_on_me
                   - self.restraint * view.severity_by_me)

    def tick(self, view: View) -> list[Intent]:
        chance = 1.0 - math.exp(-self.rate(view) * self.check_days / 365.25)
        if view.rng.random() >= chance:
            return []
        start = int(view.rng.random() * len(self.instruments))
        order = self.instruments[start:] + self.instruments[:start]
        return [Intent("restrict", order[0], self.size, delay=0.0, note="escalation",
                       alternatives=tuple(order[1:]))]


class Grit(Policy):
    """Unilateral, announced concessions, repeated if unanswered, stopped if exploited.

    Every ``interval_days`` from its start the side announces and makes a
    concession: it lifts its oldest measure still in force on the other side.
    It goes on whether or not the other side answers; once the other side
    makes a hostile move, it stops conceding and answers in kind from then on.
    With ``answer_by: value`` its answers, and its return of the other side's
    concessions, go by value: a concession of matching value.

    Names: GRIT (Graduated and Reciprocated Initiatives in Tension-reduction).
    Source: C. E. Osgood, *An Alternative to War or Surrender* (1962).
    """

    policy: Literal["grit"] = "grit"
    interval_days: float = Field(default=60.0, gt=0, description="days between concessions")
    summary = "announced unilateral concessions; stop and mirror if exploited"
    classifier = classify(stochastic=False, memory_depth=-1, escalates=False,
                          negotiates=True)

    _exploited: bool = PrivateAttr(default=False)

    @property
    def check_days(self) -> float:  # type: ignore[override]
        return self.interval_days

    def reset(self) -> None:
        self._exploited = False

    def react(self, seen: Observation, view: View) -> list[Intent]:
        if seen.hostile:
            self._exploited = True
            return [self.answer(seen)]
        return self.reciprocate(seen) if seen.conciliatory else []

    def tick(self, view: View) -> list[Intent]:
        if self._exploited or not view.my_measures:
            return []
        measure_id, kind = view.my_measures[0]
        return [Intent("statement", delay=0.0, kind="proposal",
                       note=f"GRIT: announces it lifts {measure_id}"),
                Intent("lift", kind, delay=0.0, note=f"GRIT concession: {measure_id}",
                       measure=measure_id)]


class Package(Policy):
    """Lift everything once the other side has lifted everything; otherwise stand still.

    The side makes no hostile move and no partial concession: it answers
    only a complete lifting (the other side's ``lift_all``, or its last
    restriction lifted) by lifting all of its own; with ``answer_by: value``,
    by lifting own measures worth about all the other side gave back.

    Names: package deal, issue linkage. Source: Tollison and Willett, "An
    economic theory of mutually advantageous issue linkages", *International
    Organization* 33 (1979); Russia's proposal of October 2021 to lift all
    restrictions (record #38).
    """

    policy: Literal["package"] = "package"
    summary = "lift everything if the other side lifts everything"
    classifier = classify(stochastic=False, memory_depth=-1, escalates=False,
                          negotiates=True)

    _relief: float = PrivateAttr(default=0.0)

    def reset(self) -> None:
        self._relief = 0.0

    def react(self, seen: Observation, view: View) -> list[Intent]:
        if not seen.conciliatory:
            return []
        self._relief += seen.relief
        if not (seen.lift_all or view.restrictions_on_me == 0):
            return []
        if self.answer_by == "value":
            relief, self._relief = self._relief, 0.0  # repaid: the next package starts afresh
            return [Intent("lift", answers=seen.measure, value=relief,
                           note="package: lifts as much as it got back")]
        return [Intent("lift_all", answers=seen.measure, note="package: lifts everything")]


