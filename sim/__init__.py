"""Parity: a discrete-event model of a reciprocal dispute over diplomatic missions.

The names below are imported on first use (PEP 562), so that ``parity
--version`` or a command that draws no figure does not pay for SimPy, numpy or
matplotlib, and an early Ctrl-C reaches the command line's handler.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.api import Run, ensemble, load, run, sweep
    from sim.errors import ParityUserError, ScenarioError
    from sim.model import Simulation
    from sim.moves import MOVES
    from sim.scenario import Scenario, load_scenario

#: Where each public name lives.
_PUBLIC = {
    "MOVES": "sim.moves",
    "Run": "sim.api",
    "ensemble": "sim.api",
    "load": "sim.api",
    "run": "sim.api",
    "sweep": "sim.api",
    "ParityUserError": "sim.errors",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.errors",
    "Simulation": "sim.model",
    "load_scenario": "sim.scenario",
}

__all__ = [
    "MOVES",
    "ParityUserError",
    "Run",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "__version__",
    "ensemble",
    "load",
    "load_scenario",
    "run",
    "sweep",
]


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("parity-sim")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _installed_version()
    elif name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value
