"""Tests for the model's mechanics: what each move does to a mission, and when.

Every test builds the small scenario of ``conftest.py`` (A: 120 expatriate and
250 local positions at an embassy and a consulate; B: one embassy of 80 + 10),
runs it to a date, makes moves interactively and checks the state against
numbers derived from that setup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import metrics
from sim.model import Simulation
from sim.moves import (
    BY_NAME,
    ClosePost,
    Expel,
    Lift,
    LiftAll,
    LocalHireBan,
    ReopenPost,
    SeizeProperty,
    StaffCap,
    SuspendConsular,
    TenureLimit,
    TravelRadius,
    VisaPolicy,
)
from sim.staffing import YEAR
from sim.state import Mission
from tests.moves.harness import make_move

METRICS = list(metrics.SIDE_METRICS)
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)


# -- helpers -------------------------------------------------------------------


def advance(sim: Simulation, days: int) -> None:
    """Run to the start of the day ``days`` after today."""
    sim.run_until(sim.today + dt.timedelta(days=days))


def settle(sim: Simulation) -> None:
    """Let effects scheduled for this very instant (zero notice) happen."""
    sim.clock.run(until=sim.now + 1e-6)


def weekly(sim: Simulation, until: dt.date) -> Iterator[dt.date]:
    """Advance a week at a time up to ``until``, yielding each date reached."""
    while sim.today + WEEK <= until:
        sim.run_until(sim.today + WEEK)
        yield sim.today


def expat_positions(mission: Mission) -> int:
    return sum(p.expat_positions for p in mission.posts.values())


def local_positions(mission: Mission) -> int:
    return sum(p.local_positions for p in mission.posts.values())


def committed(mission: Mission) -> int:
    """Expatriates staying on (not yet replaced) plus replacements on the way."""
    return sum(p.expats - p.requested + p.pipeline for p in mission.posts.values())


def series(sim: Simulation, side: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Days sampled so far and one metric of one side on those days."""
    taken = sim.monitor.taken
    values = sim.monitor.side_values[:taken, sim.monitor.sides.index(side), METRICS.index(metric)]
    return sim.monitor.days[:taken], values


def run_to(sim: Simulation, year: int, month: int, day: int = 1) -> Mission:
    """Run to a date and return A's mission (the one most tests act on)."""
    sim.run_until(dt.date(year, month, day))
    return sim.missions["A"]


# -- 1. tenure limit -----------------------------------------------------------


def test_tenure_limit_forces_out_those_over_it_at_the_deadline_only(make_scenario):
    """Covered staff over the limit leave on the deadline, not before; nobody covered
    stays past the limit afterwards; uncovered posts keep their tours.
    """
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 2)
    deadline = dt.date(2020, 6, 1)
    dday, limit = sim.scenario.day(deadline), 3 * YEAR
    forced = {e.id for e in a.expats.values()
              if e.post == "emb" and e.arrival + limit < dday < e.leave_at}
    consulate_tours = {e.id: e.leave_at for e in a.expats.values() if e.post == "con"}
    assert forced, "setup should have embassy staff over 3 years at the deadline"

    sim.apply(TenureLimit(date=sim.today, actor="B", years=3, deadline=deadline, posts=["emb"]))
    assert {i: a.expats[i].leave_at for i in consulate_tours} == consulate_tours
    sim.run_until(deadline)
    assert forced <= set(a.expats)  # the whole day before the deadline: still in post
    sim.run_until(deadline + DAY)
    assert not forced & set(a.expats)

    longest_at_consulate = 0.0
    for _ in weekly(sim, sim.scenario.end):
        for e in a.expats.values():
            if e.post == "emb":
                assert sim.now - e.arrival <= limit + 1e-6, (e, sim.today)
            else:
                longest_at_consulate = max(longest_at_consulate, sim.now - e.arrival)
    assert longest_at_consulate > limit  # the consulate is not covered


def test_tenure_limit_with_generous_visas_keeps_the_mission_full(make_scenario):
    """Replacements are allowed: with visas granted in ~20 days the mission refills."""
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 2)
    positions = expat_positions(a)
    sim.apply(TenureLimit(date=sim.today, actor="B", years=3, deadline=dt.date(2020, 6, 1)))
    sim.run_until(dt.date(2020, 7, 1))
    for _ in weekly(sim, sim.scenario.end):
        assert positions - 6 <= len(a.expats) <= positions + 15
    assert a.visas_denied == 0


