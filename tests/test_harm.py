"""Harm: what each move would take from the target mission, by the model's own formulas.

Mission A of the small scenario on 1 March 2020: 119 expatriates and 250 local employees
(369 staff), 2,499 diplomat-days a month, 5,940 visa interviews a month, a running cost
of 43,200 thousand a year. B's moves on it, each checked against the formula by hand.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sim import moves as M
from sim.harm import Baseline, Loss, Priorities, value
from sim.model import Simulation

D = dt.date(2020, 3, 1)


@pytest.fixture
def sim(make_scenario) -> Simulation:
    sim = Simulation(make_scenario(), seed=1)
    sim.run_until(D)
    return sim


def loss(sim: Simulation, move: M.Move) -> Loss:
    return move.harm(sim.context, "A")


def test_the_mission_on_the_day(sim):
    """What the losses below are shares of."""
    assert sim.functions("A") == Baseline(staff=369, work=2499, consular=5940, cost=43200)


def test_an_expulsion_takes_the_people_and_their_share_of_work_and_visas(sim):
    """12 of 119 expatriates: 12/119 of the work and of the interviews; by equal weights
    100 x 1/4 x (12/369 + 252/2499 + 599/5940) = 5.86.
    """
    taken = loss(sim, M.Expel(date=D, actor="B", count=12))
    assert taken.staff == 12 and taken.cost == 0
    assert taken.work == pytest.approx(2499 * 12 / 119)
    assert taken.consular == pytest.approx(5940 * 12 / 119)
    assert sim.harm_value("A", taken) == pytest.approx(5.855, abs=1e-3)


def test_a_ceiling_cuts_in_the_targets_reduction_order(sim):
    """A ceiling of 300 on 369 staff: A cuts local staff first (keeping 50), so 69 locals."""
    assert loss(sim, M.StaffCap(date=D, actor="B", ceiling=300)).staff == 69


def test_a_travel_radius_takes_the_travel_work_beyond_it(sim):
    """40 km reaches 10% of the travel; beyond it 7 days' notice case by case keeps
    exp(-7/14) of the rest: 119 x 21 x 0.3 x (1 - 0.1 - 0.9 e^-0.5) diplomat-days.
    """
    taken = loss(sim, M.TravelRadius(date=D, actor="B", km=40))
    assert taken.work == pytest.approx(119 * 21 * 0.3 * 0.9 * (1 - math.exp(-0.5)))


def test_a_visa_policy_holds_positions_vacant_by_littles_law(sim):
    """Half refused, 100 days to decide, a refusal made again 30 days later: 230 days a
    visa against 20 now; 119/3 rotations a year wait 210 days more: 22.8 vacant.
    """
    taken = loss(sim, M.VisaPolicy(date=D, actor="B", approval_rate=0.5, processing_days=100))
    assert taken.staff == pytest.approx(119 / 3 * 210 / 365.25)


def test_a_quota_below_the_rotations_leaves_the_difference_unfilled(sim):
    """A quota of 10 visas a year against 39.7 rotations leaves 29.7 positions unfilled."""
    taken = loss(sim, M.VisaPolicy(date=D, actor="B", approval_rate=1, processing_days=20,
                                   quota=10))
    assert taken.staff == pytest.approx(119 / 3 - 10)


def test_a_second_blocking_visa_policy_takes_nothing_more(sim):
    """With no visa approved already, another policy approving none holds nothing more
    vacant (the waits are compared capped at a year, not infinite minus infinite).
    """
    sim.apply(M.VisaPolicy(date=D, actor="B", approval_rate=0, processing_days=30))
    again = loss(sim, M.VisaPolicy(date=D, actor="B", approval_rate=0, processing_days=30))
    assert again.staff == 0


def test_seizures_banking_and_flights_cost_money(sim):
    """A seizure costs the property's annual value; restricted banking 10% of the running
    cost; suspended flights 5 thousand a rotation (119/3 a year) and 5 days vacant each.
    """
    assert loss(sim, M.SeizeProperty(date=D, actor="B", property="dacha")).cost == 500
    assert loss(sim, M.BankingRestriction(date=D, actor="B")).cost == pytest.approx(4320)
    flights = loss(sim, M.SuspendFlights(date=D, actor="B"))
    assert flights.cost == pytest.approx(119 / 3 * 5)
    assert flights.staff == pytest.approx(119 / 3 * 5 / 365.25)


def test_a_closure_takes_the_posts_locals_and_visas(sim):
    """Closing the consulate: its 50 local employees and its 30% of the interviews."""
    taken = loss(sim, M.ClosePost(date=D, actor="B", post="con"))
    assert (taken.staff, taken.consular) == (50, pytest.approx(0.3 * 5940))


def test_priorities_weigh_the_functions():
    """Weights are normalised; all zero reads as equal."""
    base = Baseline(staff=100, work=100, consular=100, cost=100)
    taken = Loss(staff=10, cost=20)
    assert value(taken, base, Priorities()) == pytest.approx(100 * (0.1 + 0.2) / 4)
    assert value(taken, base, Priorities(staff=0, work=0, consular=0, cost=1)) == 20
    zero = Priorities(staff=0, work=0, consular=0, cost=0)
    assert value(taken, base, zero) == value(taken, base, Priorities())


def test_measures_csv_gives_each_restrictions_harm(make_scenario, tmp_path):
    """The row of an expulsion of 12 has its harm and its loss per function."""
    from sim.output import MEASURES_HEADER, measure_rows

    moves = [{"date": D, "actor": "B", "move": "expel", "count": 12, "id": "bx"}]
    sim = Simulation(make_scenario(moves=moves), seed=1).run()
    row = dict(zip(MEASURES_HEADER, next(r for r in measure_rows(sim) if r[0] == "bx"),
                   strict=True))
    assert (row["harm"], row["harm_staff"], row["harm_work"]) == ("5.855", "12.0", "252.0")


def test_no_function_loses_more_than_it_has():
    """A property worth ten times the mission's running cost takes all of its cost
    function, no more: a harm is at most 100.
    """
    base = Baseline(staff=1, work=1, consular=1, cost=500)
    assert value(Loss(cost=5000), base, Priorities()) == 25
    assert value(Loss(staff=5, work=5, consular=5, cost=5000), base, Priorities()) == 100
