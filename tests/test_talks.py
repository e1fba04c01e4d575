"""Talks: rounds settle irritants by the bargaining rule of ``sim.talks``, lifting what they
cover on both sides, and say in the log why they did not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sim import Simulation

D = dt.date
ROUND = D(2020, 6, 1)

#: Each side restricts the other's visas; B also suspends flights and seizes A's dacha.
HOSTILE: list[dict[str, Any]] = [
    {"date": D(2020, 2, 1), "actor": "A", "move": "visa_policy", "approval_rate": 0.2,
     "processing_days": 200, "id": "a-visas"},
    {"date": D(2020, 2, 1), "actor": "B", "move": "visa_policy", "approval_rate": 0.3,
     "processing_days": 100, "id": "b-visas"},
    {"date": D(2020, 2, 1), "actor": "B", "move": "suspend_flights", "id": "b-flights"},
    {"date": D(2020, 2, 1), "actor": "B", "move": "seize_property", "property": "dacha",
     "id": "b-dacha"},
]
#: No reservation noise and no weight on recent moves: outcomes follow from the harms.
EXACT: dict[str, Any] = {"reservation_spread": 0.0, "recent_weight": 0.0}


def talks_log(sim: Simulation) -> list[tuple[str, str]]:
    return [(e.move, e.detail) for e in sim.log if e.origin == "talks"]


def round_notes(sim: Simulation) -> list[str]:
    return [e.detail for e in sim.log if e.origin == "talks" and e.move == "statement"]


def settled(sim: Simulation) -> list[tuple[str, str]]:
    return [(e.date.isoformat(), e.detail) for e in sim.log if e.move == "settle"]


def run_to(make_scenario, day: dt.date, seed: int = 1, **overrides: Any) -> Simulation:
    sim = Simulation(make_scenario(**{"moves": HOSTILE, **overrides}), seed=seed)
    sim.run_until(day)
    return sim


# -- known outcomes ---------------------------------------------------------------------


def test_a_round_with_a_known_outcome_lifts_the_irritant_both_ways(make_scenario):
    """Settling visas lifts every visa policy in force, on both missions, and nothing else."""
    rounds = [{"date": ROUND, "name": "Geneva", "settle": ["visas"]}]
    sim = run_to(make_scenario, D(2020, 6, 2), talks={"rounds": rounds})
    assert not sim.missions["A"].in_force("visa_policy")
    assert not sim.missions["B"].in_force("visa_policy")
    assert sim.missions["A"].in_force("suspend_flights")
    lifted = {m.id for m in sim.measures if m.end == sim.scenario.day(ROUND)}
    assert lifted == {"a-visas", "b-visas"}
    assert talks_log(sim) == [("statement", "talks: Geneva: settled visas"),
                              ("settle", "irritant=visas")]


def test_a_round_that_settles_nothing_is_still_on_the_timeline(make_scenario):
    """A round with ``settle: []`` lifts nothing but is logged."""
    rounds = [{"date": ROUND, "name": "Vienna", "settle": []}]
    sim = Simulation(make_scenario(moves=HOSTILE, talks={"rounds": rounds}), seed=1).run()
    assert len(sim.missions["A"].restrictions()) == 3
    assert talks_log(sim) == [("statement", "talks: Vienna: no settlement")]


def test_settling_banking_gives_guarantees_both_ways(make_scenario):
    """Banking can be settled with nothing in force: each side guarantees the other's banking."""
    rounds = [{"date": ROUND, "settle": ["banking"]}]
    sim = Simulation(make_scenario(talks={"rounds": rounds}), seed=1).run()
    guarantees = [(e.actor, e.target) for e in sim.log if e.move == "banking_guarantee"]
    assert sorted(guarantees) == [("A", "B"), ("B", "A")]


# -- what each side brings --------------------------------------------------------------


