"""Harm: what a move takes from the other side's mission, in the model's own terms.

A measure's harm is what it takes from the target mission's four functions, as
the model computes them:

- **staff**: people the mission loses or cannot replace;
- **work**: diplomat-days a month (``sim.work``);
- **consular**: visa interviews a month (``sim.consular``);
- **cost**: thousands a year added to running the mission (``sim.costs``).

Each move estimates its own loss (``Move.harm``) from the state when it is made, with
the formulas the run itself uses (an expulsion takes the work and consular output of
the people it takes; a travel radius takes ``work_capacity``'s travel share; a visa
policy keeps, by Little's law, rotations a year times the extra days a replacement
waits). The *value* a side puts on a loss is a weighted sum of the four, each as a
share of what its mission had that day, times 100: a harm of 12 takes 12% of
the mission's functions as the side weighs them (its ``priorities``).

Values are what policies answer by (``sim.policies``), what talks trade
(``sim.talks``) and what relations count (``sim.relations``). They are estimates at
the moment a move is made, not a counterfactual run: cheap enough to compute for
every move of every replication, and stated in the log so they can be checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import Field

from sim.consular import capacity_per_month
from sim.costs import running_cost
from sim.spec import Strict
from sim.work import travel_efficiency, work_capacity

if TYPE_CHECKING:
    from sim.scenario.schema import SideSpec
    from sim.state import Mission

#: The functions, in the order values and columns list them.
FUNCTIONS = ("staff", "work", "consular", "cost")


class Priorities(Strict):
    """How much a side cares about each function of its mission (weights, normalised)."""

    staff: float = Field(default=1.0, ge=0, le=100, description="weight of staff")
    work: float = Field(default=1.0, ge=0, le=100,
                        description="weight of work capacity (diplomat-days)")
    consular: float = Field(default=1.0, ge=0, le=100,
                            description="weight of consular output (visas to the public)")
    cost: float = Field(default=1.0, ge=0, le=100, description="weight of running cost")

    def weights(self) -> tuple[float, ...]:
        """The weights in ``FUNCTIONS`` order, summing to 1 (all equal if all are 0)."""
        raw = tuple(float(getattr(self, f)) for f in FUNCTIONS)
        total = sum(raw)
        return tuple(w / total for w in raw) if total else (0.25,) * 4


@dataclass(frozen=True)
class Loss:
    """What a measure takes from a mission, per function, in natural units."""

    staff: float = 0.0
    work: float = 0.0
    consular: float = 0.0
    cost: float = 0.0

    def __add__(self, other: Loss) -> Loss:
        return Loss(*(getattr(self, f) + getattr(other, f) for f in FUNCTIONS))

    def scaled(self, factor: float) -> Loss:
        """The loss times ``factor``."""
        return Loss(*(getattr(self, f) * factor for f in FUNCTIONS))

    def text(self) -> str:
        """Short text for the log, e.g. ``staff 35, work 520 d/mo``."""
        units = {"staff": "", "work": " d/mo", "consular": " visas/mo", "cost": "k/yr"}
        parts = [f"{f} {getattr(self, f):,.0f}{units[f]}" for f in FUNCTIONS
                 if round(getattr(self, f)) != 0]
        return ", ".join(parts) or "nothing measurable"


NO_LOSS = Loss()


@dataclass(frozen=True)
class Baseline:
    """A mission's functions when a move is made: what its loss is a share of."""

    staff: float
    work: float
    consular: float
    cost: float

    @classmethod
    def of(cls, spec: SideSpec, mission: Mission) -> Baseline:
        """The mission's functions now (at least 1 each, so a share is always defined)."""
        return cls(float(max(1, mission.staff_total)), max(1.0, work_capacity(spec, mission)),
                   max(1.0, capacity_per_month(spec, mission)),
                   max(1.0, running_cost(spec, mission)))


def value(loss: Loss, baseline: Baseline, priorities: Priorities) -> float:
    """What ``loss`` is worth to the side, in percent of its mission's weighted functions;
    no function can lose more than all it has, so a harm is at most 100.
    """
    shares = (min(1.0, getattr(loss, f) / getattr(baseline, f)) for f in FUNCTIONS)
    return 100.0 * sum(w * s for w, s in zip(priorities.weights(), shares, strict=True))


# -- the pieces moves estimate their loss from ---------------------------------------


