"""Seeds: one SeedSequence per run, spawned in the parent for ensembles, recorded in the output."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim import Simulation, load_scenario
from sim.output import summary

SMALL = Path(__file__).parent / "data" / "small.yaml"


def same(a: Simulation, b: Simulation) -> bool:
    return np.array_equal(a.monitor.side_values, b.monitor.side_values, equal_nan=True)


def test_a_replicate_is_reproduced_from_its_entropy_and_spawn_key():
    """A child spawned from a root seed gives the same run as a SeedSequence rebuilt from its
    entropy and spawn key, and the summary records both.
    """
    scenario = load_scenario(SMALL)
    first, second = np.random.SeedSequence(42).spawn(2)
    run = Simulation(scenario, seed=first).run()
    again = Simulation(scenario, seed=np.random.SeedSequence(42, spawn_key=(0,))).run()
    assert same(run, again)
    assert not same(run, Simulation(scenario, seed=second).run())
    assert summary(run)["seed"] == {"entropy": 42, "spawn_key": [0]}


def test_an_int_seed_is_the_scenarios_default_and_is_recorded_as_given():
    """Without a seed the scenario's own is used; an int seed is recorded as the int."""
    scenario = load_scenario(SMALL)
    assert Simulation(scenario).seed == scenario.seed == 7
    assert summary(Simulation(scenario, seed=3).run())["seed"] == 3