def test_gains_and_gives_are_the_harms_of_the_measures_in_force(make_scenario):
    """What settling visas gains A is the harm of B's visa policy to A, as A weighs it; what
    it gives is the harm of A's visa policy to B.
    """
    sim = run_to(make_scenario, ROUND)
    [b_visas] = sim.missions["A"].in_force("visa_policy")
    [a_visas] = sim.missions["B"].in_force("visa_policy")
    assert sim.talks.gains("A", "visas") == pytest.approx(b_visas.harm) and b_visas.harm > 1
    assert sim.talks.gives("A", "visas") == pytest.approx(a_visas.harm) and a_visas.harm > 1


def test_demands_are_ranked_by_the_sides_own_harm(make_scenario):
    """Undeclared, a side's demands are the open irritants doing it harm, worst first: A
    suffers B's visa policy, flights suspension and seizure; B suffers only A's visas.
    """
    sim = run_to(make_scenario, ROUND)
    open_ = sim.talks.open_irritants(["visas", "flights", "properties", "banking"])
    ranked = sim.talks.demands("A", open_)
    assert set(ranked) == {"visas", "flights", "properties"}
    harms = [sim.talks.gains("A", i) for i in ranked]
    assert harms == sorted(harms, reverse=True)
    assert sim.talks.demands("B", open_) == ["visas"]


def test_declared_demands_come_first_whatever_the_harm(make_scenario):
    """A side that declares its demands puts them in its order, as the record's Russia put
    its properties first though they weigh least.
    """
    talks = {"sides": {"A": {"demands": ["properties", "visas"]}}}
    sim = run_to(make_scenario, ROUND, talks=talks)
    open_ = sim.talks.open_irritants(["visas", "flights", "properties"])
    assert sim.talks.demands("A", open_) == ["properties", "visas"]


# -- the acceptance rule ----------------------------------------------------------------


def test_a_side_refuses_to_give_more_than_it_gains(make_scenario):
    """Flights: only B has a measure under it, so B would give and gain nothing: it refuses,
    and the round says so with the numbers.
    """
    talks = {**EXACT, "rounds": [{"date": ROUND, "name": "r"}], "agenda": ["flights"]}
    sim = run_to(make_scenario, D(2020, 6, 2), talks=talks)
    [note] = round_notes(sim)
    assert note.startswith("talks: r: no settlement. B refuses flights: it would gain -")
    assert "below its reservation of 0.0" in note
    assert sim.missions["A"].in_force("suspend_flights")


def test_a_package_both_gain_from_is_settled(make_scenario):
    """Visas: each side's measure harms the other; both gain more than half of what they
    give (the default concession weight), so the round settles visas.
    """
    talks = {**EXACT, "rounds": [{"date": ROUND, "name": "r"}], "agenda": ["visas"]}
    sim = run_to(make_scenario, D(2020, 6, 2), talks=talks)
    assert settled(sim) == [("2020-06-01", "irritant=visas")]
    assert not sim.missions["A"].in_force("visa_policy")


def test_the_round_settles_the_step_with_the_largest_product_of_surpluses(make_scenario):
    """Of two acceptable steps, one worth 10 to A and 0.5 to B (sum 10.5, product 5) and one
    worth 3 to each (sum 6, product 9), the round settles the second: Nash's solution,
    not the largest total.
    """
    sim = run_to(make_scenario, ROUND, talks=EXACT)
    worth = {("visas",): {"A": 10.0, "B": 0.5}, ("flights",): {"A": 3.0, "B": 3.0}}
    sim.talks.surplus = lambda side, package: worth.get(package, {}).get(side, -1.0)
    sim.talks.refusal = lambda side, package, top, reservation: (
        None if package in worth else "not acceptable")
    tops = {"A": None, "B": None}
    assert sim.talks.choose(["visas", "flights"], tops, {"A": 0.0, "B": 0.0}) == ("flights",)


def test_parity_first_keeps_a_smaller_mission_from_lifting_its_staffing_measures(make_scenario):
    """B (90 staff against A's 370) holds to parity on visas: it refuses to settle them and
    says why, with both missions' staff.
    """
    talks = {**EXACT, "rounds": [{"date": ROUND, "name": "r"}], "agenda": ["visas"],
             "sides": {"B": {"parity": {"irritants": ["visas"], "ratio": 0.9}}}}
    sim = run_to(make_scenario, D(2020, 6, 2), talks=talks)
    [note] = round_notes(sim)
    a_staff, b_staff = sim.missions["A"].staff_total, sim.missions["B"].staff_total
    assert f"B refuses visas: parity first: it would lift its visas measures while its " \
           f"mission has {b_staff} staff to A's {a_staff}" in note
    assert settled(sim) == []


