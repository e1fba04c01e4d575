"""Pydantic's validation errors rewritten as the one-line messages users read.

Each message is ``file:line: path: what is wrong (what is allowed)``: the line
comes from the YAML source, the path is dotted (``moves[3].count``), and the
wording is plain, with a did-you-mean wherever a close choice exists.
"""

from __future__ import annotations

import math
import re
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from sim.errors import clip, shown
from sim.moves import BY_NAME as MOVES
from sim.policies import ALIASES, policy_name
from sim.policies import BY_NAME as POLICIES
from sim.scenario.checks import did_you_mean
from sim.scenario.yamlsource import Source

_BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
           "less_than": "<"}


def messages(exc: ValidationError, source: Source, root: type[BaseModel],
             prefix: tuple[Any, ...] = ()) -> list[str]:
    """One line per error of ``exc``; ``prefix`` is where the validated value sits."""
    out = []
    for error in exc.errors():
        loc = strip_tags((*prefix, *error["loc"]))
        if error["type"].startswith("union_tag") and isinstance(data_at(source.data, loc), dict):
            loc = (*loc, "policy" if loc and loc[-1] == "policy" else "move")
        text = explain(error, Context(source, root, loc))
        out.append(f"{source.where(loc)}: {source.dotted(loc)}: {text}")
    return out


def strip_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the kind pydantic inserts in a tagged union: the move name after ``moves[i]``,
    the policy name after ``policy``.
    """
    out: list[Any] = []
    for i, part in enumerate(loc):
        after_move = len(out) == 2 and out[0] == "moves" and part in MOVES
        after_policy = i > 0 and loc[i - 1] == "policy" and part in POLICIES
        if not (after_move or after_policy):
            out.append(part)
    return tuple(out)


class Context:
    """Where an error is: the source, the schema it was validated against, the path."""

    def __init__(self, source: Source, root: type[BaseModel], loc: tuple[Any, ...]):
        self.source, self.root, self.loc = source, root, loc

    def model(self, loc: tuple[Any, ...] | None = None) -> type[BaseModel] | None:
        """The schema model that owns the keys at ``loc`` (default: the parent of the error)."""
        loc = self.loc[:-1] if loc is None else loc
        if loc[:1] == ("moves",) or loc[-1:] == ("policy",):
            entry = data_at(self.source.data, loc)
            if not isinstance(entry, dict) or (loc[0] == "moves" and len(loc) != 2):
                return None
            return (POLICIES.get(policy_name(str(entry.get("policy")))) if loc[-1] == "policy"
                    else MOVES.get(entry.get("move")))
        model: type[BaseModel] | None = self.root
        for part in loc:
            if model is not None and part in model.model_fields:
                model = inner_model(model.model_fields[part].annotation)
        return model

    def field_type(self) -> Any:
        """The annotation of the field in error, or None."""
        model = self.model()
        field = model.model_fields.get(self.loc[-1]) if model and self.loc else None
        return field.annotation if field is not None else None


def data_at(data: Any, loc: tuple[Any, ...]) -> Any:
    """The raw value at ``loc`` in the parsed YAML, or None."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``list[X]``, ``dict[str, X]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = inner_model(arg)
        if found:
            return found
    return None


def _expects_int(annotation: Any) -> bool:
    return annotation is int or int in get_args(annotation)


def _what(annotation: Any) -> str:
    """What a value of this type is written as, for 'is required (...)'."""
    from sim.reference import type_name

    if annotation is None:
        return "a value"
    text = re.sub(r" \(\w+\)", "", type_name(annotation))  # no class names
    return text.replace("date", "a date as YYYY-MM-DD") if text.startswith("date") else text


def explain(error: dict[str, Any], where: Context) -> str:
    """Pydantic's message in plain language, with what is allowed."""
    kind, given, ctx, loc = error["type"], error.get("input"), error.get("ctx", {}), where.loc
    if kind == "extra_forbidden":
        model = where.model()
        allowed = [f.alias or k for k, f in model.model_fields.items()] if model else []
        hint = did_you_mean(clip(loc[-1], 200), allowed)
        return f"unknown key '{clip(loc[-1])}'" + (hint or f" (allowed: {', '.join(allowed)})")
    if kind == "missing":
        return f"is required ({_what(where.field_type())})"
    if kind.startswith("union_tag"):
        return _union_tag(kind, ctx.get("tag", given), loc)
    if kind == "literal_error":
        return f"{quoted(given)} is not allowed (allowed: {ctx.get('expected', '')})"
    if kind in _BOUNDS:
        return f"must be {_BOUNDS[kind]} {next(iter(ctx.values()))} (got {clip(given)})"
    numeric = kind.startswith(("int_", "float_")) or kind in _BOUNDS
    if kind == "finite_number" or (numeric and isinstance(given, float)
                                   and not math.isfinite(given)):
        number = "a whole number" if _expects_int(where.field_type()) else "a finite number"
        return f"must be {number} (got {clip(given)})"
    if kind.startswith("int_"):
        return f"must be a whole number (got {shown(given)})"
    if kind.startswith("float_"):
        return f"must be a number (got {shown(given)})"
    is_date = kind.startswith(("date_", "datetime_"))
    if is_date and re.fullmatch(r"\d{4}-\d\d-\d\d", clip(given, 20)):
        return f"{quoted(given)} is not a day of the calendar"
    if is_date:
        return f"must be a date as YYYY-MM-DD (got {shown(given)})"
    if kind == "string_type" and isinstance(given, bool):
        return f"must be text; write it in quotes (got {clip(given)})"
    if kind == "string_type":
        return f"must be text (got {shown(given)})"
    if kind in ("too_short", "too_long"):
        return _count(loc, given, ctx)
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of keys (got {shown(given)})"
    if kind == "list_type":
        return f"must be a list (got {shown(given)})"
    return error["msg"]


def quoted(value: Any) -> str:
    """A name the user wrote, in quotes (``'expell'``); a value of another type as it is."""
    return f"'{clip(value)}'" if isinstance(value, str) else shown(value)


def _union_tag(kind: str, tag: Any, loc: tuple[Any, ...]) -> str:
    is_policy = loc[-1] == "policy" or (len(loc) > 1 and loc[-2] == "policy")
    noun, names = ("policy", list(POLICIES)) if is_policy else ("move", list(MOVES))
    if kind == "union_tag_invalid":
        known = names + (list(ALIASES) if is_policy else [])
        hint = did_you_mean(clip(tag, 200), known)
        return f"unknown {noun} {quoted(tag)} (allowed: {', '.join(names)}{hint})"
    return f"needs a `{noun}:` naming the {noun} (allowed: {', '.join(names)})"


def _count(loc: tuple[Any, ...], given: Any, ctx: dict[str, Any]) -> str:
    """Too few or too many items, said in words."""
    if loc[-1:] == ("sides",):
        got = list(given) if isinstance(given, dict) else []
        return (f"needs exactly two sides (got {len(got)}: "
                f"{clip(', '.join(clip(s, 20) for s in got[:10]), 120)})")
    least = ctx.get("min_length")
    noun = str(loc[-1]).rstrip("s") if loc else "item"
    if least is not None and len(given or ()) < least:
        return f"needs at least {'one' if least == 1 else least} {noun}"
    return f"has too many items (at most {ctx.get('max_length')})"
