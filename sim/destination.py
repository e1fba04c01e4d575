"""Where a command's output goes: only Parity's own directories are replaced, never half-way.

A command writes into a staging directory beside its destination and swaps it
in when complete, so a failure or a kill at any moment leaves either the old
output or the new one at the path, never neither and never a mix:

- the swap is one ``renameat2(RENAME_EXCHANGE)`` where the system has it (Linux);
  elsewhere it is two renames, and the next command to the same place puts back
  old output stranded between them;
- a lock file beside the destination lets one command write there at a time; a
  second one fails at once with a clear message;
- staging directories and lock files are named ``.parity-<hash of NAME>-...``, and
  the next command to the same place removes those that a killed one left (and
  puts back old output a kill stranded between two renames);
- ``--force`` replaces only a directory that Parity wrote: one holding the manifest
  ``.parity-output`` (the files Parity put there, with their SHA-256) and nothing
  else, none of it changed since. A directory from before manifests is recognised
  by the exact names of the files a run or a comparison wrote, and a summary of
  Parity's.

A single file (``parity report``'s HTML) is written the same way: into a
temporary file beside it, then renamed over it. A file there already is
replaced only if the caller recognises it as one Parity wrote, unchanged since
(a report carries its own hash), or with ``--force``; a file written into a
Parity output directory is added to its manifest, so that ``--force`` still
recognises that directory as Parity's.

Every OS error on the way (a read-only or full disk, a parent that is a file, a
name too long) becomes one ``ParityUserError`` line naming the path.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sim.errors import ParityUserError, clip

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, one writer assumed
    fcntl = None  # type: ignore[assignment]

#: The file in every output directory that lists what Parity wrote there.
MANIFEST = ".parity-output"
#: What a run wrote before manifests existed: its tables, and its figures of that time.
_LEGACY_RUN = {"timeseries.csv", "events.csv", "measures.csv", "summary.json", "timing.json"}
_LEGACY_FIGURES = {"staff.png", "visa_queue.png", "consular_output.png", "restrictions.png",
                   "tension.png"}
_RUN_TABLES = ("timeseries.csv", "events.csv", "measures.csv", "summary.json")
_SUMMARY_KEYS = ("scenario", "sha256", "seed", "version")
#: A comparison's overlay, ``<metric>-<side>.png``, at its top level.
_OVERLAY = re.compile(r"[a-z_]+-[^/]+\.png")
#: Most entries looked at before a directory is judged not to be Parity's: output is
#: a few dozen files, and ``--out ~ --force`` must not walk a whole home directory.
MAX_ENTRIES = 5_000

#: Output directories this process has swapped into place, for the interrupt message.
committed: list[Path] = []
#: What an output being written has made so far, for ``abandon`` to remove: the
#: staging directory, the lock file, and the parent directories made for it.
_pending: dict[str, Any] = {}

_REASONS = {
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENOTDIR: "a part of the path is a file, not a directory",
    errno.ENAMETOOLONG: "a name in the path is too long",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.ENOENT: "this place does not allow creating a directory",
}


def reason(exc: OSError) -> str:
    """An OS error in a few plain words."""
    return _REASONS.get(exc.errno or 0, (exc.strerror or str(exc)).lower())


def _files(directory: Path) -> list[str] | None:
    """Every entry under ``directory`` that is not a directory, as relative POSIX paths
    (symbolic links count as entries and are not followed); None beyond ``MAX_ENTRIES``.
    """
    found: list[str] = []
    for root, dirs, names in os.walk(directory, onerror=_raise):
        rel = Path(root).relative_to(directory)
        found += [(rel / n).as_posix() for n in names]
        found += [(rel / d).as_posix() for d in dirs if (Path(root) / d).is_symlink()]
        if len(found) > MAX_ENTRIES:
            return None
    return sorted(found)


def _raise(exc: OSError) -> None:
    raise exc


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(directory: Path) -> dict[str, str | None] | None:
    """The files Parity listed as written here, with their SHA-256 (None: not hashed), or
    None when there is no valid manifest written by Parity.
    """
    path = directory / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("written_by") != "parity":
            return None
        return dict.fromkeys(files) if isinstance(files, list) else {
            str(k): (str(v) if v else None) for k, v in files.items()}
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return None


def _foreign(directory: Path) -> list[str]:
    """The entries of ``directory`` that Parity did not write there, as it wrote them
    (empty if the directory is Parity's output, or empty).
    """
    top = sorted(os.listdir(directory))
    listed = _manifest(directory)
    if not top or (listed is None and not {"summary.json", "differences.csv"} & set(top)):
        return top  # nothing, or nothing Parity writes: no need to look further
    files = _files(directory)
    if files is None:
        return [f"more than {MAX_ENTRIES:,} files"]
    if listed is not None:
        return [f for f in files if f != MANIFEST and (
            f not in listed or (listed[f] is not None and listed[f] != _digest(directory / f)))]
    legacy = _legacy_run(directory, files) or _legacy_compare(directory, files)
    return [] if legacy else [f for f in files if not _legacy_file(f)]


def _legacy_file(name: str, top: bool = True) -> bool:
    """Whether a path is one a run (or, at the top, a comparison) wrote before manifests."""
    parts = name.split("/")
    if len(parts) == 1:
        return parts[0] in _LEGACY_RUN or (top and (parts[0] == "differences.csv"
                                                     or bool(_OVERLAY.fullmatch(parts[0]))))
    if len(parts) == 2 and parts[0] == "figures":
        return parts[1] in _LEGACY_FIGURES
    return top and len(parts) > 2 and parts[0] == "runs" and _legacy_file(
        "/".join(parts[2:]), top=False)


def _legacy_run(directory: Path, files: list[str]) -> bool:
    """A run's output from before manifests: its four tables, a summary of Parity's, and
    nothing but the files such a run wrote.
    """
    if not all(t in files for t in _RUN_TABLES):
        return False
    if not all(_legacy_file(f, top=False) for f in files):
        return False
    try:
        summary = json.loads((directory / "summary.json").read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(summary, dict) and all(k in summary for k in _SUMMARY_KEYS)


def _legacy_compare(directory: Path, files: list[str]) -> bool:
    """A comparison's output from before manifests: its table, its overlays at the top,
    and runs of scenario files in ``runs/``.
    """
    if "differences.csv" not in files or not all(_legacy_file(f) for f in files):
        return False
    try:
        with (directory / "differences.csv").open(encoding="utf-8") as table:
            return table.readline().startswith("scenario,side,metric,")
    except (OSError, UnicodeDecodeError):
        return False


def check_destination(out_dir: Path, force: bool) -> None:
    """Refuse a destination Parity must not replace, before any work is done.

    An existing path needs ``--force``, and even then only a directory that
    Parity wrote is replaced: anything else is refused and nothing is deleted.
    """
    try:
        _check_destination(out_dir, force)
    except OSError as exc:
        raise ParityUserError(f"{out_dir}: cannot write the output there: {reason(exc)}") from None


def _check_destination(out_dir: Path, force: bool) -> None:
    if not os.path.lexists(out_dir):
        return
    if out_dir.is_symlink():
        raise ParityUserError(f"{out_dir}: is a symbolic link; Parity writes only to a "
                              "directory of its own (choose another --out)")
    if not out_dir.is_dir():
        raise ParityUserError(f"{out_dir}: exists and is not a directory (choose another --out)")
    if not force:
        raise ParityUserError(f"{out_dir}: already exists; use --force to replace it "
                              "or --out to write elsewhere")
    foreign = _foreign(out_dir)
    if foreign:
        shown = ", ".join(clip(f) for f in foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise ParityUserError(f"{out_dir}: not replaced: it holds files Parity did not write "
                              f"or that were changed since ({shown}); --force replaces only "
                              "Parity's own output, so choose another --out")


def write_manifest(directory: Path, command: str) -> None:
    """List every file of a finished output directory with its SHA-256, so ``--force``
    recognises it and notices a file edited since (``timing.json`` is not hashed: it
    differs from run to run, and the manifest must not).
    """
    files = [f for f in _files(directory) or [] if f != MANIFEST]
    hashes = {f: None if f.endswith("timing.json") else _digest(directory / f) for f in files}
    text = json.dumps({"written_by": "parity", "command": command, "files": hashes}, indent=1)
    (directory / MANIFEST).write_text(text + "\n", encoding="utf-8")


@contextmanager
def staged(out_dir: Path, force: bool = False, command: str = "run") -> Iterator[Path]:
    """A staging directory beside ``out_dir`` that becomes ``out_dir`` if all goes well.

    On any error or interrupt the staging directory is removed, directories made
    for it are removed again, and ``out_dir`` is left as it was.
    """
    out_dir = Path(os.path.abspath(out_dir))
    check_destination(out_dir, force)
    made: list[Path] = []
    try:
        made = _pending["made"] = _make_parents(out_dir.parent)
        with _locked(out_dir):
            _clean_leftovers(out_dir)
            check_destination(out_dir, force)  # old output a kill stranded may be back
            staging = Path(tempfile.mkdtemp(prefix=f"{prefix(out_dir)}new-",
                                            dir=out_dir.parent))
            _pending["staging"] = staging
            try:
                staging.chmod(0o755)
                yield staging
                write_manifest(staging, command)
                check_destination(out_dir, force)  # it may have changed during the work
                with _uninterrupted():
                    _swap_in(staging, out_dir)
            except BaseException:
                with _uninterrupted():
                    shutil.rmtree(staging, ignore_errors=True)
                raise
    except OSError as exc:
        _remove_made(made)
        raise ParityUserError(f"{out_dir}: cannot write the output there: {reason(exc)}"
                              ) from None
    except BaseException:
        _remove_made(made)
        raise
    finally:
        _pending.clear()


def abandon() -> None:
    """Remove what the output being written has made so far: for a Ctrl-C handler that
    ends the process at once, wherever the work was.
    """
    staging, lock = _pending.get("staging"), _pending.get("lock")
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    if _pending.get("file") is not None:
        with suppress(OSError):
            os.unlink(_pending["file"])
    if lock is not None:
        with suppress(OSError):
            os.unlink(lock)
    _remove_made(_pending.get("made", []))
    _pending.clear()


def _make_parents(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; return those this process created,
    deepest last (another process may create some of them at the same moment).
    """
    missing = []
    while not os.path.lexists(directory):
        missing.append(directory)
        directory = directory.parent
    made = []
    for path in reversed(missing):
        try:
            path.mkdir()
            made.append(path)
        except FileExistsError:
            pass
    return made


def _remove_made(made: list[Path]) -> None:
    """Remove again the (still empty) directories made for an output that failed."""
    for path in reversed(made):
        with suppress(OSError):
            path.rmdir()


def prefix(out_dir: Path) -> str:
    """How the staging directories and lock file of ``out_dir`` begin: short, so that
    any name the file system takes for ``--out`` leaves room for them.
    """
    name = os.fsencode(out_dir.name)
    return f".parity-{hashlib.sha256(name).hexdigest()[:12]}-"


def lock_path(out_dir: Path) -> Path:
    """The lock file beside ``out_dir`` that one writer at a time holds."""
    return out_dir.with_name(f"{prefix(out_dir)}lock")


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the destination's lock file: one writer at a time, the others told so."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    path = lock_path(out_dir)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ParityUserError(f"{out_dir}: another parity command is writing there now; "
                                  "wait for it to finish or choose another --out") from None
        try:  # the last holder may have removed the file between our open and our lock
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    _pending["lock"] = path
    try:
        yield
    finally:
        with suppress(OSError):
            os.unlink(path)
        os.close(fd)


