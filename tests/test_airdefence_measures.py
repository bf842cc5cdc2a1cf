"""Air-defence measures: accounting identities, the package's contribution, cover days and windows.

The scenario below has a context layer (Ukraine's own systems, ``role: context``) and two package
systems over two defended zones, one defended zone nobody protects, and undefended airspace;
stocks and saturation are small enough that both bind.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from peacesim.model import simulate
from peacesim.model.air_measures import airdefence_metrics
from peacesim.model.world import World
from peacesim.scenario.schema import Scenario
from peacesim.scenario.threats import Withdraw
from scenarios.model_builders import KYIV, air_defence, make

ZONES = [
    dict(KYIV, needs_air_defence=True),
    {"id": "odesa", "name": "Odesa", "kind": "port", "lat": 46.49, "lon": 30.74, "troops_required": 0, "needs_air_defence": True},
    {"id": "izmail", "name": "Izmail", "kind": "port", "lat": 45.35, "lon": 28.84, "troops_required": 0, "needs_air_defence": True},
    {"id": "airspace", "name": "Rest of airspace", "kind": "airspace", "lat": 49.0, "lon": 31.4, "troops_required": 0},
]
CONTEXT = {"id": "ua_sam", "provider": "Ukraine", "system": "S-300 and NASAMS", "role": "context", "batteries": 1,
           "engagements_per_battery": 20, "stock": 600, "kill_probability": {"drone": 0.5, "cruise": 0.4},
           "zones": ["kyiv", "odesa", "airspace"]}
PATRIOT = {"id": "patriot", "provider": "US", "system": "Patriot", "batteries": 1, "engagements_per_battery": 6,
           "stock": 120, "kill_probability": {"cruise": 0.6, "ballistic": 0.3}, "shots_per_threat": {"ballistic": 2},
           "zones": ["kyiv"]}
SAMP = {"id": "samp", "provider": "France", "system": "SAMP/T", "batteries": 1, "engagements_per_battery": 8,
        "stock": 90, "kill_probability": {"cruise": 0.7, "ballistic": 0.4, "drone": 0.2}, "doctrine": "shoot_look_shoot",
        "shots_per_threat": {"ballistic": 3, "cruise": 2}, "zones": ["kyiv", "odesa"]}
RESUPPLY = {"id": "pac3", "provider": "US", "item": "PAC-3", "quantity_per_month": 20, "into_system": "patriot",
            "lead_time_days": {"dist": "uniform", "low": 10, "high": 30}}
TARGETS = {"kyiv": 0.4, "odesa": 0.3, "izmail": 0.1, "airspace": 0.2}
RAIDS = [
    {"id": "shaheds", "threat_type": "drone", "interval_days": 1, "raid_size": {"dist": "poisson", "mean": 30},
     "target_weights": TARGETS},
    {"id": "kalibrs", "threat_type": "cruise", "interval_days": {"dist": "exponential", "mean": 2},
     "raid_size": {"dist": "poisson", "mean": 12}, "target_weights": TARGETS},
    {"id": "iskanders", "threat_type": "ballistic", "interval_days": {"dist": "exponential", "mean": 1},
     "raid_size": {"dist": "poisson", "mean": 4}, "target_weights": TARGETS},
]
HORIZON = 200
MISSILES = ("cruise", "ballistic")


def layered(systems: list[dict[str, Any]], armaments: list[dict[str, Any]] | None = None) -> Scenario:
    return make(HORIZON, zones=ZONES, enablers={"air_defence": systems, "armaments": armaments or []},
                threats={"air_raids": RAIDS})


def seed(i: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(20250819, spawn_key=(i,))


def world(scenario: Scenario, i: int = 0) -> World:
    w = World(scenario, seed(i))
    w.run()
    return w


FULL = layered([CONTEXT, PATRIOT, SAMP], [RESUPPLY])


@pytest.mark.parametrize("i", range(3))
def test_threats_engaged_killed_leakers_add_up(i: int) -> None:
    """Per type and zone engaged <= threats, killed <= engaged, leakers = threats - killed; totals agree."""
    m = simulate(FULL, seed(i)).metrics
    total_killed = 0.0
    for t in ("drone", *MISSILES):
        for z in TARGETS:
            threats, engaged, killed = m[f"threats.{t}.{z}"], m[f"engaged.{t}.{z}"], m[f"killed.{t}.{z}"]
            assert 0 <= killed <= engaged <= threats
            assert m[f"leakers.{t}.{z}"] == threats - killed
            total_killed += killed
        assert m["engaged.drone.izmail"] == 0  # nobody protects Izmail
    assert m["engaged.ballistic.airspace"] == 0 and m["killed.cruise.airspace"] > 0  # context only there
    for z in TARGETS:
        assert m[f"leakers.{z}"] == sum(m[f"leakers.{t}.{z}"] for t in ("drone", *MISSILES))
    assert m["threats"] - m["leakers"] == total_killed == m["package_kills"] + m["context_kills"]
    assert m["package_kills"] == m["kills.patriot"] + m["kills.samp"] and m["context_kills"] == m["kills.ua_sam"]
    for sid in ("ua_sam", "patriot", "samp"):
        assert 0 < m[f"kills.{sid}"] <= m[f"engagements.{sid}"] <= m[f"interceptors_used.{sid}"]
    defended = ("kyiv", "odesa", "izmail")
    assert m["missiles_defended"] == sum(m[f"threats.{t}.{z}"] for t in MISSILES for z in defended)
    assert m["missiles_leaked_defended"] == sum(m[f"leakers.{t}.{z}"] for t in MISSILES for z in defended)
    assert m["leakers_defended"] == sum(m[f"leakers.{z}"] for z in defended) == m["leakers"] - m["leakers.airspace"]


@pytest.mark.parametrize("i", range(4))
def test_package_kills_are_what_the_package_adds_to_the_context(i: int) -> None:
    """Context first: package kills = leakers with the context alone - leakers with both, exactly.

    Same seed (common random numbers): the raids and the context's draws do not depend on the
    package, so the context kills the same threats in both runs.
    """
    both = simulate(FULL, seed(i)).metrics
    alone = simulate(layered([CONTEXT]), seed(i)).metrics
    assert both["package_kills"] > 0
    assert both["package_kills"] == alone["leakers"] - both["leakers"]
    # the package protects defended zones only, so the same holds there
    assert both["package_kills"] == alone["leakers_defended"] - both["leakers_defended"]
    assert alone["context_kills"] == both["context_kills"] and alone["package_kills"] == 0
    for z in TARGETS:
        assert alone[f"killed.drone.{z}"] <= both[f"killed.drone.{z}"]
    missile_kills = sum(both[f"killed.{t}.{z}"] - alone[f"killed.{t}.{z}"] for t in MISSILES for z in TARGETS)
    assert missile_kills == alone["missiles_leaked_defended"] - both["missiles_leaked_defended"] > 0


def test_the_context_fires_first_whatever_the_listing_order() -> None:
    """Listing the context after the package changes nothing: context layers always engage first."""
    a = simulate(FULL, seed(7)).metrics
    b = simulate(layered([PATRIOT, SAMP, CONTEXT], [RESUPPLY]), seed(7)).metrics
    assert a.keys() == b.keys()
    assert all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


@pytest.mark.parametrize("i", range(4))
def test_removing_the_last_package_layer_never_lowers_defended_leakers(i: int) -> None:
    """Without SAMP/T (the last layer) every earlier layer fires exactly as before, so the defended
    leakers rise by exactly SAMP/T's kills: never lower, replication by replication."""
    both = simulate(FULL, seed(i)).metrics
    less = simulate(layered([CONTEXT, PATRIOT], [RESUPPLY]), seed(i)).metrics
    assert less["leakers_defended"] - both["leakers_defended"] == both["kills.samp"] > 0
    assert less["missiles_leaked_defended"] >= both["missiles_leaked_defended"]
    assert less["package_kills"] == both["package_kills"] - both["kills.samp"]


