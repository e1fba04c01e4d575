"""The talks model against the record: its rounds drawn, not fixed, come out as they did.

The calibration figure of ``docs/how-to/model-talks.md``: over seeds 1-100, the record's
rounds drawn by the bargaining rule give the record's outcomes (the October 2021
proposal refused, Vienna 2021 and Istanbul February 2025 settling nothing, Istanbul
April 2025 settling banking only) in at least 80 seeds (measured: 100). Each run stops the
day after the last round.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from sim import Simulation, load_scenario

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record-2016-2025.yaml"
SEEDS = range(1, 101)
#: The record's outcome of each round, as the round's log note begins.
RECORD_OUTCOMES = [
    ("2021-10-12", "Moscow talks (Nuland-Ryabkov): no settlement"),
    ("2021-11-17", "Vienna round: no settlement"),
    ("2025-02-27", "Istanbul round 1: no settlement"),
    ("2025-04-10", "Istanbul round 2: settled banking"),
]
#: The least share of seeds that must reproduce every round (the issue's figure).
TOLERANCE = 0.80


@cache
def rounds(seed: int) -> tuple[tuple[str, str], ...]:
    """Each round of the record drawn with ``seed``: its date and its full note."""
    sim = Simulation(load_scenario(RECORD), seed=seed)
    sim.run_until(dt.date(2025, 4, 11))
    return tuple((e.date.isoformat(), e.detail.removeprefix("talks: ")) for e in sim.log
                 if e.origin == "talks" and e.move == "statement")


def outcome(seed: int) -> list[tuple[str, str]]:
    return [(day, note.split(". ")[0]) for day, note in rounds(seed)]


def test_the_record_rounds_are_drawn_not_fixed():
    """None of the record's rounds fixes its outcome with ``settle:``."""
    assert all(r.settle is None for r in load_scenario(RECORD).talks.rounds)


def test_drawn_rounds_reproduce_the_record_in_at_least_80_percent_of_seeds():
    """Over seeds 1-100 every round comes out as in the record in at least 80 seeds."""
    hits = sum(outcome(seed) == RECORD_OUTCOMES for seed in SEEDS)
    assert hits >= TOLERANCE * len(SEEDS), f"{hits} of {len(SEEDS)} seeds"


def test_the_us_refuses_to_lift_everything_for_parity_first():
    """In every seed the US refuses Russia's October 2021 proposal to lift everything, for
    the reason the record gives: parity first, with the two missions' staff.
    """
    for seed in SEEDS:
        day, note = rounds(seed)[0]
        assert day == "2021-10-12"
        assert "US refuses: parity first: it would lift its visas, staffing measures while " \
               "its mission has" in note


def test_vienna_and_the_first_istanbul_round_fail_for_the_records_reasons():
    """Vienna (no mandate): the US will not lift its staffing measures before parity.
    Istanbul 1: the US now puts banking first (record #58) and Russia its properties,
    which the congressional review blocks; under the leaders' mandate the round agrees a
    roadmap on both, which sets the next round's agenda.
    """
    for seed in SEEDS[:10]:
        _, vienna, istanbul_1, _ = rounds(seed)
        assert "US refuses staffing + properties: parity first" in vienna[1]
        assert "Agreed a roadmap" not in vienna[1]
        assert ("US refuses properties + banking: properties needs congressional review "
                "(CAATSA) first. Agreed a roadmap on banking, properties") in istanbul_1[1]


def test_the_replay_with_the_records_seed_gives_the_records_outcomes():
    """The record's own seed is one of the seeds that reproduce it."""
    assert outcome(load_scenario(RECORD).seed) == RECORD_OUTCOMES


def test_the_records_shocks_and_vetoes_cite_their_sources():
    """Every outside shock and every veto of the record names where the record says so."""
    scenario = load_scenario(RECORD)
    assert [s.name for s in scenario.shocks] == ["Russia invades Ukraine", "Trump-Putin call"]
    assert all(s.source for s in scenario.shocks)
    vetoes = [v for side in scenario.talks.sides.values() for v in side.vetoes]
    assert vetoes and all(v.source for v in vetoes)
    assert all(r.source for r in scenario.talks.rounds)
