"""Briefing figures drawn from a finished run's output files.

The figures are built only from what a run wrote to disk (``timeseries.csv``,
``events.csv``, ``measures.csv`` and ``summary.json``), never from live model
objects, so any saved run can be re-plotted and two runs can be compared later
with the same readers. Side ids are always taken from the data; every label is in
words (``sim.words``): missions by their names, moves by what they did, metrics with
their units. Each ``plot_*`` function returns a matplotlib Figure (built with the
object API: no pyplot global state, no window), so a notebook can show it;
:func:`make_figures` saves them without version metadata so that the same run gives
byte-identical PNGs.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, ScalarFormatter

from sim.moves import LABELLED
from sim.results import (
    BOTH,
    Timeseries,
    read_events,
    read_measures,
    read_summary,
    read_timeseries,
    side_ids,
    to_date,
)
from sim.words import axis_label, brief, kinds, mission_name, short

DPI = 120
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
)
OTHER_COLOUR = "#7f7f7f"
#: Colour of joint series (both missions) and of reference lines.
JOINT_COLOUR = "black"
REFERENCE_COLOUR = "#555555"
#: Font size of legends, keys and notes: readable when a figure fills half a slide.
SMALL = 8


def side_colours(sides: Sequence[str]) -> dict[str, str]:
    """Map side ids to fixed palette colours so a side looks the same in every figure."""
    return {side: PALETTE[i % len(PALETTE)] for i, side in enumerate(sides)}


def host_of(sides: Sequence[str], side: str) -> str:
    """The side hosting ``side``'s mission: the other of two sides, else ``the host``."""
    others = [s for s in sides if s != side]
    return others[0] if len(sides) == 2 and len(others) == 1 else "the host"


def date_span(summary: dict[str, Any], series: Timeseries) -> tuple[np.datetime64, np.datetime64]:
    """Return the run's date span, from the summary when given, else from the data."""
    if "start" in summary and "end" in summary:
        return to_date(summary["start"]), to_date(summary["end"])
    dates = [d for d, _ in series.values() if d.size]
    if not dates:
        epoch = np.datetime64("2000-01-01", "D")
        return epoch, epoch + 1
    joined = np.concatenate(dates)
    return joined.min(), joined.max()


def format_date_axis(ax: Axes, span: tuple[np.datetime64, np.datetime64]) -> None:
    """Give an axis concise date ticks and the run's full span, so panels line up."""
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    start, end = span
    ax.set_xlim(start, end if end > start else start + 1)


def _legend(ax: Axes, **kwargs: Any) -> None:
    """A frameless legend of the panel's labelled artists, if it has any."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**{"loc": "best", "fontsize": SMALL, "frameon": False, **kwargs})


def _plot_metric(
    ax: Axes,
    series: Timeseries,
    sides: Sequence[str],
    colours: dict[str, str],
    metric: str,
    labels: dict[str, str],
    *,
    steps: bool = False,
) -> None:
    """Draw one metric per side on an axis, each line named in the legend by ``labels``.

    ``steps`` draws a count that changes only at moves (e.g. restrictions in
    force) as a staircase, so it is not misread as a gradual change.
    """
    for side in sides:
        if (side, metric) not in series:
            continue
        dates, values = series[(side, metric)]
        style = "steps-post" if steps else "default"
        ax.plot(dates, values, color=colours[side], lw=1.8, label=labels[side], drawstyle=style)
    ax.set_ylabel(axis_label(metric))
    ax.grid(True, alpha=0.3)
    _legend(ax)


def _number(value: float, _: int | None = None) -> str:
    """A tick value as a briefer reads it: ``17,500``, ``0.25``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def finish(fig: Figure) -> Figure:
    """Write the figure's plain numeric axes with thousands separators; return it."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(FuncFormatter(_number))
    return fig


def new_figure(width: float, height: float) -> Figure:
    """Create a detached figure; the object API never touches a display."""
    return Figure(figsize=(width, height), layout="constrained")


def save_figure(fig: Figure, path: Path) -> Path:
    """Save a PNG without version metadata so identical runs give identical bytes."""
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return path


def _title(summary: dict[str, Any], what: str) -> str:
    """Build a figure title naming the scenario, so a slide says which run it shows."""
    return f"{summary.get('scenario', 'run')}: {what}"


# --- the staff figure and its key of moves ----------------------------------------------

#: Moves the staff figure numbers and lists in its key: those that set the staff or
#: posts a mission may have (``LABELLED``, expulsions, visa policies, reopenings) and
#: those that lift measures. Other moves are ticks; statements are left out.
KEY_MOVES = LABELLED | {"expel", "visa_policy", "reopen_post", "lift", "settle"}
#: Most numbers on the staff figure: a longer key would not fit a slide.
MAX_NUMBERED = 24
#: Days within which one side's key moves share a number, tried in turn until the
#: numbers fit ``MAX_NUMBERED`` (0: the moves of one day). Past the last, later key
#: moves are ticks, and the key says how many.
WINDOWS = (0, 7, 31, 92, 183, 366)
#: Diameter of a numbered marker, in points.
MARKER_PT = 13.0
#: Characters in a line of the key before it wraps (two columns across the figure).
KEY_CHARS = 84


def _moves(events: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Keep applied moves with effect (drop statements), sorted by date."""
    kept = [e for e in events if e.get("move") != "statement" and e.get("date")]
    return sorted(kept, key=lambda e: to_date(e["date"]))


