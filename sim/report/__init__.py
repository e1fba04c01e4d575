"""``parity report``: one self-contained HTML file a minister could read.

The page says what question each run answers, what was done (every move in words,
its sources linked), what came of it (the key figures and the figures), how sure
it is (an ensemble's bands), what was assumed (the scenario's settings) and where
it comes from (file, hash, seed, version). Several runs are compared with the
first. The figures are embedded as PNGs and the styles inline, with no script,
font or style fetched from anywhere, so the file opens offline and can be sent
as it is; a print stylesheet paginates it for a PDF.

The page is built with Jinja2 from ``templates/``, shipped as package data. The
same runs give the same bytes: the only date not in the runs' files, the
report's own, is ``SOURCE_DATE_EPOCH`` when that is set (and the run's date,
read from its files' time, is clamped to it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from sim import __version__
from sim.compare import Run, check_same_sides, load_runs, read_run
from sim.destination import check_file, write_file
from sim.errors import ParityUserError, clip
from sim.report import contents, figures, settings
from sim.report.scenario_file import ScenarioFile, find_scenario

#: The last line of every report: the SHA-256 of all before it, by which Parity knows a
#: report it wrote, unchanged, and may replace it without ``--force``.
SEAL = "<!-- written by parity report; sha256 of the lines above: {} -->\n"


@dataclass
class RunPage:
    """Everything the page shows of one run."""

    number: int
    run: Run
    scenario_file: ScenarioFile
    key_figures: list[contents.KeyFigure]
    timeline: list[contents.Entry]
    departures: list[contents.Entry] | None
    pictures: list[figures.Picture]
    written: str
    ensemble: dict[str, Any] = field(default_factory=dict)
    ensemble_figures: list[contents.EnsembleFigure] = field(default_factory=list)
    ensemble_pictures: list[figures.Picture] = field(default_factory=list)

    def figure(self, side: str, metric: str) -> contents.KeyFigure | None:
        """The key figure of one mission's metric, for the summary sentences."""
        return next((f for f in self.key_figures if (f.side, f.metric) == (side, metric)),
                    None)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=contents.figure, day=contents.day, described=described,
                       shown_path=shown_path)
    return env


def described(meaning: str) -> Markup:
    """A schema description for the page: capitalised, its `code` spans set as code."""
    text = meaning[:1].upper() + meaning[1:]
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as it is
        return escape(text)
    return Markup("").join(Markup("<code>{}</code>").format(part) if i % 2 else escape(part)
                           for i, part in enumerate(parts))


