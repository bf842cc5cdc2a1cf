"""Staggered sub-units and the per-contingent rotation measures, against closed forms.

All cases are deterministic (fixed moves, no lift limit), so they must match exactly, to a
floating-point tolerance, not a statistical one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from peacesim.errors import ScenarioError
from peacesim.model import HEADLINE_METRICS, simulate
from peacesim.model.metrics import METRICS, compute
from peacesim.model.rotation import line_start, rotation_metrics, rotation_period
from peacesim.model.world import World
from peacesim.scenario.loader import load_scenario
from peacesim.scenario.schema import Scenario
from scenarios.model_builders import KYIV, make, rotation

SEED = np.random.SeedSequence(20250819, spawn_key=(0,))
LOADER_BASE = Path(__file__).parent / "data" / "loader" / "base.yaml"


def with_force(scenario: Scenario, **update: Any) -> Scenario:
    raw = scenario.model_dump(exclude_none=True)
    raw["forces"][0].update(update)
    return Scenario.model_validate(raw)


def world_of(scenario: Scenario, seed: np.random.SeedSequence = SEED) -> World:
    w = World(scenario, seed)
    w.run()
    return w


def force(id: str, troops: int, depth: int, tour: float, dwell: float, **extra: Any) -> dict[str, Any]:
    return {"id": id, "nation": id.upper(), "troops_per_unit": troops, "rotation_depth": depth, "tour_days": tour,
            "recovery_days": dwell / 2, "training_days": dwell / 2, "tasks": ["guard"], **extra}


# --- the closed forms ----------------------------------------------------------------------------

@pytest.mark.parametrize(("depth", "subs", "tour", "recovery", "training", "delay"),
                         [(2, 3, 180, 180, 180, 5), (2, 4, 120, 100, 60, 3), (3, 2, 60, 90, 60, 2), (2, 2, 90, 60, 60, 5)])
def test_staggered_lines_hold_the_closed_form_share_at_every_moment(
    depth: int, subs: int, tour: float, recovery: float, training: float, delay: float
) -> None:
    """Too few units (depth x tour < cycle C = tour + recovery + training + 2 x move): each line is in
    theatre for depth x tour of every C days. s lines set C/s apart then keep, at every moment,
    between floor(s x depth x tour / C) and ceil(s x depth x tour / C) of the s sub-units in theatre, and
    the share of planned troop-days over any whole number of cycles is exactly depth x tour / C.
    """
    cycle = tour + recovery + training + 2 * delay
    assert depth * tour < cycle
    sc = with_force(rotation(depth, tour, recovery, training, delay=delay, horizon=int(8 * cycle), troops=120),
                    sub_units=subs)
    w = world_of(sc)
    c = w.contingents[0]
    assert rotation_period(sc.forces[0]) == pytest.approx(cycle)
    lines = np.rint(np.asarray(c.present.values) / c.sub_troops)
    ideal = subs * depth * tour / cycle
    assert set(lines[1:]) <= {math.floor(ideal), math.ceil(ideal)}, sorted(set(lines))
    start = c.planned_start + cycle
    m = rotation_metrics(w, start, start + 5 * cycle)
    assert m["presence_share"] == pytest.approx(depth * tour / cycle, abs=1e-9)
    assert m["longest_gap_days"] == (0.0 if math.floor(ideal) > 0 else pytest.approx(cycle / subs - depth * tour))


@pytest.mark.parametrize(("depth", "tour", "recovery", "training", "delay"), [(2, 180, 180, 180, 5), (3, 100, 100, 100, 10)])
def test_lockstep_empties_the_whole_contingent_once_a_cycle(
    depth: int, tour: float, recovery: float, training: float, delay: float
) -> None:
    """Lock-step sub-units move as one unit: all troops leave together for C - depth x tour days each cycle."""
    cycle = tour + recovery + training + 2 * delay
    base = rotation(depth, tour, recovery, training, delay=delay, horizon=int(6 * cycle), troops=120)
    lock = compute(world_of(with_force(base, sub_units=3, stagger="lockstep")))[0]
    stag = compute(world_of(with_force(base, sub_units=3)))[0]
    assert lock["longest_gap_days"] == pytest.approx(cycle - depth * tour)
    assert lock["troops_in_theatre_min"] == 0.0 and lock["coverage_min"] == 0.0
    assert stag["longest_gap_days"] == 0.0
    assert stag["troops_in_theatre_min"] >= math.floor(3 * depth * tour / cycle) * 40 - 1e-9
    assert stag["coverage_min"] > 0.0


def test_lockstep_keeps_the_old_rotation_exactly() -> None:
    """Lock-step sub-units (and one sub-unit) give the same numbers, series and trace as before sub-units existed."""
    base = rotation(3, 60, 40, 30, delay={"dist": "triangular", "low": 2, "mode": 4, "high": 12}, handover=3, horizon=900,
                    lift=[{"mode": "air", "capacity_units": 1}], units=2)
    one = simulate(base, SEED, trace=True)
    lock = simulate(with_force(base, sub_units=5, stagger="lockstep"), SEED, trace=True)
    assert one.trace == lock.trace
    assert one.metrics.keys() == lock.metrics.keys()
    for k, v in one.metrics.items():
        assert v == lock.metrics[k] or (math.isnan(v) and math.isnan(lock.metrics[k])), k
    for k, v in one.series.items():
        assert np.array_equal(v, lock.series[k]), k


def test_plenty_of_units_deploy_every_line_and_spread_the_reliefs() -> None:
    """With units enough, every line deploys at readiness and line k's first tour is cut by k/s of tour - handover."""
    sc = with_force(rotation(3, 180, 120, 150, delay=7.0, handover=7.0, horizon=1200, troops=300), sub_units=3)
    f = sc.forces[0]
    assert rotation_period(f) == 173.0
    assert [line_start(f, k).first_tour for k in range(3)] == [None, pytest.approx(180 - 173 / 3), pytest.approx(180 - 2 * 173 / 3)]
    r = simulate(sc, SEED, trace=True)
    assert r.trace is not None
    arrivals = sorted(e.time for e in r.trace if e.event == "arrive")
    assert arrivals[:3] == [7.0, 7.0, 7.0]
    reliefs = np.diff(arrivals[3:9])
    assert reliefs == pytest.approx([173 / 3] * 5)
    assert r.metrics["presence_share"] == 1.0 and r.metrics["longest_gap_days"] == 0.0


