"""Response measures over all incidents, line zones, and travel from the base of the team sent.

Statistical checks use four standard errors of the sample itself; the others are exact.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from peacesim.model.response import ANSWER_CAP_HOURS, Survival, response_metrics
from peacesim.model.world import World
from peacesim.scenario.schema import Scenario
from scenarios.model_builders import make

ODESA = (46.49, 30.74)
KYIV = (50.45, 30.52)
R = 6371.0088


def seed(i: int = 0) -> np.random.SeedSequence:
    return np.random.SeedSequence(20250819, spawn_key=(i,))


def world(scenario: Scenario, i: int = 0) -> World:
    w = World(scenario, seed(i))
    w.run()
    return w


def zone(zid: str, lat: float, lon: float, **extra: Any) -> dict[str, Any]:
    return {"id": zid, "name": zid, "kind": "city", "lat": lat, "lon": lon, "troops_required": 0, **extra}


def qrf(fid: str, base: str, teams: int, **extra: Any) -> dict[str, Any]:
    return {"id": fid, "nation": fid, "troops_per_unit": 10, "rotation_depth": 1, "tour_days": 3650,
            "tasks": ["quick_reaction"], "qrf_teams": teams, "base_zone": base, **extra}


def incidents(zones: list[str], rate: float, on_scene: Any = 1.0, **response: Any) -> dict[str, Any]:
    stream = {"id": "violations", "kind": "ceasefire_violation", "zones": zones, "rate_per_day": rate,
              "on_scene_hours": on_scene}
    return {"incidents": [stream], "response": {"mobilise_hours": 0.0, **response}}


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Spherical law of cosines (a formula independent of the model's haversine)."""
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return R * math.acos(max(-1.0, min(1.0, c)))


def intermediate(a: tuple[float, float], b: tuple[float, float], f: float) -> tuple[float, float]:
    """The point a share f of the way along the great circle from a to b (Movable Type's formula)."""
    d = great_circle_km(a, b) / R
    wa, wb = math.sin((1 - f) * d) / math.sin(d), math.sin(f * d) / math.sin(d)
    p1, l1, p2, l2 = (math.radians(x) for x in (*a, *b))
    x = wa * math.cos(p1) * math.cos(l1) + wb * math.cos(p2) * math.cos(l2)
    y = wa * math.cos(p1) * math.sin(l1) + wb * math.cos(p2) * math.sin(l2)
    z = wa * math.sin(p1) + wb * math.sin(p2)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def distance_to_line(base: tuple[float, float], points: list[tuple[float, float]], steps: int = 2000) -> tuple[float, float, float]:
    """Mean (Simpson's rule per segment, weighted by length), least and greatest distance from base to the polyline."""
    lengths = [great_circle_km(a, b) for a, b in zip(points, points[1:])]
    total, least, greatest = 0.0, math.inf, 0.0
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        d = np.array([great_circle_km(base, intermediate(a, b, x)) for x in np.linspace(0.0, 1.0, steps + 1)])
        simpson = (d[0] + d[-1] + 4 * d[1:-1:2].sum() + 2 * d[2:-1:2].sum()) / (3 * steps)
        total += simpson * length
        least, greatest = min(least, float(d.min())), max(greatest, float(d.max()))
    return total / sum(lengths), least, greatest


# --- all incidents count ------------------------------------------------------------------------

def test_survival_with_censoring_and_misses_by_hand() -> None:
    """Answers at 1 and 3 h, waits censored at 2 and 4 h, one never answered (Kaplan-Meier by hand)."""
    s = Survival(np.array([1.0, 2.0, 3.0, 4.0, math.inf]), np.array([True, False, True, False, False]))
    assert s.at(0.5) == 1.0 and s.at(1.0) == pytest.approx(0.8) and s.at(3.0) == pytest.approx(0.8 * 2 / 3)
    assert s.answered_share() == pytest.approx(1 - 0.8 * 2 / 3)
    assert s.quantile(0.2, 24.0) == 1.0 and s.quantile(0.5, 24.0) == 24.0
    assert s.capped_mean(24.0) == pytest.approx(1 * 1 + 0.8 * 2 + 0.8 * 2 / 3 * 21)
    plain = Survival(np.array([0.5, 2.0, math.inf, math.inf]), np.array([True, True, False, False]))
    assert plain.at(2.0) == 0.5 and plain.quantile(0.5, 24.0) == 2.0 and plain.capped_mean(3.0) == 0.5 + 0.75 * 1.5 + 0.5


