"""Comparison charts: several runs side by side, paired differences, tornado and sweep lines.

A comparison is only as good as its intervals, so every chart here draws them: bars carry the
confidence interval of the mean; the forest plot shows paired differences (common random
numbers) as a share of the reference with their interval, filled when it excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment.results import Comparison, MetricSummary, RunResult

from .labels import metric_label
from .style import (
    BAND_ALPHA,
    DISTINGUISHABLE_COLOUR,
    INDISTINCT_COLOUR,
    REFERENCE_COLOUR,
    colour,
    new_figure,
    note,
    styled,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class TornadoBar:
    """One parameter of a one-at-a-time sensitivity run.

    ``low_mean``/``high_mean`` are the metric's mean with the parameter at its low and high value;
    ``base_mean`` is the metric with every parameter at its base value.
    """

    label: str
    low_mean: float
    high_mean: float
    base_mean: float

    @property
    def swing(self) -> float:
        """How far the metric moves over the parameter's range (bars are sorted by it)."""
        return abs(self.high_mean - self.low_mean)


def _pct_of(value: float, reference: float) -> float:
    return 100.0 * value / reference if reference else math.nan


@styled
def plot_comparison_bars(results: Sequence[RunResult], metric: str) -> Figure:
    """One bar per run for one metric, with its confidence interval as an error bar."""
    runs = [r for r in results if metric in r.summary]
    if not runs:
        raise ReportError(f"no run has metric {metric!r}")
    lab = metric_label(metric)
    scale = 100.0 if lab.share else 1.0
    sums = [r.summary[metric] for r in runs]
    means = np.array([s.mean for s in sums]) * scale
    lows = np.array([s.ci_low for s in sums]) * scale
    highs = np.array([s.ci_high for s in sums]) * scale
    err = np.vstack([np.nan_to_num(means - lows), np.nan_to_num(highs - means)])
    fig = new_figure(max(4.5, 1.1 * len(runs) + 2.5), 3.6)
    ax = fig.add_subplot()
    x = np.arange(len(runs))
    ax.bar(x, means, color=[colour(i) for i in range(len(runs))], width=0.6, alpha=0.85)
    ax.errorbar(x, means, yerr=err, fmt="none", ecolor="black", capsize=5, linewidth=1.2)
    ax.set_xticks(x, [r.label for r in runs], rotation=15 if len(runs) > 2 else 0)
    ax.set_ylabel(lab.axis)
    ax.set_xlabel("Run")
    ax.set_title(f"{lab.text} by run")
    conf = int(round(100 * runs[0].confidence))
    note(fig, f"Bars: mean over replications ({', '.join(str(s.n) for s in sums)}); error bars: {conf}% confidence interval of the mean.")
    return fig


@styled
def plot_difference_forest(comparison: Comparison, metrics: Sequence[str] | None = None) -> Figure:
    """Paired differences against the reference, as % of the reference mean, with intervals.

    One row per (run, metric); a filled marker means the interval excludes zero (distinguishable),
    a hollow grey one that it does not. Metrics whose reference mean is zero are left out (no %).
    """
    rows = []
    for other, diffs in comparison.differences.items():
        for d in diffs:
            if (metrics is None or d.metric in metrics) and d.reference_mean and not math.isnan(d.mean):
                rows.append((other, d))
    if metrics is not None:
        order = {m: i for i, m in enumerate(metrics)}
        rows.sort(key=lambda r: (order.get(r[1].metric, 0), r[0]))
    if not rows:
        raise ReportError("the comparison has no differences to plot (all reference means zero or no shared metrics)")
    fig = new_figure(7.5, 0.32 * len(rows) + 1.6)
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    several = len(comparison.differences) > 1
    for yi, (other, d) in zip(y, rows):
        mid = _pct_of(d.mean, d.reference_mean)
        lo, hi = sorted((_pct_of(d.ci_low, d.reference_mean), _pct_of(d.ci_high, d.reference_mean)))
        c = DISTINGUISHABLE_COLOUR if d.distinguishable else INDISTINCT_COLOUR
        ax.plot([lo, hi], [yi, yi], color=c, linewidth=2, solid_capstyle="butt")
        ax.plot([mid], [yi], marker="o", markersize=6, color=c, markerfacecolor=c if d.distinguishable else "white")
    labels = [metric_label(d.metric).text + (f"\n[{o}]" if several else "") for o, d in rows]
    ax.set_yticks(y, labels)
    ax.axvline(0, color=REFERENCE_COLOUR, linewidth=1)
    ax.set_xlabel(f"Paired difference from the reference (% of {comparison.reference.label} mean)")
    title_other = comparison.others[0].label if len(comparison.others) == 1 else "each variant"
    ax.set_title(f"{title_other} against {comparison.reference.label}")
    ax.grid(axis="y", visible=False)
    conf = int(round(100 * comparison.confidence))
    note(fig, f"Dot: mean paired difference (common random numbers); line: its {conf}% interval. "
              "Filled: interval excludes zero (distinguishable); hollow grey: not distinguishable.")
    return fig


