"""Fuzzing the loader: structured mutations of the shipped scenarios, files and bases.

A mutant is a shipped scenario (a what-if is copied with the record it
extends) after a few edits to its data (a value replaced by another type, a
raw YAML snippet such as an explicit tag, an alias bomb, deep nesting, a lone
surrogate or a huge number, a key deleted or renamed, a list turned into a
mapping, a hostile `extends:`) and perhaps to its text (truncated, bytes
flipped, a line doubled, a tab, a BOM, UTF-16). Loading it must give a
scenario or a ``ScenarioError`` whose every line is ``file:line: ...`` within
the message cap, in under ``LOAD_SECONDS`` and ``MAX_RSS`` bytes of memory; a
scenario that loads is run too when its size is moderate.

The CI profile tries 200 mutants (50 more through `parity validate`); ``python
bench/fuzz.py --examples 10000`` runs the same hunt long, with figures.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import math
import os
import re
import resource
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import MAX_MESSAGE, ParityUserError, ScenarioError
from sim.model import Simulation
from sim.moves import BY_NAME
from sim.scenario import Scenario, load_scenario
from sim.scenario.yamlsource import load_text
from tests.yamlpaths import at, paths

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("scenarios/*.yaml"))}
DATA = {name: load_text(text, name).data for name, text in SHIPPED.items()}

#: Most seconds one load may take.
LOAD_SECONDS = 20
#: Most resident memory the process may reach, in bytes.
MAX_RSS = 1 << 30
#: Most seconds a run of a mutant that loaded is given; a longer one is cut short and
#: counted (the run's cost is the schema's business, not the loader's).
RUN_SECONDS = 10

FUZZ = settings(max_examples=max(200, settings.default.max_examples), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- what a mutant may hold ------------------------------------------------------------


def deep(n: int) -> str:
    return "[" * n + "]" * n


def bomb(breadth: int, levels: int) -> str:
    """A "billion laughs" as one flow list: each anchor holds ``breadth`` of the last."""
    parts = ["&l0 [" + ", ".join(["lol"] * breadth) + "]"]
    parts += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * breadth) + "]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


#: YAML written into a value as it is, where the dumper could not write it.
RAW = [
    # explicit tags
    "!!bool maybe", "!!timestamp soon", "!!int seven", "!!float x", "!!binary aGk=",
    "!!binary '!!!'", "!!set {a, b}", "!!omap [a: 1]", "!!pairs [a: 1]", "!!null junk",
    "!foo bar", "!!str {a: 1}", "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system ''", "!<tag:yaml.org,2002:str> x", "! 12", "!!str 2020-01-01",
    "!!int '7'", "!!float '1e3'", "!!timestamp 2020-02-30", "!!seq {a: 1}", "!!map [1]",
    "!!int ''", "!!bool", "!!null",
    # anchors and aliases
    "&x [*x]", "&y {a: *y}", "*nope", "&z 1", "[&q 1, *q, *q]", "{<<: 5}", "{<<: [1]}",
    "{<<: {a: 1}, a: 2}", "<<", "=", bomb(9, 9), bomb(10, 6), bomb(2, 20), bomb(100, 3),
    # nesting
    deep(6), deep(63), deep(64), deep(65), deep(500), deep(3000),
    "&d1 [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    # characters
    '"\\ud800"', '"a\\udc80b"', '"\\ud83d\\ude00"', '"\\0"', '"\\x1b[31mred"', '"\\u2028"',
    '"\\x85"', '"\\U0010FFFF"', '"\\x07"', '"\\t\\r"', "'é\u0301'", '"' + "x" * 100_000 + '"',
    '"' + "\\x41" * 20_000 + '"',
    # numbers and dates
    "0x" + "f" * 5000, "9" * 5000, "1e999999", "-1e999999", ".nan", "-.inf", "0b" + "1" * 20_000,
    "1:2:3:4:5:6:7:8:9", "0o777777777777777777777", "1_000_000", "-0", "2020-13-45",
    "2021-02-29", "9999-12-31", "0001-01-01", "2020-01-01 25:00:00", "2020-01-01T10:00:00Z",
]

#: Hostile `extends:` values: the text written, and what the folder must hold for it.
EXTENDS = {
    "long-name": ("w" * 300 + ".yaml", ""), "long-path": ("/".join(["d" * 200] * 25), ""),
    "nul": ('"a\\0b.yaml"', ""), "surrogate": ('"\\udc80.yaml"', ""),
    "directory": ("adir", "dir"), "symlink-loop": ("loop1.yaml", "loop"),
    "dangling-link": ("dangling.yaml", "dangling"), "itself": ("{entry}", ""),
    "device": ("/dev/zero", ""), "null-device": ("/dev/null", ""), "pipe": ("pipe.yaml", "fifo"),
    "missing": ("nope.yaml", ""), "typo": ("record-2016-2025.yml", ""), "empty": ("''", ""),
    "number": ("5", ""), "list": ("[record-2016-2025.yaml]", ""), "parent": ("..", ""),
    "root": ("/", ""), "chain-5": ("chain0.yaml", "chain5"), "chain-33": ("chain0.yaml", "chain33"),
    "chain-40": ("chain0.yaml", "chain40"), "unreadable": ("secret.yaml", "secret"),
    "chain-loop": ("chain0.yaml", "chainloop"),
}

SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(), SAFE_TEXT,
    st.dates(), st.sampled_from([*BY_NAME, "US", "RU", "moscow", "mirror", "visas", "NO", ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(SAFE_TEXT, inner, max_size=4), max_leaves=8)


@dataclass
class Mutant:
    """Files to write into an empty folder, the one to load, and what was done."""

    files: dict[str, bytes]
    entry: str
    edits: list[str] = field(default_factory=list)
    #: Things the folder must hold besides the files (see EXTENDS): "dir", "loop"...
    setups: set[str] = field(default_factory=set)

    def write(self, folder: Path) -> Path:
        """Write the mutant into ``folder``; the path of the file to load."""
        for name, content in self.files.items():
            (folder / name).write_bytes(content)
        for setup in self.setups:
            _SETUPS[setup](folder)
        return folder / self.entry


def _chain(n: int, loop: bool = False) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        for i in range(n):
            after = "chain0.yaml" if loop and i == n - 1 else (
                f"chain{i + 1}.yaml" if i < n - 1 else "record-2016-2025.yaml")
            (folder / f"chain{i}.yaml").write_text(f"extends: {after}\n", encoding="utf-8")
        if not (folder / "record-2016-2025.yaml").exists():
            (folder / "record-2016-2025.yaml").write_text(
                SHIPPED["record-2016-2025.yaml"], encoding="utf-8")
    return make


def _loop(folder: Path) -> None:
    (folder / "loop1.yaml").symlink_to("loop2.yaml")
    (folder / "loop2.yaml").symlink_to("loop1.yaml")


def _secret(folder: Path) -> None:
    (folder / "secret.yaml").write_text(SHIPPED["record-2016-2025.yaml"], encoding="utf-8")
    (folder / "secret.yaml").chmod(0)


_SETUPS: dict[str, Callable[[Path], None]] = {
    "dir": lambda folder: (folder / "adir").mkdir(),
    "loop": _loop,
    "dangling": lambda folder: (folder / "dangling.yaml").symlink_to("nowhere.yaml"),
    "fifo": lambda folder: os.mkfifo(folder / "pipe.yaml"),
    "chain5": _chain(5), "chain33": _chain(33), "chain40": _chain(40),
    "chainloop": _chain(6, loop=True), "secret": _secret,
}

# -- making mutants ----------------------------------------------------------------------


class Raw:
    """A value written into the YAML text as it is: ``Raw.slot(i)`` marks its place."""

    @staticmethod
    def slot(i: int) -> str:
        return f"RAWSLOT{i}X"


def _edit_data(draw: st.DrawFn, data: dict[str, Any], raws: list[str], mutant: Mutant) -> str:
    """One edit of the data, in place; what it was, in a few words."""
    every = paths(data)
    kind = draw(st.sampled_from(["tweak", "tweak", "retype", "raw", "raw", "delete",
                                 "container", "rename", "extends"]))
    if kind == "extends":
        name = draw(st.sampled_from(sorted(EXTENDS)))
        text, setup = EXTENDS[name]
        raws.append(text.replace("{entry}", mutant.entry))
        data["extends"] = Raw.slot(len(raws) - 1)
        mutant.setups |= {setup} - {""}
        return f"extends: {name}"
    if not every:
        return "none"
    path = draw(st.sampled_from(every))
    parent, key = at(data, path[:-1]), path[-1]
    if kind == "tweak":
        parent[key] = draw(_like(parent[key]))
    elif kind == "retype":
        parent[key] = draw(VALUES)
    elif kind == "raw":
        raws.append(draw(st.sampled_from(RAW)))
        parent[key] = Raw.slot(len(raws) - 1)
    elif kind == "delete":
        del parent[key]
    elif kind == "container":
        value = parent[key]
        parent[key] = (list(value.values()) if isinstance(value, dict)
                       else {str(i): v for i, v in enumerate(value)} if isinstance(value, list)
                       else draw(st.sampled_from([[value], {"x": value}, "expel"])))
    elif kind == "rename" and isinstance(parent, dict):
        parent[draw(SAFE_TEXT | st.sampled_from(["sample_days", "cout", "policy"]))] = \
            parent.pop(key)
    return f"{kind} {'.'.join(map(str, path))[:60]}"


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Another value of the same type, often a valid one: the mutants that load, and run."""
    if isinstance(value, bool) or value is None:
        return st.booleans() | st.none()
    if isinstance(value, int):
        return st.sampled_from([0, 1, -1, value * 2, value * 100, 10**6, 10**9]) | st.integers(
            -10, 10 * abs(value) + 10)
    if isinstance(value, float):
        top = 10 * abs(value) + 1 if math.isfinite(value) else 1e6
        return st.sampled_from([0.0, 1.0, 0.001, 1e9, math.inf, math.nan]) | st.floats(-1.0, top)
    if isinstance(value, dt.date):
        return st.integers(-4000, 4000).map(lambda days: value + dt.timedelta(days=days))
    if isinstance(value, str):
        return st.sampled_from([*BY_NAME, "US", "RU", "moscow", "mirror", "visas", "", value * 3])
    return st.just(value)


