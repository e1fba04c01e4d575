"""Talks: rounds settle irritants, lifting what they cover on both sides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sim import Simulation, load_scenario
from sim.moves import Expel

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record-2016-2025.yaml"

HOSTILE = [
    {"date": dt.date(2020, 2, 1), "actor": "A", "move": "visa_policy", "approval_rate": 0.2,
     "processing_days": 200, "id": "a-visas"},
    {"date": dt.date(2020, 2, 1), "actor": "B", "move": "visa_policy", "approval_rate": 0.3,
     "processing_days": 100, "id": "b-visas"},
    {"date": dt.date(2020, 2, 1), "actor": "B", "move": "suspend_flights", "id": "b-flights"},
]


def talks_log(sim: Simulation) -> list[tuple[str, str]]:
    return [(e.move, e.detail) for e in sim.log if e.origin == "talks"]


def test_a_round_with_a_known_outcome_lifts_the_irritant_both_ways(make_scenario):
    """Settling visas lifts every visa policy in force, on both missions, and nothing else."""
    rounds = [{"date": dt.date(2020, 6, 1), "name": "Geneva", "settle": ["visas"]}]
    sim = Simulation(make_scenario(moves=HOSTILE, talks={"rounds": rounds}), seed=1)
    sim.run_until(dt.date(2020, 6, 2))
    assert not sim.missions["A"].in_force("visa_policy")
    assert not sim.missions["B"].in_force("visa_policy")
    assert sim.missions["A"].in_force("suspend_flights")
    lifted = {m.id for m in sim.measures if m.end == sim.scenario.day(dt.date(2020, 6, 1))}
    assert lifted == {"a-visas", "b-visas"}
    assert talks_log(sim) == [("statement", "talks: Geneva: settled visas"),
                              ("settle", "irritant=visas")]


def test_a_round_that_settles_nothing_is_still_on_the_timeline(make_scenario):
    """A round with ``settle: []`` lifts nothing but is logged."""
    rounds = [{"date": dt.date(2020, 6, 1), "name": "Vienna", "settle": []}]
    sim = Simulation(make_scenario(moves=HOSTILE, talks={"rounds": rounds}), seed=1).run()
    assert len(sim.missions["A"].restrictions()) == 2
    assert talks_log(sim) == [("statement", "talks: Vienna: no settlement")]


def test_settling_banking_gives_guarantees_both_ways(make_scenario):
    """Banking can be settled with nothing in force: each side guarantees the other's banking."""
    rounds = [{"date": dt.date(2020, 6, 1), "settle": ["banking"]}]
    sim = Simulation(make_scenario(talks={"rounds": rounds}), seed=1).run()
    guarantees = [(e.actor, e.target) for e in sim.log if e.move == "banking_guarantee"]
    assert sorted(guarantees) == [("A", "B"), ("B", "A")]


def test_a_side_that_has_lost_more_agrees_more_readily(make_scenario):
    """The chance a side agrees grows with the share of its mission it has lost."""
    sim = Simulation(make_scenario(), seed=1)
    sim.run_until(dt.date(2020, 3, 1))
    before = sim.talks.agreement("A")
    sim.apply(Expel(date=sim.today, actor="B", count=60, notice_days=0))
    sim.run_until(dt.date(2020, 3, 2))
    sim.run_until(dt.date(2020, 7, 1))  # past the 90 days a fresh hostile move weighs
    assert sim.missions["A"].staff_total < 320
    assert sim.talks.agreement("A") > before
    assert sim.talks.agreement("B") < sim.talks.agreement("A")


def test_periodic_rounds_settle_by_chance_reproducibly(make_scenario):
    """Rounds every N days draw their outcome: near-certain agreement settles at the first
    round; near-impossible never; the same seed gives the same rounds.
    """
    def settled(intercept: float, seed: int) -> list[tuple[str, str]]:
        talks = {"every_days": 120, "intercept": intercept, "agenda": ["visas", "flights"]}
        sim = Simulation(make_scenario(moves=HOSTILE, talks=talks), seed=seed).run()
        return [(e.date.isoformat(), e.detail) for e in sim.log if e.move == "settle"]

    assert settled(20.0, 1) == [("2020-04-30", "irritant=visas"),
                                ("2020-04-30", "irritant=flights")]
    assert settled(-20.0, 1) == []
    assert settled(0.0, 3) == settled(0.0, 3)


def test_the_record_rounds_have_their_known_outcomes():
    """In the replay, Vienna 2021 and Istanbul February 2025 settle nothing; Istanbul April
    2025 settles banking, with the notes guaranteeing banking both ways.
    """
    sim = Simulation(load_scenario(RECORD)).run()
    rounds = [(e.date.isoformat(), e.detail.split(".")[0]) for e in sim.log
              if e.origin == "talks" and e.move == "statement"]
    assert rounds == [
        ("2021-11-17", "talks: Vienna round: no settlement"),
        ("2025-02-27", "talks: Istanbul round 1: no settlement"),
        ("2025-04-10", "talks: Istanbul round 2: settled banking"),
    ]
    guarantees = {(e.actor, e.target) for e in sim.log if e.move == "banking_guarantee"}
    assert guarantees == {("US", "RU"), ("RU", "US")}
    assert all(r.source for r in sim.scenario.talks.rounds)


def test_the_chance_of_agreeing_is_computed_for_any_log_odds():
    """The logistic of log-odds far beyond what a float's exp can take is 0 or 1, not an error."""
    from sim.talks import _logistic

    assert _logistic(-800) == 0.0 and _logistic(800) == 1.0
    assert _logistic(0) == 0.5


def test_talks_at_the_bounds_of_their_weights_run(make_scenario):
    """Talks every month at the extreme intercept and weights run to the end."""
    talks = {"every_days": 30, "intercept": -100, "recent_weight": 100, "tension_weight": 100}
    sim = Simulation(make_scenario(moves=HOSTILE, talks=talks), seed=1).run()
    assert talks_log(sim)
