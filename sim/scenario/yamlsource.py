"""Read YAML while remembering the line of every key and item.

Validation errors are only useful when they say *where*: PyYAML's node tree
carries a ``start_mark`` for every node, so we build plain Python data from the
nodes ourselves and keep a map from each path (``("moves", 3, "count")``) to
its 1-based line.

A scenario file may come from anyone, so reading it is bounded: its size, how
deep its lists and mappings nest, and how many values its aliases expand to
are limited before any of it is built, and every way it can be wrong is one
``file:line`` message, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python loader only
    CParser = None

from sim.errors import ScenarioError, clip, shown

Path_ = tuple[Any, ...]

#: Largest scenario file read, in bytes: 2 MB, fifty times the record replay. Only this
#: much is read, so a device such as /dev/zero costs no more; PyYAML reads about half
#: a megabyte a second at worst (a file of blank lines), so 2 MB loads within 5 s. The
#: files of a chain of ``extends:`` share it: together they are at most this large.
MAX_FILE_BYTES = 2_000_000

#: Deepest nesting of lists and mappings, counted after expanding aliases (a scenario
#: needs 6). Bounded before building, as PyYAML composes and we build recursively.
MAX_DEPTH = 64

#: Most values (each key, item and scalar, and each list and mapping) a file may
#: hold once its aliases are expanded: a "billion laughs" of 600 bytes would
#: otherwise expand to gigabytes. The record replay has about 3,000. The files of a chain
#: of ``extends:`` share it, so 32 files cost no more than one.
MAX_VALUES = 100_000

#: Longest number PyYAML is asked to read, in characters; a longer one is kept as text, for
#: the schema to read or report. PyYAML reads a sexagesimal int (``1:0:0:...``) in time
#: quadratic in its length (69 s for 1.8 MB), and ``0x...`` to an int too long to print.
MAX_NUMBER_CHARS = 100

_CORE = "tag:yaml.org,2002:"
#: The explicit tags a scenario may use on a value: YAML's core scalar types.
SCALAR_TAGS = tuple(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
#: The tags of numbers, whose text is bounded by ``MAX_NUMBER_CHARS`` before it is read.
_NUMBER_TAGS = (_CORE + "int", _CORE + "float")
#: Tags PyYAML gives ``<<`` and ``=`` when they are not keys: read as text.
_AS_TEXT = (_CORE + "merge", _CORE + "value")
#: PyYAML's longest key (a "simple key"): a longer one is a syntax error.
_MAX_KEY = 1024
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Limits:
    """Composing that refuses nesting and alias expansion beyond the limits; mixed into
    a loader whose composer builds the node tree.
    """

    anchors: dict[Any, yaml.Node]
    peek_event: Callable[[], yaml.Event]

    def __init__(self, stream: str, used: int = 0):
        self._start(stream)
        self._depth = 0
        self._aliases = False
        #: Values composed so far, each alias counted as the values it expands to: the
        #: document's size once expanded, known before it is built.
        self._values = 0
        #: Values of the other files of a chain of ``extends:``, which share the limit.
        self._used = used
        #: Values and nesting depth of each list and mapping composed, by id.
        self._sizes: dict[int, tuple[int, int]] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases = True
            node = self.anchors.get(event.anchor)
            if node is not None and not isinstance(node, yaml.ScalarNode) \
                    and id(node) not in self._sizes:
                raise _Refused(event.start_mark,
                               "invalid YAML: an alias refers to a node that contains it")
            self._count(self._sizes.get(id(node), (1, 0))[0], event.start_mark)
            return super().compose_node(parent, index)
        self._count(1, event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent) and self._depth >= MAX_DEPTH:
            raise _Refused(event.start_mark, _too_deep(expanded=False))
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if not isinstance(node, yaml.ScalarNode):
            self._measure(node)
        return node

    def _count(self, values: int, mark: yaml.Mark) -> None:
        """Add ``values`` to the document's size; refuse it beyond ``MAX_VALUES``."""
        self._values += values
        if self._used + self._values > MAX_VALUES:
            raise _Refused(mark, _too_many(self._aliases, shared=self._used > 0))

    def _measure(self, node: yaml.Node) -> None:
        """Note the values and depth ``node`` expands to; refuse it beyond the limits."""
        children = (node.value if isinstance(node, yaml.SequenceNode)
                    else [n for pair in node.value for n in pair])
        sizes = [self._sizes.get(id(c), (1, 0)) for c in children]
        values = 1 + sum(v for v, _ in sizes)
        depth = 1 + max((d for _, d in sizes), default=0)
        if depth > MAX_DEPTH:
            raise _Refused(node.start_mark, _too_deep(expanded=True))
        self._sizes[id(node)] = (values, depth)

    def _start(self, stream: str) -> None:
        raise NotImplementedError


