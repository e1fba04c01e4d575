"""Moves and measures in plain words, from the rows of a run's files.

Figures, the report and the exercise describe moves to people who do not read
parameter dumps (``staff_cap ceiling=455 notice_days=35``). Each move class says
what it does in ``in_words``; this module rebuilds the move from an
``events.csv`` or ``measures.csv`` row so that its own words are used, and names
the missions as the run's summary does. A short form (``short``, ``brief``) leaves
out when a move bites, for chart rows and keys that show its date; metrics and sweep
parameters have their words and units here too, so every figure says them alike.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections import Counter
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


def places_of(spec: Any) -> dict[str, str]:
    """A mission's posts and properties by id, as the scenario (a ``SideSpec``) names
    them: what moves' words call them (``Consulate General San Francisco``).
    """
    return {**{p.id: p.name for p in spec.posts}, **{p.id: p.name for p in spec.properties}}


def move_words(move: Move, scenario: Any) -> str:
    """A move's words with the target's posts and properties named as in ``scenario``."""
    target = move.target_in(list(scenario.sides))
    return move.in_words(places_of(scenario.sides[target]))


def places(summary: dict[str, Any] | None, side: str) -> dict[str, str]:
    """The side's posts and properties by id, as its run's summary names them."""
    entry = (summary or {}).get("sides", {}).get(side)
    named = entry.get("places") if isinstance(entry, dict) else None
    return named if isinstance(named, dict) else {}


def describe(row: dict[str, str], summary: dict[str, Any] | None = None) -> str:
    """What the row's move did, in words (``Ceiling of 455 staff, enforced after 35 days``);
    with the run's ``summary``, posts and properties by their names in the scenario.
    """
    move = move_of(row)
    if move is not None:
        return move.in_words(places(summary, row.get("target", "")))
    name = (row.get("move") or "move").replace("_", " ")
    return name[:1].upper() + name[1:]


#: The clause of a move's words that says when it bites (``, enforced after 35 days``,
#: ``, to leave within 7 days``, `` after 79 days``): a chart row or a dated key says when.
_WHEN = re.compile(r",? (?:enforced after|to leave within|vacated within|those over it gone by"
                   r"|after \d+ days?$).*$")


def short(row: dict[str, str], summary: dict[str, Any] | None = None) -> str:
    """What the row's move did, without when it bites (``Ceiling of 455 staff``): for
    chart rows and keys, where its date is shown beside it.
    """
    named = _WHEN.sub("", describe(row, summary))
    return named if len(named) <= SHORT_CHARS else _WHEN.sub("", describe(row))


#: Longest short form with posts named as in the scenario (``Closure of Consulate General
#: Seattle``); beyond it, posts go by their places (``... at Vladivostok and Yekaterinburg``),
#: so that a chart's row labels leave it room.
SHORT_CHARS = 48


#: Side id of the metrics of both missions together.
BOTH = "both"


def mission_name(summary: dict[str, Any], side: str) -> str:
    """The mission a side keeps, as the scenario names it (``US mission in Russia``)."""
    if side == BOTH:
        return "both missions"
    entry = summary.get("sides", {}).get(side)
    name = entry.get("name") if isinstance(entry, dict) else None
    return str(name or side)


#: Each metric in words and its unit, for axes, titles and legends (meanings in
#: ``sim.metrics``).
METRICS: dict[str, tuple[str, str]] = {
    "staff_total": ("staff", "people"),
    "staff_expat": ("expatriate staff", "people"),
    "staff_local": ("local employees", "people"),
    "posts_open": ("posts open", "embassy and consulates"),
    "visa_queue": ("staff waiting for a visa", "people"),
    "visas_issued": ("visas granted to staff", "to date"),
    "visas_denied": ("visas refused to staff", "to date"),
    "visas_granted_year": ("visas granted to staff", "last 365 days"),
    "restrictions_in_force": ("restrictions in force", "measures"),
    "travel_radius_km": ("travel allowed without notice", "km from the post"),
    "consular_output": ("visas issued to host nationals", "per month"),
    "visa_wait_days": ("wait for a visa interview", "days"),
    "visa_backlog": ("host nationals waiting for an interview", "people"),
    "visas_elsewhere": ("applicants who went to a third country", "per month"),
    "work_capacity": ("work capacity", "diplomat-days a month"),
    "cost_per_head": ("running cost per member of staff", "thousand USD a year"),
    "tension": ("tension", "points of harm"),
    "restrictions_weighted": ("restrictions weighted by severity", "sum of severities"),
    "staff_gap": ("difference in staff", "people"),
    "staff_ratio": ("ratio of staff", "first mission to second"),
    "visa_reciprocity": ("ratio of visas granted", "1 = parity"),
}


def metric_words(metric: str) -> str:
    """The metric in words (``staff``), else its name with spaces."""
    return METRICS.get(metric, (metric.replace("_", " "), ""))[0]


def axis_label(metric: str) -> str:
    """The metric in words with its unit, for an axis (``staff (people)``)."""
    what, unit = METRICS.get(metric, (metric.replace("_", " "), ""))
    return f"{what} ({unit})" if unit else what


def parameter_words(path: str) -> str:
    """A scenario path in words: ``talks.concession_weight`` -> ``talks: concession weight``,
    ``sides.US.policy.lag_days`` -> ``sides US policy: lag days``.
    """
    *parents, last = path.replace("_", " ").split(".")
    return f"{' '.join(parents)}: {last}" if parents else last


def sentence(row: dict[str, str], summary: dict[str, Any]) -> str:
    """A timeline entry: who, what, on whom (``RU: Ceiling of 455 staff, ... on the US
    mission in Russia``). Moves on one's own mission (closing one's own post) say so.
    """
    actor, target = row.get("actor", ""), row.get("target", "")
    what = describe(row, summary)
    if row.get("origin") == "shock":  # logged under a side, but no side's move
        return "Outside event: " + what.removeprefix("Statement: ")
    if row.get("move") == "statement" or not target:
        return f"{actor}: {what}"
    if target == actor:
        return f"{actor}: {what} (its own mission)"
    return f"{actor}: {what}, on the {mission_name(summary, target)}"


def _briefly(row: dict[str, str], actor: str, measures: dict[str, dict[str, str]],
             summary: dict[str, Any] | None) -> str:
    """One move of a key's line: its short form, a lift by what it lifted, and
    ``(own mission)`` on the actor's own mission.
    """
    lifted = measures.get(_lifted_id(row)) if row.get("move") == "lift" else None
    what = f"Lifted: {short(lifted, summary)}" if lifted else short(row, summary)
    return what + (" (own mission)" if row.get("target") == actor else "")


def _lifted_id(row: dict[str, str]) -> str:
    """The id of the measure a lift's row lifted, from its detail."""
    move = move_of(row)
    return str(getattr(move, "measure", ""))