@dataclass
class Numbered:
    """One number on the staff figure: key moves of one side, on one day or a few close
    together.
    """

    number: int
    rows: list[dict[str, str]]

    @property
    def date(self) -> np.datetime64:
        return to_date(self.rows[0]["date"])

    @property
    def last(self) -> np.datetime64:
        return to_date(self.rows[-1]["date"])

    @property
    def actor(self) -> str:
        return self.rows[0].get("actor", "")

    def entry(self, measures: list[dict[str, str]] | None = None,
              summary: dict[str, Any] | None = None) -> str:
        """The key's line: ``1  2017-07-28  RU: Ceiling of 455 staff``, wrapped; moves
        over several days give the first and last.
        """
        when = f"{self.date} to {self.last}" if self.last != self.date else str(self.date)
        text = f"{self.number}  {when}  {brief(self.rows, measures, summary=summary)}"
        return "\n".join(textwrap.wrap(text, KEY_CHARS, subsequent_indent="      "))


@dataclass
class KeyMoves:
    """The staff figure's moves: numbered, and the rest drawn as ticks."""

    numbered: list[Numbered]
    ticks: list[dict[str, str]]
    #: Key moves past ``MAX_NUMBERED``, among the ticks.
    late: int


def _clusters(moves: Sequence[dict[str, str]], window: int) -> list[list[dict[str, str]]]:
    """Each side's moves (in date order) cut where ``window`` days pass without one."""
    clusters: list[list[dict[str, str]]] = []
    open_of: dict[str, list[dict[str, str]]] = {}
    for move in moves:
        actor, day = move.get("actor", ""), to_date(move["date"])
        cluster = open_of.get(actor)
        if cluster is None or int((day - to_date(cluster[-1]["date"])).astype(int)) > window:
            cluster = open_of[actor] = []
            clusters.append(cluster)
        cluster.append(move)
    return clusters


def key_moves(events: Iterable[dict[str, str]]) -> KeyMoves:
    """Number the key moves in date order, one number per side and day, or per side
    and a few weeks or months when there are too many days for the key; the other
    moves are ticks.
    """
    moves = _moves(events)
    key = [e for e in moves if e.get("move") in KEY_MOVES]
    for window in WINDOWS:
        clusters = _clusters(key, window)
        if len(clusters) <= MAX_NUMBERED:
            break
    numbered = [Numbered(i + 1, rows) for i, rows in enumerate(clusters)]
    late = [row for item in numbered[MAX_NUMBERED:] for row in item.rows]
    ticks = [e for e in moves if e.get("move") not in KEY_MOVES]
    return KeyMoves(numbered[:MAX_NUMBERED], ticks + late, len(late))


