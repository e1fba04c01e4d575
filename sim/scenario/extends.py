"""``extends:``: a what-if as a short file on top of another scenario.

The child file names its base, may drop the base's moves (by id, or all from a
date on, optionally only one actor's or one kind), adds its own moves, and
overrides top-level keys and side settings key by key (a side's ``policy``,
say). Every line keeps pointing at the file it came from, so an error in an
inherited move names the base file.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from difflib import get_close_matches
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError, clip, shown
from sim.scenario.checks import one_of
from sim.scenario.schema import DropMoves
from sim.scenario.yamlsource import (
    MAX_FILE_BYTES,
    Path_,
    Source,
    Unreadable,
    decode,
    load_text,
    not_a_mapping,
    read_bytes,
)

#: Keys the child handles itself rather than overriding the base's.
OWN_KEYS = ("extends", "drop_moves", "moves", "sides")

#: Most files in one chain of ``extends:``, the what-if included: a what-if of a
#: what-if is common, 32 levels never needed, and each level is read and merged.
MAX_EXTENDS = 32


def resolve(source: Source) -> Source:
    """The scenario ``source`` describes, with everything it extends merged in.

    The chain is followed in a loop, not by recursion, and is at most
    ``MAX_EXTENDS`` files long; every file in it is read once. Its files share the
    limits of one file: ``MAX_FILE_BYTES`` bytes and ``MAX_VALUES`` values in all.
    """
    chain = [source]
    seen = [os.path.realpath(source.file)]
    size, values = sum(len(raw) for raw in source.raw), source.values
    while isinstance(chain[-1].data, dict) and "extends" in chain[-1].data:
        child = chain[-1]
        path = _base_path(child)
        if os.path.realpath(path) in seen:
            raise _extends_error(child, f"{shown(child.data['extends'])} extends this file "
                                        "again (a loop)")
        if len(chain) == MAX_EXTENDS:
            raise _extends_error(child, f"a chain of extends: holds at most {MAX_EXTENDS} "
                                        f"files; {shown(child.data['extends'])} would be "
                                        f"number {MAX_EXTENDS + 1}")
        base = _load_base(child, path, size, values)
        if not isinstance(base.data, dict):
            raise ScenarioError([not_a_mapping(base)])
        chain.append(base)
        size, values = size + len(base.raw[0]), values + base.values
        seen.append(os.path.realpath(path))
    merged = chain.pop()
    while chain:
        merged = _merge(merged, chain.pop())
    return merged


def _extends_error(child: Source, text: str) -> ScenarioError:
    return ScenarioError([f"{child.where(('extends',))}: extends: {text}"])


def _base_path(child: Source) -> Path:
    """The file ``child`` extends, if its name can be a file at all."""
    name = child.data["extends"]
    if not isinstance(name, str) or not name.strip():
        raise _extends_error(child, "must be a scenario file name, relative to this file "
                                    f"(got {shown(name)})")
    if "\0" in name:
        raise _extends_error(child, f"{shown(name)} holds a NUL character (\\x00), which "
                                    "no file name can")
    return Path(os.path.normpath(Path(child.file).parent / name))


def _load_base(child: Source, path: Path, size: int, values: int) -> Source:
    """Read the base file; a missing, odd or unreadable one is a problem at `extends:`, and
    so is one that makes the chain larger than a file may be (the files extending it
    hold ``size`` bytes and ``values`` values).
    """
    name = shown(child.data["extends"])
    kind = _kind(path)
    if kind == "missing" and path.is_symlink():
        raise _extends_error(child, f"{name} is a symbolic link to a missing file "
                                    f"({shown(os.readlink(path), 100)})")
    if kind == "missing":
        raise _extends_error(child, f"no scenario file {name} (looked for "
                                    f"{clip(path, 200)}){_nearby(path, child.data['extends'])}")
    if kind != "file":
        raise _extends_error(child, f"{name} {kind}")
    try:
        raw = read_bytes(path)
    except Unreadable as exc:
        raise _extends_error(child, f"{name}: {exc}") from None
    if size + len(raw) > MAX_FILE_BYTES:
        raise _extends_error(child, f"{name} makes the chain of extends: larger than "
                                    f"{MAX_FILE_BYTES / 1e6:g} MB, the most its files can be "
                                    f"together ({len(raw):,} bytes, after {size:,} in the "
                                    "files extending it)")
    base = load_text(decode(raw, str(path)), str(path), used=values)
    base.raw = [raw]
    return base


#: What ``os.stat`` failing with each error means for a base file.
_STAT_ERRORS = {
    errno.ENOENT: "missing",
    errno.ENOTDIR: "missing",
    errno.ENAMETOOLONG: "is too long for the file system (at most 255 bytes a name, "
                        "4,096 a path)",
    errno.ELOOP: "is a loop of symbolic links",
    errno.EACCES: "cannot be reached: permission denied",
}


def _kind(path: Path) -> str:
    """``file``, ``missing``, or what else the path is, in words."""
    try:
        info = path.stat()
    except OSError as exc:
        return _STAT_ERRORS.get(exc.errno, f"cannot be read: {(exc.strerror or '').lower()}")
    except (ValueError, UnicodeError):
        return "holds a character no file name can"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory, not a scenario file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a device, pipe or socket), not a scenario file"
    return "file"


def _nearby(path: Path, name: str) -> str:
    """``; did you mean 'x.yaml'?`` for a YAML file in the same folder with a close name."""
    try:
        with os.scandir(path.parent) as entries:
            names = [e.name for e in islice(entries, 1000)
                     if e.name.endswith((".yaml", ".yml"))]
    except (OSError, ValueError, UnicodeError):
        return ""
    stems = {Path(n).stem: n for n in names if n != path.name}
    close = get_close_matches(path.stem, list(stems), n=1) or [
        s for s in stems if len(path.stem) >= 3 and s.startswith(path.stem)][:1]
    if not close:
        return ""
    try:  # as the user would write it: `bases/small.yaml` for `bases/smal.yaml`
        return f"; did you mean {shown(str(Path(name).with_name(stems[close[0]])))}?"
    except ValueError:  # a name such as `..` has no last part to replace
        return f"; did you mean {shown(stems[close[0]])}?"


def _merge(base: Source, child: Source) -> Source:
    problems: list[str] = []
    drop = _drop_rule(child, base, problems)
    base_moves = _moves(base, problems)
    child_moves = _moves(child, problems)
    kept = [i for i, move in enumerate(base_moves) if not _dropped(move, drop)]
    problems += _unknown_ids(child, drop, base_moves)
    sides = _merge_sides(base, child, problems)
    data = {k: v for k, v in base.data.items() if k != "extends"}
    data.update({k: v for k, v in child.data.items() if k not in OWN_KEYS})
    data["sides"] = sides
    data["moves"] = [base_moves[i] for i in kept] + child_moves
    data["extends"] = child.data["extends"]
    if "drop_moves" in child.data:
        data["drop_moves"] = child.data["drop_moves"]
    lines, files = _merged_lines(base, child, kept)
    if "sides" in base.data and not isinstance(base.data["sides"], dict):
        lines[("sides",)] = base.lines[("sides",)]  # the mistake is the base's
        files[("sides",)] = base.files.get(("sides",), base.file)
    merged = Source(data, lines, child.file, files)
    merged.chain = [*base.chain, *child.chain]
    merged.raw = [*base.raw, *child.raw]
    merged.values = base.values + child.values
    merged.problems = [*base.problems, *problems]
    merged.move_origin = {new: base.move_origin.get(old, (base.file, old))
                          for new, old in enumerate(kept)}
    for k in range(len(child_moves)):
        merged.move_origin[len(kept) + k] = (child.file, k)
    return merged


def _moves(source: Source, problems: list[str]) -> list[Any]:
    """A file's moves to merge: none, with a problem, when they are not a list."""
    moves = source.data.get("moves")
    if moves is None:
        return []
    if not isinstance(moves, list):
        problems.append(f"{source.where(('moves',))}: moves: must be a list of moves "
                        f"(got {shown(moves)})")
        return []
    return moves


