"""Timing with warm-up and repeats, keeping every raw measurement.

A figure is only as good as the timings behind it, so :func:`measure` returns all of them (the
warm-up runs too, separately) and the figure uses their median, which a single slow repeat
(a page fault, another process) does not move.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timing:
    """Wall-clock seconds of ``repeats`` runs of one thing, after ``warmup`` discarded runs."""

    label: str
    seconds: list[float]
    warmup_seconds: list[float] = field(default_factory=list)
    work: float = 1.0
    work_unit: str = "run"
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        """Median seconds of one repeat."""
        return statistics.median(self.seconds)

    @property
    def per_unit(self) -> float:
        """Median seconds per unit of work (per replication, per event)."""
        return self.median / self.work

    @property
    def spread(self) -> float:
        """(max - min) / median of the repeats: how noisy the figure is."""
        return (max(self.seconds) - min(self.seconds)) / self.median if self.median > 0 else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "repeats_s": [round(s, 6) for s in self.seconds],
            "warmup_s": [round(s, 6) for s in self.warmup_seconds],
            "median_s": round(self.median, 6),
            "spread": round(self.spread, 4),
            "work": self.work,
            "work_unit": self.work_unit,
            "median_s_per_unit": self.per_unit,
            **({"info": self.info} if self.info else {}),
        }


def measure(
    label: str,
    fn: Callable[[], Any],
    *,
    repeats: int = 5,
    warmup: int = 1,
    work: float = 1.0,
    work_unit: str = "run",
    keep: Callable[[Any], dict[str, Any]] | None = None,
    warm_fn: Callable[[], Any] | None = None,
) -> Timing:
    """Run a warm-up ``warmup`` times (kept apart from the median), then ``fn`` ``repeats`` times timed.

    The warm-up is ``fn`` itself unless ``warm_fn`` (a smaller job that loads the same code and
    starts the same workers) is given. ``keep(result)`` may pick details from the last repeat's
    return value into ``info`` (for example the number of events it processed).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1 (got {repeats})")
    warm: list[float] = []
    for _ in range(warmup):
        t0 = time.perf_counter()
        (warm_fn or fn)()
        warm.append(time.perf_counter() - t0)
    seconds: list[float] = []
    result: Any = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - t0)
    info = keep(result) if keep is not None else {}
    return Timing(label, seconds, warm, work, work_unit, info)


def interleaved(
    fns: dict[str, Callable[[], Any]],
    *,
    repeats: int = 5,
    warmup: int = 1,
    work: dict[str, float] | None = None,
    work_unit: str = "run",
    warm_fns: dict[str, Callable[[], Any]] | None = None,
) -> dict[str, Timing]:
    """Time several functions in turn (a, b, a, b, ...) so slow drift in the machine hits all alike.

    Each gets ``warmup`` untimed-in-the-median rounds first (``warm_fns[name]`` if given, else the
    function itself), then ``repeats`` timed rounds.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1 (got {repeats})")
    warm: dict[str, list[float]] = {name: [] for name in fns}
    out: dict[str, list[float]] = {name: [] for name in fns}
    for round_no in range(warmup + repeats):
        for name, fn in fns.items():
            call = (warm_fns or {}).get(name, fn) if round_no < warmup else fn
            t0 = time.perf_counter()
            call()
            dt = time.perf_counter() - t0
            (warm if round_no < warmup else out)[name].append(dt)
    return {
        name: Timing(name, out[name], warm[name], (work or {}).get(name, 1.0), work_unit) for name in fns
    }
