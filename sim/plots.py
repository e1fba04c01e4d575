"""Briefing figures drawn from a finished run's output files.

The figures are built only from what a run wrote to disk (``timeseries.csv``,
``events.csv``, ``measures.csv`` and ``summary.json``), never from live model
objects, so any saved run can be re-plotted and two runs can be compared later
with the same readers. Side ids are always taken from the data. Each ``plot_*``
function returns a matplotlib Figure (built with the object API: no pyplot
global state, no window); :func:`make_figures` saves them without version
metadata so that the same run gives byte-identical PNGs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

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
LABEL_CHARS = 20
LABEL_LANES = 2
#: Colour of joint series (both missions) and of reference lines.
JOINT_COLOUR = "black"
REFERENCE_COLOUR = "#555555"
#: Axis labels, with units, of the metrics a briefer is shown (run and overlay figures).
AXIS_LABELS = {
    "staff_total": "staff (people)",
    "staff_local": "local employees (people)",
    "posts_open": "posts open",
    "consular_output": "visas issued a month",
    "restrictions_in_force": "restrictions in force",
    "tension": "tension (points of harm)",
    "restrictions_weighted": "restrictions (sum of severities)",
    "visa_wait_days": "wait for a visa interview (days)",
    "work_capacity": "diplomat-days a month",
    "cost_per_head": "thousand USD a year per member of staff",
    "staff_gap": "difference in staff (people)",
    "visa_reciprocity": "ratio of visas granted (1 = parity)",
}


def axis_label(metric: str) -> str:
    """The metric's axis label with its unit, else its name in words."""
    return AXIS_LABELS.get(metric, metric.replace("_", " "))


def side_name(summary: dict[str, Any], side: str) -> str:
    """The mission's name from the summary (e.g. ``US mission in Russia``), else its id."""
    if side == BOTH:
        return "both missions"
    entry = summary.get("sides", {}).get(side)
    name = entry.get("name") if isinstance(entry, dict) else None
    return str(name or side)


def side_colours(sides: Sequence[str]) -> dict[str, str]:
    """Map side ids to fixed palette colours so a side looks the same in every figure."""
    return {side: PALETTE[i % len(PALETTE)] for i, side in enumerate(sides)}


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


def _plot_metric(
    ax: Axes,
    series: Timeseries,
    sides: Sequence[str],
    colours: dict[str, str],
    metric: str,
    *,
    cumulative: bool = False,
    steps: bool = False,
    labels: dict[str, str] | None = None,
) -> None:
    """Draw one metric per side on an axis, optionally as a running total.

    ``steps`` draws a count that changes only at moves (e.g. restrictions in
    force) as a staircase, so it is not misread as a gradual change. ``labels``
    names the sides in the legend (their ids by default).
    """
    for side in sides:
        if (side, metric) not in series:
            continue
        dates, values = series[(side, metric)]
        if cumulative:
            values = np.nancumsum(values)
        style = "steps-post" if steps else "default"
        label = labels.get(side, side) if labels else side
        ax.plot(dates, values, color=colours[side], lw=1.8, label=label, drawstyle=style)
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8, frameon=False)


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


def short_label(event: dict[str, str]) -> str:
    """Shorten an event to e.g. ``US expel 60``: actor, move and its first parameter.

    The text is cut to ``LABEL_CHARS`` so a label never runs into the lane above it.
    """
    first = (event.get("detail") or "").split(" ")[0]
    value = first.split("=", 1)[1] if "=" in first else ""
    text = f"{event.get('actor', '')} {event.get('move', '').replace('_', ' ')} {value}".strip()
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def is_labelled(event: dict[str, str]) -> bool:
    """Say whether a move deserves a text label: a count in its detail or a key move."""
    move = event.get("move", "")
    if move == "statement":
        return False
    return move in LABELLED or bool(re.search(r"\d", event.get("detail") or ""))


def _assign_lanes(
    days: Sequence[float], min_gap: float, lanes: int = LABEL_LANES
) -> list[int | None]:
    """Give each label (in date order) the first lane free of near neighbours, or None.

    Skipping a label when every lane is crowded keeps the strip readable; the move
    is still marked by its line.
    """
    last: list[float] = [-np.inf] * lanes
    assigned: list[int | None] = []
    for day in days:
        lane = next((i for i in range(lanes) if day - last[i] >= min_gap), None)
        if lane is not None:
            last[lane] = day
        assigned.append(lane)
    return assigned


