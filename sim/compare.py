"""Compare finished runs: a difference table (figures in ``sim.overlays``), baseline first.

A comparison is built only from what each run wrote to disk (read with
``sim.results``), so runs made at different times, or on another
machine, can be compared as long as they model the same sides. The first run
given is the baseline: every difference is measured against it, and the
figures mark only the moves where another run departs from it.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ParityUserError, clip
from sim.output import number
from sim.results import (
    BOTH,
    Timeseries,
    UnreadableOutput,
    read_events,
    read_summary,
    read_timeseries,
    side_ids,
)

#: Columns of the difference table, the same for every row.
HEADER = (
    "scenario",
    "side",
    "metric",
    "end_value",
    "time_average",
    "end_minus_first",
    "first_zero_date",
    "days_below_threshold",
)
#: Metrics shown in the terminal table and drawn as figures, in that order.
HEADLINE = (
    "staff_total",
    "staff_local",
    "posts_open",
    "consular_output",
    "visa_wait_days",
    "work_capacity",
    "cost_per_head",
    "restrictions_in_force",
    "tension",
)
REQUIRED_FILES = ("timeseries.csv", "summary.json")

Row = dict[str, Any]


@dataclass(frozen=True)
class Run:
    """One finished run as read from its results directory.

    ``label`` is the scenario name, made unique with the directory name when two
    runs share it, so a legend or table row always says which run it is.
    """

    label: str
    path: Path
    series: Timeseries
    events: list[dict[str, str]]
    summary: dict[str, Any]

    @property
    def sides(self) -> list[str]:
        """Side ids in the summary's order, so every run lists sides the same way."""
        return side_ids(self.summary, self.series)


# --- loading ---------------------------------------------------------------------------------


def _check_results_dir(path: Path) -> None:
    """Refuse a path that is not a run's output, naming what is missing so the fix is clear."""
    if not path.is_dir():
        raise ParityUserError(f"{path}: no such results directory; run `parity run` first")
    for name in REQUIRED_FILES:
        if not (path / name).is_file():
            raise ParityUserError(
                f"{path}: not a results directory (no {name}); run `parity run` first"
            )


def read_run(path: Path) -> Run:
    """Read one results directory, turning unreadable files into one-line user errors."""
    _check_results_dir(path)
    try:
        return _read_files(path)
    except OSError as exc:
        raise ParityUserError(f"{exc.filename or path}: cannot read: "
                              f"{(exc.strerror or str(exc)).lower()}") from None


def _read_files(path: Path) -> Run:
    summary = _read_file(path / "summary.json", read_summary, "a run's summary")
    series = _read_file(path / "timeseries.csv", read_timeseries,
                        "a timeseries table (needs columns date, side, metric, value)")
    events = _read_file(path / "events.csv", read_events, "an events table")
    name = str(summary.get("scenario") or path.resolve().name)
    run = Run(label=name, path=path, series=series, events=events, summary=summary)
    _read_file(path / "summary.json", lambda _: run.sides, "a run's summary (its sides)")
    return run


