"""Property: any text loads as a Scenario or raises ScenarioError of `file:line: ...` lines.

Random scenarios, mutations of a valid one, YAML-ish token soup and random bytes
go through ``load_text`` + ``from_source`` (and some through ``load_scenario``
from files); nothing may escape but a ``ScenarioError`` whose every printed line
names the file. Inputs that hit bugs already known are kept out of the general
properties and pinned by the xfail tests at the end of this file.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.moves import BY_NAME
from sim.scenario.loader import from_source, load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.yamlsource import load_text
from tests.yamlpaths import at, dump, paths

FILE = "prop.yaml"
#: 60 examples in the `ci` profile; more when a longer hunt is asked for (`thorough`).
PROPERTY = settings(max_examples=max(60, settings.default.max_examples), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

#: A valid scenario touching most of the schema: properties, a policy, talks, lifts.
VALID = """\
name: Property base
start: 2020-01-01
end: 2021-12-31
seed: 3
sides:
  NO:
    name: NO mission in A
    posts:
      - {id: oslo, name: Embassy, kind: embassy, expat: 40, local: 60, consular_share: 1}
      - {id: bergen, name: Consulate, kind: consulate, expat: 5, local: 5}
    properties:
      - {id: cabin, name: Cabin}
    core_staff: 20
    consular_staff_max: 30
    consular_rate: 10
    host_visa_policy: {approval_rate: 0.9, processing_days: 30}
  A:
    name: A mission in NO
    posts:
      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}
    policy: {policy: proportional, scale: 1.5, lag_days: 10}
talks:
  rounds:
    - {date: 2021-06-01, name: round, agenda: [visas, posts], settle: []}
moves:
  - {date: 2020-03-01, actor: A, move: expel, count: 5, post: oslo, id: a-expel}
  - {date: 2020-04-01, actor: NO, move: close_post, post: capital, notice_days: 3}
  - {date: 2020-05-01, actor: A, move: seize_property, property: cabin, id: seize}
  - {date: 2020-06-01, actor: NO, move: statement, kind: protest, note: unfair}
  - {date: 2020-07-01, actor: A, move: lift, measure: a-expel}
  - {date: 2020-08-01, actor: A, move: tenure_limit, years: 3, deadline: 2020-10-01}
"""
VALID_DATA = load_text(VALID, FILE).data

#: Characters that appear in user text in messages without breaking a line.
#: Surrogates cannot be written to a file, so they are left out.
SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
DATES = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), SAFE_TEXT, DATES,
                    st.sampled_from([*BY_NAME, "NO", "A", "oslo", "cabin", "visas", "mirror"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(SAFE_TEXT, inner, max_size=3), max_leaves=6)
IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,6}", fullmatch=True) | st.sampled_from(
    ["NO", "yes", "on", "off", "null", "1", "true", "~"])

#: YAML-ish tokens: structure, scenario words, and the odd bits of YAML syntax.
TOKENS = ["\n", "\n  ", "\n    ", " ", "- ", ": ", ":", "[", "]", "{", "}", ", ", "#", "'", '"',
          "&a ", "*a", "!!str ", "? ", "|", ">", "---", "~", "name", "start", "end", "sides",
          "moves", "talks", "rounds", "posts", "policy", "move", "date", "actor", "count",
          "expel", "lift", "measure", "id", "A", "B", "NO", "yes", "2020-01-01", "2021-06-30",
          "3", "-1", "1.5", ".inf", "x", "extends", "drop_moves"]


def check_lines(exc: ScenarioError, text: str, *files: str) -> None:
    """Every printed line of the error names one of ``files`` (and a line inside the text)."""
    names = "|".join(re.escape(f) for f in files)
    lines = str(exc).splitlines()
    assert lines and len(lines) == len(exc.problems)
    last = text.count("\n") + 2
    for line in lines:
        match = re.fullmatch(rf"(?:{names})(?::(\d+))?: \S.+", line)
        assert match, line
        assert match[1] is None or 1 <= int(match[1]) <= last, line


def load(text: str) -> Scenario | None:
    """from_source(load_text(text)); a ScenarioError's lines are checked, None returned."""
    try:
        scenario = from_source(load_text(text, FILE))
    except ScenarioError as exc:
        check_lines(exc, text, FILE)
        return None
    assert isinstance(scenario, Scenario)
    return scenario