def test_tenure_limit_without_visas_shrinks_the_mission_faster(make_scenario):
    """With every visa refused the mission only loses staff, and the limit makes it
    lose them sooner than tours ending on their own.
    """
    counts = {}
    for limited in (True, False):
        sim = Simulation(make_scenario(), seed=1)
        a = run_to(sim, 2020, 2)
        if limited:
            sim.apply(TenureLimit(date=sim.today, actor="B", years=3,
                                  deadline=dt.date(2020, 6, 1)))
        sim.apply(VisaPolicy(date=sim.today, actor="B", approval_rate=0.0, processing_days=20))
        issued = a.visas_issued
        # visas granted before the policy have arrived: a replacement comes when its
        # predecessor leaves, at most visa_lead_days (90) after it was sought
        sim.run_until(dt.date(2020, 5, 15))
        assert a.in_transit == 0
        counts[limited] = [len(a.expats) for _ in weekly(sim, sim.scenario.end)]
        assert a.visas_issued == issued
        assert all(later <= earlier for earlier, later
                   in zip(counts[limited], counts[limited][1:], strict=False))
    assert all(w <= wo for w, wo in zip(counts[True], counts[False], strict=True))
    assert counts[True][-1] < counts[False][-1]
    assert counts[True][-1] <= 0.1 * expat_positions(sim.missions["A"])


def test_tenure_limit_covers_staff_relocated_into_a_covered_post(make_scenario):
    """Staff moved into a covered post by a closure are held to its tenure limit."""
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 3)
    sim.apply(TenureLimit(date=sim.today, actor="B", years=1, deadline=dt.date(2020, 6, 1),
                          posts=["emb"]))
    sim.apply(ClosePost(date=sim.today, actor="B", post="con"))
    sim.run_until(dt.date(2021, 1, 1))
    over = [e for e in a.expats.values() if e.post == "emb" and sim.now - e.arrival > YEAR]
    assert over == []


def test_lifting_a_tenure_limit_frees_those_who_arrived_under_it(make_scenario):
    """After the limit is lifted nobody's tour is shorter than tour_years.low (2 years)."""
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 3)
    sim.apply(TenureLimit(date=sim.today, actor="B", years=1, id="limit"))
    sim.run_until(dt.date(2020, 9, 1))
    sim.apply(Lift(date=sim.today, actor="B", measure="limit"))
    assert not a.in_force("tenure_limit")
    held = [e for e in a.expats.values() if e.leave_at - e.arrival < 2 * YEAR - 1e-6]
    assert held == []


# -- 2. local-hire ban ---------------------------------------------------------


def test_local_hire_ban_lays_off_on_the_effective_day_and_lift_rehires(make_scenario):
    """All locals go on the day the ban takes effect (not before), none are hired while
    it is in force, and after it is lifted they are rehired over the following months.
    """
    sim = Simulation(make_scenario(A={"local_hire_days": 30, "local_hires_per_month": 1000}),
                     seed=1)
    a = run_to(sim, 2020, 3)
    start_locals = local_positions(a)
    assert a.staff_local == start_locals == 250
    sim.apply(LocalHireBan(date=sim.today, actor="B", notice_days=20, id="ban"))
    advance(sim, 20)  # start of the effective day: 20 full days of notice
    assert a.staff_local == 250
    advance(sim, 1)
    assert a.staff_local == 0

    for _ in weekly(sim, dt.date(2020, 9, 1)):
        assert a.staff_local == 0
    assert local_positions(a) == 250  # positions stay, to be refilled when allowed

    sim.apply(Lift(date=sim.today, actor="B", measure="ban"))
    assert not a.in_force("local_hire_ban")
    monthly = []
    for _ in range(12):
        advance(sim, 30)
        monthly.append(a.staff_local)
    # Each vacancy takes an exponential 30 days on average: 1 - e^-1 = 63% in a month.
    assert 120 <= monthly[0] <= 195
    assert monthly == sorted(monthly)
    assert monthly[-1] == 250