def leftovers(out_dir: Path) -> list[Path]:
    """Staging directories and lock files that a killed command left beside ``out_dir``."""
    start = prefix(out_dir)
    try:
        names = os.listdir(out_dir.parent)
    except FileNotFoundError:
        return []
    return sorted(out_dir.parent / n for n in names if n.startswith(start)
                  and n != lock_path(out_dir).name)


def _clean_leftovers(out_dir: Path) -> None:
    """Under the lock: put back old output stranded by a kill mid-swap, remove the rest."""
    for path in leftovers(out_dir):
        if path.name.startswith(f"{prefix(out_dir)}old-") and not os.path.lexists(out_dir):
            path.rename(out_dir)  # what was at the destination before the kill: put it back
        else:
            shutil.rmtree(path, ignore_errors=True)


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Put the finished directory at ``out_dir``; whatever was there is removed after."""
    if not os.path.lexists(out_dir):
        staging.rename(out_dir)
    elif _exchange(staging, out_dir):  # staging now holds the old output
        shutil.rmtree(staging, ignore_errors=True)
    else:
        old = staging.with_name(staging.name.replace("-new-", "-old-", 1))
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    committed.append(out_dir)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot."""
    try:
        renameat2: Callable[..., int] = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM over a step that must finish (a swap, a clean-up), then
    deliver them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, _frame: Any) -> None:
        held.append(signum)

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if held:
            signal.raise_signal(held[0])


