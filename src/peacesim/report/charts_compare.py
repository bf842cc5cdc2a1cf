"""Comparison charts: several runs side by side, paired differences, tornado and sweep lines.

A comparison is only as good as its intervals, so every chart here draws them: bars carry the
confidence interval of the mean; the forest plot shows paired differences (common random
numbers) as a share of the reference with their interval, filled when it excludes zero. The
forest plot says what the findings say: no fall is drawn past −100% (an interval that would pass
it is cut there; the findings give that change in units), a rise the findings give as a
multiple is drawn as an arrow at the panel's edge, labelled with the multiple, so it neither
leaves the panel nor squeezes the other runs' changes to nothing, and the day of an event (a
capability reached, a stock run out) is drawn in days: a panel of its own with several runs, an
axis of its own below the others with one.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from peacesim.catalog import lookup, pattern_of
from peacesim.errors import ReportError
from peacesim.experiment.results import Comparison, Difference, MetricSummary, RunResult

from .context import element_names, run_tag
from .labels import metric_label
from .phrasing import MULTIPLE_ABOVE, multiple_interval, sig, words
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
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class TornadoBar:
    """One parameter of a one-at-a-time sensitivity run.

    ``low_mean``/``high_mean`` are the metric's mean with the parameter at its low and high value;
    ``base_mean`` is the metric with every parameter at its base value. ``low_ci``/``high_ci`` are
    the (lower, upper) confidence limits of those two means, drawn as error bars at the bar ends so
    a reader sees whether a swing is larger than the Monte Carlo noise; ``None`` draws none.
    """

    label: str
    low_mean: float
    high_mean: float
    base_mean: float
    low_ci: tuple[float, float] | None = None
    high_ci: tuple[float, float] | None = None

    @property
    def swing(self) -> float:
        """How far the metric moves over the parameter's range (bars are sorted by it)."""
        return abs(self.high_mean - self.low_mean)

    @classmethod
    def from_summaries(cls, label: str, low: MetricSummary, high: MetricSummary, base: MetricSummary) -> TornadoBar:
        """A bar from the three points' summaries, with the low and high means' intervals."""
        return cls(label, low.mean, high.mean, base.mean, (low.ci_low, low.ci_high), (high.ci_low, high.ci_high))


def _interval_bars(ax: Axes, y: np.ndarray, means: list[float], cis: list[tuple[float, float] | None],
                   scale: float) -> bool:
    """Horizontal error bars at the given means where an interval is given and finite; True if any."""
    rows = [(yi, m, ci) for yi, m, ci in zip(y, means, cis)
            if ci is not None and all(math.isfinite(v) for v in (m, *ci))]
    if not rows:
        return False
    ys = np.array([r[0] for r in rows], dtype=float)
    xs = np.array([r[1] for r in rows]) * scale
    lo = np.array([r[2][0] for r in rows]) * scale
    hi = np.array([r[2][1] for r in rows]) * scale
    err = np.vstack([np.clip(xs - lo, 0, None), np.clip(hi - xs, 0, None)])
    ax.errorbar(xs, ys, xerr=err, fmt="none", ecolor="black", capsize=4, linewidth=1.1)
    return True


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
    ax.set_xticks(x, [run_tag(r) for r in runs], rotation=20 if len(runs) > 2 else 0, ha="right" if len(runs) > 2 else "center")
    ax.set_ylabel(lab.axis)
    ax.set_xlabel("Run")
    ax.set_title(f"{lab.text} by run")
    conf = int(round(100 * runs[0].confidence))
    note(fig, f"Bars: mean over replications ({', '.join(str(s.n) for s in sums)}); error bars: {conf}% confidence interval of the mean.")
    return fig


