"""Sensitivity of a sweep's outcomes to its parameters, with SALib.

Two methods, each a ``sample``/``analyze`` pair as in SALib itself:

- **Morris** elementary effects (screening): ``mu_star``, the mean absolute effect of a
  parameter over its range, with its bootstrap confidence, and ``sigma``, how much the
  effect depends on the other parameters. Cheap: ``samples`` x (parameters + 1) points.
- **Sobol** indices: ``S1``, the share of an outcome's variance due to a parameter alone,
  and ``ST``, due to it with its interactions, each with a 95% confidence interval.
  ``samples`` x (parameters + 2) points (Saltelli's scheme, no second-order terms).

The model is stochastic, so each point's outcome is the mean of its replications (on
common seeds across points, ``sim.sweeps``); what is left of the noise shows in the
confidence intervals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field

from sim.spec import Strict

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.sweeps import Result, Sweep


class Sensitivity(Strict):
    """A sensitivity analysis in place of a design."""

    method: Literal["morris", "sobol"] = Field(description="Morris screening or Sobol indices")
    samples: int = Field(default=16, ge=2, le=4096,
                         description="trajectories (Morris) or base samples (Sobol, a power "
                                     "of 2 is best)")
    levels: int = Field(default=4, ge=2, le=20, description="grid levels (Morris)")


def problem(sweep: Sweep) -> dict[str, Any]:
    """SALib's problem: the parameters and their ranges."""
    return {"num_vars": len(sweep.parameters), "names": [p.path for p in sweep.parameters],
            "bounds": [list(p.range or (0.0, 1.0)) for p in sweep.parameters]}


def sample(sweep: Sweep, spec: Sensitivity) -> np.ndarray:
    """The points the method needs, ``[point, parameter]``."""
    if spec.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(sweep), spec.samples, num_levels=spec.levels,
                             seed=sweep.seed)
    from SALib.sample import sobol

    return sobol.sample(problem(sweep), spec.samples, calc_second_order=False,
                        seed=sweep.seed)


def analyze(result: Result, spec: Sensitivity) -> Iterator[tuple[str, str, str, float]]:
    """``(outcome, parameter, index, value)`` for every outcome and parameter."""
    from sim.sweeps import outcome_name

    sweep = result.sweep
    x = np.array([[float(v) for v in point.values()] for point in result.points])
    means = np.nanmean(result.values, axis=1)
    names = [p.path for p in sweep.parameters]
    for k, outcome in enumerate(sweep.outcomes):
        y = means[:, k]
        if spec.method == "morris":
            from SALib.analyze import morris

            found = morris.analyze(problem(sweep), x, y, num_levels=spec.levels,
                                   seed=sweep.seed, print_to_console=False)
            keys = ("mu_star", "mu_star_conf", "sigma")
        else:
            from SALib.analyze import sobol

            found = sobol.analyze(problem(sweep), y, calc_second_order=False,
                                  seed=sweep.seed, print_to_console=False)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        for j, name in enumerate(names):
            for key in keys:
                yield outcome_name(outcome), name, key, float(np.asarray(found[key])[j])


#: Each method's index drawn, its confidence, and what it means, for the axis.
DRAWN = {
    "morris": ("mu_star", "mu_star_conf", "Morris \u03bc* (mean absolute effect over the "
               "range, in the outcome's unit)"),
    "sobol": ("ST", "ST_conf", "Sobol total index ST (share of the outcome's variance due to "
              "the parameter)"),
}


def plot(rows: list[tuple[str, str, str, float]], spec: Sensitivity, title: str) -> Figure:
    """Bars of each parameter's index per outcome, with its confidence interval."""
    from sim.plots import finish, new_figure
    from sim.sweeps import outcome_of
    from sim.words import outcome_words, parameter_words

    index, conf, meaning = DRAWN[spec.method]
    outcomes = list(dict.fromkeys(r[0] for r in rows))
    names = list(dict.fromkeys(r[1] for r in rows))
    value = {(r[0], r[1], r[2]): r[3] for r in rows}
    fig = new_figure(8, 1.0 + 2.8 * len(outcomes))
    for k, outcome in enumerate(outcomes):
        ax = fig.add_subplot(len(outcomes), 1, k + 1)
        heights = [value[(outcome, n, index)] for n in names]
        errors = [value[(outcome, n, conf)] for n in names]
        ax.barh([parameter_words(n) for n in names], heights, xerr=errors, color="#1f77b4",
                alpha=0.8)
        ax.set_xlabel(f"{meaning}; whiskers: 95% confidence", fontsize=8)
        read = outcome_of(outcome)
        ax.set_title(outcome_words(read.side, read.metric, read.statistic), fontsize=10)
        ax.grid(True, axis="x", alpha=0.3)
    fig.suptitle(f"{title}: what the outcomes depend on")
    return finish(fig)