def test_removing_an_inner_package_layer_raises_defended_leakers_on_average() -> None:
    """Without the Patriot (an earlier package layer), SAMP/T meets more threats, fires at some of
    them and runs down its own stock sooner, with other draws: replication by replication the
    defended leakers need not rise (the later layer's draws differ), so the check is statistical,
    on paired replications (3 standard errors of the paired differences)."""
    diffs = []
    for i in range(12):
        both = simulate(FULL, seed(i)).metrics
        less = simulate(layered([CONTEXT, SAMP]), seed(i)).metrics
        diffs.append(less["missiles_leaked_defended"] - both["missiles_leaked_defended"])
    d = np.asarray(diffs, dtype=float)
    assert d.mean() - 3 * d.std(ddof=1) / math.sqrt(d.size) > 0, diffs


def test_cover_days_equal_the_stockout_day_without_resupply() -> None:
    """Stock S, R threats a day, n shots: the stock lasts S / (R n) raids, rounded up, and so does cover."""
    for stock, size, shots in [(1000, 10, 2), (900, 15, 3), (1001, 10, 2)]:
        m = simulate(air_defence(0.5, shots, "salvo", stock=stock, raid_size=size, horizon=200), seed(0)).metrics
        day = math.ceil(stock / (size * shots))
        assert m["cover_days.patriot"] == m["stockout_day.patriot"] == day
        assert m["cover_share.patriot"] == pytest.approx(day / 200)


