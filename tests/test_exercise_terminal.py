"""`parity exercise` at the terminal: piped or prepared input, bad lines asked again, the
command line's mistakes, Ctrl-C.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"
#: The record's first three US moving days from 2021: the decision points played below.
TURNS = ("2021-04-15", "2021-04-22", "2021-05-12")


def exercise(tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[str],
             *options: str) -> tuple[int, str, str, Path]:
    """Run `parity exercise` on the record from 2021 with ``lines`` as its input file."""
    script = tmp_path / "moves.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["exercise", str(RECORD), "--play", "US", "--from", "2021-01-01", "--out",
                 str(out), "--input", str(script), "--no-figures", *options])
    stdout, stderr = capsys.readouterr()
    return code, stdout, stderr, out


def moves_written(out: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load((out / "exercise.yaml").read_text(encoding="utf-8"))
    return [(str(m["date"]), m["move"]) for m in data["moves"]]


def test_a_prepared_script_plays_several_turns(tmp_path, capsys):
    """Three turns from a file: a move, no move (empty line), two moves; then q."""
    code, stdout, _, out = exercise(tmp_path, capsys, [
        "# turn 1", "expel 30", "", "close houston; lift us-visa-2020", "q"])
    assert code == 0
    assert moves_written(out) == [(TURNS[0], "expel"), (TURNS[2], "close_post"),
                                  (TURNS[2], "lift")]
    assert "No move." in stdout
    assert "3 of 22 turns played" in stdout


def test_a_bad_line_is_explained_and_asked_again(tmp_path, capsys):
    """An unknown move and a post that does not exist: one error line each, the same turn
    asked again, and the good line after them played on that turn.
    """
    code, stdout, _, out = exercise(tmp_path, capsys, [
        "expell 30", "close nowhere", 'statement "unclosed', "expel 30", "q"])
    assert code == 0
    errors = [line for line in stdout.splitlines() if line.startswith("error:")]
    assert len(errors) == 3
    assert "did you mean 'expel'" in errors[0] and "no post 'nowhere'" in errors[1]
    assert stdout.count(f"US {TURNS[0]}> ") == 4
    assert moves_written(out) == [(TURNS[0], "expel")]


def test_the_turn_shows_the_record_with_its_source_after_the_move(tmp_path, capsys):
    """After the turn: what the US did in the record that day, with its source, and the
    path so far beside the base run's.
    """
    _, stdout, _, _ = exercise(tmp_path, capsys, ["expel 30", "q"])
    after = stdout.split("--- Turn 1")[1]
    assert "Expulsion of 10 staff" in after and "(source: https://" in after
    assert "The path so far, on 2021-04-22 [base]:" in after


def test_the_end_of_the_input_ends_the_exercise_as_q_does(tmp_path, capsys):
    """A script without q: at its end the exercise ends and everything is written."""
    code, stdout, _, out = exercise(tmp_path, capsys, ["expel 30"])
    assert code == 0
    assert "End of input" in stdout
    assert moves_written(out) == [(TURNS[0], "expel")]
    assert (out / "timeseries.csv").is_file() and (out / "brief.md").is_file()


@pytest.mark.parametrize(("option", "message"), [
    (["--turns", "often"], "--turns often: must be `record` or a number of days"),
    (["--turns", "0"], "--turns 0: must be `record` or a number of days from 1"),
    (["--play", "FR"], "--play FR: not a side"),
    (["--from", "2021-13-01"], "--from 2021-13-01: not a date"),
    (["--from", "2030-01-01"], "--from 2030-01-01: outside the scenario"),
])
def test_command_line_mistakes_are_one_line(tmp_path, capsys, option, message):
    """Bad options: one `error:` line, exit 2, nothing written."""
    code, _, stderr, out = exercise(tmp_path, capsys, ["q"], *option)
    assert code == 2
    assert stderr.splitlines() == [line for line in stderr.splitlines()
                                   if line.startswith("error:")]
    assert message in stderr and len(stderr.splitlines()) == 1
    assert not out.exists()


def test_help_teaches_the_syntax(capsys):
    """`parity exercise --help` shows how a move is typed."""
    with pytest.raises(SystemExit):
        main(["exercise", "--help"])
    text = capsys.readouterr().out
    assert "expel count=30 notice_days=7" in text and "an empty line" in text


def _command(out: Path) -> list[str]:
    return [sys.executable, "-m", "sim", "exercise", str(RECORD), "--play", "US", "--from",
            "2021-01-01", "--out", str(out), "--no-figures"]


def test_input_piped_from_a_file_plays_to_the_end(tmp_path):
    """`parity exercise ... < moves.txt`: the moves read from the pipe, written at its end."""
    out = tmp_path / "out"
    done = subprocess.run(_command(out), input="expel 30\n\n", capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "End of input" in done.stdout
    assert moves_written(out) == [(TURNS[0], "expel")]


def test_ctrl_c_at_the_prompt_exits_130_and_writes_nothing(tmp_path):
    """Ctrl-C while the exercise waits for a move: status 130, one line, no output."""
    out = tmp_path / "out"
    proc = subprocess.Popen(_command(out), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        seen, deadline = b"", time.monotonic() + 120
        while f"US {TURNS[0]}> ".encode() not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                seen += os.read(proc.stdout.fileno(), 65536)
        assert f"US {TURNS[0]}> ".encode() in seen
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert stderr.decode().strip() == "interrupted; nothing was written"
    assert not out.exists()
