"""Read a scenario's workload off as plain numbers, for the raw-SimPy reference.

The reference (:mod:`benchmarks.raw_simpy`) must do the same kinds and about the same number of
SimPy events as a peacesim replication of the scenario, without any peacesim code at run time.
This module is the bridge: it reads the scenario (a peacesim object) once, before timing, and
hands the reference numbers only. Random quantities become their means (the reference draws
exponential gaps and Poisson sizes around them), sensors combine as 1 - prod(1 - p * availability).
"""

from __future__ import annotations

from typing import Any

from peacesim.model.incidents import haversine_km

from .raw_simpy import DeliveryLoad, ForceLoad, IncidentLoad, Layer, RaidLoad, Workload


def _detect_p(scenario: Any, zone: str) -> float:
    miss = 1.0
    for s in scenario.enablers.isr:
        if zone in s.zones:
            miss *= 1.0 - s.detection_probability * s.availability
    # A zone that does not depend on ISR always notices its incidents (troops, police, locals).
    return 1.0 - miss if scenario.zone(zone).needs_surveillance else 1.0


def _forces(scenario: Any) -> tuple[ForceLoad, ...]:
    return tuple(
        ForceLoad(
            units=f.rotation_depth,
            slots=f.units_deployed,
            tour=f.tour_days,
            recovery=f.recovery_days,
            training=f.training_days,
            handover=f.handover_days,
            readiness=f.readiness_day,
            move_mean=f.deployment_delay_days.mean,
            lift=f.lift if any(p.mode == f.lift for p in scenario.lift) else None,
        )
        for f in scenario.forces
    )


def _incidents(scenario: Any) -> tuple[IncidentLoad, ...]:
    r = scenario.threats.response
    bases = [scenario.zone(f.base_zone) for f in scenario.forces if f.qrf_teams and f.base_zone]
    out: list[IncidentLoad] = []
    for stream in scenario.threats.incidents:
        for zone_id in stream.zones:
            zone = scenario.zone(zone_id)
            travel_h = min((haversine_km(b, zone) for b in bases), default=0.0) / r.speed_kmh
            busy_h = r.mobilise_hours + 2 * travel_h + stream.on_scene_hours.mean
            out.append(IncidentLoad(stream.rate_per_day, _detect_p(scenario, zone_id), busy_h / 24.0))
    return tuple(out)


def _raids(scenario: Any, index: dict[str, int]) -> tuple[RaidLoad, ...]:
    out: list[RaidLoad] = []
    for raid in scenario.threats.air_raids:
        kind = raid.threat_type
        weights, layers = [], []
        for zone_id, weight in raid.target_weights.items():
            weights.append(float(weight))
            layers.append(
                tuple(
                    Layer(index[a.id], a.shots(kind), float(a.kill_probability[kind]))
                    for a in scenario.enablers.air_defence
                    if zone_id in a.zones and kind in a.kill_probability
                )
            )
        out.append(RaidLoad(raid.interval_days.mean, raid.raid_size.mean, tuple(weights), tuple(layers)))
    return tuple(out)


def workload_of(scenario: Any) -> Workload:
    """The plain-number workload of a validated :class:`peacesim.scenario.schema.Scenario`."""
    ad = scenario.enablers.air_defence
    index = {a.id: i for i, a in enumerate(ad)}
    deliveries = tuple(
        DeliveryLoad(d.quantity_per_month, d.lead_time_days.mean, index.get(d.into_system) if d.into_system else None)
        for d in scenario.enablers.armaments
        if d.quantity_per_month > 0
    )
    return Workload(
        horizon_days=float(scenario.metadata.horizon_days),
        forces=_forces(scenario),
        lift_capacity={p.mode: p.capacity_units for p in scenario.lift},
        qrf_teams=sum(f.qrf_teams * f.units_deployed for f in scenario.forces),
        incidents=_incidents(scenario),
        raids=_raids(scenario, index),
        stocks=tuple(a.stock for a in ad),
        deliveries=deliveries,
        timeline=tuple(c.day for c in scenario.timeline),
    )