def brief(rows: list[dict[str, str]], measures: list[dict[str, str]] | None = None,
          most: int = 3, summary: dict[str, Any] | None = None) -> str:
    """Who did what, briefly (``RU: Ceiling of 455 staff``), for a figure's key: the rows
    are one actor's moves, joined with ``; `` (a repeated one counted, ``(2 times)``);
    more than ``most`` different ones are counted by kind (``US: 8 lifts; Expulsion of
    60 staff``). A lift says what it lifted when
    ``measures`` (rows of measures.csv) hold it; a move on the actor's own mission says
    ``(own mission)``, otherwise it acts on the other side's.
    """
    actor = rows[0].get("actor", "") if rows else ""
    by_id = {m.get("id", ""): m for m in measures or []}
    said = Counter(_briefly(r, actor, by_id, summary) for r in rows)
    what = [text if n == 1 else f"{text} ({n} times)" for text, n in said.items()]
    if len(what) > most:
        kinds_of = Counter(r.get("move", "") for r in rows)
        firsts = {r.get("move", ""): r for r in reversed(rows)}
        what = [f"{n} {KINDS.get(move, 'moves')}" if n > 1
                else _briefly(firsts[move], actor, by_id, summary)
                for move, n in kinds_of.items()]
    return f"{actor}: " + "; ".join(what)


#: Each kind of move as a plural noun (``expulsions``), for a key that counts moves.
KINDS: dict[str, str] = {
    "expel": "expulsions",
    "staff_cap": "staff ceilings",
    "local_hire_ban": "local-hire bans",
    "tenure_limit": "tenure limits",
    "close_post": "closures",
    "reopen_post": "reopenings",
    "seize_property": "property seizures",
    "return_property": "property returns",
    "suspend_consular": "visa services stopped",
    "resume_consular": "visa services resumed",
    "travel_radius": "travel limits",
    "travel_notice": "travel notice rules",
    "visa_policy": "visa policies",
    "banking_restriction": "banking restrictions",
    "banking_guarantee": "banking guarantees",
    "suspend_flights": "flight suspensions",
    "resume_flights": "flights resumed",
    "lift": "lifts",
    "lift_all": "lifts of every restriction",
    "settle": "settlements",
    "statement": "statements",
}


def kinds(rows: list[dict[str, str]]) -> str:
    """The kinds of moves among the rows, in words and in order of first appearance."""
    return ", ".join(dict.fromkeys(KINDS.get(r.get("move", ""), "other moves") for r in rows))


#: A sweep's statistics of a run, in words.
STATISTICS = {"end": "at the end", "average": "averaged over the run"}


def outcome_words(side: str, metric: str, statistic: str,
                  missions: dict[str, str] | None = None) -> str:
    """A sweep's outcome in words with its unit: ``US mission in Russia: staff (people),
    at the end``; a joint metric (side ``both``) needs no mission.
    """
    what = f"{axis_label(metric)}, {STATISTICS.get(statistic, statistic)}"
    return what if side == BOTH else f"{(missions or {}).get(side, side)}: {what}"