def marker_lanes(spans: Sequence[tuple[float, float]], min_gap: float) -> list[int]:
    """Give each marker (in date order, spanning its first to last move's day) the lowest
    lane clear of its near neighbours, opening a new lane when none is, so no two
    markers or spans overlap.
    """
    last: list[float] = []
    lanes = []
    for start, end in spans:
        lane = next((i for i, d in enumerate(last) if start - d >= min_gap), len(last))
        if lane == len(last):
            last.append(end)
        else:
            last[lane] = end
        lanes.append(lane)
    return lanes


def _min_gap_days(span: tuple[np.datetime64, np.datetime64], width_in: float) -> float:
    """Days between two markers' centres for them not to touch, on an axis of that width."""
    days = max(float((span[1] - span[0]).astype(int)), 1.0)
    return 1.25 * MARKER_PT * days / (width_in * 72)


def _mark_numbered(strip: Axes, panel: Axes, numbered: Sequence[Numbered],
                   lanes: Sequence[int], colours: dict[str, str]) -> None:
    """Draw each number in a circle of its actor's colour, with a faint line through the
    staff panel on its date; moves over several days run on as a bar to the last.
    """
    for item, lane in zip(numbered, lanes, strict=True):
        colour = colours.get(item.actor, OTHER_COLOUR)
        if item.last > item.date:
            strip.plot([item.date, item.last], [lane, lane], color=colour, lw=4, alpha=0.4,
                       solid_capstyle="butt")
        strip.plot([item.date], [lane], "o", ms=MARKER_PT, color=colour, mec="white",
                   clip_on=False)
        strip.text(item.date, lane, str(item.number), ha="center", va="center", fontsize=7,
                   fontweight="bold", color="white", clip_on=False)
        panel.axvline(item.date, color=colour, lw=0.8, alpha=0.35)


def _mark_ticks(strip: Axes, ticks: Sequence[dict[str, str]], colours: dict[str, str]) -> None:
    """Draw the other moves as ticks on the strip's lowest row, in their actor's colour."""
    by_colour: dict[str, list[np.datetime64]] = {}
    for event in ticks:
        colour = colours.get(event.get("actor", ""), OTHER_COLOUR)
        by_colour.setdefault(colour, []).append(to_date(event["date"]))
    for colour, dates in by_colour.items():  # one artist per colour, however many moves
        strip.plot(dates, [-1] * len(dates), ls="", marker="|", ms=9, mew=1.2, color=colour)


def _style_strip(strip: Axes, lanes: int) -> None:
    """The strip carries markers only: no y ticks, no frame but its base line."""
    strip.set_ylim(-1.6, lanes - 0.4)
    strip.set_yticks([])
    strip.set_ylabel("moves", fontsize=SMALL)
    for spine in ("left", "right", "top"):
        strip.spines[spine].set_visible(False)


def _ticks_entry(moves: KeyMoves) -> str:
    """The key's line for the ticks: how many moves, of which kinds."""
    text = f"ticks: {len(moves.ticks)} other moves ({kinds(moves.ticks)})"
    if moves.late:
        text += f", {moves.late} of them key moves past number {MAX_NUMBERED}"
    return "\n".join(textwrap.wrap(text, KEY_CHARS, subsequent_indent="      "))


def _key(fig: Figure, entries: list[str], moves: KeyMoves, colours: dict[str, str]) -> None:
    """The key below the figure: one line per number, its circle in the actor's colour."""
    handles = [Line2D([], [], ls="", marker="o", ms=8,
                      color=colours.get(item.actor, OTHER_COLOUR)) for item in moves.numbered]
    if moves.ticks:
        handles.append(Line2D([], [], ls="", marker="|", ms=9, mew=1.2, color=OTHER_COLOUR))
    if not handles:
        return
    fig.legend(handles, entries, loc="outside lower center", ncols=2 if len(handles) > 4 else 1,
               fontsize=SMALL, frameon=False, alignment="left", title_fontsize=SMALL,
               title="Key moves, numbered in date order and coloured by the side that made "
                     "them (statements left out)")