def test_a_sub_unit_moves_with_its_share_of_a_lift_place() -> None:
    """One lift place carries one unit at a time: three sub-units of a third each fly in together, and a
    whole unit of the other nation waits until they have landed.
    """
    lift = [{"mode": "air", "capacity_units": 1}]
    split = force("aa", 300, 3, 180, 300, deployment_delay_days=7.0, sub_units=3)
    whole = force("bb", 300, 3, 180, 300, deployment_delay_days=7.0)
    sc = make(100, zones=[dict(KYIV, troops_required=600)], forces=[split, whole], lift=lift)
    r = simulate(sc, SEED, trace=True)
    assert r.trace is not None
    arrivals = [(e.actor, e.time) for e in r.trace if e.event == "arrive"]
    assert arrivals[:4] == [("force.aa", 7.0)] * 3 + [("force.bb", 14.0)]


# --- no float-noise gaps --------------------------------------------------------------------------

def test_a_relief_due_at_the_end_of_a_tour_leaves_no_gap() -> None:
    """Readiness 51.9, tour 189.9, move 1.4: some reliefs land a few 1e-14 days after the tour's end in
    floating point. The outgoing unit waits for them, so there is no gap, not even a tiny one.
    """
    tour = 189.9
    sc = with_force(rotation(3, tour, tour / 2, tour / 2, delay=1.4, horizon=1000), readiness_day=51.9)
    r = simulate(sc, SEED, trace=True)
    assert r.trace is not None
    arrivals = [e.time for e in r.trace if e.event == "arrive"]
    late = [b - (a + tour) for a, b in zip(arrivals, arrivals[1:])]
    assert any(0 < d < 1e-9 for d in late), "no relief was late by float noise: the case no longer tests anything"
    assert not [e for e in r.trace if e.event == "gap"]
    assert r.metrics["presence_share"] == 1.0
    assert r.metrics["longest_gap_days"] == 0.0
    assert r.metrics["coverage_min"] == 1.0


# --- the measures: windows, fewer contingents, bigger contingents --------------------------------

def test_measures_are_additive_over_windows_and_clip_gaps() -> None:
    """Presence troop-days add up over adjacent windows; a gap is measured only inside the window."""
    w = world_of(rotation(1, 100, 50, 50, delay=0.0, horizon=1000))  # present [0,100), gap [100,200), ...
    whole, a, b = rotation_metrics(w, 50, 450), rotation_metrics(w, 50, 150), rotation_metrics(w, 150, 450)
    assert whole["presence_share"] * 400 == pytest.approx(a["presence_share"] * 100 + b["presence_share"] * 300)
    assert a["presence_share"] == pytest.approx(0.5) and a["longest_gap_days"] == pytest.approx(50)
    assert rotation_metrics(w, 0, 100)["longest_gap_days"] == 0.0
    assert rotation_metrics(w, 120, 130)["presence_share"] == 0.0
    assert whole["troops_in_theatre_mean"] == pytest.approx(100 * (50 + 100 + 50) / 400)