def people(spec: SideSpec, mission: Mission, expats: float, locals_: float) -> Loss:
    """Losing ``expats`` expatriates and ``locals_`` local employees: the work and visas
    they did. Officers are in proportion to expatriates; local staff support a share
    (``local_support``) of the consular work.
    """
    have_expats, have_locals = len(mission.expats), mission.staff_local
    expats, locals_ = min(expats, have_expats), min(locals_, have_locals)
    work = work_capacity(spec, mission) * expats / have_expats if have_expats else 0.0
    capacity = capacity_per_month(spec, mission)
    consular = capacity * expats / have_expats if have_expats else 0.0
    if have_locals:
        consular += (capacity - consular) * spec.consular.local_support * locals_ / have_locals
    return Loss(staff=expats + locals_, work=work, consular=consular)


def ceiling_cut(spec: SideSpec, mission: Mission, ceiling: int) -> tuple[int, int]:
    """Expatriates and local employees a ceiling makes the mission cut, in its own
    ``reduction_order`` (as ``Effects.enforce_ceiling`` cuts them).
    """
    excess = max(0, mission.staff_total - ceiling)
    expats, locals_ = len(mission.expats), mission.staff_local
    cut_e = cut_l = 0
    for step in spec.reduction_order:
        if excess <= 0:
            break
        if step.staff == "local":
            n = min(excess, max(0, locals_ - cut_l - (step.keep or 0)))
            cut_l += n
        else:
            n = min(excess, max(0, expats - cut_e - (step.keep or 0)))
            cut_e += n
        excess -= n
    return cut_e, cut_l


def rotations_per_year(spec: SideSpec, mission: Mission) -> float:
    """Replacements the mission needs a year: its expatriates over the mean tour."""
    tour = spec.tour_years
    return len(mission.expats) / ((tour.low + tour.mode + tour.high) / 3)


def vacant(spec: SideSpec, mission: Mission, extra_days: float) -> Loss:
    """Positions held vacant when each replacement arrives ``extra_days`` later (Little's
    law: vacancies = rotations a year x days / 365), at most all expatriates.
    """
    gap = min(float(len(mission.expats)),
              rotations_per_year(spec, mission) * max(0.0, extra_days) / 365.25)
    return people(spec, mission, gap, 0)


def visa_days(spec: SideSpec, policy: Any) -> float:
    """Expected days from application to visa under a host's visa ``policy``: refused
    applications are made again after ``reapply_days`` (infinite if none is approved).
    """
    if policy.approval_rate <= 0:
        return math.inf
    tries = 1.0 / policy.approval_rate
    return policy.processing_days * tries + spec.reapply_days * (tries - 1.0)


def host_visa_policy(spec: SideSpec, mission: Mission) -> Any:
    """The host's visa policy in force on the mission (its latest move, or the default)."""
    move = mission.current("visa_policy")
    return move if move is not None else spec.host_visa_policy


def replacement_days(spec: SideSpec, mission: Mission) -> float:
    """Days a replacement takes to arrive under the visa policy in force (capped at a
    year: a position nobody fills in a year counts as lost).
    """
    return min(365.25, visa_days(spec, host_visa_policy(spec, mission)) + spec.travel_days)


def travel(spec: SideSpec, mission: Mission, km: float | None = None,
           notice_days: float | None = None) -> Loss:
    """The diplomat-days a new radius (or notice rule) takes from travel, with the other
    rule in force left as it is (``sim.work``).
    """
    radius, notice = mission.current("travel_radius"), mission.current("travel_notice")
    now_km, now_days = (radius.km if radius else None), (notice.days if notice else None)
    before = travel_efficiency(spec.work, now_km, now_days)
    after = travel_efficiency(spec.work, km if km is not None else now_km,
                              notice_days if notice_days is not None else now_days)
    days = len(mission.expats) * spec.work.working_days * spec.work.travel_share
    return Loss(work=max(0.0, days * (before - after)))


def rotation_journeys(spec: SideSpec, mission: Mission) -> Loss:
    """Suspended direct flights: each rotation costs ``flight_detour_cost`` more and takes
    ``flight_detour_days`` longer (a position vacant that long, by Little's law).
    """
    loss = vacant(spec, mission, spec.flight_detour_days)
    return Loss(loss.staff, loss.work, loss.consular,
                rotations_per_year(spec, mission) * spec.costs.flight_detour_cost)


def banking(spec: SideSpec, mission: Mission) -> Loss:
    """Restricted banking: the surcharge on the whole running cost (``sim.costs``)."""
    return Loss(cost=running_cost(spec, mission) * spec.costs.banking_surcharge)