def test_local_hiring_is_limited_by_the_missions_capacity(make_scenario):
    """However many vacancies, a mission hires at most about local_hires_per_month a month."""
    sim = Simulation(make_scenario(A={"local_hire_days": 30, "local_hires_per_month": 20}),
                     seed=1)
    a = run_to(sim, 2020, 3)
    sim.apply(LocalHireBan(date=sim.today, actor="B", id="ban"))
    advance(sim, 1)
    sim.apply(Lift(date=sim.today, actor="B", measure="ban"))
    counts = []
    for _ in range(6):
        advance(sim, 30.4)
        counts.append(a.staff_local)
    assert 8 <= counts[0] <= 35          # Poisson(20) in the first month
    assert 80 <= counts[-1] <= 160       # about 120 after six months, of 250 vacancies


# -- 3. staff cap --------------------------------------------------------------


@pytest.mark.parametrize("ceiling", [250, 150, 120])
def test_staff_cap_enforced_on_the_deadline_in_reduction_order(make_scenario, ceiling):
    """No cut before the deadline; on it staff fall to the ceiling, locals first down to
    ``keep`` (50) in proportion to posts, then expatriates; never above it afterwards.
    """
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 3)
    sim.apply(StaffCap(date=sim.today, actor="B", ceiling=ceiling, notice_days=30))
    advance(sim, 30)
    assert (a.staff_local, local_positions(a), expat_positions(a)) == (250, 250, 120)
    expats = len(a.expats)
    excess = a.staff_total - ceiling
    locals_cut = min(excess, 250 - 50)

    settle(sim)
    assert a.staff_total == ceiling
    assert a.staff_local == 250 - locals_cut
    assert len(a.expats) == expats - (excess - locals_cut)
    # cut across posts in proportion to their 200 : 50 locals
    assert a.posts["emb"].local == 200 - round(locals_cut * 0.8)
    assert a.posts["con"].local == 50 - round(locals_cut * 0.2)
    assert local_positions(a) == a.staff_local

    for _ in weekly(sim, sim.scenario.end):
        assert a.staff_total <= ceiling
        assert a.staff_local <= local_positions(a)


def test_staff_cap_leaves_positions_for_the_staff_it_allows(make_scenario):
    """After the cut the mission keeps exactly as many positions as the ceiling allows."""
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 3)
    sim.apply(StaffCap(date=sim.today, actor="B", ceiling=150, notice_days=30))
    advance(sim, 30)
    settle(sim)
    assert a.staff_total == 150
    assert expat_positions(a) + local_positions(a) == 150


# -- 4. visas ------------------------------------------------------------------


def test_visa_denial_shrinks_the_mission_as_tours_end(make_scenario):
    """With approval 0 no visa is issued, denials pile up and expatriates only leave."""
    scenario = make_scenario(A={"host_visa_policy": {"approval_rate": 0.0,
                                                     "processing_days": 20}})
    sim = Simulation(scenario, seed=1)
    a = sim.missions["A"]
    tours_end = sorted(e.leave_at for e in a.expats.values())
    denied = []
    for _ in weekly(sim, sim.scenario.end):
        assert a.visas_issued == 0
        # nobody can arrive, so those left are exactly the starting staff still on tour
        assert len(a.expats) == sum(t > sim.now for t in tours_end)
        denied.append(a.visas_denied)
    assert denied == sorted(denied)
    # a replacement is sought 90 days before each tour ends and refused, then applied
    # for again after reapply_days (30), so about once per 20 + 30 days for as long as
    # the vacancy lasts
    cycle = 20 + sim.scenario.sides["A"].reapply_days
    waiting_days = sum(sim.now - max(0.0, t - 90) for t in tours_end if t - 90 < sim.now)
    assert 0.9 * waiting_days / cycle <= a.visas_denied <= 1.1 * waiting_days / cycle
    # every expatriate position not filled by someone staying on waits in the queue
    requested = sum(p.requested for p in a.posts.values())
    assert a.visa_queue == expat_positions(a) - len(a.expats) + requested
    assert len(a.expats) < 0.25 * expat_positions(a)