def dump(data: Any, raws: list[str]) -> str:
    """The data as YAML, each raw slot replaced by its snippet."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1000)
    for i, raw in enumerate(raws):
        text = text.replace(Raw.slot(i), raw)
    return text


def _edit_text(draw: st.DrawFn, text: str) -> tuple[bytes, str]:
    """One edit of the file's text or bytes."""
    kind = draw(st.sampled_from(["truncate", "flip", "double-line", "tab", "bom", "utf-16",
                                 "crlf", "nul"]))
    lines = text.splitlines(keepends=True) or [""]
    at_line = draw(st.integers(0, len(lines) - 1))
    if kind == "double-line":
        lines.insert(at_line, lines[at_line])
    elif kind == "tab":
        lines[at_line] = "\t" + lines[at_line].lstrip(" ")
    text = "".join(lines)
    raw = text.encode("utf-16" if kind == "utf-16" else "utf-8")
    if kind == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif kind == "flip" and raw:
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(raw) - 1))
            raw = raw[:i] + bytes([draw(st.integers(0, 255))]) + raw[i + 1:]
    elif kind == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif kind == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif kind == "nul":
        i = draw(st.integers(0, len(raw)))
        raw = raw[:i] + b"\0" + raw[i:]
    return raw, kind


@st.composite
def mutants(draw: st.DrawFn) -> Mutant:
    """A shipped scenario (with its base, for a what-if) after one to three edits."""
    entry = draw(st.sampled_from(sorted(SHIPPED)))
    mutant = Mutant({name: text.encode() for name, text in SHIPPED.items()
                     if name in (entry, DATA[entry].get("extends"))}, entry)
    base = DATA[entry].get("extends")
    target = base if base and draw(st.integers(0, 3)) == 0 else entry
    data = copy.deepcopy(DATA[target])
    raws: list[str] = []
    mutant.edits = [f"{target}:"]
    for _ in range(draw(st.integers(1, 3))):
        mutant.edits.append(_edit_data(draw, data, raws, mutant))
    raw = dump(data, raws).encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        raw, kind = _edit_text(draw, raw.decode("utf-8", errors="surrogatepass"))
        mutant.edits.append(kind)
    mutant.files[target] = raw
    return mutant


