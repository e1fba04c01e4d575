"""Host nationals' visas: who serves the queue, how long it gets, who goes elsewhere.

The small scenario's side A has 120 expatriate and 250 local positions, a core of
20 expatriates, 30 consular officers at full strength interviewing 200 a month
each (6,000 a month), 70% of its consular work at the embassy and 30% at the
consulate. Side B has no demand set: it serves all it can.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sim.consular import capacity_per_month, officers
from sim.model import Simulation
from sim.moves import Expel, LocalHireBan, ResumeConsular, SuspendConsular

FULL = 30 * 200


def expected(sim: Simulation, share: float = 1.0, support: float = 1.0) -> float:
    """Officers in proportion to the expatriates beyond the core of 20, times 200."""
    beyond = min(1.0, (len(sim.missions["A"].expats) - 20) / 100)
    return 30 * beyond * 200 * share * support


def run_to(sim: Simulation, date: dt.date) -> Simulation:
    sim.run_until(date)
    return sim


def settle(sim: Simulation, days: int = 1) -> None:
    sim.run_until(sim.today + dt.timedelta(days=days))


def started(make_scenario, **consular) -> Simulation:
    scenario = make_scenario(A={"consular": consular} if consular else {})
    return run_to(Simulation(scenario, seed=1), dt.date(2020, 3, 1))


def test_without_demand_output_is_all_the_section_can_serve(make_scenario):
    """With no demand given, a mission at full strength issues what its officers can."""
    sim = started(make_scenario)
    assert sim.consular.output_per_month("A") == pytest.approx(expected(sim))
    assert expected(sim) > 0.9 * FULL
    assert sim.consular.wait_days("A") == 0.0


def test_officers_scale_with_the_expatriates_beyond_the_core(make_scenario):
    """Losing expatriates beyond the core loses officers in proportion; at the core,
    none are left.
    """
    sim = started(make_scenario)
    spec, a = sim.scenario.sides["A"], sim.missions["A"]
    sim.apply(Expel(date=sim.today, actor="B", count=30, notice_days=0))
    settle(sim)
    assert 80 < len(a.expats) <= 90
    assert officers(spec, a) == pytest.approx(30 * (len(a.expats) - 20) / (120 - 20))
    sim.apply(Expel(date=sim.today, actor="B", count=70, notice_days=0))
    settle(sim)
    assert len(a.expats) <= 20
    assert officers(spec, a) == 0 and sim.consular.output_per_month("A") == 0


def test_officers_are_never_more_than_the_expatriates_beyond_the_core(make_scenario):
    """A section of 30 officers at full strength has no more than 5 when only 5
    expatriates are left beyond the core.
    """
    sim = started(make_scenario, local_support=0.0)
    sim.apply(Expel(date=sim.today, actor="B", count=len(sim.missions["A"].expats) - 25,
                    notice_days=0))
    settle(sim)
    spec, a = sim.scenario.sides["A"], sim.missions["A"]
    assert len(a.expats) == 25 and officers(spec, a) == min(5, 30 * 5 / 100)


def test_local_staff_do_not_adjudicate(make_scenario):
    """A mission with local employees but no expatriates issues no visas."""
    sim = started(make_scenario, local_support=0.0)
    sim.apply(Expel(date=sim.today, actor="B", count=120, notice_days=0))
    settle(sim)
    a = sim.missions["A"]
    assert a.staff_local == 250 and not a.expats
    assert sim.consular.output_per_month("A") == 0


def test_officers_without_local_support_do_less(make_scenario):
    """With every local employee gone, officers lose the share of their output that
    local staff support.
    """
    sim = started(make_scenario, local_support=0.4)
    sim.apply(LocalHireBan(date=sim.today, actor="B"))
    settle(sim)
    assert sim.missions["A"].staff_local == 0
    assert sim.consular.output_per_month("A") == pytest.approx(expected(sim, support=0.6))


def test_suspension_scales_output_by_the_share_still_issuing(make_scenario):
    """Suspending the consulate's visa work leaves the embassy's 70%; suspending all
    stops it; resuming restores it.
    """
    sim = started(make_scenario)
    sim.apply(SuspendConsular(date=sim.today, actor="A", target="A", posts=["con"]))
    assert sim.consular.output_per_month("A") == pytest.approx(expected(sim, share=0.7))
    sim.apply(SuspendConsular(date=sim.today, actor="A", target="A"))
    assert sim.consular.output_per_month("A") == 0
    assert math.isnan(sim.consular.wait_days("A"))
    sim.apply(ResumeConsular(date=sim.today, actor="A", target="A"))
    assert sim.consular.output_per_month("A") == pytest.approx(expected(sim))


def test_demand_below_capacity_is_served_within_a_week(make_scenario):
    """Demand of half the capacity is all served: short waits, output = demand less
    refusals, nobody going elsewhere.
    """
    sim = started(make_scenario, demand_per_month=3000, refusal_rate=0.1)
    waits = []
    for _ in range(10):
        settle(sim, 7)
        waits.append(sim.consular.wait_days("A"))
    assert max(waits) < 7
    assert sim.consular.output_per_month("A") == pytest.approx(2700, rel=0.08)
    assert sim.consular.elsewhere_per_month("A") == 0


def test_demand_above_capacity_waits_until_applicants_give_up(make_scenario):
    """Demand of twice the capacity builds a queue until the wait drives the excess
    to third countries: the wait settles near patience x ln(demand / capacity).
    """
    sim = started(make_scenario, demand_per_month=2 * FULL, patience_days=100)
    sim.run_until(dt.date(2021, 6, 1))
    assert sim.consular.wait_days("A") == pytest.approx(100 * math.log(2), rel=0.15)
    assert sim.consular.output_per_month("A") == pytest.approx(FULL, rel=0.05)
    assert sim.consular.elsewhere_per_month("A") == pytest.approx(FULL, rel=0.15)
    assert sim.consular.backlog("A") == pytest.approx(
        sim.consular.wait_days("A") * FULL / (365.25 / 12), rel=0.01)


def test_a_long_halt_cancels_the_appointments(make_scenario):
    """Interviews stopped for longer than cancel_after_days (30): the backlog goes to
    third countries and the wait is undefined.
    """
    sim = started(make_scenario, demand_per_month=2 * FULL, patience_days=100)
    sim.run_until(dt.date(2020, 9, 1))
    backlog = sim.consular.backlog("A")
    assert backlog > FULL
    sim.apply(SuspendConsular(date=sim.today, actor="A", target="A"))
    settle(sim, 7)
    assert sim.consular.backlog("A") == backlog and math.isnan(sim.consular.wait_days("A"))
    settle(sim, 28)
    assert sim.consular.backlog("A") == 0
    assert sim.consular.elsewhere_per_month("A") > backlog / 4


def test_a_short_halt_reschedules_the_appointments(make_scenario):
    """A halt of a week keeps the queue: the wait after it is no shorter than before."""
    sim = started(make_scenario, demand_per_month=2 * FULL, patience_days=100)
    sim.run_until(dt.date(2020, 9, 1))
    before = sim.consular.wait_days("A")
    sim.apply(SuspendConsular(date=sim.today, actor="A", target="A", id="halt"))
    settle(sim, 8)
    sim.apply(ResumeConsular(date=sim.today, actor="A", target="A"))
    settle(sim, 7)
    assert sim.consular.wait_days("A") >= before


def test_service_below_one_interview_a_week_is_not_lost(make_scenario):
    """A section that can hold 3 interviews a month still issues visas: the part of an
    interview a week leaves over is carried to the next.
    """
    scenario = make_scenario(A={"consular_staff_max": 1, "consular_rate": 3,
                                "consular": {"demand_per_month": 2, "patience_days": 1000}})
    sim = run_to(Simulation(scenario, seed=1), dt.date(2021, 6, 1))
    assert capacity_per_month(sim.scenario.sides["A"], sim.missions["A"]) <= 3
    assert sim.consular.output_per_month("A") > 0


def test_demand_peaks_in_its_month(make_scenario):
    """With seasonality 0.25 and a July peak, July's demand is 25% above the average
    and January's 25% below.
    """
    sim = started(make_scenario, demand_per_month=1000, seasonality=0.25, peak_month=7)
    july, january = sim.scenario.day(dt.date(2020, 7, 1)), sim.scenario.day(dt.date(2021, 1, 1))
    month = 365.25 / 12
    assert sim.consular.demand("A", july) * month == pytest.approx(1250, rel=0.01)
    assert sim.consular.demand("A", january) * month == pytest.approx(750, rel=0.01)


def test_capacity_counts_only_posts_with_someone_in_them(make_scenario):
    """A consulate with no expatriates left issues nothing, though it is open."""
    sim = started(make_scenario)
    sim.apply(Expel(date=sim.today, actor="B", count=20, post="con", notice_days=0))
    settle(sim)
    a = sim.missions["A"]
    assert a.posts["con"].expats == 0 and a.posts["con"].open
    spec = sim.scenario.sides["A"]
    assert capacity_per_month(spec, a) == pytest.approx(officers(spec, a) * 200 * 0.7)