@styled
def plot_difference_forest(comparison: Comparison, metrics: Sequence[str] | None = None) -> Figure:
    """Paired differences against the reference, as % of the reference mean, with intervals.

    One row per metric (one small panel per metric, runs as rows, when several runs compare); a
    filled marker means the interval excludes zero (distinguishable), a hollow grey one that it
    does not. Metrics whose reference mean is zero are left out (no %). Falls are cut at −100% and
    rises of more than 200% drawn as a labelled arrow at the edge (see the module docstring).
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
    if len(comparison.differences) > 1:
        return _forest_panels(comparison, rows)
    return _forest_single(comparison, [d for _, d in rows])


def _forest_single(comparison: Comparison, diffs: list[Difference]) -> Figure:
    """One compared run: its rows in % of the reference, and below them, on an axis of their own, the
    days of events in days (as the findings give them; per cent of a day number means nothing)."""
    groups = [(False, [d for d in diffs if not _in_days(d.metric)]), (True, [d for d in diffs if _in_days(d.metric)])]
    groups = [(days, ds) for days, ds in groups if ds]
    names = element_names(comparison.reference)
    fig = new_figure(7.5, sum(0.32 * len(ds) + 0.9 for _, ds in groups) + 0.7)
    gs = fig.add_gridspec(len(groups), 1, height_ratios=[len(ds) + 1.5 for _, ds in groups])
    drawn = ForestDrawn()
    for i, (days, ds) in enumerate(groups):
        ax = fig.add_subplot(gs[i, 0])
        y = np.arange(len(ds))[::-1]
        panel = _forest_rows(ax, list(y), ds, days)
        drawn = ForestDrawn(drawn.cut or panel.cut, drawn.multiple or panel.multiple)
        ax.set_yticks(y, [metric_label(d.metric, names).text for d in ds])
        ax.set_ylim(-0.6, len(ds) - 0.4)
        ax.axvline(0, color=REFERENCE_COLOUR, linewidth=1)
        ax.set_xlabel("Paired difference from the reference (days later)" if days else
                      f"Paired difference from the reference (% of {comparison.reference.label} mean)")
        if i == 0:
            ax.set_title(f"{comparison.others[0].label} against {comparison.reference.label}")
        ax.grid(axis="y", visible=False)
    note(fig, _forest_note(comparison, drawn))
    return fig


def _forest_note(comparison: Comparison, drawn: ForestDrawn) -> str:
    conf = int(round(100 * comparison.confidence))
    text = (f"Dot: mean paired difference (common random numbers); line: its {conf}% interval. "
            "Filled: interval excludes zero (distinguishable); hollow grey: not distinguishable.")
    if drawn.cut:
        text += (" An interval that would pass \u2212100% is cut there (no fall is larger than the whole; "
                 "the findings give that change in its unit).")
    if drawn.multiple:
        text += (f" Arrow at the edge: a rise of more than {round(100 * MULTIPLE_ABOVE)}%, labelled with its "
                 "multiple of the reference mean, as the findings give it.")
    return text


@dataclass(frozen=True)
class ForestRow:
    """Where one paired difference is drawn, in % of the reference mean.

    ``cut``: the interval would pass −100% and is cut there; ``times``: a rise of more than
    ``MULTIPLE_ABOVE`` (:func:`peacesim.report.phrasing.multiple_interval`), drawn at the edge.
    """

    mid: float
    low: float
    high: float
    cut: bool = False
    times: float | None = None


@dataclass(frozen=True)
class ForestDrawn:
    """What a forest panel drew that its footnote must explain."""

    cut: bool = False
    multiple: bool = False


def _in_days(metric: str) -> bool:
    """The day of an event (a capability reached, a stock run out): its panel is in days, as the findings
    give it; per cent of a day number means nothing."""
    return pattern_of(metric) is not None and lookup(metric).event is not None and lookup(metric).unit == "days"


def forest_row(d: Difference, in_days: bool = False) -> ForestRow:
    """A difference as the forest plot draws it, consistent with the findings' wording (``in_days``: in days)."""
    if in_days:
        low, high = sorted((d.ci_low, d.ci_high))
        return ForestRow(d.mean, low, high)
    mid = _pct_of(d.mean, d.reference_mean)
    low, high = sorted((_pct_of(d.ci_low, d.reference_mean), _pct_of(d.ci_high, d.reference_mean)))
    times = multiple_interval(d)
    if times is not None:
        return ForestRow(mid, low, high, times=times[0])
    if low < -100:
        return ForestRow(max(mid, -100.0), -100.0, max(high, -100.0), cut=True)
    return ForestRow(mid, low, high)


