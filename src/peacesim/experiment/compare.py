"""Comparing runs under common random numbers: paired differences with Student-t intervals.

Runs that share a root seed give replication ``i`` the same random streams in every variant, so
``other[i] - reference[i]`` removes most of the noise the two have in common. Each metric's
paired differences get a mean and an interval; a difference is distinguishable from zero when
the interval excludes zero. Pairs where either value is undefined (NaN) are left out.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import UsageError
from .results import Comparison, Difference, RunResult
from .stats import t_quantile


def paired_difference(metric: str, reference: np.ndarray, other: np.ndarray, confidence: float = 0.95) -> Difference:
    """Paired difference ``other - reference`` of one metric, replication by replication."""
    m = min(reference.size, other.size)
    a, b = np.asarray(reference[:m], dtype=float), np.asarray(other[:m], dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    n = int(a.size)
    if n == 0:
        nan = math.nan
        return Difference(metric, nan, nan, nan, nan, nan, 0)
    d = b - a
    mean = float(d.mean())
    hw = t_quantile(confidence, n - 1) * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return Difference(metric, float(a.mean()), float(b.mean()), mean, mean - hw, mean + hw, n)


def compare(
    reference: RunResult,
    others: list[RunResult],
    confidence: float = 0.95,
    metrics: list[str] | None = None,
) -> Comparison:
    """Every other run against ``reference``, for every metric they have in common.

    Args:
        metrics: restrict to these metric names (each must be in the reference run).
    """
    if not others:
        raise UsageError("compare needs at least one run besides the reference")
    if metrics:
        unknown = sorted(set(metrics) - set(reference.metrics))
        if unknown:
            raise UsageError(f"unknown metric(s) {unknown}; the reference run has: {', '.join(sorted(reference.metrics))}")
    differences: dict[str, list[Difference]] = {}
    for other in others:
        names = sorted(set(reference.metrics) & set(other.metrics))
        if metrics:
            names = [m for m in names if m in metrics]
        label = _unique_label(other, differences)
        differences[label] = [
            paired_difference(name, reference.metrics[name], other.metrics[name], confidence) for name in names
        ]
    return Comparison(reference=reference, others=list(others), differences=differences, confidence=confidence)


def common_random_numbers(reference: RunResult, others: list[RunResult]) -> bool:
    """True when every run shares the reference's seed (pairs share random streams)."""
    return all(o.seed == reference.seed for o in others)


def _unique_label(run: RunResult, taken: dict[str, list[Difference]]) -> str:
    label = run.label
    if label in taken and run.run_id:
        label = f"{label} [{run.run_id}]"
    return label