# -- what must hold --------------------------------------------------------------------


@dataclass
class Stats:
    """What a hunt found, for bench/fuzz.py's report."""

    mutants: int = 0
    loaded: int = 0
    errors: int = 0
    ran: int = 0
    too_big_to_run: int = 0
    runs_cut: list[str] = field(default_factory=list)
    slowest: tuple[float, list[str]] = (0.0, [])
    peak_rss: int = 0
    longest_line: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


STATS = Stats()


class TooLong(Exception):
    """Raised by the alarm when a load or a run goes over its time."""


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Raise ``TooLong`` in the main thread after ``seconds``."""
    def ring(signum: int, frame: Any) -> None:
        raise TooLong(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def peak_rss() -> int:
    """The process's peak resident memory, in bytes (Linux counts in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


#: What YAML counts as a line break.
BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def check_lines(lines: list[str], folder: Path) -> None:
    """Each line is ``file:line: text``, the file in ``folder``, the line inside it, and
    the whole at most the message cap.
    """
    assert lines
    for line in lines:
        assert len(line) <= MAX_MESSAGE, line[:200]
        match = re.match(r"(.+?):(\d+): \S", line)
        assert match and match[1].startswith(f"{folder}{os.sep}"), line[:300]
        number, file = int(match[2]), Path(match[1])
        with contextlib.suppress(OSError):
            text = file.read_bytes().decode("utf-8", errors="replace")
            assert 1 <= number <= len(BREAKS.findall(text)) + 1, line[:300]


