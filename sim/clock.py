"""Simulation time, and the one way the engine schedules: call a function later.

Every scheduled call is one SimPy event with a callback, not a process: the
model has no long-lived actors, only state changes at known times, and a
callback costs a fraction of a process resumption. The clock is the SimPy
environment itself, and each call is built ready to fire (its callback set
and scheduled in one step), as cheaply as SimPy allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL, Event


class Call(Event):
    """A function to call with its arguments at a time: the clock's one kind of event."""

    #: Triggered when made, like a ``Timeout``: set once for all calls.
    _ok = True
    _value = None

    def __init__(self, clock: Clock, delay: float, fn: Callable[..., Any], args: tuple):
        """Schedule ``fn(*args)`` on ``clock`` after ``delay`` days (not negative)."""
        self.env = clock
        self.callbacks = [clock.fire]
        self.fn, self.args = fn, args
        clock.schedule(self, NORMAL, delay)


class Clock(simpy.Environment):
    """The SimPy environment, the calls scheduled on it, and how many have run."""

    def __init__(self) -> None:
        """A clock at day 0 with nothing scheduled."""
        super().__init__()
        self.events_processed = 0
        #: The callback of every call, bound once.
        self.fire = self._fire

    def at(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` days (now, if not positive)."""
        Call(self, delay if delay > 0.0 else 0.0, fn, args)

    def at_day(self, day: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on simulation day ``day`` (not before now)."""
        self.at(day - self.now, fn, *args)

    def _fire(self, event: Call) -> None:
        self.events_processed += 1
        event.fn(*event.args)
