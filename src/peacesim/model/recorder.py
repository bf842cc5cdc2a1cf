"""Daily series from piecewise-constant levels and event counts.

The model records a level (coverage, troops in a state, a stock) only when it changes, and an
event (incident, leaker) only when it happens; this module turns those records into the daily
arrays of the contract: index d is day d, levels time-averaged over [d, d+1) (or read at the end of
the day for stocks), counts cumulative to the end of the day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class TraceEvent:
    """One line of the optional event trace: at ``time`` (days), ``actor`` did ``event``."""

    time: float
    actor: str
    event: str
    detail: str = ""


class Level:
    """A quantity that holds its value between changes (a step function of time from day 0)."""

    __slots__ = ("times", "values")

    def __init__(self, initial: float = 0.0) -> None:
        self.times: list[float] = [0.0]
        self.values: list[float] = [float(initial)]

    @property
    def value(self) -> float:
        return self.values[-1]

    def set(self, now: float, value: float) -> None:
        """Record that the level is ``value`` from ``now`` on."""
        if now == self.times[-1]:
            self.values[-1] = float(value)
        elif value != self.values[-1]:
            self.times.append(now)
            self.values.append(float(value))

    def add(self, now: float, delta: float) -> None:
        self.set(now, self.values[-1] + delta)

    def daily_mean(self, horizon: int) -> np.ndarray:
        """Time average of the level over each day [d, d+1).

        A day on which the level does not change gets its value exactly (a difference of running
        integrals would leave float noise, e.g. a coverage of 1 read as 0.99999999999998).
        """
        t = np.asarray(self.times)
        v = np.asarray(self.values)
        cum = np.concatenate(([0.0], np.cumsum(v[:-1] * np.diff(t))))
        x = np.arange(horizon + 1, dtype=float)
        i = np.searchsorted(t, x, side="right") - 1
        integral = cum[i] + v[i] * (x - t[i])
        daily: np.ndarray = np.diff(integral)
        last = np.searchsorted(t, x[1:], side="left") - 1  # segment just before the end of each day
        steady = i[:-1] == last
        daily[steady] = v[i[:-1][steady]]
        return daily

    def daily_end(self, horizon: int) -> np.ndarray:
        """Level at the end of each day (just before day d+1 begins)."""
        t = np.asarray(self.times)
        v = np.asarray(self.values)
        i = np.searchsorted(t, np.arange(1, horizon + 1, dtype=float), side="left") - 1
        return v[np.maximum(i, 0)]

    def time_mean(self, horizon: float) -> float:
        """Time average over the whole run [0, horizon)."""
        return float(self.daily_mean(int(horizon)).mean()) if horizon >= 1 else self.values[0]

    def first_reaching(self, threshold: float, horizon: float) -> float:
        """First time the level is at or above ``threshold`` (NaN if never before the horizon)."""
        for t, v in zip(self.times, self.values):
            if t >= horizon:
                break
            if v >= threshold - 1e-12:
                return t
        return float("nan")


def daily_cumulative(times: ArrayLike, horizon: int, weights: ArrayLike | None = None) -> np.ndarray:
    """Count (or weighted sum) of events before the end of each day."""
    t = np.asarray(times, dtype=float)
    ends = np.arange(1, horizon + 1, dtype=float)
    if weights is None:
        return np.searchsorted(np.sort(t), ends, side="left").astype(float)
    order = np.argsort(t, kind="stable")
    cum = np.concatenate(([0.0], np.cumsum(np.asarray(weights, dtype=float)[order])))
    return cum[np.searchsorted(t[order], ends, side="left")]


def union_length(intervals: list[tuple[float, float]], start: float, end: float) -> float:
    """Length of the union of intervals, clipped to [start, end]."""
    spans = sorted((max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start))
    total, cur_a, cur_b = 0.0, None, None
    for a, b in spans:
        if cur_b is None or a > cur_b:
            if cur_b is not None and cur_a is not None:
                total += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None and cur_a is not None:
        total += cur_b - cur_a
    return total
