"""Parity: a discrete-event model of a reciprocal dispute over diplomatic missions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("parity-sim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from sim.errors import ParityUserError, ScenarioError
from sim.model import Simulation
from sim.moves import MOVES
from sim.scenario import Scenario, load_scenario

__all__ = [
    "MOVES",
    "ParityUserError",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "__version__",
    "load_scenario",
]
