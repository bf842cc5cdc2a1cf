"""Incident response: how long quick-reaction teams take, across replications.

Each replication yields a mean and a 90th-percentile response time; the spread of those values
over replications is what a planner can expect from one real year. Both are drawn per run as a
box (quartiles, whiskers to 1.5 IQR) with every replication as a dot, against the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment.results import RunResult

from .context import run_tag, scenario_of, short_name
from .style import REFERENCE_COLOUR, colour, new_figure, note, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PANELS = (("response_time_mean_hours", "Mean response time"), ("response_time_p90_hours", "90th-percentile response time"))


@styled
def plot_response_times(results: RunResult | Sequence[RunResult]) -> Figure:
    """Distribution over replications of mean and p90 response time, one horizontal box per run.

    Runs are rows (names read level, however many runs); the target is a dashed line named in the
    footnote, so no legend sits over the dots.
    """
    runs = [results] if isinstance(results, RunResult) else list(results)
    runs = [r for r in runs if any(m in r.metrics for m, _ in PANELS)]
    if not runs:
        raise ReportError("no run has response-time metrics (response_time_mean_hours, response_time_p90_hours)")
    fig = new_figure(7.5, 1.5 + 0.3 * len(runs))
    axes = fig.subplots(1, 2, sharey=True)
    jitter = np.random.default_rng(0)  # fixed: the dots' vertical spread must not change between renders
    scenario = scenario_of(runs[0])
    target = scenario.threats.response.target_hours if scenario else None
    positions = np.arange(len(runs), 0, -1)  # the reference on top
    for ax, (metric, title) in zip(axes, PANELS):
        data = [r.metrics.get(metric, np.array([])) for r in runs]
        data = [d[~np.isnan(d)] for d in data]
        boxes = ax.boxplot(data, positions=positions, widths=0.55, patch_artist=True, showfliers=False, orientation="horizontal",
                           medianprops={"color": "black"})
        for i, (patch, values) in enumerate(zip(boxes["boxes"], data)):
            patch.set_facecolor(colour(i))
            patch.set_alpha(0.35)
            ax.scatter(values, positions[i] + jitter.uniform(-0.15, 0.15, len(values)), s=8, color=colour(i),
                       zorder=3, linewidths=0)
        if target is not None:
            ax.axvline(target, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.2)
        ax.set_yticks(positions, [short_name(run_tag(r), 24) for r in runs])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Response time (hours)")
        ax.set_xlim(left=0)
        ax.grid(axis="y", visible=False)
    fig.suptitle("Incident response time across replications (answered incidents)", x=0.01, ha="left", fontweight="bold")
    aim = f"Dashed: the target ({target:g} h). " if target is not None else ""
    note(fig, aim + "Dots: one per replication; boxes: quartiles, whiskers to 1.5 x IQR. Response = wait for a team + travel.")
    return fig
