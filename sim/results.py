"""Reading a run's output files back: the tidy tables and the summary.

Figures, comparisons and any later report read runs through these functions,
never through live model objects, so any saved run can be re-read.
"""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path
from typing import Any

import numpy as np

Series = tuple[np.ndarray, np.ndarray]
Timeseries = dict[tuple[str, str], Series]

#: The side id of joint metrics.
BOTH = "both"


def to_date(text: str) -> np.datetime64:
    """Parse the date part of an ISO date or datetime, so both spellings are accepted."""
    return np.datetime64(text.strip()[:10], "D")


def _number(text: str) -> float:
    """Parse a CSV value; empty means 'no value' and becomes NaN so gaps show as gaps."""
    text = text.strip()
    return float(text) if text else float("nan")


#: Largest output file read back (a run of 200 years with daily samples writes about
#: 70 MB of timeseries); a larger one is refused rather than read into memory.
MAX_INPUT_BYTES = 100_000_000


class UnreadableOutput(ValueError):
    """An output file that is not what Parity writes: too large, not a regular file."""


def checked(path: Path) -> Path:
    """``path`` if it is a regular file of a size Parity writes (a pipe would block)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableOutput("not a regular file")
    if info.st_size > MAX_INPUT_BYTES:
        raise UnreadableOutput(f"larger than {MAX_INPUT_BYTES // 1_000_000} MB, more than a "
                               "run writes")
    return path


def _read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV into dicts; a missing file means nothing happened, not an error."""
    if not path.exists():
        return []
    with checked(path).open(newline="", encoding="utf-8") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def read_timeseries(path: Path) -> Timeseries:
    """Read ``timeseries.csv`` into per-(side, metric) arrays sorted by date.

    Parameters
    ----------
    path : Path
        File with header ``date,side,metric,value``.

    Returns
    -------
    dict
        ``(side, metric) -> (dates, values)`` with dates as ``datetime64[D]`` and
        values as float (empty cells are NaN), so callers can plot or diff runs.
    """
    grouped: dict[tuple[str, str], list[tuple[np.datetime64, float]]] = {}
    for row in _read_rows(Path(path)):
        key = (row["side"].strip(), row["metric"].strip())
        grouped.setdefault(key, []).append((to_date(row["date"]), _number(row["value"] or "")))
    result: Timeseries = {}
    for key, points in grouped.items():
        dates = np.array([d for d, _ in points], dtype="datetime64[D]")
        values = np.array([v for _, v in points], dtype=float)
        order = np.argsort(dates, kind="stable")
        result[key] = (dates[order], values[order])
    return result


def read_events(path: Path) -> list[dict[str, str]]:
    """Read ``events.csv`` rows as dicts in file order, so moves can be marked or compared."""
    return _read_rows(Path(path))


def read_measures(path: Path) -> list[dict[str, str]]:
    """Read ``measures.csv`` rows as dicts, so restriction intervals can be drawn."""
    return _read_rows(Path(path))


def read_summary(path: Path) -> dict[str, Any]:
    """Read ``summary.json``, which carries the scenario name, run span and side names."""
    with checked(Path(path)).open(encoding="utf-8") as handle:
        summary = json.load(handle)
    if not isinstance(summary, dict):
        raise UnreadableOutput("not a summary: a JSON object is expected")
    return summary


def side_ids(summary: dict[str, Any], series: Timeseries) -> list[str]:
    """List side ids from the data: summary order first, then any others sorted.

    Keeping the summary's order gives each side a stable colour across figures.
    """
    ordered = [str(s) for s in summary.get("sides", {})]
    extra = sorted({side for side, _ in series if side != BOTH and side not in ordered})
    return ordered + extra