def moderate(scenario: Scenario) -> bool:
    """Whether a run of ``scenario`` is small enough to make here: at most 15 years, 5,000
    positions a side, tours of at least half a year.
    """
    return ((scenario.end - scenario.start).days <= 15 * 365
            and all(sum(p.expat + p.local for p in side.posts) <= 5000
                    and side.tour_years.low >= 0.5 for side in scenario.sides.values()))


def check_mutant(mutant: Mutant, stats: Stats = STATS) -> Scenario | None:
    """Load the mutant from a fresh folder and check what must hold; run it if it loads."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = mutant.write(folder)
        started = time.perf_counter()
        scenario = None
        try:
            with alarm(LOAD_SECONDS):
                scenario = load_scenario(path)
        except ScenarioError as exc:
            check_lines(exc.problems, folder)
        except ParityUserError as exc:
            check_lines(str(exc).splitlines(), folder)
        seconds = time.perf_counter() - started
        _count(stats, mutant, scenario, seconds)
        if scenario is not None:
            _run(scenario, mutant, stats)
    return scenario


def _count(stats: Stats, mutant: Mutant, scenario: Scenario | None, seconds: float) -> None:
    stats.mutants += 1
    stats.loaded += scenario is not None
    stats.errors += scenario is None
    stats.peak_rss = peak_rss()
    if seconds > stats.slowest[0]:
        stats.slowest = (seconds, mutant.edits)
    for edit in mutant.edits[1:]:
        kind = edit.split(" ")[0] if not edit.startswith("extends") else edit
        stats.kinds[kind] = stats.kinds.get(kind, 0) + 1
    assert stats.peak_rss < MAX_RSS, f"{stats.peak_rss:,} bytes after {mutant.edits}"


def _run(scenario: Scenario, mutant: Mutant, stats: Stats) -> None:
    """Run a mutant that loaded, if moderate; one over RUN_SECONDS is cut and counted."""
    if not moderate(scenario):
        stats.too_big_to_run += 1
        return
    try:
        with alarm(RUN_SECONDS):
            Simulation(scenario, seed=1).run()
        stats.ran += 1
    except TooLong:
        stats.runs_cut.append(" | ".join(mutant.edits))
    except ParityUserError as exc:  # a code-level check the file's checks let through
        raise AssertionError(f"{mutant.edits}: {exc}") from exc


# -- the tests -------------------------------------------------------------------------


@FUZZ
@given(mutants())
def test_mutants_of_the_shipped_scenarios_load_or_give_file_lines(mutant):
    """A mutant of a shipped scenario loads (and then runs) or gives only `file:line`
    lines within the cap, quickly and in bounded memory.
    """
    check_mutant(mutant)


@settings(FUZZ, max_examples=max(50, settings.default.max_examples // 4))
@given(mutants())
def test_mutants_through_validate_exit_0_or_2_without_a_traceback(mutant):
    """`parity validate` on a mutant exits 0 or 2, every error line naming a file and line."""
    with tempfile.TemporaryDirectory() as tmp:
        path = mutant.write(Path(tmp))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                alarm(LOAD_SECONDS):
            code = main(["validate", str(path)])
        assert code in (0, 2) and "Traceback" not in err.getvalue()
        if code == 0:
            assert out.getvalue() == f"{path}: ok\n"
        else:
            check_lines([line.removeprefix("error: ") for line in err.getvalue().splitlines()],
                        Path(tmp))


def test_every_hostile_extends_is_a_file_line(tmp_path):
    """Each hostile `extends:` of the list, in the record, is one `file:line` problem."""
    for name, (text, setup) in EXTENDS.items():
        folder = tmp_path / name
        folder.mkdir()
        mutant = Mutant({"child.yaml": f"extends: {text}\nname: x\n".replace(
            "{entry}", "child.yaml").encode()}, "child.yaml", [name], {setup} - {""})
        scenario = check_mutant(mutant, Stats())
        assert scenario is None or name in ("chain-5", "unreadable"), name


def test_the_mutations_change_the_files():
    """The engine's edits reach the text: a slot is replaced, dates stay dates."""
    assert dump({"a": Raw.slot(0), "d": dt.date(2020, 1, 2)}, ["!!bool x"]) == (
        "a: !!bool x\nd: 2020-01-02\n")
    assert bomb(2, 2) == "[&l0 [lol, lol], &l1 [*l0, *l0]]"