# --- single files --------------------------------------------------------------------------


def _manifest_holding(path: Path) -> Path | None:
    """The nearest directory above ``path`` with a manifest of Parity's, if any."""
    for directory in path.parents:
        if _manifest(directory) is not None:
            return directory
    return None


def check_file(path: Path, force: bool, recognise: Callable[[Path], bool]) -> None:
    """Refuse a file destination Parity must not replace, before any work is done: a
    directory, or, without ``force``, a file that ``recognise`` does not know as one
    Parity wrote, unchanged since.
    """
    try:
        _check_file(path, force, recognise)
    except OSError as exc:
        raise ParityUserError(f"{path}: cannot write there: {reason(exc)}") from None


def _check_file(path: Path, force: bool, recognise: Callable[[Path], bool]) -> None:
    if path.is_dir() and not path.is_symlink():
        raise ParityUserError(f"{path}: is a directory; give a file name (e.g. "
                              f"{path / 'report.html'})")
    nearest = next(p for p in Path(os.path.abspath(path)).parents if os.path.lexists(p))
    if not nearest.is_dir():
        raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(nearest))
    if not os.access(nearest, os.W_OK | os.X_OK):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(nearest))
    if force or not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_file() or not recognise(path):
        raise ParityUserError(f"{path}: exists and is not a file Parity wrote, or was changed "
                              "since; use --force to replace it or --out to write elsewhere")


