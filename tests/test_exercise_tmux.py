"""`parity exercise` played at a real terminal: tmux runs it, keys are typed into it, and
what it shows is read back from the pane.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed: the terminal test needs it")


class Pane:
    """A detached tmux session on its own server socket, so nothing else is touched."""

    def __init__(self, socket: str, command: str, cwd: Path):
        self.base = ["tmux", "-L", socket]
        self.tmux("new-session", "-d", "-s", "exercise", "-x", "160", "-y", "50", "-c",
                  str(cwd), command)

    def tmux(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], capture_output=True, text=True, check=True,
                              timeout=30).stdout

    def text(self) -> str:
        """Everything shown so far, scrollback included, lines joined where they wrapped."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "exercise")

    def type(self, keys: str) -> None:
        self.tmux("send-keys", "-t", "exercise", "-l", keys)
        self.tmux("send-keys", "-t", "exercise", "Enter")

    def wait_for(self, text: str, count: int = 1, timeout: float = 120) -> str:
        """Wait until ``text`` has been shown ``count`` times; return the pane."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.text()
            if shown.count(text) >= count:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not shown {count} times within {timeout} s:\n"
                             f"{self.text()[-3000:]}")

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=30)


def test_an_exercise_played_through_tmux(tmp_path):
    """Start the exercise in tmux, play three turns with keys (a move, a mistyped move asked
    again, no move, two moves), quit, and find what was played in the files written.
    """
    out = tmp_path / "out"
    done = tmp_path / "status"
    command = " ".join(shlex.quote(str(a)) for a in (
        sys.executable, "-m", "sim", "exercise", RECORD, "--play", "US", "--from",
        "2021-01-01", "--out", out, "--no-figures"))
    pane = Pane(f"parity-test-{os.getpid()}", f"{command}; echo $? > {done}; sleep 30",
                tmp_path)
    try:
        pane.wait_for("US 2021-04-15> ")
        pane.type("expel 30")
        pane.wait_for("US 2021-04-22> ")
        pane.type("expell 3")
        shown = pane.wait_for("US 2021-04-22> ", count=2)
        assert "error: unknown move 'expell'" in shown
        pane.type("")
        pane.wait_for("US 2021-05-12> ")
        pane.type("close houston; lift us-visa-2020")
        pane.wait_for("US 2021-05-15> ")
        pane.type("q")
        shown = pane.wait_for("Replay it with:")
        deadline = time.monotonic() + 30
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        pane.close()
    assert done.read_text().strip() == "0"
    assert "What was done in the base scenario at this point:" in shown
    assert "3 of 22 turns played" in shown
    data = yaml.safe_load((out / "exercise.yaml").read_text(encoding="utf-8"))
    assert [(str(m["date"]), m["move"]) for m in data["moves"]] == [
        ("2021-04-15", "expel"), ("2021-05-12", "close_post"), ("2021-05-12", "lift")]
    assert (out / "events.csv").is_file() and (out / "base" / "events.csv").is_file()
