"""Hostile scenario files: each is one short `file:line` error, exit 2, never a traceback.

tests/data/hostile/NAME.yaml is a file written to break the loader (explicit
tags, alias bombs, deep nesting, lone surrogates, bad UTF-8, wrong containers in
what-ifs, values 10,000 characters long...), and NAME.expected the exact lines
`parity validate` prints for it, with ``{file}`` for the file's path and
``{dir}`` for the folder's. The what-ifs there extend files in
tests/data/hostile/bases/. Files whose hostility is in the file system (symbolic
link loops, long chains, devices, unreadable files) are built in tmp_path below.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
import time
from pathlib import Path
from typing import IO

import pytest

from sim.cli import main
from sim.errors import MAX_LINE, MAX_MESSAGE, ScenarioError, clip, one_line, shown
from sim.scenario import load_scenario
from sim.scenario.extends import MAX_EXTENDS
from sim.scenario.yamlsource import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NUMBER_CHARS,
    MAX_VALUES,
    load_text,
)

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
CORPUS = sorted(HOSTILE.glob("*.yaml"))
SMALL = (Path(__file__).parent / "data" / "small.yaml").read_text(encoding="utf-8")


def validate(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[str]]:
    """`parity validate path`: its exit status and stderr lines, each checked to start
    with `error: ` and a path (and to hold no traceback).
    """
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert all(re.match(r"error: /\S.*?(:\d+)?: \S", line) for line in lines), lines
    return code, lines


def expected(path: Path) -> list[str]:
    text = path.with_suffix(".expected").read_text(encoding="utf-8")
    return text.replace("{file}", str(path)).replace("{dir}", str(HOSTILE)).splitlines()


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_corpus_covers_every_kind_of_hostile_file():
    """The corpus has a file of each kind, each with its expected lines."""
    kinds = {p.stem.split("-")[0] for p in CORPUS}
    assert kinds >= {"tag", "alias", "deep", "surrogate", "bad", "tabs", "null", "whatif",
                     "long", "extends", "huge", "empty", "comments"}
    assert [p for p in CORPUS if not p.with_suffix(".expected").exists()] == []


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_file_gives_its_expected_lines(capsys, path):
    """Each hostile file gives exit 2 and exactly its expected `file:line` lines."""
    assert validate(capsys, path) == (2, expected(path))


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_file_lines_have_a_line_number_and_are_short(capsys, path):
    """Every line names a file and a line, and is at most the message cap long."""
    _, lines = validate(capsys, path)
    for line in lines:
        assert re.match(r"error: \S.*?:\d+: \S", line), line
        assert len(line) <= MAX_LINE


def test_a_symlink_loop_in_extends_is_one_line(tmp_path):
    """`extends:` naming a symbolic link that loops is one line at `extends:`."""
    (tmp_path / "one.yaml").symlink_to("two.yaml")
    (tmp_path / "two.yaml").symlink_to("one.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("name: x\nextends: one.yaml\n", encoding="utf-8")
    assert problems(child) == [
        f"{child}:2: extends: 'one.yaml' is a loop of symbolic links"]


def test_a_dangling_symlink_in_extends_names_its_target(tmp_path):
    """`extends:` naming a symbolic link to nothing says so and names the missing target."""
    (tmp_path / "base.yaml").symlink_to("gone.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n", encoding="utf-8")
    assert problems(child) == [
        f"{child}:1: extends: 'base.yaml' is a symbolic link to a missing file ('gone.yaml')"]


def test_a_chain_of_a_thousand_files_stops_at_the_limit(tmp_path):
    """A chain of 1,000 files extending each other is one line at the file that would
    make the chain longer than MAX_EXTENDS, not a RecursionError.
    """
    for i in range(1000):
        text = f"extends: c{i + 1}.yaml\n" if i < 999 else SMALL
        (tmp_path / f"c{i}.yaml").write_text(text, encoding="utf-8")
    last = tmp_path / f"c{MAX_EXTENDS - 1}.yaml"
    assert problems(tmp_path / "c0.yaml") == [
        f"{last}:1: extends: a chain of extends: holds at most {MAX_EXTENDS} files; "
        f"'c{MAX_EXTENDS}.yaml' would be number {MAX_EXTENDS + 1}"]


def test_a_chain_of_the_most_files_allowed_loads(tmp_path):
    """A chain of exactly MAX_EXTENDS files loads, every level's `name` overriding."""
    for i in range(MAX_EXTENDS):
        text = f"extends: c{i + 1}.yaml\nname: level {i}\n" if i < MAX_EXTENDS - 1 else SMALL
        (tmp_path / f"c{i}.yaml").write_text(text, encoding="utf-8")
    assert load_scenario(tmp_path / "c0.yaml").name == "level 0"


