"""docs/scenarios.md is what fresh runs of the shipped scenarios give.

The page is written by ``docs/generate_scenarios.py``; these tests run it again (every
scenario once, in memory, a few seconds) and compare.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "scenarios.md"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _generator() -> ModuleType:
    """``docs/generate_scenarios.py``, imported from its file (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("generate_scenarios",
                                                  ROOT / "docs" / "generate_scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


generate = _generator()


@pytest.fixture(scope="module")
def fresh() -> str:
    return generate.page(ROOT / "scenarios")


def test_page_matches_fresh_runs(fresh: str):
    """The committed page is byte for byte what the scenarios and the model give now."""
    assert PAGE.read_text(encoding="utf-8") == fresh, (
        "docs/scenarios.md has drifted from the runs; regenerate it with: "
        f"{generate.COMMAND}")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenario_has_its_question_and_section(fresh: str, path: Path):
    """Each shipped file has a section that links it and states its question."""
    question = generate.question(path)
    assert len(question.split()) >= 8, f"{path.name}: no question in its first comment"
    assert f"(../scenarios/{path.name}): {question}" in fresh


def test_question_is_the_first_comment_paragraph(tmp_path: Path):
    """The question is the leading comment's first paragraph, without 'Question:'."""
    path = tmp_path / "whatif.yaml"
    path.write_text("# Question: what if the ceiling\n# were lifted?\n#\n# Details.\n"
                    "name: x\n", encoding="utf-8")
    assert generate.question(path) == "what if the ceiling were lifted?"


def test_what_ifs_show_their_difference_from_the_base(fresh: str):
    """A what-if's section names its base and its differences; the base's does not."""
    sections = {s.split("\n", 1)[0]: s for s in fresh.split('<a id="')[1:]}
    for path in SCENARIOS:
        text = sections[f'{path.stem}"></a>']
        extends = "extends:" in path.read_text(encoding="utf-8")
        assert ("vs base" in text) == extends, path.name
        assert ("departs from it on" in text) == extends, path.name


@pytest.mark.parametrize("index", [ROOT / "docs" / "index.md", ROOT / "README.md"],
                         ids=lambda p: p.name)
def test_page_is_linked(index: Path):
    """Readers find the page from the documentation's index and the README."""
    assert "scenarios.md" in index.read_text(encoding="utf-8")