@pytest.mark.parametrize("lead", [90, 600])
def test_generous_visas_keep_staff_at_positions_without_doubling_up(make_scenario, lead):
    """With approval 1 and ~20-day processing, a replacement arrives as its predecessor
    leaves: expatriates stay within a few of the positions and never above them, however
    early replacements are sought.
    """
    sim = Simulation(make_scenario(A={"visa_lead_days": lead}), seed=1)
    a = sim.missions["A"]
    positions = expat_positions(a)
    for _ in weekly(sim, sim.scenario.end):
        assert positions - 6 <= len(a.expats) <= positions
    assert a.visas_denied == 0
    if lead == 90:  # three years of ~3-year tours: about one replacement per position
        assert 0.8 * positions <= a.visas_issued <= 1.4 * positions


def test_visa_quota_caps_visas_issued_per_365_day_window(make_scenario):
    """No more than ``quota`` visas are granted in any 365-day window from the start."""
    quota = 25
    scenario = make_scenario(A={"host_visa_policy": {"approval_rate": 1.0, "processing_days": 5,
                                                     "quota": quota}})
    sim = Simulation(scenario, seed=1)
    a = sim.missions["A"]
    issued = [0]
    for window in (1, 2):
        sim.run_until(sim.scenario.start + dt.timedelta(days=365 * window))
        issued.append(a.visas_issued)
        assert a.visa_queue > 0  # demand outruns the quota: it binds
    assert np.diff(issued).tolist() == [quota, quota]
    sim.run()
    assert max(a.issued_by_year.values()) <= quota
    assert sim.missions["B"].visas_issued > quota  # B's host has no quota


# -- 5. closing and reopening posts ---------------------------------------------


def test_close_post_moves_expats_to_the_embassy_and_lays_off_locals(make_scenario):
    """Closing the consulate: closed, its locals gone, its expatriates and positions
    moved to the embassy (none lost), one post fewer open.
    """
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 6)
    emb, con = a.posts["emb"], a.posts["con"]
    expats, at_emb, at_con = len(a.expats), emb.expats, con.expats
    sim.apply(ClosePost(date=sim.today, actor="B", post="con", notice_days=0))
    settle(sim)
    assert not con.open
    assert (con.local, con.expats, con.expat_positions) == (0, 0, 0)
    assert a.staff_local == 200
    assert len(a.expats) == expats
    assert emb.expats == at_emb + at_con
    assert emb.expat_positions == 120
    assert a.posts_open == 1

    for _ in weekly(sim, dt.date(2021, 1, 1)):
        assert con.expats == con.local == 0
        assert a.staff_local == 200
    days, posts_open = series(sim, "A", "posts_open")
    closed_day = sim.scenario.day(dt.date(2020, 6, 1))
    assert set(posts_open[days < closed_day]) == {2}
    assert set(posts_open[days > closed_day]) == {1}


def test_reopen_post_refills_it_over_time(make_scenario):
    """Reopening gives the post back its expatriate positions and the staff moved with
    them, and its 50 local positions are refilled by hiring.
    """
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 6)
    sim.apply(ClosePost(date=sim.today, actor="B", post="con", id="close"))
    sim.run_until(dt.date(2021, 1, 1))
    sim.apply(ReopenPost(date=sim.today, actor="B", post="con"))
    con = a.posts["con"]
    assert con.open and a.posts_open == 2
    assert (con.expat_positions, a.posts["emb"].expat_positions) == (20, 100)
    assert con.expats == 20 and con.pipeline == 0  # the moved staff come back
    assert committed(a) <= expat_positions(a)
    advance(sim, 120)
    assert con.expats >= 20
    assert con.local == 50 and a.staff_local == 250


def test_reopening_does_not_overstaff_the_mission(make_scenario):
    """Reopening a post does not commit the mission to more expatriates than positions."""
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 6)
    sim.apply(ClosePost(date=sim.today, actor="B", post="con"))
    sim.run_until(dt.date(2021, 1, 1))
    assert committed(a) <= expat_positions(a)
    sim.apply(ReopenPost(date=sim.today, actor="B", post="con"))
    assert committed(a) <= expat_positions(a)


