"""Coverage charts: how much of what the zones need is filled, day by day.

Coverage of a zone is troops present / troops required, capped at 1; the overall series weights
zones by their weight. Every line is the mean over replications with the 10th-90th percentile
band, so a reader sees both the expected build-up and how bad an unlucky run gets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment.results import RunResult

from .context import require_series, run_tag, suffixed, zone_names
from .style import (
    SEQUENTIAL_CMAP,
    axes_grid,
    band,
    colour,
    new_figure,
    note,
    overlay_alpha,
    overlay_legend,
    percent_axis,
    styled,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BAND_NOTE = "Lines: mean over {n} replications; shaded: 10th-90th percentile across replications."


def _as_list(results: RunResult | Sequence[RunResult]) -> list[RunResult]:
    out = [results] if isinstance(results, RunResult) else list(results)
    if not out:
        raise ReportError("no runs to plot")
    return out


@styled
def plot_coverage(results: RunResult | Sequence[RunResult]) -> Figure:
    """Weighted coverage over time, one line and band per run (several runs overlay for comparison)."""
    runs = _as_list(results)
    fig = new_figure(9.0 if len(runs) > 3 else 7.5, 3.8)
    ax = fig.add_subplot()
    for i, run in enumerate(runs):
        require_series(run, "coverage")
        s = run.series["coverage"]
        band(ax, np.arange(len(s.mean)), s.mean, s.low, s.high, colour_=colour(i), label=run_tag(run),
             alpha=overlay_alpha(len(runs)))
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.set_xlabel("Day of the operation")
    ax.set_ylabel("Weighted coverage (% of required troops)")
    ax.set_title("Coverage of required troops over time")
    ax.set_xlim(left=0)
    overlay_legend(ax, len(runs))
    note(fig, BAND_NOTE.format(n=", ".join(str(r.replications) for r in runs)))
    return fig


@styled
def plot_zone_coverage(result: RunResult, ncols: int = 3) -> Figure:
    """Coverage over time in each zone: small multiples sharing axes, one panel per zone."""
    zones = suffixed(result.series, "coverage")
    if not zones:
        raise ReportError(f"run {result.run_id or result.label} has no per-zone coverage series (coverage.<zone>)")
    names = zone_names(result)
    nrows = -(-len(zones) // ncols)
    fig = new_figure(7.5, 1.9 * nrows + 0.6)
    for i, (ax, zone) in enumerate(zip(axes_grid(fig, len(zones), ncols), zones)):
        s = result.series[f"coverage.{zone}"]
        band(ax, np.arange(len(s.mean)), s.mean, s.low, s.high, colour_=colour(0), label=zone)
        ax.set_title(names.get(zone, zone), fontsize=8.5)
        ax.set_ylim(0, 1.05)
        percent_axis(ax)
        if i % ncols == 0:
            ax.set_ylabel("Coverage (%)")
        if i >= len(zones) - ncols:
            ax.set_xlabel("Day")
    fig.suptitle(f"Coverage by zone over time: {result.label}", x=0.01, ha="left", fontweight="bold")
    note(fig, BAND_NOTE.format(n=result.replications))
    return fig


@styled
def plot_coverage_heatmap(result: RunResult) -> Figure:
    """Zone x day grid of mean coverage: where and when the package falls short at a glance."""
    zones = suffixed(result.series, "coverage")
    if not zones:
        raise ReportError(f"run {result.run_id or result.label} has no per-zone coverage series (coverage.<zone>)")
    names = zone_names(result)
    grid = np.vstack([result.series[f"coverage.{z}"].mean for z in zones])
    fig = new_figure(7.5, 0.45 * len(zones) + 1.6)
    ax = fig.add_subplot()
    ax.grid(False)
    image = ax.imshow(
        grid, aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, interpolation="nearest",
        extent=(-0.5, grid.shape[1] - 0.5, len(zones) - 0.5, -0.5),
    )
    ax.set_yticks(range(len(zones)), [names.get(z, z) for z in zones])
    ax.set_xlabel("Day of the operation")
    ax.set_title(f"Mean coverage by zone and day: {result.label}")
    bar = fig.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    bar.set_label("Mean coverage (%)")
    percent_axis(bar.ax)
    note(fig, f"Mean over {result.replications} replications of each zone's daily coverage (troops present / required, capped at 100%).")
    return fig

