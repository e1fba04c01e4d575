"""What restrictions do to a mission's work and money, and how a side rebuilds.

Work capacity (``sim.work``), running cost (``sim.costs``) and the sending side's
planning (``sim.planning``), on the small scenario of ``conftest.py``: side A has
120 expatriate and 250 local positions, travels for 30% of its work, reaches 10%
of its destinations within 40 km, and holds a dacha worth 500 a year.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sim.costs import cost_per_head, running_cost
from sim.metrics import JOINT_METRICS, visas_granted_year
from sim.model import Simulation
from sim.moves import (
    BankingGuarantee,
    BankingRestriction,
    ClosePost,
    Expel,
    Lift,
    LiftAll,
    LocalHireBan,
    SeizeProperty,
    StaffCap,
    SuspendFlights,
    TenureLimit,
    TravelNotice,
    TravelRadius,
    VisaPolicy,
)
from sim.work import work_capacity

START = dt.date(2020, 3, 1)


def started(make_scenario, seed: int = 1, **a) -> Simulation:
    sim = Simulation(make_scenario(A=a) if a else make_scenario(), seed=seed)
    sim.run_until(START)
    return sim


def later(sim: Simulation, days: int) -> None:
    sim.run_until(sim.today + dt.timedelta(days=days))


def capacity(sim: Simulation) -> float:
    return work_capacity(sim.scenario.sides["A"], sim.missions["A"])


# -- work capacity ---------------------------------------------------------------------------

def test_full_capacity_is_every_diplomat_every_working_day(make_scenario):
    """With no rule in force, work capacity is expatriates x 21 working days."""
    sim = started(make_scenario)
    assert capacity(sim) == len(sim.missions["A"].expats) * 21


def test_a_radius_costs_the_travel_beyond_it(make_scenario):
    """A 40 km radius with a day's notice leaves 10% of the travel free and 93% of the
    rest (exp(-1/14)).
    """
    sim = started(make_scenario)
    full = capacity(sim)
    sim.apply(TravelRadius(date=sim.today, actor="B", km=40))
    sim.apply(TravelNotice(date=sim.today, actor="B", days=1))
    travel = 0.1 + 0.9 * math.exp(-1 / 14)
    assert capacity(sim) == pytest.approx(full * (0.7 + 0.3 * travel))


def test_longer_notice_costs_more(make_scenario):
    """Two weeks' notice beyond a radius costs more work than one day's."""
    sim = started(make_scenario)
    sim.apply(TravelRadius(date=sim.today, actor="B", km=40))
    sim.apply(TravelNotice(date=sim.today, actor="B", days=1, id="day"))
    one_day = capacity(sim)
    sim.apply(Lift(date=sim.today, actor="B", measure="day"))
    sim.apply(TravelNotice(date=sim.today, actor="B", days=14))
    assert capacity(sim) < one_day


def test_a_wider_radius_costs_less(make_scenario):
    """A 41 km zone takes less work than a 25 km one (the reach table interpolates)."""
    sim = started(make_scenario)
    sim.apply(TravelRadius(date=sim.today, actor="B", km=25, id="narrow"))
    narrow = capacity(sim)
    sim.apply(Lift(date=sim.today, actor="B", measure="narrow"))
    sim.apply(TravelRadius(date=sim.today, actor="B", km=41))
    assert capacity(sim) > narrow


def test_diplomats_cover_missing_local_staff(make_scenario):
    """After a local-hire ban, each local employee laid off costs local_cover
    diplomat-days a working day until replaced.
    """
    sim = started(make_scenario, work={"local_cover": 0.1})
    full = capacity(sim)
    sim.apply(LocalHireBan(date=sim.today, actor="B"))
    later(sim, 1)
    expats = len(sim.missions["A"].expats)
    assert capacity(sim) == pytest.approx(max(0.0, expats * 21 - 250 * 0.1 * 21))
    assert capacity(sim) < full


# -- running cost ----------------------------------------------------------------------------

def test_a_seized_property_costs_its_annual_value(make_scenario):
    """Seizing the dacha adds its 500 a year to the running cost."""
    sim = started(make_scenario)
    spec, a = sim.scenario.sides["A"], sim.missions["A"]
    before = running_cost(spec, a)
    sim.apply(SeizeProperty(date=sim.today, actor="B", property="dacha"))
    assert running_cost(spec, a) == pytest.approx(before + 500)
    assert cost_per_head(spec, a) == pytest.approx((before + 500) / a.staff_total)


def test_banking_restriction_costs_until_guaranteed(make_scenario):
    """A banking restriction adds its surcharge; a guarantee by the host takes it away."""
    sim = started(make_scenario)
    spec, a = sim.scenario.sides["A"], sim.missions["A"]
    before = running_cost(spec, a)
    sim.apply(BankingRestriction(date=sim.today, actor="B"))
    assert running_cost(spec, a) == pytest.approx(before * 1.1)
    sim.apply(BankingGuarantee(date=sim.today, actor="B"))
    assert running_cost(spec, a) == pytest.approx(before)


def test_banking_restriction_slows_local_hiring(make_scenario):
    """Locals laid off are hired back more slowly while banking is restricted."""
    hired = []
    for banking in (False, True):
        sim = started(make_scenario, local_hires_per_month=10)
        if banking:
            sim.apply(BankingRestriction(date=sim.today, actor="B"))
        sim.apply(LocalHireBan(date=sim.today, actor="B", id="ban"))
        later(sim, 1)
        sim.apply(Lift(date=sim.today, actor="B", measure="ban"))
        later(sim, 180)
        hired.append(sim.missions["A"].staff_local)
    assert hired[1] < 0.7 * hired[0]


def test_suspended_flights_make_every_rotation_dearer(make_scenario):
    """Suspended flights add the detour cost of a year's rotations (expatriates / mean
    tour of 3 years).
    """
    sim = started(make_scenario)
    spec, a = sim.scenario.sides["A"], sim.missions["A"]
    before = running_cost(spec, a)
    sim.apply(SuspendFlights(date=sim.today, actor="B"))
    assert running_cost(spec, a) == pytest.approx(before + len(a.expats) / 3 * 5.0)


def test_a_budget_keeps_a_dearer_mission_smaller(make_scenario):
    """With a budget just above its starting cost, a mission whose property is seized
    cannot refill every position.
    """
    sizes = []
    for seize in (False, True):
        sim = Simulation(make_scenario(A={"costs": {"budget": 120 * 300 + 250 * 30 + 300}}),
                         seed=1)
        if seize:
            sim.apply(SeizeProperty(date=sim.today, actor="B", property="dacha"))
        sim.run_until(dt.date(2022, 1, 1))
        sizes.append(len(sim.missions["A"].expats))
    assert sizes[1] < sizes[0]


# -- planning --------------------------------------------------------------------------------

ASSIGN = {"planning": {"assignment_months": {"low": 12, "mode": 12, "high": 12}}}


def test_restored_positions_wait_for_an_assignment(make_scenario):
    """Positions given back by a lift are filled only after the assignment cycle."""
    sim = started(make_scenario, **ASSIGN)
    a = sim.missions["A"]
    sim.apply(Expel(date=sim.today, actor="B", count=30, notice_days=0, id="x"))
    later(sim, 30)
    sim.apply(Lift(date=sim.today, actor="B", measure="x"))
    lifted = sim.today
    assert a.in_assignment == 30
    sim.run_until(lifted + dt.timedelta(days=330))
    assert a.in_assignment == 30
    sim.run_until(lifted + dt.timedelta(days=420))
    assert a.in_assignment == 0 and len(a.expats) >= 115


def test_regular_rotation_needs_no_assignment(make_scenario):
    """A replacement planned with the rotation applies for its visa at once."""
    sim = started(make_scenario, **ASSIGN)
    sim.run_until(dt.date(2021, 3, 1))
    a = sim.missions["A"]
    assert a.in_assignment == 0 and a.visas_issued > 20


def test_a_tour_cut_short_needs_an_assignment(make_scenario):
    """A tenure limit that cuts tours short leaves vacancies that must be assigned."""
    sim = started(make_scenario, **ASSIGN)
    sim.apply(TenureLimit(date=sim.today, actor="B", years=1.0))
    later(sim, 30)
    assert sim.missions["A"].in_assignment > 10


def test_assignments_a_month_pace_the_rebuild(make_scenario):
    """With five assignments a month of one month each, 30 restored positions take six
    months to start: after three months 16 have started and 11 are done.
    """
    plan = {"planning": {"assignment_months": {"low": 1, "mode": 1, "high": 1},
                         "assignments_per_month": 5}}
    sim = started(make_scenario, **plan)
    a = sim.missions["A"]
    sim.apply(Expel(date=sim.today, actor="B", count=30, notice_days=0, id="x"))
    later(sim, 1)
    sim.apply(Lift(date=sim.today, actor="B", measure="x"))
    later(sim, 92)
    assert a.in_assignment == 30 - 11
    later(sim, 150)
    assert a.in_assignment == 0


def test_a_side_that_does_not_rebuild_stays_smaller(make_scenario):
    """With rebuild off, positions given back by a lift are not refilled."""
    sim = started(make_scenario, planning={"rebuild": False})
    a = sim.missions["A"]
    sim.apply(StaffCap(date=sim.today, actor="B", ceiling=250, notice_days=0, id="cap"))
    later(sim, 10)
    sim.apply(LiftAll(date=sim.today, actor="B"))
    later(sim, 365)
    assert a.staff_total <= 252


def test_a_planned_size_below_the_positions_is_kept(make_scenario):
    """A mission planned at 100 expatriates refills only up to 100 after an expulsion is
    lifted.
    """
    sim = started(make_scenario, planning={"planned": {"emb": {"expat": 80}}})
    a = sim.missions["A"]
    sim.apply(Expel(date=sim.today, actor="B", count=40, notice_days=0, id="x"))
    later(sim, 10)
    sim.apply(Lift(date=sim.today, actor="B", measure="x"))
    later(sim, 365)
    assert len(a.expats) - sum(e.replacement_requested for e in a.expats.values()) <= 100


# -- missions to international organisations ------------------------------------------------

UN = {"posts": [
    {"id": "bemb", "name": "B Embassy", "kind": "embassy", "expat": 80, "local": 10,
     "consular_share": 1.0},
    {"id": "bun", "name": "B Mission to the UN", "kind": "un_mission", "expat": 40}]}


def test_expulsions_naming_no_post_spare_the_un_mission(make_scenario):
    """An expulsion of 60 with no post named takes them from the embassy alone."""
    sim = Simulation(make_scenario(B=UN), seed=1)
    sim.run_until(START)
    b = sim.missions["B"]
    un_before = b.posts["bun"].expats
    sim.apply(Expel(date=sim.today, actor="A", count=60, notice_days=0))
    later(sim, 1)
    assert b.posts["bun"].expats == un_before
    assert b.posts["bemb"].expat_positions == 20


def test_visa_refusals_spare_the_un_mission_unless_it_is_named(make_scenario):
    """Refusing every visa to B's staff leaves its UN mission's replacements granted."""
    sim = Simulation(make_scenario(B=UN), seed=1)
    sim.apply(VisaPolicy(date=sim.today, actor="A", approval_rate=0.0, processing_days=10))
    sim.run_until(dt.date(2022, 6, 1))
    b = sim.missions["B"]
    assert b.posts["bun"].expats >= 38 and b.posts["bemb"].expats < 60


# -- parity ----------------------------------------------------------------------------------

def test_staff_gap_and_ratio_compare_the_two_missions(make_scenario):
    """The joint metrics give A's staff minus B's, and A's over B's."""
    sim = Simulation(make_scenario(), seed=1).run()
    names = list(JOINT_METRICS)
    last = dict(zip(names, sim.monitor.joint_values[-1], strict=True))
    a, b = sim.missions["A"].staff_total, sim.missions["B"].staff_total
    assert last["staff_gap"] == a - b and last["staff_ratio"] == pytest.approx(a / b)


def test_visa_reciprocity_counts_the_last_year(make_scenario):
    """Visas granted to a mission's staff are counted over the last 365 days only."""
    sim = started(make_scenario)
    a = sim.missions["A"]
    sim.apply(VisaPolicy(date=sim.today, actor="B", approval_rate=0.0, processing_days=10))
    sim.run_until(START + dt.timedelta(days=400))
    assert visas_granted_year(sim, a) == 0 and a.visas_issued > 0