@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid scenario after one to four random edits."""
    data = copy.deepcopy(VALID_DATA)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "retype", "insert", "rename", "shift"]))
        every = paths(data)
        if kind == "delete" and every:
            path = draw(st.sampled_from(every))
            del at(data, path[:-1])[path[-1]]
        elif kind == "retype" and every:
            path = draw(st.sampled_from(every))
            at(data, path[:-1])[path[-1]] = draw(VALUES)
        elif kind == "insert":
            maps = [p for p in [(), *every] if isinstance(at(data, p), dict)]
            target = at(data, draw(st.sampled_from(maps)))
            target[draw(SAFE_TEXT | st.sampled_from(["sample_days", "cout", "kind", "policy"]))] \
                = draw(VALUES)
        elif kind == "rename":
            moves = [p for p in every if len(p) == 3 and p[0] == "moves" and p[2] == "move"]
            if moves:
                at(data, draw(st.sampled_from(moves))[:-1])["move"] = draw(
                    SAFE_TEXT | st.sampled_from(list(BY_NAME)))
        elif kind == "shift":
            days = draw(st.integers(-2000, 2000))
            for path in every:
                value = at(data, path)
                if isinstance(value, dt.date) and draw(st.booleans()):
                    at(data, path[:-1])[path[-1]] = value + dt.timedelta(days=days)
    return dump(data)


def _params(draw: st.DrawFn, kind: str, target: dict[str, Any]) -> dict[str, Any]:
    """Valid parameters for a move of ``kind`` against the ``target`` side."""
    if kind == "expel":
        return {"count": draw(st.integers(1, 20))}
    if kind == "staff_cap":
        return {"ceiling": draw(st.integers(0, 200))}
    if kind == "close_post":
        return {"post": draw(st.sampled_from(target["posts"]))["id"]}
    if kind == "seize_property":
        return {"property": draw(st.sampled_from(target["properties"]))["id"]}
    if kind == "statement":
        return {"kind": draw(st.sampled_from(["threat", "other"]))}
    if kind == "travel_radius":
        return {"km": draw(st.floats(0.5, 500))}
    return {}


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, int]:
    """A random valid scenario (two sides, posts, properties, moves) and its number of moves."""
    start = draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))
    end = start + dt.timedelta(days=draw(st.integers(0, 3000)))
    sides: dict[str, Any] = {}
    for side in draw(st.lists(IDS, min_size=2, max_size=2, unique=True)):
        posts = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
        sides[side] = {
            "name": draw(SAFE_TEXT),
            "posts": [{"id": p, "name": p, "kind": draw(st.sampled_from(["embassy", "consulate",
                                                                         "annex"])),
                       "expat": draw(st.integers(0, 50)), "local": draw(st.integers(0, 50))}
                      for p in posts],
            "properties": [{"id": p, "name": p}
                           for p in draw(st.lists(IDS, max_size=2, unique=True))],
        }
    names = list(sides)
    moves = []
    for i in range(draw(st.integers(0, 8))):
        actor = draw(st.sampled_from(names))
        target = sides[names[1 - names.index(actor)]]
        date = start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))
        move: dict[str, Any] = {"date": date, "actor": actor, "id": f"m{i}"}
        kind = draw(st.sampled_from(["expel", "staff_cap", "close_post", "seize_property",
                                     "statement", "banking_restriction", "travel_radius"]))
        if kind == "seize_property" and not target["properties"]:
            kind = "statement"
        move["move"] = kind
        move.update(_params(draw, kind, target))
        moves.append(move)
    moves = draw(st.permutations(moves))
    if moves and draw(st.booleans()):  # listed last: same-day moves keep their file order
        first = min(moves, key=lambda m: m["date"])
        moves.append({"date": end, "actor": first["actor"], "move": "lift",
                      "measure": first["id"]})
    data = {"name": draw(SAFE_TEXT), "start": start, "end": end, "sides": sides,
            "moves": moves}
    return dump(data), len(moves)


@PROPERTY
@given(scenarios())
def test_random_valid_scenarios_load(case):
    """A random well-formed scenario loads, with every move it lists."""
    text, count = case
    scenario = load(text)
    assert scenario is not None, text
    assert len(scenario.moves) == count and len(scenario.sides) == 2


@PROPERTY
@given(mutated())
def test_mutations_of_a_valid_scenario_load_or_give_file_lines(text):
    """A valid scenario with keys deleted, retyped, added, moves renamed or dates shifted
    loads or raises only a ScenarioError of `file:line: ...` lines.
    """
    load(text)


@PROPERTY
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_yaml_ish_text_loads_or_gives_file_lines(text):
    """Token soup of YAML syntax and scenario words never raises anything but ScenarioError."""
    load(text)


@PROPERTY
@given(st.binary(max_size=300), st.sampled_from(["utf-8", "latin-1"]))
def test_random_bytes_as_text_load_or_give_file_lines(raw, encoding):
    """Random bytes decoded as text never raise anything but ScenarioError."""
    load(raw.decode(encoding, errors="replace"))


@settings(max_examples=max(20, settings.default.max_examples // 3), deadline=None)
@given(st.one_of(mutated(), st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
                 st.binary(max_size=100)),
       st.booleans())
def test_files_load_or_give_file_lines(content, extends):
    """Through load_scenario (optionally extending a valid base), files load or raise
    a ScenarioError naming the file or its base.
    """
    with tempfile.TemporaryDirectory() as tmp:
        base, path = Path(tmp) / "base.yaml", Path(tmp) / "child.yaml"
        base.write_text(VALID, encoding="utf-8")
        if isinstance(content, str):
            content = (("extends: base.yaml\n" if extends else "") + content).encode()
        else:
            with contextlib.suppress(UnicodeDecodeError):  # invalid UTF-8 stays: "cannot read"
                content = yaml.reader.Reader.NON_PRINTABLE.sub(
                    "", content.decode("utf-8")).encode()
        path.write_bytes(content)
        try:
            assert isinstance(load_scenario(path), Scenario)
        except ScenarioError as exc:
            check_lines(exc, content.decode("utf-8", errors="replace"), str(path), str(base))


# ---------------------------------------------------------------- known bugs, pinned


@PROPERTY
@given(st.sampled_from(["start", "end", "moves"]),
       st.sampled_from(["2021-13-01", "2021-02-30", "2021-04-31", "2021-00-10", "2021-1-32"]))
def test_impossible_dates_are_scenario_errors(where, date):
    """An impossible date anywhere is a ScenarioError at its line, not a ValueError."""
    text = VALID.replace("start: 2020-01-01" if where == "start" else
                         "end: 2021-12-31" if where == "end" else
                         "date: 2020-06-01", f"{'date' if where == 'moves' else where}: {date}")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if date in row)
    with pytest.raises(ScenarioError) as info:
        from_source(load_text(text, FILE))
    assert any(p.startswith(f"{FILE}:{line}: ") and date in p for p in info.value.problems)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_non_printable_character_is_one_line(char):
    """A non-printable character is one ScenarioError line naming the file."""
    with pytest.raises(ScenarioError) as info:
        from_source(load_text(f"name: a{char}b\n", FILE))
    check_lines(info.value, "name\n", FILE)


@pytest.mark.parametrize("text", ["&x [*x]\n", "a: &x [*x]\n", "a: &x {b: *x}\n"])
def test_recursive_alias_is_one_line(text):
    """A self-referencing YAML alias is a ScenarioError, not a RecursionError."""
    with pytest.raises(ScenarioError) as info:
        from_source(load_text(text, FILE))
    check_lines(info.value, text, FILE)


@pytest.mark.parametrize("where", ["key", "actor", "move"])
@pytest.mark.parametrize("word", ["two\nlines", "two\u2028lines"], ids=["newline", "U+2028"])
def test_user_text_with_line_breaks_stays_on_one_line(word, where):
    """User text holding a line break does not split a problem over several lines."""
    data = copy.deepcopy(VALID_DATA)
    if where == "key":
        data[word] = 1
    else:
        data["moves"][0][where] = word
    text = dump(data)
    with pytest.raises(ScenarioError) as info:
        from_source(load_text(text, FILE))
    check_lines(info.value, text, FILE)


def test_extends_path_with_a_line_break_stays_on_one_line(tmp_path):
    """A missing `extends:` file whose name holds a newline is still one line."""
    path = tmp_path / "child.yaml"
    path.write_text('extends: "no\\nsuch.yaml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    check_lines(info.value, "extends\n", str(path), str(tmp_path / "no\nsuch.yaml"))
