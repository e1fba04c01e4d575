"""Tidy tables from a finished run, and writing them to a results directory.

``write_results`` stages the files and swaps them into place (``sim.destination``),
so a failed or killed run leaves nothing half-written and only Parity's own
output is ever replaced.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__, words
from sim.destination import staged
from sim.harm import FUNCTIONS
from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.model import Simulation

TIMESERIES_HEADER = ("date", "side", "metric", "value")
EVENTS_HEADER = ("date", "actor", "target", "move", "detail", "source", "origin")
MEASURES_HEADER = ("id", "actor", "target", "move", "kind", "start", "end", "detail", "harm",
                   "harm_staff", "harm_work", "harm_consular", "harm_cost")


def number(value: float) -> str:
    """A value as the CSV shows it: whole numbers without '.0', NaN as empty."""
    if math.isnan(value):
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def timeseries_rows(sim: Simulation) -> Iterator[tuple[str, str, str, str]]:
    """``date, side, metric, value`` rows, one per sample, side and metric."""
    monitor = sim.monitor  # read as Python floats: a numpy scalar is slow to index and format
    side_values, joint_values = monitor.side_values.tolist(), monitor.joint_values.tolist()
    days = monitor.days[:monitor.taken].tolist()  # a run stopped early has taken fewer
    for day, sides, joint in zip(days, side_values, joint_values, strict=True):
        date = sim.scenario.date(day).isoformat()
        for side, values in zip(monitor.sides, sides, strict=True):
            for metric, value in zip(SIDE_METRICS, values, strict=True):
                yield date, side, metric, number(value)
        for metric, value in zip(JOINT_METRICS, joint, strict=True):
            yield date, "both", metric, number(value)


def event_rows(sim: Simulation) -> Iterator[tuple[str, ...]]:
    """Every move made, in order."""
    for e in sim.log:
        yield e.date.isoformat(), e.actor, e.target, e.move, e.detail, e.source, e.origin


def measure_rows(sim: Simulation) -> Iterator[tuple[str, ...]]:
    """Every measure that was in force, with the dates it started and ended.

    ``kind`` is ``restriction`` (on the other side's mission), ``own`` (a side's
    measure on its own mission) or ``concession`` (restricts nothing). A restriction's
    ``harm`` is its value to the target when made (``sim.harm``), and ``harm_*`` what it
    took per function (people, diplomat-days a month, visas a month, thousands a year);
    empty for the others.
    """
    for m in sim.measures:
        end = "" if m.end is None else sim.scenario.date(m.end).isoformat()
        kind = "own" if m.actor == m.target else ("restriction" if m.is_restriction
                                                  else "concession")
        loss = m.loss
        harms = (("",) * 5 if loss is None else
                 (f"{m.harm:.3f}", *(f"{getattr(loss, f):.1f}" for f in FUNCTIONS)))
        yield (m.id, m.actor, m.target, m.move.move, kind,
               sim.scenario.date(m.start).isoformat(), end, m.move.detail(), *harms)


def final_values(sim: Simulation) -> dict[str, dict[str, float | None]]:
    """The last sample of every metric, by side (NaN as null)."""
    monitor = sim.monitor
    side_values, joint_values = monitor.side_values[-1], monitor.joint_values[-1]
    out: dict[str, dict[str, float | None]] = {}
    for j, side in enumerate(monitor.sides):
        out[side] = {m: _json_number(side_values[j, k]) for k, m in enumerate(SIDE_METRICS)}
    out["both"] = {m: _json_number(joint_values[k]) for k, m in enumerate(JOINT_METRICS)}
    return out


def _json_number(value: float) -> float | int | None:
    if math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else round(float(value), 6)


def summary(sim: Simulation) -> dict[str, Any]:
    """Provenance and headline numbers; the same bytes for the same file and seed."""
    sc = sim.scenario
    return {
        "scenario": sc.name,
        "file": _printable_name(sc.file),
        "sha256": sc.sha256,
        "seed": _seed_record(sim.seed),
        "version": __version__,
        "start": sc.start.isoformat(),
        "end": sc.end.isoformat(),
        "sides": {side: {"name": spec.name, "places": words.places_of(spec)}
                  for side, spec in sc.sides.items()},
        "events": sim.events_processed,
        "moves": len(sim.log),
        "final": final_values(sim),
    }


def _printable_name(file: str) -> str:
    r"""The file's name as text JSON can hold: bytes of a name that is not UTF-8 (read as
    lone surrogates) are shown as ``\xff``.
    """
    if not file:
        return ""
    return os.fsencode(Path(file).name).decode("utf-8", "backslashreplace")


def _seed_record(seed: Any) -> Any:
    """The seed as JSON: an int, or a SeedSequence's entropy and spawn key, enough to
    re-run that one replicate alone.
    """
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    return seed


def csv_text(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """A table as the CSV every Parity file is: a header, then the rows, newline-ended."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_results(sim: Simulation, out_dir: Path, force: bool = False, figures: bool = True,
                  timing: dict[str, float] | None = None) -> list[str]:
    """Write a finished run to ``out_dir`` all at once (see ``sim.destination``)."""
    with staged(out_dir, force, command="run") as staging:
        return write_run_files(sim, staging, figures=figures, timing=timing)


def write_run_files(sim: Simulation, directory: Path, figures: bool = True,
                    timing: dict[str, float] | None = None) -> list[str]:
    """Write tables, summary and figures into ``directory``; return the file names.

    ``directory`` is a staging directory, or a part of one (a comparison's runs).
    """
    files = {
        "timeseries.csv": csv_text(TIMESERIES_HEADER, timeseries_rows(sim)),
        "events.csv": csv_text(EVENTS_HEADER, event_rows(sim)),
        "measures.csv": csv_text(MEASURES_HEADER, measure_rows(sim)),
        "summary.json": json.dumps(summary(sim), indent=2, ensure_ascii=False) + "\n",
    }
    if timing is not None:
        files["timing.json"] = json.dumps(timing, indent=2) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    names = list(files)
    if figures:
        from sim.plots import make_figures

        names += [f"figures/{p.name}" for p in make_figures(directory)]
    return names