def test_a_chain_of_files_shares_the_size_limit_of_one(tmp_path):
    """Files each under MAX_FILE_BYTES but over it together are one line at the
    `extends:` that would pass it.
    """
    filler = "#" * (MAX_FILE_BYTES // 2) + "\n"
    (tmp_path / "c0.yaml").write_text(f"extends: c1.yaml\n{filler}", encoding="utf-8")
    (tmp_path / "c1.yaml").write_text(f"extends: c2.yaml\n{filler}", encoding="utf-8")
    (tmp_path / "c2.yaml").write_text(SMALL, encoding="utf-8")
    size = len(filler) + len("extends: c1.yaml\n")
    assert problems(tmp_path / "c0.yaml") == [
        f"{tmp_path / 'c0.yaml'}:1: extends: 'c1.yaml' makes the chain of extends: larger "
        f"than {MAX_FILE_BYTES / 1e6:g} MB, the most its files can be together "
        f"({size:,} bytes, after {size:,} in the files extending it)"]


def test_a_chain_of_files_shares_the_value_limit_of_one(tmp_path):
    """Files each under MAX_VALUES but over it together are refused in the base that
    passes it.
    """
    items = "[" + "0," * (MAX_VALUES // 2) + "]"
    (tmp_path / "c0.yaml").write_text(f"extends: c1.yaml\ndescription: {items}\n",
                                      encoding="utf-8")
    (tmp_path / "c1.yaml").write_text(f"name: {items}\n", encoding="utf-8")
    assert problems(tmp_path / "c0.yaml") == [
        f"{tmp_path / 'c1.yaml'}:1: more than {MAX_VALUES:,} values in this file and the "
        "files that extend it together (the files of a chain of extends: share the limit; "
        "a scenario needs a few thousand)"]


def test_a_long_chain_of_files_full_of_moves_is_refused_in_seconds(tmp_path):
    """32 files of 10,500 moves each, once 166 s and 1.1 GB, are refused within seconds."""
    move = "  - {date: 2020-06-01, actor: B, move: expel, count: 1}\n"
    for i in range(MAX_EXTENDS):
        text = (f"extends: c{i + 1}.yaml\nmoves:\n" + move * 10_500
                if i < MAX_EXTENDS - 1 else SMALL)
        (tmp_path / f"c{i}.yaml").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    (problem,) = problems(tmp_path / "c0.yaml")
    assert problem.startswith(f"{tmp_path / 'c1.yaml'}:") and "share the limit" in problem
    assert time.perf_counter() - started < 20


def test_moves_over_the_limit_with_a_base_are_one_line(tmp_path, monkeypatch):
    """A what-if whose moves and its base's are over MAX_MOVES is one line at `moves:`."""
    import sim.scenario.schema as schema

    monkeypatch.setattr(schema, "MAX_MOVES", 2)
    (tmp_path / "base.yaml").write_text(SMALL, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nmoves:\n  - {date: 2021-06-01, actor: A, "
                     "move: expel, count: 1}\n", encoding="utf-8")
    assert problems(child) == [f"{child}:2: moves: 3 moves with those of the files it "
                               "extends (allowed: at most 2 in a scenario)"]


def test_a_device_in_extends_is_refused_without_reading_it(tmp_path):
    """`extends: /dev/zero` is one line saying it is not a regular file (it is never read)."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    child = tmp_path / "child.yaml"
    child.write_text("extends: /dev/zero\n", encoding="utf-8")
    assert problems(child) == [f"{child}:1: extends: '/dev/zero' is not a regular file (a "
                               "device, pipe or socket), not a scenario file"]


def test_a_pipe_in_extends_is_refused_without_opening_it(tmp_path):
    """`extends:` naming a FIFO is refused rather than left waiting for a writer."""
    os.mkfifo(tmp_path / "pipe.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("extends: pipe.yaml\n", encoding="utf-8")
    assert problems(child) == [f"{child}:1: extends: 'pipe.yaml' is not a regular file (a "
                               "device, pipe or socket), not a scenario file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_base_is_one_line_at_extends(tmp_path):
    """A base the user may not read is one line at the child's `extends:`."""
    base = tmp_path / "base.yaml"
    base.write_text(SMALL, encoding="utf-8")
    base.chmod(0)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n", encoding="utf-8")
    try:
        assert problems(child) == [
            f"{child}:1: extends: 'base.yaml': cannot read: permission denied"]
    finally:
        base.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_base_the_system_refuses_to_open_is_one_line_at_extends(tmp_path, monkeypatch):
    """A base whose opening fails (permission denied, as for another user's file) is one
    line at the child's `extends:`, even where the tests run as root.
    """
    import sim.scenario.yamlsource as yamlsource

    def refuse(path: Path, mode: str) -> IO[bytes]:
        if Path(path).name != "base.yaml":
            return open(path, mode)  # the caller closes it
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    (tmp_path / "base.yaml").write_text(SMALL, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n", encoding="utf-8")
    monkeypatch.setattr(yamlsource, "open", refuse, raising=False)
    assert problems(child) == [
        f"{child}:1: extends: 'base.yaml': cannot read: permission denied"]


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    """A file larger than MAX_FILE_BYTES is one line naming the limit."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert problems(path) == [f"{path}: is larger than {MAX_FILE_BYTES / 1e6:g} MB, the most "
                              "a scenario file can be"]


def test_an_endless_file_is_read_only_up_to_the_limit(capsys):
    """`parity validate /dev/zero` reads no more than MAX_FILE_BYTES and says so."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    code, lines = validate(capsys, Path("/dev/zero"))
    assert (code, lines) == (2, [f"error: /dev/zero: is larger than {MAX_FILE_BYTES / 1e6:g} "
                                 "MB, the most a scenario file can be"])


def test_a_base_over_the_size_limit_is_one_line_at_extends(tmp_path):
    """A base larger than MAX_FILE_BYTES is reported at the child's `extends:`."""
    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    child = tmp_path / "child.yaml"
    child.write_text("name: x\nextends: big.yaml\n", encoding="utf-8")
    assert problems(child) == [f"{child}:2: extends: 'big.yaml': is larger than "
                               f"{MAX_FILE_BYTES / 1e6:g} MB, the most a scenario file can be"]


def test_a_file_name_that_is_not_utf8_is_printed_escaped(tmp_path, capsys):
    """A file whose name is not UTF-8 is reported with the odd byte escaped, on one line."""
    raw = os.fsencode(tmp_path) + b"/caf\xe9.yaml"
    with open(raw, "w", encoding="utf-8") as stream:
        stream.write("name: [x\n")
    path = Path(os.fsdecode(raw))
    code, lines = validate(capsys, path)
    assert (code, lines) == (2, [f"error: {tmp_path}/caf\\udce9.yaml:2: invalid YAML: "
                                 "expected ',' or ']', but got '<stream end>' (while "
                                 "parsing a flow sequence on line 1)"])


def test_a_run_of_a_file_whose_name_is_not_utf8_records_the_name_escaped(tmp_path, capsys):
    """A scenario whose name is not UTF-8 runs, and summary.json holds its name escaped."""
    raw = os.fsencode(tmp_path) + b"/s\xff.yaml"
    with open(raw, "w", encoding="utf-8") as stream:
        stream.write(SMALL)
    out = tmp_path / "out"
    assert main(["run", os.fsdecode(raw), "--out", str(out), "--no-figures"]) == 0
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["file"] == "s\\xff.yaml"


def test_a_long_base_60_number_is_read_as_text_at_once(tmp_path):
    """`seed: 1:0:0:...` of 900,000 parts (1.8 MB), once 69 s in PyYAML, is refused in seconds."""
    path = tmp_path / "s.yaml"
    path.write_text(SMALL.replace("seed: 7", "seed: 1" + ":0" * 900_000), encoding="utf-8")
    started = time.perf_counter()
    assert problems(path) == [f"{path}:4: seed: must be a whole number (got "
                              f"'{'1:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:'}…)"]
    assert time.perf_counter() - started < 10


def test_a_number_of_the_most_characters_is_still_read():
    """A number of MAX_NUMBER_CHARS characters is read as a number; one more is text."""
    digits = "1" + "0" * (MAX_NUMBER_CHARS - 1)
    assert load_text(f"v: {digits}\n", "f.yaml").data["v"] == 10 ** (MAX_NUMBER_CHARS - 1)
    assert load_text(f"v: {digits}0\n", "f.yaml").data["v"] == digits + "0"


def test_nesting_up_to_the_limit_loads():
    """Lists nested exactly MAX_DEPTH deep are read; one more level is refused."""
    assert load_text("[" * MAX_DEPTH + "]" * MAX_DEPTH, "f.yaml").data is not None
    with pytest.raises(ScenarioError) as info:
        load_text("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "f.yaml")
    assert info.value.problems == [f"f.yaml:1: lists and mappings nested more than "
                                   f"{MAX_DEPTH} deep (a scenario needs 6)"]


def test_values_up_to_the_limit_load():
    """A list of MAX_VALUES - 1 items (the list is a value too) is read; one more is refused."""
    assert len(load_text("[" + "0," * (MAX_VALUES - 1) + "]", "f.yaml").data) == MAX_VALUES - 1
    with pytest.raises(ScenarioError) as info:
        load_text("[" + "0," * MAX_VALUES + "]", "f.yaml")
    assert info.value.problems == [f"f.yaml:1: more than {MAX_VALUES:,} values (a scenario "
                                   "needs a few thousand)"]


def test_aliases_count_as_the_values_they_expand_to():
    """Aliases are counted as what they stand for: ten aliases of a 10,000-item list
    are over MAX_VALUES although the text is short.
    """
    text = "a: &a [" + "0," * 10_000 + "]\nb: [" + "*a, " * 10 + "]\n"
    with pytest.raises(ScenarioError) as info:
        load_text(text, "f.yaml")
    assert info.value.problems == [f"f.yaml:2: aliases expand to more than {MAX_VALUES:,} "
                                   "values (a scenario needs a few thousand); write the values "
                                   "out, or use fewer aliases"]


def test_merge_keys_still_share_settings():
    """A `<<: *anchor` merge still works under the limits, and `<<` as a value is text."""
    data = load_text("a: &a {x: 1}\nb: {<<: *a, y: 2}\nc: <<\nd: =\n", "f.yaml").data
    assert data == {"a": {"x": 1}, "b": {"x": 1, "y": 2}, "c": "<<", "d": "="}


def test_an_alias_of_a_merged_mapping_has_no_duplicate_keys():
    """A mapping that merges another and overrides a key can be aliased: the override is
    not taken for a key written twice.
    """
    data = load_text("b: &b {x: 1}\na: &a {<<: *b, x: 2}\nc: *a\n", "f.yaml").data
    assert data["c"] == data["a"] == {"x": 2}


@pytest.mark.parametrize("text, value", [("!!str 2020", "2020"), ("!!int '12'", 12),
                                         ("!!float 1", 1.0), ("!!bool true", True),
                                         ("!!null ~", None),
                                         ("!!timestamp 2020-01-02", "2020-01-02")])
def test_core_tags_that_fit_their_value_are_read(text, value):
    """An explicit core tag whose value it can read gives that value."""
    data = load_text(f"v: {text}\n", "f.yaml").data["v"]
    assert (str(data) if text.startswith("!!timestamp") else data) == value


def test_a_lone_surrogate_in_a_base_names_the_base(tmp_path):
    """A lone surrogate in a base file is reported in the base, at its line."""
    base = tmp_path / "base.yaml"
    base.write_text(SMALL.replace("source: test}", 'source: "\\udfff"}', 1), encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n", encoding="utf-8")
    assert problems(child) == [f"{base}:18: moves[0].source: '\\udfff' holds a lone surrogate, "
                               "which is not a character; write the character itself"]


def test_shown_cuts_long_values_and_describes_containers():
    """`shown` reprs a value in at most 60 characters; a long list or mapping is described."""
    assert shown("x" * 100) == "'" + "x" * 58 + "…"
    assert shown(list(range(100))) == "a list of 100 items"
    assert shown({f"k{i}": i for i in range(30)}) == "a mapping of 30 keys: 'k0', 'k1', 'k2'"
    assert shown([dt.date(2021, 5, 1)]) == "[2021-05-01]"
    assert shown(16 ** 5000) == "a number of about 6,021 digits"
    assert clip("abc") == "abc"


def test_a_problem_line_is_capped():
    """However long the text, a problem is one line of at most MAX_MESSAGE characters."""
    error = ScenarioError([f"f.yaml:1: {'x' * 10_000}\n{'y' * 10}"])
    assert len(error.problems) == 1 and len(error.problems[0]) == MAX_MESSAGE
    assert error.problems[0].endswith("…")


def test_a_lone_surrogate_in_a_message_is_escaped():
    """A lone surrogate in a message is shown as its escape, so it can be printed."""
    assert one_line("a\ud800b") == "a\\ud800b"


def test_a_capped_problem_fits_the_printed_line_after_either_prefix():
    """A problem cut at the cap is at most MAX_LINE long printed after `warning: `."""
    error = ScenarioError([f"f.yaml:1: {'x' * 10_000}"])
    assert len(f"warning: {error.problems[0]}") == MAX_LINE


def test_control_characters_in_a_message_are_escaped():
    """ESC, BEL, DEL and C1 controls in a message are shown as their escapes."""
    assert one_line("a\x1b[2J\x1b]0;pwn\x07b\x7f\x9b") == "a\\x1b[2J\\x1b]0;pwn\\x07b\\x7f\\x9b"


def test_format_characters_in_a_message_are_escaped():
    """Bidi overrides and zero-width characters in a message are shown as their escapes."""
    assert one_line("\u202eab\u200b\u200d\u2066\ufeff") == (
        "\\u202eab\\u200b\\u200d\\u2066\\ufeff")


def test_printable_text_in_a_message_is_kept():
    """Letters of any script, accents and emoji are printed as they are."""
    assert one_line("café Москва 北京 🇺🇸") == "café Москва 北京 🇺🇸"


def test_clip_escapes_control_characters_within_its_limit():
    """`clip` escapes control characters and still stays within its limit."""
    assert clip("\x1b[2J") == "\\x1b[2J"
    assert len(clip("\x1b" * 100)) == 60


def test_shown_escapes_format_characters_of_any_value():
    """`shown` escapes format characters, in a mapping's keys too."""
    assert shown({"\u202ek": 1}) == "{'\\u202ek': 1}"