def _moves(events: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Keep applied moves with effect (drop statements), sorted by date for labelling."""
    kept = [e for e in events if e.get("move") != "statement" and e.get("date")]
    return sorted(kept, key=lambda e: to_date(e["date"]))


def _mark_moves(
    strip: Axes,
    panel: Axes,
    moves: Sequence[dict[str, str]],
    colours: dict[str, str],
    span: tuple[np.datetime64, np.datetime64],
) -> None:
    """Mark every move as a thin line coloured by actor; label key ones in staggered lanes."""
    by_colour: dict[str, list[np.datetime64]] = {}
    for event in moves:
        by_colour.setdefault(colours.get(event.get("actor", ""), OTHER_COLOUR), []).append(
            to_date(event["date"]))
    for colour, days_of in by_colour.items():  # one collection per colour, however many
        panel.vlines(days_of, 0, 1, transform=panel.get_xaxis_transform(), color=colour,
                     lw=0.6, alpha=0.35)
        strip.vlines(days_of, 0, 1, transform=strip.get_xaxis_transform(), color=colour,
                     lw=0.6, alpha=0.6)
    labelled = [e for e in moves if is_labelled(e)]
    days = [float(to_date(e["date"]).astype(int)) for e in labelled]
    width = max(float((span[1] - span[0]).astype(int)), 1.0)
    lanes = _assign_lanes(days, min_gap=width / 90)
    for event, lane in zip(labelled, lanes, strict=True):
        if lane is None:
            continue
        colour = colours.get(event.get("actor", ""), OTHER_COLOUR)
        strip.text(
            to_date(event["date"]),
            0.01 + lane / LABEL_LANES,
            short_label(event),
            rotation=90,
            fontsize=6,
            color=colour,
            ha="left",
            va="bottom",
            clip_on=True,
            transform=strip.get_xaxis_transform(),
        )


STAFF_STYLES = (("staff_total", "-", "total"), ("staff_expat", "--", "expat"))
STAFF_STYLES += (("staff_local", ":", "local"),)


def _plot_staff_lines(
    ax: Axes, series: Timeseries, sides: Sequence[str], colours: dict[str, str]
) -> None:
    """Draw total (solid), expat (dashed) and local (dotted) staff in each side's colour."""
    for side in sides:
        for metric, style, word in STAFF_STYLES:
            if (side, metric) in series:
                dates, values = series[(side, metric)]
                label = f"{side} {word}"
                ax.plot(dates, values, ls=style, color=colours[side], lw=1.6, label=label)
    ax.set_ylabel("staff")
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8, ncols=max(len(sides), 1), frameon=False)


def _style_strip(strip: Axes) -> None:
    """Strip the move strip of y ticks and spines: it only carries lines and labels."""
    strip.set_yticks([])
    strip.set_ylim(0, 1)
    strip.set_title("Moves (thin lines, coloured by actor; statements omitted)", fontsize=9)
    for spine in ("left", "right", "top"):
        strip.spines[spine].set_visible(False)


def plot_staff(
    series: Timeseries, events: list[dict[str, str]], summary: dict[str, Any]
) -> Figure:
    """Plot staff per side with the moves that drove it, the figure a briefer leads with."""
    sides = side_ids(summary, series)
    colours = side_colours(sides)
    span = date_span(summary, series)
    fig = new_figure(12, 8)
    strip, ax = fig.subplots(2, 1, sharex=True, height_ratios=[1.5, 4.5])
    _plot_staff_lines(ax, series, sides, colours)
    _mark_moves(strip, ax, _moves(events), colours, span)
    _style_strip(strip)
    format_date_axis(ax, span)
    fig.suptitle(_title(summary, "mission staff"))
    return fig


