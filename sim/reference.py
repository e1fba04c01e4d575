"""The scenario format's reference, written from the schema itself so it cannot drift.

``python -m sim.reference > docs/scenario-format.md`` regenerates it;
a test fails when the file and the code disagree.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.consular import ConsularSpec
from sim.costs import CostSpec
from sim.harm import Priorities
from sim.moves import MOVES, Move
from sim.planning import AssignmentMonths, PlannedPost, PlanningSpec
from sim.policies import POLICIES, Policy, aliases_of
from sim.relations import RelationsSpec
from sim.scenario import plausibility
from sim.scenario.schema import (
    LIMITS,
    DropMoves,
    PostSpec,
    PropertySpec,
    ReductionStep,
    Scenario,
    SideSpec,
    TourYears,
    VisaPolicySpec,
)
from sim.shocks import Shock
from sim.talks import Parity, Proposal, SideTalks, Talks, TalksRound, Veto
from sim.work import WorkSpec

INTRO = """\
# Scenario file format (reference)

Generated from the code by `python -m sim.reference`; do not edit by hand.

A scenario is a YAML file: two sides, each with its mission in the other's
country at the start, dated moves, each side's policy, talks, and the horizon.
Dates are written `YYYY-MM-DD`. Unknown keys are errors. `parity validate FILE`
checks a file and lists every problem with its line.
"""

SECTIONS: list[tuple[str, type[BaseModel], str]] = [
    ("Top level", Scenario, ""),
    ("`sides.<id>`", SideSpec, "One entry per side, keyed by its id (e.g. `US`). A side's "
     "mission is the one it keeps in the other side's country."),
    ("`posts[]`", PostSpec, ""),
    ("`properties[]`", PropertySpec, ""),
    ("`tour_years`", TourYears, ""),
    ("`host_visa_policy`", VisaPolicySpec, ""),
    ("`reduction_order[]`", ReductionStep, ""),
    ("`consular`", ConsularSpec, "Host nationals applying for the mission's visas, queued for "
     "an interview with its consular officers (`core_staff`, `consular_staff_max` and "
     "`consular_rate` of the side set who serves). See `sim/consular.py` and "
     "docs/background.md."),
    ("`work`", WorkSpec, "What the mission's diplomats spend their days on, and what travel "
     "rules and missing local staff cost: the metric `work_capacity`."),
    ("`costs`", CostSpec, "What the mission costs to run (in thousands, of USD in the "
     "record): the metric `cost_per_head`. Seized properties add their `annual_value`."),
    ("`planning`", PlanningSpec, "How the sending side staffs its mission beyond the regular "
     "rotation: its planned size, the assignment cycle of new, restored or suddenly vacated "
     "positions, and whether it rebuilds after a lift."),
    ("`planning.assignment_months`", AssignmentMonths, ""),
    ("`planning.planned.<post id>`", PlannedPost, ""),
    ("`drop_moves`", DropMoves, "Only with `extends:`. A base move is dropped if its id is "
     "listed, or if it is dated on or after `from` and matches `actor` and `moves` when given."),
    ("`priorities`", Priorities, "How the side weighs its mission's four functions when it "
     "measures a move's harm (`sim/harm.py`): the weights are normalised, so only their "
     "ratios matter; all 0 is read as all equal."),
    ("`talks`", Talks, "How a round decides is in docs/how-to/model-talks.md."),
    ("`talks.rounds[]`", TalksRound, ""),
    ("`talks.rounds[].proposal`", Proposal, ""),
    ("`talks.sides.<id>`", SideTalks, "What a side brings to the talks, keyed by its id."),
    ("`talks.sides.<id>.parity`", Parity, ""),
    ("`talks.sides.<id>.vetoes[]`", Veto, ""),
    ("`relations`", RelationsSpec, "The state of relations, the metric `tension` "
     "(`sim/relations.py`)."),
    ("`shocks[]`", Shock, "Dated events outside the missions (`sim/shocks.py`). A shock's "
     "`priorities` replace the side's whole set from its date: weights not given are 1."),
]


def type_name(annotation: Any) -> str:
    """A field's type in words."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (types.UnionType, typing.Union):
        rest = [a for a in args if a is not type(None)]
        if all(isinstance(a, type) and issubclass(a, BaseModel) for a in rest) and len(rest) > 2:
            return "a policy (see Policies)" if issubclass(rest[0], Policy) else "a move"
        return " or ".join(type_name(a) for a in rest) + (
            " or null" if type(None) in args else "")
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"mapping of {type_name(args[0])} to {type_name(args[1])}"
    if origin is typing.Annotated:
        return type_name(args[0])
    names = {int: "whole number", float: "number", str: "text", bool: "true or false",
             dt.date: "date"}
    if annotation in names:
        return names[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"mapping ({annotation.__name__})"
    return str(annotation)


def default_text(field: FieldInfo) -> str:
    """The default as a user would write it, or 'required'."""
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "see below"
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            return ", then ".join(f"`{v.model_dump(exclude_defaults=True)}`" for v in value)
        return f"`{value}`" if value not in ([], {}) else "empty"
    if field.default is None:
        return "none"
    if field.default is PydanticUndefined:
        return ""
    return f"`{field.default}`"


def field_table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    """A Markdown table of a model's keys: type, default and meaning."""
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        key = field.alias or name
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{key}` | {type_name(field.annotation)} | {default_text(field)} "
                     f"| {meaning} |")
    return rows


def catalogue(title: str, classes: list[type[BaseModel]], tag: str, skip: tuple[str, ...],
              extra: str) -> list[str]:
    """A section per move or policy: its summary, its rule, its aliases and its parameters."""
    lines = [f"## {title}", "", extra, ""]
    for cls in classes:
        name = cls.model_fields[tag].default
        paragraphs = [" ".join(p.split()) for p in (cls.__doc__ or "").strip().split("\n\n")]
        lines += [f"### `{name}`", "", f"*{cls.summary[0].upper()}{cls.summary[1:]}.*", ""]
        lines += [line for p in paragraphs for line in (p, "")]
        aliases = aliases_of(name) if issubclass(cls, Policy) else []
        if aliases:
            lines += ["Also written: " + ", ".join(f"`{a}`" for a in aliases) + ".", ""]
        if hasattr(cls, "classifier"):
            tags = ", ".join(f"{k}: {v}" for k, v in cls.classifier.items())
            lines += [f"Classifier: {tags}.", ""]
        table = field_table(cls, skip=skip)
        lines += (table if len(table) > 2 else ["No parameters."]) + [""]
    return lines


def _file_limits() -> list[tuple[str, str, str]]:
    """The limits on the file itself, stated by the loader's modules."""
    from sim.errors import MAX_LINE, SHOWN
    from sim.scenario.extends import MAX_EXTENDS
    from sim.scenario.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_CHARS, MAX_VALUES

    return [
        ("the file", f"at most {MAX_FILE_BYTES:,} bytes, with the files it extends",
         "the record is about 40 kB; a large file of blank lines takes seconds to read"),
        ("the file", f"nesting at most {MAX_DEPTH} lists and mappings deep",
         "a scenario needs 6; deeper nesting only exhausts the reader"),
        ("the file", f"at most {MAX_VALUES:,} values once aliases are expanded, with the "
         "files it extends", "a few hundred bytes of aliases can expand to billions of "
         "values; a chain of files costs no more than one"),
        ("`extends:`", f"at most {MAX_EXTENDS} files in a chain, the what-if included",
         "a what-if of a what-if is useful; a chain of hundreds is a mistake"),
        ("a key", "at most 1,024 characters", "PyYAML's limit on a simple key"),
        ("a number", f"at most {MAX_NUMBER_CHARS} characters to be read as one (a longer one "
         "is read as text)", "PyYAML reads some long numbers (`1:0:0:...`, base 60) in time "
         "that grows with the square of their length"),
        ("explicit tags", "`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!timestamp` on "
         "single values only", "other tags build objects a scenario has no use for"),
        ("error messages", f"a value is echoed to {SHOWN} characters, a printed line (its "
         f"`error: ` or `warning: ` included) cut at {MAX_LINE}; control, format and line "
         "separator characters shown as escapes (`\\x1b`, `\\u202e`)",
         "a bad value of megabytes would otherwise be printed whole, and a terminal obeys "
         "the escape sequences a value holds"),
    ]


def limits_section() -> list[str]:
    """The stated limits: what a valid file can cost is bounded, and each bound is here."""
    rows = ["| key | limit | why |", "|---|---|---|"]
    rows += [f"| {where} | {limit} | {why} |" for where, limit, why in
             [*_file_limits(), *LIMITS]]
    return ["## Limits", "",
            "A value past a limit is an error that states the limit, e.g. `end: 9999-12-31 "
            "is 7983 years after start (allowed: at most 200 years)`.", "", *rows, ""]