STAFF_STYLES = (("staff_total", "-", "all staff"), ("staff_expat", "--", "expatriates"),
                ("staff_local", ":", "local employees"))


def _plot_staff_lines(
    ax: Axes, series: Timeseries, sides: Sequence[str], colours: dict[str, str],
    summary: dict[str, Any]
) -> None:
    """Draw all staff (solid), expatriates (dashed) and local employees (dotted) of each
    mission in its colour, named in the legend.
    """
    for side in sides:
        for metric, style, word in STAFF_STYLES:
            if (side, metric) in series:
                dates, values = series[(side, metric)]
                ax.plot(dates, values, ls=style, color=colours[side], lw=1.6,
                        label=f"{mission_name(summary, side)}: {word}")
    ax.set_ylabel(axis_label("staff_total"))
    ax.grid(True, alpha=0.3)
    _legend(ax, ncols=max(len(sides), 1))


def plot_staff(
    series: Timeseries, events: list[dict[str, str]], summary: dict[str, Any],
    measures: list[dict[str, str]] | None = None,
) -> Figure:
    """Plot each mission's staff under numbered markers of the moves that drove it, with
    a key of those moves in words below: the figure a briefer leads with. ``measures``
    (measures.csv) lets the key say what a lift lifted.
    """
    sides = side_ids(summary, series)
    colours = side_colours(sides)
    span = date_span(summary, series)
    moves = key_moves(events)
    width = 12.0
    lanes = marker_lanes([(float(n.date.astype(int)), float(n.last.astype(int)))
                          for n in moves.numbered],
                         _min_gap_days(span, width - 1.3))
    rows = max(lanes, default=-1) + 2  # the lanes and the row of ticks
    strip_h = 0.3 * rows + 0.15
    entries = [n.entry(measures, summary) for n in moves.numbered] + (
        [_ticks_entry(moves)] if moves.ticks else [])
    key_lines = sum(e.count("\n") + 1 for e in entries) / (2 if len(entries) > 4 else 1)
    key_h = 0.5 + 0.19 * (key_lines + 1)
    fig = new_figure(width, 1.0 + strip_h + 5.0 + key_h)
    strip, ax = fig.subplots(2, 1, sharex=True, height_ratios=[strip_h, 5.0])
    _plot_staff_lines(ax, series, sides, colours, summary)
    _mark_numbered(strip, ax, moves.numbered, lanes, colours)
    _mark_ticks(strip, moves.ticks, colours)
    _style_strip(strip, rows - 1)
    format_date_axis(ax, span)
    _key(fig, entries, moves, colours)
    fig.suptitle(_title(summary, "mission staff, and the moves that drove it"))
    return finish(fig)


# --- visas for the missions' staff, consular output --------------------------------------


