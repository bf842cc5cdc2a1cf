"""The structures the model keeps for speed give what the plain computation gives.

Each test compares a fast path with the straightforward way of getting the same numbers: one
multinomial per raid, one stream value at a time, counting ``env.step`` calls, recounting occupied
slots, summing leakers from the trace.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import simpy

from peacesim.model import simulate
from peacesim.model.airdefence import raid_draws
from peacesim.model.engine import call_later
from peacesim.model.geography import Origins, distance_km
from peacesim.model.streams import BLOCK, Stream
from peacesim.model.timeline import Intensity
from peacesim.model.world import World
from peacesim.scenario.loader import load_scenario
from scenarios.model_builders import medium

SEED = np.random.SeedSequence(7, spawn_key=(3,))
BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


@pytest.mark.parametrize("mean", [0.3, 12.0, 750.0])
def test_raid_draws_split_each_raid_as_one_multinomial_would(mean: float) -> None:
    """Sizes rounded half to even and clipped at 0; zero-size raids draw nothing; across two blocks."""
    p = np.array([0.3, 0.15, 0.05, 0.2, 0.0, 0.3])

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(mean, mean, n)  # some negative sizes, some halves

    draws = raid_draws(np.random.default_rng(1), sample, np.random.default_rng(2), p)
    sizes, targets = np.random.default_rng(1), np.random.default_rng(2)
    expected: list[tuple[int, list[int]]] = []
    for _ in range(2):
        for x in sample(sizes, BLOCK).tolist():
            n = max(0, int(round(x)))
            expected.append((n, targets.multinomial(n, p).tolist() if n else [0] * len(p)))
    got = [next(draws) for _ in range(2 * BLOCK)]
    assert got == expected
    assert any(n == 0 for n, _ in got) and any(n > 0 for n, _ in got)


def test_call_later_queues_the_timeout_env_timeout_would() -> None:
    """Same fields, same time, priority and event id in the queue, and the callback runs at that time."""
    a, b = simpy.Environment(initial_time=2.5), simpy.Environment(initial_time=2.5)
    seen: list[float] = []
    plain = a.timeout(0.75)
    plain.callbacks.append(lambda _e: seen.append(a.now))
    fast = call_later(b, 0.75, lambda _e: seen.append(b.now))
    assert [entry[:3] for entry in a._queue] == [entry[:3] for entry in b._queue]
    assert type(fast) is type(plain) and vars(fast).keys() == vars(plain).keys()
    assert (fast._value, fast._delay, fast._ok, fast.env) == (None, 0.75, True, b)
    a.run()
    b.run()
    assert seen == [3.25, 3.25]
    with pytest.raises(ValueError):
        call_later(b, -1.0, print)


def test_origins_give_the_distances_distance_km_gives() -> None:
    rng = np.random.default_rng(3)
    places = [(float(la), float(lo)) for la, lo in zip(rng.uniform(44, 52, 6), rng.uniform(22, 40, 6))]
    origins = Origins([*places, None])
    for lat, lon in zip(rng.uniform(44, 52, 200), rng.uniform(22, 40, 200)):
        assert origins.km(lat, lon) == [*(distance_km(a, b, lat, lon) for a, b in places), 0.0]


def test_stream_serves_its_blocks_in_order() -> None:
    stream = Stream(np.random.default_rng(5), lambda rng, n: rng.gamma(2.0, 3.0, n))
    ref = np.random.default_rng(5)
    expected = np.concatenate([ref.gamma(2.0, 3.0, BLOCK), ref.gamma(2.0, 3.0, BLOCK)]).tolist()
    got = [stream.next() for _ in range(2 * BLOCK)]
    assert got == expected and all(type(v) is float for v in got)


def test_event_count_is_the_number_of_env_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = {"n": 0}
    original = simpy.Environment.step

    def counting(env: simpy.Environment) -> None:
        steps["n"] += 1
        original(env)

    monkeypatch.setattr(simpy.Environment, "step", counting)
    inlined = simulate(medium(365), SEED)  # the model's own loop (engine.run_until) does not call step
    monkeypatch.setattr("peacesim.model.world.run_until", lambda env, until: env.run(until=until))
    result = simulate(medium(365), SEED)
    assert result.events == steps["n"] > 1000
    assert inlined.events == result.events and inlined.metrics.keys() == result.metrics.keys()


def test_occupied_slot_counter_matches_the_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked at every arrival and departure, through the baseline's withdrawal variant."""
    checked = {"n": 0}
    original = World.forces_changed

    def check(world: World) -> None:
        for c in world.contingents:
            assert c.occupied_slots == sum(1 for units in c.in_theatre if units)
        checked["n"] += 1
        original(world)

    monkeypatch.setattr(World, "forces_changed", check)
    sc = load_scenario(BASELINE, "us_withdrawal_day_180")
    world = World(sc, SEED)
    world.run()
    assert checked["n"] > 50


def test_coverage_is_only_recomputed_when_a_slot_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipping handover arrivals leaves the coverage record as recomputing every time would."""
    sc = medium(365)
    fast = World(sc, SEED)
    fast.run()
    monkeypatch.setattr(World, "forces_changed", lambda w: (w._update_coverage(), w.incidents.teams_changed()))
    slow = World(sc, SEED)
    slow.run()
    for name in ("coverage", *(f"coverage.{z.id}" for z in sc.zones)):
        assert fast.levels[name].times == slow.levels[name].times
        assert fast.levels[name].values == slow.levels[name].values
    assert np.array_equal(fast.incidents.responses, slow.incidents.responses, equal_nan=True)


def test_flat_intensity_takes_the_short_way_with_the_same_result() -> None:
    for changes, t, work, expected in [
        ([], 3.0, 2.5, 5.5),
        ([(0.0, 2.0)], 1.0, 4.0, 3.0),
        ([(0.0, 0.0)], 1.0, 4.0, math.inf),
        ([(0.0, 0.5), (0.0, 4.0)], 0.0, 6.0, 3.0),
    ]:
        assert Intensity(changes).advance(t, work) == expected
    assert Intensity([]).advance(2.0, math.inf) == math.inf


def test_leakers_per_day_add_up_to_the_raids_in_the_trace() -> None:
    sc = load_scenario(BASELINE)
    r = simulate(sc, SEED, trace=True)
    assert r.trace is not None
    daily = np.zeros(sc.metadata.horizon_days)
    for e in r.trace:
        if e.event == "raid":
            daily[int(e.time)] += int(e.detail.split(", ")[1].split()[0])
    assert r.series["leakers_cumulative"].tolist() == np.cumsum(daily).tolist()
    zones = sum(r.series[f"leakers_cumulative.{z.id}"] for z in sc.zones)
    assert zones.tolist() == r.series["leakers_cumulative"].tolist()
    assert r.metrics["leakers"] == daily.sum() == sum(r.metrics[f"leakers.{z.id}"] for z in sc.zones)
