"""The model against closed forms: rotation, M/M/c queues, interception, stock-out, Little's law.

Statistical checks compare a replication mean with theory within three standard errors computed
from the replications themselves (or from the binomial variance where draws are independent).
Deterministic cases must match exactly, or within one cycle of start-up transient.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from peacesim.model import simulate
from scenarios.model_builders import air_defence, mmc, rotation


def run(scenario, i: int = 0, trace: bool = False):
    return simulate(scenario, np.random.SeedSequence(20250819, spawn_key=(i,)), trace=trace)


def within_3se(values: list[float], theory: float) -> tuple[float, float]:
    """Mean and standard error of replication values; asserts the mean is within 3 SE of theory."""
    x = np.asarray(values, dtype=float)
    mean, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))
    assert abs(mean - theory) <= 3 * se, f"mean {mean:.4f} vs theory {theory:.4f} (3 SE = {3 * se:.4f})"
    return mean, se


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load a = lambda/mu (< c)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


# --- rotation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("depth", "tour", "recovery", "training", "delay"),
    [(1, 100, 50, 50, 0), (2, 90, 60, 60, 5), (3, 60, 90, 60, 2), (2, 120, 30, 30, 0), (4, 100, 100, 100, 10)],
)
def test_rotation_gap_share_matches_steady_state(depth: int, tour: float, recovery: float, training: float, delay: float) -> None:
    """With k units and cycle C = tour + dwell + 2 moves, a slot is empty a share max(0, 1 - k*tour/C) of the time."""
    cycle = tour + recovery + training + 2 * delay
    horizon = int(30 * cycle)
    r = run(rotation(depth, tour, recovery, training, delay=delay, horizon=horizon))
    gap_share = max(0.0, 1.0 - depth * tour / cycle)
    observed = (1.0 - r.metrics["presence_share"]) * (horizon - delay)  # empty days since the planned arrival
    expected = gap_share * (horizon - delay)
    # Start-up transient and the cut at the horizon are each at most one gap of (C - k*tour) days.
    assert abs(observed - expected) <= max(cycle - depth * tour, 0.0) + 1e-9
    deployed_share = r.metrics["troops_deployed_mean"] / 100
    assert abs(deployed_share - min(1.0, depth * tour / cycle) * (horizon - delay) / horizon) <= cycle / horizon
    assert r.metrics["coverage_mean"] == pytest.approx(deployed_share, abs=1e-9)


@pytest.mark.parametrize(("tour", "dwell"), [(180, 360), (120, 200), (90, 90), (100, 250)])
def test_units_needed_is_deploy_plus_dwell_over_deploy(tour: float, dwell: float) -> None:
    """ceil((tour + dwell) / tour) units keep a slot filled; one fewer leaves gaps."""
    needed = math.ceil((tour + dwell) / tour)
    enough = run(rotation(needed, tour, dwell / 2, dwell / 2, horizon=3000))
    assert enough.metrics["presence_share"] == 1.0 and enough.metrics["longest_gap_days"] == 0.0
    assert enough.metrics["coverage_min"] == 1.0
    if needed > 1:
        short = run(rotation(needed - 1, tour, dwell / 2, dwell / 2, horizon=3000))
        assert short.metrics["presence_share"] < 1.0 and short.metrics["longest_gap_days"] > 0.0


def test_handover_overlap_raises_headcount_not_coverage() -> None:
    """With handover h, units arrive every (tour - h) days, so the mean headcount is tour/(tour - h) units."""
    tour, h, horizon = 100.0, 20.0, 8000
    r = run(rotation(4, tour, 50, 50, handover=h, horizon=horizon))
    units = r.metrics["troops_deployed_mean"] / 100
    assert abs(units - tour / (tour - h)) <= tour / horizon
    assert r.metrics["coverage_min"] == 1.0
    assert r.metrics["presence_share"] == 1.0 and r.metrics["longest_gap_days"] == 0.0


def test_lift_pool_serialises_build_up() -> None:
    """Four units needing one lift slot each for 10 days arrive on days 10, 20, 30 and 40."""
    sc = rotation(4, 500, 0, 0, delay=10.0, units=4, horizon=200, lift=[{"mode": "air", "capacity_units": 1}])
    r = run(sc, trace=True)
    arrivals = [e.time for e in r.trace if e.event == "arrive"]
    assert arrivals == [10.0, 20.0, 30.0, 40.0]
    assert r.metrics["ioc_day"] == 20.0 and r.metrics["foc_day"] == 40.0
    free = run(rotation(4, 500, 0, 0, delay=10.0, units=4, horizon=200))
    assert free.metrics["foc_day"] == 10.0


@pytest.mark.slow
def test_littles_law_on_troops_in_transit() -> None:
    """Mean troops in transit = move rate x mean move time (exponential moves, no lift limit)."""
    mean_move = 5.0
    ratios = []
    for i in range(20):
        sc = rotation(3, 30, 10, 10, delay={"dist": "exponential", "mean": mean_move}, horizon=3000)
        r = run(sc, i, trace=True)
        moves = sum(1 for e in r.trace if e.event in ("depart", "tour_end"))
        rate = moves * 100 / 3000
        ratios.append(r.series["troops.in_transit"].mean() / (rate * mean_move))
    within_3se(ratios, 1.0)


# --- quick reaction: M/M/c ----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("teams", "per_day", "service_hours"), [(1, 9.6, 2.0), (3, 24.0, 2.0)])
def test_mmc_wait_is_erlang_c(teams: int, per_day: float, service_hours: float) -> None:
    """Poisson incidents, exponential on-scene time, c teams, no travel: mean wait = C(c, a) / (c mu - lambda)."""
    lam, mu = per_day / 24.0, 1.0 / service_hours
    a = lam / mu
    pw = erlang_c(teams, a)
    waits, on_target = [], []
    for i in range(30):
        m = run(mmc(teams, per_day, service_hours, 200), i).metrics
        waits.append(m["response_time_mean_hours"])
        on_target.append(m["response_within_target_share"])
    within_3se(waits, pw / (teams * mu - lam))
    target = 1.0  # hours, as in the builder
    within_3se(on_target, 1.0 - pw * math.exp(-(teams * mu - lam) * target))


@pytest.mark.slow
@pytest.mark.parametrize(("per_day", "service_hours", "patience_hours"), [(8.0, 2.0, 2.0), (10.0, 2.0, 0.5)])
def test_mm1_with_deterministic_patience_loses_barrers_share(
    per_day: float, service_hours: float, patience_hours: float
) -> None:
    """M/M/1 whose callers give up after a fixed time: P(lost) = rho(1-rho)e^-(mu-lam)t / (1 - rho^2 e^-(mu-lam)t).

    Barrer (1957), "Queuing with impatient customers and ordered service"; at t = 0 it is the
    M/M/1/1 loss rho/(1+rho). The target is set above the patience, so every answered incident is
    on target and the on-target share of all incidents is the share answered.
    """
    lam, mu = per_day / 24.0, 1.0 / service_hours
    rho, decay = lam / mu, math.exp(-(mu - lam) * patience_hours)
    lost = rho * (1 - rho) * decay / (1 - rho**2 * decay)
    base = mmc(1, per_day, service_hours, 200)
    response = base.threats.response.model_copy(update={"give_up_hours": patience_hours, "target_hours": 1000.0})
    scenario = base.model_copy(update={"threats": base.threats.model_copy(update={"response": response})})
    answered = [run(scenario, i).metrics["incidents_answered_on_target_share"] for i in range(30)]
    within_3se(answered, 1.0 - lost)


def test_nobody_to_call_means_every_incident_is_given_up() -> None:
    """With no team ever in theatre and a patience, no incident gets a response time."""
    base = mmc(1, 5.0, 1.0, 30)
    response = base.threats.response.model_copy(update={"give_up_hours": 3.0})
    threats = base.threats.model_copy(update={"response": response})
    force = base.forces[0].model_copy(update={"readiness_day": 10_000.0})
    m = run(base.model_copy(update={"threats": threats, "forces": [force]})).metrics
    assert m["incidents"] > 0
    assert math.isnan(m["response_time_mean_hours"])
    assert m["incidents_answered_on_target_share"] == 0.0


# --- air defence --------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("p", "n"), [(0.6, 1), (0.6, 2), (0.3, 3)])
def test_salvo_leak_probability(p: float, n: int) -> None:
    """A salvo of n shots lets a threat through with probability (1 - p)^n and uses exactly n shots."""
    r = run(air_defence(p, n, "salvo", horizon=400))
    threats = r.metrics["threats"]
    q = (1 - p) ** n
    assert abs(r.metrics["leakers"] / threats - q) <= 3 * math.sqrt(q * (1 - q) / threats)
    assert r.metrics["interceptors_used"] == threats * n


@pytest.mark.slow
@pytest.mark.parametrize(("p", "n"), [(0.5, 3), (0.7, 2), (0.2, 4)])
def test_shoot_look_shoot_leak_and_shots(p: float, n: int) -> None:
    """Shoot-look-shoot: leak (1 - p)^n; mean shots (1 - (1 - p)^n) / p, with its exact variance."""
    r = run(air_defence(p, n, "shoot_look_shoot", horizon=400))
    threats = r.metrics["threats"]
    q = (1 - p) ** n
    assert abs(r.metrics["leakers"] / threats - q) <= 3 * math.sqrt(q * (1 - q) / threats)
    probs = [p * (1 - p) ** (j - 1) for j in range(1, n)] + [(1 - p) ** (n - 1)]
    mean = sum(j * pj for j, pj in zip(range(1, n + 1), probs))
    assert mean == pytest.approx((1 - q) / p)
    var = sum(j * j * pj for j, pj in zip(range(1, n + 1), probs)) - mean**2
    assert abs(r.metrics["interceptors_used"] / threats - mean) <= 3 * math.sqrt(var / threats)


def test_stockout_day_is_stock_over_rate_times_shots() -> None:
    """Stock S, R threats a day, n shots each, no resupply: the stock runs out on day S / (R n)."""
    for stock, size, shots in [(1000, 10, 2), (900, 15, 3), (1001, 10, 2)]:
        r = run(air_defence(0.5, shots, "salvo", stock=stock, raid_size=size, horizon=200))
        assert r.metrics["stockout_day.patriot"] == math.ceil(stock / (size * shots))
        assert r.metrics["interceptors_used"] == stock
        assert r.series["stock.patriot"].min() == 0.0


@pytest.mark.slow
def test_stockout_day_with_poisson_raids() -> None:
    """Raids at rate 1/day: the stock runs out at the m-th raid, m = S/(R n), a Gamma(m, 1) day."""
    days = []
    for i in range(30):
        sc = air_defence(0.5, 2, "salvo", stock=400, raid_size=10, interval={"dist": "exponential", "mean": 1.0})
        days.append(run(sc, i).metrics["stockout_day.patriot"])
    within_3se(days, 400 / (10 * 2))


def test_saturation_limits_engagements_per_raid() -> None:
    """One battery engages at most 16 threats a raid; the rest leak."""
    r = run(air_defence(1.0, 1, "salvo", raid_size=40, batteries=1, horizon=50))
    assert r.metrics["leakers"] == r.metrics["threats"] - 16 * 49
    assert r.metrics["intercept_rate"] == pytest.approx(16 / 40)
