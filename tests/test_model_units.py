"""Small pieces of the model: eligibility, intensity clock, recorder, streams, the metrics command."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from peacesim.cli import main
from peacesim.model import allocation
from peacesim.model.incidents import QuickReaction, haversine_km
from peacesim.model.recorder import Level, daily_cumulative, union_length
from peacesim.model.streams import Streams
from peacesim.model.timeline import Intensity
from scenarios.model_builders import make


def test_caveats_and_tasking_limit_eligible_zones() -> None:
    zones = [
        {"id": "kyiv", "name": "K", "kind": "capital", "lat": 50, "lon": 30, "troops_required": 10},
        {"id": "line", "name": "L", "kind": "ceasefire_line", "lat": 48, "lon": 37, "troops_required": 10},
        {"id": "odesa", "name": "O", "kind": "port", "lat": 46, "lon": 30, "troops_required": 10, "priority": 1, "weight": 5},
    ]
    force = {"id": "de", "nation": "DE", "troops_per_unit": 10, "tour_days": 10, "tasks": ["guard"],
             "zones": ["kyiv", "line"], "caveats": {"excluded_zone_kinds": ["ceasefire_line"]}}
    sc = make(10, zones=zones, forces=[force])
    assert allocation.eligible_zones(sc.forces[0], sc.zones) == [0]
    # odesa is worth 5/10 per troop, kyiv and the line 1/10 each: a tie, filled together
    assert allocation.service_groups([10, 10, 10], [1, 1, 5], [1, 1, 1]) == [[2], [0, 1]]


def test_intensity_clock_scales_and_stops_arrivals() -> None:
    clock = Intensity([(10, 2.0), (20, 0.0), (30, 0.5)])
    assert clock.factor(15) == 2.0 and clock.factor(25) == 0.0 and clock.factor(35) == 0.0
    assert clock.advance(0, 5) == 5
    assert clock.advance(8, 6) == 12  # 2 base days to day 10, then 4 at double speed
    assert clock.advance(18, 10) == math.inf  # speed is zero from day 20 on (2 x 0 x 0.5)
    assert Intensity([(5, 0.5)]).advance(0, 10) == 15


def test_level_daily_mean_and_end() -> None:
    lv = Level(0.0)
    lv.set(0.5, 2.0)
    lv.set(2.0, 4.0)
    lv.set(2.0, 1.0)  # same instant: the later value wins
    assert lv.daily_mean(4).tolist() == [1.0, 2.0, 1.0, 1.0]
    assert lv.daily_end(4).tolist() == [2.0, 2.0, 1.0, 1.0]
    assert lv.first_reaching(1.5, 4) == 0.5 and math.isnan(lv.first_reaching(5, 4))
    assert daily_cumulative([0.2, 1.0, 1.5, 3.9], 4).tolist() == [1, 3, 3, 4]
    assert daily_cumulative([0.2, 1.5], 3, [2, 5]).tolist() == [2, 7, 7]
    assert union_length([(1, 3), (2, 5), (7, 8), (9, 20)], 0, 10) == 4 + 1 + 1


def test_streams_are_independent_of_request_order_and_names() -> None:
    seed = np.random.SeedSequence(42, spawn_key=(3,))
    a, b = Streams(seed), Streams(seed)
    x = a.uniform("incidents.a.kyiv.arrivals")
    _ = b.uniform("some.other.stream").next()
    y = b.uniform("incidents.a.kyiv.arrivals")
    assert [x.next() for _ in range(600)] == [y.next() for _ in range(600)]
    z = Streams(np.random.SeedSequence(42, spawn_key=(4,))).uniform("incidents.a.kyiv.arrivals")
    assert z.next() != Streams(seed).uniform("incidents.a.kyiv.arrivals").next()


def test_quick_reaction_capacity_follows_teams() -> None:
    import simpy

    env = simpy.Environment()
    pool = QuickReaction(env, [3])
    log: list[tuple[float, int]] = []

    def job(i: int):
        call = pool.call([0.0])
        yield call
        log.append((env.now, i))
        yield env.timeout(1)
        pool.finish(call)

    def teams():
        yield env.timeout(2)
        pool.set_teams([2])
        yield env.timeout(2)
        pool.set_teams([1])

    for i in range(4):
        env.process(job(i))
    env.process(teams())
    env.run(until=10)
    assert log == [(2, 0), (2, 1), (3, 2), (3, 3)]
    assert pool.teams == [1] and pool.busy == [0]
    assert haversine_km(make().zones[0], make().zones[0]) == 0.0


def test_metrics_command_lists_every_metric(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["metrics"]
    assert "coverage_mean" in data and data["stockout_day.<system_id>"]["unit"] == "days"
    assert main(["metrics", "--kind", "series"]) == 0
    out = capsys.readouterr().out
    assert "troops.in_transit" in out and "coverage_mean" not in out


def test_metric_doc_is_generated_from_the_catalog() -> None:
    """docs/metrics.md is the catalog as `python -m peacesim.catalog` writes it (run `make docs`)."""
    from pathlib import Path

    from peacesim.catalog import CATALOG, markdown

    doc = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert doc == markdown()
    assert all(f"| `{name}` | {m.kind} | {m.unit} |" in doc for name, m in CATALOG.items())
