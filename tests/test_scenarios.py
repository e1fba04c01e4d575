"""Every shipped scenario validates and runs, and each what-if departs from the record
in the direction a reader would expect.

Runs share the record's seed, so the what-ifs differ from the record by their moves,
not by noise (common random numbers).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sim import Simulation, load_scenario
from sim.metrics import SIDE_METRICS

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
WHAT_IFS = [f for f in FILES if f.name.startswith("whatif-")]


@cache
def run(name: str) -> Simulation:
    return Simulation(load_scenario(SCENARIOS / name)).run()


def value(name: str, side: str, metric: str, date: dt.date) -> float:
    """The first sample on or after ``date``."""
    sim = run(name)
    row = int(np.searchsorted(sim.monitor.days, sim.scenario.day(date)))
    return float(sim.monitor.side_values[row, sim.monitor.sides.index(side),
                                         list(SIDE_METRICS).index(metric)])


def record(side: str, metric: str, date: dt.date) -> float:
    return value("record-2016-2025.yaml", side, metric, date)


def test_there_are_the_what_ifs_a_briefer_asks_for():
    """Eight what-ifs ship beside the record."""
    assert len(WHAT_IFS) == 8


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_scenario_validates_and_runs(path: Path):
    """Each shipped file loads, runs to its end and logs its moves."""
    sim = run(path.name)
    assert sim.monitor.days[sim.monitor.taken - 1] == sim.end_day
    assert len(sim.log) > 0


@pytest.mark.parametrize("path", WHAT_IFS, ids=[f.name for f in WHAT_IFS])
def test_every_what_if_says_what_question_it_answers(path: Path):
    """A what-if opens with a comment stating its question."""
    first = path.read_text().splitlines()[0]
    assert first.startswith("# Question: what if")


@pytest.mark.parametrize("path", WHAT_IFS, ids=[f.name for f in WHAT_IFS])
def test_every_what_if_move_cites_a_source(path: Path):
    """Moves a what-if adds say where they come from (a record source, or 'what-if')."""
    for move in load_scenario(path).moves:
        assert move.source, move


def test_lifting_all_in_2021_leaves_the_us_mission_larger_in_2023():
    """Both sides lifting everything in October 2021: the US mission is larger in 2023."""
    when = dt.date(2023, 1, 1)
    lifted = value("whatif-lift-all-2021.yaml", "US", "staff_total", when)
    assert lifted > record("US", "staff_total", when) + 100
    # only the banking restriction of the 2022 sanctions, kept like the flight ban
    assert value("whatif-lift-all-2021.yaml", "US", "restrictions_in_force", when) == 1
    assert value("whatif-lift-all-2021.yaml", "US", "consular_output", when) > 0


def test_expelling_300_leaves_the_us_mission_smaller():
    """The US expels 300 and Russia answers by its policy: the US mission ends smaller."""
    when = dt.date(2023, 1, 1)
    assert (value("whatif-expel-300-2021.yaml", "US", "staff_total", when)
            < record("US", "staff_total", when))
    # 300 is more than every Russian diplomat outside the UN mission, which expulsions
    # naming no post never touch: only the UN mission's staff are left.
    un_positions = 115
    assert value("whatif-expel-300-2021.yaml", "RU", "staff_expat", when) <= un_positions
    assert record("RU", "staff_expat", when) > un_positions + 60
    answers = [e for e in run("whatif-expel-300-2021.yaml").log
               if e.actor == "RU" and e.origin == "policy"]
    assert answers and answers[0].date <= dt.date(2021, 12, 31)


def test_without_the_local_hire_ban_the_us_keeps_its_local_staff():
    """No local-hire ban: the US keeps its local employees after August 2021."""
    when = dt.date(2021, 9, 1)
    assert record("US", "staff_local", when) == 0
    assert value("whatif-no-local-hire-ban.yaml", "US", "staff_local", when) > 150


def test_without_the_three_year_limit_fewer_russians_leave_in_2022():
    """No three-year limit: the Russian mission is larger after the January 2022 deadline."""
    when = dt.date(2022, 3, 1)
    assert (value("whatif-no-three-year-limit.yaml", "RU", "staff_total", when)
            > record("RU", "staff_total", when))


def test_tit_for_tat_replaces_russias_moves_with_answers_and_holds_no_talks():
    """Tit-for-tat from 2021: Russia's moves after 2021 are policy answers; no talks."""
    sim = run("whatif-tit-for-tat-2021.yaml")
    later = [e for e in sim.log if e.actor == "RU" and e.date >= dt.date(2021, 1, 1)]
    assert later and all(e.origin == "policy" for e in later)
    assert not [e for e in sim.log if e.origin == "talks"]


def test_grit_winds_down_the_restrictions_on_both_sides():
    """A US GRIT initiative from 2022: by the end both sides have lifted most measures."""
    end = dt.date(2025, 12, 31)
    for side in ("US", "RU"):
        assert (value("whatif-grit-2022.yaml", side, "restrictions_in_force", end)
                < record(side, "restrictions_in_force", end) / 2)
    assert (value("whatif-grit-2022.yaml", "US", "staff_total", end)
            > record("US", "staff_total", end))