def test_unseen_incidents_count_as_misses() -> None:
    """Teams on the spot answer every noticed incident at once; the misses are exactly the unseen ones."""
    sensor = {"id": "drone", "provider": "US", "detection_probability": 0.4, "availability": 1.0,
              "warning_time_hours": 1.0, "zones": ["line"]}
    sc = make(200, zones=[zone("line", *ODESA, needs_surveillance=True)], forces=[qrf("qrf", "line", 50)],
              enablers={"isr": [sensor]}, threats=incidents(["line"], 3.0))
    w = world(sc)
    m = response_metrics(w, 0.0, float(w.horizon))
    seen = float(np.mean(w.incidents.seen))
    assert 0.3 < seen < 0.5 and m["detection_rate"] == seen
    assert m["response_time_mean_hours"] == 0.0 and m["response_within_target_share"] == 1.0
    assert m["incidents_answered_on_target_share"] == m["incidents_answered_share"] == pytest.approx(seen, abs=1e-12)
    assert m["time_to_answer_capped_mean_hours"] == pytest.approx((1 - seen) * ANSWER_CAP_HOURS)
    assert m["time_to_answer_median_hours"] == ANSWER_CAP_HOURS == m["time_to_answer_p90_hours"]


def test_withdrawn_sensor_never_improves_all_incident_measures() -> None:
    """A far, sensor-watched zone and a near one; withdrawing the sensor on day 100 is paired seed by seed.

    Teams are plentiful, so an incident seen in both runs gets the same response: the change is only
    the far incidents that go unseen. The answered-only mean *improves* (they drop out of it); every
    all-incident measure gets worse or stays.
    """
    sensor = {"id": "drone", "provider": "US", "detection_probability": 0.9, "availability": 1.0,
              "warning_time_hours": 1.0, "zones": ["far"]}
    zones = [zone("near", *ODESA), zone("far", 48.0, 37.8, needs_surveillance=True)]
    base = make(300, zones=zones, forces=[qrf("qrf", "near", 30)], enablers={"isr": [sensor]},
                threats=incidents(["near", "far"], 0.5, target_hours=4.0))
    cut = make(300, zones=zones, forces=[qrf("qrf", "near", 30)], enablers={"isr": [sensor]},
               threats=incidents(["near", "far"], 0.5, target_hours=4.0),
               timeline=[{"day": 100, "change": "withdraw", "target": "drone"}])
    answered_only = []
    for i in range(8):
        a, b = response_metrics(world(base, i), 0.0, 300.0), response_metrics(world(cut, i), 0.0, 300.0)
        assert a["incidents"] == b["incidents"] and b["detection_rate"] < a["detection_rate"]
        assert b["incidents_answered_on_target_share"] <= a["incidents_answered_on_target_share"]
        assert b["incidents_answered_share"] < a["incidents_answered_share"]
        assert b["time_to_answer_capped_mean_hours"] > a["time_to_answer_capped_mean_hours"]
        assert b["time_to_answer_median_hours"] >= a["time_to_answer_median_hours"]
        assert b["time_to_answer_p90_hours"] >= a["time_to_answer_p90_hours"]
        answered_only.append(b["response_time_mean_hours"] - a["response_time_mean_hours"])
    assert max(answered_only) < 0  # the measure this replaces as a headline rewards the withdrawal


def test_window_counts_incidents_by_arrival_day() -> None:
    """Two windows split the incidents, and shares recombine weighted by their counts."""
    sc = make(200, zones=[zone("z", *KYIV)], forces=[qrf("qrf", "z", 1)],
              threats=incidents(["z"], 4.0, {"dist": "exponential", "mean": 4.0}, target_hours=2.0))
    w = world(sc)
    whole, first, last = (response_metrics(w, a, b) for a, b in [(0, 200), (0, 120), (120, 200)])
    times = np.asarray(w.incidents.times)
    assert first["incidents"] == np.sum(times < 120) and first["incidents"] + last["incidents"] == whole["incidents"]
    assert 0 < first["incidents_answered_on_target_share"] < 1
    if not np.any(np.isnan(w.incidents.responses)):  # nothing censored: plain shares add up exactly
        combined = (first["incidents"] * first["incidents_answered_on_target_share"]
                    + last["incidents"] * last["incidents_answered_on_target_share"]) / whole["incidents"]
        assert combined == pytest.approx(whole["incidents_answered_on_target_share"])
    assert math.isnan(response_metrics(w, 500, 600)["incidents_answered_on_target_share"])


# --- line zones ---------------------------------------------------------------------------------

