"""A scenario's assumptions and parameters as readable tables, not a YAML dump.

Every setting is read from the loaded scenario and described in the schema's own
words (each field's ``description``, the text the format reference prints), so
the report and the reference cannot disagree. Settings are grouped as
``docs/background.md`` explains them, with the section to read named beside each
group; a value left at its default is marked so, since a default is an
assumption too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.policies import Policy
from sim.scenario.schema import Scenario, SideSpec

#: Groups of a side's settings: title, section of docs/background.md, SideSpec fields.
SIDE_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("How the side decides", "Talks, shocks and policies", ("policy", "priorities")),
    ("Staff and the visas they need", "Staff rotation and the visa pipeline",
     ("tour_years", "visa_lead_days", "travel_days", "reapply_days", "host_visa_policy",
      "local_hire_days", "local_hires_per_month", "reduction_order")),
    ("Visas for the host's public", "Visas for the public: a queue",
     ("core_staff", "consular_staff_max", "consular_rate", "consular")),
    ("Work capacity", "Work capacity: what travel rules and missing staff cost", ("work",)),
    ("Running cost", "Money: cost per head", ("costs", "flight_detour_days")),
    ("The sending side's plans", "The sending side decides its size", ("planning",)),
)
#: SideSpec fields shown in tables of their own, not as settings.
SIDE_TABLES = ("name", "posts", "properties")
#: Scenario fields shown elsewhere in the report (the timeline, the talks and shocks).
SCENARIO_SHOWN_ELSEWHERE = ("name", "description", "sides", "moves", "talks", "relations",
                            "shocks")


@dataclass(frozen=True)
class Leaf:
    """One setting: its key as the file writes it, its meaning, value, and whether the
    value is the default.
    """

    key: str
    meaning: str
    value: Any
    default: bool


@dataclass(frozen=True)
class Row:
    """A setting across columns (the sides, or the runs): ``None`` where it does not apply."""

    key: str
    meaning: str
    values: tuple[str | None, ...]
    defaults: tuple[bool, ...]


@dataclass(frozen=True)
class Group:
    """Settings shown as one table."""

    title: str
    background: str
    rows: list[Row]


def text(value: Any, grouped: bool = True) -> str:
    """A setting's value as a reader writes it: ``yes``, ``0.97``, ``1,200``, ``a, b``
    (``grouped``: thousands separated; not for a seed, which is a name, not a quantity).
    """
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if grouped else str(value)
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,.6g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "(" + ", ".join(text(v) for v in value) + ")"
    if isinstance(value, list):
        scalars = all(isinstance(v, str | int | float) for v in value)
        return ("; ", ", ")[scalars].join(text(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text(v)}" for k, v in value.items()) if value else "none"
    if isinstance(value, BaseModel) and {"date", "name"} <= set(type(value).model_fields):
        return f"{text(value.date)} {value.name}".strip()  # a talks round, a shock
    if isinstance(value, BaseModel):
        return ", ".join(f"{leaf.key} {text(leaf.value)}" for leaf in leaves(value)
                         if leaf.value is not None)
    return str(value)


def _is_default(field: FieldInfo, value: Any) -> bool:
    if field.is_required():
        return False
    return bool(field.get_default(call_default_factory=True) == value)


def leaves(model: BaseModel, prefix: str = "", expand_lists: bool = False) -> Iterator[Leaf]:
    """Every setting of ``model``, nested models opened into dotted keys.

    A policy shows its name with what it does. Lists of models (a reduction order,
    vetoes) stay one setting unless ``expand_lists``, which opens them by ``id``
    (or position) so that two scenarios can be compared setting by setting; dated
    ones (talks rounds, shocks) stay one setting, named by their dates and names.
    """
    for name, field in type(model).model_fields.items():
        key = f"{prefix}{field.alias or name}"
        value = getattr(model, name)
        if isinstance(model, Policy) and name == "policy":
            yield Leaf(key, f"the policy: {type(model).summary}", value, False)
        elif isinstance(value, BaseModel):
            yield from leaves(value, f"{key}.", expand_lists)
        elif isinstance(value, dict) and value and all(
                isinstance(v, BaseModel) for v in value.values()):
            for k, item in value.items():
                yield from leaves(item, f"{key}.{k}.", expand_lists)
        elif expand_lists and isinstance(value, list) and value and all(
                isinstance(v, BaseModel) and "date" not in type(v).model_fields
                for v in value):
            for i, item in enumerate(value):
                yield from leaves(item, f"{key}.{getattr(item, 'id', i)}.", expand_lists)
        else:
            yield Leaf(key, field.description or "", value, _is_default(field, value))


def _rows(per_column: Sequence[list[Leaf]]) -> list[Row]:
    """Settings side by side, in the order they first appear. A model that one column
    leaves unset or empty (``parity: none``) and another sets shows as its settings,
    each ``none`` in the first column, not as a row of its own.
    """
    by_key = [{leaf.key: leaf for leaf in column} for column in per_column]
    keys = list(dict.fromkeys(leaf.key for column in per_column for leaf in column))
    parents = {k for k in keys if any(other.startswith(f"{k}.") for other in keys)}
    rows = []
    for key in keys:
        if key in parents:
            continue
        found = [column.get(key) or _unset_parent(column, key) for column in by_key]
        meaning = next(leaf.meaning for leaf in found if leaf is not None and leaf.key == key)
        rows.append(Row(key, meaning,
                        tuple(None if leaf is None else text(leaf.value, key != "seed")
                              for leaf in found),
                        tuple(leaf is not None and leaf.default for leaf in found)))
    return rows


def _unset_parent(column: dict[str, Leaf], key: str) -> Leaf | None:
    """The setting above ``key`` in a column that leaves it unset, if any."""
    parts = key.split(".")
    for end in range(len(parts) - 1, 0, -1):
        parent = column.get(".".join(parts[:end]))
        if parent is not None:
            return parent if parent.value in (None, {}, []) else None
    return None


def _side_leaves(side: SideSpec, fields: Sequence[str]) -> list[Leaf]:
    shown = [(name, SideSpec.model_fields[name]) for name in fields]
    found: list[Leaf] = []
    for name, field in shown:
        value = getattr(side, name)
        if isinstance(value, BaseModel):
            found += leaves(value, f"{name}.")
        else:
            found.append(Leaf(name, field.description or "", value, _is_default(field, value)))
    return found


def side_groups(scenario: Scenario) -> list[Group]:
    """The sides' settings, group by group, one column per side."""
    grouped = {name for _, _, names in SIDE_GROUPS for name in names}
    other = tuple(n for n in SideSpec.model_fields if n not in grouped and n not in SIDE_TABLES)
    groups = [*SIDE_GROUPS, ("Other settings", "", other)] if other else list(SIDE_GROUPS)
    return [Group(title, background,
                  _rows([_side_leaves(side, names) for side in scenario.sides.values()]))
            for title, background, names in groups]


