"""Exact event traces of tiny deterministic scenarios, reproducibility and common random numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

import peacesim.model as model
from peacesim.model import TraceEvent, simulate
from scenarios.model_builders import make, medium, rotation

SEED = np.random.SeedSequence(20250819, spawn_key=(0,))


def events(scenario) -> list[tuple[float, str, str, str]]:
    r = simulate(scenario, SEED, trace=True)
    assert r.trace is not None
    return [(e.time, e.actor, e.event, e.detail) for e in r.trace]


def test_public_api_is_exactly_the_contract() -> None:
    assert set(model.__all__) == {
        "HEADLINE_METRICS", "METRICS", "MetricDoc", "ReplicationResult", "TraceEvent", "describe", "is_headline", "simulate",
    }


def test_rotation_trace_two_units() -> None:
    """Two units, 10-day tours, 3 days recovery, 2 training, 1-day moves: the relief lands as the tour ends, then the unit leaves."""
    uk = "force.uk"
    assert events(rotation(2, 10, 3, 2, delay=1.0, horizon=30)) == [
        (0.0, uk, "depart", "unit 1"),
        (1.0, uk, "arrive", "unit 1 slot 0"),
        (10.0, uk, "depart", "unit 2"),
        (11.0, uk, "arrive", "unit 2 slot 0"),
        (11.0, uk, "tour_end", "unit 1 slot 0"),
        (12.0, uk, "home", "unit 1"),
        (15.0, uk, "recovered", "unit 1"),
        (17.0, uk, "ready", "unit 1"),
        (20.0, uk, "depart", "unit 1"),
        (21.0, uk, "arrive", "unit 1 slot 0"),
        (21.0, uk, "tour_end", "unit 2 slot 0"),
        (22.0, uk, "home", "unit 2"),
        (25.0, uk, "recovered", "unit 2"),
        (27.0, uk, "ready", "unit 2"),
    ]


def test_rotation_trace_with_gap_and_withdrawal() -> None:
    """One unit: empty slot while it recovers; withdrawal on day 25 sends it home and ends rotation."""
    base = rotation(1, 10, 3, 2, delay=1.0, horizon=40)
    sc = base.model_validate({**base.model_dump(by_alias=True, exclude_none=True),
                              "timeline": [{"day": 25, "change": "withdraw", "target": "uk"}]})
    uk = "force.uk"
    got = events(sc)
    assert got == [
        (0.0, uk, "depart", "unit 1"),
        (1.0, uk, "arrive", "unit 1 slot 0"),
        (11.0, uk, "tour_end", "unit 1 slot 0"),
        (12.0, uk, "home", "unit 1"),
        (15.0, uk, "recovered", "unit 1"),
        (17.0, uk, "ready", "unit 1"),
        (17.0, uk, "depart", "unit 1"),
        (18.0, uk, "arrive", "unit 1 slot 0"),
        (18.0, uk, "gap", "slot 0 empty from day 11"),
        (25.0, "timeline.uk", "withdraw", ""),
        (25.0, uk, "withdraw", ""),
        (25.0, uk, "tour_end", "unit 1 slot 0 (withdrawal)"),
        (26.0, uk, "home", "unit 1"),
        (29.0, uk, "recovered", "unit 1"),
        (31.0, uk, "ready", "unit 1"),
    ]
    r = simulate(sc, SEED)
    assert r.metrics["longest_gap_days"] == 7.0
    assert r.metrics["presence_share"] == pytest.approx((25 - 1 - 7) / (25 - 1))
    assert r.metrics["troops_cycled"] == 200.0
    assert r.series["troops.deployed"][18:25].tolist() == [100.0] * 7
    assert r.series["troops.deployed"][26:].sum() == 0.0


def test_raid_trace_and_delivery() -> None:
    """Fixed raids of 5 drones on days 2, 4, 6 against 8 interceptors, refilled by 4 on day 5."""
    zone = {"id": "kyiv", "name": "Kyiv", "kind": "capital", "lat": 50.45, "lon": 30.52, "troops_required": 0}
    sc = make(
        7,
        zones=[zone],
        enablers={
            "air_defence": [{"id": "pat", "provider": "US", "system": "Patriot", "batteries": 1, "stock": 8,
                             "kill_probability": {"drone": 1.0}, "zones": ["kyiv"]}],
            "armaments": [{"id": "pac", "provider": "US", "item": "PAC-3", "quantity_per_month": 4,
                           "lead_time_days": 5, "into_system": "pat"}],
        },
        threats={"air_raids": [{"id": "shahed", "threat_type": "drone", "interval_days": 2, "raid_size": 5,
                                "target_weights": {"kyiv": 1}}]},
    )
    assert events(sc) == [
        (2.0, "raids.shahed", "raid", "5 drone, 0 leaked"),
        (4.0, "air_defence.pat", "stockout", ""),
        (4.0, "raids.shahed", "raid", "5 drone, 2 leaked"),
        (5.0, "armaments.pac", "delivered", "4 PAC-3"),
        (6.0, "raids.shahed", "raid", "5 drone, 1 leaked"),
    ]
    r = simulate(sc, SEED)
    assert r.series["stock.pat"].tolist() == [8, 8, 3, 3, 0, 4, 0]
    assert r.series["leakers_cumulative"].tolist() == [0, 0, 0, 0, 2, 2, 3]
    assert r.metrics["stockout_day.pat"] == 4.0 and r.metrics["armaments_delivered"] == 4.0


def test_same_seed_same_result_and_different_seeds_differ() -> None:
    sc = medium(365)
    a = simulate(sc, np.random.SeedSequence(7, spawn_key=(3,)))
    b = simulate(sc, np.random.SeedSequence(7, spawn_key=(3,)))
    c = simulate(sc, np.random.SeedSequence(7, spawn_key=(4,)))
    assert a.metrics.keys() == b.metrics.keys()
    assert all(a.metrics[k] == b.metrics[k] or (math.isnan(a.metrics[k]) and math.isnan(b.metrics[k])) for k in a.metrics)
    assert all(np.array_equal(a.series[k], b.series[k]) for k in a.series)
    assert a.events == b.events
    assert a.metrics["incidents"] != c.metrics["incidents"] or a.metrics["threats"] != c.metrics["threats"]


def test_common_random_numbers_across_variants() -> None:
    """Removing the air defence changes leakers but not a single incident or raid."""
    sc = medium(365)
    raw = sc.model_dump(by_alias=True, exclude_none=True)
    raw["enablers"]["air_defence"] = []
    raw["enablers"]["armaments"] = []
    no_ad = type(sc).model_validate(raw)
    a, b = simulate(sc, SEED), simulate(no_ad, SEED)
    assert np.array_equal(a.series["incidents_cumulative"], b.series["incidents_cumulative"])
    assert a.metrics["threats"] == b.metrics["threats"]
    assert b.metrics["leakers"] == b.metrics["threats"] > a.metrics["leakers"]
    assert a.metrics["troops_cycled"] == b.metrics["troops_cycled"]


def test_every_metric_is_documented_and_series_are_daily() -> None:
    sc = medium(200)
    r = simulate(sc, SEED)
    for name in list(r.metrics) + list(r.series):
        doc = model.describe(name)
        assert doc.kind == ("series" if name in r.series else "scalar")
    assert all(v.shape == (200,) and v.dtype == np.float64 for v in r.series.values())
    assert isinstance(r.events, int) and r.events > 0
    assert r.trace is None
    with pytest.raises(KeyError, match="unknown metric"):
        model.describe("no_such_metric")


def test_trace_events_are_ordered_in_time() -> None:
    r = simulate(medium(200), SEED, trace=True)
    assert r.trace and all(isinstance(e, TraceEvent) for e in r.trace)
    times = [e.time for e in r.trace]
    assert times == sorted(times)
