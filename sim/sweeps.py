"""Sweeps: one scenario run over a design of parameter values, with replications.

A sweep file names a base scenario, the parameters to vary (by their path in the
scenario, ``sides.US.policy.lag_days``, ``talks.concession_weight``,
``moves.12.count``), each with ``values`` or a ``range``, a design (every combination of
the values, or a Latin hypercube over the ranges), the replications per point and the
outcomes to report. It is validated like a scenario, with ``file:line`` errors; every
point is validated as a scenario before anything runs.

Replication ``r`` of every point is seeded with child ``r`` of the sweep's
``SeedSequence`` (common random numbers across points, as in ``sim.paired``), and the
results are folded in task order: the same sweep gives the same bytes on any workers.
"""

from __future__ import annotations

import copy
import itertools
import math
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator, model_validator

from sim.errors import ScenarioError
from sim.sensitivity import Sensitivity
from sim.spec import Strict

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Value = float | int | str | bool


class Parameter(Strict):
    """One parameter of the scenario to vary."""

    path: str = Field(min_length=1, description="dotted path in the scenario, e.g. "
                      "`sides.US.policy.lag_days`; list items by number, `moves.12.count`")
    values: list[Value] | None = Field(default=None, min_length=1, max_length=1000,
                                       description="the values it takes (factorial design)")
    range: tuple[float, float] | None = Field(default=None,
                                              description="`[low, high]` (Latin hypercube)")
    integer: bool = Field(default=False, description="round values drawn in `range`")

    @model_validator(mode="after")
    def _one_of(self) -> Parameter:
        if (self.values is None) == (self.range is None):
            raise ValueError("give either `values` or `range`")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range {list(self.range)}: low must be below high")
        return self


class Outcome(Strict):
    """A result reported for every run of the sweep."""

    side: str = Field(description="a side's id, or `both` for a joint metric")
    metric: str = Field(description="a metric (see the reference's Metrics)")
    statistic: Literal["end", "average"] = Field(
        default="end", description="its value at the end, or its average over the run")


class Design(Strict):
    """How the points are chosen."""

    kind: Literal["factorial", "latin_hypercube"] = Field(
        default="factorial", description="every combination of `values`, or a Latin "
        "hypercube over the `range`s")
    samples: int = Field(default=10, ge=2, le=10_000,
                         description="points of a Latin hypercube")


class Sweep(Strict):
    """A sweep file."""

    name: str
    base: str = Field(description="the scenario file swept, relative to the sweep file")
    parameters: list[Parameter] = Field(min_length=1, max_length=16)
    design: Design = Field(default_factory=Design)
    replications: int = Field(default=1, ge=1, le=10_000,
                              description="runs of each point, on common seeds")
    seed: int = Field(default=0, ge=0, description="the sweep's seed")
    outcomes: list[Outcome] = Field(min_length=1, description="what each run reports")
    sensitivity: Sensitivity | None = Field(
        default=None, description="a SALib analysis (Morris or Sobol) in place of `design`")

    @field_validator("parameters")
    @classmethod
    def _distinct(cls, parameters: list[Parameter]) -> list[Parameter]:
        paths = [p.path for p in parameters]
        twice = sorted({p for p in paths if paths.count(p) > 1})
        if twice:
            raise ValueError(f"'{twice[0]}' is listed twice (each path once)")
        return parameters



def design_problems(sweep: Sweep) -> list[str]:
    """What the design needs of the parameters: values for a factorial, ranges for a Latin
    hypercube; and a factorial of at most 10,000 points.
    """
    kind = sweep.sensitivity.method if sweep.sensitivity else sweep.design.kind
    need = "values" if kind == "factorial" else "range"
    wrong = [i for i, p in enumerate(sweep.parameters) if getattr(p, need) is None]
    if wrong:
        return [f"a {kind} design needs `{need}` for every parameter "
                f"(parameters[{wrong[0]}] has none)"]
    count = math.prod(len(p.values or []) for p in sweep.parameters)
    if sweep.design.kind == "factorial" and count > 10_000:
        return [f"{count:,} combinations (allowed: at most 10,000)"]
    return []


