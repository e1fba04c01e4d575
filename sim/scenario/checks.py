"""Checks that need the whole scenario: do the sides, posts, dates and ids exist?

The schema checks each value on its own; these check how values refer to
each other. Each problem is ``(field, message)`` so the loader can point at
the line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

from sim.errors import clip
from sim.scenario.schema import MAX_POSITIONS

if TYPE_CHECKING:
    from sim.moves.base import Move
    from sim.scenario.schema import Scenario

Problem = tuple[str, str]


@dataclass(frozen=True)
class Frame:
    """What moves are checked against: the horizon, and each side's post and property ids.

    Built from a valid scenario, or from the raw file when some unrelated part
    of it is wrong, so a typo elsewhere does not hide the moves' problems.
    """

    start: dt.date
    end: dt.date
    posts: dict[str, list[str]]
    properties: dict[str, list[str]]

    @classmethod
    def of(cls, scenario: Scenario) -> Frame:
        """The frame of a validated scenario."""
        return cls(scenario.start, scenario.end,
                   {s: [p.id for p in spec.posts] for s, spec in scenario.sides.items()},
                   {s: [p.id for p in spec.properties] for s, spec in scenario.sides.items()})

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Frame | None:
        """The frame of a raw scenario, if its dates and sides can be read at all."""
        start, end, sides = _day(data.get("start")), _day(data.get("end")), data.get("sides")
        if not (start is not None and end is not None
                and isinstance(sides, dict) and len(sides) == 2):
            return None

        def ids(side: Any, key: str) -> list[str]:
            items = side.get(key) if isinstance(side, dict) else None
            return [str(i.get("id")) for i in items or [] if isinstance(i, dict)] if isinstance(
                items, list) else []

        return cls(start, end, {str(s): ids(v, "posts") for s, v in sides.items()},
                   {str(s): ids(v, "properties") for s, v in sides.items()})


#: How many characters of the allowed choices ``one_of`` lists before it counts the rest.
CHOICES_SHOWN = 200


def _day(value: Any) -> dt.date | None:
    """The day of a raw ``start:`` or ``end:``, or None: a time of day
    (``2020-01-01T05:00:00``) is left out, as the schema reports it, so that the
    frame compares days with days.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def did_you_mean(word: str, choices: list[str]) -> str:
    """``; did you mean 'x'?`` when a close choice exists (or one starting with the word)."""
    close = get_close_matches(word, choices, n=1) or [
        c for c in choices if len(word) >= 3 and c.startswith(word)][:1]
    return f"; did you mean '{clip(close[0])}'?" if close else ""


def one_of(word: str, choices: list[str]) -> str:
    """Plain-language list of what is allowed, with a suggestion; each choice is clipped,
    and choices past ``CHOICES_SHOWN`` characters are counted, not listed.
    """
    listed: list[str] = []
    for choice in choices:
        text = clip(choice, 40)
        if listed and sum(len(c) + 2 for c in listed) + len(text) > CHOICES_SHOWN:
            break
        listed.append(text)
    more = len(choices) - len(listed)
    rest = f" and {more:,} more" if more else ""
    return f"(allowed: {', '.join(listed)}{rest}{did_you_mean(word, choices)})"


def check_move(scenario: Scenario | Frame, move: Move, earliest: dt.date | None = None
               ) -> list[Problem]:
    """Problems with one move in the context of its scenario."""
    frame = scenario if isinstance(scenario, Frame) else Frame.of(scenario)
    sides = list(frame.posts)
    problems: list[Problem] = []
    first = earliest or frame.start
    if not first <= move.date <= frame.end:
        problems.append(("date", f"{move.date} is outside the scenario "
                                 f"(allowed: {first} to {frame.end})"))
    count = getattr(move, "count", None)
    if count is not None and count > MAX_POSITIONS:
        problems.append(("count", f"{_number(count)} is more people than a mission may have "
                                  f"(allowed: at most {MAX_POSITIONS:,})"))
    if move.actor not in sides:
        problems.append(("actor", f"unknown side '{clip(move.actor)}' "
                                  f"{one_of(move.actor, sides)}"))
        return problems
    if move.target is not None and move.target not in sides:
        problems.append(("target", f"unknown side '{clip(move.target)}' "
                                   f"{one_of(move.target, sides)}"))
        return problems
    target = move.target_in(sides)
    known = {"post": frame.posts[target], "property": frame.properties[target]}
    for field, (kind, name) in move.references().items():
        if name not in known[kind]:
            problems.append((field, f"{clip(target)} has no {kind} '{clip(name)}' "
                                    f"{one_of(name, known[kind])}"))
    deadline = getattr(move, "deadline", None)
    if deadline is not None and deadline < move.date:
        problems.append(("deadline", f"{deadline} is before the move's date {move.date}"))
    return problems