@pytest.mark.parametrize("points", [
    [(46.6, 32.6), (48.1, 37.9)],
    [(46.6, 32.6), (46.9, 33.2), (48.0, 37.8), (50.2, 38.0)],
])
def test_line_zone_mean_travel_is_the_mean_distance_to_the_line(points: list[tuple[float, float]]) -> None:
    """Incidents uniform along a polyline: the mean travel from one base matches the integral."""
    line = zone("line", 48.0, 36.5, kind="ceasefire_line", line=[list(p) for p in points])
    sc = make(250, zones=[zone("odesa", *ODESA), line], forces=[qrf("qrf", "odesa", 20)],
              threats=incidents(["line"], 12.0, 0.1, speed_kmh=2000.0))
    w = world(sc)
    km = np.asarray(w.incidents.travel_km)
    assert km.size > 2500 and not np.isnan(km).any()
    expected, least, greatest = distance_to_line(ODESA, points)
    se = km.std(ddof=1) / math.sqrt(km.size)
    assert abs(km.mean() - expected) <= 4 * se, f"mean {km.mean():.1f} km vs {expected:.1f} km (4 SE = {4 * se:.1f})"
    assert least - 0.01 <= km.min() and km.max() <= greatest + 0.01  # every point lies on the line


def test_a_line_changes_no_other_draw() -> None:
    """Adding a line to a zone keeps every incident's time and detection (its places have their own stream)."""
    sensor = {"id": "drone", "provider": "US", "detection_probability": 0.5, "availability": 1.0,
              "warning_time_hours": 1.0, "zones": ["z"]}
    common = {"forces": [qrf("qrf", "base", 5)], "enablers": {"isr": [sensor]}, "threats": incidents(["z"], 2.0)}
    point = make(100, zones=[zone("base", *ODESA), zone("z", 48.0, 36.5, needs_surveillance=True)], **common)
    lined = make(100, zones=[zone("base", *ODESA), zone("z", 48.0, 36.5, needs_surveillance=True,
                                                        line=[[46.6, 32.6], [48.1, 37.9]])], **common)
    a, b = world(point), world(lined)
    assert a.incidents.times == b.incidents.times and a.incidents.seen == b.incidents.seen
    assert len(set(np.round(np.asarray(b.incidents.travel_km)[b.incidents.seen], 6))) > 10
    assert len(set(np.asarray(a.incidents.travel_km)[a.incidents.seen])) == 1


# --- travel from the base of the team sent ------------------------------------------------------

def test_travel_is_from_the_base_of_the_team_sent() -> None:
    """Two bases with one team each: the near team goes first; while it is out, the far team goes from its own base."""
    zones = [zone("near", 47.0, 33.0), zone("far", *KYIV), zone("z", 47.5, 35.0)]
    forces = [qrf("near_team", "near", 1), qrf("far_team", "far", 1)]
    sc = make(120, zones=zones, forces=forces, threats=incidents(["z"], 0.5, 500.0, speed_kmh=50.0))
    w = World(sc, seed(), trace=True)
    w.run()
    inc = w.incidents
    d = {"near_team": great_circle_km((47.0, 33.0), (47.5, 35.0)), "far_team": great_circle_km(KYIV, (47.5, 35.0))}
    sent = [inc.qrf_forces[k].force.id if k >= 0 else None for k in inc.sent]
    assert sent[:2] == ["near_team", "far_team"]
    assert inc.responses[1] == pytest.approx(d["far_team"] / 50.0)  # no wait: the far team was free
    answered = [i for i, k in enumerate(inc.sent) if k >= 0]
    assert len(answered) >= 3
    for i in answered:
        assert inc.travel_km[i] == pytest.approx(d[sent[i]], rel=1e-9)
    assert w.trace is not None
    assert any("team of far_team" in e.detail for e in w.trace if e.event == "respond")


def test_a_free_team_is_not_held_back_while_a_leaving_team_finishes() -> None:
    """A contingent leaves while its team is out; the other contingent's idle team answers the next call at once.

    The leaving contingent's base is the incident zone, so its team takes the first incident (400 h
    on scene). It withdraws just after. Its team finishes that job first, but that must not hold
    back the staying contingent's idle team.
    """
    zones = [zone("a", *ODESA), zone("b", 47.0, 33.0)]
    forces = [qrf("leaving", "a", 1), qrf("staying", "b", 1)]
    threats = incidents(["a"], 1.0, 400.0, speed_kmh=50.0)
    t1 = world(make(60, zones=zones, forces=forces, threats=threats)).incidents.times[0]
    sc = make(60, zones=zones, forces=forces, threats=threats,
              timeline=[{"day": t1 + 0.001, "change": "withdraw", "target": "leaving"}])
    inc = world(sc).incidents
    assert inc.times[0] == t1 and inc.times[1] > t1 + 0.001 and inc.times[1] < t1 + 400 / 24
    assert [inc.qrf_forces[k].force.id for k in inc.sent[:2]] == ["leaving", "staying"]
    assert inc.responses[1] == pytest.approx(great_circle_km((47.0, 33.0), ODESA) / 50.0)  # no wait
