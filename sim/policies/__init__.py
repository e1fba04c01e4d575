"""How a side decides its own moves: one small class per policy, listed once in ``POLICIES``."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import BeforeValidator, Field

from sim.policies.base import Intent, Observation, Policy, View
from sim.policies.initiative import Escalate, Grit, Package
from sim.policies.reciprocity import Generous, Gradual, Mirror, Proportional, Scripted

#: Every policy, in the order the docs list them.
POLICIES: list[type[Policy]] = [Scripted, Mirror, Proportional, Generous, Gradual, Escalate,
                                Grit, Package]
BY_NAME: dict[str, type[Policy]] = {cls.model_fields["policy"].default: cls for cls in POLICIES}

#: Other names people write for a policy (the names its literature and the docs use), each
#: to the policy it means. The one list of aliases: the reference prints it under each
#: policy. Written in the form ``policy_name`` reduces them to (lower case, words joined
#: by hyphens); a name that could mean two policies (``reciprocity``) is left out.
ALIASES: dict[str, str] = {
    "replay": "scripted",
    "tit-for-tat": "mirror",
    "titfortat": "mirror",
    "tft": "mirror",
    "strict-reciprocity": "mirror",
    "mirror-response": "mirror",
    "proportionate": "proportional",
    "proportional-countermeasures": "proportional",
    "generous-tit-for-tat": "generous",
    "generous-tft": "generous",
    "gtft": "generous",
    "escalation": "escalate",
    "richardson": "escalate",
    "osgood": "grit",
    "package-deal": "package",
    "issue-linkage": "package",
    "linkage": "package",
}


def policy_name(name: str) -> str:
    """The registered name ``name`` stands for, or ``name`` unchanged if it names none.

    Case, hyphens, underscores and spaces do not matter (``Tit_for_tat``, ``tit for
    tat``), so a user need not remember which separator the docs used; an unknown name
    comes back as written, for the error message to quote.
    """
    key = "-".join(name.strip().lower().replace("_", " ").replace("-", " ").split())
    if key in BY_NAME:
        return key
    return ALIASES.get(key, name)


def _resolve_alias(value: Any) -> Any:
    """Before validation: a policy written by name alone, or by an alias, as its mapping.

    ``policy: tit-for-tat`` becomes ``{policy: mirror}``: the union picks its member by
    the registered name, so aliases must be resolved before it looks.
    """
    if isinstance(value, str):
        return {"policy": policy_name(value)}
    if isinstance(value, dict) and isinstance(value.get("policy"), str):
        return {**value, "policy": policy_name(value["policy"])}
    return value


#: A policy of any kind, chosen by its ``policy:`` name (or an alias of it), or given by
#: name alone for its defaults.
PolicySpec = Annotated[Union[tuple(POLICIES)],  # noqa: UP007
                       Field(discriminator="policy"), BeforeValidator(_resolve_alias)]


def aliases_of(name: str) -> list[str]:
    """The aliases of a registered policy, in the order ``ALIASES`` lists them."""
    return [alias for alias, target in ALIASES.items() if target == name]


def select_policies(**classifier: Any) -> list[type[Policy]]:
    """Policies whose classifier matches, e.g. ``select_policies(stochastic=False)``."""
    return [p for p in POLICIES if all(p.classifier.get(k) == v for k, v in classifier.items())]


__all__ = ["ALIASES", "BY_NAME", "POLICIES", "Intent", "Observation", "Policy", "PolicySpec",
           "View", "aliases_of", "policy_name", "select_policies",
           *[cls.__name__ for cls in POLICIES]]
