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

from .context import run_tag, scenario_of
from .style import REFERENCE_COLOUR, colour, new_figure, note, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PANELS = (("response_time_mean_hours", "Mean response time"), ("response_time_p90_hours", "90th-percentile response time"))


@styled
def plot_response_times(results: RunResult | Sequence[RunResult]) -> Figure:
    """Distribution over replications of mean and p90 response time, one box per run."""
    runs = [results] if isinstance(results, RunResult) else list(results)
    runs = [r for r in runs if any(m in r.metrics for m, _ in PANELS)]
    if not runs:
        raise ReportError("no run has response-time metrics (response_time_mean_hours, response_time_p90_hours)")
    fig = new_figure(7.5, 3.4 + 0.1 * len(runs))
    axes = fig.subplots(1, 2, sharey=True)
    jitter = np.random.default_rng(0)  # fixed: the dots' horizontal spread must not change between renders
    scenario = scenario_of(runs[0])
    target = scenario.threats.response.target_hours if scenario else None
    tops = [target or 0.0]
    for ax, (metric, title) in zip(axes, PANELS):
        data = [r.metrics.get(metric, np.array([])) for r in runs]
        data = [d[~np.isnan(d)] for d in data]
        positions = np.arange(1, len(runs) + 1)
        boxes = ax.boxplot(data, positions=positions, widths=0.5, patch_artist=True, showfliers=False,
                           medianprops={"color": "black"})
        for i, (patch, values) in enumerate(zip(boxes["boxes"], data)):
            patch.set_facecolor(colour(i))
            patch.set_alpha(0.35)
            ax.scatter(positions[i] + jitter.uniform(-0.12, 0.12, len(values)), values, s=9, color=colour(i),
                       zorder=3, linewidths=0)
        if target is not None:
            ax.axhline(target, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.2, label=f"Target ({target:g} h)")
            ax.legend(loc="upper right")
        ax.set_xticks(positions, [run_tag(r) for r in runs], rotation=20 if len(runs) > 2 else 0, ha="right" if len(runs) > 2 else "center")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Run")
        tops += [float(d.max()) for d in data if len(d)]
    axes[0].set_ylim(0, 1.1 * max(tops) if max(tops) > 0 else 1.0)
    axes[0].set_ylabel("Response time (hours)")
    fig.suptitle("Incident response time across replications", x=0.01, ha="left", fontweight="bold")
    note(fig, "Dots: one per replication; boxes: quartiles, whiskers to 1.5 x IQR. Response = wait for a team + travel.")
    return fig