def _read_file(path: Path, read: Any, what: str) -> Any:
    """Read one output file; any way it is not what Parity writes is one line."""
    try:
        return read(path)
    except UnreadableOutput as exc:
        raise ParityUserError(f"{path}: cannot read: {exc}") from None
    except UnicodeDecodeError:
        raise ParityUserError(f"{path}: not {what}: not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ParityUserError(f"{path}: not {what}: not valid JSON ({exc})") from None
    except (csv.Error, KeyError, ValueError, TypeError, AttributeError,
            RecursionError) as exc:
        reason = clip(str(exc) or type(exc).__name__, 120)
        raise ParityUserError(f"{path}: not {what} ({reason})") from None


def check_same_sides(sides: Mapping[Path, Sequence[str]]) -> None:
    """Refuse inputs of different sides: a difference between unlike missions means nothing."""
    if len({frozenset(s) for s in sides.values()}) <= 1:
        return
    listed = "; ".join(f"{path}: {', '.join(s) or 'none'}" for path, s in sides.items())
    raise ParityUserError(f"runs compare different sides: {listed}")


def _unique_labels(runs: Sequence[Run]) -> list[str]:
    """Add the directory name to shared scenario names, then a number if still shared."""
    counts = Counter(run.label for run in runs)
    labels = [
        f"{run.label} ({run.path.resolve().name})" if counts[run.label] > 1 else run.label
        for run in runs
    ]
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    unique = []
    for label in labels:
        seen[label] += 1
        unique.append(f"{label} #{seen[label]}" if counts[label] > 1 else label)
    return unique


def load_runs(dirs: Sequence[Path | str]) -> list[Run]:
    """Read results directories for comparison, the first being the baseline.

    Parameters
    ----------
    dirs : sequence of Path or str
        Directories written by ``parity run``; at least two.

    Returns
    -------
    list of Run
        In the order given, each with a label unique among them.

    Raises
    ------
    ParityUserError
        When fewer than two directories are given, a directory lacks
        ``timeseries.csv`` or ``summary.json``, or the runs model different sides.
    """
    if len(dirs) < 2:
        raise ParityUserError("compare needs at least two runs (results directories or "
                              "scenario files)")
    runs = [read_run(Path(d)) for d in dirs]
    check_same_sides({run.path: run.sides for run in runs})
    labels = _unique_labels(runs)
    return [replace(run, label=label) for run, label in zip(runs, labels, strict=True)]


# --- difference table ------------------------------------------------------------------------


def _end(series: Timeseries, key: tuple[str, str]) -> float:
    """The last sample of a series, NaN when the run has no such series."""
    if key not in series or not series[key][1].size:
        return math.nan
    return float(series[key][1][-1])


def _mean(values: np.ndarray) -> float:
    """Mean over samples ignoring gaps; NaN (not a warning) when every sample is a gap."""
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if kept.size else math.nan


def first_zero_date(dates: np.ndarray, values: np.ndarray) -> str:
    """ISO date of the first sample at zero, or '' if never: when service stopped."""
    hits = np.flatnonzero(values == 0)
    return str(dates[hits[0]]) if hits.size else ""


def days_below(dates: np.ndarray, values: np.ndarray, threshold: float) -> int:
    """Days a sampled value spent below ``threshold``.

    Each sample holds until the next one (7 days for weekly samples); the last
    sample is the run's final day and counts 1, so a run below the threshold
    throughout scores exactly its length in days.
    """
    if not dates.size:
        return 0
    spans = np.append(np.diff(dates).astype(int), 1)
    return int(spans[values < threshold].sum())


def _row_keys(run: Run, sides: Sequence[str]) -> list[tuple[str, str]]:
    """The run's (side, metric) series, grouped by side in the baseline's order."""
    return [key for side in [*sides, BOTH] for key in run.series if key[0] == side]


def _row(run: Run, key: tuple[str, str], baseline_end: float, threshold: float) -> Row:
    """One table row: the run's headline numbers for one side's metric."""
    dates, values = run.series[key]
    end = _end(run.series, key)
    side, metric = key
    return {
        "scenario": run.label,
        "side": side,
        "metric": metric,
        "end_value": end,
        "time_average": _mean(values),
        "end_minus_first": end - baseline_end,
        "first_zero_date": first_zero_date(dates, values) if metric == "consular_output" else "",
        "days_below_threshold": (
            days_below(dates, values, threshold) if metric == "staff_total" else ""
        ),
    }


def difference_table(runs: Sequence[Run], threshold: float = 150.0) -> list[Row]:
    """Tidy rows, one per (run, side, metric), measured against the first run.

    Parameters
    ----------
    runs : sequence of Run
        From :func:`load_runs`; ``runs[0]`` is the baseline.
    threshold : float
        Staff level below which a mission counts as crippled, for
        ``days_below_threshold``.

    Returns
    -------
    list of dict
        Keys are :data:`HEADER`. Numbers are floats (NaN where a series has no
        value) or, for ``days_below_threshold``, ints; columns that do not apply
        to a metric hold ``''``.
    """
    if not math.isfinite(threshold):
        raise ParityUserError(f"threshold {threshold}: must be a finite number")
    sides = runs[0].sides
    baseline = runs[0].series
    return [
        _row(run, key, _end(baseline, key), threshold)
        for run in runs
        for key in _row_keys(run, sides)
    ]


def _cell(value: Any) -> str:
    """A value as the CSV shows it, numbers spelled the way ``timeseries.csv`` spells them."""
    if isinstance(value, str):
        return value
    return number(float(value))


def write_table(rows: Sequence[Row], path: Path) -> Path:
    """Write the difference table as CSV with the fixed :data:`HEADER`, for spreadsheets."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows([_cell(row[column]) for column in HEADER] for row in rows)
    return path


def rounded(value: Any, signed: bool = False, grouped: bool = False) -> str:
    """Round a number for reading at a glance: whole numbers (and 100 or more) plain, 1 to
    100 to a tenth, below 1 to 2 figures; ``grouped`` puts in thousands separators. Text
    is kept as it is; NaN is empty.
    """
    if isinstance(value, str):
        return value
    value = float(value)
    if math.isnan(value):
        return ""
    comma = "," if grouped else ""
    if value.is_integer() or abs(value) >= 100:
        text = f"{value:{comma}.0f}"
    elif abs(value) >= 1:
        text = f"{value:{comma}.1f}"
    else:
        text = f"{value:.2g}"
    if float(text.replace(",", "")) == 0:
        return "0"
    return f"+{text}" if signed and value > 0 else text


TEXT_COLUMNS = (("scenario", "scenario"), ("side", "side"), ("metric", "metric"))
NUMBER_COLUMNS = (
    ("end_value", "end"),
    ("time_average", "average"),
    ("end_minus_first", "vs first"),
    ("first_zero_date", "first zero"),
    ("days_below_threshold", "days below"),
)


def _headline_rows(rows: Sequence[Row]) -> list[Row]:
    """Headline rows grouped by metric then side, runs adjacent so they read as a diff."""
    sides = list(dict.fromkeys(row["side"] for row in rows))
    shown = [row for row in rows if row["metric"] in HEADLINE]
    return sorted(shown, key=lambda r: (HEADLINE.index(r["metric"]), sides.index(r["side"])))


def format_table(rows: Sequence[Row]) -> str:
    """Format the headline metrics as a fixed-width text table for the terminal.

    Text columns are left-aligned and numbers right-aligned and rounded, so a
    what-if's departure from the baseline can be read down the ``vs first``
    column.
    """
    columns = TEXT_COLUMNS + NUMBER_COLUMNS
    body = [
        [rounded(row[key], signed=key == "end_minus_first") for key, _ in columns]
        for row in _headline_rows(rows)
    ]
    titles = [title for _, title in columns]
    widths = [max(len(line[i]) for line in [titles, *body]) for i in range(len(columns))]
    left = len(TEXT_COLUMNS)

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(titles), rule, *(line(cells) for cells in body)])


def compare(
    dirs: Sequence[Path | str], out_dir: Path, threshold: float = 150.0
) -> tuple[list[Row], list[Path]]:
    """Compare results directories: write ``differences.csv`` and figures to ``out_dir``.

    Parameters
    ----------
    dirs : sequence of Path or str
        Results directories; the first is the baseline.
    out_dir : Path
        Created if missing; files of the same names in it are replaced.
    threshold : float
        Staff level for ``days_below_threshold``.

    Returns
    -------
    tuple
        The table rows and the figure paths.
    """
    runs = load_runs(dirs)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ParityUserError(f"{out_dir}: exists and is not a directory")
    rows = difference_table(runs, threshold)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_table(rows, out_dir / "differences.csv")
    from sim.overlays import compare_figures

    return rows, compare_figures(runs, out_dir)