def _drop_rule(child: Source, base: Source, problems: list[str]) -> DropMoves:
    """The child's ``drop_moves``, checked against the base's sides and the catalogue."""
    from sim.moves import BY_NAME
    from sim.scenario.messages import messages

    raw = child.data.get("drop_moves")
    try:
        drop = DropMoves.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        problems += messages(exc, child, DropMoves, prefix=("drop_moves",))
        return DropMoves()
    base_sides = base.data.get("sides")
    sides = [str(s) for s in base_sides] if isinstance(base_sides, dict) else []
    if drop.actor is not None and drop.actor not in sides:
        problems.append(f"{child.where(('drop_moves', 'actor'))}: drop_moves.actor: unknown "
                        f"side '{clip(drop.actor)}' {one_of(clip(drop.actor), sides)}")
    for i, kind in enumerate(drop.moves or []):
        if kind not in BY_NAME:
            problems.append(f"{child.where(('drop_moves', 'moves', i))}: drop_moves.moves[{i}]: "
                            f"unknown move '{clip(kind)}' {one_of(clip(kind), list(BY_NAME))}")
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
    if isinstance(date, dt.datetime):  # `date: 2021-05-01 10:00`: the schema reports it
        date = date.date()
    on_or_after = drop.from_ is None or (isinstance(date, dt.date) and date >= drop.from_)
    return (on_or_after
            and (drop.actor is None or move.get("actor") == drop.actor)
            and (drop.moves is None or move.get("move") in drop.moves))


