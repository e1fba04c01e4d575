"""Host nationals' visas: a queue at the mission's consular sections, served by its officers.

What the public felt of the dispute was the wait for a visa (300-day interview
waits in Moscow in 2018) and the trip to Warsaw or Vilnius to apply instead.
Each mission holds one queue:

- **Who comes.** ``demand_per_month`` host nationals apply for the sending side's
  visas, more in summer (``seasonality`` around ``peak_month``). Arrivals in a
  week are Poisson. Demand does not depend on which posts are open: applicants
  go wherever the mission still interviews.
- **Who serves.** Visas are adjudicated by consular officers, who are
  expatriates; local employees support them but cannot adjudicate. At full
  strength the mission has ``consular_staff_max`` officers. Below its starting
  expatriate staff it keeps ``core_staff`` expatriates for its other work and
  staffs consular work in proportion to the rest, so a mission with no
  expatriates issues nothing. Each officer interviews ``consular_rate`` applicants
  a month, less without the local staff who support them (``local_support`` is
  the share of an officer's output that needs them), and only at posts still
  issuing (open, not suspended, with someone there: their ``consular_share`` of
  the mission's consular work).
- **Who gives up.** An applicant who sees a wait of W days applies in a third
  country instead with probability 1 - exp(-W / ``patience_days``). When service
  stops for longer than ``cancel_after_days``, the appointments are cancelled and the
  queue goes elsewhere too; a shorter halt only reschedules them.
- **Who is refused.** A ``refusal_rate`` of those interviewed.

The queue moves a week at a time (the appointment calendar): a few hundred
events over a decade, however many applicants. Without ``demand_per_month`` the
mission serves all it can (output = capacity, no queue), as before the queue
existed.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import Field

from sim.spec import Strict

if TYPE_CHECKING:
    from sim.clock import Clock
    from sim.scenario.schema import Scenario, SideSpec
    from sim.state import Mission
    from sim.streams import Streams

#: Days between two steps of the queue: the appointment calendar's week.
STEP_DAYS = 7.0
#: Days in an average month, to state weekly flows per month.
MONTH_DAYS = 365.25 / 12
#: Weeks over which the monthly flows (output, applications elsewhere) are averaged.
WINDOW_STEPS = 4


class ConsularSpec(Strict):
    """The host nationals who apply for the mission's visas, and how long they wait."""

    demand_per_month: float | None = Field(
        default=None, ge=0, le=10_000_000,
        description="host nationals applying a month on average (none: the mission serves "
                    "all it can, with no queue)")
    seasonality: float = Field(default=0.0, ge=0, le=1,
                               description="swing of demand over the year, as a share of "
                                           "the average (0.25: 25% more at the peak)")
    peak_month: int = Field(default=7, ge=1, le=12, description="month demand is highest")
    refusal_rate: float = Field(default=0.0, ge=0, le=1,
                                description="share of those interviewed who are refused")
    patience_days: float = Field(
        default=180.0, gt=0, description="mean wait an applicant accepts before applying in "
                                         "a third country instead")
    local_support: float = Field(
        default=0.0, ge=0, le=1, description="share of an officer's output that needs local "
                                             "staff (clerks, interpreters, guards)")
    cancel_after_days: float = Field(
        default=30.0, ge=0, le=3650,
        description="days interviews may stop before the appointments are cancelled (a "
                    "shorter halt only reschedules them)")


@dataclass(slots=True)
class Queue:
    """One mission's visa queue and its recent flows."""

    backlog: float = 0.0
    #: Days a new applicant would wait now (inf: no interviews at all).
    wait_days: float = 0.0
    #: Part of an interview the last week's capacity left over, carried to the next.
    carry: float = 0.0
    #: Days since interviews stopped (0 while they are held).
    stopped_days: float = 0.0
    issued: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW_STEPS))
    elsewhere: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW_STEPS))


def officers(spec: SideSpec, mission: Mission) -> float:
    """Consular officers the mission has now: its expatriates beyond its core, in
    proportion, up to ``consular_staff_max`` at its starting strength (a fixed norm, not
    the sending side's plan), and never more than the expatriates beyond the core.
    """
    expats, core, norm = len(mission.expats), spec.core_staff, mission.start_expats
    if expats <= core or norm <= core:  # nobody beyond the core: no consular section
        return 0.0
    share = min(1.0, (expats - core) / (norm - core))
    return min(float(expats - core), spec.consular_staff_max * share)


def issuing_share(mission: Mission) -> float:
    """Share of the mission's consular work done at posts issuing now (someone there)."""
    share = sum(p.consular_share for p in mission.posts.values()
                if p.issues_visas and p.expats > 0)
    return min(1.0, share)


