"""Exercises: people play a side of a scenario turn by turn (``parity exercise``).

The engine (``sim.exercise.engine``, its API in its docstring) is the one API; the
terminal (``sim.exercise.terminal``) and the web page are front ends on it. The names
below are imported on first use (PEP 562), so that ``parity --help`` can read the
syntax (``sim.exercise.syntax``) without loading the model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.exercise.engine import (
        Event,
        Exercise,
        ExerciseError,
        Finished,
        InForce,
        LegalMove,
        Param,
        Played,
        SideState,
        Turn,
    )

__all__ = ["Event", "Exercise", "ExerciseError", "Finished", "InForce", "LegalMove", "Param",
           "Played", "SideState", "Turn"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("sim.exercise.engine"), name)
    raise AttributeError(f"module 'sim.exercise' has no attribute {name!r}")
