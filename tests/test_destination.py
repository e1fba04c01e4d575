"""Where output goes: only Parity's own directories are replaced, and never half-way."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim import destination
from sim.cli import main
from sim.destination import MANIFEST, leftovers

SMALL = Path(__file__).parent / "data" / "small.yaml"
#: Kills per test in the ordinary suite; the long profile (`-m slow`) makes 50.
KILLS = 8


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_force_refuses_a_directory_holding_other_files(tmp_path, capsys):
    """--force does not replace a directory Parity did not write; nothing in it is deleted."""
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "thesis.txt").write_text("four years of work")
    code, _, err = run(capsys, "run", SMALL, "--out", folder, "--force", "--no-figures")
    assert code == 2
    assert err == (f"error: {folder}: not replaced: it holds files Parity did not write or "
                   "that were changed since (thesis.txt); --force replaces only Parity's own "
                   "output, so choose another --out\n")
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]


def test_force_refuses_the_folder_holding_the_scenario(tmp_path, capsys):
    """--out pointed at the scenario's own folder with --force keeps every file in it."""
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text(SMALL.read_text())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, _, err = run(capsys, "run", tmp_path / "a.yaml", "--out", tmp_path, "--force")
    assert code == 2 and "(a.yaml, b.yaml, c.yaml)" in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_force_refuses_the_current_directory(tmp_path, capsys, monkeypatch):
    """`--out . --force` is refused: the working directory is not Parity's output."""
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "run", SMALL, "--out", ".", "--force", "--no-figures")
    assert code == 2 and err.startswith("error: .: not replaced: it holds files Parity did "
                                        "not write or that were changed since (notes.txt)")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_force_refuses_parity_output_with_a_file_added(tmp_path, capsys):
    """A results directory to which someone added a file is no longer Parity's alone."""
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out, "--no-figures")
    (out / "my-notes.md").write_text("keep")
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--force", "--no-figures")
    assert code == 2 and "(my-notes.md)" in err
    assert (out / "my-notes.md").read_text() == "keep"


def test_force_refuses_a_symbolic_link(tmp_path, capsys):
    """A destination that is a symbolic link is refused, and what it points to is kept."""
    target = tmp_path / "elsewhere"
    run(capsys, "run", SMALL, "--out", target, "--no-figures")
    link = tmp_path / "link"
    link.symlink_to(target)
    code, _, err = run(capsys, "run", SMALL, "--out", link, "--force", "--no-figures")
    assert code == 2 and err == (f"error: {link}: is a symbolic link; Parity writes only to a "
                                 "directory of its own (choose another --out)\n")
    assert link.is_symlink() and (target / "summary.json").is_file()


def test_force_replaces_output_written_before_manifests(tmp_path, capsys):
    """A results directory without a manifest is recognised by its exact file names."""
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out, "--no-figures")
    (out / MANIFEST).unlink()
    assert run(capsys, "run", SMALL, "--out", out, "--force", "--no-figures")[0] == 0
    assert (out / MANIFEST).is_file()


def test_force_refuses_old_output_holding_a_users_figure(tmp_path, capsys):
    """A user's own picture in an old results directory's figures/ makes it not Parity's."""
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out, "--no-figures")
    (out / MANIFEST).unlink()
    (out / "figures").mkdir()
    (out / "figures" / "thesis-figure-3.png").write_bytes(b"mine")
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--force", "--no-figures")
    assert code == 2 and "(figures/thesis-figure-3.png)" in err
    assert (out / "figures" / "thesis-figure-3.png").read_bytes() == b"mine"


def test_force_refuses_output_a_user_has_edited(tmp_path, capsys):
    """A figure changed since Parity wrote it is the user's now: --force refuses."""
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out)
    (out / "figures" / "staff.png").write_bytes(b"polished for the minister")
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--force")
    assert code == 2 and "(figures/staff.png)" in err