# -- what the review found ---------------------------------------------------------------------

def test_assignments_dropped_before_they_start_free_their_slots(make_scenario):
    """Assignments a ceiling drops before they start do not hold up the ones after them."""
    plan = {"planning": {"assignment_months": {"low": 3, "mode": 3, "high": 3},
                         "assignments_per_month": 2}}
    sim = started(make_scenario, **plan)
    a = sim.missions["A"]
    sim.apply(Expel(date=sim.today, actor="B", count=100, notice_days=0, id="x"))
    later(sim, 1)
    sim.apply(Lift(date=sim.today, actor="B", measure="x"))
    sim.apply(StaffCap(date=sim.today, actor="B", ceiling=a.staff_total + 1, notice_days=0,
                       id="cap"))
    later(sim, 1)
    sim.apply(Lift(date=sim.today, actor="B", measure="cap"))
    later(sim, 2 * 365)
    # two a month for 21 months after a 3-month cycle: about 42 back, with the 19 left
    assert len(a.expats) > 50


def test_a_standing_tenure_limit_leaves_rotations_planned(make_scenario):
    """Under a tenure limit imposed years ago, departures are known a tour ahead: no
    replacement needs an assignment.
    """
    scenario = make_scenario(A=ASSIGN, moves=[TenureLimit(
        date=dt.date(2020, 1, 2), actor="B", years=1.5, deadline=dt.date(2020, 2, 1))])
    sim = Simulation(scenario, seed=1)
    sim.run_until(dt.date(2022, 6, 1))
    assert sim.missions["A"].in_assignment <= 3