def test_a_vetoed_irritant_waits_until_the_veto_is_cleared(make_scenario):
    """A's visas need a legislative review, cleared on 1 August: the June round settles
    nothing and says why; the September round settles visas.
    """
    veto = {"irritant": "visas", "by": "a legislative review", "cleared": D(2020, 8, 1)}
    rounds = [{"date": ROUND, "name": "June"}, {"date": D(2020, 9, 1), "name": "September"}]
    talks = {**EXACT, "rounds": rounds, "agenda": ["visas"], "sides": {"A": {"vetoes": [veto]}}}
    sim = run_to(make_scenario, D(2020, 9, 2), talks=talks)
    june, _ = round_notes(sim)
    assert "A refuses visas: visas needs a legislative review first" in june
    assert settled(sim) == [("2020-09-01", "irritant=visas")]


def test_a_top_demand_must_be_in_the_package_or_on_a_roadmap(make_scenario):
    """A puts its dacha first, but B (under a veto) cannot return it: no step is settled,
    though visas would profit both.
    """
    talks = {**EXACT, "rounds": [{"date": ROUND, "name": "r"}],
             "agenda": ["visas", "properties"],
             "sides": {"A": {"demands": ["properties"]}, "B": {"vetoes": [
                 {"irritant": "properties"}]}}}
    sim = run_to(make_scenario, D(2020, 6, 2), talks=talks)
    assert settled(sim) == []
    [note] = round_notes(sim)
    assert note == ("talks: r: no settlement. B refuses visas + properties: properties "
                    "needs legislative review first")


def test_a_mandate_lets_a_round_agree_a_roadmap_that_counts_from_the_next(make_scenario):
    """Under a leaders' mandate, the first round agrees a roadmap on A's blocked top demand
    and settles nothing; the second settles visas, the top demand being sequenced.
    """
    rounds = [{"date": ROUND, "name": "first"}, {"date": D(2020, 8, 1), "name": "second"}]
    talks = {**EXACT, "rounds": rounds, "agenda": ["visas", "properties"],
             "sides": {"A": {"demands": ["properties"]},
                       "B": {"vetoes": [{"irritant": "properties"}]}}}
    shocks = [{"date": D(2020, 5, 1), "name": "leaders' call", "kind": "call",
               "mandate": True}]
    sim = run_to(make_scenario, D(2020, 8, 2), talks=talks, shocks=shocks)
    first, second = round_notes(sim)
    assert "Agreed a roadmap on properties" in first
    assert second.startswith("talks: second: settled visas")
    assert settled(sim) == [("2020-08-01", "irritant=visas")]


def test_a_proposal_is_answered_by_the_same_rule(make_scenario):
    """B proposes settling everything open (banking is open until both guarantee it); A
    accepts, as it gains; under a parity rule of its own it refuses, and the log says why.
    """
    proposal = {"by": "B", "package": "all"}
    rounds = [{"date": ROUND, "name": "offer", "proposal": proposal}]
    accepted = run_to(make_scenario, D(2020, 6, 2), talks={**EXACT, "rounds": rounds})
    assert [d for _, d in settled(accepted)] == ["irritant=visas", "irritant=properties",
                                                  "irritant=banking", "irritant=flights"]
    talks = {**EXACT, "rounds": rounds,
             "sides": {"A": {"parity": {"irritants": ["visas"], "ratio": 5}}}}
    refused = run_to(make_scenario, D(2020, 6, 2), talks=talks)
    [note] = round_notes(refused)
    assert "B proposes settling visas, properties, banking, flights; A refuses: parity " \
           "first" in note
    assert settled(refused) == []


# -- outside events ---------------------------------------------------------------------


