"""Relations: tension jumps with hostile moves, decays with its half-life, falls with
concessions and settlements, and counts the restrictions still in force.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from sim import Simulation, load_scenario
from sim.metrics import JOINT_METRICS

D = dt.date
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
EXPEL = {"date": D(2020, 3, 1), "actor": "B", "move": "expel", "count": 20, "id": "bx"}


def tension_on(sim: Simulation, day: dt.date, metric: str = "tension") -> float:
    """The sampled joint metric on the last sample on or before ``day``."""
    i = int((sim.monitor.days <= sim.scenario.day(day)).sum()) - 1
    return float(sim.monitor.joint_values[i, list(JOINT_METRICS).index(metric)])


def test_a_hostile_move_adds_its_harm(make_scenario):
    """An expulsion of 20 adds its harm to grievance and, weighted, to the standing part."""
    sim = Simulation(make_scenario(moves=[EXPEL]), seed=1)
    sim.run_until(D(2020, 3, 2))
    [measure] = sim.missions["A"].restrictions()
    assert measure.harm > 3
    one_day = 0.5 ** (1 / 365)  # a day of decay since the move
    assert sim.relations.grievance() == pytest.approx(measure.harm * one_day)
    assert sim.relations.tension() == pytest.approx((one_day + 0.5) * measure.harm)


def test_grievance_halves_in_a_half_life(make_scenario):
    """With the default half-life of 365 days, a year of quiet halves grievance; the
    standing part stays while the expulsion is in force.
    """
    sim = Simulation(make_scenario(moves=[EXPEL]), seed=1)
    sim.run_until(D(2020, 3, 2))
    harm = sim.relations.grievance()
    sim.run_until(D(2021, 3, 2))
    assert sim.relations.grievance() == pytest.approx(harm / 2, rel=1e-9)
    assert sim.relations.standing() == pytest.approx(sim.by_id["bx"].harm)


def test_a_lift_lowers_tension_by_the_harm_it_lifts(make_scenario):
    """Lifting the expulsion takes its harm off grievance and out of the standing part."""
    lift = {"date": D(2020, 3, 10), "actor": "B", "move": "lift", "measure": "bx"}
    sim = Simulation(make_scenario(moves=[EXPEL, lift]), seed=1)
    sim.run_until(D(2020, 3, 11))
    assert sim.relations.standing() == 0.0
    assert sim.relations.grievance() < 0.02 * sim.by_id["bx"].harm


def test_a_shock_shifts_relations(make_scenario):
    """A war adds its points to grievance on its date, and is logged with its source."""
    shock = {"date": D(2020, 5, 1), "name": "a war", "kind": "war", "relations": 20,
             "source": "a history"}
    sim = Simulation(make_scenario(shocks=[shock]), seed=1)
    sim.run_until(D(2020, 5, 2))
    assert sim.relations.tension() == pytest.approx(20.0 * 0.5 ** (1 / 365))
    [logged] = [e for e in sim.log if e.origin == "shock"]
    assert (logged.detail, logged.source) == ("other: war: a war (relations +20)", "a history")


def test_restrictions_weighted_is_the_old_running_measure(make_scenario):
    """The old measure, kept under a name that says what it is: severities in force."""
    sim = Simulation(make_scenario(moves=[EXPEL]), seed=1).run()
    assert tension_on(sim, D(2020, 12, 31), "restrictions_weighted") == 1.0


def test_tension_falls_when_both_sides_lift_everything_in_2021():
    """In ``whatif-lift-all-2021`` tension drops to zero the week of the lifting, from 70."""
    sim = Simulation(load_scenario(SCENARIOS / "whatif-lift-all-2021.yaml")).run()
    before, after = tension_on(sim, D(2021, 10, 12)), tension_on(sim, D(2021, 10, 20))
    assert before > 60 and after == 0.0


def test_tension_falls_after_the_april_2025_round():
    """In the record replay, tension after the Istanbul round of April 2025 is below what it
    was before, and keeps to the standing harm after it.
    """
    sim = Simulation(load_scenario(SCENARIOS / "record-2016-2025.yaml")).run()
    before, after = tension_on(sim, D(2025, 4, 9)), tension_on(sim, D(2025, 4, 20))
    assert after < before
    assert tension_on(sim, D(2025, 12, 31)) <= after
    assert not math.isnan(after)


def test_tension_peaks_at_the_2022_war_not_in_the_2025_thaw():
    """The record's tension is highest in early 2022 (the war and its sanctions), and lower
    by a fifth or more by the end of 2025.
    """
    sim = Simulation(load_scenario(SCENARIOS / "record-2016-2025.yaml")).run()
    values = sim.monitor.joint_values[:, list(JOINT_METRICS).index("tension")]
    peak_day = sim.scenario.date(sim.monitor.days[values.argmax()])
    assert D(2022, 2, 24) <= peak_day <= D(2022, 6, 30)
    assert values[-1] <= 0.8 * values.max()
