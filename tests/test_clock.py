"""Tests for the clock: calls fire in time order, and a run leaves the garbage collector as
it found it (it is paused only while the run goes on).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from sim.clock import Clock, collection_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The garbage collector on for the test, and as it was after, whatever the test did to
    it (left off, the rest of the session would keep every cycle it makes).
    """
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
    assert clock.events_processed == 4


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


def test_the_collector_comes_back_only_when_the_last_of_overlapping_runs_ends(
        collector_on: None) -> None:
    with collection_paused():
        with collection_paused():
            pass
        assert not gc.isenabled()  # the outer run is still going on
    assert gc.isenabled()


def test_a_run_that_fails_still_restores_the_collector(collector_on: None) -> None:
    clock = Clock()
    clock.at(1.0, lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        clock.run(until=2)
    assert gc.isenabled()
