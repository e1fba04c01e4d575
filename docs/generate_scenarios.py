"""Write docs/scenarios.md: each shipped scenario, the question it answers, its result.

Every file in ``scenarios/`` is run once in memory (``sim.run``, no files, no figures)
with its own seed, as ``parity run`` would run it; a what-if is set beside the file it
extends. The page is generated so that its numbers cannot drift from the model:
``tests/test_scenarios_page.py`` regenerates it and fails when they differ. Run from the
repository's root::

    python docs/generate_scenarios.py > docs/scenarios.md
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "python docs/generate_scenarios.py > docs/scenarios.md"

#: The headline of each mission: (label, metric, statistic), in the order shown.
SIDE_ROWS = (
    ("staff at the start", "staff_total", "first"),
    ("staff at the end", "staff_total", "last"),
    ("lowest staff", "staff_total", "min"),
    ("posts open at the end", "posts_open", "last"),
    ("consular output at the end (visas a month)", "consular_output", "last"),
    ("work capacity at the end (diplomat-days a month)", "work_capacity", "last"),
)

INTRO = f"""\
# Shipped scenarios and their results

Generated from runs of the files in [`scenarios/`](../scenarios/) by
`{COMMAND}`; do not edit by hand
(`tests/test_scenarios_page.py` fails when this page and a fresh run disagree).

