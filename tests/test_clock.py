"""Tests for the clock: the calls scheduled on it fire in time order, those at the same
time in the order they were scheduled, and each is counted.
"""

from __future__ import annotations

from sim.clock import Clock


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
