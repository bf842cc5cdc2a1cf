"""Gathering replication outputs as they arrive, in any order, into per-index arrays.

Scalars: one float64 per replication and metric (small: 1000 replications x 50 metrics is
400 kB). Daily series: kept per replication, as float32, only for the first ``series_cap``
replications *by index* (not by arrival), so bands do not depend on the executor and memory stays
flat once ``n`` passes the cap. :func:`series_cap_for` sets the cap from the horizon: about 1 MB per
series, and never fewer than 100 replications.
"""

from __future__ import annotations

import numpy as np

from .results import RunResult, SeriesBand
from .stats import series_band, summarize_all

#: float32 values kept per daily series (about 1 MB each).
SERIES_BUDGET_VALUES = 250_000
MIN_SERIES_REPLICATIONS = 100


def series_cap_for(horizon_days: int) -> int:
    """How many replications (by index) keep their daily series for the bands."""
    return max(MIN_SERIES_REPLICATIONS, SERIES_BUDGET_VALUES // max(1, int(horizon_days)))


class Collector:
    """Per-index arrays of metrics and (capped) series, filled as replications finish."""

    def __init__(self, series_cap: int) -> None:
        self.series_cap = series_cap
        self._capacity = 0
        self.done = np.zeros(0, dtype=bool)
        self.metrics: dict[str, np.ndarray] = {}
        self.series: dict[str, np.ndarray] = {}
        self.events = 0

    def _grow(self, index: int) -> None:
        if index < self._capacity:
            return
        cap = max(index + 1, 2 * self._capacity, 16)
        self.done = np.concatenate([self.done, np.zeros(cap - self._capacity, dtype=bool)])
        for name, arr in self.metrics.items():
            self.metrics[name] = np.concatenate([arr, np.full(cap - self._capacity, np.nan)])
        self._capacity = cap

    def add(self, index: int, metrics: dict[str, float], series: dict[str, np.ndarray] | None, events: int = 0) -> None:
        """Record replication ``index`` (its metrics, and its series when under the cap)."""
        self._grow(index)
        self.done[index] = True
        self.events += events
        for name, value in metrics.items():
            arr = self.metrics.get(name)
            if arr is None:
                arr = self.metrics[name] = np.full(self._capacity, np.nan)
            arr[index] = value
        if series and index < self.series_cap:
            for name, values in series.items():
                v = np.asarray(values, dtype=np.float32)
                arr = self.series.get(name)
                if arr is None:
                    arr = self.series[name] = np.full((self.series_cap, v.size), np.nan, dtype=np.float32)
                m = min(v.size, arr.shape[1])
                arr[index, :m] = v[:m]

    @property
    def count(self) -> int:
        return int(self.done.sum())

    def done_indices(self) -> set[int]:
        return {int(i) for i in np.flatnonzero(self.done)}

    def missing(self, n: int) -> list[int]:
        """Indices below ``n`` not yet done, in order."""
        return [i for i in range(n) if i >= self._capacity or not self.done[i]]

    def metric_arrays(self, n: int) -> dict[str, np.ndarray]:
        """Each metric's values for replications ``0..n-1`` (NaN where missing or undefined)."""
        out = {}
        for name, arr in sorted(self.metrics.items()):
            a = np.full(n, np.nan)
            m = min(n, arr.size)
            a[:m] = arr[:m]
            out[name] = a
        return out

    def bands(self, n: int) -> dict[str, SeriesBand]:
        """Daily bands over the replications ``0..min(n, cap)-1`` that are done."""
        k = min(n, self.series_cap)
        rows = np.flatnonzero(self.done[:k]) if k else np.zeros(0, dtype=int)
        if rows.size == 0:
            return {}
        return {name: series_band(arr[rows]) for name, arr in sorted(self.series.items())}

    def series_rows(self, n: int) -> int:
        """How many replications the bands are computed over."""
        k = min(n, self.series_cap)
        return int(self.done[:k].sum())

    def result(
        self,
        *,
        scenario_name: str,
        variant: str | None,
        seed: int,
        n: int,
        confidence: float,
        scenario_text: str = "",
        scenario_hash: str = "",
        run_id: str | None = None,
    ) -> RunResult:
        """A :class:`RunResult` over replications ``0..n-1``."""
        metrics = self.metric_arrays(n)
        return RunResult(
            scenario_name=scenario_name,
            variant=variant,
            seed=seed,
            replications=n,
            metrics=metrics,
            summary=summarize_all(metrics, confidence),
            series=self.bands(n),
            scenario_text=scenario_text,
            scenario_hash=scenario_hash,
            run_id=run_id,
            confidence=confidence,
            extra={"series_replications": self.series_rows(n), "events": self.events, "done": self.count},
        )