def points(sweep: Sweep) -> list[dict[str, Value]]:
    """The design's points: each a value per parameter path."""
    paths = [p.path for p in sweep.parameters]
    if sweep.sensitivity is not None:
        from sim.sensitivity import sample

        return [{p.path: (round(x) if p.integer else float(f"{x:.6g}"))
                 for p, x in zip(sweep.parameters, row, strict=True)}
                for row in sample(sweep, sweep.sensitivity)]
    if sweep.design.kind == "factorial":
        grids = [p.values or [] for p in sweep.parameters]
        return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*grids)]
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(paths), seed=np.random.default_rng(sweep.seed)).random(
        sweep.design.samples)
    out = []
    for row in unit:
        point: dict[str, Value] = {}
        for p, u in zip(sweep.parameters, row, strict=True):
            low, high = p.range or (0.0, 1.0)
            x = low + u * (high - low)
            point[p.path] = round(x) if p.integer else float(f"{x:.6g}")
        out.append(point)
    return out


# -- reading and checking -------------------------------------------------------------


def load_sweep(path: str | Path) -> tuple[Sweep, list[Any]]:
    """Read and check a sweep file; return it and the scenario of each point."""
    from sim.scenario.extends import resolve
    from sim.scenario.messages import messages
    from sim.scenario.yamlsource import load_file

    path = Path(path)
    source = load_file(path)
    if source.problems:
        raise ScenarioError(source.problems)
    try:
        sweep = Sweep.model_validate(source.data)
    except ValidationError as exc:
        raise ScenarioError(messages(exc, source, Sweep)) from None
    problems = design_problems(sweep)
    if problems:
        raise ScenarioError([f"{source.where(('design',))}: design: {p}" for p in problems])
    base_path = (path.parent / sweep.base)
    if not base_path.is_file():
        raise ScenarioError([f"{source.where(('base',))}: base: no scenario file "
                             f"'{sweep.base}' next to the sweep"])
    base = resolve(load_file(base_path))
    problems = [f"{source.where(('parameters', i, 'path'))}: parameters[{i}].path: {why}"
                for i, p in enumerate(sweep.parameters) if (why := _missing(base.data, p.path))]
    if problems:
        raise ScenarioError(problems)
    scenarios = [_scenario_at(base, point, source, sweep) for point in points(sweep)]
    problems = check_outcomes(sweep, scenarios[0], source.where)
    if problems:
        raise ScenarioError(problems)
    return sweep, scenarios


def _keys(path: str) -> list[str | int]:
    return [int(k) if k.isdigit() else k for k in path.split(".")]


def _missing(data: Any, path: str) -> str | None:
    """Why ``path`` cannot be set in the base's data (None if it can): a list item must
    exist, and nothing can be set inside a plain value. A key the base leaves out is
    fine: the scenario's own checks judge it at each point.
    """
    node = data
    walked: list[str] = []
    keys = _keys(path)
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        if isinstance(node, list):
            if not (isinstance(key, int) and 0 <= key < len(node)):
                where = ".".join(walked)
                return f"no item {key} in {where} (allowed: 0 to {len(node) - 1})"
            node = node[key]
        elif isinstance(node, dict):
            node = node.get(key, {})
        else:
            return f"{'.'.join(walked)} is a value, not a mapping or a list"
        walked.append(str(key))
        if last:
            return None
    return None


def _scenario_at(base: Any, point: dict[str, Value], sweep_source: Any, sweep: Sweep) -> Any:
    """The base scenario with the point's values set, validated."""
    from sim.scenario.loader import from_source
    from sim.scenario.yamlsource import Source

    data = copy.deepcopy(base.data)
    for path, value in point.items():
        *parents, last = _keys(path)
        node = data
        for key in parents:
            node = node[key] if isinstance(node, list) else node.setdefault(key, {})
        node[last] = value
    data["name"] = f"{data.get('name', 'sweep')} [{_label(point)}]"
    source = Source(data, base.lines, base.file, base.files)
    source.move_origin = base.move_origin
    try:
        return from_source(source)
    except ScenarioError as exc:
        where = sweep_source.where(("parameters",))
        first = str(exc).splitlines()[0]
        raise ScenarioError([f"{where}: the point {_label(point)} is not a valid scenario: "
                             f"{first}"]) from None


def _label(point: dict[str, Value]) -> str:
    return ", ".join(f"{path.split('.')[-1]}={value}" for path, value in point.items())


# -- running --------------------------------------------------------------------------


def _one(scenarios: tuple[Any, ...], payload: tuple[int, np.random.SeedSequence]
         ) -> np.ndarray:
    """One run of one point: its end values and run averages (``sim.paired.statistics``)."""
    from sim.paired import statistics

    point, seed = payload
    return statistics(scenarios[point], seed).ravel()


@dataclass
class Result:
    """Every run's outcomes: ``values[point, replication, outcome]``."""

    sweep: Sweep
    points: list[dict[str, Value]]
    values: np.ndarray
    #: The missions' names by side id, as the base scenario gives them (for figures).
    missions: dict[str, str] = field(default_factory=dict)


