"""How a side decides its own moves: one small class per policy, listed once in ``POLICIES``."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field

from sim.policies.base import Intent, Observation, Policy, View
from sim.policies.initiative import Escalate, Grit, Package
from sim.policies.reciprocity import Generous, Gradual, Mirror, Proportional, Scripted

#: Every policy, in the order the docs list them.
POLICIES: list[type[Policy]] = [Scripted, Mirror, Proportional, Generous, Gradual, Escalate,
                                Grit, Package]
BY_NAME: dict[str, type[Policy]] = {cls.model_fields["policy"].default: cls for cls in POLICIES}

#: A policy of any kind, chosen by its ``policy:`` name.
PolicySpec = Annotated[Union[tuple(POLICIES)], Field(discriminator="policy")]  # noqa: UP007


def select_policies(**classifier: Any) -> list[type[Policy]]:
    """Policies whose classifier matches, e.g. ``select_policies(stochastic=False)``."""
    return [p for p in POLICIES if all(p.classifier.get(k) == v for k, v in classifier.items())]


__all__ = ["BY_NAME", "POLICIES", "Intent", "Observation", "Policy", "PolicySpec", "View",
           "select_policies", *[cls.__name__ for cls in POLICIES]]
