"""The README's examples are what the program really does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def shown_session(command: str) -> list[str]:
    """The output lines the README shows under ``$ command``."""
    block = re.search(rf"```text\n\$ {re.escape(command)}\n(.*?)```", README, re.S)
    assert block, f"README has no session for {command!r}"
    return block.group(1).splitlines()


def test_bad_input_example_is_real(capsys, monkeypatch):
    """The README's bad-input session is the exact output of that command."""
    monkeypatch.chdir(ROOT)
    code = main(["run", "docs/examples/bad-scenario.yaml"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.splitlines() == shown_session("parity run docs/examples/bad-scenario.yaml")


def test_quick_start_has_exactly_two_commands():
    """The Quick start is two commands: run the replay, run the tests."""
    section = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.search(r"```sh\n(.*?)```", section, re.S).group(1).strip().splitlines()
    assert commands == [
        "pip install -e . && parity run scenarios/record-2016-2025.yaml",
        "pip install -e '.[test]' && python -m pytest",
    ]


@pytest.mark.parametrize("image", re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README))
def test_readme_images_exist(image):
    """Every image the README shows is in the repository."""
    assert (ROOT / image).is_file()


def test_run_example_is_what_the_replay_prints(tmp_path, capsys, monkeypatch):
    """The README's replay session matches a fresh run, but for the seconds it took."""
    monkeypatch.chdir(ROOT)
    assert main(["run", "scenarios/record-2016-2025.yaml", "--out", str(tmp_path / "r"),
                 "--no-figures"]) == 0
    printed = capsys.readouterr().out.splitlines()
    shown = shown_session("parity run scenarios/record-2016-2025.yaml")
    def timeless(lines: list[str]) -> list[str]:
        return [re.sub(r"in [0-9.]+ s$", "in _ s", line) for line in lines[:3]]
    assert timeless(printed) == timeless(shown)
