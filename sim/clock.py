"""Simulation time, and the one way the engine schedules: call a function later.

Every scheduled call is one SimPy ``Timeout`` with a callback, not a process:
the model has no long-lived actors, only state changes at known times, and a
callback costs a fraction of a process resumption.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import Timeout


class Clock:
    """The SimPy environment, the calls scheduled on it, and how many have run."""

    def __init__(self) -> None:
        """A clock at day 0 with nothing scheduled."""
        self.env = simpy.Environment()
        self.events_processed = 0

    @property
    def now(self) -> float:
        """Days since the scenario's start."""
        return self.env.now

    def at(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` days (now, if not positive)."""
        event = Timeout(self.env, delay if delay > 0.0 else 0.0)
        event.call = (fn, args)  # type: ignore[attr-defined]
        event.callbacks.append(self._fire)

    def at_day(self, day: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on simulation day ``day`` (not before now)."""
        self.at(day - self.env.now, fn, *args)

    def run(self, until: float) -> None:
        """Process every call scheduled before ``until``."""
        self.env.run(until=until)

    def _fire(self, event: Timeout) -> None:
        self.events_processed += 1
        fn, args = event.call  # type: ignore[attr-defined]
        fn(*args)