def plot_visa_queue(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot each mission's staff waiting for the host's visa, and the visas the host
    refused them, saying who refuses whom: how the dispute chokes a mission.
    """
    sides = side_ids(summary, series)
    colours = side_colours(sides)
    names = {side: mission_name(summary, side) for side in sides}
    fig = new_figure(11, 6.5)
    top, bottom = fig.subplots(2, 1, sharex=True)
    _plot_metric(top, series, sides, colours, "visa_queue",
                 {s: f"{names[s]}: waiting for a visa from {host_of(sides, s)}" for s in sides})
    top.set_title("Replacements for the missions' staff waiting for the host's visa",
                  fontsize=9)
    _plot_metric(bottom, series, sides, colours, "visas_denied",
                 {s: f"{names[s]}: staff refused visas (by {host_of(sides, s)})" for s in sides})
    bottom.set_title("Visas the host refused the missions' staff, added up from the start",
                     fontsize=9)
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "visas for the missions' staff"))
    return finish(fig)


def plot_consular_output(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot each mission's visas issued a month to host nationals, the service the
    public notices.
    """
    sides = side_ids(summary, series)
    fig = new_figure(11, 4.5)
    ax = fig.subplots()
    _plot_metric(ax, series, sides, side_colours(sides), "consular_output",
                 {side: mission_name(summary, side) for side in sides})
    format_date_axis(ax, date_span(summary, series))
    fig.suptitle(_title(summary, "visas issued to host nationals (consular output)"))
    return finish(fig)


# --- restrictions in force ---------------------------------------------------------------

#: Most measures drawn as bars: beyond it a figure stops being readable (and a file of
#: thousands of moves would make an image of hundreds of megapixels).
MAX_BARS = 60
#: Height of a row of the restrictions chart, in inches.
ROW_INCHES = 0.25
OWN_HATCH = "///"


def _sorted_measures(measures: list[dict[str, str]], sides: Sequence[str]) -> list[dict[str, str]]:
    """Group measures by target side (data order), then by start date, for a readable Gantt."""
    rank = {side: i for i, side in enumerate(sides)}

    def key(m: dict[str, str]) -> tuple[int, str, np.datetime64, str]:
        target = m.get("target", "")
        return (rank.get(target, len(rank)), target, to_date(m["start"]), m.get("id", ""))

    return sorted((m for m in measures if m.get("start")), key=key)


def _longest(rows: list[dict[str, str]], most: int) -> list[dict[str, str]]:
    """The ``most`` measures in force longest, kept in their order."""
    def days(m: dict[str, str]) -> int:
        end = (m.get("end") or "").strip() or "9999-12-31"
        return int((to_date(end) - to_date(m["start"])).astype(int))

    keep = {id(m) for m in sorted(rows, key=days, reverse=True)[:most]}
    return [m for m in rows if id(m) in keep]


def _with_headings(rows: list[dict[str, str]]) -> list[tuple[str, dict[str, str] | None]]:
    """The chart's rows: before each target's measures a heading row (measure None)."""
    laid: list[tuple[str, dict[str, str] | None]] = []
    for measure in rows:
        target = measure.get("target", "")
        if not laid or laid[-1][0] != target:
            laid.append((target, None))
        laid.append((target, measure))
    return laid


def _restriction_legend(ax: Axes, targets: Sequence[str], colours: dict[str, str],
                        summary: dict[str, Any], own: bool) -> None:
    """Say what the colours and the hatching mean, above the chart."""
    handles = [Patch(color=colours[s], alpha=0.8, label=f"On the {mission_name(summary, s)}")
               for s in targets]
    if own:
        handles.append(Patch(facecolor="white", edgecolor=OTHER_COLOUR, hatch=OWN_HATCH,
                             label="hatched: by a side on its own mission (e.g. closing "
                                   "its own post)"))
    if handles:
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), fontsize=SMALL,
                  ncols=min(len(handles), 2), frameon=False)