def plot_visa_queue(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot visa backlog and cumulative denials, showing how the dispute chokes visas."""
    sides = side_ids(summary, series)
    colours = side_colours(sides)
    fig = new_figure(11, 6.5)
    top, bottom = fig.subplots(2, 1, sharex=True)
    _plot_metric(top, series, sides, colours, "visa_queue")
    top.set_ylabel("visa queue")
    _plot_metric(bottom, series, sides, colours, "visas_denied")
    bottom.set_ylabel("visas denied (cumulative)")
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "visa queue and denials"))
    return fig


def plot_consular_output(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot each mission's visas issued per month, the service the public notices."""
    sides = side_ids(summary, series)
    fig = new_figure(11, 4.5)
    ax = fig.subplots()
    _plot_metric(ax, series, sides, side_colours(sides), "consular_output")
    ax.set_ylabel("visas issued per month")
    format_date_axis(ax, date_span(summary, series))
    fig.suptitle(_title(summary, "consular output"))
    return fig


def _measure_label(measure: dict[str, str]) -> str:
    """Label a measure row as ``actor→target move: detail``, trimmed to fit the margin."""
    actor, target = measure.get("actor", ""), measure.get("target", "")
    text = f"{actor}→{target} {measure.get('move', '')}"
    detail = (measure.get("detail") or "").strip()
    if detail:
        text += f": {detail}"
    return text if len(text) <= 48 else text[:47] + "…"


def _sorted_measures(measures: list[dict[str, str]], sides: Sequence[str]) -> list[dict[str, str]]:
    """Group measures by target side (data order), then by start date, for a readable Gantt."""
    rank = {side: i for i, side in enumerate(sides)}

    def key(m: dict[str, str]) -> tuple[int, str, np.datetime64, str]:
        target = m.get("target", "")
        return (rank.get(target, len(rank)), target, to_date(m["start"]), m.get("id", ""))

    return sorted((m for m in measures if m.get("start")), key=key)


def plot_restrictions(
    measures: list[dict[str, str]], series: Timeseries, summary: dict[str, Any]
) -> Figure:
    """Draw every measure as a bar from start to end, coloured by the side it targets.

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
    fig = new_figure(12, max(3.0, 1.6 + 0.27 * len(rows)))
    ax = fig.subplots()
    for i, measure in enumerate(rows):
        start = to_date(measure["start"])
        end = to_date(measure["end"]) if (measure.get("end") or "").strip() else span[1]
        width = max(int((end - start).astype(int)), 1)
        colour = colours.get(measure.get("target", ""), OTHER_COLOUR)
        hatch = "///" if measure.get("kind") == "own" else None
        ax.barh(i, np.timedelta64(width, "D"), left=start, height=0.7, color=colour, alpha=0.8,
                hatch=hatch, edgecolor="white" if hatch else None)
    ax.set_yticks(range(len(rows)), [_measure_label(m) for m in rows], fontsize=7.5)
    ax.set_ylim(len(rows) - 0.5 if rows else 0.5, -0.5)
    if not rows:
        ax.text(0.5, 0.5, "No restrictions in force", ha="center", transform=ax.transAxes)
    targets = [s for s in sides if any(m.get("target") == s for m in rows)]
    if targets:
        handles = [Patch(color=colours[s], alpha=0.8, label=f"targets {s}") for s in targets]
        ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0, 1),
            fontsize=8,
            ncols=len(handles),
            frameon=False,
        )
    ax.grid(True, axis="x", alpha=0.3)
    format_date_axis(ax, span)
    fig.suptitle(_title(summary, "restrictions in force"))
    if hidden:
        fig.text(0.99, 0.01, f"and {hidden} shorter measures not drawn", ha="right",
                 fontsize=8)
    return fig


#: Most measures drawn as bars: beyond it a figure stops being readable (and a file of
#: thousands of moves would make an image of hundreds of megapixels).
MAX_BARS = 60


def _longest(rows: list[dict[str, str]], most: int) -> list[dict[str, str]]:
    """The ``most`` measures in force longest, kept in their order."""
    def days(m: dict[str, str]) -> int:
        end = (m.get("end") or "").strip() or "9999-12-31"
        return int((to_date(end) - to_date(m["start"])).astype(int))

    keep = {id(m) for m in sorted(rows, key=days, reverse=True)[:most]}
    return [m for m in rows if id(m) in keep]


def plot_tension(series: Timeseries, summary: dict[str, Any]) -> Figure:
    """Plot overall tension above each side's count of restrictions, to show escalation."""
    sides = side_ids(summary, series)
    fig = new_figure(11, 6)
    top, bottom = fig.subplots(2, 1, sharex=True)
    if (BOTH, "tension") in series:
        dates, values = series[(BOTH, "tension")]
        top.plot(dates, values, color="black", lw=1.8)
    top.set_ylabel("tension")
    top.grid(True, alpha=0.3)
    _plot_metric(bottom, series, sides, side_colours(sides), "restrictions_in_force", steps=True)
    bottom.set_ylabel("restrictions in force")
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "tension and restrictions"))
    return fig


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
        name, colour = side_name(summary, side), colours[side]
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
    top.set_ylabel("applicants a month")
    bottom.set_title("Wait for a visa interview, for someone applying that week", fontsize=9)
    bottom.set_ylabel(axis_label("visa_wait_days"))
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
        if ax.get_lines():
            ax.set_ylim(bottom=0)
            ax.legend(loc="best", fontsize=8, frameon=False)
    _note_if_empty(top, "No visas issued to host nationals in this run")
    _note_if_empty(bottom, "No visa queue in this run: applicants are seen as they come")
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "visa service to host nationals"))
    return fig


def _missions_figure(
    series: Timeseries, summary: dict[str, Any], metric: str, what: str
) -> Figure:
    """One metric for every mission on one panel, each named in the legend."""
    sides = side_ids(summary, series)
    names = {side: side_name(summary, side) for side in sides}
    fig = new_figure(11, 4.5)
    ax = fig.subplots()
    _plot_metric(ax, series, sides, side_colours(sides), metric, labels=names)
    ax.set_ylabel(axis_label(metric))
    if ax.get_lines():
        ax.set_ylim(bottom=0)
    _note_if_empty(ax)
    format_date_axis(ax, date_span(summary, series))
    fig.suptitle(_title(summary, what))
    return fig


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
        (side_name(summary, sides[0]), side_name(summary, sides[1]))
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
            ax.legend(loc="best", fontsize=8, frameon=False)
        _note_if_empty(ax)
    if bottom.get_lines():
        bottom.set_ylim(bottom=0)
    format_date_axis(bottom, date_span(summary, series))
    fig.suptitle(_title(summary, "parity between the missions"))
    return fig


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
        "staff.png": plot_staff(series, events, summary),
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
