"""Exercises: people play a side of a scenario turn by turn (``parity exercise``).

The engine (``sim.exercise.engine``) is the one API; the terminal
(``sim.exercise.terminal``) and the web page are front ends on it.
"""

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