def _number(value: int) -> str:
    """A whole number as a message shows it: a number of hundreds of digits by its length."""
    return f"{value:,}" if value < 10**15 else f"a number of {len(str(value))} digits"


def check_moves(scenario: Scenario | Frame, moves: list[tuple[int, Move]] | None = None,
                name: Callable[[int], str] = lambda i: f"moves[{i}]"
                ) -> list[tuple[int, str, str]]:
    """Problems with every move (or the given ``(index, move)`` pairs): ``(index, field, message)``.

    Moves may be listed in any order (same-day moves keep their file order);
    ids must be unique and a lift must name a measure made on or before its date.
    """
    if moves is None:
        assert not isinstance(scenario, Frame)
        moves = list(enumerate(scenario.moves))
    frame = scenario if isinstance(scenario, Frame) else Frame.of(scenario)  # built once
    problems = [(i, f, m) for i, move in moves for f, m in check_move(frame, move)]
    seen: dict[str, int] = {}
    by_index = dict(moves)
    for i, move in sorted(moves, key=lambda pair: pair[1].date):
        if move.move == "lift" and move.measure not in seen:
            problems.append((i, "measure", _unknown_lift(move, moves, list(seen), name)))
        elif move.move == "lift" and by_index[seen[move.measure]].actor != move.actor:
            author = clip(by_index[seen[move.measure]].actor)
            problems.append((i, "measure", f"'{clip(move.measure)}' was imposed by {author}; "
                                           f"only {author} can lift it"))
        if move.id is not None:
            if move.id in seen:
                used = name(seen[move.id])
                problems.append((i, "id", f"id '{clip(move.id)}' is already used by {used}"))
            seen[move.id] = i
    return sorted(problems)


def _unknown_lift(lift: Move, moves: list[tuple[int, Move]], earlier: list[str],
                  name: Callable[[int], str]) -> str:
    """Why a lift names no measure: misspelt, made later, or listed below it that day."""
    measure = clip(lift.measure)
    for j, move in moves:
        if move.id == lift.measure:
            if move.date == lift.date:
                return (f"'{measure}' is made by {name(j)} on the same day; list that "
                        "move above this lift")
            return f"'{measure}' is made later, by {name(j)} on {move.date}"
    hint = did_you_mean(lift.measure, earlier)
    return f"no move before {lift.date} has id '{measure}'{hint}"


def check_sides_named(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Sides the talks and shocks name must be the scenario's, and their dates (a shock's,
    a veto's clearing) fall within it: ``(path, message)`` pairs.
    """
    sides = list(scenario.sides)
    allowed = f"(allowed: {', '.join(sides)})"
    named: list[tuple[tuple[str | int, ...], str]] = [
        (("talks", "sides", side), side) for side in scenario.talks.sides]
    named += [(("talks", "rounds", i, "proposal", "by"), r.proposal.by)
              for i, r in enumerate(scenario.talks.rounds) if r.proposal is not None]
    named += [(("shocks", i, "priorities", side), side)
              for i, shock in enumerate(scenario.shocks) for side in shock.priorities]
    named += [(("talks", "rounds", i, "demands", side), side)
              for i, r in enumerate(scenario.talks.rounds) for side in r.demands or {}]
    problems = [(path, f"no side '{clip(side)}' {allowed}") for path, side in named
                if side not in sides]
    dated: list[tuple[tuple[str | int, ...], dt.date]] = [
        (("shocks", i, "date"), shock.date) for i, shock in enumerate(scenario.shocks)]
    dated += [(("talks", "sides", side, "vetoes", i, "cleared"), veto.cleared)
              for side, spec in scenario.talks.sides.items()
              for i, veto in enumerate(spec.vetoes) if veto.cleared is not None]
    problems += [(path, f"{day} is outside the scenario (allowed: {scenario.start} to "
                        f"{scenario.end}; leave it out for a veto never cleared)"
                  if "cleared" in path else
                  f"{day} is outside the scenario (allowed: {scenario.start} to "
                  f"{scenario.end})")
                 for path, day in dated if not scenario.start <= day <= scenario.end]
    return problems
