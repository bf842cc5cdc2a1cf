"""Summary statistics over replications: mean, Student-t interval, quantiles, series bands.

Everything is NaN-aware: a metric undefined in a replication (NaN, e.g. no stock-out) does not
count, and ``n`` is the number of replications where it was defined. SciPy is imported only when
an interval is needed.
"""

from __future__ import annotations

import dataclasses
import math
from types import TracebackType

import numpy as np

from .results import MetricSummary, SeriesBand

#: Quantiles reported per metric and used for series bands.
BAND_LOW, BAND_HIGH = 0.10, 0.90


def t_quantile(confidence: float, dof: int) -> float:
    """Two-sided Student-t critical value for ``confidence`` with ``dof`` degrees of freedom."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (got {confidence})")
    if dof < 1:
        return math.nan
    from scipy.special import stdtrit

    return float(stdtrit(dof, 1.0 - (1.0 - confidence) / 2.0))


def wilson(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """Share ``successes / n`` with its Wilson score interval (NaN for n = 0).

    The Wilson interval keeps its coverage near the nominal level for shares near 0 or 1 and small
    ``n``, where the normal approximation gives intervals outside [0, 1].
    """
    if n <= 0:
        return math.nan, math.nan, math.nan
    from scipy.special import ndtri

    p = successes / n
    z = float(ndtri(1.0 - (1.0 - confidence) / 2.0))
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


def half_width(values: np.ndarray, confidence: float = 0.95) -> float:
    """Half-width of the Student-t interval of the mean of the defined values (NaN if n < 2)."""
    x = _defined(values)
    if x.size < 2:
        return math.nan
    return t_quantile(confidence, x.size - 1) * float(np.std(x, ddof=1)) / math.sqrt(x.size)


def summarize(values: np.ndarray, confidence: float = 0.95) -> MetricSummary:
    """Mean, standard deviation, Student-t interval and p10/p50/p90 of one metric."""
    x = _defined(values)
    n = int(x.size)
    if n == 0:
        nan = math.nan
        return MetricSummary(mean=nan, std=nan, ci_low=nan, ci_high=nan, p10=nan, p50=nan, p90=nan, n=0)
    mean = float(np.mean(x))
    std = float(np.std(x, ddof=1)) if n > 1 else math.nan
    hw = t_quantile(confidence, n - 1) * std / math.sqrt(n) if n > 1 else math.nan
    p10, p50, p90 = (float(q) for q in np.quantile(x, [BAND_LOW, 0.5, BAND_HIGH]))
    return MetricSummary(mean=mean, std=std, ci_low=mean - hw, ci_high=mean + hw, p10=p10, p50=p50, p90=p90, n=n)


def summarize_all(metrics: dict[str, np.ndarray], confidence: float = 0.95) -> dict[str, MetricSummary]:
    """:func:`summarize` for every metric, in name order, its interval cut to where the mean can lie.

    A Student-t interval from few replications of a bounded quantity can pass its bound (a share's
    interval from -3.7% to 81%, a day from -216 to 325); the mean lies within the bounds, so the
    interval cut to them still covers it at least as often, and reads as possible.
    """
    from ..catalog import bounds

    out = {}
    for name in sorted(metrics):
        s = summarize(metrics[name], confidence)
        low, high = bounds(name)
        if s.ci_low < low or s.ci_high > high:
            s = dataclasses.replace(s, ci_low=max(s.ci_low, low), ci_high=min(s.ci_high, high))
        out[name] = s
    return out


def series_band(values: np.ndarray) -> SeriesBand:
    """Daily mean and p10/p90 band of a (replications, days) array; NaN days stay NaN."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"series_band needs a non-empty (replications, days) array (got shape {arr.shape})")
    if not np.isnan(arr).any():  # the usual case: one vectorised pass (nanquantile loops over days)
        low, high = np.quantile(arr, [BAND_LOW, BAND_HIGH], axis=0)
        return SeriesBand(mean=arr.mean(axis=0), p10=low, p90=high)
    with np.errstate(all="ignore"), _quiet_all_nan():
        mean = np.nanmean(arr, axis=0)
        low, high = np.nanquantile(arr, [BAND_LOW, BAND_HIGH], axis=0)
    return SeriesBand(mean=mean, p10=low, p90=high)


def precision_reached(values: np.ndarray, relative: float, confidence: float = 0.95) -> tuple[bool, float, float]:
    """Whether the interval half-width is at most ``relative * |mean|``.

    Returns:
        (reached, half_width, target half-width). Fewer than two defined values never reach it.
    """
    x = _defined(values)
    hw = half_width(x, confidence)
    target = relative * abs(float(np.mean(x))) if x.size else math.nan
    return (bool(x.size >= 2 and hw <= target), hw, target)


def _defined(values: np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64).ravel()
    return x[np.isfinite(x)]


class _quiet_all_nan:
    """Silence numpy's 'All-NaN slice' and 'Mean of empty slice' warnings for undefined days."""

    def __enter__(self) -> None:
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._ctx.__exit__(exc_type, exc, tb)
