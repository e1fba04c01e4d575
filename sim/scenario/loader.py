"""Load a scenario file: YAML with line marks, then the schema, then cross-checks.

Every problem found is reported, each on one line as ``file:line: what is
wrong (what is allowed)``, in a single ``ScenarioError``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from sim.errors import ScenarioError
from sim.moves import Move
from sim.scenario import schema
from sim.scenario.checks import Frame, check_moves, check_sides_named
from sim.scenario.extends import resolve
from sim.scenario.messages import messages
from sim.scenario.schema import MoveSpec, Scenario
from sim.scenario.yamlsource import Source, by_file_and_line, load_file, not_a_mapping

#: Validates one move of any kind, chosen by its ``move:`` name.
MOVE: TypeAdapter[Move] = TypeAdapter(MoveSpec)


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and cross-check a scenario file."""
    path = Path(path)
    source = resolve(load_file(path))
    scenario = from_source(source)
    digest = hashlib.sha256()
    for raw in source.raw:  # the bytes read, base first: not read again
        digest.update(raw)
    scenario._sha256 = digest.hexdigest()
    from sim.scenario.plausibility import warnings_for  # kept to this one edit of the file

    scenario._warnings = warnings_for(scenario, source)  # valid but implausible, with lines
    return scenario


def from_source(source: Source) -> Scenario:
    """Build a ``Scenario`` from parsed YAML, reporting every problem at once.

    Each move is validated on its own, so one bad move does not hide the
    problems of the others, and the cross-checks still run on the good ones.
    """
    if not isinstance(source.data, dict):
        raise ScenarioError([not_a_mapping(source)])
    raw_moves = source.data.get("moves", [])
    problems: list[str] = list(source.problems)
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate({**source.data, "moves": []})
    except ValidationError as exc:
        problems += messages(exc, source, Scenario)
    frame = Frame.of(scenario) if scenario else _open_if_inverted(Frame.from_data(source.data))
    if "drop_moves" in source.data and "extends" not in source.data:
        problems.append(f"{source.where(('drop_moves',))}: drop_moves: only a file with "
                        "`extends:` can drop moves (it drops the base's)")
    moves: list[tuple[int, Move]] = []
    if not isinstance(raw_moves, list):
        problems.append(f"{source.where(('moves',))}: moves: must be a list of moves")
        raw_moves = []
    if len(raw_moves) > schema.MAX_MOVES:  # none is validated: a mistake in the files
        problems.append(f"{source.where(('moves',))}: moves: {len(raw_moves):,} moves"
                        f"{' with those of the files it extends' if source.raw[1:] else ''} "
                        f"(allowed: at most {schema.MAX_MOVES:,} in a scenario)")
        raw_moves = []
    for i, raw in enumerate(raw_moves):
        try:
            moves.append((i, MOVE.validate_python(raw)))
        except ValidationError as exc:
            problems += messages(exc, source, Scenario, prefix=("moves", i))
    if scenario is not None:
        problems += _check_rounds(scenario, source)
        problems += [f"{source.where(path)}: {source.dotted(path)}: {msg}"
                     for path, msg in check_sides_named(scenario)]
    if frame is not None:
        problems += [f"{source.where(('moves', i, field))}: {source.dotted(('moves', i, field))}"
                     f": {msg}" for i, field, msg in check_moves(frame, moves, source.move_name)]
    if problems:
        raise ScenarioError(sorted(set(problems), key=by_file_and_line))
    assert scenario is not None
    scenario = scenario.model_copy(update={"moves": [move for _, move in moves]})
    scenario._file = source.file
    return scenario



def _open_if_inverted(frame: Frame | None) -> Frame | None:
    """A frame whose end is before its start checks no move's date: the horizon is the
    mistake (reported once, at `end:`), not every move outside it.
    """
    if frame is not None and frame.end < frame.start:
        return dataclasses.replace(frame, start=dt.date.min, end=dt.date.max)
    return frame


def _check_rounds(scenario: Scenario, source: Source) -> list[str]:
    """Talks rounds, and the span of periodic ones, must fall within the scenario."""
    talks = scenario.talks
    dates = [(("talks", "rounds", i, "date"), r.date) for i, r in enumerate(talks.rounds)]
    dates += [(("talks", key), day) for key, day in (("from", talks.from_),
                                                      ("until", talks.until)) if day]
    return [f"{source.where(path)}: {source.dotted(path)}: {day} is outside the scenario "
            f"(allowed: {scenario.start} to {scenario.end})"
            for path, day in dates if not scenario.start <= day <= scenario.end]
