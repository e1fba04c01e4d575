"""Shared test setup: headless plotting, a fast hypothesis profile, a small scenario."""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Callable
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest
from hypothesis import settings

from sim.scenario.schema import Scenario

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True)
#: For a longer hunt: ``HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_mechanics.py``.
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

START = dt.date(2020, 1, 1)
END = dt.date(2022, 12, 31)

#: Two sides named A and B so nothing can depend on real countries.
#: A (in B's country): embassy 100 expat + 200 local, consulate 20 + 50, so
#: 120 expatriate and 250 local positions, 370 staff. B (in A's country): one
#: embassy, 80 + 10. Hiring is quick (one local a day) so refills show in months;
#: the host grants every visa in about 20 days, well inside the 90-day lead.
BASE: dict[str, Any] = {
    "name": "mechanics",
    "start": START,
    "end": END,
    "seed": 7,
    "sides": {
        "A": {
            "name": "A mission in B",
            "posts": [
                {"id": "emb", "name": "A Embassy", "kind": "embassy",
                 "expat": 100, "local": 200, "consular_share": 0.7},
                {"id": "con", "name": "A Consulate", "kind": "consulate",
                 "expat": 20, "local": 50, "consular_share": 0.3},
            ],
            "properties": [{"id": "dacha", "name": "A Dacha", "use": "recreation",
                            "annual_value": 500}],
            "work": {"travel_share": 0.3, "reach": [[40, 0.1], [1000, 1.0]]},
            "tour_years": {"low": 2, "mode": 3, "high": 4},
            "visa_lead_days": 90,
            "travel_days": 14,
            "local_hire_days": 1,
            "core_staff": 20,
            "consular_staff_max": 30,
            "consular_rate": 200,
            "reduction_order": [{"staff": "local", "keep": 50}, {"staff": "expat"}],
            "host_visa_policy": {"approval_rate": 1.0, "processing_days": 20},
        },
        "B": {
            "name": "B mission in A",
            "posts": [
                {"id": "bemb", "name": "B Embassy", "kind": "embassy",
                 "expat": 80, "local": 10, "consular_share": 1.0},
            ],
            "tour_years": {"low": 2, "mode": 3, "high": 4},
            "visa_lead_days": 90,
            "travel_days": 14,
            "local_hire_days": 1,
            "core_staff": 40,
            "consular_staff_max": 30,
            "consular_rate": 50,
            "host_visa_policy": {"approval_rate": 1.0, "processing_days": 20},
        },
    },
    "moves": [],
}


def build_scenario(**overrides: Any) -> Scenario:
    """The small two-side scenario, with top-level keys replaced and the side
    mappings ``A=`` / ``B=`` merged key by key into the base sides.
    """
    data = copy.deepcopy(BASE)
    for side in ("A", "B"):
        data["sides"][side].update(overrides.pop(side, {}))
    data.update(overrides)
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def make_scenario() -> Callable[..., Scenario]:
    """Factory for the small scenario: ``make_scenario(A={...}, moves=[...])``."""
    return build_scenario