@styled
def plot_tornado(bars: Sequence[TornadoBar], metric: str) -> Figure:
    """One-at-a-time sensitivity: how far each parameter's range moves the metric from base."""
    if not bars:
        raise ReportError("a tornado chart needs at least one parameter")
    ordered = sorted(bars, key=lambda b: b.swing)  # largest at the top
    base = ordered[0].base_mean
    lab = metric_label(metric)
    scale = 100.0 if lab.share else 1.0
    fig = new_figure(7.5, 0.42 * len(ordered) + 1.6)
    ax = fig.add_subplot()
    y = np.arange(len(ordered))
    for yi, b in zip(y, ordered):
        ax.barh(yi, (b.low_mean - base) * scale, left=base * scale, color=colour(0), height=0.6,
                label="Parameter at low value" if yi == 0 else None)
        ax.barh(yi, (b.high_mean - base) * scale, left=base * scale, color=colour(1), height=0.6,
                label="Parameter at high value" if yi == 0 else None)
    base_text = f"{base * scale:.3g}%" if lab.share else f"{base:.3g}"
    ax.axvline(base * scale, color="black", linewidth=1, label=f"Base ({base_text})")
    ax.set_yticks(y, [b.label for b in ordered])
    ax.set_xlabel(lab.axis)
    ax.set_title(f"Sensitivity of {lab.text.lower()} to each parameter")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    note(fig, "Each bar: metric mean with one parameter at its low or high value and all others at base.")
    return fig


@styled
def plot_sweep(
    x: Sequence[float],
    summaries: Sequence[MetricSummary],
    param_label: str,
    metric: str,
    *,
    confidence: float = 0.95,
) -> Figure:
    """A metric's mean against a swept parameter, with the CI band and the 10th-90th range.

    ``param_label`` should carry the parameter's unit, e.g. ``"UK rotation depth (units)"``.
    """
    if len(x) != len(summaries) or not x:
        raise ReportError(f"a sweep line needs one summary per x value (got {len(x)} x values, {len(summaries)} summaries)")
    order = np.argsort(np.asarray(x, dtype=float))
    xs = np.asarray(x, dtype=float)[order]
    lab = metric_label(metric)
    scale = 100.0 if lab.share else 1.0

    def pick(field: str) -> np.ndarray:
        return np.array([getattr(summaries[i], field) for i in order], dtype=float) * scale

    fig = new_figure(7.0, 3.6)
    ax = fig.add_subplot()
    ax.fill_between(xs, pick("p10"), pick("p90"), color=colour(0), alpha=BAND_ALPHA / 2, linewidth=0,
                    label="10th-90th percentile of replications")
    ax.fill_between(xs, pick("ci_low"), pick("ci_high"), color=colour(0), alpha=BAND_ALPHA * 2, linewidth=0,
                    label=f"{round(100 * confidence)}% interval of the mean")
    ax.plot(xs, pick("mean"), color=colour(0), marker="o", markersize=4, label="Mean")
    ax.set_xlabel(param_label)
    ax.set_ylabel(lab.axis)
    ax.set_title(f"{lab.text} against {param_label}")
    ax.legend(loc="best")
    note(fig, f"Replications per point: {', '.join(str(summaries[i].n) for i in order)}.")
    return fig
