"""The Python the how-to pages show runs as written.

Every fenced ``python`` block of ``docs/how-to/*.md`` is run, page by page, in one
namespace per page (later blocks use what earlier ones defined), in a temporary copy of
``scenarios/`` and ``docs/examples/``, so what a page writes goes under the test's own
directory. The blocks' own ``assert`` lines check the numbers the page shows.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs" / "how-to").glob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)], ids=lambda p: p.name)
def test_page_python_runs(page, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for number, code in enumerate(blocks(page), start=1):
        exec(compile(code, f"{page.name} block {number}", "exec"), namespace)


def test_the_python_page_has_blocks():
    """The page on using Parity from Python is among those run."""
    assert len(blocks(ROOT / "docs" / "how-to" / "use-from-python.md")) >= 5
