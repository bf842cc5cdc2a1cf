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

from .recorder import daily_cumulative
from .response import response_metrics
from .rotation import built_up_day, rotation_metrics

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


def compute(world: "World", series: bool = True) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Scalars (whole run and each window) and daily series of a finished replication.

    With ``series=False`` only the series the scalars are computed from are built, and no series
    is returned: the scalars are the same numbers, without the daily arrays an exploration or a
    sizing never looks at (most of the cost of this function).
    """
    h = world.horizon
    out: dict[str, np.ndarray] = {}
    if series:
        for name, level in world.levels.items():
            out[name] = level.daily_end(h) if name.startswith("stock.") else level.daily_mean(h)
        out.update(world.surveillance.series(h))
        out["incidents_cumulative"] = daily_cumulative(world.incidents.times, h)
        leaked = world.air.leaked_per_day()
        _leak_series(world, leaked, out)
    else:
        for name in SCALAR_SOURCES:
            out[name] = world.levels[name].daily_mean(h)

    m = _run_only(world, out)
    m.update(_scalars(world, out, 0.0, float(h)))
    for w in world.scenario.metrics.windows:
        part = _scalars(world, out, float(w.start_day), float(w.end_day))
        m.update({window_name(k, w.start_day, w.end_day): v for k, v in part.items() if lookup(k).windowed})
    if not series:
        return m, {}
    return m, {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


#: The daily series the scalars read (:func:`_scalars`); levels averaged over each day.
SCALAR_SOURCES = ("coverage", "troops.deployed")


def _days(start: float, end: float, horizon: int) -> slice:
    """The whole days of the series that fall in [start, end)."""
    return slice(max(0, math.floor(start)), min(horizon, math.ceil(end)))


def _run_only(world: "World", series: dict[str, np.ndarray]) -> dict[str, float]:
    """Metrics defined for the whole run only (days of events, totals of the cycle)."""
    from .support import nonlethal_outputs

    h, s = world.horizon, world.scenario
    m: dict[str, float] = {}
    m["ioc_day"] = world.coverage.first_reaching(IOC_THRESHOLD, h)
    m["foc_day"] = world.coverage.first_reaching(FOC_THRESHOLD, h)
    m["troops_committed"] = float(sum(f.rotation_depth * f.troops_per_unit for f in s.forces))
    m["troops_cycled"] = float(sum(c.arrivals * c.force.troops_per_unit for c in world.contingents))
    m["armaments_delivered"] = float(world.deliveries.delivered)
    m.update(nonlethal_outputs(world))
    return m


def _scalars(world: "World", series: dict[str, np.ndarray], start: float, end: float) -> dict[str, float]:
    """The windowed scalars over days [start, end); (0, horizon) is the whole run."""
    from .air_measures import airdefence_metrics  # imports SimPy: keep the catalog import cheap

    h = world.horizon
    days = _days(start, end, h)
    m: dict[str, float] = {}
    cov = series["coverage"][days]
    m["coverage_mean"] = _mean(cov)
    # The lowest coverage counts whole days once every contingent should be in theatre: not the build-up,
    # not a part-day, and not a window that a bigger force (reaching IOC sooner) would lengthen.
    first = max(math.ceil(start), built_up_day(world))
    tail = series["coverage"][_days(first, end, h)]
    m["coverage_min"] = float(tail.min()) if tail.size else math.nan
    m["troops_deployed_mean"] = _mean(series["troops.deployed"][days])
    m.update(rotation_metrics(world, start, end))

    m.update(response_metrics(world, start, end))

    m.update(airdefence_metrics(world, start, end))
    return m


def _leak_series(world: "World", daily: np.ndarray, series: dict[str, np.ndarray]) -> None:
    """Add ``leakers_cumulative`` and ``leakers_cumulative.<zone>`` to ``series``.

    Cumulative sums of whole numbers, so exact in any order of addition.
    """
    series["leakers_cumulative"] = np.cumsum(daily.sum(axis=0))
    by_zone = np.cumsum(daily, axis=1)
    for i, z in enumerate(world.air.zone_ids):
        series[f"leakers_cumulative.{z}"] = by_zone[i]
