"""Invariants that hold for any valid scenario (hypothesis builds random small ones)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacesim.model import simulate
from peacesim.model.forces import STATES
from peacesim.scenario.base import ZONE_KINDS
from peacesim.scenario.schema import Scenario

dist = st.one_of(
    st.floats(0, 20),
    st.builds(lambda m: {"dist": "exponential", "mean": m}, st.floats(0, 10)),
    st.builds(lambda a, b: {"dist": "uniform", "low": min(a, b), "high": max(a, b)}, st.floats(0, 10), st.floats(0, 10)),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    horizon = draw(st.integers(20, 200))
    nz = draw(st.integers(1, 4))
    zone_ids = [f"z{i}" for i in range(nz)]
    zones = [
        {"id": z, "name": z, "kind": draw(st.sampled_from(ZONE_KINDS)), "lat": draw(st.floats(44, 52)),
         "lon": draw(st.floats(22, 40)), "troops_required": draw(st.integers(0, 500)),
         "priority": draw(st.integers(1, 3)), "weight": draw(st.floats(0.1, 5)),
         "needs_surveillance": draw(st.booleans())}
        for z in zone_ids
    ]
    forces: list[dict[str, Any]] = []
    for j in range(draw(st.integers(0, 3))):
        depth = draw(st.integers(1, 4))
        tour = draw(st.floats(5, 100))
        qrf = draw(st.booleans())
        forces.append({
            "id": f"f{j}", "nation": f"N{j}", "troops_per_unit": draw(st.integers(1, 300)), "rotation_depth": depth,
            "units_deployed": draw(st.integers(1, depth)), "tour_days": tour, "recovery_days": draw(st.floats(0, 50)),
            "training_days": draw(st.floats(0, 50)), "handover_days": draw(st.floats(0, tour * 0.9)),
            "readiness_day": draw(st.floats(0, 30)), "deployment_delay_days": draw(dist),
            "lift": draw(st.sampled_from(["air", "sea"])), "availability": draw(st.floats(0, 1)),
            "tasks": ["guard", "quick_reaction"] if qrf else ["patrol"], "qrf_teams": draw(st.integers(1, 3)) if qrf else 0,
            "base_zone": draw(st.sampled_from(zone_ids)),
        })
    enablers = {
        "isr": [{"id": "isr", "provider": "US", "detection_probability": draw(st.floats(0, 1)),
                 "start_day": draw(st.floats(0, 50)), "zones": zone_ids[: draw(st.integers(1, nz))]}],
        "air_defence": [{"id": "ad", "provider": "US", "system": "X", "batteries": draw(st.integers(0, 3)),
                         "stock": draw(st.integers(0, 200)), "kill_probability": {"drone": draw(st.floats(0, 1))},
                         "shots_per_threat": {"drone": draw(st.integers(1, 3))},
                         "doctrine": draw(st.sampled_from(["salvo", "shoot_look_shoot"])), "zones": zone_ids[:1]}],
        "armaments": [{"id": "del", "provider": "US", "item": "x", "quantity_per_month": draw(st.floats(0, 50)),
                       "lead_time_days": draw(dist), "into_system": draw(st.sampled_from(["ad", None]))}],
    }
    threats = {
        "incidents": [{"id": "inc", "kind": "incursion", "zones": zone_ids, "rate_per_day": draw(st.floats(0, 3)),
                       "on_scene_hours": draw(dist)}],
        "air_raids": [{"id": "raid", "threat_type": "drone", "interval_days": draw(st.floats(0.5, 10)),
                       "raid_size": draw(dist), "target_weights": {z: draw(st.floats(0.1, 1)) for z in zone_ids}}],
    }
    timeline: list[dict[str, Any]] = [{"day": draw(st.integers(0, horizon)), "change": "scale_threat",
                                       "factor": draw(st.floats(0, 3))}]
    if forces and draw(st.booleans()):
        timeline.append({"day": draw(st.integers(0, horizon)), "change": "withdraw", "target": "f0"})
    return Scenario.model_validate({
        "metadata": {"name": "random", "title": "Random", "horizon_days": horizon},
        "zones": zones, "forces": forces, "enablers": enablers, "threats": threats, "timeline": timeline,
        "lift": [{"mode": "air", "capacity_units": draw(st.integers(1, 3))}],
    })


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_invariants(sc: Scenario, seed: int) -> None:
    r = simulate(sc, np.random.SeedSequence(seed))
    m, s, h = r.metrics, r.series, sc.metadata.horizon_days
    committed = sum(f.rotation_depth * f.troops_per_unit for f in sc.forces)
    total = sum(s[f"troops.{state}"] for state in STATES)
    np.testing.assert_allclose(total, committed, atol=1e-6 * max(1, committed))
    assert all((s[f"troops.{state}"] >= -1e-9).all() for state in STATES)
    ground = any(z.troops_required > 0 for z in sc.zones)  # no ground zone: coverage is undefined (NaN)
    assert {n for n in s if n.startswith("coverage.")} == {f"coverage.{z.id}" for z in sc.zones if z.troops_required > 0}
    for name, values in s.items():
        assert values.shape == (h,)
        if name == "coverage" and not ground:
            assert np.isnan(values).all()
        elif name.startswith(("coverage", "surveillance")):
            assert ((values >= -1e-12) & (values <= 1 + 1e-12)).all(), name
        if name.startswith("stock."):
            assert (values >= 0).all()
        if name.endswith("_cumulative") or "_cumulative." in name:
            assert (np.diff(values) >= 0).all()
    if ground:
        assert 0 <= m["coverage_min"] <= 1 + 1e-12 and 0 <= m["coverage_mean"] <= 1 + 1e-12
    else:
        assert math.isnan(m["coverage_min"]) and math.isnan(m["coverage_mean"])
    assert 0 <= m["leakers"] <= m["threats"]
    assert sum(m[f"leakers.{z.id}"] for z in sc.zones) == m["leakers"]
    assert s["leakers_cumulative"][-1] == m["leakers"]
    assert s["incidents_cumulative"][-1] == m["incidents"]
    for key in ("detection_rate", "intercept_rate", "response_within_target_share"):
        assert math.isnan(m[key]) or 0 <= m[key] <= 1
    assert math.isnan(m["response_time_mean_hours"]) or m["response_time_mean_hours"] >= 0
    assert 0 <= m["rotation_gap_days"] <= h
    assert m["interceptors_used"] <= sc.enablers.air_defence[0].stock + m["armaments_delivered"]
    for key in ("ioc_day", "foc_day"):
        assert math.isnan(m[key]) or 0 <= m[key] < h
    if not math.isnan(m["foc_day"]):
        assert m["ioc_day"] <= m["foc_day"]
