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
    REFERENCE_COLOUR,
    SEQUENTIAL_CMAP,
    axes_grid,
    band,
    colour,
    line_style,
    new_figure,
    note,
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


#: A run whose mean coverage never differs from the reference's by more than this (a share) is
#: named in the footnote as "same as the reference" instead of drawn as a line on top of it.
SAME_AS_REFERENCE = 0.005


@styled
def plot_coverage(results: RunResult | Sequence[RunResult]) -> Figure:
    """Weighted coverage over time: the reference with its band, and each other run's difference from it.

    Overlaid lines of nine runs lie on top of each other; differences from the reference (in
    percentage points) tell them apart, each in its own colour. Runs that never differ by
    more than half a point are named in the footnote instead.
    """
    runs = _as_list(results)
    for run in runs:
        require_series(run, "coverage")
    ref = runs[0].series["coverage"]
    days = np.arange(len(ref.mean))
    several = len(runs) > 1
    fig = new_figure(7.5, 5.6 if several else 3.6)
    if several:
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1.3])
    else:
        top, bottom = fig.subplots(), None
    band(top, days, ref.mean, ref.p10, ref.p90, colour_=colour(0), label=run_tag(runs[0]))
    top.set_ylim(0, 1.02)
    percent_axis(top)
    top.set_ylabel("Weighted coverage")
    top.set_title(f"Coverage of required troops over time{': ' + run_tag(runs[0]) + ' (reference)' if several else ''}")
    top.set_xlim(0, len(days))
    same = []
    if bottom is not None:
        bottom.axhline(0, color=REFERENCE_COLOUR, linewidth=1)
        for i, run in enumerate(runs[1:], start=1):
            s = run.series["coverage"]
            n = min(len(s.mean), len(ref.mean))
            diff = 100 * (s.mean[:n] - ref.mean[:n])
            if not np.isfinite(diff).any() or np.nanmax(np.abs(diff)) <= 100 * SAME_AS_REFERENCE:
                same.append(run_tag(run))
                continue
            bottom.plot(days[:n], diff, color=colour(i), linestyle=line_style(i), label=run_tag(run))
        bottom.set_ylabel("Difference from the reference\n(percentage points)")
        bottom.set_xlabel("Day of the operation")
        if len(bottom.lines) > 1:
            bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5)
        else:
            bottom.text(0.5, 0.5, "every run within half a point of the reference", transform=bottom.transAxes,
                        ha="center", va="center", color="#777777")
    else:
        top.set_xlabel("Day of the operation")
    text = BAND_NOTE.format(n=runs[0].replications)
    if same:
        text += "\nNo more than half a point from the reference on any day: " + ", ".join(same) + "."
    note(fig, text)
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
        band(ax, np.arange(len(s.mean)), s.mean, s.p10, s.p90, colour_=colour(0), label=zone)
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