def test_closing_the_only_post_sends_its_staff_home(make_scenario):
    """A post with nowhere to relocate to: its expatriates go home and nobody is sought."""
    sim = Simulation(make_scenario(), seed=1)
    sim.run_until(dt.date(2020, 6, 1))
    b = sim.missions["B"]
    assert b.staff_total >= 90
    sim.apply(ClosePost(date=sim.today, actor="A", post="bemb", notice_days=0))
    settle(sim)
    assert (b.staff_total, b.pipeline, b.posts_open) == (0, 0, 0)
    assert b.posts["bemb"].expat_positions == 0
    for _ in weekly(sim, dt.date(2021, 1, 1)):
        assert b.staff_total == b.pipeline == 0
    days, posts_open = series(sim, "B", "posts_open")
    assert set(posts_open[days > sim.now - 180]) == {0}

    sim.apply(ReopenPost(date=sim.today, actor="A", post="bemb"))
    assert b.posts["bemb"].expat_positions == 80
    advance(sim, 90)
    assert len(b.expats) == 80 and b.staff_local == 10


def test_lifting_a_second_closure_keeps_the_post_closed(make_scenario):
    """While one closure of a post is in force, lifting another leaves it closed."""
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 6)
    sim.apply(ClosePost(date=sim.today, actor="B", post="con", id="first"))
    advance(sim, 30)
    sim.apply(ClosePost(date=sim.today, actor="B", post="con", id="second"))
    advance(sim, 30)
    sim.apply(Lift(date=sim.today, actor="B", measure="second"))
    assert "first" in a.measures
    advance(sim, 60)
    assert not a.posts["con"].open
    assert a.posts["con"].local == 0


def test_lifting_a_second_seizure_keeps_the_property_seized(make_scenario):
    """While one seizure of a property is in force, lifting another leaves it seized."""
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 6)
    sim.apply(SeizeProperty(date=sim.today, actor="B", property="dacha", id="first"))
    sim.apply(SeizeProperty(date=sim.today, actor="B", property="dacha", id="second"))
    sim.apply(Lift(date=sim.today, actor="B", measure="second"))
    assert "first" in a.measures
    assert a.properties["dacha"] is False


def test_lifting_a_partial_suspension_keeps_a_general_one(make_scenario):
    """While a suspension of all posts is in force, lifting one of a single post leaves
    consular output at zero.
    """
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 6)
    sim.apply(SuspendConsular(date=sim.today, actor="A", target="A", id="all"))
    sim.apply(SuspendConsular(date=sim.today, actor="A", target="A", posts=["con"], id="con"))
    sim.apply(Lift(date=sim.today, actor="A", measure="con"))
    assert "all" in a.measures
    assert sim.consular.output_per_month("A") == 0.0


# -- 6. lift_all ----------------------------------------------------------------


def test_lift_all_clears_the_actors_restrictions_and_the_mission_recovers(make_scenario):
    """LiftAll by B lifts every restriction B has on A (not A's on B) and A's mission
    grows back toward its starting size over two years.
    """
    sim = Simulation(make_scenario(), seed=1)
    a, b = run_to(sim, 2020, 3), sim.missions["B"]
    start_staff = a.staff_total
    today = sim.today
    for move in (Expel(date=today, actor="B", count=20),
                 StaffCap(date=today, actor="B", ceiling=200),
                 LocalHireBan(date=today, actor="B"),
                 TravelRadius(date=today, actor="B", km=40),
                 VisaPolicy(date=today, actor="B", approval_rate=0.5, processing_days=60),
                 Expel(date=today, actor="A", count=5, id="a-expel"),
                 TravelRadius(date=today, actor="A", km=25, id="a-radius")):
        sim.apply(move)
    sim.run_until(dt.date(2020, 9, 1))
    assert len(a.restrictions()) == 5
    assert a.staff_local == 0 and a.staff_total < 200
    lift_day = sim.now

    sim.apply(LiftAll(date=sim.today, actor="B"))
    assert a.restrictions() == []
    assert sorted(m.id for m in b.restrictions()) == ["a-expel", "a-radius"]
    assert (expat_positions(a), local_positions(a)) == (120, 250)

    sim.run_until(dt.date(2022, 9, 1))
    assert a.staff_total >= 0.95 * start_staff
    assert a.staff_local == 250
    days, on_a = series(sim, "A", "restrictions_in_force")
    _, on_b = series(sim, "B", "restrictions_in_force")
    _, radius = series(sim, "A", "travel_radius_km")
    assert on_a[days < lift_day][-1] == 5
    assert set(on_a[days >= lift_day]) == {0}
    assert set(on_b[days >= lift_day]) == {2}
    assert radius[days < lift_day][-1] == 40
    assert np.isnan(radius[days >= lift_day]).all()


