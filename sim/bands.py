"""Ensemble figures: each mission's median, its 90% band and a few sample paths.

A single run's line hides how much another seed would move it; these figures show
the spread across an ensemble's replications (``sim.ensembles``), one figure per metric
with a line and band per mission (or one for the joint metrics).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.ensembles import layout_of
from sim.metrics import JOINT_METRICS
from sim.plots import (
    JOINT_COLOUR,
    SMALL,
    finish,
    format_date_axis,
    new_figure,
    save_figure,
    side_colours,
)
from sim.words import axis_label, metric_words

if TYPE_CHECKING:
    from sim.ensembles import Summary
    from sim.scenario.schema import Scenario

#: The metrics an ensemble draws, one figure each.
BAND_METRICS = ("staff_total", "consular_output", "work_capacity", "tension")


def plot_bands(summary: Summary, scenario: Scenario, metric: str) -> Figure:
    """One metric across the ensemble: median, 90% band and the first sample paths."""
    layout = summary.layout
    dates = np.array([np.datetime64(scenario.date(int(d)), "D") for d in layout.days])
    bands = summary.bands.values()
    sides = ("both",) if metric in JOINT_METRICS else layout.sides
    colours = {"both": JOINT_COLOUR, **side_colours(layout.sides)}
    fig = new_figure(9, 4.5)
    ax = fig.add_subplot()
    handles: list[Line2D | Patch] = []
    for side in sides:
        cells = layout.index(side, metric)
        colour = colours[side]
        name = _mission(scenario, side)
        ax.fill_between(dates, bands[0, cells], bands[2, cells], color=colour, alpha=0.2,
                        linewidth=0)
        for path in summary.paths:
            ax.plot(dates, path[cells], color=colour, lw=0.5, alpha=0.5)
        ax.plot(dates, bands[1, cells], color=colour, lw=2)
        handles += [Line2D([], [], color=colour, lw=2, label=f"{name}: median"),
                    Patch(color=colour, alpha=0.2, label=f"{name}: 90% of replications")]
    if summary.paths:
        handles.append(Line2D([], [], color="grey", lw=0.5,
                              label=f"thin lines: the first {len(summary.paths)} replications, "
                                    "one each"))
    ax.legend(handles=handles, loc="best", fontsize=SMALL, frameon=False)
    ax.set_ylabel(axis_label(metric))
    ax.grid(True, alpha=0.3)
    format_date_axis(ax, (dates[0], dates[-1]))
    ax.set_title(f"{scenario.name}: {metric_words(metric)}, {summary.n} replications")
    return finish(fig)


def _mission(scenario: Scenario, side: str) -> str:
    """The mission's name as the scenario gives it, or ``both missions``."""
    return "both missions" if side == "both" else scenario.sides[side].name


def write_band_figures(summary: Summary, scenario: Scenario, directory: Path) -> list[str]:
    """Save the ensemble's figures under ``directory/figures/``; return their names."""
    folder = directory / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for metric in BAND_METRICS:
        name = f"figures/ensemble-{metric}.png"
        save_figure(plot_bands(summary, scenario, metric), directory / name)
        names.append(name)
    return names


def run_names(differences: Any, names: list[str]) -> list[str]:
    """The compared scenarios by their names, or by ``names`` (their files) when two
    share a name.
    """
    named = [s.name for s in differences.scenarios]
    return named if len(set(named)) == len(named) else list(names)


def plot_paired(differences: Any, names: list[str], metric: str) -> Figure:
    """Each what-if's difference from the first scenario over time, on common random
    numbers: the mean over replications and its 95% interval, per mission. The
    scenarios are named as their files name them (``names`` if two share a name).
    """
    over = differences.over_time
    first = differences.scenarios[0]
    layout = layout_of(first)
    series = list(layout.series())
    dates = np.array([np.datetime64(first.date(int(d)), "D") for d in layout.days])
    half = over.half_width()
    sides = ("both",) if metric in JOINT_METRICS else layout.sides
    colours = {"both": JOINT_COLOUR, **side_colours(layout.sides)}
    styles = ["-", "--", ":", "-."]
    shown = run_names(differences, names)
    fig = new_figure(9, 4.5)
    ax = fig.add_subplot()
    ax.axhline(0, color="grey", lw=0.8)
    for k, name in enumerate(shown[1:], start=1):
        for side in sides:
            j = series.index((side, metric))
            mean, width = over.mean[k, j], half[k, j]
            colour = colours[side]
            label_side = _mission(first, side)
            ax.fill_between(dates, mean - width, mean + width, color=colour, alpha=0.2,
                            linewidth=0)
            ax.plot(dates, mean, color=colour, lw=1.8, ls=styles[(k - 1) % len(styles)],
                    label=f"{name}: {label_side}")
    ax.set_ylabel(f"difference in {axis_label(metric)}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=SMALL, frameon=False, title_fontsize=SMALL,
              title="line: mean difference; band: its 95% interval")
    format_date_axis(ax, (dates[0], dates[-1]))
    ax.set_title(f"{metric_words(metric).capitalize()}: difference from {shown[0]} "
                 f"(paired, {over.n} replications)", fontsize=10)
    return finish(fig)
