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


def _build(node: yaml.Node, loader: _Loader, path: Path_, lines: dict[Path_, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise ScenarioError([f"{loader.name}:{key_node.start_mark.line + 1}: "
                                     "a key must be a plain word, not a list or mapping"])
            sub = (*path, key)
            lines[sub] = key_node.start_mark.line + 1
            out[key] = _build(value_node, loader, sub, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loader, (*path, i), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_text(text: str, file: str) -> Source:
    """Parse YAML text; a syntax error becomes a one-line ``ScenarioError``."""
    loader = _Loader(text)
    loader.name = file
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = _build(node, loader, (), lines) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise ScenarioError([f"{file}{line}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{file}: invalid YAML: {exc}"]) from None
    finally:
        loader.dispose()
    return Source(data, lines, file)


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