def _unknown_ids(child: Source, drop: DropMoves, base_moves: list[Any]) -> list[str]:
    known = {m.get("id") for m in base_moves if isinstance(m, dict) and _hashable(m.get("id"))}
    return [f"{child.where(('drop_moves', 'ids', i))}: drop_moves.ids[{i}]: the base has no "
            f"move with id '{clip(name)}'" for i, name in enumerate(drop.ids) if name not in known]


def _hashable(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _merge_sides(base: Source, child: Source, problems: list[str]) -> Any:
    """Base sides with the child's settings laid over them, key by key.

    Sides the base does not give as a mapping are kept as they are, for the
    schema to report once, in the base.
    """
    base_sides = base.data.get("sides")
    if not isinstance(base_sides, dict):
        return base_sides  # the schema reports it, at the base's line (see _merge)
    sides = {k: dict(v) if isinstance(v, dict) else v for k, v in base_sides.items()}
    over = child.data.get("sides")
    if over is None:
        return sides
    if not isinstance(over, dict):
        problems.append(f"{child.where(('sides',))}: sides: must be a mapping of side ids "
                        f"to the settings to change (got {shown(over)})")
        return sides
    for side, settings in over.items():
        if side not in sides:
            allowed = ", ".join(clip(s, 20) for s in sides)
            problems.append(f"{child.where(('sides', side))}: sides.{clip(side, 40)}: the base "
                            f"has no side '{clip(side)}' (allowed: {allowed})")
        elif not isinstance(settings, dict):
            problems.append(f"{child.where(('sides', side))}: sides.{clip(side, 40)}: must be a "
                            f"mapping of the settings to change (got {shown(settings)})")
        elif isinstance(sides[side], dict):  # else the base's problem, reported there
            sides[side].update(settings)
    return sides


def _replaced(child: Source) -> set[Path_]:
    """Paths whose whole value the child replaces: the base's lines under them are stale.

    They are top-level keys, and a side's settings: one or three parts long.
    """
    data = child.data
    paths: set[Path_] = {(k,) for k in data if k not in OWN_KEYS}
    sides = data.get("sides")
    for side, settings in (sides.items() if isinstance(sides, dict) else []):
        if isinstance(settings, dict):
            paths |= {("sides", side, key) for key in settings}
    return paths


def _merged_lines(base: Source, child: Source, kept: list[int]
                  ) -> tuple[dict[Path_, int], dict[Path_, str]]:
    """Line and file of every path of the merged data."""
    lines: dict[Path_, int] = {}
    files: dict[Path_, str] = {}
    new_index = {old: new for new, old in enumerate(kept)}
    replaced = _replaced(child)
    for old, line in base.lines.items():
        if old[:1] in replaced or old[:3] in replaced:
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
            if not isinstance(path[1], int):  # moves that are not a list: reported
                continue
            path = ("moves", len(kept) + path[1], *path[2:])
        lines[path] = line
        files.pop(path, None)
    return lines, files