def shown_path(path: Path) -> str:
    """A path relative to the current folder when it is inside it, so that a report
    written from the same place names it the same way on any machine.
    """
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def report_date() -> dt.datetime:
    """When the report is written: ``SOURCE_DATE_EPOCH`` if set (reproducible builds'
    convention), else now; in UTC.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def _written(run_dir: Path, now: dt.datetime) -> str:
    """When the run was written: its summary's time, no later than the report's."""
    stamp = dt.datetime.fromtimestamp((run_dir / "summary.json").stat().st_mtime, dt.UTC)
    return f"{min(stamp, now):%Y-%m-%d %H:%M} UTC"


def _page(number: int, run: Run, first: Run | None, search: Sequence[Path],
          now: dt.datetime) -> RunPage:
    """Read and draw what the page shows of one run; ``first`` is the run compared with."""
    pictures = (figures.run_pictures(run.path) if first is None
                else [figures.staff_picture(run)])
    page = RunPage(
        number=number, run=run, scenario_file=find_scenario(run.summary, run.path, search),
        key_figures=contents.key_figures(run), timeline=contents.timeline(run),
        departures=None if first is None else contents.departures(first, run),
        pictures=pictures, written=_written(run.path, now))
    if (run.path / "ensemble.csv").is_file():
        _add_ensemble(page)
    return page


def _add_ensemble(page: RunPage) -> None:
    """An ensemble's spread at the end and its bands; a table not as Parity writes it is
    one line of error.
    """
    path = page.run.path / "ensemble.csv"
    try:
        table = figures.read_ensemble(path)
        page.ensemble = contents.ensemble_record(page.run.path)
        replications = int(page.ensemble.get("replications") or table["n"].max())
        page.ensemble_figures = contents.ensemble_figures(table, page.run.summary)
    except (ValueError, KeyError, TypeError) as exc:
        raise ParityUserError(f"{path}: not an ensemble table as `parity run --replications` "
                              f"writes it ({clip(str(exc) or type(exc).__name__, 120)})"
                              ) from None
    page.ensemble_pictures = figures.band_pictures(table, page.run.summary, replications)


def render_report(run_dirs: Sequence[Path], search: Sequence[Path] = ()) -> str:
    """The report of ``run_dirs`` (the first the one the others are compared with) as HTML.

    ``search`` names more folders to look for the runs' scenario files in.
    """
    if not run_dirs:
        raise ValueError("a report needs at least one run")
    runs = load_runs(run_dirs) if len(run_dirs) > 1 else [read_run(Path(run_dirs[0]))]
    check_same_sides({run.path: run.sides for run in runs})
    now = report_date()
    pages = [_page(i, run, runs[0] if i > 1 else None, search, now)
             for i, run in enumerate(runs, start=1)]
    scenarios = [p.scenario_file.scenario for p in pages]
    html = _environment().get_template("report.html.j2").render(
        pages=pages,
        comparison=contents.comparison_rows(runs) if len(runs) > 1 else [],
        overlays=figures.overlay_pictures(runs) if len(runs) > 1 else [],
        changed_settings=settings.differences(scenarios) if len(runs) > 1 else [],
        first_settings=_settings(scenarios[0]),
        now=f"{now:%Y-%m-%d %H:%M} UTC", version=__version__,
        settings_text=settings.text, seed_text=contents.seed_text,
    )
    return sealed(html)


def _settings(scenario: Any) -> dict[str, Any]:
    """The first run's settings, grouped for the page (empty if its file was not found)."""
    if scenario is None:
        return {}
    return {"run": settings.run_group(scenario), "sides": settings.side_groups(scenario),
            "talks": settings.talks_groups(scenario), "scenario": scenario}


def sealed(html: str) -> str:
    """The page with its seal appended."""
    html = html.rstrip("\n") + "\n"
    return html + SEAL.format(hashlib.sha256(html.encode("utf-8")).hexdigest())


def is_report(path: Path) -> bool:
    """Whether ``path`` holds a report Parity wrote, unchanged since (its seal checks)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    body, _, last = data.rstrip(b"\n").rpartition(b"\n")
    body += b"\n"
    return last + b"\n" == SEAL.format(hashlib.sha256(body).hexdigest()).encode()


def write_report(run_dirs: list[Path], out: Path, force: bool = False,
                 search: Sequence[Path] = ()) -> Path:
    """Write the report of ``run_dirs`` to ``out``, whole or not at all; return its path.

    Parameters
    ----------
    run_dirs : list of Path
        Directories written by ``parity run`` (or a comparison's ``runs/``); the first
        is the one the others are compared with.
    out : Path
        The HTML file. A file there already is replaced only if it is a report Parity
        wrote and nobody changed since, or with ``force``; written into a run's
        directory, it is added to that directory's manifest.
    force : bool
        Replace whatever file is at ``out``.
    search : sequence of Path
        More folders to look for the runs' scenario files in.

    Raises
    ------
    ParityUserError
        A run directory missing or not a run, runs of different sides, or ``out``
        not writable or not Parity's to replace.
    """
    out = Path(out)
    _refuse_run_files(out, run_dirs)
    check_file(out, force, is_report)  # before the work, not only after it
    html = render_report(run_dirs, search)
    return write_file(out, html.encode("utf-8"), force, is_report)


def _refuse_run_files(out: Path, run_dirs: Sequence[Path]) -> None:
    """A report must not replace a file of a run it reads (its summary, its tables),
    even with ``force``: the run would be lost.
    """
    if not out.exists() or is_report(out):
        return
    where = out.resolve()
    for run_dir in run_dirs:
        if Path(run_dir).resolve() in where.parents:
            raise ParityUserError(f"{out}: is a file of the run {run_dir}; the report must not "
                                  "replace it (choose another --out)")