def write_file(path: Path, data: bytes, force: bool = False,
               recognise: Callable[[Path], bool] = lambda _: False) -> Path:
    """Write ``data`` to ``path`` whole or not at all (see the module's docstring).

    Returns the absolute path written.
    """
    path = Path(os.path.abspath(path))
    check_file(path, force, recognise)
    made: list[Path] = []
    try:
        made = _pending["made"] = _make_parents(path.parent)
        holder = _manifest_holding(path)
        with _locked(holder or path):
            _remove_leftover_files(path, holder)
            check_file(path, force, recognise)  # it may have changed while we waited
            _replace_file(path, data, holder)
    except OSError as exc:
        _remove_made(made)
        why = ("this place does not allow creating a file" if exc.errno == errno.ENOENT
               else reason(exc))
        raise ParityUserError(f"{path}: cannot write there: {why}") from None
    except BaseException:
        _remove_made(made)
        raise
    finally:
        _pending.clear()
    committed.append(path)
    return path


def _remove_leftover_files(path: Path, holder: Path | None) -> None:
    """Under the lock: remove temporary files a killed writer left beside ``path`` and
    beside the manifest it was updating.
    """
    for leftover in leftovers(path) + (leftovers(holder / MANIFEST) if holder else []):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _replace_file(path: Path, data: bytes, holder: Path | None) -> None:
    """Write a temporary file beside ``path``, list it in ``holder``'s manifest, rename it."""
    fd, name = tempfile.mkstemp(prefix=f"{prefix(path)}new-", dir=path.parent)
    temporary = _pending["file"] = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        temporary.chmod(0o644)
        with _uninterrupted():
            if holder is not None:
                _add_to_manifest(holder, path.relative_to(holder).as_posix(),
                                 hashlib.sha256(data).hexdigest())
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _add_to_manifest(directory: Path, name: str, digest: str) -> None:
    """List one more file, with its SHA-256, in a directory's manifest (replaced whole)."""
    path = directory / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    files = data["files"]
    data["files"] = {**(dict.fromkeys(files) if isinstance(files, list) else files),
                     name: digest}
    fd, temporary = tempfile.mkstemp(prefix=f"{prefix(path)}new-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(data, indent=1) + "\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