def plot_restrictions(
    measures: list[dict[str, str]], series: Timeseries, summary: dict[str, Any]
) -> Figure:
    """Draw every measure as a bar from start to end, in words, grouped under the mission
    it restricts and coloured by it.

    A side's measures on its own mission (closing its own post) are hatched;
    concessions (a banking guarantee) are left out: they restrict nothing.
    """
    sides = side_ids(summary, series)
    colours = side_colours(sides)
    span = date_span(summary, series)
    shown = [m for m in measures if m.get("kind", "restriction") != "concession"]
    rows = _sorted_measures(shown, sides)
    hidden = max(0, len(rows) - MAX_BARS)
    rows = _longest(rows, MAX_BARS) if hidden else rows
    laid = _with_headings(rows)
    fig = new_figure(12, max(3.0, 1.9 + ROW_INCHES * len(laid)))
    ax = fig.subplots()
    labels = []
    for i, (target, measure) in enumerate(laid):
        if measure is None:
            labels.append(f"On the {mission_name(summary, target)}")
            if i:
                ax.axhline(i - 0.5, color=OTHER_COLOUR, lw=0.8)
            continue
        labels.append(short(measure, summary))
        start = to_date(measure["start"])
        end = to_date(measure["end"]) if (measure.get("end") or "").strip() else span[1]
        width = max(int((end - start).astype(int)), 1)
        hatch = OWN_HATCH if measure.get("kind") == "own" else None
        ax.barh(i, np.timedelta64(width, "D"), left=start, height=0.7,
                color=colours.get(target, OTHER_COLOUR), alpha=0.8, hatch=hatch,
                edgecolor="white" if hatch else None)
    ax.set_yticks(range(len(laid)), labels, fontsize=SMALL)
    for tick, (_, measure) in zip(ax.get_yticklabels(), laid, strict=True):
        if measure is None:
            tick.set_fontweight("bold")
    ax.set_ylim(len(laid) - 0.5 if laid else 0.5, -0.5)
    if not rows:
        _note(ax, "No restrictions in force")
    targets = list(dict.fromkeys(target for target, _ in laid))
    _restriction_legend(ax, [t for t in targets if t in colours], colours, summary,
                        any(m is not None and m.get("kind") == "own" for _, m in laid))
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_xlabel("date (a bar runs from the move to its lifting, or to the end of the run; "
                  "concessions are not drawn)", fontsize=SMALL)
    format_date_axis(ax, span)
    fig.suptitle(_title(summary, "restrictions in force, by the mission they restrict"))
    if hidden:
        fig.text(0.99, 0.01, f"and {hidden} shorter measures not drawn", ha="right",
                 fontsize=SMALL)
    return finish(fig)


