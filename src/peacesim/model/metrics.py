"""The computation of one replication's metrics from its records.

What each metric means, its unit and direction are in :mod:`peacesim.catalog`. Scalars are one
number per replication (NaN where undefined); series are daily arrays of ``horizon_days`` values
(levels averaged over the day, stocks and cumulative counts at the end of the day). Every
windowed scalar is computed by the same function for the whole run (days 0 to the horizon) and
for each window of ``scenario.metrics.windows``, where it is named ``name[start,end]``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from peacesim.catalog import (
    CATALOG,
    FOC_THRESHOLD,
    HEADLINE_METRICS,
    IOC_THRESHOLD,
    Metric,
    is_headline,
    lookup,
    pattern_of,
    window_name,
)

from .recorder import daily_cumulative, union_length

__all__ = ["FOC_THRESHOLD", "HEADLINE_METRICS", "IOC_THRESHOLD", "METRICS", "MetricDoc", "compute", "describe",
           "is_headline", "pattern_of"]

if TYPE_CHECKING:
    from .world import World

#: The catalog is the one definition of every metric; these names stay for older imports.
METRICS = CATALOG
MetricDoc = Metric
describe = lookup


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def compute(world: "World") -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Scalars (whole run and each window) and daily series of a finished replication."""
    h = world.horizon
    series: dict[str, np.ndarray] = {}
    for name, level in world.levels.items():
        series[name] = level.daily_end(h) if name.startswith("stock.") else level.daily_mean(h)
    series.update(world.surveillance.series(h))
    series["incidents_cumulative"] = daily_cumulative(world.incidents.times, h)
    leaked = world.air.leaked_per_day()
    _leak_series(world, leaked, series)

    m = _run_only(world, series)
    m.update(_scalars(world, series, leaked, 0.0, float(h)))
    for w in world.scenario.metrics.windows:
        part = _scalars(world, series, leaked, float(w.start_day), float(w.end_day))
        m.update({window_name(k, w.start_day, w.end_day): v for k, v in part.items() if lookup(k).windowed})
    return m, {k: np.asarray(v, dtype=np.float64) for k, v in series.items()}


def _days(start: float, end: float, horizon: int) -> slice:
    """The whole days of the series that fall in [start, end)."""
    return slice(max(0, math.floor(start)), min(horizon, math.ceil(end)))


def _run_only(world: "World", series: dict[str, np.ndarray]) -> dict[str, float]:
    """Metrics defined for the whole run only (days of events, totals of the cycle)."""
    from .support import nonlethal_outputs

    h, s, air = world.horizon, world.scenario, world.air
    m: dict[str, float] = {}
    m["ioc_day"] = world.coverage.first_reaching(IOC_THRESHOLD, h)
    m["foc_day"] = world.coverage.first_reaching(FOC_THRESHOLD, h)
    m["troops_committed"] = float(sum(f.rotation_depth * f.troops_per_unit for f in s.forces))
    m["troops_cycled"] = float(sum(c.arrivals * c.force.troops_per_unit for c in world.contingents))
    threats = sum(air.threats.values())
    m["threats"] = float(threats)
    m["intercept_rate"] = _ratio(float(sum(air.killed.values())), float(threats))
    for t in air.types:
        m[f"intercept_rate.{t}"] = _ratio(float(air.killed[t]), float(air.threats[t]))
    m["interceptors_used"] = float(sum(sys.fired for sys in air.systems.values()))
    for sid, sys in air.systems.items():
        m[f"stockout_day.{sid}"] = sys.stockout_day
    m["armaments_delivered"] = float(world.deliveries.delivered)
    m.update(nonlethal_outputs(world))
    return m


def _scalars(world: "World", series: dict[str, np.ndarray], leaked: np.ndarray, start: float, end: float) -> dict[str, float]:
    """The windowed scalars over days [start, end); (0, horizon) is the whole run."""
    h, s = world.horizon, world.scenario
    days = _days(start, end, h)
    m: dict[str, float] = {}
    cov = series["coverage"][days]
    m["coverage_mean"] = _mean(cov)
    ioc = world.coverage.first_reaching(IOC_THRESHOLD, h)
    # The lowest coverage counts whole days from the day after IOC (the day it is reached is partial).
    first = start if math.isnan(ioc) else max(start, math.floor(ioc) + 1.0)
    tail = series["coverage"][_days(first, end, h)]
    m["coverage_min"] = float(tail.min()) if tail.size else math.nan
    m["troops_deployed_mean"] = _mean(series["troops.deployed"][days])
    gaps = [g for c in world.contingents for g in c.open_gaps(float(h))]
    m["rotation_gap_days"] = union_length(gaps, start, end)

    inc = world.incidents
    times = np.asarray(inc.times)
    inside = (times >= start) & (times < end)
    times = times[inside]
    seen = np.asarray(inc.seen, dtype=bool)[inside]
    warnings, responses = np.asarray(inc.warnings)[inside], np.asarray(inc.responses)[inside]
    m["incidents"] = float(times.size)
    m["detection_rate"] = _ratio(float(seen.sum()), float(times.size))
    m["warning_time_mean_hours"] = _mean(warnings[np.isfinite(warnings)])
    answered = responses[np.isfinite(responses)]
    m["response_time_mean_hours"] = _mean(answered)
    m["response_time_p90_hours"] = float(np.percentile(answered, 90)) if answered.size else math.nan
    target = s.threats.response.target_hours
    waited = (h - times) * 24.0
    decided = seen & (np.isfinite(responses) | (waited > target))
    on_target = np.isfinite(responses) & (responses <= target)
    m["response_within_target_share"] = _ratio(float((on_target & decided).sum()), float(decided.sum()))
    m["incidents_answered_on_target_share"] = _ratio(float((on_target & seen).sum()), float(times.size))

    per_zone = leaked[:, days].sum(axis=1)
    m["leakers"] = float(per_zone.sum())
    for z, n in zip(world.air.zone_ids, per_zone):
        m[f"leakers.{z}"] = float(n)
    return m


def _leak_series(world: "World", daily: np.ndarray, series: dict[str, np.ndarray]) -> None:
    """Add ``leakers_cumulative`` and ``leakers_cumulative.<zone>`` to ``series``.

    Cumulative sums of whole numbers, so exact in any order of addition.
    """
    series["leakers_cumulative"] = np.cumsum(daily.sum(axis=0))
    by_zone = np.cumsum(daily, axis=1)
    for i, z in enumerate(world.air.zone_ids):
        series[f"leakers_cumulative.{z}"] = by_zone[i]
