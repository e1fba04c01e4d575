"""The sending side decides its own size: what it plans per post, how long a new
diplomat takes to arrive, and whether it rebuilds after a restriction is lifted.

A host can cut a mission in a week; the sending side rebuilds it at its own
pace. Three things set that pace:

- **Planned size.** Each post's planned expatriate and local staff (by default
  its starting positions). A mission fills its vacancies, at whichever posts they
  are, up to the total of its posts' plans and no further (positions move between
  posts when one closes, so the plan is kept as a total), so a side may decide to
  stay smaller after a lift.
- **The assignment cycle.** A regular rotation is planned a year ahead, so a
  replacement only waits for its visa. A position that is new, given back by a
  lift, or vacated without warning (a tenure limit cutting a tour short) must
  first be assigned: someone selected, trained (language training for Russia
  takes a year) and sent, ``assignment_months`` from decision to visa request.
  The foreign service starts at most ``assignments_per_month`` such assignments
  a month for the mission.
- **Rebuilding.** With ``rebuild: false`` positions given back by a lift are not
  refilled: the side stays at the size it had.
"""

from __future__ import annotations

from pydantic import Field

from sim.spec import Strict, Triangular

MONTH_DAYS = 365.25 / 12


class AssignmentMonths(Triangular):
    """Months from the decision to fill a position to the visa request (triangular)."""

    low: float = Field(ge=0, le=120, description="quickest assignment")
    mode: float = Field(ge=0, le=120, description="most common")
    high: float = Field(ge=0, le=120, description="slowest")



class PlannedPost(Strict):
    """The staff the sending side plans for one post."""

    expat: int | None = Field(default=None, ge=0, description="expatriates (default: positions)")
    local: int | None = Field(default=None, ge=0, description="local employees (default: "
                                                              "positions)")


class PlanningSpec(Strict):
    """How the sending side staffs its mission beyond the regular rotation."""

    assignment_months: AssignmentMonths | None = Field(
        default=None, description="months from deciding to fill a new, restored or suddenly "
                                  "vacated position to the visa request (none: at once)")
    assignments_per_month: float | None = Field(
        default=None, gt=0, le=10_000,
        description="new assignments the foreign service starts a month (none: no limit)")
    rebuild: bool = Field(default=True,
                          description="refill positions given back when a restriction is "
                                      "lifted")
    planned: dict[str, PlannedPost] = Field(
        default_factory=dict, description="staff planned per post id (default: its positions); "
                                          "the mission fills vacancies up to the total")
