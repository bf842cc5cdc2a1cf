"""Risk and error in one picture: the spread of outcomes and, over it, the error of the mean.

For each headline metric, option by option on one axis: a wide pale bar from the 10th to the 90th
percentile of the replications (what one run of history might give: the risk a planner lives
with, which more replications do not shrink) and, over it, a thin dark bar for the confidence
interval of the mean (the error of the estimate, which they do). A dashed line marks the
reference's mean. Reading both at once keeps a precise mean from passing for a safe outcome.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from peacesim.catalog import element_of, lookup
from peacesim.errors import ReportError
from peacesim.experiment.results import RunResult

from .context import run_tag, short_name
from .labels import metric_label
from .phrasing import element_words, headline_order, unit_of
from .style import REFERENCE_COLOUR, colour, new_figure, note, styled

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import Locator

#: Panels per figure: more would make a figure taller than a printed page.
PANELS_PER_FIGURE = 6
#: Columns of panels.
COLUMNS = 2
#: Characters per line of a panel title (longer titles wrap rather than run off the panel).
TITLE_CHARS = 34


def risk_metrics(results: Sequence[RunResult]) -> list[str]:
    """Headline metrics some run defines in more than one replication, in headline order."""
    names = set().union(*(r.summary for r in results))
    return [m for m in headline_order(names, results[0]) if any(m in r.summary and r.summary[m].n > 1 for r in results)]


def axis_label(name: str, results: Sequence[RunResult]) -> str:
    """The metric's label and unit from the catalog; a non-lethal output in its element's own unit."""
    lab = metric_label(name)
    element = element_of(name)
    if element:
        run = next((r for r in results if name in r.summary), results[0])
        lab = replace(lab, text=f"{lookup(name).label}: {element_words(name, run)}")
    unit = "%" if lab.share else lab.unit
    if lookup(name).unit == "output":
        unit = next((u for r in results if (u := unit_of(name, r))), "") or unit
    return f"{lab.text} ({unit})" if unit else lab.text


def _panel(ax: Axes, results: Sequence[RunResult], name: str, labelled: bool) -> None:
    """One metric: every run's spread bar, CI bar and mean, each drawn in one call (vectorised)."""
    share = lookup(name).share
    scale = 100.0 if share else 1.0
    y = np.arange(len(results))[::-1].astype(float)
    nan = float("nan")
    stats = np.array([[s.p10, s.p90, s.ci_low, s.ci_high, s.mean] if s is not None and s.n > 0 else [nan] * 5
                      for s in (r.summary.get(name) for r in results)], dtype=float) * scale
    colours = [colour(i) for i in range(len(results))]
    p10, p90, lo, hi, mean = stats.T
    spread = np.isfinite(p10) & np.isfinite(p90)
    ax.barh(y[spread], (p90 - p10)[spread], left=p10[spread], height=0.62, linewidth=0, alpha=0.28,
            color=[c for c, k in zip(colours, spread) if k])
    error = np.isfinite(lo) & np.isfinite(hi)
    ax.barh(y[error], np.maximum(hi - lo, 0)[error], left=lo[error], height=0.24, linewidth=0,
            color=[c for c, k in zip(colours, error) if k])
    ax.plot(mean, y, marker="D", markersize=4.5, markeredgewidth=0.9, markerfacecolor="white",
            markeredgecolor="black", linestyle="none", clip_on=False, zorder=4)
    for yi, r, m in zip(y, results, mean):
        if not math.isfinite(m):
            ax.text(0.02, yi, "not in this run" if name not in r.summary else "never",
                    transform=ax.get_yaxis_transform(), va="center", fontsize=7, color="#777777")
    if len(results) > 1 and math.isfinite(mean[0]):
        ax.axvline(mean[0], color=REFERENCE_COLOUR, linestyle="--", linewidth=0.9)
    ax.set_yticks(y, [short_name(run_tag(r), 24) for r in results])
    ax.tick_params(axis="y", length=0, labelleft=labelled)
    ax.margins(x=0.06)
    ax.set_ylim(-0.6, len(results) - 0.4)
    ax.set_title(textwrap.fill(axis_label(name, results), TITLE_CHARS), fontsize=9)
    ax.grid(axis="y", visible=False)
    if share:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.xaxis.set_major_locator(_locator())


def _locator() -> Locator:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=5)


@styled
def plot_risk_error(results: Sequence[RunResult], metrics: Sequence[str]) -> Figure:
    """One panel per metric (at most :data:`PANELS_PER_FIGURE`): runs as rows, spread and error drawn over each other."""
    if not results:
        raise ReportError("no runs to draw")
    if not metrics:
        raise ReportError("no headline metric is defined in more than one replication")
    metrics = list(metrics)[:PANELS_PER_FIGURE]
    cols = min(COLUMNS, len(metrics))
    rows = -(-len(metrics) // cols)
    height = rows * (0.9 + 0.24 * len(results)) + 0.7
    fig = new_figure(7.5, height)
    grid = fig.subplots(rows, cols, squeeze=False, sharey=True)
    for k, ax in enumerate(grid.ravel()):
        if k >= len(metrics):
            ax.set_visible(False)
            continue
        _panel(ax, results, metrics[k], labelled=k % cols == 0)
    conf = round(100 * results[0].confidence)
    reps = sorted({r.replications for r in results})
    note(fig, f"Pale bar: 10th–90th percentile of {'/'.join(map(str, reps))} replications (the spread of outcomes).\n"
              f"Dark bar: {conf}% CI of the mean (the error of the estimate); diamond: mean"
              + ("; dashed: the reference's mean." if len(results) > 1 else "."))
    return fig


def risk_figures(results: Sequence[RunResult]) -> list[tuple[str, list[str]]]:
    """The risk-and-error figures a report holds: (key, metrics) per figure, in headline order."""
    names = risk_metrics(results)
    return [(f"risk-{k // PANELS_PER_FIGURE + 1}", names[k:k + PANELS_PER_FIGURE])
            for k in range(0, len(names), PANELS_PER_FIGURE)]
