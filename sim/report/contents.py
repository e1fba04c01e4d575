"""What the report says about each run, read from its files: the figures a briefer
quotes, the moves in words with their sources, the ensemble's spread, the comparison.

Everything here comes from a run's output files (``sim.results``, ``sim.compare``),
never from a live model, so a run made elsewhere or long ago can be reported.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from sim.compare import HEADLINE, Run, difference_table, rounded
from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.results import BOTH, Timeseries
from sim.words import mission_name, sentence

#: The figures of a mission a briefer quotes, in the order the table lists them.
SIDE_FIGURES: dict[str, str] = {
    "staff_total": "Staff (expatriates and local employees)",
    "staff_expat": "Expatriate staff",
    "staff_local": "Local employees",
    "posts_open": "Posts open (embassies and consulates)",
    "consular_output": "Visas issued to the host's public, a month",
    "visa_wait_days": "Wait for a visa interview (days)",
    "visas_elsewhere": "Applicants a month who went to a third country",
    "work_capacity": "Work capacity (diplomat-days a month)",
    "cost_per_head": "Cost per member of staff (thousands a year)",
    "restrictions_in_force": "Restrictions in force on the mission",
}
#: The joint figures, of both missions together.
JOINT_FIGURES: dict[str, str] = {
    "tension": "Tension (state of relations, points of harm)",
    "staff_gap": "Difference in staff (first mission minus second)",
    "visa_reciprocity": "Visas granted to each mission's staff, ratio (1 = parity)",
}
#: Who made a move, when it was not the scenario file: by the events' ``origin``.
ORIGINS = {"scenario": "", "policy": "decided by the side's policy",
           "talks": "at the talks", "shock": "an event outside the missions"}
#: A source that can be linked: a web address, nothing else (no ``javascript:``).
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One source of a move: a link when it is a web address, else its text."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    """A move or statement of the timeline, in words."""

    date: str
    text: str
    statement: bool
    origin: str
    sources: tuple[Source, ...]
    #: For a run compared with the first: ``added`` (only in this run) or ``not made``.
    change: str = ""


@dataclass(frozen=True)
class KeyFigure:
    """One metric of one mission (or of both) at the start, the end, its lowest and
    highest, with the dates of those.
    """

    side: str
    who: str
    metric: str
    label: str
    meaning: str
    start: float
    end: float
    lowest: float
    lowest_date: str
    highest: float
    highest_date: str


@dataclass(frozen=True)
class EnsembleFigure:
    """One metric at the end of an ensemble: mean, its 95% interval and the 90% band."""

    side: str
    who: str
    metric: str
    label: str
    mean: float
    ci_low: float
    ci_high: float
    p05: float
    p95: float


@dataclass
class ComparisonRow:
    """A metric's end value in every run, and each run's difference from the first."""

    side: str
    who: str
    metric: str
    label: str
    values: list[float] = field(default_factory=list)
    differences: list[float] = field(default_factory=list)


# --- numbers and dates as a reader wants them -------------------------------------------------

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(text: str) -> str:
    """An ISO date as ``29 Dec 2016``; anything else unchanged."""
    try:
        date = dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return str(text)
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def figure(value: Any, signed: bool = False) -> str:
    """A number for reading at a glance: ``1,200``, ``88.5``, ``0.25``; a gap as ``—``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return rounded(float(value), signed, grouped=True)


# --- the timeline -----------------------------------------------------------------------------


def sources(text: str) -> tuple[Source, ...]:
    """A move's sources (`` ; ``-separated), each linked when it is a web address."""
    found = []
    for part in (p.strip() for p in (text or "").split(" ; ")):
        if not part:
            continue
        match = WEB_ADDRESS.match(part)  # an address, maybe with a note after it
        if match:
            url = match.group(0)
            host = urlsplit(url).hostname or url
            note = part[match.end():].strip()
            found.append(Source(host.removeprefix("www.") + (f" {note}" if note else ""), url))
        else:
            found.append(Source(part))
    return tuple(found)


def entry(row: dict[str, str], summary: dict[str, Any], change: str = "") -> Entry:
    """One row of ``events.csv`` in words."""
    origin = row.get("origin", "")
    return Entry(row.get("date", "")[:10], sentence(row, summary), row.get("move") == "statement",
                 ORIGINS.get(origin, origin), sources(row.get("source", "")), change)


def timeline(run: Run) -> list[Entry]:
    """Every move and statement of a run, in the order made."""
    return [entry(row, run.summary) for row in run.events]


def _move_key(row: dict[str, str]) -> tuple[str, ...]:
    return (row.get("date", "")[:10], row.get("actor", ""), row.get("target", ""),
            row.get("move", ""), row.get("detail", ""))


