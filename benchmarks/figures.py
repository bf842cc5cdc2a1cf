"""A measured figure, its target, and the sizes a benchmark run uses.

Targets are reported, never asserted: a missed target is information for the next optimisation,
not a failed build.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: name -> (target, sense, unit, one-line meaning)
TARGETS: dict[str, tuple[float, Literal["<=", ">="], str, str]] = {
    "overhead_vs_raw_simpy": (1.3, "<=", "x", "s/event of a peacesim replication / s/event of raw SimPy"),
    "replication_ms": (math.nan, "<=", "ms", "serial milliseconds per baseline replication"),
    "replications_per_s_all_cores": (1000 / 60, ">=", "rep/s", "1,000 replications on the local pool"),
    "parallel_efficiency": (0.9, ">=", "", "serial time / (workers x pool time)"),
    "dask_overhead": (1.1, "<=", "x", "Dask LocalCluster (2 workers) time / local pool time"),
    "raid_scaling": (1.1, "<=", "x", "time per replication with 10x raids / baseline"),
    "horizon_scaling": (1.1, "<=", "x", "time per replication at 4x horizon / (4 x baseline)"),
    "rss_ratio": (1.2, "<=", "x", "peak RSS of a 1,000-replication run / of a 100-replication run"),
    "explore_replications_per_s": (4000 / 60, ">=", "rep/s", "peacesim explore, 200 points x 20 replications, whole"),
    "size_seconds": (120.0, "<=", "s", "peacesim size of UK/French troops per rotation over 100-20,000 on the baseline (FOC by day 90, coverage >= 0.9)"),
    "report_seconds": (10.0, "<=", "s", "peacesim report of 9 stored runs of the baseline (fresh interpreter, every chart)"),
}


@dataclass
class Figure:
    """One figure of the benchmark: value, target, whether it is met, and the measurements behind it."""

    name: str
    value: float
    detail: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def target(self) -> float:
        return TARGETS[self.name][0]

    @property
    def sense(self) -> str:
        return TARGETS[self.name][1]

    @property
    def unit(self) -> str:
        return TARGETS[self.name][2]

    @property
    def met(self) -> bool | None:
        """True/False against the target; None when there is no target or no value."""
        if math.isnan(self.target) or math.isnan(self.value):
            return None
        return self.value <= self.target if self.sense == "<=" else self.value >= self.target

    def to_json(self) -> dict[str, Any]:
        return {
            "value": None if math.isnan(self.value) else self.value,
            "unit": self.unit,
            "target": None if math.isnan(self.target) else f"{self.sense} {self.target:.4g}",
            "met": self.met,
            "meaning": TARGETS[self.name][3],
            "note": self.note,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Plan:
    """How much work each figure does. ``full`` is the real benchmark; ``quick`` a fast look."""

    repeats: int = 5
    #: replication seeds per round of the model stage (baseline, raw SimPy, 10x raids, 4x horizon)
    overhead_reps: int = 10
    #: replications of the serial-vs-pool runs (replication_ms, parallel_efficiency)

    serial_reps: int = 100
    #: replications of the local-vs-Dask runs (replications_per_s_all_cores, dask_overhead)
    throughput_reps: int = 1000
    #: replications of the short warm-up run that starts workers and loads the model into them
    warm_reps: int = 20
    rss_small: int = 100
    rss_large: int = 1000
    dask_workers: int = 2
    workers: int | None = None
    #: points and replications per point of the exploration (explore_replications_per_s)
    explore_points: int = 200
    explore_reps: int = 20
    #: first batch and cap of replications per value of the sizing benchmark (size_seconds)
    size_first: int = 20
    size_cap: int = 320
    #: replications of each of the nine runs the report benchmark reports on (report_seconds)
    report_reps: int = 40

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


FULL = Plan()
QUICK = Plan(overhead_reps=3, serial_reps=10, throughput_reps=100, warm_reps=4, rss_small=10, rss_large=100,
             explore_points=20, explore_reps=5, size_first=10, size_cap=40, report_reps=5)
