"""Tests for the clock: the calls scheduled on it fire in time order, those at the same
time in the order they were scheduled, and each is counted; a run defers the cyclic
garbage collector to its end and leaves it as it found it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim import load_scenario
from sim.clock import Clock, collection_deferred
from sim.model import Simulation

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record-2016-2025.yaml"


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The garbage collector on, and left as it was after the test."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_calls_fire_in_time_order_and_equal_times_in_scheduling_order() -> None:
    clock, fired = Clock(), []
    for delay, name in [(2.0, "b"), (1.0, "a"), (2.0, "c"), (-5.0, "now")]:
        clock.at(delay, fired.append, name)
    clock.run(until=3)
    assert fired == ["now", "a", "b", "c"]


def test_every_call_fired_is_counted() -> None:
    clock = Clock()
    for day in (1.0, 2.0, 5.0):
        clock.at(day, lambda: None)
    clock.run(until=3)
    assert clock.events_processed == 2


def test_the_collector_is_off_during_a_run(collector_on: None) -> None:
    clock, seen = Clock(), []
    clock.at(1.0, lambda: seen.append(gc.isenabled()))
    clock.run(until=2)
    assert seen == [False]


def test_a_run_leaves_the_collector_on_if_it_was_on(collector_on: None) -> None:
    Clock().run(until=1)
    assert gc.isenabled()


def test_a_run_leaves_the_collector_off_if_it_was_off(collector_on: None) -> None:
    gc.disable()
    Clock().run(until=1)
    assert not gc.isenabled()


def test_a_run_ends_with_a_collection_of_the_young_generations(collector_on: None) -> None:
    before = gc.get_stats()[1]["collections"]
    Clock().run(until=1)
    assert gc.get_stats()[1]["collections"] == before + 1


def test_the_collector_works_while_runs_overlap(collector_on: None) -> None:
    with collection_deferred():
        assert not gc.isenabled()
        with collection_deferred():
            assert gc.isenabled()  # a second run, in another thread
        assert gc.isenabled()
    assert gc.isenabled()


def test_overlapping_runs_leave_the_collector_off_if_it_was_off(collector_on: None) -> None:
    gc.disable()
    with collection_deferred(), collection_deferred():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_run_that_fails_still_restores_the_collector(collector_on: None) -> None:
    clock = Clock()
    clock.at(1.0, lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        clock.run(until=2)
    assert gc.isenabled()


def test_the_record_replay_makes_no_reference_cycles(collector_on: None) -> None:
    """What makes deferring the collector safe: a run leaves nothing for it to find."""
    sim = Simulation(load_scenario(RECORD))
    gc.disable()
    gc.collect()
    sim.run()
    assert gc.collect() == 0