def run_sweep(sweep: Sweep, scenarios: list[Any], evaluator: Any = None,
              progress: Any = None) -> Result:
    """Run every point ``sweep.replications`` times; replication ``r`` of every point on
    child ``r`` of the sweep's seed.
    """
    from sim.ensembles import layout_of
    from sim.evaluators import Serial
    from sim.paired import STATISTICS

    evaluator = evaluator or Serial()
    seeds = np.random.SeedSequence(sweep.seed).spawn(sweep.replications)
    n_points, reps = len(scenarios), sweep.replications
    tasks = [(p * reps + r, (p, seeds[r])) for p in range(n_points) for r in range(reps)]
    series = list(layout_of(scenarios[0]).series())
    picks = [series.index((o.side, o.metric)) * len(STATISTICS) + STATISTICS.index(o.statistic)
             for o in sweep.outcomes]
    values = np.full((n_points, reps, len(picks)), np.nan)
    for index, flat in evaluator.ordered(partial(_one, tuple(scenarios)), tasks):
        values[index // reps, index % reps] = flat[picks]
        if progress is not None:
            progress(1)
    missions = {side: spec.name for side, spec in scenarios[0].sides.items()}
    return Result(sweep, points(sweep), values, missions)


def check_outcomes(sweep: Sweep, scenario: Any, source_where: Any) -> list[str]:
    """Outcomes must name a side and metric the runs report."""
    from sim.ensembles import layout_of

    series = set(layout_of(scenario).series())
    return [f"{source_where(('outcomes', i))}: outcomes[{i}]: no metric '{o.metric}' for "
            f"side '{o.side}'" for i, o in enumerate(sweep.outcomes)
            if (o.side, o.metric) not in series]


def outcome_name(outcome: Outcome) -> str:
    """An outcome's column name, e.g. ``US staff_total (end)``."""
    return f"{outcome.side} {outcome.metric} ({outcome.statistic})"


def outcome_of(name: str) -> Outcome:
    """The outcome a column name stands for: ``outcome_name`` read back."""
    side, rest = name.split(" ", 1)
    metric, statistic = rest.removesuffix(")").split(" (")
    return Outcome(side=side, metric=metric, statistic=statistic)


def tidy_rows(result: Result) -> Iterator[tuple[str, ...]]:
    """``sweep.csv``: one row per point and replication, the parameters then outcomes."""
    from sim.output import number

    for p, point in enumerate(result.points):
        for r in range(result.sweep.replications):
            yield (str(p), str(r), *(str(v) for v in point.values()),
                   *(number(float(f"{v:.6g}")) if not math.isnan(v) else ""
                     for v in result.values[p, r]))


def tidy_header(result: Result) -> tuple[str, ...]:
    """``sweep.csv``'s columns."""
    return ("point", "replication", *(p.path for p in result.sweep.parameters),
            *(outcome_name(o) for o in result.sweep.outcomes))


def point_mean(result: Result, p: int, k: int) -> tuple[float, float, int]:
    """Point ``p``'s mean of outcome ``k`` over its replications, the half-width of its
    95% t-interval (NaN with one replication) and how many replications had a value.
    """
    from sim.running import t_half_width

    column = result.values[p, :, k]
    column = column[~np.isnan(column)]
    n = column.size
    mean = float(column.mean()) if n else math.nan
    squares = float(((column - mean) ** 2).sum()) if n else math.nan
    return mean, float(t_half_width(np.array(squares), np.array(n))), n


def summary_rows(result: Result) -> Iterator[tuple[str, ...]]:
    """``summary.csv``: per point and outcome, the mean over replications and its 95%
    t-interval (empty with one replication).
    """
    from sim.output import number

    for p, point in enumerate(result.points):
        for k, outcome in enumerate(result.sweep.outcomes):
            mean, half, n = point_mean(result, p, k)
            shown = [number(float(f"{v:.6g}")) if not math.isnan(v) else ""
                     for v in (mean, mean - half, mean + half)]
            yield (str(p), *(str(v) for v in point.values()), outcome_name(outcome),
                   *shown, str(n))


def summary_header(result: Result) -> tuple[str, ...]:
    """``summary.csv``'s columns."""
    return ("point", *(p.path for p in result.sweep.parameters), "outcome", "mean", "ci_low",
            "ci_high", "n")


def plot_sweep(result: Result) -> Figure | None:
    """One parameter: each outcome's mean against it, with its 95% interval. Two on a
    full factorial grid: a heatmap of the first outcome's mean, each cell labelled.
    Otherwise (a Latin hypercube, or more parameters): each outcome's mean at each point
    against each parameter, one panel per pair, so that what moves an outcome shows as a
    trend in its row. None when a value is not a number. Parameters and outcomes are
    named in words (``sim.words``).
    """
    params = result.sweep.parameters
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool)
                  for point in result.points for v in point.values())
    if not numeric:
        return None  # values that are not numbers have no axis to draw on
    means = np.nanmean(result.values, axis=1)
    if len(params) == 1:
        return _plot_line(result)
    if len(params) == 2 and result.sweep.design.kind == "factorial":
        return _plot_heatmap(result, means)
    return _plot_scatter_grid(result, means)


