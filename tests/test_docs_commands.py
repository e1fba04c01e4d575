"""The commands the tutorial and how-to pages show run as written.

Every fenced ``sh`` block of ``docs/tutorial.md`` and ``docs/how-to/*.md`` is
read in order; each of its lines that starts with ``parity `` is run through
``sim.cli.main`` in a temporary copy of ``scenarios/`` and ``docs/examples/``
(so ``results/`` is written under the test's own directory). A command must
exit 0, or the status named by an ``<!-- expect: N -->`` comment on the line
before its block (for the errors ``read-errors.md`` shows). Lines with a
placeholder (an upper-case word such as ``FILE``, or ``<...>``) are skipped.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [DOCS / "tutorial.md", *sorted((DOCS / "how-to").glob("*.md"))]

FENCE = re.compile(r"^```(\S*)\s*$")
EXPECT = re.compile(r"^<!--\s*expect:\s*(\d+)\s*-->$")
#: Shell syntax ``sim.cli.main`` cannot run: a docs command must be one plain command.
SHELL = re.compile(r"[|&;<>`$]")


@dataclass(frozen=True)
class Command:
    """One ``parity`` command of a page, with the exit status it must give."""

    line: int
    text: str
    expect: int


#: Upper-case words that are values, not placeholders: the shipped scenarios' sides.
SIDES = {"US", "RU"}


def is_placeholder(token: str) -> bool:
    """A word the reader replaces: ``FILE``, ``DIR``, ``N`` or ``<...>`` (not a side)."""
    upper = bool(re.fullmatch(r"[A-Z][A-Z_]*", token)) and token not in SIDES
    return upper or "<" in token or "..." in token


def commands(page: Path) -> list[Command]:
    """The runnable ``parity`` commands of a page, in order."""
    found: list[Command] = []
    expect, block, previous = 0, None, ""
    for number, raw in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        fence = FENCE.match(line)
        if block is None and fence:
            block = fence.group(1)
            marker = EXPECT.match(previous)
            expect = int(marker.group(1)) if marker else 0
        elif block is not None and line == "```":
            block = None
        elif block == "sh" and line.startswith("parity "):
            if any(is_placeholder(token) for token in line.split()):
                continue
            assert not SHELL.search(line), f"{page.name}:{number}: not one plain command: {line}"
            found.append(Command(number, line, expect))
        if line:
            previous = line
    return found


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory laid out like the repository root, with its scenarios and examples."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(DOCS / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(command: Command) -> int:
    """Run one command as ``parity`` would; return its exit status."""
    try:
        return main(shlex.split(command.text)[1:])
    except SystemExit as exc:  # argparse rejects a bad command line by exiting
        return int(exc.code or 0)


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_commands_run(page: Path, workspace: Path, capsys: pytest.CaptureFixture[str]):
    """Each page's commands run in order and exit as the page says they do."""
    for command in commands(page):
        status = run(command)
        out, err = capsys.readouterr()
        assert status == command.expect, (
            f"{page.name}:{command.line}: `{command.text}` exited {status}, "
            f"expected {command.expect}\n{out}{err}"
        )


def test_every_page_has_commands():
    """The tutorial and every how-to page show at least one command to run, or Python
    that ``tests/test_docs_python.py`` runs.
    """
    assert len(PAGES) > 1
    runnable = [page for page in PAGES if commands(page) or "```python" in page.read_text()]
    assert runnable == PAGES, [p.name for p in PAGES if p not in runnable]


def test_tutorial_draws_figures():
    """At least one tutorial command writes figures (no ``--no-figures``)."""
    runs = [c.text for c in commands(DOCS / "tutorial.md") if c.text.startswith("parity run ")]
    assert any("--no-figures" not in text for text in runs)


def test_expect_markers_precede_sh_blocks():
    """Every ``<!-- expect: N -->`` comment sits right before an ``sh`` block."""
    for page in PAGES:
        lines = [line.strip() for line in page.read_text(encoding="utf-8").splitlines()]
        for i, line in enumerate(lines):
            if EXPECT.match(line):
                following = next((x for x in lines[i + 1 :] if x), "")
                assert following == "```sh", f"{page.name}:{i + 1}: marker not before an sh block"