def _three_nations(keep: set[str], big: int = 300) -> Scenario:
    forces = [
        force("aa", big, 3, 100, 180, deployment_delay_days={"dist": "uniform", "low": 2, "high": 20}, sub_units=2),
        force("bb", 200, 2, 120, 200, deployment_delay_days=5.0, readiness_day=30, sub_units=3, stagger="lockstep"),
        force("cc", 100, 2, 90, 150, deployment_delay_days={"dist": "exponential", "mean": 6}, sub_units=3),
    ]
    zone = dict(KYIV, troops_required=700)
    return make(900, zones=[zone], forces=[f for f in forces if f["id"] in keep])


ROTATION_HEADLINES = [n for n in HEADLINE_METRICS if n.startswith("troops_in_theatre") or "presence" in n or "gap" in n]


@pytest.mark.parametrize("drop", ["aa", "bb", "cc"])
def test_removing_a_contingent_never_improves_the_rotation_headlines(drop: str) -> None:
    """Each nation keeps its own streams, so the others rotate exactly as before; the headline rotation
    measures count troops, so losing a nation can only lower them; each other nation's share is unchanged.
    """
    assert ROTATION_HEADLINES, "no rotation headline to test"
    everyone = {"aa", "bb", "cc"}
    for i in range(3):
        seed = np.random.SeedSequence(7, spawn_key=(i,))
        full = simulate(_three_nations(everyone), seed).metrics
        less = simulate(_three_nations(everyone - {drop}), seed).metrics
        for name in ROTATION_HEADLINES:
            better = METRICS[name].better
            worse_or_same = less[name] <= full[name] + 1e-9 if better == "higher" else less[name] >= full[name] - 1e-9
            assert worse_or_same, (name, full[name], less[name])
        for other in everyone - {drop}:
            assert less[f"presence_share.{other}"] == full[f"presence_share.{other}"]


def test_a_bigger_contingent_never_lowers_coverage_or_strength() -> None:
    """Nation aa lands on day 10.5, bb (500 of the 1,000 required) on day 20. aa's size must not lower
    coverage_min: the window starts when every contingent should be in theatre (day 20), not at IOC,
    which a big aa would bring forward to a part-day (day 10, where coverage is half of aa's share).
    """
    def run(troops: int) -> dict[str, float]:
        aa = force("aa", troops, 2, 200, 300, readiness_day=10, deployment_delay_days=0.5, sub_units=2, stagger="lockstep")
        bb = force("bb", 500, 3, 400, 300, deployment_delay_days=20.0)
        return simulate(make(1000, zones=[dict(KYIV, troops_required=1000)], forces=[aa, bb]), SEED).metrics

    results = [run(t) for t in (300, 600, 5_000, 50_000)]
    for small, big in zip(results, results[1:]):
        for name in ("coverage_mean", "coverage_min", "troops_in_theatre_mean", "troops_in_theatre_min"):
            assert big[name] >= small[name] - 1e-12, (name, small[name], big[name])
    assert results[0]["coverage_min"] == pytest.approx(0.5)  # bb alone while aa is away
    assert results[1]["ioc_day"] == 10.5


# --- the scenario language ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "where", "message"), [
    ("    sub_units: 0\n", "forces.uk.sub_units", "greater than or equal to 1"),
    ("    stagger: random\n", "forces.uk.stagger", "'staggered' or 'lockstep'"),
    ("    sub_units: 400\n", "forces.uk.sub_units", "less than or equal to 12"),
])
def test_bad_sub_units_are_located(tmp_path: Path, text: str, where: str, message: str) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(LOADER_BASE.read_text().replace("    tour_days: 180\n", "    tour_days: 180\n" + text, 1))
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    [line] = [p.render() for p in e.value.problems]
    assert line.startswith(f"{f}:33:") and f": {where}: " in line and message in line, line


def test_sub_units_cannot_outnumber_the_troops() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="sub_units cannot exceed troops_per_unit"):
        with_force(rotation(2, 10, 5, 5, troops=3), sub_units=4)
