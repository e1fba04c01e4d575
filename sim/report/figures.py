"""The report's figures, drawn fresh from the runs' files and embedded as base64 PNGs.

Drawing them again (rather than reading a run's ``figures/``) means a run written
with ``--no-figures``, or drawn by an older version, still gets a full report.
The run figures come from ``sim.plots``, the overlays from ``sim.overlays``; the
ensemble's bands are drawn from ``ensemble.csv``, since the replications' sample
paths that ``sim.bands`` also draws are not kept on disk.
"""

from __future__ import annotations

import base64
import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.bands import BAND_METRICS
from sim.compare import Run
from sim.overlays import compare_figures
from sim.plots import (
    DPI,
    JOINT_COLOUR,
    build_figures,
    finish,
    format_date_axis,
    new_figure,
    plot_staff,
    side_colours,
)
from sim.results import BOTH, read_measures
from sim.words import axis_label, metric_words, mission_name

#: What each run figure shows, in a sentence under it (by ``sim.plots`` file name).
CAPTIONS = {
    "staff.png": "Staff of each mission (expatriates, local employees and their total), with "
                 "the key moves numbered above and listed in words below.",
    "visa_queue.png": "The visas each host grants the other's staff: replacements waiting "
                      "for a decision, and visas refused.",
    "consular_output.png": "Visas each mission issues to the host country's public, a month.",
    "restrictions.png": "Every measure in force on each mission, from the day it was made to "
                        "the day it was lifted.",
    "tension.png": "The state of relations (tension) and the restrictions in force.",
    "consular_service.png": "The visa service the host country's public gets: visas issued, "
                            "applicants who went to a third country, and the wait for an "
                            "interview.",
    "work_capacity.png": "Work capacity: the diplomat-days a month each mission has for its "
                         "work, after travel rules and missing local staff.",
    "cost_per_head.png": "What each mission costs a year per member of staff.",
    "parity.png": "How far the missions are from parity: the difference in staff, and the "
                  "ratio of visas granted to each mission's staff.",
}
#: Overlays the report shows of a comparison, by metric (``sim.overlays`` draws more).
OVERLAYS = ("staff_total", "consular_output", "work_capacity", "tension")


@dataclass(frozen=True)
class Picture:
    """A figure ready for the page: a title, a caption and the PNG as a ``data:`` URI."""

    title: str
    caption: str
    uri: str


def data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI, so the page needs no file beside it."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes, without the version metadata (as ``sim.plots`` saves them),
    so the same run gives the same bytes.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _title(fig: Figure, fallback: str) -> str:
    """The figure's own title, without the scenario name the page already shows."""
    text = fig.get_suptitle() or fallback
    return text.split(": ", 1)[-1] if ": " in text else text


def run_pictures(run_dir: Path) -> list[Picture]:
    """Every briefing figure of a run."""
    pictures = []
    for name, fig in build_figures(run_dir).items():
        title = _title(fig, name.removesuffix(".png").replace("_", " "))
        pictures.append(Picture(title[:1].upper() + title[1:], CAPTIONS.get(name, ""),
                                data_uri(png(fig))))
    return pictures


def staff_picture(run: Run) -> Picture:
    """A run's staff figure with its moves: what a comparison's overlays do not label."""
    measures = read_measures(run.path / "measures.csv")  # to say what a lift lifted
    fig = plot_staff(run.series, run.events, run.summary, measures)
    return Picture("Mission staff", CAPTIONS["staff.png"], data_uri(png(fig)))


def overlay_pictures(runs: Sequence[Run]) -> list[Picture]:
    """The comparison's overlays of the metrics in :data:`OVERLAYS`, each run in its colour."""
    with tempfile.TemporaryDirectory(prefix="parity-report-") as folder:
        paths = compare_figures(runs, Path(folder))
        chosen = [p for metric in OVERLAYS for p in paths
                  if p.stem.rsplit("-", 1)[0] == metric]
        pictures = []
        for path in chosen:
            metric, side = path.stem.rsplit("-", 1)
            who = mission_name(runs[0].summary, side)
            pictures.append(Picture(
                f"{axis_label(metric)[:1].upper()}{axis_label(metric)[1:]}: {who}",
                "The first run thick and pale, the others on top; ticks along the foot "
                "mark the moves where a run departs from the first.",
                data_uri(path.read_bytes())))
    return pictures


def read_ensemble(path: Path) -> pd.DataFrame:
    """``ensemble.csv`` as a table, dates parsed."""
    return pd.read_csv(path, parse_dates=["date"])


def band_picture(table: pd.DataFrame, summary: dict[str, Any], metric: str,
                 replications: int) -> Picture:
    """One metric across an ensemble: each mission's median and 90% band."""
    rows = table[table["metric"] == metric]
    sides = [s for s in summary.get("sides", {}) if s in set(rows["side"])]
    sides = sides or sorted(set(rows["side"]))
    colours = {BOTH: JOINT_COLOUR, **side_colours([s for s in sides if s != BOTH])}
    fig = new_figure(9, 4.5)
    ax = fig.add_subplot()
    handles: list[Line2D | Patch] = []
    for side in sides:
        series = rows[rows["side"] == side].sort_values("date")
        colour, name = colours[side], mission_name(summary, side)
        ax.fill_between(series["date"], series["p05"], series["p95"], color=colour, alpha=0.2,
                        linewidth=0)
        ax.plot(series["date"], series["p50"], color=colour, lw=2)
        handles += [Line2D([], [], color=colour, lw=2, label=f"{name}: median"),
                    Patch(color=colour, alpha=0.2, label=f"{name}: 90% of replications")]
    ax.legend(handles=handles, loc="best", fontsize=8, frameon=False)
    ax.set_ylabel(axis_label(metric))
    ax.grid(True, alpha=0.3)
    dates = rows["date"].to_numpy(dtype="datetime64[D]")
    if dates.size:
        format_date_axis(ax, (dates.min(), dates.max()))
    what = metric_words(metric)
    ax.set_title(f"{what[:1].upper()}{what[1:]}, {replications} replications")
    return Picture(f"{what[:1].upper()}{what[1:]} across the ensemble",
                   "The median of the replications (line) and the band holding 90% of them "
                   "(shaded), week by week.", data_uri(png(finish(fig))))


def band_pictures(table: pd.DataFrame, summary: dict[str, Any],
                  replications: int) -> list[Picture]:
    """The ensemble's bands of the metrics ``sim.bands`` draws."""
    present = set(table["metric"])
    return [band_picture(table, summary, metric, replications)
            for metric in BAND_METRICS if metric in present]
