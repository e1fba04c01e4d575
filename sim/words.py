"""Moves and measures in plain words, from the rows of a run's files.

Figures, the report and the exercise describe moves to people who do not read
parameter dumps (``staff_cap ceiling=455 notice_days=35``). Each move class says
what it does in ``in_words``; this module rebuilds the move from an
``events.csv`` or ``measures.csv`` row so that its own words are used, and names
the missions as the run's summary does.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

from pydantic import ValidationError

from sim.moves import BY_NAME, Move


def field_value(cls: type[Move], key: str, text: str) -> Any:
    """A value typed as text, as the move's field expects it: lists are written
    comma-separated (in events.csv's detail, and by a player at the terminal).
    """
    field = cls.model_fields.get(key)
    if field is not None and list in {typing.get_origin(a) for a in
                                      (field.annotation, *typing.get_args(field.annotation))}:
        return text.split(",")
    return text


def move_of(row: dict[str, str]) -> Move | None:
    """The move a row records, rebuilt from its name and detail; None if it cannot be."""
    cls = BY_NAME.get(row.get("move", ""))
    if cls is None:
        return None
    detail = row.get("detail") or ""
    fields: dict[str, Any] = {"date": row.get("date") or row.get("start") or dt.date.min,
                              "actor": row.get("actor", "")}
    if cls.model_fields["move"].default == "statement":
        kind, _, note = detail.partition(": ")
        fields.update(kind=kind, note=note or None)
    else:
        params = detail.split("; ")[0]  # the rest says what a policy's move answers
        for token in params.split():
            key, sep, text = token.partition("=")
            if sep:
                fields[key] = field_value(cls, key, text)
    try:
        return cls.model_validate(fields)
    except ValidationError:
        return None


def describe(row: dict[str, str]) -> str:
    """What the row's move did, in words (``Ceiling of 455 staff, enforced after 35 days``)."""
    move = move_of(row)
    if move is not None:
        return move.in_words()
    name = (row.get("move") or "move").replace("_", " ")
    return name[:1].upper() + name[1:]


def mission_name(summary: dict[str, Any], side: str) -> str:
    """The mission a side keeps, as the scenario names it (``US mission in Russia``)."""
    entry = summary.get("sides", {}).get(side)
    name = entry.get("name") if isinstance(entry, dict) else None
    return str(name or side)


def sentence(row: dict[str, str], summary: dict[str, Any]) -> str:
    """A timeline entry: who, what, on whom (``RU: Ceiling of 455 staff, ... on the US
    mission in Russia``). Moves on one's own mission (closing one's own post) say so.
    """
    actor, target = row.get("actor", ""), row.get("target", "")
    what = describe(row)
    if row.get("move") == "statement" or not target:
        return f"{actor}: {what}"
    if target == actor:
        return f"{actor}: {what} (its own mission)"
    return f"{actor}: {what}, on the {mission_name(summary, target)}"