# -- 7. expulsion ---------------------------------------------------------------


def test_expelling_someone_withdraws_the_replacement_sought_for_them(make_scenario):
    """An expelled person's position is abolished, so the replacement already sought for
    them is withdrawn; only replacements for positions already vacant still come.
    """
    sim = Simulation(make_scenario(), seed=1)
    b = sim.missions["B"]
    sim.run_until(dt.date(2020, 3, 1))
    sought = b.posts["bemb"].requested
    vacant = b.posts["bemb"].expat_positions - len(b.expats)
    assert sought > 0
    sim.apply(Expel(date=sim.today, actor="A", count=80, notice_days=0))
    sim.run_until(dt.date(2020, 3, 2))
    assert len(b.expats) == 0
    assert b.posts["bemb"].expat_positions == b.pipeline == vacant
    sim.run_until(dt.date(2020, 9, 1))
    assert len(b.expats) == vacant


def test_expel_removes_staff_after_notice_and_abolishes_positions_until_lifted(make_scenario):
    """Expelled staff leave when the notice ends; their positions are not refilled while
    the expulsion is in force, and are after it is lifted.
    """
    sim = Simulation(make_scenario(), seed=1)
    a = run_to(sim, 2020, 3)
    measure = sim.apply(Expel(date=sim.today, actor="B", count=30, notice_days=10, id="x"))
    advance(sim, 10)
    assert expat_positions(a) == 120 and measure.state.positions == {}
    before = len(a.expats)
    settle(sim)
    assert len(a.expats) == before - 30
    assert expat_positions(a) == 90
    assert sum(n for n, _ in measure.state.positions.values()) == 30

    counts = [len(a.expats) for _ in weekly(sim, dt.date(2021, 3, 1))]
    assert expat_positions(a) == 90
    assert max(counts) <= 90 + 15  # handover overlap at most, never back toward 120
    assert np.mean(counts) < 100

    sim.apply(Lift(date=sim.today, actor="B", measure="x"))
    assert expat_positions(a) == 120
    advance(sim, 120)
    assert len(a.expats) >= 120


# -- 8. reproducibility ---------------------------------------------------------


def _scripted_scenario(make_scenario):
    return make_scenario(moves=[
        {"date": dt.date(2020, 4, 1), "actor": "B", "move": "expel", "count": 15, "id": "x"},
        {"date": dt.date(2020, 6, 1), "actor": "A", "move": "staff_cap", "ceiling": 70},
        {"date": dt.date(2021, 1, 1), "actor": "B", "move": "visa_policy",
         "approval_rate": 0.6, "processing_days": 45},
        {"date": dt.date(2021, 6, 1), "actor": "B", "move": "lift", "measure": "x"},
    ])


def test_same_seed_same_run_different_seed_different_run(make_scenario):
    """A run is a function of scenario and seed: same seed, identical monitor arrays."""
    scenario = _scripted_scenario(make_scenario)
    runs = [Simulation(scenario, seed=seed).run() for seed in (3, 3, 4)]
    first, again, other = (r.monitor for r in runs)
    np.testing.assert_array_equal(first.side_values, again.side_values)
    np.testing.assert_array_equal(first.joint_values, again.joint_values)
    assert runs[0].events_processed == runs[1].events_processed
    assert [m.id for m in runs[0].measures] == ["x", "A-staff_cap-1", "B-visa_policy-1"]
    assert not np.array_equal(first.side_values, other.side_values, equal_nan=True)


# -- 9. consular output: see test_consular.py ------------------------------------


# -- 10. invariants under random moves -----------------------------------------