def capacity_per_month(spec: SideSpec, mission: Mission) -> float:
    """Interviews a month the mission can hold now."""
    norm = mission.open_start_locals
    support = min(1.0, mission.staff_local / norm) if norm else 1.0
    productivity = 1.0 - spec.consular.local_support * (1.0 - support)
    return officers(spec, mission) * spec.consular_rate * productivity * issuing_share(mission)


class ConsularService:
    """The visa queues of a run's missions, stepped weekly on the clock."""

    def __init__(self, scenario: Scenario, clock: Clock, streams: Streams,
                 missions: dict[str, Mission]):
        """Queues for every mission with consular work, starting empty."""
        self.scenario, self.clock, self.missions = scenario, clock, missions
        self.queues = {side: Queue() for side in missions}
        self._arrivals = {side: streams("consular", side) for side in missions}
        self._last_day = scenario.day(scenario.end)
        if any(scenario.sides[s].consular.demand_per_month is not None for s in missions):
            clock.at(0.0, self.step)

    def demand(self, side: str, day: float) -> float:
        """Applications a day expected on simulation day ``day``."""
        spec = self.scenario.sides[side].consular
        if not spec.demand_per_month:
            return 0.0
        date = self.scenario.date(day)
        month = date.month + (date.day - 1) / 31
        season = 1.0 + spec.seasonality * math.cos(2 * math.pi * (month - spec.peak_month) / 12)
        return spec.demand_per_month * season / MONTH_DAYS

    def step(self) -> None:
        """One week of applications, interviews and applicants giving up."""
        for side, mission in self.missions.items():
            spec = self.scenario.sides[side]
            if spec.consular.demand_per_month is not None:
                self._step(side, spec, mission)
        if self.clock.now + STEP_DAYS <= self._last_day:
            self.clock.at(STEP_DAYS, self.step)

    def _step(self, side: str, spec: SideSpec, mission: Mission) -> None:
        queue, rng = self.queues[side], self._arrivals[side].generator
        per_day = capacity_per_month(spec, mission) / MONTH_DAYS
        arrivals = float(rng.poisson(self.demand(side, self.clock.now) * STEP_DAYS))
        if per_day <= 0.0:
            self._stopped(spec, queue, arrivals)
            return
        queue.stopped_days = 0.0
        leave = 1.0 - math.exp(-queue.backlog / per_day / spec.consular.patience_days)
        gone = float(rng.binomial(int(arrivals), leave))
        queue.backlog += arrivals - gone
        # Whole interviews; the part of one left over is carried to the next week.
        available = per_day * STEP_DAYS + queue.carry
        served = min(queue.backlog, float(math.floor(available)))
        queue.carry = min(available - served, 1.0) if served < queue.backlog else 0.0
        queue.backlog -= served
        queue.issued.append(float(rng.binomial(int(served), 1.0 - spec.consular.refusal_rate)))
        queue.elsewhere.append(gone)
        queue.wait_days = queue.backlog / per_day

    @staticmethod
    def _stopped(spec: SideSpec, queue: Queue, arrivals: float) -> None:
        """No interviews this week: newcomers go elsewhere; those with appointments wait,
        until the halt outlasts ``cancel_after_days`` and their appointments are cancelled.
        """
        queue.stopped_days += STEP_DAYS
        gone = arrivals
        if queue.stopped_days >= spec.consular.cancel_after_days:
            gone += queue.backlog
            queue.backlog = 0.0
        queue.elsewhere.append(gone)
        queue.issued.append(0.0)
        queue.wait_days = math.inf

    # -- what is measured -------------------------------------------------------

    def service(self, side: str) -> tuple[float, float]:
        """``output_per_month`` and ``wait_days`` together, the mission's capacity worked
        out once (the monitor samples both).
        """
        spec = self.scenario.sides[side]
        if spec.consular.demand_per_month is None:
            capacity = capacity_per_month(spec, self.missions[side])
            return capacity * (1.0 - spec.consular.refusal_rate), 0.0 if capacity else math.nan
        queue = self.queues[side]
        return (_per_month(queue.issued),
                math.nan if math.isinf(queue.wait_days) else queue.wait_days)

    def output_per_month(self, side: str) -> float:
        """Visas issued to host nationals a month: over the last four weeks, or, with no
        queue, all the mission can serve.
        """
        return self.service(side)[0]

    def elsewhere_per_month(self, side: str) -> float:
        """Applicants a month who went to a third country instead."""
        return _per_month(self.queues[side].elsewhere)

    def wait_days(self, side: str) -> float:
        """Days a new applicant would wait for an interview (NaN: no interviews held)."""
        return self.service(side)[1]

    def backlog(self, side: str) -> float:
        """Applicants waiting for an interview."""
        return self.queues[side].backlog


def _per_month(weekly: deque[float]) -> float:
    return sum(weekly) / (len(weekly) * STEP_DAYS) * MONTH_DAYS if weekly else 0.0
