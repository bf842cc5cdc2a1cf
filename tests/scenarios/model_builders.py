"""Scenario builders for the model tests: each reduces the model to a case with a closed form.

Scenarios are built in Python with ``Scenario.model_validate`` so the model tests do not depend on
the YAML loader. Every builder returns a valid :class:`Scenario`.
"""

from __future__ import annotations

import copy
from typing import Any

from peacesim.scenario.schema import Scenario

KYIV = {"id": "kyiv", "name": "Kyiv", "kind": "capital", "lat": 50.45, "lon": 30.52, "troops_required": 0}


def make(horizon: int = 100, **sections: Any) -> Scenario:
    """A scenario with the given sections (zones default to one zone needing no troops)."""
    raw: dict[str, Any] = {
        "metadata": {"name": "model_test", "title": "Model test", "horizon_days": horizon},
        "zones": [dict(KYIV)],
    }
    raw.update(copy.deepcopy(sections))
    return Scenario.model_validate(raw)


def rotation(depth: int, tour: float, recovery: float, training: float, *, delay: Any = 0.0,
             handover: float = 0.0, horizon: int = 1000, lift: list[dict[str, Any]] | None = None,
             units: int = 1, troops: int = 100) -> Scenario:
    """One contingent rotating through one zone that needs exactly its strength."""
    zone = dict(KYIV, troops_required=troops * units)
    force = {
        "id": "uk", "nation": "United Kingdom", "troops_per_unit": troops, "rotation_depth": depth,
        "units_deployed": units, "tour_days": tour, "recovery_days": recovery, "training_days": training,
        "handover_days": handover, "deployment_delay_days": delay, "tasks": ["guard"],
    }
    return make(horizon, zones=[zone], forces=[force], lift=lift or [])


def mmc(servers: int, arrival_rate: float, service_hours: float, horizon: int) -> Scenario:
    """M/M/c: Poisson incidents, exponential on-scene time, c teams at the zone, no travel."""
    force = {
        "id": "qrf", "nation": "Coalition", "troops_per_unit": 10, "rotation_depth": 1,
        "tour_days": horizon + 1, "tasks": ["quick_reaction"], "qrf_teams": servers, "base_zone": "kyiv",
    }
    incidents = [{"id": "violations", "kind": "ceasefire_violation", "zones": ["kyiv"], "rate_per_day": arrival_rate,
                  "on_scene_hours": {"dist": "exponential", "mean": service_hours}}]
    threats = {"incidents": incidents, "response": {"mobilise_hours": 0.0, "target_hours": 1.0}}
    return make(horizon, forces=[force], threats=threats)


def air_defence(kill: float, shots: int, doctrine: str, *, stock: int = 10**7, raid_size: float = 10,
                interval: Any = 1.0, horizon: int = 400, batteries: int = 1000) -> Scenario:
    """One system protecting one zone against fixed-size drone raids."""
    zone = dict(KYIV, needs_air_defence=True)
    system = {
        "id": "patriot", "provider": "US", "system": "Patriot", "batteries": batteries, "stock": stock,
        "kill_probability": {"drone": kill}, "shots_per_threat": {"drone": shots}, "doctrine": doctrine,
        "zones": ["kyiv"], "engagements_per_battery": 16,
    }
    raids = [{"id": "shaheds", "threat_type": "drone", "interval_days": interval, "raid_size": raid_size,
              "target_weights": {"kyiv": 1.0}}]
    return make(horizon, zones=[zone], enablers={"air_defence": [system]}, threats={"air_raids": raids})


def medium(horizon: int = 730) -> Scenario:
    """A baseline-sized scenario: 15 zones, 12 contingents, incidents, raids, sensors, deliveries."""
    kinds = ["capital", "city", "port", "infrastructure", "border", "ceasefire_line", "logistics_hub",
             "training_area", "airspace", "city", "port", "border", "infrastructure", "city", "ceasefire_line"]
    zones = [
        {"id": f"z{i}", "name": f"Zone {i}", "kind": k, "lat": 46.0 + 0.4 * i, "lon": 24.0 + 0.9 * i,
         "troops_required": 300 + 50 * i, "priority": 1 + i % 3, "weight": 1.0 + i % 2,
         "needs_air_defence": i % 3 == 0, "needs_surveillance": i % 2 == 0}
        for i, k in enumerate(kinds)
    ]
    forces = [
        {"id": f"f{j}", "nation": f"Nation {j}", "troops_per_unit": 200 + 50 * j, "rotation_depth": 2 + j % 3,
         "units_deployed": 1 + (j == 0), "tour_days": 120 + 30 * (j % 3), "recovery_days": 30, "training_days": 60,
         "handover_days": 7, "readiness_day": 10 * j,
         "deployment_delay_days": {"dist": "triangular", "low": 3, "mode": 5, "high": 10},
         "lift": "air" if j % 2 else "sea", "availability": 0.85,
         "tasks": ["guard", "patrol", "quick_reaction"] if j < 4 else ["monitoring", "training"],
         "qrf_teams": 2 if j < 4 else 0, "base_zone": f"z{j}",
         "caveats": {"excluded_zone_kinds": ["ceasefire_line"] if j >= 6 else []}}
        for j in range(12)
    ]
    enablers = {
        "isr": [{"id": "us_isr", "provider": "US", "detection_probability": 0.7, "availability": 0.9,
                 "warning_time_hours": {"dist": "exponential", "mean": 6}, "zones": [z["id"] for z in zones[::2]]}],
        "air_defence": [{"id": "patriot", "provider": "US", "system": "Patriot", "batteries": 2, "stock": 600,
                         "kill_probability": {"drone": 0.8, "cruise": 0.85}, "zones": ["z0", "z3", "z6"]}],
        "armaments": [{"id": "pac3", "provider": "US", "item": "PAC-3", "quantity_per_month": 20,
                       "lead_time_days": {"dist": "uniform", "low": 20, "high": 40}, "into_system": "patriot"}],
        "non_lethal": [{"id": "demining", "provider": "Japan", "kind": "demining", "capacity_per_day": 2.0,
                        "output_unit": "km2", "efficiency": {"dist": "uniform", "low": 0.5, "high": 1.0}}],
    }
    threats = {
        "incidents": [{"id": "violations", "kind": "ceasefire_violation", "zones": ["z5", "z14"], "rate_per_day": 0.25},
                      {"id": "sabotage", "kind": "sabotage", "zones": ["z2", "z3", "z10"], "rate_per_day": 0.05}],
        "air_raids": [{"id": "shaheds", "threat_type": "drone", "interval_days": {"dist": "exponential", "mean": 3},
                       "raid_size": {"dist": "poisson", "mean": 20}, "target_weights": {"z0": 3, "z3": 1, "z6": 1, "z9": 1}}],
    }
    timeline = [{"day": horizon // 2, "change": "scale_threat", "factor": 2.0},
                {"day": horizon * 2 // 3, "change": "withdraw", "target": "f11"}]
    return make(horizon, zones=zones, forces=forces, enablers=enablers, threats=threats, timeline=timeline,
                lift=[{"mode": "air", "capacity_units": 2}])