def _check_invariants(sim: Simulation) -> None:
    for mission in sim.missions.values():
        assert mission.staff_total == len(mission.expats) + mission.staff_local
        assert mission.visa_queue >= 0 and mission.in_transit >= 0
        applications = mission.applications.values()
        assert mission.visa_queue == sum(not x.in_transit and not x.assigning
                                         for x in applications)
        assert mission.in_assignment == sum(x.assigning for x in applications)
        assert mission.in_transit == sum(x.in_transit for x in applications)
        for expat_id in {x.predecessor for x in applications} - {None} | set(mission.expats):
            # the index of replacements agrees with a scan of the pipeline
            assert mission.replacements(expat_id) == [
                x for x in applications if x.predecessor == expat_id]
        # the totals kept as posts change agree with the posts
        posts = mission.posts.values()
        assert mission.staff_local == sum(p.local for p in posts)
        assert mission.planned_expats == sum(p.planned_expat for p in posts)
        assert mission.local_plan_room == sum(
            p.planned_local for p in posts if p.open) - mission.staff_local
        assert mission.open_start_locals == sum(p.start_local for p in posts if p.open)
        assert mission.expat_plan_room == mission.planned_expats - sum(
            p.expats - p.requested + p.pipeline for p in posts)
        for post in mission.posts.values():
            assert post.expat_positions >= 0 and post.local_positions >= 0, post
            assert 0 <= post.local <= post.local_positions, post
            assert post.expats == sum(e.post == post.id for e in mission.expats.values()), post
            assert post.pipeline >= 0 and post.requested >= 0, post
            assert post.requested == sum(e.post == post.id and e.replacement_requested
                                         for e in mission.expats.values()), post
            # a position is never filled twice: those staying on hold at most all of them
            assert post.expats - post.requested <= post.expat_positions, post
            if not post.open:
                assert post.expats == post.local == post.pipeline == 0, post


_KINDS = tuple(BY_NAME)


@st.composite
def _moves(draw):
    """A few (day, actor, kind, size) tuples in date order, of any move of the catalogue."""
    n = draw(st.integers(1, 6))
    days = sorted(draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n)))
    return [(day, draw(st.sampled_from("AB")), draw(st.sampled_from(_KINDS)),
             draw(st.integers(0, 400)), draw(st.integers(0, 40))) for day in days]


#: The small scenario as is, and with every function of the sending side switched on.
VARIANTS = {
    "plain": {},
    "functions": {"A": {
        "planning": {"assignment_months": {"low": 1, "mode": 3, "high": 6},
                     "assignments_per_month": 4, "rebuild": False,
                     "planned": {"emb": {"expat": 90, "local": 150}}},
        "costs": {"budget": 40_000},
        "consular": {"demand_per_month": 8000, "patience_days": 60}}},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@given(moves=_moves(), seed=st.integers(0, 2**16))
def test_invariants_hold_under_random_moves(make_scenario, variant, moves, seed):
    """Whatever moves are made, counts stay non-negative and consistent at every sample."""
    sim = Simulation(make_scenario(**VARIANTS[variant]), seed=seed)
    for i, (day, actor, kind, size, notice) in enumerate(moves):
        date = sim.scenario.start + dt.timedelta(days=day)
        for _ in weekly(sim, date):
            _check_invariants(sim)
        if sim.today < date:
            sim.run_until(date)
        move = make_move(sim, kind, actor, size, notice, ident=f"m{i}")
        if move is None:
            continue
        sim.apply(move)
        _check_invariants(sim)
    for _ in weekly(sim, sim.scenario.end):
        _check_invariants(sim)
    sim.run()
    _check_invariants(sim)

    values = sim.monitor.side_values
    assert sim.monitor.taken == len(sim.monitor.days)
    col = {name: values[:, :, METRICS.index(name)] for name in METRICS}
    np.testing.assert_array_equal(col["staff_total"], col["staff_expat"] + col["staff_local"])
    for name in ("staff_total", "staff_expat", "staff_local", "visa_queue", "posts_open",
                 "visas_issued", "visas_denied", "restrictions_in_force", "consular_output"):
        assert (col[name] >= 0).all(), name
