"""Overlay figures of runs, baseline first: one figure per headline metric and side.

Each run is drawn in its own colour; ticks along the bottom mark the moves where
a run departs from the baseline, so a briefer sees where a what-if begins. The
wait for a visa interview is drawn only for sides with a visa queue in some run:
without one, applicants are seen as they come and the wait is always 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.compare import HEADLINE, Run
from sim.plots import (
    OTHER_COLOUR,
    SMALL,
    date_span,
    finish,
    format_date_axis,
    has_queue,
    new_figure,
    save_figure,
    side_colours,
)
from sim.results import BOTH, to_date
from sim.words import axis_label, metric_words, mission_name

#: Counts that change only at moves, drawn as staircases so they are not read as trends.
STEP_METRICS = frozenset({"posts_open", "restrictions_in_force"})
#: Metrics that mean something only for a side with a visa queue.
QUEUE_METRICS = frozenset({"visa_wait_days"})
#: Line style of each run after the baseline, which is drawn thick and pale beneath them.
RUN_STYLES = ("-", "--", "-.", ":")
TICK_HEIGHT = 0.035
TICK_GAP = 0.01
#: A move as compared between runs: date, actor, move and detail.
MoveKey = tuple[str, str, str, str]


def _move_keys(run: Run) -> Counter[MoveKey]:
    """Count a run's moves with effect by (date, actor, move, detail); statements dropped."""
    return Counter(
        (e["date"][:10], e.get("actor", ""), e.get("move", ""), e.get("detail", ""))
        for e in run.events
        if e.get("move") != "statement" and e.get("date")
    )


def departure_dates(runs: Sequence[Run]) -> list[np.ndarray]:
    """Dates of each run's moves that the baseline does not share, per run.

    For the baseline itself these are its moves missing from some other run,
    so a what-if that drops a move is marked where the dropped move was.
    """
    counts = [_move_keys(run) for run in runs]
    base = counts[0]
    differing = [set((base - other).keys()) for other in counts[1:]]
    per_run = [set().union(*differing)] + [set((c - base).keys()) for c in counts[1:]]
    return [np.array(sorted({to_date(d) for d, *_ in keys}), dtype="datetime64[D]")
            for keys in per_run]


def _joint_span(runs: Sequence[Run]) -> tuple[np.datetime64, np.datetime64]:
    """The earliest start to the latest end, so runs of unequal length all fit."""
    spans = [date_span(run.summary, run.series) for run in runs]
    return min(s for s, _ in spans), max(e for _, e in spans)


def _plot_runs(
    ax: Axes, runs: Sequence[Run], key: tuple[str, str], colours: dict[str, str]
) -> None:
    """Overlay each run's series: the baseline thick and pale underneath, the others on top."""
    style = "steps-post" if key[1] in STEP_METRICS else "default"
    for i, run in enumerate(runs):
        if key not in run.series:
            continue
        dates, values = run.series[key]
        if i == 0:
            ax.plot(dates, values, color=colours[run.label], lw=3.2, alpha=0.45,
                    label=f"{run.label} (baseline)", drawstyle=style, zorder=2)
        else:
            ls = RUN_STYLES[(i - 1) % len(RUN_STYLES)]
            ax.plot(dates, values, color=colours[run.label], lw=1.6, ls=ls,
                    label=run.label, drawstyle=style, zorder=3)


def _mark_departures(
    ax: Axes, runs: Sequence[Run], marks: Sequence[np.ndarray], colours: dict[str, str]
) -> None:
    """Draw each run's departing moves as ticks in its own lane at the foot of the axes.

    The y range is stretched downwards first so the ticks never sit on the lines.
    """
    lanes = [(run, dates) for run, dates in zip(runs, marks, strict=True) if dates.size]
    if not lanes:
        return
    band = TICK_GAP + len(lanes) * (TICK_HEIGHT + TICK_GAP)
    low, high = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if low <= t <= high]  # no values under the band
    ax.set_ylim(low - (high - low) * band / (1 - band), high)
    ax.set_yticks(ticks)
    for lane, (run, dates) in enumerate(lanes):
        bottom = TICK_GAP + lane * (TICK_HEIGHT + TICK_GAP)
        ax.vlines(dates, bottom, bottom + TICK_HEIGHT, colors=colours[run.label], lw=1.4,
                  transform=ax.get_xaxis_transform())
    ax.plot([], [], ls="", marker="|", markersize=9, color=OTHER_COLOUR,
            label="ticks: moves where a run departs from the baseline (in the run's colour)")


def plot_overlay(
    runs: Sequence[Run],
    key: tuple[str, str],
    colours: dict[str, str] | None = None,
    marks: Sequence[np.ndarray] | None = None,
) -> Figure:
    """One side's metric (``key``, e.g. ``("US", "staff_total")``) for every run, the
    first as the baseline, with ticks where each run's moves depart from it.
    """
    side, metric = key
    colours = colours or side_colours([run.label for run in runs])
    fig = new_figure(10, 4.8)
    ax = fig.subplots()
    _plot_runs(ax, runs, key, colours)
    _mark_departures(ax, runs, departure_dates(runs) if marks is None else marks, colours)
    ax.set_ylabel(axis_label(metric))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=SMALL, frameon=False)
    format_date_axis(ax, _joint_span(runs))
    mission = mission_name(runs[0].summary, side)
    ax.set_title(f"{mission[:1].upper()}{mission[1:]}: {metric_words(metric)}")
    return finish(fig)


def _drawn(runs: Sequence[Run], key: tuple[str, str]) -> bool:
    """Whether some run has the series, and a visa queue on that side if the metric needs one."""
    side, metric = key
    if metric in QUEUE_METRICS and not any(has_queue(run.series, side) for run in runs):
        return False
    return any(key in run.series for run in runs)


def _figure_keys(runs: Sequence[Run]) -> list[tuple[str, str]]:
    """Headline (side, metric) pairs present in any run, metric by metric."""
    sides = [*runs[0].sides, BOTH]
    return [
        (side, metric) for metric in HEADLINE for side in sides if _drawn(runs, (side, metric))
    ]


def compare_figures(runs: Sequence[Run], out_dir: Path) -> list[Path]:
    """Write one overlay PNG per headline metric and side, ``<metric>-<side>.png``.

    The interview wait is drawn only for sides with a visa queue in some run.
    Each run keeps one colour in every figure; ticks along the foot mark the
    dates where a run's moves depart from the baseline's, to show what drove
    the gap.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    colours = side_colours([run.label for run in runs])
    marks = departure_dates(runs)
    return [
        save_figure(plot_overlay(runs, key, colours, marks), out_dir / f"{key[1]}-{key[0]}.png")
        for key in _figure_keys(runs)
    ]


