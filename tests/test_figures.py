"""Every figure Parity draws is fit to show: drawn, titled, in words, with units, and
with no text cut off or drawn over another.

The gallery holds one of each kind of figure, from real runs: the nine figures of the
record replay, overlays of the record and a what-if, ensemble bands and paired
differences of a small scenario, the sweep figures and the sensitivity bars.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.dates import ConciseDateFormatter
from matplotlib.figure import Figure

from sim import bands, overlays, plots, sensitivity, sweeps
from sim.bands import plot_bands, plot_paired
from sim.compare import load_runs
from sim.ensembles import run_ensemble
from sim.model import Simulation
from sim.output import write_results
from sim.overlays import plot_overlay
from sim.paired import run_paired
from sim.plots import build_figures
from sim.scenario import load_scenario
from sim.sensitivity import Sensitivity
from sim.sweeps import Outcome, Parameter, Result, Sweep, plot_sweep
from tests.figures import cut_off, overlapping, pixel_spread, texts, words

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"
LIFT_ALL = ROOT / "scenarios" / "whatif-lift-all-2021.yaml"
#: A what-if with more key moves than the staff figure numbers (the US's many lifts).
GRIT = ROOT / "scenarios" / "whatif-grit-2022.yaml"
SMALL = ROOT / "tests" / "data" / "small.yaml"
MISSIONS = {"US": "US mission in Russia", "RU": "Russian mission in the US"}
#: A parameter dump: a name joined to its value (``ceiling=455``), or an identifier.
DUMP = re.compile(r"\w=\S|_")


def _runs(tmp: Path) -> dict[str, Figure]:
    """The record's nine figures, overlays of the record and a what-if, and the busiest
    what-if's staff and restrictions.
    """
    dirs = []
    for path in (RECORD, LIFT_ALL, GRIT):
        out = tmp / path.stem
        write_results(Simulation(load_scenario(path)).run(), out, figures=False)
        dirs.append(out)
    gallery = {f"run/{name}": fig for name, fig in build_figures(dirs[0]).items()}
    busy = build_figures(dirs[2])
    gallery |= {f"grit/{name}": busy[name] for name in ("staff.png", "restrictions.png")}
    runs = load_runs(dirs[:2])
    for key in (("US", "staff_total"), ("RU", "posts_open"), ("both", "tension")):
        gallery[f"overlay/{key[1]}-{key[0]}"] = plot_overlay(runs, key)
    return gallery


def _ensembles() -> dict[str, Figure]:
    """Bands of a small scenario's ensemble and its paired difference from a what-if."""
    small = load_scenario(SMALL)
    summary = run_ensemble(small, 4, seed=1)
    more = small.model_copy(update={"name": "Small dispute, no local-hire ban",
                                    "moves": small.moves[:1]})
    differences = run_paired([small, more], 3, seed=1)
    return {"bands/staff_total": plot_bands(summary, small, "staff_total"),
            "bands/tension": plot_bands(summary, small, "tension"),
            "paired/staff_total": plot_paired(differences, ["1-small", "2-more"],
                                              "staff_total")}


def _sweep(paths: list[str]) -> Result:
    """A sweep's result over a grid of the paths' values, with made-up outcomes."""
    values = {path: [0.25, 0.5, 1.0] for path in paths}
    sweep = Sweep(name="Talks parameters", base="record.yaml", replications=3,
                  parameters=[Parameter(path=p, values=v) for p, v in values.items()],
                  outcomes=[Outcome(side="US", metric="staff_total"),
                            Outcome(side="both", metric="tension", statistic="average")])
    grid = [dict(zip(paths, combo, strict=True))
            for combo in np.array(np.meshgrid(*values.values())).reshape(len(paths), -1).T]
    draws = np.random.default_rng(1).normal(100, 10, (len(grid), 3, 2))
    return Result(sweep, grid, draws, MISSIONS)


def _sensitivity(method: str) -> Figure:
    """Sensitivity bars of two outcomes over two parameters."""
    keys = {"sobol": ("S1", "S1_conf", "ST", "ST_conf"),
            "morris": ("mu_star", "mu_star_conf", "sigma")}[method]
    rows = [(outcome, name, key, 0.1 * (i + 1))
            for outcome in ("US staff_total (end)", "both tension (average)")
            for i, name in enumerate(("talks.concession_weight", "relations.half_life_days"))
            for key in keys]
    return sensitivity.plot(rows, Sensitivity(method=method), "Talks parameters")


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Figure]:
    """One of each kind of figure Parity draws, built once for the module."""
    shown = _runs(tmp_path_factory.mktemp("gallery"))
    shown |= _ensembles()
    shown["sweep/one parameter"] = plot_sweep(_sweep(["talks.concession_weight"]))
    shown["sweep/two parameters"] = plot_sweep(_sweep(["talks.concession_weight",
                                                       "sides.US.policy.lag_days"]))
    shown["sweep/three parameters"] = plot_sweep(_sweep(["talks.concession_weight",
                                                         "sides.US.policy.lag_days",
                                                         "relations.half_life_days"]))
    shown["sensitivity/sobol"] = _sensitivity("sobol")
    shown["sensitivity/morris"] = _sensitivity("morris")
    return shown


