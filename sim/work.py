"""Work capacity: the diplomat-days a month a mission has for its work.

A mission exists to report, to reach out and to protect its citizens, and much
of that means travelling beyond the capital. Three restrictions eat into it
without removing anyone, and are measured here:

- **A travel radius** (the US 25-mile rule, Russia's 41 km zone): travel
  beyond it needs the host's leave. The share of the work that needs travel
  (``travel_share``) can be done without notice only where the radius reaches:
  ``reach`` gives, for a few radii, the share of the places that work goes to
  (here: of the host's population) within that distance of the mission's posts,
  interpolated in between.
- **Advance notice** of that travel (a day, two weeks, routes filed and
  refused): of the work beyond the radius, exp(-days / ``notice_scale_days``) is
  still done; the rest is lost to planning, waiting and refusals. A radius with
  no notice rule in force needs ``notice_without_rule_days`` (case by case); a
  notice rule with no radius applies to every trip out of the post's city.
- **Missing local employees**: after a local-hire ban, diplomats do the
  essential work of the local staff they lost (drivers, maintenance, translation):
  ``local_cover`` diplomat-days per working day for each local employee laid off
  and not yet replaced, but never more than ``local_cover_max`` of their time:
  beyond it the mission drops services rather than its diplomatic work.
  (Positions abolished by a ceiling took their work with them; positions given
  back by a lift are new capacity, not missing work.)

``work_capacity`` = expatriates * ``working_days`` * (1 - travel_share +
travel_share * (reach + (1 - reach) * notice efficiency)) - the cover for missing
locals.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from sim.spec import Strict

if TYPE_CHECKING:
    from sim.scenario.schema import SideSpec
    from sim.state import Mission


class WorkSpec(Strict):
    """What the mission's diplomats spend their days on, and what restrictions cost them."""

    working_days: float = Field(default=21.0, gt=0, le=31,
                                description="working days a month per diplomat")
    travel_share: float = Field(
        default=0.0, ge=0, le=1,
        description="share of the mission's work that needs travel beyond the capital")
    reach: list[tuple[float, float]] = Field(
        default_factory=list,
        description="`[km, share]` pairs: the share of the places that travel goes to within "
                    "that distance of the posts (empty: a radius takes nothing away)")
    notice_without_rule_days: float = Field(
        default=7.0, ge=0, le=365,
        description="notice travel beyond a radius needs when no notice rule is in force "
                    "(the host decides case by case)")
    notice_scale_days: float = Field(
        default=14.0, gt=0,
        description="days of advance notice that cut the travel done beyond the radius to "
                    "about a third (exp(-1))")
    local_cover: float = Field(
        default=0.0, ge=0, le=10,
        description="diplomat-days per working day that each local employee laid off by a "
                    "ban costs until replaced")
    local_cover_max: float = Field(
        default=0.5, ge=0, le=1,
        description="most of the diplomats' time that goes to missing local work; beyond "
                    "it the mission drops services rather than diplomatic work")

    @field_validator("reach")
    @classmethod
    def _increasing(cls, reach: list[tuple[float, float]]) -> list[tuple[float, float]]:
        kms = [km for km, _ in reach]
        shares = [share for _, share in reach]
        if kms != sorted(kms) or shares != sorted(shares) or any(
                not 0 <= s <= 1 for s in shares) or any(km <= 0 for km in kms):
            raise ValueError("needs [km, share] pairs with km > 0 and shares from 0 to 1, "
                             "both increasing")
        return reach


def reach(spec: WorkSpec, km: float | None) -> float:
    """Share of the travel destinations within ``km`` of the posts (1 with no radius)."""
    if km is None or not spec.reach:
        return 1.0
    points = spec.reach
    if km <= points[0][0]:
        return points[0][1] * km / points[0][0]
    for (k0, s0), (k1, s1) in itertools.pairwise(points):
        if km <= k1:
            return s0 + (s1 - s0) * (km - k0) / (k1 - k0)
    return points[-1][1]


def travel_efficiency(spec: WorkSpec, km: float | None, notice_days: float | None) -> float:
    """Share of the travel work still done under a radius and a notice rule.

    A radius alone needs ``notice_without_rule_days`` beyond it; a notice rule with no
    radius applies to every trip out of the post's city.
    """
    if km is None and notice_days is None:
        return 1.0
    within = 0.0 if km is None else reach(spec, km)
    days = spec.notice_without_rule_days if notice_days is None else notice_days
    return within + (1.0 - within) * math.exp(-days / spec.notice_scale_days)


def work_capacity(spec: SideSpec, mission: Mission) -> float:
    """Diplomat-days a month the mission has for its work now."""
    work = spec.work
    radius, notice = mission.current("travel_radius"), mission.current("travel_notice")
    efficiency = travel_efficiency(work, radius.km if radius else None,
                                   notice.days if notice else None)
    days = len(mission.expats) * work.working_days * (
        1.0 - work.travel_share + work.travel_share * efficiency)
    missing = min(mission.locals_missing, max(0, mission.local_plan_room))
    cover = missing * work.local_cover * work.working_days
    return days - min(cover, work.local_cover_max * days)