def plot_tension(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot tension between the sides above each mission's count of restrictions, to show
    escalation.
    """
    sides = side_ids(summary, series)
    fig = new_figure(11, 6)
    top, bottom = fig.subplots(2, 1, sharex=True)
    if (BOTH, "tension") in series:
        dates, values = series[(BOTH, "tension")]
        top.plot(dates, values, color=JOINT_COLOUR, lw=1.8)
    top.set_title("Tension: the harm of hostile moves, fading with time, and of the "
                  "restrictions in force", fontsize=9)
    top.set_ylabel(axis_label("tension"))
    top.grid(True, alpha=0.3)
    _plot_metric(bottom, series, sides, side_colours(sides), "restrictions_in_force",
                 {side: f"on the {mission_name(summary, side)}" for side in sides}, steps=True)
    bottom.set_title("Restrictions in force on each mission", fontsize=9)
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "tension and restrictions"))
    return finish(fig)


def _note(ax: Axes, text: str) -> None:
    """Write a note in the middle of an empty panel, so a blank reads as 'nothing to show'."""
    ax.text(0.5, 0.5, text, ha="center", va="center", color=OTHER_COLOUR,
            transform=ax.transAxes)


def _note_if_empty(ax: Axes, text: str = "Not in this run's output") -> None:
    """Note an axis with no lines: e.g. a run written before the metric existed."""
    if not ax.get_lines():
        _note(ax, text)


def _plot_series(
    ax: Axes, series: Timeseries, key: tuple[str, str], colour: str, label: str, ls: str = "-"
) -> bool:
    """Draw one series as it was written (empty values stay gaps); say whether it exists."""
    if key not in series:
        return False
    dates, values = series[key]
    ax.plot(dates, values, color=colour, lw=1.8, ls=ls, label=label)
    return True


def _any_nonzero(series: Timeseries, key: tuple[str, str]) -> bool:
    """Whether a series has any value other than zero (gaps do not count)."""
    if key not in series:
        return False
    values = series[key][1]
    return bool(np.any(values[~np.isnan(values)] != 0))


def has_queue(series: Timeseries, side: str) -> bool:
    """Whether host nationals queue for the side's visas: anyone waiting or sent elsewhere.

    A scenario without a visa demand serves applicants as they come, so such a
    side never has a backlog, a wait or applicants going to a third country.
    """
    return _any_nonzero(series, (side, "visa_backlog")) or _any_nonzero(
        series, (side, "visas_elsewhere")
    )


def _gaps(dates: np.ndarray, values: np.ndarray) -> list[tuple[np.datetime64, np.datetime64]]:
    """Spans of empty samples, each to the next sample with a value (or to its own date)."""
    empty = np.isnan(values)
    spans = []
    i = 0
    while i < len(values):
        if not empty[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(values) and empty[j + 1]:
            j += 1
        end = dates[j + 1] if j + 1 < len(dates) else dates[j]
        spans.append((dates[i], end))
        i = j + 1
    return spans


def _mark_no_interviews(
    ax: Axes, dates: np.ndarray, values: np.ndarray, colour: str, name: str, lane: int
) -> None:
    """Shade the weeks with no interviews held, and say so inside the longest such spell."""
    spans = _gaps(dates, values)
    for k, (start, end) in enumerate(spans):
        ax.axvspan(start, max(end, start + 1), color=colour, alpha=0.12, lw=0,
                   label=f"{name}: no interviews held" if k == 0 else None)
    if not spans or not dates.size:
        return
    start, end = max(spans, key=lambda span: span[1] - span[0])
    width = max(int((dates[-1] - dates[0]).astype(int)), 1)
    if int((end - start).astype(int)) >= width / 10:
        middle = start + (end - start) // 2
        ax.text(middle, 0.55 - 0.12 * lane, "no interviews", ha="center", va="center",
                fontsize=8, color=colour, transform=ax.get_xaxis_transform())


def plot_consular_service(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot the visa service host nationals get: visas issued, applicants turned away, waits.

    Sides with a queue (any backlog or applicants going elsewhere) show visas
    issued (solid) and applicants a month who went to a third country (dashed)
    on top, and the wait for an interview below, shaded where no interviews were
    held. Sides without a queue but with consular output show visas issued only;
    sides with neither are left out.
    """
    sides = side_ids(summary, series)
    colours = side_colours(sides)
    queued = [side for side in sides if has_queue(series, side)]
    shown = [s for s in sides if s in queued or _any_nonzero(series, (s, "consular_output"))]
    fig = new_figure(11, 7)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for side in shown:
        name, colour = mission_name(summary, side), colours[side]
        _plot_series(top, series, (side, "consular_output"), colour, f"{name}: visas issued")
        if side not in queued:
            continue
        _plot_series(top, series, (side, "visas_elsewhere"), colour,
                     f"{name}: applied in a third country", ls="--")
        if _plot_series(bottom, series, (side, "visa_wait_days"), colour, name):
            dates, values = series[(side, "visa_wait_days")]
            _mark_no_interviews(bottom, dates, values, colour, name, queued.index(side))
    top.set_title("Visas issued to host nationals, and applicants who went to a third country",
                  fontsize=9)
    top.set_ylabel("applicants (per month)")
    bottom.set_title("Wait for a visa interview, for someone applying that week", fontsize=9)
    bottom.set_ylabel(axis_label("visa_wait_days"))
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
        if ax.get_lines():
            ax.set_ylim(bottom=0)
            _legend(ax)
    _note_if_empty(top, "No visas issued to host nationals in this run")
    _note_if_empty(bottom, "No visa queue in this run: applicants are seen as they come")
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "visa service to host nationals"))
    return finish(fig)


def _missions_figure(
    series: Timeseries, summary: dict[str, Any], metric: str, what: str
) -> Figure:
    """One metric for every mission on one panel, each named in the legend."""
    sides = side_ids(summary, series)
    names = {side: mission_name(summary, side) for side in sides}
    fig = new_figure(11, 4.5)
    ax = fig.subplots()
    _plot_metric(ax, series, sides, side_colours(sides), metric, names)
    if ax.get_lines():
        ax.set_ylim(bottom=0)
    _note_if_empty(ax)
    format_date_axis(ax, date_span(summary, series))
    fig.suptitle(_title(summary, what))
    return finish(fig)


