"""The metric dictionary and the computation of one replication's metrics from its records.

Names are stable: users script against them and the store keeps them. ``<zone_id>``,
``<system_id>``, ``<threat_type>`` and ``<element_id>`` stand for ids of the scenario. Scalars are
one number per replication (NaN where undefined); series are daily arrays of ``horizon_days``
values (levels averaged over the day, stocks and cumulative counts at the end of the day).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from .recorder import daily_cumulative, union_length
from .response import ANSWER_CAP_HOURS, response_metrics

if TYPE_CHECKING:
    from .world import World

#: Overall coverage at which initial operating capability is declared (``ioc_day``).
IOC_THRESHOLD = 0.5
#: Overall coverage at which full operating capability is declared (``foc_day``).
FOC_THRESHOLD = 0.9


@dataclass(frozen=True)
class MetricDoc:
    """What a metric means: its unit, its meaning, which direction is better, scalar or series."""

    unit: str
    meaning: str
    better: Literal["higher", "lower", "neither"]
    kind: Literal["scalar", "series"] = "scalar"


def _s(unit: str, meaning: str, better: Literal["higher", "lower", "neither"]) -> MetricDoc:
    return MetricDoc(unit, meaning, better, "series")


METRICS: dict[str, MetricDoc] = {
    "coverage_mean": MetricDoc("share 0-1", "Weighted overall coverage of the zones, averaged over the run.", "higher"),
    "coverage_min": MetricDoc(
        "share 0-1", "Lowest daily overall coverage from the day IOC is reached (over the whole run if never).", "higher"
    ),
    "ioc_day": MetricDoc("day", f"First time overall coverage reaches {IOC_THRESHOLD} (NaN if never).", "lower"),
    "foc_day": MetricDoc("day", f"First time overall coverage reaches {FOC_THRESHOLD} (NaN if never).", "lower"),
    "troops_committed": MetricDoc("troops", "Troops in all rotation cycles: sum of rotation_depth x troops_per_unit.", "neither"),
    "troops_deployed_mean": MetricDoc("troops", "Headcount in theatre, averaged over the run (handover overlaps included).", "neither"),
    "troops_cycled": MetricDoc("troops", "Troops who arrived in theatre during the run (each arrival counted).", "neither"),
    "rotation_gap_days": MetricDoc(
        "days", "Time during which at least one contingent slot was empty after its first arrival and before withdrawal.", "lower"
    ),
    # --- incidents and response (model/response.py: response_metrics) ---
    "incidents": MetricDoc("count", "Incidents on the ground during the run.", "lower"),
    "detection_rate": MetricDoc("share 0-1", "Share of incidents noticed (by sensors, or on the ground where no ISR is needed).", "higher"),
    "warning_time_mean_hours": MetricDoc("hours", "Mean warning of incidents that sensors detected (NaN if none).", "higher"),
    "incidents_answered_on_target_share": MetricDoc(
        "share 0-1",
        "Share of all incidents, noticed or not, with a team on scene within response.target_hours "
        "(an unseen or never-answered incident is a miss; Kaplan-Meier where some still wait at the end).",
        "higher",
    ),
    "incidents_answered_share": MetricDoc(
        "share 0-1", "Share of all incidents that a team reached at all (unseen and given-up incidents never are).", "higher"
    ),
    "time_to_answer_capped_mean_hours": MetricDoc(
        "hours",
        f"Mean time from incident to a team on scene over all incidents, each counted at most {ANSWER_CAP_HOURS:g} h: "
        f"an unseen or never-answered incident counts as {ANSWER_CAP_HOURS:g} h.",
        "lower",
    ),
    "time_to_answer_median_hours": MetricDoc(
        "hours",
        f"Time by which half of all incidents have a team on scene (unseen and unanswered ones never do); "
        f"{ANSWER_CAP_HOURS:g} means not within {ANSWER_CAP_HOURS:g} h.",
        "lower",
    ),
    "time_to_answer_p90_hours": MetricDoc(
        "hours",
        f"Time by which 90% of all incidents have a team on scene; {ANSWER_CAP_HOURS:g} means not within "
        f"{ANSWER_CAP_HOURS:g} h (more than 10% unseen, unanswered or slower).",
        "lower",
    ),
    "response_time_mean_hours": MetricDoc(
        "hours",
        "Mean time from notice to a team on scene (wait + mobilise + travel) over answered incidents only: "
        "it falls when fewer incidents are seen, so read it with incidents_answered_on_target_share.",
        "lower",
    ),
    "response_time_p90_hours": MetricDoc(
        "hours", "90th percentile of the response time over answered incidents only.", "lower"
    ),
    "response_within_target_share": MetricDoc(
        "share 0-1", "Share of noticed incidents with a team on scene within response.target_hours (unseen ones left out).", "higher"
    ),
    "threats": MetricDoc("count", "Drones and missiles in all air raids.", "lower"),
    "intercept_rate": MetricDoc("share 0-1", "Share of threats killed (NaN if no threats).", "higher"),
    "intercept_rate.<threat_type>": MetricDoc("share 0-1", "Share of threats of this type killed.", "higher"),
    "leakers": MetricDoc("count", "Threats that were not killed.", "lower"),
    "leakers.<zone_id>": MetricDoc("count", "Leakers that reached this zone.", "lower"),
    "interceptors_used": MetricDoc("count", "Interceptors fired by all systems.", "neither"),
    "stockout_day.<system_id>": MetricDoc("day", "First time this system's interceptor stock hit zero (NaN if never).", "higher"),
    "armaments_delivered": MetricDoc("items", "Items of all armaments deliveries that arrived during the run.", "higher"),
    "nonlethal_output.<element_id>": MetricDoc(
        "element's output_unit", "Total output of this non-lethal element (km2 demined, patients treated...).", "higher"
    ),
    "coverage": _s("share 0-1", "Weighted overall coverage, daily mean.", "higher"),
    "coverage.<zone_id>": _s("share 0-1", "Coverage of this zone, daily mean.", "higher"),
    "surveillance.<zone_id>": _s("probability", "Chance sensors detect an incident in this zone, daily mean.", "higher"),
    "troops.deployed": _s("troops", "Headcount in theatre, daily mean.", "neither"),
    "troops.in_transit": _s("troops", "Headcount moving to or from theatre (including waiting for lift), daily mean.", "neither"),
    "troops.recovering": _s("troops", "Headcount in post-tour recovery, daily mean.", "neither"),
    "troops.training": _s("troops", "Headcount in pre-deployment training, daily mean.", "neither"),
    "troops.ready": _s("troops", "Headcount ready to deploy, daily mean.", "neither"),
    "stock.<system_id>": _s("interceptors", "Interceptors on hand at the end of the day.", "higher"),
    "leakers_cumulative": _s("count", "Leakers so far, at the end of the day.", "lower"),
    "leakers_cumulative.<zone_id>": _s("count", "Leakers in this zone so far, at the end of the day.", "lower"),
    "incidents_cumulative": _s("count", "Incidents so far, at the end of the day.", "lower"),
}

#: The few metrics that answer the usual questions; terminal tables, findings and report tables
#: lead with these (every metric stays in the CSV files and the store).
HEADLINE_METRICS: tuple[str, ...] = (
    "coverage_mean",
    "ioc_day",
    "foc_day",
    "rotation_gap_days",
    "troops_deployed_mean",
    "detection_rate",
    "incidents_answered_on_target_share",
    "time_to_answer_capped_mean_hours",
    "intercept_rate",
    "leakers",
    "stockout_day.<system_id>",
    "armaments_delivered",
    "nonlethal_output.<element_id>",
)


def is_headline(name: str) -> bool:
    """True for a concrete metric name that belongs to :data:`HEADLINE_METRICS`."""
    return pattern_of(name) in HEADLINE_METRICS


_PATTERNS = [(re.compile("^" + re.sub(r"<[a-z_]+>", "[a-z][a-z0-9_]*", re.escape(k)) + "$"), k) for k in METRICS]


def pattern_of(name: str) -> str | None:
    """The documented pattern a concrete metric name belongs to (``leakers.kyiv`` -> ``leakers.<zone_id>``)."""
    if name in METRICS:
        return name
    return next((key for pattern, key in _PATTERNS if pattern.match(name)), None)


def describe(name: str) -> MetricDoc:
    """The documentation of a concrete metric name (``leakers.kyiv`` -> ``leakers.<zone_id>``)."""
    if name in METRICS:
        return METRICS[name]
    for pattern, key in _PATTERNS:
        if pattern.match(name):
            return METRICS[key]
    raise KeyError(f"unknown metric {name!r}")


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _leakers(world: "World", series: dict[str, np.ndarray]) -> dict[str, float]:
    """Add ``leakers_cumulative`` and ``leakers_cumulative.<zone>`` to ``series``; return leakers per zone.

    The series are cumulative sums of the leakers per zone and day (whole numbers, so exact in any
    order of addition).
    """
    ids = world.air.zone_ids
    daily = world.air.leaked_per_day()
    series["leakers_cumulative"] = np.cumsum(daily.sum(axis=0))
    by_zone = np.cumsum(daily, axis=1)
    totals = daily.sum(axis=1)
    out: dict[str, float] = {}
    for i, z in enumerate(ids):
        series[f"leakers_cumulative.{z}"] = by_zone[i]
        out[z] = float(totals[i])
    return out


def compute(world: "World") -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Scalars and daily series of a finished replication."""
    from .support import nonlethal_outputs

    h, s = world.horizon, world.scenario
    series: dict[str, np.ndarray] = {}
    for name, level in world.levels.items():
        series[name] = level.daily_end(h) if name.startswith("stock.") else level.daily_mean(h)
    series.update(world.surveillance.series(h))
    inc, air = world.incidents, world.air
    series["incidents_cumulative"] = daily_cumulative(inc.times, h)
    zone_leaks = _leakers(world, series)

    m: dict[str, float] = {}
    cov = series["coverage"]
    m["coverage_mean"] = float(cov.mean())
    m["ioc_day"] = world.coverage.first_reaching(IOC_THRESHOLD, h)
    m["foc_day"] = world.coverage.first_reaching(FOC_THRESHOLD, h)
    from_day = 0 if math.isnan(m["ioc_day"]) else min(int(m["ioc_day"]), h - 1)
    m["coverage_min"] = float(cov[from_day:].min())
    m["troops_committed"] = float(sum(f.rotation_depth * f.troops_per_unit for f in s.forces))
    m["troops_deployed_mean"] = float(series["troops.deployed"].mean())
    m["troops_cycled"] = float(sum(c.arrivals * c.force.troops_per_unit for c in world.contingents))
    gaps = [g for c in world.contingents for g in c.open_gaps(float(h))]
    m["rotation_gap_days"] = union_length(gaps, 0.0, float(h))

    m.update(response_metrics(world, 0.0, float(h)))

    threats = sum(air.threats.values())
    m["threats"] = float(threats)
    m["intercept_rate"] = _ratio(float(sum(air.killed.values())), float(threats))
    for t in air.types:
        m[f"intercept_rate.{t}"] = _ratio(float(air.killed[t]), float(air.threats[t]))
    m["leakers"] = float(sum(zone_leaks.values()))
    for z, n in zone_leaks.items():
        m[f"leakers.{z}"] = n
    m["interceptors_used"] = float(sum(sys.fired for sys in air.systems.values()))
    for sid, sys in air.systems.items():
        m[f"stockout_day.{sid}"] = sys.stockout_day
    m["armaments_delivered"] = float(world.deliveries.delivered)
    m.update(nonlethal_outputs(world))
    return m, {k: np.asarray(v, dtype=np.float64) for k, v in series.items()}
