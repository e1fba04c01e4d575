"""Simulation time, and the one way the engine schedules: call a function later.

Every scheduled call is one SimPy event with a callback, not a process: the
model has no long-lived actors, only state changes at known times, and a
callback costs a fraction of a process resumption. The clock is the SimPy
environment itself, and each call is built ready to fire (its callback set
and scheduled in one step), as cheaply as SimPy allows.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import simpy
from simpy.events import NORMAL, Event

#: Runs going on in this process (threads may run several), and whether the cyclic
#: garbage collector was on when the first began.
_runs = 0
_collecting = False
_runs_lock = threading.Lock()


@contextmanager
def collection_deferred() -> Iterator[None]:
    """The cyclic garbage collector off while one run goes on, and one young collection
    when it ends.

    A run makes no reference cycles, yet each SimPy event it schedules is a few tracked
    objects that live until they fire, so collections during it pass over ever more of
    them and find nothing: a quarter of a run at missions 30 times the record's. The
    collection at the end moves what the run made on, as those during it would have, so
    cycles made outside runs are still freed in time. While runs overlap (threads) the
    collector works as usual.
    """
    global _runs, _collecting
    with _runs_lock:
        _runs += 1
        if _runs == 1:
            _collecting = gc.isenabled()
            gc.disable()
        elif _collecting:
            gc.enable()
    try:
        yield
    finally:
        with _runs_lock:
            _runs -= 1
            last = _runs == 0 and _collecting
            if last:
                gc.enable()
        if last:
            gc.collect(1)


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

    def run(self, until: Any = None) -> Any:
        """Process every call scheduled before ``until`` (see ``collection_deferred``)."""
        with collection_deferred():
            return super().run(until)

    def at(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` days (now, if not positive)."""
        Call(self, delay if delay > 0.0 else 0.0, fn, args)

    def at_day(self, day: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on simulation day ``day`` (not before now)."""
        self.at(day - self.now, fn, *args)

    def _fire(self, event: Call) -> None:
        self.events_processed += 1
        event.fn(*event.args)
