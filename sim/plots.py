"""Briefing figures drawn from a finished run's output files.

The figures are built only from what a run wrote to disk (``timeseries.csv``,
``events.csv``, ``measures.csv`` and ``summary.json``), never from live model
objects, so any saved run can be re-plotted and two runs can be compared later
with the same readers. Side ids are always taken from the data. Figures use
matplotlib's object API (no pyplot global state, no window) and are saved
without version metadata so that the same run gives byte-identical PNGs.
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
) -> None:
    """Draw one metric per side on an axis, optionally as a running total.

    ``steps`` draws a count that changes only at moves (e.g. restrictions in
    force) as a staircase, so it is not misread as a gradual change.
    """
    for side in sides:
        if (side, metric) not in series:
            continue
        dates, values = series[(side, metric)]
        if cumulative:
            values = np.nancumsum(values)
        style = "steps-post" if steps else "default"
        ax.plot(dates, values, color=colours[side], lw=1.8, label=side, drawstyle=style)
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
    for event in moves:
        colour = colours.get(event.get("actor", ""), OTHER_COLOUR)
        day = to_date(event["date"])
        panel.axvline(day, color=colour, lw=0.6, alpha=0.35)
        strip.axvline(day, color=colour, lw=0.6, alpha=0.6)
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
    series: Timeseries, events: list[dict[str, str]], summary: dict[str, Any], path: Path
) -> Path:
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
    return save_figure(fig, path)


def plot_visa_queue(series: Timeseries, summary: dict[str, Any], path: Path) -> Path:
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
    return save_figure(fig, path)


def plot_consular_output(series: Timeseries, summary: dict[str, Any], path: Path) -> Path:
    """Plot each mission's visas issued per month, the service the public notices."""
    sides = side_ids(summary, series)
    fig = new_figure(11, 4.5)
    ax = fig.subplots()
    _plot_metric(ax, series, sides, side_colours(sides), "consular_output")
    ax.set_ylabel("visas issued per month")
    format_date_axis(ax, date_span(summary, series))
    fig.suptitle(_title(summary, "consular output"))
    return save_figure(fig, path)


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
    measures: list[dict[str, str]], series: Timeseries, summary: dict[str, Any], path: Path
) -> Path:
    """Draw every measure as a bar from start to end, coloured by the side it targets.

    A side's measures on its own mission (closing its own post) are hatched;
    concessions (a banking guarantee) are left out: they restrict nothing.
    """
    sides = side_ids(summary, series)
    colours = side_colours(sides)
    span = date_span(summary, series)
    shown = [m for m in measures if m.get("kind", "restriction") != "concession"]
    rows = _sorted_measures(shown, sides)
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
    return save_figure(fig, path)


def plot_tension(series: Timeseries, summary: dict[str, Any], path: Path) -> Path:
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
    return save_figure(fig, path)


def make_figures(run_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Write the five briefing PNGs for a run directory and return their paths.

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
        ``staff.png``, ``visa_queue.png``, ``consular_output.png``,
        ``restrictions.png`` and ``tension.png``, in that order.
    """
    run_dir = Path(run_dir)
    out = Path(out_dir) if out_dir is not None else run_dir / "figures"
    out.mkdir(parents=True, exist_ok=True)
    series = read_timeseries(run_dir / "timeseries.csv")
    events = read_events(run_dir / "events.csv")
    measures = read_measures(run_dir / "measures.csv")
    summary = read_summary(run_dir / "summary.json")
    return [
        plot_staff(series, events, summary, out / "staff.png"),
        plot_visa_queue(series, summary, out / "visa_queue.png"),
        plot_consular_output(series, summary, out / "consular_output.png"),
        plot_restrictions(measures, series, summary, out / "restrictions.png"),
        plot_tension(series, summary, out / "tension.png"),
    ]
