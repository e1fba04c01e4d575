"""The scenario file a run was made from: where it is, and what it says about itself.

A run's ``summary.json`` keeps only the file's name and the SHA-256 of the bytes
read (the file and those it extends), so that the run's output is the same
wherever it was made. The report looks for a file of that name beside the run,
in the folders above it, in the current directory and in any folder the user
names, each also in its ``scenarios/`` and ``docs/examples/`` folders, and uses
it only if its hash is the run's: a file edited since the run says nothing
about it. What is not found is said plainly.

A scenario file opens with a comment whose first paragraph states the question
it answers (``# Question: what if ...``); its other paragraphs say how the file
is set up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import ParityUserError
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario

#: Folders, under each place looked in, where scenario files are kept.
SUBFOLDERS = (".", "scenarios", "docs/examples")
#: Longest opening comment read, in lines: a file's header, not the whole file.
MAX_HEADER_LINES = 200


@dataclass(frozen=True)
class ScenarioFile:
    """A run's scenario file: found and unchanged (``scenario`` set), or why not."""

    name: str
    sha256: str
    path: Path | None = None
    scenario: Scenario | None = None
    #: What went wrong in plain words ("" when the file was found unchanged).
    note: str = ""
    question: str = ""
    #: The opening comment's other paragraphs: how the file sets the question up.
    setup: list[str] = field(default_factory=list)


def opening_comment(text: str) -> list[str]:
    """The paragraphs of the comment a file opens with, each on one line."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines()[:MAX_HEADER_LINES]:
        if not line.startswith("#"):
            break
        words = line[1:].strip()
        if words:
            paragraphs[-1].append(words)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [" ".join(p) for p in paragraphs if p]


def question_of(paragraphs: Sequence[str]) -> str:
    """The question: the first paragraph, without its ``Question:`` label."""
    if not paragraphs:
        return ""
    text = re.sub(r"^question:\s*", "", paragraphs[0], flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


def _places(run_dir: Path, search: Sequence[Path]) -> Iterator[Path]:
    """Folders to look in, nearest first, each once."""
    seen: set[Path] = set()
    roots = [*search, run_dir, *Path(run_dir).resolve().parents, Path.cwd()]
    for root in roots:
        for sub in SUBFOLDERS:
            place = (Path(root) / sub).resolve()
            if place not in seen:
                seen.add(place)
                yield place


def find_scenario(summary: dict[str, Any], run_dir: Path,
                  search: Sequence[Path] = ()) -> ScenarioFile:
    """The run's scenario file, checked against the hash the run recorded."""
    name = Path(str(summary.get("file") or "")).name  # a name, never a path to follow
    sha256 = str(summary.get("sha256") or "")
    if not name:
        return ScenarioFile(name, sha256, note="The run was not made from a scenario file "
                            "(its summary names none), so no question or settings can be "
                            "shown.")
    changed: Path | None = None
    for place in _places(run_dir, search):
        candidate = place / name
        if not candidate.is_file():
            continue
        scenario = _loaded(candidate)
        if scenario is not None and scenario.sha256 == sha256:
            paragraphs = opening_comment(candidate.read_text(encoding="utf-8",
                                                             errors="replace"))
            return ScenarioFile(name, sha256, candidate, scenario,
                                question=question_of(paragraphs), setup=paragraphs[1:])
        changed = changed or candidate
    if changed is not None:
        return ScenarioFile(name, sha256, changed, note=(
            f"The scenario file {name} was found at {changed}, but it (or a file it extends) "
            "has changed since the run: its SHA-256 is not the run's, so its question and "
            "settings are not shown."))
    return ScenarioFile(name, sha256, note=(
        f"The scenario file {name} was not found (looked in the run's folder and the folders "
        "above it, in the current folder, and in their scenarios/ and docs/examples/ "
        "folders), so its question and settings cannot be shown. Name the folder holding "
        "it with --scenarios DIR."))


def _loaded(path: Path) -> Scenario | None:
    """The scenario in ``path``, or None if it does not load (then it is not the run's)."""
    try:
        return load_scenario(path)
    except (ParityUserError, OSError, UnicodeDecodeError):
        return None