def warnings_section() -> list[str]:
    """What a valid file is warned of: values a specialist would query."""
    rows = ["| at | warned when |", "|---|---|"]
    rows += [f"| {rule.at} | {rule.when} |" for rule in plausibility.RULES]
    return ["## Warnings", "",
            "A valid scenario can still be implausible. `parity validate` and `parity run` "
            "warn of it, one line each as `FILE:LINE: WHERE: what is implausible (why, and "
            "what is usual)`; a warning does not stop a run. A run is estimated at "
            f"{plausibility.EVENTS_PER_TOUR} events for each tour of each expatriate "
            "position (a tour lasts the mean of `tour_years`, or the days a replacement "
            "takes to arrive if that is longer) and one for each sample, at "
            f"{plausibility.SECONDS_PER_EVENT * 1e6:g} µs an event: the record replay is "
            "about 8,000 events.", "", *rows, ""]


def scenario_format() -> str:
    """The whole reference page as Markdown."""
    lines = [INTRO]
    for title, model, note in SECTIONS:
        lines += [f"## {title}", ""] + ([note, ""] if note else []) + field_table(model) + [""]
    common = ", ".join(f"`{k}`" for k in Move.COMMON)
    lines += catalogue(
        "Moves", MOVES, "move", Move.COMMON,
        f"Every move has {common}: `date` and `actor` are required, `target` defaults to "
        "the other side (to the actor's own mission for consular moves), `id` names a "
        "measure for `lift`, `source` cites the record. Its own parameters follow.")
    base = tuple(Policy.model_fields)
    shared = field_table(Policy, skip=("policy",))
    lines += catalogue(
        "Policies", POLICIES, "policy", base,
        "A side's `policy:` decides the moves the file does not script. It is written as a "
        "mapping, `policy: {policy: mirror, lag_days: 20}`, or by its name alone for its "
        "defaults, `policy: mirror`. A name may be written in any case, with hyphens, "
        "underscores or spaces between its words, and by the other names listed under "
        "each policy (`tit-for-tat` is `mirror`). Every policy takes these parameters "
        "besides its own:\n\n" + "\n".join(shared))
    lines += limits_section() + warnings_section() + metrics_section()
    return "\n".join(lines).rstrip() + "\n"


def metrics_section() -> list[str]:
    """What a run measures: the rows of ``timeseries.csv``."""
    from sim.metrics import JOINT_METRICS, SIDE_METRICS

    rows = [f"| `{name}` | each side | {meaning} |" for name, meaning in SIDE_METRICS.items()]
    rows += [f"| `{name}` | `both` | {meaning} |" for name, meaning in JOINT_METRICS.items()]
    return ["## Metrics", "",
            "What a run measures, sampled every `sample_days` into `timeseries.csv` "
            "(`date,side,metric,value`). A side's rows describe its mission in the other "
            "side's country; `both` compares the two missions.", "",
            "| metric | side | meaning |", "|---|---|---|", *rows, ""]


if __name__ == "__main__":
    print(scenario_format(), end="")