def departures(first: Run, run: Run) -> list[Entry]:
    """Where ``run`` departs from ``first``: the moves only it made, and those of the
    first it did not make, by date.
    """
    mine, theirs = Counter(map(_move_key, run.events)), Counter(map(_move_key, first.events))
    added, missing = mine - theirs, theirs - mine
    found = []
    for rows, extra, change, summary in ((run.events, added, "added", run.summary),
                                         (first.events, missing, "not made", first.summary)):
        left = Counter(extra)
        for row in rows:
            key = _move_key(row)
            if left[key] > 0:
                left[key] -= 1
                found.append(entry(row, summary, change))
    return sorted(found, key=lambda e: e.date)


# --- key figures ------------------------------------------------------------------------------


def _final(summary: dict[str, Any], side: str, metric: str, series: Timeseries) -> float:
    """The value the run's summary records at the end (the last sample if it has none)."""
    final = summary.get("final", {}).get(side, {})
    if isinstance(final, dict) and metric in final:
        value = final[metric]
        return math.nan if value is None else float(value)
    values = series.get((side, metric), (None, np.array([])))[1]
    return float(values[-1]) if values.size else math.nan


def _extreme(dates: np.ndarray, values: np.ndarray, pick: Any) -> tuple[float, str]:
    """The lowest or highest value (``np.nanargmin`` or ``np.nanargmax``) and its first date."""
    if not values.size or np.isnan(values).all():
        return math.nan, ""
    i = int(pick(values))
    return float(values[i]), str(dates[i])


def key_figures(run: Run) -> list[KeyFigure]:
    """The key figures of every mission, then the joint ones, where the run has them."""
    wanted = [(side, metric, label) for side in run.sides
              for metric, label in SIDE_FIGURES.items()]
    wanted += [(BOTH, metric, label) for metric, label in JOINT_FIGURES.items()]
    found = []
    for side, metric, label in wanted:
        if (side, metric) not in run.series:
            continue
        dates, values = run.series[(side, metric)]
        low, low_date = _extreme(dates, values, np.nanargmin)
        high, high_date = _extreme(dates, values, np.nanargmax)
        found.append(KeyFigure(
            side, _who(run.summary, side), metric, label,
            SIDE_METRICS.get(metric) or JOINT_METRICS.get(metric, ""),
            float(values[0]) if values.size else math.nan,
            _final(run.summary, side, metric, run.series), low, low_date, high, high_date))
    return found


def _who(summary: dict[str, Any], side: str) -> str:
    return "Both missions" if side == BOTH else mission_name(summary, side)


# --- ensembles and comparisons ----------------------------------------------------------------


def ensemble_record(run_dir: Path) -> dict[str, Any]:
    """``ensemble.json``: replications, seed, band (empty if the run has none)."""
    path = run_dir / "ensemble.json"
    if not path.is_file():
        return {}
    record = json.loads(path.read_text(encoding="utf-8"))
    return record if isinstance(record, dict) else {}


def ensemble_figures(table: Any, summary: dict[str, Any]) -> list[EnsembleFigure]:
    """The headline metrics at the ensemble's last date."""
    last = table[table["date"] == table["date"].max()]
    found = []
    for side in [*summary.get("sides", {}), BOTH]:
        for metric in HEADLINE:
            rows = last[(last["side"] == side) & (last["metric"] == metric)]
            if rows.empty:
                continue
            row = rows.iloc[0]
            label = SIDE_FIGURES.get(metric) or JOINT_FIGURES.get(metric) or metric
            found.append(EnsembleFigure(side, _who(summary, side), metric, label,
                                        *(float(row[k]) for k in ("mean", "ci_low", "ci_high",
                                                                  "p05", "p95"))))
    return found


def comparison_rows(runs: Sequence[Run]) -> list[ComparisonRow]:
    """The headline metrics' end values run by run, with the differences from the first."""
    rows: dict[tuple[str, str], ComparisonRow] = {}
    order = [*runs[0].sides, BOTH]
    table = [r for r in difference_table(runs) if r["metric"] in HEADLINE]
    table.sort(key=lambda r: (order.index(r["side"]) if r["side"] in order else len(order),
                              HEADLINE.index(r["metric"])))
    for r in table:
        key = (r["side"], r["metric"])
        label = SIDE_FIGURES.get(r["metric"]) or JOINT_FIGURES.get(r["metric"]) or r["metric"]
        row = rows.setdefault(key, ComparisonRow(r["side"], _who(runs[0].summary, r["side"]),
                                                 r["metric"], label))
        row.values.append(r["end_value"])
        row.differences.append(r["end_minus_first"])
    return [row for row in rows.values() if len(row.values) == len(runs)]


def seed_text(seed: Any) -> str:
    """A run's seed as recorded: a number, or an ensemble replication's seed sequence."""
    if isinstance(seed, dict) and "entropy" in seed:
        key = seed.get("spawn_key") or []
        which = f", replication {key[0] + 1}" if len(key) == 1 else f", spawn key {key}"
        return f"{seed['entropy']}{which} of an ensemble"
    return str(seed)