def test_a_manifest_not_written_by_parity_is_not_trusted(tmp_path, capsys):
    """A hand-made list of files does not make a folder Parity's."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "thesis.txt").write_text("mine")
    (folder / MANIFEST).write_text('{"files": ["thesis.txt"]}')
    code, _, _ = run(capsys, "run", SMALL, "--out", folder, "--force", "--no-figures")
    assert code == 2 and (folder / "thesis.txt").read_text() == "mine"


def test_compare_refuses_to_write_over_its_inputs(tmp_path, capsys):
    """`compare A B --out A --force` would replace A while reading it: refused."""
    a, b = tmp_path / "a", tmp_path / "b"
    run(capsys, "run", SMALL, "--out", a, "--no-figures", "--seed", "1")
    run(capsys, "run", SMALL, "--out", b, "--no-figures", "--seed", "2")
    code, _, err = run(capsys, "compare", a, b, "--out", a, "--force")
    assert code == 2 and err == f"error: --out {a}: overlaps the input {a}; write the " \
                                "comparison elsewhere\n"
    assert (a / "summary.json").is_file()


def test_a_long_output_name_leaves_room_for_staging(tmp_path, capsys):
    """An --out name of 250 bytes, which the file system takes, can be written."""
    out = tmp_path / ("x" * 250)
    assert run(capsys, "run", SMALL, "--out", out, "--no-figures")[0] == 0
    assert (out / "summary.json").is_file()


def test_manifest_lists_every_file_written(tmp_path, capsys):
    """The manifest lists exactly the files of the output directory, figures included."""
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out)
    listed = json.loads((out / MANIFEST).read_text())["files"]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.is_file() and p.name != MANIFEST)
    assert sorted(listed) == on_disk and "figures/staff.png" in listed and len(listed) == 14
    assert listed["timing.json"] is None and len(listed["summary.json"]) == 64


def test_compare_output_can_be_replaced_with_force(tmp_path, capsys):
    """A comparison Parity wrote, runs included, is replaced with --force."""
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "cmp"
    run(capsys, "run", SMALL, "--out", a, "--no-figures", "--seed", "1")
    run(capsys, "run", SMALL, "--out", b, "--no-figures", "--seed", "2")
    assert run(capsys, "compare", a, SMALL, "--out", out)[0] == 0
    assert run(capsys, "compare", a, b, "--out", out, "--force")[0] == 0
    assert not (out / "runs").exists() and (out / "differences.csv").is_file()


# --- OS errors on the output path -----------------------------------------------------------

def test_a_parent_that_is_a_file_is_one_line(tmp_path, capsys):
    """An --out under a file is one error line naming the path."""
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "out"
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--no-figures")
    assert code == 2 and err == (f"error: {out}: cannot write the output there: a part of the path "
                                 "is a file, not a directory\n")


def test_a_name_too_long_is_one_line(tmp_path, capsys):
    """An --out whose name is over the file system's limit is one error line."""
    out = tmp_path / ("x" * 300)
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--no-figures")
    assert code == 2 and err == (f"error: {out}: cannot write the output there: a name in the "
                                 "path is too long\n")


def test_a_place_that_takes_no_directories_is_one_line(tmp_path, capsys):
    """`--out /proc/x` is one error line, not a traceback."""
    code, _, err = run(capsys, "run", SMALL, "--out", "/proc/x", "--no-figures")
    assert code == 2 and err.startswith("error: /proc/x: cannot write the output there: ")
    assert len(err.splitlines()) == 1