Each file is run once with its own seed, as `parity run FILE` runs it: the file's
`seed:`, which a what-if inherits from the file it extends. A what-if is set beside
that file. Run with the same seed, the two draw the same random numbers wherever
their mechanics agree ([Background: random numbers](background.md#random-numbers)),
so they coincide until the what-if departs; *departs* is the first weekly sample at
which any metric differs. One run is one path: another seed moves the staff counts
by a few people ([Compare runs](how-to/compare-runs.md#how-much-is-noise)); an
ensemble gives the spread ([Run an ensemble](how-to/run-an-ensemble.md)). What the
metrics mean is in the [reference](scenario-format.md#metrics), how the model makes
them in the [model description](model.md).
"""


@dataclass(frozen=True)
class Result:
    """One scenario file, its question and its run."""

    path: Path
    question: str
    run: sim.Run

    @property
    def scenario(self) -> sim.Scenario:
        return self.run.simulation.scenario

    @property
    def base(self) -> Path | None:
        """The file this one extends, if any."""
        extends = self.scenario.extends
        return (self.path.parent / extends).resolve() if extends else None

    def value(self, side: str, metric: str, statistic: str) -> tuple[float, str]:
        """A statistic of one series over the run, with the date it was reached (for the
        lowest and highest values, the first date; otherwise empty).
        """
        ts = self.run.timeseries
        series = ts[(ts.side == side) & (ts.metric == metric)].set_index("date").value
        if statistic in ("min", "max"):
            date = series.idxmin() if statistic == "min" else series.idxmax()
            return float(series[date]), date.date().isoformat()
        return float(series.iloc[0 if statistic == "first" else -1]), ""


def question(path: Path) -> str:
    """The question a scenario answers: the first paragraph of its leading comment."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text.startswith("#") or (lines and text == "#"):
            break
        lines.append(text.lstrip("#").strip())
    words = " ".join(line for line in lines if line)
    return words.removeprefix("Question:").strip()


def run_all(directory: Path) -> list[Result]:
    """Every scenario file of ``directory``, run with its own seed: bases first, then
    their what-ifs, each group by file name.
    """
    results = [Result(path.resolve(), question(path), sim.run(sim.load(path)))
               for path in sorted(directory.glob("*.yaml"))]
    return sorted(results, key=lambda r: (r.base is not None, r.path.name))


def number(value: float) -> str:
    """A value as the page shows it: whole, with thousands separated; NaN as 'none'."""
    return "none" if math.isnan(value) else f"{round(value):,}"


def difference(value: float, base: float) -> str:
    """A what-if's value against its base's, signed ('0' when they round alike)."""
    if math.isnan(value) or math.isnan(base):
        return "" if math.isnan(value) and math.isnan(base) else "n/a"
    change = round(value) - round(base)
    return f"{change:+,}" if change else "0"


def departs(result: Result, base: Result) -> str:
    """The first sample date at which any metric of the what-if differs from its base."""
    keys = ["date", "side", "metric"]
    both = result.run.timeseries.merge(base.run.timeseries, on=keys, suffixes=("", "_base"))
    same = (both.value == both.value_base) | (both.value.isna() & both.value_base.isna())
    changed = both.loc[~same, "date"]
    return changed.min().date().isoformat() if len(changed) else "never"


def cell(result: Result, base: Result | None, side: str, metric: str, statistic: str
         ) -> list[str]:
    """A headline value (with its date where it has one), and, for a what-if, its
    difference from the base.
    """
    value, date = result.value(side, metric, statistic)
    shown = number(value) + (f" ({date})" if date else "")
    if base is None:
        return [shown]
    return [shown, difference(value, base.value(side, metric, statistic)[0])]


def headline_table(result: Result, base: Result | None) -> list[str]:
    """The mission-by-mission headline of one run, beside its base's difference."""
    sides = list(result.scenario.sides.items())
    header = ["", *[cells for side, spec in sides
                    for cells in ([spec.name] + (["vs base"] if base else []))]]
    rows = [[label, *[c for side, _ in sides for c in cell(result, base, side, metric, stat)]]
            for label, metric, stat in SIDE_ROWS]
    return markdown_table(header, rows)


def tension(result: Result, base: Result | None) -> str:
    """Relations between the two: tension at the end and at its highest."""
    end, _ = result.value("both", "tension", "last")
    high, date = result.value("both", "tension", "max")
    text = f"Tension between the two: {number(end)} at the end"
    if base is not None:
        text += f" ({difference(end, base.value('both', 'tension', 'last')[0])} against the base)"
    text += f"; at its highest {number(high)}, on {date}"
    if base is not None:
        text += f" ({difference(high, base.value('both', 'tension', 'max')[0])})"
    return text + "."


def markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Rows as a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def overview(results: list[Result], by_path: dict[Path, Result]) -> list[str]:
    """One row per scenario: staff and consular output of each mission, and tension, at
    the end; a what-if's differences from its base in brackets.
    """
    sides = list(results[0].scenario.sides)
    header = ["scenario", *[f"{side} staff" for side in sides],
              *[f"{side} consular output" for side in sides], "tension"]
    columns = [*[(s, "staff_total") for s in sides], *[(s, "consular_output") for s in sides],
               ("both", "tension")]
    rows = []
    for result in results:
        base = by_path.get(result.base) if result.base else None
        values = []
        for side, metric in columns:
            shown = cell(result, base, side, metric, "last")
            values.append(shown[0] + (f" ({shown[1]})" if base is not None else ""))
        rows.append([f"[{result.scenario.name}](#{anchor(result)})", *values])
    names = "; ".join(f"{side}: the {spec.name}"
                      for side, spec in results[0].scenario.sides.items())
    return ["## At the end of each run", "",
            f"Values on the last day ({names}). Consular output is the visas a mission "
            "issues to the host's public a month. For a what-if, its difference from the "
            "file it extends is in brackets.", "", *markdown_table(header, rows), ""]


def anchor(result: Result) -> str:
    """The section's anchor: its file's name without dots."""
    return result.path.stem.replace(".", "")


def section(result: Result, base: Result | None) -> list[str]:
    """A scenario's question, its run and its headline."""
    sim_ = result.run.simulation
    scenario = sim_.scenario
    run = (f"Seed {sim_.seed}, {scenario.start} to {scenario.end}: {len(sim_.log)} moves "
           f"made, {sim_.events_processed:,} events.")
    if base is not None:
        run += (f" Extends [{base.path.name}](#{anchor(base)}); departs from it on "
                f"{departs(result, base)}.")
    link = f"[`scenarios/{result.path.name}`](../scenarios/{result.path.name})"
    return [f'<a id="{anchor(result)}"></a>', "", f"## {scenario.name}", "",
            f"{link}: {result.question}", "", run, "", *headline_table(result, base), "",
            tension(result, base), ""]


def page(directory: Path = ROOT / "scenarios") -> str:
    """The whole page, from fresh runs of every scenario in ``directory``."""
    results = run_all(directory)
    by_path = {r.path: r for r in results}
    lines = [INTRO, *overview(results, by_path)]
    for result in results:
        lines += section(result, by_path.get(result.base) if result.base else None)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    text = page()  # made whole before anything is written
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    sys.stdout.write(text)
