"""The scenario format reference is generated from the code and kept in step with it."""

from __future__ import annotations

from pathlib import Path

from sim.moves import BY_NAME as MOVES
from sim.policies import BY_NAME as POLICIES
from sim.reference import scenario_format

DOC = Path(__file__).resolve().parent.parent / "docs" / "scenario-format.md"


def test_reference_matches_the_code():
    """docs/scenario-format.md is what `python -m sim.reference` writes now."""
    assert DOC.read_text() == scenario_format(), (
        "regenerate with: python -m sim.reference > docs/scenario-format.md")


def test_reference_documents_every_move_and_policy():
    """Every move and every policy has its own section, with its summary."""
    text = scenario_format()
    for name, cls in {**MOVES, **POLICIES}.items():
        assert f"### `{name}`" in text
        assert cls.summary and cls.__doc__