def _title(result: Result) -> str:
    return f"{result.sweep.name}: mean of {result.sweep.replications} replications"


def _outcome_label(result: Result, outcome: Outcome) -> str:
    """An outcome in words, naming the mission as the base scenario does."""
    from sim.words import outcome_words

    return outcome_words(outcome.side, outcome.metric, outcome.statistic, result.missions)


def _plot_line(result: Result) -> Figure:
    from sim.plots import SMALL, finish, new_figure
    from sim.words import axis_label, parameter_words

    path = result.sweep.parameters[0].path
    outcomes = result.sweep.outcomes
    fig = new_figure(8, 1.2 + 2.8 * len(outcomes))
    xs = np.asarray([pt[path] for pt in result.points], dtype=float)
    order = np.argsort(xs)
    for k, outcome in enumerate(outcomes):
        mean, half = np.array([point_mean(result, int(p), k)[:2] for p in order]).T
        ax = fig.add_subplot(len(outcomes), 1, k + 1)
        ax.errorbar(xs[order], mean, yerr=np.nan_to_num(half), marker="o", capsize=3,
                    label="mean; whiskers: 95% interval")
        ax.set_xlabel(parameter_words(path))
        ax.set_ylabel(f"mean {axis_label(outcome.metric)}")
        ax.set_title(_outcome_label(result, outcome), fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize=SMALL, frameon=False)
    fig.suptitle(_title(result))
    return finish(fig)


def _plot_heatmap(result: Result, means: np.ndarray) -> Figure:
    from sim.plots import SMALL, finish, new_figure
    from sim.words import axis_label, parameter_words

    first, second = (p.path for p in result.sweep.parameters)
    outcome = result.sweep.outcomes[0]
    fig = new_figure(8, 5.5)
    ax = fig.add_subplot()
    xs = sorted({pt[first] for pt in result.points}, key=float)
    ys = sorted({pt[second] for pt in result.points}, key=float)
    grid = np.full((len(ys), len(xs)), np.nan)
    for p, pt in enumerate(result.points):
        grid[ys.index(pt[second]), xs.index(pt[first])] = means[p, 0]
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    if grid.size <= 100:  # a value in each cell, while they are big enough to hold one
        middle = np.nanmean(grid) if np.isfinite(grid).any() else 0.0
        for (i, j), value in np.ndenumerate(grid):
            if np.isfinite(value):
                ax.text(j, i, f"{value:,.4g}", ha="center", va="center", fontsize=SMALL,
                        color="black" if value > middle else "white")
    ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs])
    ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys])
    ax.set_xlabel(parameter_words(first))
    ax.set_ylabel(parameter_words(second))
    fig.colorbar(image, ax=ax, label=f"mean {axis_label(outcome.metric)}")
    ax.set_title(f"{result.sweep.name}: {_outcome_label(result, outcome)}, mean of "
                 f"{result.sweep.replications} replications", fontsize=10)
    return finish(fig)


def _plot_scatter_grid(result: Result, means: np.ndarray) -> Figure:
    from sim.plots import finish, new_figure
    from sim.words import parameter_words

    params, outcomes = result.sweep.parameters, result.sweep.outcomes
    fig = new_figure(3.2 * len(params), 2.8 * len(outcomes) + 0.6)
    axes = fig.subplots(len(outcomes), len(params), squeeze=False, sharey="row")
    for j, param in enumerate(params):
        xs = np.asarray([pt[param.path] for pt in result.points], dtype=float)
        for k, outcome in enumerate(outcomes):
            ax = axes[k][j]
            ax.scatter(xs, means[:, k], s=14, alpha=0.8)
            ax.grid(True, alpha=0.3)
            if k == len(outcomes) - 1:
                ax.set_xlabel(parameter_words(param.path))
            if j == 0:  # wrapped: a panel is not as tall as an outcome's words are long
                ax.set_ylabel(textwrap.fill(_outcome_label(result, outcome), 32), fontsize=8)
    fig.suptitle(_title(result))
    return finish(fig)
