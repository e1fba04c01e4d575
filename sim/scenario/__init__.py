"""Scenario files: the schema, and a loader that reports every problem with its line."""

from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "load_scenario"]
