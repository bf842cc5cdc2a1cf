"""Explorations: outcome against each uncertain value, the sensitivity bars, the discovered boxes.

Each function takes the answers of one exploration (:class:`~peacesim.experiment.explore_analysis.Answers`)
and returns a matplotlib Figure; the caller decides where to save it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment import targets
from peacesim.experiment.explore_analysis import Answers, Discovery
from peacesim.experiment.explore_design import Indices

from .style import REFERENCE_COLOUR, SEQUENTIAL_CMAP, colour, new_figure, note, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@styled
def plot_outcome_scatter(answers: Answers, target: str) -> Figure:
    """The target's first metric (per-point mean) against each uncertain value, with the target line."""
    clause = targets.parse(target).clauses[0]
    if clause.name not in answers.metrics:
        raise ReportError(f"the exploration has no metric {clause.name!r}")
    y = answers.point_means(clause.name)
    params = answers.ex.space.params
    rows, cols = math.ceil(len(params) / 3), min(3, len(params))
    fig = new_figure(7.5, 2.6 * rows + 0.8)
    grid = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel()  # each value its own x axis
    for ax in grid[len(params):]:
        ax.set_visible(False)
    for j, ax in enumerate(grid[: len(params)]):
        ax.scatter(answers.x[:, j], y, s=10, color=colour(0), alpha=0.7, linewidths=0)
        ax.axhline(clause.value, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.1, label=f"target {clause.op} {clause.value:g}")
        ax.set_xlabel(params[j].label, fontsize=8)
        ax.set_ylabel(clause.name if j % 3 == 0 else "", fontsize=8)
    fig.suptitle(f"{clause.name} at each explored point", x=0.01, ha="left", fontweight="bold")
    note(fig, f"Each dot: the mean of {answers.ex.replications} replications at one of {answers.ex.points} points; "
              f"dashed: the target {target!r}.")
    return fig


@styled
def plot_sensitivity(answers: Answers, indices: Indices) -> Figure:
    """First-order and total Sobol' indices per uncertain value (labelled by claim), with intervals."""
    labels = [u.label for u in answers.ex.space.params]
    order = np.argsort(indices.total)
    fig = new_figure(7.5, 1.2 + 0.45 * len(labels))
    ax = fig.subplots()
    pos = np.arange(len(labels))
    for k, (name, est, ci) in enumerate((("first-order", indices.first, indices.first_ci), ("total", indices.total, indices.total_ci))):
        e, c = est[order], ci[order]
        err = np.vstack([np.maximum(e - c[:, 0], 0), np.maximum(c[:, 1] - e, 0)])
        ax.barh(pos + (k - 0.5) * 0.38, e, height=0.36, color=colour(k), label=name, xerr=err, capsize=2)
    ax.set_yticks(pos, [labels[i] for i in order], fontsize=8)
    ax.axvline(0, color=REFERENCE_COLOUR, linewidth=0.8)
    ax.set_xlabel("Sobol' index (share of the output's variance)")
    ax.legend(loc="lower right")
    fig.suptitle(f"Which vagueness matters for {indices.output}", x=0.01, ha="left", fontweight="bold")
    note(fig, "Bars: estimates; whiskers: bootstrap intervals. Total includes interactions.")
    return fig


@styled
def plot_box(answers: Answers, target: str, box: Discovery) -> Figure:
    """Points in the two values the box restricts (or the first two) coloured by P(met), with the box."""
    params = answers.ex.space.params
    dims = [params.index(u) for u, _, _ in box.limits][:2]
    dims += [j for j in range(len(params)) if j not in dims][: 2 - len(dims)]
    p = answers.per_point(target)[0]
    fig = new_figure(6.0, 4.6)
    ax = fig.subplots()
    xs = answers.x[:, dims[0]]
    ys = answers.x[:, dims[1]] if len(dims) > 1 else p
    points = ax.scatter(xs, ys, c=p, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, s=14, linewidths=0)
    fig.colorbar(points, ax=ax, label="P(target met) at the point")
    limits = {params.index(u): (lo, hi) for u, lo, hi in box.limits}

    def edges(j: int, values: np.ndarray) -> tuple[float, float]:
        lo, hi = limits.get(j, (None, None))
        return (float(values.min()) if lo is None else lo, float(values.max()) if hi is None else hi)

    x0, x1 = edges(dims[0], xs)
    y0, y1 = edges(dims[1], ys) if len(dims) > 1 else (0.0, 1.0)
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=REFERENCE_COLOUR, linewidth=1.6, linestyle="--"))
    ax.set_xlabel(params[dims[0]].label, fontsize=8)
    ax.set_ylabel(params[dims[1]].label if len(dims) > 1 else "P(target met)", fontsize=8)
    fig.suptitle(f"Where {target!r} holds", x=0.01, ha="left", fontweight="bold")
    note(fig, f"Dashed box (PRIM): coverage {box.coverage:.0%}, density {box.density:.0%}, {box.support:.0%} of the points.")
    return fig