def test_a_suspension_holds_no_round_and_voids_the_roadmap(make_scenario):
    """A war suspends the talks: the round in between is not held, and the roadmap agreed
    before it no longer counts when a call resumes them.
    """
    rounds = [{"date": D(2020, 4, 1), "name": "first"}, {"date": ROUND, "name": "during"},
              {"date": D(2020, 9, 1), "name": "after"}]
    talks = {**EXACT, "rounds": rounds, "agenda": ["visas", "properties"],
             "sides": {"A": {"demands": ["properties"]},
                       "B": {"vetoes": [{"irritant": "properties"}]}}}
    shocks = [{"date": D(2020, 3, 1), "name": "call", "mandate": True},
              {"date": D(2020, 5, 1), "name": "war", "kind": "war", "talks": "suspend"},
              {"date": D(2020, 8, 1), "name": "call", "kind": "call", "talks": "resume"}]
    sim = run_to(make_scenario, D(2020, 9, 2), talks=talks, shocks=shocks)
    first, during, after = round_notes(sim)
    assert "Agreed a roadmap on properties" in first
    assert during == "talks: during: not held, the talks are suspended"
    assert after.startswith("talks: after: no settlement")
    assert settled(sim) == []


def test_periodic_rounds_draw_their_outcome_reproducibly(make_scenario):
    """Rounds every N days draw each side's reservation from the talks stream: the same seed
    gives the same rounds; a reservation beyond any gain settles nothing.
    """
    def outcome(seed: int, reservation: float = 0.0) -> list[tuple[str, str]]:
        talks = {"every_days": 120, "reservation": reservation, "reservation_spread": 2.0,
                 "agenda": ["visas", "flights"]}
        sim = Simulation(make_scenario(moves=HOSTILE, talks=talks), seed=seed).run()
        return settled(sim)

    assert outcome(3) == outcome(3)
    assert outcome(3, reservation=100.0) == []
    assert any(outcome(seed) for seed in (1, 2, 3))


def test_a_scenario_built_in_code_gets_the_same_side_checks(make_scenario):
    """A proposal by a side the scenario does not have is refused before the run starts,
    as a file's would be.
    """
    from sim.errors import ParityUserError

    rounds = [{"date": ROUND, "proposal": {"by": "Z", "package": "all"}}]
    with pytest.raises(ParityUserError, match=r"talks.rounds.0.proposal.by: no side 'Z' "
                                              r"\(allowed: A, B\)"):
        Simulation(make_scenario(talks={"rounds": rounds}), seed=1)


def test_a_shock_on_the_day_of_a_round_comes_first(make_scenario):
    """A suspension dated on a round's day stops that round."""
    rounds = [{"date": ROUND, "name": "r"}]
    shocks = [{"date": ROUND, "name": "war", "kind": "war", "talks": "suspend"}]
    sim = run_to(make_scenario, D(2020, 6, 2), talks={**EXACT, "rounds": rounds},
                 shocks=shocks)
    assert round_notes(sim) == ["talks: r: not held, the talks are suspended"]


def test_a_round_states_the_demands_a_side_brings(make_scenario):
    """Demands stated at a round stand from that round on."""
    rounds = [{"date": ROUND, "name": "r", "demands": {"A": ["properties", "visas"]}}]
    sim = run_to(make_scenario, D(2020, 6, 2), talks={**EXACT, "rounds": rounds})
    open_ = sim.talks.open_irritants(["visas", "flights", "properties"])
    assert sim.talks.demands("A", open_) == ["properties", "visas"]


def test_a_roadmap_step_is_settled_before_a_better_one_off_it(make_scenario):
    """With visas on the roadmap and flights (worth more to the two) off it, the round
    settles visas: the roadmap is taken up first.
    """
    sim = run_to(make_scenario, ROUND, talks=EXACT)
    sim.talks.roadmap = {"visas"}
    worth = {("visas",): 1.0, ("flights",): 5.0}
    sim.talks.surplus = lambda side, package: worth.get(package, -1.0)
    sim.talks.refusal = lambda side, package, top, reservation: (
        None if package in worth else "not acceptable")
    from sim.talks import TalksRound

    sim.talks.hold(TalksRound(date=ROUND, name="r", agenda=["visas", "flights"]))
    assert round_notes(sim)[-1].startswith("talks: r: settled visas")