NAMES = [f"run/{name}" for name in plots.FIGURE_NAMES] + [
    "grit/staff.png", "grit/restrictions.png",
    "overlay/staff_total-US", "overlay/posts_open-RU", "overlay/tension-both",
    "bands/staff_total", "bands/tension", "paired/staff_total",
    "sweep/one parameter", "sweep/two parameters", "sweep/three parameters",
    "sensitivity/sobol", "sensitivity/morris"]


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_is_a_matplotlib_figure(gallery, name):
    """Each plot function returns a Figure, for a notebook to show or a caller to save."""
    assert isinstance(gallery[name], Figure)


@pytest.mark.parametrize("name", NAMES)
def test_no_text_is_cut_off(gallery, name):
    """Every title, label, legend entry, key line and tick label lies inside the image,
    and inside the panel that clips it.
    """
    assert cut_off(gallery[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_text_is_cut_short(gallery, name):
    """No label is shortened with an ellipsis: it is said in full or in a short form."""
    assert [w for w in words(gallery[name]) if "\u2026" in w] == []


@pytest.mark.parametrize("name", NAMES)
def test_no_two_texts_are_drawn_over_each_other(gallery, name):
    """No text overlaps another: markers' numbers, key lines and tick labels all apart."""
    assert overlapping(gallery[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_text_is_a_parameter_dump(gallery, name):
    """Labels are in words: no ``ceiling=455``, no ``staff_total``."""
    assert [w for w in words(gallery[name]) if DUMP.search(w)] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_draws_something(gallery, name):
    """The image is not blank: its pixels vary as lines, bars and text do."""
    assert pixel_spread(gallery[name]) > 10


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_a_title(gallery, name):
    """A slide says what it shows: the figure or its first panel has a title."""
    fig = gallery[name]
    titles = [fig.get_suptitle(), *(ax.get_title() for ax in fig.axes)]
    assert any(title.strip() for title in titles)


def _time_series(ax: Axes) -> bool:
    """Whether a panel plots values over dates: a date axis, y tick labels, and a line."""
    return (isinstance(ax.xaxis.get_major_formatter(), ConciseDateFormatter)
            and any(t.get_text() for t in ax.get_yticklabels())
            and any(len(line.get_xdata()) > 2 for line in ax.get_lines()))


#: Figures of values over time (all but the restrictions chart, sweeps and sensitivity).
OVER_TIME = [name for name in NAMES
             if not name.endswith("restrictions.png")
             and not name.startswith(("sweep/", "sensitivity/"))]


@pytest.mark.parametrize("name", OVER_TIME)
def test_every_time_series_panel_gives_its_unit(gallery, name):
    """Each panel of values over time says what they are and in what unit:
    ``staff (people)``.
    """
    fig = gallery[name]
    texts(fig)  # draws it, so tick labels are set
    labels = [ax.get_ylabel() for ax in fig.axes if _time_series(ax)]
    assert labels
    assert all(re.search(r"\(.+\)$", label) for label in labels), labels


def test_overlay_title_names_the_mission_and_the_metric_in_words(gallery):
    """An overlay says whose what it shows: ``US mission in Russia: staff``."""
    (ax,) = gallery["overlay/staff_total-US"].axes
    assert ax.get_title() == "US mission in Russia: staff"


def test_overlay_legend_marks_the_baseline_and_the_ticks(gallery):
    """The first run is named as the baseline and the ticks are explained."""
    (ax,) = gallery["overlay/staff_total-US"].axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == f"{load_scenario(RECORD).name} (baseline)"
    assert labels[1] == load_scenario(LIFT_ALL).name
    assert labels[-1].startswith("ticks: moves where a run departs from the baseline")


def test_paired_legend_names_the_what_if_by_its_scenario_name(gallery):
    """Paired differences are named by the what-if's scenario, and its missions."""
    (ax,) = gallery["paired/staff_total"].axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Small dispute, no local-hire ban: A mission in B",
                      "Small dispute, no local-hire ban: B mission in A"]


def test_sweep_axes_name_parameters_and_outcomes_in_words(gallery):
    """A sweep's panels name the parameter as a path in words and the outcome's mission."""
    top, bottom = gallery["sweep/one parameter"].axes
    assert top.get_xlabel() == "talks: concession weight"
    assert top.get_title() == "US mission in Russia: staff (people), at the end"
    assert bottom.get_title() == "tension (points of harm), averaged over the run"


def test_sweep_heatmap_writes_each_cells_mean(gallery):
    """A two-parameter sweep labels each of its nine cells with its mean."""
    ax = gallery["sweep/two parameters"].axes[0]
    assert len(ax.texts) == 9
    assert ax.get_ylabel() == "sides US policy: lag days"


def test_sensitivity_bars_are_labelled_by_parameter_in_words(gallery):
    """Sensitivity bars name each parameter in words and say what the index means."""
    ax = gallery["sensitivity/sobol"].axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["talks: concession weight",
                                                           "relations: half life days"]
    assert ax.get_xlabel().startswith("Sobol total index ST (share of the outcome's variance")


PLOTTERS = [(module, name) for module in (plots, bands, overlays, sweeps)
            for name, _ in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("plot_") and _.__module__ == module.__name__]


@pytest.mark.parametrize(("module", "name"), [*PLOTTERS, (sensitivity, "plot")],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_plot_function_returns_a_figure(module, name):
    """Every ``plot_*`` function is declared to return a Figure, never to save one."""
    returns = inspect.signature(getattr(module, name)).return_annotation
    assert re.fullmatch(r"Figure( \| None)?", str(returns)), returns
