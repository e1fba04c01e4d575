"""What a mission costs to run, per head: the measure of seized properties, banking
restrictions and suspended flights, which take nobody away but make every post dearer.

The running cost a year (in thousands of the sending side's currency):

- each expatriate costs ``expat_cost`` and each local employee ``local_cost``;
- a seized property costs its ``annual_value`` while it is seized: the rent of a
  substitute for housing, offices or storage, or the benefit lost for a
  recreation compound;
- while direct flights are suspended, each rotation's journey costs
  ``flight_detour_cost`` more (and takes ``flight_detour_days`` longer, in
  ``sim.staffing``); a mission rotates its expatriates every tour;
- while banking is restricted without a guarantee, paying staff and contractors
  through third countries or in cash adds ``banking_surcharge`` to the whole cost,
  and locals are hired ``banking_hiring_factor`` times as fast.

``cost_per_head`` is that cost over the staff. What it constrains: a mission with a
``budget`` fills a vacancy only while its cost stays within it, so a dearer
mission is a smaller one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pydantic import Field

from sim.spec import Strict

if TYPE_CHECKING:
    from sim.scenario.schema import SideSpec
    from sim.state import Mission


class CostSpec(Strict):
    """What a mission costs to run, and what restrictions add to it."""

    expat_cost: float = Field(default=300.0, ge=0,
                              description="cost a year of one expatriate, in thousands")
    local_cost: float = Field(default=30.0, ge=0,
                              description="cost a year of one local employee, in thousands")
    flight_detour_cost: float = Field(
        default=5.0, ge=0, description="extra cost of one rotation's journey while direct "
                                       "flights are suspended, in thousands")
    banking_surcharge: float = Field(
        default=0.1, ge=0, le=10, description="share added to the whole cost while banking "
                                              "is restricted and not guaranteed")
    banking_hiring_factor: float = Field(
        default=0.5, gt=0, le=1, description="local hiring pace while banking is restricted "
                                             "and not guaranteed, as a share of the usual")
    budget: float | None = Field(
        default=None, gt=0, description="most the mission may cost a year, in thousands "
                                        "(none: no limit)")


def banking_restricted(mission: Mission) -> bool:
    """Banking restricted by the host and not guaranteed since: the later of a restriction
    and a guarantee holds (a guarantee lifts the restrictions before it, not those after).
    """
    restriction = mission.latest("banking_restriction")
    if restriction is None:
        return False
    guarantee = mission.latest("banking_guarantee")
    return guarantee is None or restriction.start >= guarantee.start


def running_cost(spec: SideSpec, mission: Mission, extra_expats: int = 0) -> float:
    """What the mission costs a year now (with ``extra_expats`` more expatriates)."""
    costs = spec.costs
    expats = len(mission.expats) + extra_expats
    total = expats * costs.expat_cost + mission.staff_local * costs.local_cost
    total += sum(p.annual_value for p in spec.properties if not mission.properties[p.id])
    if mission.current("suspend_flights") is not None:
        tour = (spec.tour_years.low + spec.tour_years.mode + spec.tour_years.high) / 3
        total += expats / tour * costs.flight_detour_cost
    if banking_restricted(mission):
        total *= 1.0 + costs.banking_surcharge
    return total


def cost_per_head(spec: SideSpec, mission: Mission) -> float:
    """Cost a year per member of staff, in thousands (NaN with nobody left)."""
    staff = mission.staff_total
    return running_cost(spec, mission) / staff if staff else math.nan


def budget_room(spec: SideSpec, mission: Mission, local: bool = False) -> int | None:
    """How many more expatriates (or local employees) the budget allows, counting those on
    their way who add a person, at what one more would cost with the surcharges in force
    (None: no budget).
    """
    budget = spec.costs.budget
    if budget is None:
        return None
    coming = mission.unpaired_pipeline
    now = running_cost(spec, mission, extra_expats=coming)
    if local:
        one_more = spec.costs.local_cost * (1.0 + spec.costs.banking_surcharge
                                            * banking_restricted(mission))
    else:
        one_more = running_cost(spec, mission, extra_expats=coming + 1) - now
    return max(0, math.floor((budget - now) / one_more)) if one_more > 0 else None
