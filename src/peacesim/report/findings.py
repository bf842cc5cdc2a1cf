"""Findings in plain words, computed from the statistics, never written by hand.

Two rules keep them honest: a difference is called a rise or a fall only when its paired
interval excludes zero; otherwise the sentence says "no difference distinguishable at 95%".
Shares (coverage, intercept rate) change in percentage points; counts and times in per cent of
the reference mean. The relative interval divides the paired interval by the reference mean,
treating that mean as known: with common random numbers its own error is small next to the
difference's, and the absolute interval is always given alongside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from peacesim.experiment.results import Comparison, Difference, RunResult

from .labels import fmt, metric_label

#: Metrics that get a sentence, in the order a reader asks about them.
KEY_METRICS: tuple[str, ...] = (
    "coverage_mean",
    "coverage_min",
    "foc_day",
    "rotation_gap_days",
    "detection_rate",
    "response_time_mean_hours",
    "response_within_target_share",
    "intercept_rate",
    "leakers",
)

Kind = Literal["level", "difference", "no_difference"]


@dataclass(frozen=True)
class Finding:
    """One sentence and what sort of statement it is (a level, or a comparison outcome)."""

    text: str
    kind: Kind
    metric: str


def _pct(conf: float) -> str:
    return f"{round(100 * conf)}%"


def _ci(low: float, high: float, name: str, conf: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return "interval undefined with one replication"
    return f"{_pct(conf)} CI {fmt(low, name)} to {fmt(high, name)}"


def level_findings(run: RunResult) -> list[Finding]:
    """What one run shows on its own: levels with their intervals, and how often things fail."""
    out: list[Finding] = []
    s, conf, n = run.summary, run.confidence, run.replications
    if "coverage_mean" in s:
        m = s["coverage_mean"]
        out.append(Finding(
            f"Mean weighted coverage is {fmt(m.mean, 'coverage_mean')} ({_ci(m.ci_low, m.ci_high, 'coverage_mean', conf)}) "
            "of the troops the zones require.", "level", "coverage_mean"))
    if "foc_day" in s:
        m = s["foc_day"]
        if m.n == 0:
            out.append(Finding("Full operating capability is never reached within the horizon.", "level", "foc_day"))
        else:
            share = "every replication" if m.n == n else f"{m.n} of {n} replications"
            out.append(Finding(
                f"Full operating capability is reached in {share}, on day {fmt(m.mean)} on average "
                f"({_ci(m.ci_low, m.ci_high, 'foc_day', conf)}, among those that reach it).", "level", "foc_day"))
    if "response_time_mean_hours" in s:
        m = s["response_time_mean_hours"]
        text = (f"Quick-reaction teams take {fmt(m.mean)} hours on average to reach an incident "
                f"({_ci(m.ci_low, m.ci_high, '', conf)} hours)")
        if "response_within_target_share" in s:
            text += f"; {fmt(s['response_within_target_share'].mean, 'response_within_target_share')} arrive within the target"
        out.append(Finding(text + ".", "level", "response_time_mean_hours"))
    if "leakers" in s:
        m = s["leakers"]
        text = f"On average {fmt(m.mean)} air threats get through ({_ci(m.ci_low, m.ci_high, '', conf)})"
        if "intercept_rate" in s:
            text += f"; the intercept rate is {fmt(s['intercept_rate'].mean, 'intercept_rate')}"
        out.append(Finding(text + ".", "level", "leakers"))
    for name in sorted(k for k in run.metrics if k.startswith("stockout_day.")):
        values = run.metrics[name]
        hit = values[~np.isnan(values)]
        system = name.split(".", 1)[1]
        if len(hit):
            out.append(Finding(
                f"Interceptor stock of {system} runs out in {len(hit)} of {len(values)} replications "
                f"(median day {fmt(float(np.median(hit)))}).", "level", name))
    return out


def describe_difference(d: Difference, other: str, reference: str, confidence: float) -> Finding:
    """One sentence for one paired difference, obeying the distinguishability rule."""
    lab = metric_label(d.metric)
    conf = _pct(confidence)
    if lab.share:  # shares move in percentage points
        size = f"{abs(100 * d.mean):.1f} percentage points"
        signed = f"{100 * d.mean:+.1f} points"
        interval = f"{conf} CI {100 * d.ci_low:+.1f} to {100 * d.ci_high:+.1f} points"
    else:
        unit = f" {lab.unit}" if lab.unit else ""
        size = f"{fmt(abs(d.mean))}{unit}"
        signed = f"{'+' if d.mean > 0 else ''}{fmt(d.mean)}{unit}"
        interval = f"{conf} CI {fmt(d.ci_low)} to {fmt(d.ci_high)}{unit}"
        if d.reference_mean and d.distinguishable:
            size = f"{abs(100 * d.relative):.0f}%"
            lo, hi = sorted((100 * d.ci_low / d.reference_mean, 100 * d.ci_high / d.reference_mean))
            interval = f"{conf} CI {lo:+.0f}% to {hi:+.0f}%"
    if math.isnan(d.ci_low) or math.isnan(d.ci_high):
        interval = "interval undefined with one replication"
    if not d.distinguishable:
        return Finding(
            f"{lab.text}: no difference distinguishable at {conf} between {other} and {reference} "
            f"(paired difference {signed}, {interval}).",
            "no_difference", d.metric)
    direction = "up" if d.mean > 0 else "down"
    return Finding(
        f"{lab.text}: {direction} {size} ({interval}) in {other} against {reference}, "
        f"from {fmt(d.reference_mean, d.metric)} to {fmt(d.other_mean, d.metric)}.",
        "difference", d.metric)


def comparison_findings(comparison: Comparison, metrics: Sequence[str] = KEY_METRICS) -> list[Finding]:
    """Sentences for the key metrics of every run against the reference, distinguishable first."""
    out: list[Finding] = []
    for other, diffs in comparison.differences.items():
        by_metric = {d.metric: d for d in diffs}
        rows = [describe_difference(by_metric[m], other, comparison.reference.label, comparison.confidence)
                for m in metrics if m in by_metric]
        out += [f for f in rows if f.kind == "difference"] + [f for f in rows if f.kind == "no_difference"]
    return out


def findings(results: Sequence[RunResult], comparison: Comparison | None = None) -> list[Finding]:
    """The report's findings: the comparison when there is one, then the reference run's levels."""
    out = comparison_findings(comparison) if comparison is not None else []
    return out + (level_findings(results[0]) if results else [])