def test_not_rebuilding_still_rehires_locals_after_a_ban(make_scenario):
    """With rebuild off, lifting a ban and an expulsion together brings local staff back:
    only the expatriate positions given back stay empty.
    """
    sim = started(make_scenario, planning={"rebuild": False}, local_hires_per_month=100)
    a = sim.missions["A"]
    sim.apply(LocalHireBan(date=sim.today, actor="B"))
    sim.apply(Expel(date=sim.today, actor="B", count=20, notice_days=0))
    later(sim, 30)
    sim.apply(LiftAll(date=sim.today, actor="B"))
    later(sim, 365)
    assert a.staff_local == 250 and len(a.expats) <= 101


def test_not_rebuilding_keeps_those_leaving_replaced(make_scenario):
    """Lifting a ceiling without rebuilding keeps the mission at the size it held, those
    whose replacement was sought included.
    """
    sim = started(make_scenario, planning={"rebuild": False})
    a = sim.missions["A"]
    sim.apply(StaffCap(date=sim.today, actor="B", ceiling=300, notice_days=0, id="cap"))
    later(sim, 1)
    held = a.staff_total
    sim.apply(Lift(date=sim.today, actor="B", measure="cap"))
    later(sim, 2 * 365)
    assert held - 3 <= a.staff_total <= held + 3