class _Loader(_Limits, yaml.SafeLoader):
    """SafeLoader that keeps YAML 1.1 words like ``no`` and ``off`` as strings, and
    refuses nesting and alias expansion beyond the limits while composing.

    A side called ``NO`` (Norway) must not silently become ``False``. Pure Python: its
    syntax errors are the ones Parity words (``_yaml_problem``).
    """

    def _start(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)


def _libyaml_loader() -> type[_Limits] | None:
    """The same loader on libyaml's parser, six times faster on the record; None if PyYAML
    was built without libyaml. It reads a valid file to the same nodes; a file it refuses
    is read again by ``_Loader``, whose messages are the ones Parity words.
    """
    if CParser is None:
        return None

    class _FastLoader(_Limits, Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
        def _start(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return _FastLoader


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in (_CORE + "bool", _CORE + "value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _CORE + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_FastLoader = _libyaml_loader()
if _FastLoader is not None:
    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers  # type: ignore[attr-defined]


class _Refused(Exception):
    """A file over one of the limits, or with an alias inside itself: ``mark`` is where."""

    def __init__(self, mark: yaml.Mark, text: str):
        super().__init__(text)
        self.mark, self.text = mark, text


def _too_deep(expanded: bool) -> str:
    aliases = " once aliases are expanded" if expanded else ""
    return (f"lists and mappings nested more than {MAX_DEPTH} deep{aliases} "
            "(a scenario needs 6)")


def _too_many(aliases: bool, shared: bool = False) -> str:
    if shared:
        return (f"more than {MAX_VALUES:,} values in this file and the files that extend it "
                "together (the files of a chain of extends: share the limit; a scenario "
                "needs a few thousand)")
    if aliases:
        return (f"aliases expand to more than {MAX_VALUES:,} values (a scenario needs a few "
                "thousand); write the values out, or use fewer aliases")
    return f"more than {MAX_VALUES:,} values (a scenario needs a few thousand)"


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
        #: The bytes of each file of ``chain``, as read: the scenario's hash covers them.
        self.raw: list[bytes] = []
        #: Problems found while assembling the data (e.g. in ``drop_moves``), reported
        #: together with the rest.
        self.problems: list[str] = []
        #: For merged data: each move's file and its index in that file's ``moves``.
        self.move_origin: dict[int, tuple[str, int]] = {}
        #: Values the files of ``chain`` hold, aliases expanded (see ``MAX_VALUES``).
        self.values = 0

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


def not_a_mapping(source: Source) -> str:
    """The problem of a file whose top is not a mapping: a null document, or a list."""
    if source.data is None:
        return (f"{source.where(())}: the file holds no scenario, only a null value; "
                "a scenario needs name, start, end and sides")
    return (f"{source.where(())}: a scenario must be a mapping of keys (name, start, end, "
            "sides, moves...)")


class _Builder:
    """Builds plain data from the node tree, noting each path's line and every problem."""

    def __init__(self, loader: _Loader, file: str):
        self.loader, self.file = loader, file
        self.lines: dict[Path_, int] = {}
        self.problems: list[str] = []
        #: Each mapping's own keys (not merged in with ``<<``), by id: merging changes the
        #: node, and an alias builds the same node again.
        self._own: dict[int, set[int]] = {}

    def _problem(self, node: yaml.Node, text: str) -> None:
        self.problems.append(f"{self.file}:{node.start_mark.line + 1}: {text}")

    def build(self, node: yaml.Node, path: Path_ = ()) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self._collection_tag(node, _CORE + "map", "a mapping")
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._collection_tag(node, _CORE + "seq", "a list")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _collection_tag(self, node: yaml.Node, tag: str, what: str) -> None:
        """Lists and mappings are plain: a tag on one (``!!set``, ``!!omap``) is refused."""
        if node.tag != tag:
            self._problem(node, f"invalid YAML: the tag {_tag(node.tag)} is not allowed on "
                                f"{what} (remove the tag)")

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        own = self._own.setdefault(
            id(node), {id(k) for k, _ in node.value if k.tag != _CORE + "merge"})
        self.loader.flatten_mapping(node)  # YAML merge keys: `<<: *defaults` come first
        out: dict[str, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "a key must be a plain word, not a list or mapping")
                continue
            key = str(self._scalar(key_node, path))
            if id(key_node) in own and key in seen:
                self._problem(key_node, f"{dotted((*path, key))}: appears twice in the same "
                                        "mapping (keep one)")
            seen.update([key] if id(key_node) in own else [])
            sub = (*path, key)
            self.lines[sub] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, sub)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        """The value; text the YAML resolver cannot construct (2021-13-01) stays text,
        for the schema to report with its path, but a value an explicit tag cannot
        make (``!!bool maybe``) is a problem here.
        """
        if node.tag in _AS_TEXT:
            return node.value
        if node.tag not in SCALAR_TAGS:
            allowed = ", ".join(map(_tag, SCALAR_TAGS))
            self._problem(node, f"invalid YAML: the tag {_tag(node.tag)} is not allowed "
                                f"(remove the tag; allowed on a value: {allowed})")
            return node.value
        if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            if _explicit(self.loader, node):
                self._problem(node, f"invalid YAML: {shown(node.value)} is too long to read "
                                    f"as {_tag(node.tag)} (a number is at most "
                                    f"{MAX_NUMBER_CHARS} characters)")
            return node.value  # not constructed: the schema reports it, or reads it quickly
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, KeyError, AttributeError, TypeError, IndexError):
            value = None
        if not self._readable(node, value):
            if not _explicit(self.loader, node):
                return node.value
            self._problem(node, f"invalid YAML: {shown(node.value)} cannot be read as "
                                f"{_tag(node.tag)} (remove the tag or fix the value)")
            return node.value
        if isinstance(value, str) and _SURROGATE.search(value):
            self._problem(node, f"{dotted(path)}: {shown(value)} holds a lone surrogate, "
                                "which is not a character; write the character itself")
        return value

    @staticmethod
    def _readable(node: yaml.ScalarNode, value: Any) -> bool:
        """Whether ``value`` is what the tag asks for: ``!!null`` reads any text as None."""
        if node.tag == _CORE + "null":
            return bool(_NULL.match(node.value))
        return value is not None


def _explicit(loader: _Limits, node: yaml.ScalarNode) -> bool:
    """Whether the node's tag was written in the file rather than resolved from its text."""
    plain = not node.style  # None from PyYAML, "" from libyaml
    return node.tag != loader.resolve(yaml.ScalarNode, node.value, (plain, not plain))


def _tag(tag: str) -> str:
    """A tag as written in a file: ``!!bool`` rather than ``tag:yaml.org,2002:bool``."""
    return clip("!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag, 40)


def _yaml_problem(exc: yaml.YAMLError, text: str, file: str) -> str:
    """One line for a YAML syntax error, with its line and, if elsewhere, where it began."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return (f"{file}:{line}: invalid YAML: the control character U+{code:04X} is not "
                "allowed in a YAML file")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark else ":1"
        problem = _worded(exc, mark)
        if mark and _tab_indented(text, mark.line):
            problem += "; indent with spaces, not tabs"
        elif exc.context_mark and len(_row(text, exc.context_mark.line)) > _MAX_KEY \
                and exc.context == "while scanning a simple key":
            problem += f" (a key is at most {_MAX_KEY:,} characters)"
        return f"{file}{where}: invalid YAML: {problem}"
    return f"{file}:1: invalid YAML: {str(exc).splitlines()[0]}"


def _worded(exc: yaml.MarkedYAMLError, mark: yaml.Mark | None) -> str:
    """PyYAML's problem, with its context when that is on another line, in one phrase."""
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context, first = exc.context, exc.context_mark
    if not (context and first and mark and first.line != mark.line):
        return problem
    if problem == "second occurrence":  # "found duplicate anchor 'x'; first occurrence"
        return f"{context.split(';')[0]} (first on line {first.line + 1}); rename one"
    if problem.startswith("but found"):  # "expected a single document ..."
        return f"{context} (from line {first.line + 1}), {problem}"
    return f"{problem} ({context} on line {first.line + 1})"


def _tab_indented(text: str, line: int) -> bool:
    """Whether the 0-based ``line`` of ``text`` starts with a tab among its indentation."""
    row = _row(text, line)
    return "\t" in row[: len(row) - len(row.lstrip(" \t"))]


def _row(text: str, line: int) -> str:
    """The 0-based ``line`` of ``text`` ('' past its end)."""
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start: end if end >= 0 else len(text)]


def load_text(text: str, file: str, used: int = 0) -> Source:
    """Parse YAML text; a syntax error or a file over the limits is a ``ScenarioError``.

    ``used`` is the values the other files of a chain of ``extends:`` hold: the chain
    shares ``MAX_VALUES``.
    """
    if not text.strip(" \t\r\n\ufeff"):
        raise ScenarioError([f"{file}:1: the file is empty; a scenario needs name, start, "
                             "end and sides"])
    loader = None
    try:
        loader, node = _composed(text, used)
        if node is None:
            raise ScenarioError([f"{file}:1: the file has only comments; a scenario needs "
                                 "name, start, end and sides"])
        builder = _Builder(loader, file)
        data = builder.build(node)
    except yaml.YAMLError as exc:
        raise ScenarioError([_yaml_problem(exc, text, file)]) from None
    except _Refused as exc:
        raise ScenarioError([f"{file}:{exc.mark.line + 1}: {exc.text}"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if builder.problems:
        raise ScenarioError(builder.problems)
    if () in builder.lines:  # a null document `---` starts after the file's last line
        builder.lines[()] = min(builder.lines[()], text.count("\n") or 1)
    source = Source(data, builder.lines, file)
    source.values = loader._values
    return source


def _composed(text: str, used: int) -> tuple[_Limits, yaml.Node | None]:
    """``text``'s node tree and the loader that composed it: libyaml's when it reads the
    file, else the pure-Python one, which raises the worded error (or reads what libyaml
    would not).
    """
    if _FastLoader is not None:
        fast = _FastLoader(text, used)
        try:
            return fast, fast.get_single_node()
        except (yaml.YAMLError, _Refused):
            fast.dispose()
    slow = _Loader(text, used)
    return slow, slow.get_single_node()


class Unreadable(Exception):
    """A file that cannot be read, and why in a few words (``no such file``)."""


def read_bytes(path: Path) -> bytes:
    """A file's bytes, at most ``MAX_FILE_BYTES``; ``Unreadable`` says why not."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise Unreadable("no such file") from None
    except IsADirectoryError:
        raise Unreadable("is a directory, expected a scenario file (.yaml)") from None
    except OSError as exc:
        raise Unreadable(f"cannot read: {(exc.strerror or str(exc)).lower()}") from None
    except (ValueError, UnicodeError):
        raise Unreadable("cannot read: the name holds a character no file name can") from None
    if len(raw) > MAX_FILE_BYTES:
        raise Unreadable(f"is larger than {MAX_FILE_BYTES / 1e6:g} MB, the most a scenario "
                         "file can be")
    return raw


def decode(raw: bytes, file: str) -> str:
    """The file's text; bytes that are not UTF-8 are one message with their line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start: exc.start].decode("utf-8", errors="replace")) + 1
        raise ScenarioError([f"{file}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} "
                             f"at column {column}); save the file as UTF-8"]) from None


def load_file(path: Path) -> Source:
    """Read and parse a YAML file; a missing or unreadable file is a user error."""
    try:
        raw = read_bytes(path)
    except Unreadable as exc:
        raise ScenarioError([f"{path}: {exc}"]) from None
    source = load_text(decode(raw, str(path)), str(path))
    source.raw = [raw]
    return source


def by_file_and_line(message: str) -> tuple[str, int, str]:
    """Sort key for ``file:line: ...`` messages: by file, then line."""
    match = re.match(r"(.*?):(\d+): ", message)
    if match is None:
        return (message.split(": ")[0], 0, message)
    return (match[1], int(match[2]), message)


def dotted(path: Path_) -> str:
    """``("moves", 3, "count")`` as ``moves[3].count``; a long key is shortened."""
    text = ""
    for part in path:
        name = clip(part, 40) or "''"  # an empty key is shown as ''
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text or "scenario"