def test_grit_is_repaid_in_value_not_in_kind():
    """Russia mirrors GRIT by value: the US lifting the 2016 expulsion of 35 (worth 5.87 to
    Russia) is repaid by lifting measures worth 5.04 to the US (its 2021 expulsion of 10
    and that of the deputy chief of mission), within a factor of 1.5, where answering in
    kind lifted only the expulsion of one deputy chief of mission (0.06); over the run
    Russia repays 56.58 of the US's 65.45, and keeps its 455 ceiling and 2019 visa policy.
    """
    sim = run("whatif-grit-2022.yaml")
    made = list(sim.by_id.values())  # lifts too: they do not persist as measures
    us_lift = next(m for m in made if m.move.move == "lift" and m.move.measure == "us-expel-2016")
    repaid = [m for m in made if m.actor == "RU" and m.responds_to == us_lift.id]
    lifted = [lifted for m in repaid for lifted in m.lifted]
    assert [m.id for m in lifted] == ["ru-expel-2021", "ru-expel-dcm-2022"]
    given, got = sum(m.harm for m in lifted), -us_lift.harm
    assert (round(got, 2), round(given, 2)) == (5.87, 5.04)
    assert 1 / 1.5 < given / got < 1.5
    us_total = -sum(m.harm for m in made if m.actor == "US" and m.move.move == "lift")
    ru_total = -sum(m.harm for m in made if m.actor == "RU" and m.move.move == "lift")
    assert (round(us_total, 2), round(ru_total, 2)) == (65.45, 56.58)
    assert [m.id for m in sim.mission("US").restrictions()] == ["ru-cap-455-2017",
                                                                "ru-visa-2019"]


def test_successful_2025_talks_lift_visa_flight_and_property_measures():
    """The April 2025 round settling five irritants lifts them both ways and helps staffing."""
    sim = run("whatif-talks-2025-succeed.yaml")
    in_force = {m.move.move for mission in sim.missions.values() for m in mission.restrictions()}
    assert not in_force & {"visa_policy", "suspend_flights", "seize_property", "travel_radius",
                           "travel_notice"}
    end = dt.date(2025, 12, 31)
    assert (value("whatif-talks-2025-succeed.yaml", "US", "staff_total", end)
            > record("US", "staff_total", end))


END = dt.date(2025, 12, 31)
SETTLED = ["whatif-talks-2025-succeed.yaml", "whatif-istanbul-agenda-2025.yaml"]


@pytest.mark.parametrize("name", SETTLED)
def test_settled_travel_rules_give_both_missions_more_work_capacity(name):
    """With the 25-mile rule and the 41 km zone gone, both missions have more diplomat-days
    for their work; the US, also restaffing, between a third and double more.
    """
    assert 1.3 < value(name, "US", "work_capacity", END) / record("US", "work_capacity", END) < 2
    assert value(name, "RU", "work_capacity", END) > 1.1 * record("RU", "work_capacity", END)


@pytest.mark.parametrize("name", SETTLED)
def test_returned_properties_lower_russias_cost_per_head_a_little(name):
    """The compounds and buildings back, the Russian mission costs less per head, by
    under 5%: they weigh little in what a mission costs.
    """
    ratio = value(name, "RU", "cost_per_head", END) / record("RU", "cost_per_head", END)
    assert 0.95 < ratio < 1.0


@pytest.mark.parametrize("name", SETTLED)
def test_settled_visas_bring_back_visa_interviews_for_russians(name):
    """From no US visa service at all, Russians can apply again, and wait under two years."""
    assert np.isnan(record("US", "visa_wait_days", END))
    assert 0 < value(name, "US", "visa_wait_days", END) < 730
    assert value(name, "US", "consular_output", END) > 1000


def test_the_istanbul_roadmap_returns_every_russian_property():
    """Following the roadmap, all six properties are back with the Russian mission by the
    end of 2025, and direct flights have resumed.
    """
    sim = run("whatif-istanbul-agenda-2025.yaml")
    assert all(sim.missions["RU"].properties.values())
    assert not sim.missions["RU"].in_force("suspend_flights")


def test_lifting_all_rebuilds_the_us_mission_at_the_pace_it_sets():
    """After lift-all the US rebuilds to its plan (460 locals) over years, not weeks:
    locals at most 20 a month, diplomats after a 9-18-month assignment.
    """
    name, lifted = "whatif-lift-all-2021.yaml", dt.date(2021, 10, 13)
    six_months = value(name, "US", "staff_expat", lifted + dt.timedelta(days=183))
    assert six_months < record("US", "staff_expat", lifted) + 40
    assert value(name, "US", "staff_local", lifted + dt.timedelta(days=365)) <= 12 * 20
    assert value(name, "US", "staff_local", END) <= 460
    assert value(name, "US", "staff_total", END) < 800


def test_a_ceiling_of_300_leaves_a_consistent_mission():
    """With the 2017 ceiling at 300 instead of 455, the US mission dwindles, and at every
    sample a mission with no diplomats for four weeks has issued no visas in them, and one
    with no staff has no post open.
    """
    base = load_scenario(SCENARIOS / "record-2016-2025.yaml")
    moves = [m.model_copy(update={"ceiling": 300}) if m.id == "ru-cap-455-2017" else m
             for m in base.moves]
    sim = Simulation(base.model_copy(update={"moves": moves})).run()
    names = list(SIDE_METRICS)
    us = sim.monitor.side_values[:, sim.monitor.sides.index("US"), :]
    staff, expats = us[:, names.index("staff_total")], us[:, names.index("staff_expat")]
    assert staff.min() < 50
    output = us[:, names.index("consular_output")]
    no_diplomats = [i for i in range(4, len(expats)) if not expats[i - 4:i + 1].any()]
    assert no_diplomats and (output[no_diplomats] == 0).all()
    assert (us[staff == 0, names.index("posts_open")] == 0).all()
