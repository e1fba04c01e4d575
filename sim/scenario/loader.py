"""Load a scenario file: YAML with line marks, then the schema, then cross-checks.

Every problem found is reported, each on one line as ``file:line: what is
wrong (what is allowed)``, in a single ``ScenarioError``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from sim.errors import ScenarioError
from sim.moves import BY_NAME, Move
from sim.policies import BY_NAME as POLICIES
from sim.scenario.checks import check_moves, did_you_mean, one_of
from sim.scenario.extends import resolve
from sim.scenario.schema import MoveSpec, Scenario
from sim.scenario.yamlsource import Source, load_file

#: Validates one move of any kind, chosen by its ``move:`` name.
MOVE: TypeAdapter[Move] = TypeAdapter(MoveSpec)


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and cross-check a scenario file."""
    path = Path(path)
    source = resolve(load_file(path))
    scenario = from_source(source)
    digest = hashlib.sha256()
    for file in source.chain:
        digest.update(Path(file).read_bytes())
    scenario._sha256 = digest.hexdigest()
    return scenario


def from_source(source: Source) -> Scenario:
    """Build a ``Scenario`` from parsed YAML, reporting every problem at once.

    Each move is validated on its own, so one bad move does not hide the
    problems of the others, and the cross-checks still run on the good ones.
    """
    if not isinstance(source.data, dict):
        raise ScenarioError([f"{source.where(())}: a scenario must be a mapping of keys "
                             "(name, start, end, sides, moves...)"])
    raw_moves = source.data.get("moves", [])
    problems: list[str] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate({**source.data, "moves": []})
    except ValidationError as exc:
        problems += _messages(exc, source)
    moves: list[tuple[int, Move]] = []
    if not isinstance(raw_moves, list):
        problems.append(f"{source.where(('moves',))}: moves: must be a list of moves")
        raw_moves = []
    for i, raw in enumerate(raw_moves):
        try:
            moves.append((i, MOVE.validate_python(raw)))
        except ValidationError as exc:
            problems += _messages(exc, source, prefix=("moves", i))
    if scenario is not None:
        problems += [f"{source.where(('moves', i, field))}: moves[{i}].{field}: {msg}"
                     for i, field, msg in check_moves(scenario, moves)]
    if problems:
        raise ScenarioError(sorted(set(problems), key=lambda m: (_line_of(m), m)))
    assert scenario is not None
    scenario = scenario.model_copy(update={"moves": [move for _, move in moves]})
    scenario._file = source.file
    return scenario


def _messages(exc: ValidationError, source: Source, prefix: tuple[Any, ...] = ()) -> list[str]:
    out = []
    for error in exc.errors():
        loc = _strip_tags((*prefix, *error["loc"]))
        if error["type"].startswith("union_tag"):
            loc = (*loc, _tag_key(loc))
        out.append(f"{source.where(loc)}: {_dotted(loc)}: {_explain(error, source, loc)}")
    return out


def _tag_key(loc: tuple[Any, ...]) -> str:
    """The key naming the kind in a tagged union: ``policy`` under a side, else ``move``."""
    return "policy" if loc and loc[-1] == "policy" else "move"


def _strip_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the kind pydantic inserts in a tagged union: the move name after ``moves[i]``,
    the policy name after ``policy``."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        after_move = len(out) == 2 and out[0] == "moves" and part in BY_NAME
        after_policy = i > 0 and loc[i - 1] == "policy" and part in POLICIES
        if not (after_move or after_policy):
            out.append(part)
    return tuple(out)


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "scenario"


def _line_of(message: str) -> int:
    parts = message.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _explain(error: dict[str, Any], source: Source, loc: tuple[Any, ...]) -> str:
    """Pydantic's message rewritten in plain language, with what is allowed."""
    kind, given = error["type"], error.get("input")
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}'{_key_hint(error, loc, source)}"
    if kind == "missing":
        return "is required"
    if kind == "union_tag_invalid" and loc[-1] == "policy":
        tag = ctx.get("tag", given)
        return f"unknown policy '{tag}' {one_of(str(tag), list(POLICIES))}"
    if kind == "union_tag_invalid":
        tag = ctx.get("tag", given)
        return f"unknown move '{tag}' {one_of(str(tag), list(BY_NAME))}"
    if kind == "union_tag_not_found" and loc[-1] == "policy":
        return "needs a `policy:` naming the policy (see docs/reference/scenario-format.md)"
    if kind == "union_tag_not_found":
        return "needs a `move:` naming the move (see `parity moves`)"
    if kind == "literal_error":
        return f"'{given}' is not allowed (allowed: {ctx.get('expected', '')})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
                 "less_than": "<"}[kind]
        limit = next(iter(ctx.values()))
        return f"must be {bound} {limit} (got {given})"
    if kind.startswith("int_") or kind == "int_type":
        return f"must be a whole number (got {given!r})"
    if kind.startswith("float_"):
        return f"must be a number (got {given!r})"
    if kind.startswith("date_"):
        return f"must be a date as YYYY-MM-DD (got {given!r})"
    if kind == "string_type" and isinstance(given, bool):
        return f"must be text; write it in quotes (got {given})"
    if kind == "string_type":
        return f"must be text (got {given!r})"
    if kind in ("too_short", "too_long"):
        return error["msg"].replace("Dictionary", "mapping").replace("List", "list").lower()
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of keys (got {given!r})"
    if kind == "list_type":
        return f"must be a list (got {given!r})"
    return error["msg"]


def _key_hint(error: dict[str, Any], loc: tuple[Any, ...], source: Source) -> str:
    """Did-you-mean for an unknown key, from the keys the model there accepts."""
    model = _model_at(loc[:-1], source)
    return did_you_mean(str(loc[-1]), list(model.model_fields)) if model else ""


def _model_at(loc: tuple[Any, ...], source: Source) -> type[BaseModel] | None:
    """The schema model that owns the keys at ``loc``."""
    if loc[:1] == ("moves",) or loc[-1:] == ("policy",):
        entry = _data_at(source.data, loc) if loc[:1] != ("moves",) or len(loc) == 2 else None
        if not isinstance(entry, dict):
            return None
        return (POLICIES.get(entry.get("policy")) if loc[-1] == "policy"
                else BY_NAME.get(entry.get("move")))
    model: type[BaseModel] | None = Scenario
    for part in loc:
        if model is None or part not in model.model_fields:
            continue  # a side id or a list index: same model below it
        model = _inner_model(model.model_fields[part].annotation)
    return model


def _data_at(data: Any, loc: tuple[Any, ...]) -> Any:
    """The raw value at ``loc`` in the parsed YAML, or None."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``list[X]``, ``dict[str, X]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None