def plot_work_capacity(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot each mission's diplomat-days a month for its work, after travel rules and bans."""
    return _missions_figure(series, summary, "work_capacity",
                            "work capacity (diplomat-days a month for the mission's work)")


def plot_cost_per_head(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot what each mission costs a year per member of staff: the price of seizures and bans."""
    return _missions_figure(series, summary, "cost_per_head",
                            "running cost per member of staff")


def plot_parity(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot how far the missions are from parity: the staff difference and the visa ratio.

    The first side is the summary's first; the reference lines mark parity
    (no difference in staff, as many visas granted to each mission's staff).
    """
    sides = side_ids(summary, series)
    first, second = (
        (mission_name(summary, sides[0]), mission_name(summary, sides[1]))
        if len(sides) >= 2
        else ("first mission", "second mission")
    )
    fig = new_figure(11, 6.5)
    top, bottom = fig.subplots(2, 1, sharex=True)
    if _plot_series(top, series, (BOTH, "staff_gap"), JOINT_COLOUR, f"{first} minus {second}"):
        top.axhline(0, color=REFERENCE_COLOUR, lw=1, ls=":", label="equal staff")
    top.set_title("Difference in staff (expatriates and local employees)", fontsize=9)
    top.set_ylabel(axis_label("staff_gap"))
    if _plot_series(bottom, series, (BOTH, "visa_reciprocity"), JOINT_COLOUR,
                    f"visas to staff of {first} / to staff of {second}"):
        bottom.axhline(1, color=REFERENCE_COLOUR, lw=1, ls="--", label="parity (1)")
    bottom.set_title("Visas the hosts granted each mission's staff in the last 365 days, ratio",
                     fontsize=9)
    bottom.set_ylabel(axis_label("visa_reciprocity"))
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
        if ax.get_lines():
            _legend(ax)
        _note_if_empty(ax)
    if bottom.get_lines():
        bottom.set_ylim(bottom=0)
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "parity between the missions"))
    return finish(fig)


#: The briefing figures of a run, in the order they are written.
FIGURE_NAMES = (
    "staff.png",
    "visa_queue.png",
    "consular_output.png",
    "restrictions.png",
    "tension.png",
    "consular_service.png",
    "work_capacity.png",
    "cost_per_head.png",
    "parity.png",
)


def build_figures(run_dir: Path) -> dict[str, Figure]:
    """Build the briefing figures of a run directory without saving them.

    Parameters
    ----------
    run_dir : Path
        Directory holding ``timeseries.csv``, ``events.csv``, ``measures.csv``
        and ``summary.json``.

    Returns
    -------
    dict of str to Figure
        File name to figure, in :data:`FIGURE_NAMES` order.
    """
    run_dir = Path(run_dir)
    series = read_timeseries(run_dir / "timeseries.csv")
    events = read_events(run_dir / "events.csv")
    measures = read_measures(run_dir / "measures.csv")
    summary = read_summary(run_dir / "summary.json")
    figures = {
        "staff.png": plot_staff(series, events, summary, measures),
        "visa_queue.png": plot_visa_queue(series, summary),
        "consular_output.png": plot_consular_output(series, summary),
        "restrictions.png": plot_restrictions(measures, series, summary),
        "tension.png": plot_tension(series, summary),
        "consular_service.png": plot_consular_service(series, summary),
        "work_capacity.png": plot_work_capacity(series, summary),
        "cost_per_head.png": plot_cost_per_head(series, summary),
        "parity.png": plot_parity(series, summary),
    }
    return {name: figures[name] for name in FIGURE_NAMES}


def make_figures(run_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Write the briefing PNGs of a run directory and return their paths.

    Parameters
    ----------
    run_dir : Path
        Directory holding ``timeseries.csv``, ``events.csv``, ``measures.csv``
        and ``summary.json``.
    out_dir : Path, optional
        Where to write the figures; defaults to ``run_dir / "figures"``.

    Returns
    -------
    list of Path
        One PNG per name in :data:`FIGURE_NAMES`, in that order.
    """
    run_dir = Path(run_dir)
    out = Path(out_dir) if out_dir is not None else run_dir / "figures"
    out.mkdir(parents=True, exist_ok=True)
    return [save_figure(fig, out / name) for name, fig in build_figures(run_dir).items()]
