"""Checks that need the whole scenario: do the sides, posts, dates and ids exist?

The schema checks each value on its own; these check how values refer to
each other. Each problem is ``(field, message)`` so the loader can point at
the line.
"""

from __future__ import annotations

import datetime as dt
from difflib import get_close_matches
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.moves.base import Move
    from sim.scenario.schema import Scenario

Problem = tuple[str, str]


def did_you_mean(word: str, choices: list[str]) -> str:
    """`` (did you mean 'x'?)`` when a close choice exists, else ''."""
    close = get_close_matches(word, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def one_of(word: str, choices: list[str]) -> str:
    """Plain-language list of what is allowed, with a suggestion."""
    return f"(allowed: {', '.join(choices)}{did_you_mean(word, choices)})"


def check_move(scenario: Scenario, move: Move, earliest: dt.date | None = None) -> list[Problem]:
    """Problems with one move in the context of its scenario."""
    sides = list(scenario.sides)
    problems: list[Problem] = []
    first = earliest or scenario.start
    if not first <= move.date <= scenario.end:
        problems.append(("date", f"{move.date} is outside the scenario "
                                 f"(allowed: {first} to {scenario.end})"))
    if move.actor not in scenario.sides:
        problems.append(("actor", f"unknown side '{move.actor}' {one_of(move.actor, sides)}"))
        return problems
    if move.target is not None and move.target not in scenario.sides:
        problems.append(("target", f"unknown side '{move.target}' {one_of(move.target, sides)}"))
        return problems
    target = move.target_in(sides)
    spec = scenario.sides[target]
    known = {"post": [p.id for p in spec.posts], "property": [p.id for p in spec.properties]}
    for field, (kind, name) in move.references().items():
        if name not in known[kind]:
            problems.append((field, f"{target} has no {kind} '{name}' {one_of(name, known[kind])}"))
    deadline = getattr(move, "deadline", None)
    if deadline is not None and deadline < move.date:
        problems.append(("deadline", f"{deadline} is before the move's date {move.date}"))
    return problems


def check_moves(scenario: Scenario, moves: list[tuple[int, Move]] | None = None
                ) -> list[tuple[int, str, str]]:
    """Problems with every move (or the given ``(index, move)`` pairs): ``(index, field, message)``.

    Moves may be listed in any order (same-day moves keep their file order);
    ids must be unique and a lift must name a measure made on or before its date.
    """
    if moves is None:
        moves = list(enumerate(scenario.moves))
    problems = [(i, f, m) for i, move in moves for f, m in check_move(scenario, move)]
    seen: dict[str, int] = {}
    by_index = dict(moves)
    for i, move in sorted(moves, key=lambda pair: pair[1].date):
        if move.move == "lift" and move.measure not in seen:
            hint = did_you_mean(move.measure, list(seen))
            problems.append((i, "measure", f"no move before {move.date} has id "
                                           f"'{move.measure}'{hint}"))
        elif move.move == "lift" and by_index[seen[move.measure]].actor != move.actor:
            author = by_index[seen[move.measure]].actor
            problems.append((i, "measure", f"'{move.measure}' was imposed by {author}; "
                                           f"only {author} can lift it"))
        if move.id is not None:
            if move.id in seen:
                used = f"moves[{seen[move.id]}]"
                problems.append((i, "id", f"id '{move.id}' is already used by {used}"))
            seen[move.id] = i
    return sorted(problems)
