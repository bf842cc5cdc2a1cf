"""Comparing runs under common random numbers: paired differences with Student-t intervals.

Runs that share a root seed give replication ``i`` the same random streams in every variant, so
``other[i] - reference[i]`` removes most of the noise the two have in common. Each metric's
paired differences get a mean and an interval; a difference is distinguishable from zero when
the interval excludes zero and the difference is more than float noise (``NOISE_TOLERANCE`` of
the metric's scale: a relief that lands 4.5e-13 days late is no change). Each difference also
gives the share of paired replications in which the other run is higher (ties, including noise,
count half) with its Wilson interval, from which reports state P(option better than reference).
Pairs where either value is undefined (NaN) are left out.

A metric that only one run of a pair has (a variant adds a non-lethal element, or removes an air
defence system and with it ``stockout_day.<system_id>``) cannot be paired; :func:`unpaired` lists
those, so tables and ``compare.csv`` show them instead of dropping them silently.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from .results import NOISE_TOLERANCE, Comparison, Difference, RunResult
from .stats import t_quantile, wilson


def paired_difference(metric: str, reference: np.ndarray, other: np.ndarray, confidence: float = 0.95) -> Difference:
    """Paired difference ``other - reference`` of one metric, replication by replication."""
    m = min(reference.size, other.size)
    a, b = np.asarray(reference[:m], dtype=float), np.asarray(other[:m], dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    if not ok.any():
        # No pairs, but each side keeps its own mean: a stock-out that happens only in the
        # variant is "-> day 498", not "never" (NaN only where a side is undefined throughout).
        nan = math.nan
        return Difference(metric, _finite_mean(a), _finite_mean(b), nan, nan, nan, 0)
    a, b = a[ok], b[ok]
    n = int(a.size)
    d = b - a
    mean = float(d.mean())
    hw = t_quantile(confidence, n - 1) * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()), 1.0)
    higher = np.where(np.abs(d) <= NOISE_TOLERANCE * scale, 0.5, (d > 0).astype(float))
    p, lo, hi = wilson(float(higher.sum()), n, confidence)
    return Difference(metric, float(a.mean()), float(b.mean()), mean, mean - hw, mean + hw, n, p, lo, hi)


def _finite_mean(x: np.ndarray) -> float:
    """Mean of the defined (finite) values, NaN when there are none."""
    f = x[np.isfinite(x)]
    return float(f.mean()) if f.size else math.nan


def unknown_metrics(unknown: list[str], known: list[str], shown: int = 8, have: str = "the runs have") -> str:
    """One line for metric names the runs lack: each with a did-you-mean, then a few the runs have."""
    from ..catalog import suggest

    names = ", ".join(f"{m!r}{suggest(m, known)}" for m in unknown)
    more = f", … ({len(known)} in all; peacesim metrics lists them)" if len(known) > shown else ""
    return f"unknown metric(s) {names}; {have}: {', '.join(known[:shown])}{more}"


def compare(
    reference: RunResult,
    others: list[RunResult],
    confidence: float = 0.95,
    metrics: list[str] | None = None,
) -> Comparison:
    """Every other run against ``reference``, for every metric they have in common.

    Args:
        metrics: restrict to these metric names (each must be in at least one of the runs).
    """
    if not others:
        raise UsageError("compare needs at least one run besides the reference")
    if metrics:
        known = set(reference.metrics).union(*(o.metrics for o in others))
        unknown = sorted(set(metrics) - known)
        if unknown:
            raise UsageError(unknown_metrics(unknown, sorted(known)))
    differences: dict[str, list[Difference]] = {}
    for other in others:
        names = sorted(set(reference.metrics) & set(other.metrics))
        if metrics:
            names = [m for m in names if m in metrics]
        label = _unique_label(other, {reference.label, *differences})
        differences[label] = [
            paired_difference(name, reference.metrics[name], other.metrics[name], confidence) for name in names
        ]
    return Comparison(reference=reference, others=list(others), differences=differences, confidence=confidence)


@dataclass(frozen=True)
class Unpaired:
    """A metric that only one run of a (reference, other) pair has, with its mean there.

    ``other`` is the label the pair is filed under in ``Comparison.differences``; ``present_in``
    is the label of the run that has the metric (the reference's label or ``other``).
    """

    metric: str
    other: str
    present_in: str
    mean: float
    n: int

    @property
    def in_reference(self) -> bool:
        """True when the reference has the metric and the other run does not."""
        return self.present_in != self.other


def unpaired(comparison: Comparison, metrics: Collection[str] | None = None) -> list[Unpaired]:
    """Metrics present in only one run of each pair, sorted by other run then metric.

    Args:
        metrics: only these names (as given to :func:`compare`); ``None`` for all.
    """
    ref = comparison.reference
    rows: list[Unpaired] = []
    for label, other in zip(comparison.differences, comparison.others, strict=True):
        for name in sorted(set(ref.metrics) ^ set(other.metrics)):
            if metrics is not None and name not in metrics:
                continue
            run, present = (ref, ref.label) if name in ref.metrics else (other, label)
            s = run.summary.get(name)
            rows.append(Unpaired(name, label, present, s.mean if s else math.nan, s.n if s else 0))
    return rows


def common_random_numbers(reference: RunResult, others: list[RunResult]) -> bool:
    """True when every run shares the reference's seed (pairs share random streams)."""
    return all(o.seed == reference.seed for o in others)


def _unique_label(run: RunResult, taken: set[str]) -> str:
    """The run's label, with its run id when the reference or another run already has that label
    (two runs of one scenario compared: ``baseline`` vs ``baseline [20261202-150248-a9ff]``)."""
    label = run.label
    if label in taken and run.run_id:
        label = f"{label} [{run.run_id}]"
    return label