def test_a_new_banking_restriction_outweighs_an_old_guarantee(make_scenario):
    """Restricting banking again after guaranteeing it makes it restricted again."""
    sim = started(make_scenario)
    spec, a = sim.scenario.sides["A"], sim.missions["A"]
    sim.apply(BankingRestriction(date=sim.today, actor="B"))
    sim.apply(BankingGuarantee(date=sim.today, actor="B"))
    later(sim, 30)
    before = running_cost(spec, a)
    sim.apply(BankingRestriction(date=sim.today, actor="B"))
    assert running_cost(spec, a) == pytest.approx(before * 1.1)


def test_a_budget_limits_local_hiring_too(make_scenario):
    """A budget below the full mission's cost stops local rehiring at the budget."""
    budget = 0.8 * (120 * 300 + 250 * 30)
    sim = started(make_scenario, costs={"budget": budget}, local_hires_per_month=100)
    spec, a = sim.scenario.sides["A"], sim.missions["A"]
    sim.apply(LocalHireBan(date=sim.today, actor="B", id="ban"))
    later(sim, 1)
    sim.apply(Lift(date=sim.today, actor="B", measure="ban"))
    later(sim, 365)
    assert running_cost(spec, a) <= budget


def test_rotations_blocked_by_a_ceiling_stay_planned(make_scenario):
    """A replacement sought in time but held back by a full ceiling needs no assignment
    when room comes.
    """
    sim = started(make_scenario, **ASSIGN)
    a = sim.missions["A"]
    sim.apply(StaffCap(date=sim.today, actor="B", ceiling=a.staff_total, notice_days=0))
    later(sim, 365)
    assert a.in_assignment <= 1


def test_missing_local_work_ends_with_the_post(make_scenario):
    """Locals laid off by a ban at a post that then closes are not missed for ever."""
    sim = started(make_scenario, work={"local_cover": 0.1})
    sim.apply(LocalHireBan(date=sim.today, actor="B", id="ban"))
    later(sim, 1)
    sim.apply(ClosePost(date=sim.today, actor="A", target="A", post="con", notice_days=0))
    later(sim, 1)
    sim.apply(Lift(date=sim.today, actor="B", measure="ban"))
    later(sim, 365)
    expats = len(sim.missions["A"].expats)
    assert capacity(sim) == pytest.approx(expats * 21)
