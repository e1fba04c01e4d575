"""Read YAML while remembering the line of every key and item.

Validation errors are only useful when they say *where*: PyYAML's node tree
carries a ``start_mark`` for every node, so we build plain Python data from the
nodes ourselves and keep a map from each path (``("moves", 3, "count")``) to
its 1-based line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ScenarioError

Path_ = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps YAML 1.1 words like ``no`` and ``off`` as strings.

    A side called ``NO`` (Norway) must not silently become ``False``.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class Source:
    """Parsed YAML data plus the line of every path in it.

    A scenario built from several files (``extends:``) keeps, for the paths
    that came from another file, that file's name in ``files``.
    """

    def __init__(self, data: Any, lines: dict[Path_, int], file: str,
                 files: dict[Path_, str] | None = None):
        self.data = data
        self.lines = lines
        self.file = file
        self.files = files or {}
        #: Every file the data was read from, base first.
        self.chain: list[str] = [file]
        #: Problems found while assembling the data (e.g. in ``drop_moves``), reported
        #: together with the rest.
        self.problems: list[str] = []
        #: For merged data: each move's file and its index in that file's ``moves``.
        self.move_origin: dict[int, tuple[str, int]] = {}

    def move_name(self, index: int) -> str:
        """How a user finds a move: ``moves[3]``, or ``moves[21] of record.yaml`` when
        it comes from another file.
        """
        file, own = self.move_origin.get(index, (self.file, index))
        return f"moves[{own}]" + ("" if file == self.file else f" of {Path(file).name}")

    def dotted(self, path: Path_) -> str:
        """A path as the user reads it after ``file:line``: a move is numbered in the file
        the line is in.
        """
        if len(path) > 1 and path[0] == "moves" and isinstance(path[1], int):
            own = self.move_origin.get(path[1], (self.file, path[1]))[1]
            return dotted(("moves", own, *path[2:]))
        return dotted(path)

    def _known(self, path: Path_) -> Path_ | None:
        """The longest prefix of ``path`` whose line is known."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return path
            path = path[:-1]
        return () if () in self.lines else None

    def line(self, path: Path_) -> int | None:
        """Line of the longest prefix of ``path`` that exists in the file."""
        known = self._known(path)
        return None if known is None else self.lines[known]

    def where(self, path: Path_) -> str:
        """``file:line`` for a path, the form every message starts with."""
        known = self._known(path)
        if known is None:
            return self.file
        return f"{self.files.get(known, self.file)}:{self.lines[known]}"


class _Builder:
    """Builds plain data from the node tree, noting each path's line and every problem."""

    def __init__(self, loader: _Loader, file: str):
        self.loader, self.file = loader, file
        self.lines: dict[Path_, int] = {}
        self.problems: list[str] = []
        self._open: set[int] = set()

    def _problem(self, node: yaml.Node, text: str) -> None:
        self.problems.append(f"{self.file}:{node.start_mark.line + 1}: {text}")

    def build(self, node: yaml.Node, path: Path_ = ()) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self._open:  # an alias inside itself: `a: &x [*x]`
            self._problem(node, "invalid YAML: an alias refers to a node that contains it")
            return None
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._scalar(node)
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        own = [k for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"]
        self.loader.flatten_mapping(node)  # YAML merge keys: `<<: *defaults` come first
        out: dict[str, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "a key must be a plain word, not a list or mapping")
                continue
            key = str(self._scalar(key_node))
            if key_node in own and key in seen:
                self._problem(key_node, f"{dotted((*path, key))}: appears twice in the same "
                                        "mapping (keep one)")
            seen.update([key] if key_node in own else [])
            sub = (*path, key)
            self.lines[sub] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, sub)
        return out

    def _scalar(self, node: yaml.Node) -> Any:
        """The value; text the YAML resolver cannot construct (2021-13-01) stays text,
        for the schema to report with its path.
        """
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            return node.value


def _yaml_problem(exc: yaml.YAMLError, text: str, file: str) -> str:
    """One line for a YAML syntax error, with its line and, if elsewhere, where it began."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return (f"{file}:{line}: invalid YAML: the control character U+{code:04X} is not "
                "allowed in a YAML file")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
            problem += f" ({exc.context} on line {exc.context_mark.line + 1})"
        return f"{file}{where}: invalid YAML: {problem}"
    return f"{file}: invalid YAML: {str(exc).splitlines()[0]}"


def load_text(text: str, file: str) -> Source:
    """Parse YAML text; a syntax error becomes a one-line ``ScenarioError``."""
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        builder = _Builder(loader, file)
        data = builder.build(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ScenarioError([_yaml_problem(exc, text, file)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if builder.problems:
        raise ScenarioError(builder.problems)
    return Source(data, builder.lines, file)


def load_file(path: Path) -> Source:
    """Read and parse a YAML file; a missing or unreadable file is a user error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, expected a scenario file (.yaml)"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot read: {exc}"]) from None
    return load_text(text, str(path))


def by_file_and_line(message: str) -> tuple[str, int, str]:
    """Sort key for ``file:line: ...`` messages: by file, then line."""
    match = re.match(r"(.*?):(\d+): ", message)
    if match is None:
        return (message.split(": ")[0], 0, message)
    return (match[1], int(match[2]), message)


def dotted(path: Path_) -> str:
    """``("moves", 3, "count")`` as ``moves[3].count``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "scenario"