def test_a_read_only_file_system_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    """A read-only file system is reported, and the folders made for the output are removed."""
    real_mkdir = os.mkdir

    def mkdir(path, mode=0o777, **kw):
        if "-new-" in os.fspath(path) and ".parity-" in os.fspath(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_mkdir(path, mode, **kw)

    monkeypatch.setattr(os, "mkdir", mkdir)
    out = tmp_path / "new" / "deeper" / "out"
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--no-figures")
    assert code == 2 and err == (f"error: {out}: cannot write the output there: the file "
                                 "system is read-only\n")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_one_line_and_keeps_the_old_output(tmp_path, capsys, monkeypatch):
    """A full disk while writing leaves the old results in place and no staging behind."""
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out, "--no-figures")
    before = (out / "timeseries.csv").read_bytes()

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", full)
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--no-figures", "--force",
                       "--seed", "3")
    assert code == 2 and err == (f"error: {out}: cannot write the output there: no space "
                                 "left on the device\n")
    assert (out / "timeseries.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_compare_with_bad_input_creates_no_folders(tmp_path, capsys):
    """A comparison refused for its inputs makes none of the folders of --out."""
    out = tmp_path / "new" / "cmp"
    code, _, err = run(capsys, "compare", SMALL, tmp_path / "missing", "--out", out)
    assert code == 2 and "no such results directory" in err
    assert list(tmp_path.iterdir()) == []


def test_negative_threshold_is_refused(tmp_path, capsys):
    """--threshold must be a staff level, not a negative number."""
    code, _, err = run(capsys, "compare", SMALL, SMALL, "--threshold", "-5",
                       "--out", tmp_path / "c")
    assert code == 2 and err == ("error: --threshold -5.0: must be a staff level, a number "
                                 ">= 0\n")


# --- one writer at a time, and what a killed writer leaves ----------------------------------

def test_a_second_writer_is_refused_while_the_first_holds_the_place(tmp_path, capsys):
    """While another command writes to a place, a second one fails at once and says why."""
    out = tmp_path / "out"
    lock = os.open(destination.lock_path(out), os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        code, _, err = run(capsys, "run", SMALL, "--out", out, "--no-figures")
    finally:
        os.close(lock)
    assert code == 2 and err == (f"error: {out}: another parity command is writing there now; "
                                 "wait for it to finish or choose another --out\n")
    assert not out.exists()


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path, capsys):
    """Staging folders and a lock file left by a kill go with the next run to that place."""
    ours, other = destination.prefix(tmp_path / "out"), destination.prefix(tmp_path / "other")
    (tmp_path / f"{ours}new-abc123").mkdir()
    (tmp_path / f"{ours}new-abc123" / "timeseries.csv").write_text("partial")
    (tmp_path / f"{ours}lock").write_text("")
    (tmp_path / f"{other}new-x").mkdir()  # another destination's: not ours to touch
    assert run(capsys, "run", SMALL, "--out", tmp_path / "out", "--no-figures")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{other}new-x", "out"]


def test_old_output_stranded_mid_swap_is_put_back(tmp_path, capsys):
    """Where the swap takes two renames, old results a kill left aside are put back."""
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out, "--no-figures", "--seed", "1")
    before = (out / "timeseries.csv").read_bytes()
    out.rename(tmp_path / f"{destination.prefix(out)}old-xyz")  # killed between two renames
    code, _, err = run(capsys, "run", SMALL, "--out", out, "--no-figures", "--seed", "2")
    assert code == 2 and "already exists" in err
    assert (out / "timeseries.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_two_renames_swap_when_exchange_is_unavailable(tmp_path, capsys, monkeypatch):
    """Without an atomic exchange the swap still replaces the output and leaves nothing."""
    monkeypatch.setattr(destination, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    run(capsys, "run", SMALL, "--out", out, "--no-figures", "--seed", "1")
    assert run(capsys, "run", SMALL, "--out", out, "--no-figures", "--seed", "2",
               "--force")[0] == 0
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _fork_main(args: list[str], err: Path) -> int:
    """Run the command line in a forked child (no start-up cost); return its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            sys.stderr = open(err, "w")  # noqa: SIM115
            code = main(args)
            sys.stderr.flush()
        finally:
            os._exit(code)
    return pid


def _timed(args: list[str], err: Path) -> float:
    started = time.perf_counter()
    _, status = os.waitpid(_fork_main(args, err), 0)
    assert os.waitstatus_to_exitcode(status) == 0, err.read_text()
    return time.perf_counter() - started


def _complete(out: Path) -> bytes:
    """The output at ``out`` is whole: every file its manifest lists is there."""
    listed = json.loads((out / MANIFEST).read_text())["files"]
    assert all((out / f).is_file() for f in listed)
    tables = [f for f in listed if f.endswith((".csv", ".json")) and f != "timing.json"]
    return b"".join((out / f).read_bytes() for f in tables)


def _kill_trials(tmp_path: Path, variants: list[list[str]], out: Path, kills: int) -> None:
    """Kill the command at random moments; the output is always one variant, whole."""
    err = tmp_path / "stderr"
    expected = set()
    for args in variants:  # each variant once in full, timed, and its output remembered
        duration = _timed([*args, "--force"], err)
        expected.add(_complete(out))
    rng = random.Random(20161229)
    for trial in range(kills):
        args = [*variants[trial % len(variants)], "--force"]
        delay = rng.uniform(0, duration) if trial % 2 else rng.uniform(0.7, 1.1) * duration
        pid = _fork_main(args, err)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert _complete(out) in expected, f"trial {trial}: killed after {delay:.3f} s"
        assert "Traceback" not in err.read_text()
    _timed([*variants[0], "--force"], err)
    assert leftovers(out) == [] and _complete(out) in expected


def _run_variants(out: Path) -> list[list[str]]:
    return [["run", str(SMALL), "--out", str(out), "--seed", str(seed)] for seed in (1, 2)]


def _compare_variants(tmp_path: Path, out: Path) -> list[list[str]]:
    dirs = []
    for seed in (1, 2):
        dirs.append(str(tmp_path / f"run{seed}"))
        _timed(["run", str(SMALL), "--out", dirs[-1], "--seed", str(seed), "--no-figures"],
               tmp_path / "stderr")
    return [["compare", *dirs, "--out", str(out), "--threshold", t] for t in ("150", "50")]


def test_killed_runs_leave_whole_old_or_new_results(tmp_path):
    """Runs killed at random moments leave the old or the new results, whole, never neither."""
    out = tmp_path / "out"
    _kill_trials(tmp_path, _run_variants(out), out, KILLS)


def test_killed_comparisons_leave_whole_old_or_new_output(tmp_path):
    """Comparisons killed at random moments leave the old or the new output, whole."""
    out = tmp_path / "cmp"
    _kill_trials(tmp_path, _compare_variants(tmp_path, out), out, KILLS)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["run", "compare"])
def test_fifty_kills(tmp_path, command):
    """The long profile: 50 kills at random moments of `run` and of `compare`."""
    out = tmp_path / "out"
    variants = (_run_variants(out) if command == "run" else _compare_variants(tmp_path, out))
    _kill_trials(tmp_path, variants, out, 50)


def test_concurrent_writers_never_trace_back(tmp_path):
    """Two commands writing one place at once: each succeeds or is refused in one line."""
    out = tmp_path / "out"
    args = ["run", str(SMALL), "--out", str(out), "--no-figures", "--force"]
    for pair in range(5):
        errs = [tmp_path / f"err{pair}-{i}" for i in range(2)]
        pids = [_fork_main(args, e) for e in errs]
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
        texts = [e.read_text() for e in errs]
        assert 0 in codes and set(codes) <= {0, 2}, texts
        assert all(t == "" or "another parity command is writing there now" in t
                   for t in texts)
        _complete(out)
    assert leftovers(out) == []


# --- Ctrl-C ---------------------------------------------------------------------------------

@pytest.mark.parametrize("delay", [0.15, 0.25, 0.4, 0.6, 0.9, 1.3])
def test_ctrl_c_at_any_moment_is_one_line_and_nothing_partial(tmp_path, delay):
    """Ctrl-C while modules load, during the run or the writing: exit 130, one line, no
    output. (Before 0.15 s the interpreter may still be starting, which is Python's own.)
    """
    out = tmp_path / "new" / "out"
    child = subprocess.Popen([sys.executable, "-m", "sim", "run", str(SMALL), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=tmp_path)
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    if child.returncode == 0:  # finished before the signal: the output is whole
        _complete(out)
        return
    assert child.returncode == 130, stderr
    assert stderr == "interrupted; nothing was written\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_unreadable_results_directory_is_one_line(tmp_path, capsys):
    """A compare input whose events table cannot be read (here a directory) is one line."""
    run(capsys, "run", SMALL, "--out", tmp_path / "a", "--no-figures")
    broken = tmp_path / "b"
    run(capsys, "run", SMALL, "--out", broken, "--no-figures")
    (broken / "events.csv").unlink()
    (broken / "events.csv").mkdir()
    code, _, err = run(capsys, "compare", tmp_path / "a", broken, "--out", tmp_path / "c")
    assert code == 2
    assert err == f"error: {broken / 'events.csv'}: cannot read: not a regular file\n"
    assert not (tmp_path / "c").exists()


BROKEN_INPUTS = {
    "summary a list": ("summary.json", "[]"),
    "summary sides a number": ("summary.json", '{"scenario": "x", "sides": 5}'),
    "summary nested deep": ("summary.json", "[" * 100_000 + "]" * 100_000),
    "timeseries short row": ("timeseries.csv", "date,side,metric,value\n2020-01-01\n"),
    "huge csv field": ("events.csv", "date,actor\n" + "x" * 200_000 + ",A\n"),
    "events not UTF-8": ("events.csv", b"date,actor\n\xff\xfe,A\n"),
}


@pytest.mark.parametrize("case", list(BROKEN_INPUTS))
def test_a_broken_results_directory_is_one_line(tmp_path, capsys, case):
    """Any file of a compare input that is not what Parity writes is one error line."""
    run(capsys, "run", SMALL, "--out", tmp_path / "a", "--no-figures")
    broken = tmp_path / "b"
    run(capsys, "run", SMALL, "--out", broken, "--no-figures")
    name, content = BROKEN_INPUTS[case]
    target = broken / name
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, _, err = run(capsys, "compare", tmp_path / "a", broken, "--out", tmp_path / "c")
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"error: {target}: ") and "Traceback" not in err


def test_a_pipe_in_a_results_directory_is_refused_not_read(tmp_path, capsys):
    """A named pipe where a table should be is refused at once, not waited on."""
    run(capsys, "run", SMALL, "--out", tmp_path / "a", "--no-figures")
    broken = tmp_path / "b"
    run(capsys, "run", SMALL, "--out", broken, "--no-figures")
    (broken / "events.csv").unlink()
    os.mkfifo(broken / "events.csv")
    code, _, err = run(capsys, "compare", tmp_path / "a", broken, "--out", tmp_path / "c")
    assert code == 2 and err == f"error: {broken / 'events.csv'}: cannot read: not a regular " \
                                "file\n"


def test_sigterm_is_one_line_and_nothing_partial(tmp_path):
    """SIGTERM (what `timeout` sends) ends a run like Ctrl-C: exit 143, one line, no output."""
    out = tmp_path / "new" / "out"
    child = subprocess.Popen([sys.executable, "-m", "sim", "run", str(SMALL), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=tmp_path)
    time.sleep(0.6)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    if child.returncode == 0:
        _complete(out)
        return
    assert child.returncode == 143 and stderr == "terminated; nothing was written\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_output_path_with_escape_characters_prints_them_escaped(tmp_path, capsys):
    """A path holding terminal escapes is shown escaped in the error, never raw."""
    folder = tmp_path / "x\x1b[2Jy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, _, err = run(capsys, "run", SMALL, "--out", folder, "--force", "--no-figures")
    assert code == 2 and "\x1b" not in err and "\\x1b[2J" in err
