"""A work estimate before a run: expected events and memory of one replication, from the scenario.

A valid scenario can still ask for more than a machine has: ``tour_days: 0.0001``, a thousand
zones, incidents at 1,000 a day for a century. :func:`estimate` counts what the model will do
from the numbers that drive it: incident and raid rates times the days each threat runs at its
base rate (its ``scale_threat`` steps integrated over the horizon, so a ceasefire that fails
half-way counts half a war), the air-defence engagements of each raid, the tours of every rotating
sub-unit (staggered sub-units rotate on their own), monthly deliveries; with coefficients measured
on the model (``events`` as the model counts them; within a factor of two on the shipped
scenarios and their variants, tests/test_budget.py). And the memory of a run: one replication in
a worker plus the daily series the command keeps for the bands (series per zone times days times kept replications, which is what a
thousand zones exhausts). :func:`check` refuses a run above :data:`MAX_EVENTS` events per
replication or :data:`MAX_MEMORY_BYTES` unless ``allow_large``, and returns a warning above a
tenth of either. The estimate is meant to be right within a factor of a few, which is what a
ceiling needs; it is not a prediction of run time.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..scenario.forces import Force
from ..scenario.schema import Scenario
from ..scenario.threats import MIN_RAID_INTERVAL_DAYS, AirRaid, ScaleThreat

#: Refused above this many expected events in one replication (about two minutes of model time).
MAX_EVENTS = 10_000_000
#: Refused above this expected memory: one replication in a worker plus the daily series the run keeps.
MAX_MEMORY_BYTES = 2_000_000_000
#: Warned above this share of either ceiling.
WARN_SHARE = 0.1

# Events per unit of each driver, measured on the model (shipped scenarios and their variants).
# An incident costs about 3 events when a team is free and 5 when calls queue (a failed ceasefire).
EVENTS_PER_INCIDENT = 4.0
EVENTS_PER_RAID = 1.0
EVENTS_PER_ENGAGEMENT = 1.0
#: Per tour of a position by a (sub-)unit: its moves, lift, recovery, training and ready queue.
EVENTS_PER_ROTATION = 9.0
#: Per monthly shipment: the month's timeout and the batch's arrival.
EVENTS_PER_DELIVERY = 2.0
#: Days in a delivery month (as the model ships armaments).
MONTH_DAYS = 30.0
# Memory, bytes: the interpreter and libraries, each zone-day of the per-zone levels and series,
# each recorded incident or raid, each threat of the largest raid (arrays of one raid).
BASE_MEMORY_BYTES = 60_000_000
BYTES_PER_ZONE_DAY = 40.0
BYTES_PER_RECORD = 200.0
BYTES_PER_THREAT = 80.0
#: Series per zone (coverage, surveillance, leakers) and overall ones.
SERIES_PER_ZONE, SERIES_OVERALL = 3, 12
#: Bytes per kept series value in the command: float32 kept, float64 working copies for the bands.
BYTES_PER_SERIES_VALUE = 20.0
#: Model time per event on one core of the development machine (for the message only).
SECONDS_PER_EVENT = 1e-5


@dataclass(frozen=True)
class Estimate:
    """Expected work of one replication."""

    events: float
    memory_bytes: float
    drivers: dict[str, float]

    def describe(self) -> str:
        top = sorted(self.drivers.items(), key=lambda kv: -kv[1])[:3]
        parts = ", ".join(f"{name} {_count(v)}" for name, v in top if v > 0)
        seconds = self.events * SECONDS_PER_EVENT
        return (f"about {_count(self.events)} events per replication (~{_duration(seconds)} each) and "
                f"{_bytes(self.memory_bytes)} of memory ({parts})")


def estimate(scenario: Scenario, replications: int | None = None) -> Estimate:
    """Expected events of one replication of ``scenario``, and the memory of a run of ``replications``."""
    from .collect import series_cap_for

    horizon = float(scenario.metadata.horizon_days)
    n = int(replications or scenario.metadata.replications)
    incidents = sum(s.rate_per_day * len(s.zones) * threat_days(scenario, s.id) for s in scenario.threats.incidents)
    raids, engagements = 0.0, 0.0
    for r in scenario.threats.air_raids:
        count = threat_days(scenario, r.id) / max(r.interval_days.mean, MIN_RAID_INTERVAL_DAYS)
        raids += count
        engagements += count * engagements_per_raid(scenario, r)
    largest_raid = max([0.0] + [r.raid_size.mean for r in scenario.threats.air_raids])
    rotations = sum(rotations_of(f, horizon) for f in scenario.forces)
    deliveries = sum(horizon / MONTH_DAYS for d in scenario.enablers.armaments if d.quantity_per_month > 0)
    zones = len(scenario.zones)
    events = (EVENTS_PER_INCIDENT * incidents + EVENTS_PER_RAID * raids + EVENTS_PER_ENGAGEMENT * engagements
              + EVENTS_PER_ROTATION * rotations + EVENTS_PER_DELIVERY * deliveries)
    worker = (BASE_MEMORY_BYTES + BYTES_PER_ZONE_DAY * zones * horizon + BYTES_PER_RECORD * (incidents + raids)
              + BYTES_PER_THREAT * largest_raid)
    kept = min(n, series_cap_for(int(horizon))) * (SERIES_PER_ZONE * zones + SERIES_OVERALL) * horizon
    memory = worker + BYTES_PER_SERIES_VALUE * kept
    drivers = {"incidents": incidents, "raids": raids, "engagements": engagements, "rotations": rotations,
               "kept series values": kept}
    return Estimate(events, memory, drivers)


def threat_days(scenario: Scenario, threat_id: str) -> float:
    """Days of the horizon at the threat's base rate: its timeline factors integrated over the run.

    A stream scaled to 1% from day 0 and back to 100% on day 365 of 730 counts 368.65 days, not
    730 days at its peak (which overstated a failing ceasefire fifteenfold).
    """
    horizon = float(scenario.metadata.horizon_days)
    steps: dict[float, float] = {}
    for c in scenario.timeline:
        if isinstance(c, ScaleThreat) and c.target in ("all", threat_id):
            steps[c.day] = steps.get(c.day, 1.0) * c.factor
    total, day, factor = 0.0, 0.0, 1.0
    for when in sorted(steps):
        if when >= horizon:
            break
        total += factor * (when - day)
        day, factor = when, factor * steps[when]
    return total + factor * (horizon - day)


def engagements_per_raid(scenario: Scenario, raid: AirRaid) -> float:
    """Expected (zone, system) engagements of one raid: each system firing over a targeted zone takes
    interceptors from its stock, one event each (stock running out is ignored, an upper bound)."""
    weights = {z: w for z, w in raid.target_weights.items() if w > 0}
    total_weight = sum(weights.values()) or 1.0
    size = max(raid.raid_size.mean, 0.0)
    out = 0.0
    for zone, w in weights.items():
        layers = sum(zone in a.zones and raid.threat_type in a.kill_probability for a in scenario.enablers.air_defence)
        out += layers * (1.0 - (1.0 - w / total_weight) ** size)
    return out


def rotations_of(force: Force, horizon: float) -> float:
    """Tours a contingent's positions serve over the horizon, counted per rotating sub-unit.

    Each staggered sub-unit is a line of its own (its ready queue of ``rotation_depth`` sub-units
    and its ``units_deployed`` positions), so it rotates as often as a whole unit would.
    """
    f = force
    # a unit in theatre is relieved after its tour, or when the next unit has come round the
    # cycle (tour, recovery, training and two moves, shared by rotation_depth units)
    loop = f.tour_days + f.recovery_days + f.training_days + 2 * f.deployment_delay_days.mean
    cycle = max(f.tour_days - f.handover_days, loop * f.units_deployed / f.rotation_depth, 1e-6)
    return f.rotating_sub_units * (f.units_deployed * (horizon / cycle + 1.0) + f.rotation_depth)


def check(scenario: Scenario, replications: int | None = None, allow_large: bool = False) -> str | None:
    """Refuse a scenario whose replications would exhaust the machine; a warning text when large.

    Raises:
        UsageError: above :data:`MAX_EVENTS` or :data:`MAX_MEMORY_BYTES`, unless ``allow_large``.
    """
    est = estimate(scenario, replications)
    label = scenario.metadata.name + (f":{scenario.metadata.variant}" if scenario.metadata.variant else "")
    too_big = est.events > MAX_EVENTS or est.memory_bytes > MAX_MEMORY_BYTES
    if too_big and not allow_large:
        raise UsageError(
            f"{label}: too large to run: {est.describe()}; the ceiling is {_count(MAX_EVENTS)} events per "
            f"replication and {_bytes(MAX_MEMORY_BYTES)}. Check the scenario (a tiny tour_days or interval_days, "
            f"a huge rate, horizon or number of zones?) or pass --allow-large to run it anyway"
        )
    if too_big or est.events > WARN_SHARE * MAX_EVENTS or est.memory_bytes > WARN_SHARE * MAX_MEMORY_BYTES:
        return f"warning: {label} is large: {est.describe()}"
    return None


def _count(x: float) -> str:
    for unit, size in (("billion", 1e9), ("million", 1e6), ("thousand", 1e3)):
        if x >= size:
            return f"{x / size:.3g} {unit}"
    return f"{x:.0f}"


def _bytes(x: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if x >= size:
            return f"{x / size:.3g} {unit}"
    return f"{x:.0f} bytes"


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.3g} h"
    if seconds >= 60:
        return f"{seconds / 60:.2g} min"
    return f"{seconds:.2g} s"