def run_group(scenario: Scenario) -> Group:
    """The scenario's own settings: horizon, sampling, seed, what it extends and drops."""
    found = [leaf for leaf in leaves(scenario)
             if leaf.key.split(".")[0] not in SCENARIO_SHOWN_ELSEWHERE]
    return Group("The run", "", _rows([found]))


def talks_groups(scenario: Scenario) -> list[Group]:
    """How talks and relations work (the rounds and the sides' positions apart)."""
    talks = [leaf for leaf in leaves(scenario.talks, "talks.")
             if not leaf.key.startswith(("talks.rounds", "talks.sides"))]
    relations = list(leaves(scenario.relations, "relations."))
    positions = [list(leaves(scenario.talks.sides[side], "talks.sides.<side>."))
                 if side in scenario.talks.sides else [] for side in scenario.sides]
    groups = [Group("Talks", "Talks, shocks and policies", _rows([talks])),
              Group("Relations and tension", "Relations and tension", _rows([relations]))]
    if any(positions):
        groups.insert(1, Group("What each side brings to the talks",
                               "Talks, shocks and policies", _rows(positions)))
    return groups


def differences(scenarios: Sequence[Scenario | None]) -> list[Row]:
    """Every setting on which a scenario differs from the first, moves apart: one column
    per scenario (``None`` for a run whose scenario file was not found).
    """
    columns = [[] if s is None else [leaf for leaf in leaves(s, expand_lists=True)
                                     if not leaf.key.startswith(("moves", "name",
                                                                 "description"))]
               for s in scenarios]
    rows = _rows(columns)
    known = [i for i, s in enumerate(scenarios) if s is not None]
    return [row for row in rows
            if len({row.values[i] for i in known}) > 1]
