"""``extends:``: a what-if as a short file on top of another scenario.

The child file names its base, may drop the base's moves (by id, or all from a
date on, optionally only one actor's or one kind), adds its own moves, and
overrides top-level keys and side settings key by key (a side's ``policy``,
say). Every line keeps pointing at the file it came from, so an error in an
inherited move names the base file.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.checks import one_of
from sim.scenario.schema import DropMoves
from sim.scenario.yamlsource import Path_, Source, load_file

#: Keys the child handles itself rather than overriding the base's.
OWN_KEYS = ("extends", "drop_moves", "moves", "sides")


def resolve(source: Source, chain: tuple[str, ...] = ()) -> Source:
    """The scenario ``source`` describes, with everything it extends merged in."""
    data = source.data
    if not isinstance(data, dict) or "extends" not in data:
        return source
    name = data["extends"]
    if not isinstance(name, str):
        raise ScenarioError([f"{source.where(('extends',))}: extends: must be a scenario file "
                             f"name, relative to this file (got {name!r})"])
    path = Path(os.path.normpath(Path(source.file).parent / name))
    chain = (*chain, str(Path(source.file).resolve()))
    if str(path.resolve()) in chain:
        raise ScenarioError([f"{source.where(('extends',))}: extends: '{name}' extends this "
                             "file again (a loop)"])
    if not path.is_file():
        raise ScenarioError([f"{source.where(('extends',))}: extends: no scenario file "
                             f"'{name}' (looked for {path})"])
    base = resolve(load_file(path), chain)
    if not isinstance(base.data, dict):
        raise ScenarioError([f"{base.where(())}: a scenario must be a mapping of keys"])
    return _merge(base, source)


def _merge(base: Source, child: Source) -> Source:
    problems: list[str] = []
    drop = _drop_rule(child, base, problems)
    base_moves = base.data.get("moves") or []
    kept = [i for i, move in enumerate(base_moves) if not _dropped(move, drop)]
    problems += _unknown_ids(child, drop, base_moves)
    sides = _merge_sides(base, child, problems)
    data = {k: v for k, v in base.data.items() if k != "extends"}
    data.update({k: v for k, v in child.data.items() if k not in OWN_KEYS})
    data["sides"] = sides
    data["moves"] = [base_moves[i] for i in kept] + list(child.data.get("moves") or [])
    data["extends"] = child.data["extends"]
    if "drop_moves" in child.data:
        data["drop_moves"] = child.data["drop_moves"]
    lines, files = _merged_lines(base, child, kept)
    merged = Source(data, lines, child.file, files)
    merged.chain = [*base.chain, *child.chain]
    merged.problems = [*base.problems, *problems]
    merged.move_origin = {new: base.move_origin.get(old, (base.file, old))
                          for new, old in enumerate(kept)}
    for k in range(len(child.data.get("moves") or [])):
        merged.move_origin[len(kept) + k] = (child.file, k)
    return merged


def _drop_rule(child: Source, base: Source, problems: list[str]) -> DropMoves:
    """The child's ``drop_moves``, checked against the base's sides and the catalogue."""
    from sim.moves import BY_NAME
    from sim.scenario.messages import messages

    try:
        drop = DropMoves.model_validate(child.data.get("drop_moves") or {})
    except ValidationError as exc:
        problems += messages(exc, child, DropMoves, prefix=("drop_moves",))
        return DropMoves()
    sides = [str(s) for s in base.data.get("sides") or {}]
    if drop.actor is not None and drop.actor not in sides:
        problems.append(f"{child.where(('drop_moves', 'actor'))}: drop_moves.actor: unknown "
                        f"side '{drop.actor}' {one_of(drop.actor, sides)}")
    for i, kind in enumerate(drop.moves or []):
        if kind not in BY_NAME:
            problems.append(f"{child.where(('drop_moves', 'moves', i))}: drop_moves.moves[{i}]: "
                            f"unknown move '{kind}' {one_of(kind, list(BY_NAME))}")
    return drop


def _dropped(move: Any, drop: DropMoves) -> bool:
    """Whether a base move (raw data, not yet validated) is dropped by the rule."""
    if not isinstance(move, dict):
        return False
    if move.get("id") is not None and move.get("id") in drop.ids:
        return True
    if drop.from_ is None and drop.actor is None and drop.moves is None:
        return False
    date = move.get("date")
    on_or_after = drop.from_ is None or (isinstance(date, dt.date) and date >= drop.from_)
    return (on_or_after
            and (drop.actor is None or move.get("actor") == drop.actor)
            and (drop.moves is None or move.get("move") in drop.moves))


def _unknown_ids(child: Source, drop: DropMoves, base_moves: list[Any]) -> list[str]:
    known = {m.get("id") for m in base_moves if isinstance(m, dict)}
    return [f"{child.where(('drop_moves', 'ids', i))}: drop_moves.ids[{i}]: the base has no "
            f"move with id '{name}'" for i, name in enumerate(drop.ids) if name not in known]


def _merge_sides(base: Source, child: Source, problems: list[str]) -> dict[str, Any]:
    """Base sides with the child's settings laid over them, key by key."""
    sides = {k: dict(v) if isinstance(v, dict) else v
             for k, v in (base.data.get("sides") or {}).items()}
    over = child.data.get("sides") or {}
    if not isinstance(over, dict):
        problems.append(f"{child.where(('sides',))}: sides: must be a mapping of side ids")
        return sides
    for side, settings in over.items():
        if side not in sides:
            problems.append(f"{child.where(('sides', side))}: sides.{side}: the base has no "
                            f"side '{side}' (allowed: {', '.join(map(str, sides))})")
        elif not isinstance(settings, dict):
            problems.append(f"{child.where(('sides', side))}: sides.{side}: must be a mapping "
                            f"of the settings to change (got {settings!r})")
        else:
            sides[side].update(settings)
    return sides


def _replaced(child: Source) -> list[Path_]:
    """Paths whose whole value the child replaces: the base's lines under them are stale."""
    data = child.data
    paths: list[Path_] = [(k,) for k in data if k not in OWN_KEYS]
    for side, settings in (data.get("sides") or {}).items():
        if isinstance(settings, dict):
            paths += [("sides", side, key) for key in settings]
    return paths


def _merged_lines(base: Source, child: Source, kept: list[int]
                  ) -> tuple[dict[Path_, int], dict[Path_, str]]:
    """Line and file of every path of the merged data."""
    lines: dict[Path_, int] = {}
    files: dict[Path_, str] = {}
    new_index = {old: new for new, old in enumerate(kept)}
    replaced = _replaced(child)
    for old, line in base.lines.items():
        if any(old[: len(p)] == p for p in replaced):
            continue
        path = old
        if old[:1] == ("moves",) and len(old) > 1:
            if old[1] not in new_index:
                continue
            path = ("moves", new_index[old[1]], *old[2:])
        lines[path] = line
        files[path] = base.files.get(old, base.file)
    for path, line in child.lines.items():
        if path[:1] == ("moves",) and len(path) > 1:
            path = ("moves", len(kept) + path[1], *path[2:])
        lines[path] = line
        files.pop(path, None)
    return lines, files