def _forest_rows(ax: Axes, ys: Sequence[float], diffs: Sequence[Difference], in_days: bool = False) -> ForestDrawn:
    """Forest rows in a few calls (intervals as one collection, dots as one scatter): a panel of
    nine runs costs what one row did. Rises drawn as multiples sit at the right edge, past every
    other row and past +200%, as an arrow with the multiple beside it."""
    if not diffs:
        return ForestDrawn()
    geo = [forest_row(d, in_days) for d in diffs]
    colours = [DISTINGUISHABLE_COLOUR if d.distinguishable else INDISTINCT_COLOUR for d in diffs]
    faces = [c if d.distinguishable else "white" for c, d in zip(colours, diffs)]
    plain = [i for i, g in enumerate(geo) if g.times is None]
    if plain:
        ax.hlines([ys[i] for i in plain], [geo[i].low for i in plain], [geo[i].high for i in plain],
                  colors=[colours[i] for i in plain], linewidth=2, capstyle="butt")
        ax.scatter([geo[i].mid for i in plain], [ys[i] for i in plain], s=25, c=[faces[i] for i in plain],
                   edgecolors=[colours[i] for i in plain], linewidths=1.2, zorder=3)
    cut = [i for i in plain if geo[i].cut]
    if cut:  # a bar where the interval is cut
        ax.scatter([-100.0] * len(cut), [ys[i] for i in cut], marker="|", s=60, c=[colours[i] for i in cut], zorder=3)
    big = [i for i, g in enumerate(geo) if g.times is not None]
    if big:
        edge = 1.15 * max([100 * MULTIPLE_ABOVE, *(geo[i].high for i in plain if math.isfinite(geo[i].high))])
        ax.scatter([edge] * len(big), [ys[i] for i in big], marker=">", s=40, c=[faces[i] for i in big],
                   edgecolors=[colours[i] for i in big], linewidths=1.2, zorder=3)
        for i in big:
            ax.annotate(f"{sig(geo[i].times or 0.0)}\u00d7", (edge, ys[i]), xytext=(-7, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=7.5, color=colours[i])
        ax.set_xlim(right=1.06 * edge)
    return ForestDrawn(cut=bool(cut), multiple=bool(big))


#: Characters of a panel title per line: longer titles wrap instead of running into the next panel.
PANEL_TITLE_CHARS = 30


def _forest_panels(comparison: Comparison, rows: list[tuple[str, Difference]], ncols: int = 3) -> Figure:
    """Several runs: one small panel per metric, runs as rows, so the chart stays compact."""
    moved = {d.metric for _, d in rows if d.mean != 0 or d.ci_low != 0 or d.ci_high != 0}
    metrics = [m for m in dict.fromkeys(d.metric for _, d in rows) if m in moved] or [rows[0][1].metric]
    others = list(comparison.differences)
    nrows = -(-len(metrics) // ncols)
    fig = new_figure(9.0, nrows * (0.22 * len(others) + 1.05) + 0.8)
    gs = fig.add_gridspec(nrows, ncols)
    y = np.arange(len(others))[::-1]
    names = [words(o.split(":", 1)[-1]) for o in others]
    drawn = ForestDrawn()
    for i, metric in enumerate(metrics):
        ax = fig.add_subplot(gs[i // ncols, i % ncols])
        by_run = {o: d for o, d in rows if d.metric == metric}
        at = [(yi, by_run[o]) for yi, o in zip(y, others) if o in by_run]
        days = _in_days(metric)
        panel = _forest_rows(ax, [yi for yi, _ in at], [d for _, d in at], days)
        drawn = ForestDrawn(drawn.cut or panel.cut, drawn.multiple or panel.multiple)
        ax.axvline(0, color=REFERENCE_COLOUR, linewidth=1)
        ax.set_ylim(-0.6, len(others) - 0.4)
        ax.set_yticks(y, names if i % ncols == 0 else [""] * len(others), fontsize=7.5)
        title = metric_label(metric, element_names(comparison.reference)).text + (" (days later)" if days else "")
        ax.set_title(textwrap.fill(title, PANEL_TITLE_CHARS), fontsize=8.5)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.grid(axis="y", visible=False)
    unit = "; days for the day of an event" if any(_in_days(m) for m in metrics) else ""
    fig.suptitle(f"Paired differences against {comparison.reference.label} (% of the reference mean{unit})",
                 x=0.01, ha="left", fontweight="bold")
    note(fig, _forest_note(comparison, drawn))
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
    drawn = _interval_bars(ax, y, [b.low_mean for b in ordered], [b.low_ci for b in ordered], scale)
    drawn |= _interval_bars(ax, y, [b.high_mean for b in ordered], [b.high_ci for b in ordered], scale)
    base_text = f"{base * scale:.3g}%" if lab.share else f"{base:.3g}"
    ax.axvline(base * scale, color="black", linewidth=1, label=f"Base ({base_text})")
    ax.set_yticks(y, [b.label for b in ordered])
    ax.set_xlabel(lab.axis)
    ax.set_title(f"Sensitivity of {lab.text.lower()} to each parameter")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    text = "Each bar: metric mean with one parameter at its low or high value and all others at base."
    if drawn:
        text += " Error bars: confidence interval of that mean."
    note(fig, text)
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