def test_cover_days_with_poisson_raids_match_the_gamma_mean() -> None:
    """Raids at rate 1/day: cover lasts until the m-th raid, m = S/(R n), a Gamma(m, 1) time (mean m)."""
    days = []
    for i in range(20):
        sc = air_defence(0.5, 2, "salvo", stock=200, raid_size=10, interval={"dist": "exponential", "mean": 1.0},
                         horizon=60)
        m = simulate(sc, seed(i)).metrics
        assert m["cover_days.patriot"] == m["stockout_day.patriot"]
        days.append(m["cover_days.patriot"])
    x = np.asarray(days)
    assert abs(x.mean() - 10) <= 3 * x.std(ddof=1) / math.sqrt(x.size)


def test_cover_ends_when_the_system_is_withdrawn() -> None:
    """A system withdrawn on day 30.5 with interceptors left covers 30.5 days and never runs out."""
    sc = air_defence(0.5, 2, "salvo", stock=1000, raid_size=10, horizon=100)
    sc = sc.model_copy(update={"timeline": [Withdraw(day=30.5, change="withdraw", target="patriot")]})
    m = simulate(sc, seed(0)).metrics
    assert m["cover_days.patriot"] == 30.5 and math.isnan(m["stockout_day.patriot"])


def test_windows_split_every_count_and_cover_exactly() -> None:
    """Counts and cover days over [0, a) and [a, h) add up to the whole run; the stock-out day of a
    window is its first empty moment (the window's start if the stock is already empty)."""
    w = world(FULL, 3)
    whole = airdefence_metrics(w, 0.0, HORIZON)
    early, late = airdefence_metrics(w, 0.0, 80.5), airdefence_metrics(w, 80.5, HORIZON)
    for name, value in whole.items():
        if name.split(".")[0] in ("threats", "engaged", "killed", "leakers", "kills", "engagements", "interceptors_used",
                                  "cover_days", "package_kills", "context_kills", "missiles_defended",
                                  "leakers_defended", "missiles_leaked_defended"):
            assert early[name] + late[name] == pytest.approx(value, abs=1e-9), name
    assert 0 < early["threats"] < whole["threats"]
    assert early["cover_share.patriot"] == pytest.approx(early["cover_days.patriot"] / 80.5)

    w = world(air_defence(0.5, 2, "salvo", stock=1000, raid_size=10, horizon=200))
    assert math.isnan(airdefence_metrics(w, 0.0, 50.0)["stockout_day.patriot"])  # runs out on day 50
    assert airdefence_metrics(w, 40.0, 60.0)["stockout_day.patriot"] == 50.0
    assert airdefence_metrics(w, 70.0, 90.0)["stockout_day.patriot"] == 70.0  # already empty
    assert airdefence_metrics(w, 40.0, 60.0)["cover_days.patriot"] == 10.0
    day_50 = airdefence_metrics(w, 49.5, 50.5)  # the raid at day 50 only, the last one with interceptors
    assert day_50["threats.drone.kyiv"] == day_50["engaged.drone.kyiv"] == day_50["interceptors_used"] / 2 == 10
