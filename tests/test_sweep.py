"""Sweeps through the library: points are real stored runs, equal to running each point alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacesim.errors import ScenarioError, UsageError
from peacesim.experiment import runner, sweep
from peacesim.experiment.store import Store
from peacesim.scenario.loader import load_scenario
from synthetic import known_answer

SMALL = Path(__file__).parent / "data" / "sweep" / "small.yaml"
FIELDS = ("mean", "std", "ci_low", "ci_high", "p10", "p50", "p90", "n")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "peacesim.db")
    yield s
    s.close()


def _same_summary(a, b) -> None:
    for f in FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        assert (np.isnan(x) and np.isnan(y)) or x == y, f


def _run(store: Store, params: list[str], **kw) -> sweep.SweepResult:
    kw.setdefault("simulate", known_answer)
    sw = sweep.start(store, sweep.plan(SMALL, params, **kw))
    return sweep.run(sw, store, executor="serial")


def test_points_match_individual_runs(store):
    """Same overrides and seed as a point gives the same summary: a point is just a stored run."""
    res = _run(store, ["zones.kyiv.troops_required=90,110", "zones.kyiv.weight=1,3"], replications=5, seed=99)
    assert len(res.results) == 4
    for pt, got in zip(res.sweep.points, res.results):
        alone = runner.replicate(load_scenario(SMALL, overrides=pt.overrides), replications=5, seed=99,
                                 executor="serial", simulate=known_answer)
        assert got.replications == 5 and got.seed == 99
        for m in alone.summary:
            _same_summary(got.summary[m], alone.summary[m])
        rec = store.get_run(got.run_id)
        assert rec.status == "complete" and rec.group_id == res.sweep.sweep_id
        assert pt.describe() in (rec.command or "")


def test_points_share_random_numbers(store):
    """Common random numbers: a metric that does not depend on the parameter is identical at every point."""
    res = _run(store, ["zones.kyiv.weight=1,2,3"])
    sometimes = [r.metrics["sometimes"] for r in res.results]
    assert all(np.array_equal(sometimes[0], s, equal_nan=True) for s in sometimes[1:])


def test_real_model_point_matches_individual_run(store):
    """With the SimPy model too, a sweep point equals a plain run with the same --set and seed."""
    res = _run(store, ["forces.uk.troops_per_unit=60,200"], simulate=None, replications=3)
    for pt, got in zip(res.sweep.points, res.results):
        alone = runner.replicate(load_scenario(SMALL, overrides=pt.overrides), replications=3, seed=12345,
                                 executor="serial")
        _same_summary(got.summary["coverage_mean"], alone.summary["coverage_mean"])
    low, high = (r.summary["coverage_mean"].mean for r in res.results)
    assert low < high  # 60 troops per UK unit cannot cover what 200 can


def test_oat_effects_are_the_points_means(store):
    res = _run(store, ["zones.kyiv.troops_required=80:120", "zones.kyiv.weight=1,3"], mode="oat")
    assert [p.role for p in res.sweep.points] == ["base", "low", "high", "low", "high"]
    effects = res.oat_effects("value")
    by_point = [r.summary["value"].mean for r in res.results]
    assert [(lo, hi, base) for _, lo, hi, base in effects] == [
        (by_point[1], by_point[2], by_point[0]), (by_point[3], by_point[4], by_point[0])]
    # troops_required is the mean of 'value' in the known-answer model: the swing is 40 exactly
    assert effects[0][2] - effects[0][1] == pytest.approx(40.0)
    summaries = res.oat_summaries("value")
    assert [(lo, hi, base) for _, lo, hi, base in summaries] == [
        (res.results[1].summary["value"], res.results[2].summary["value"], res.results[0].summary["value"]),
        (res.results[3].summary["value"], res.results[4].summary["value"], res.results[0].summary["value"])]


def test_variant_is_the_base_of_the_sweep(store):
    res = _run(store, ["zones.kyiv.weight=1,2"], variant="thin")
    assert res.sweep.variant == "thin" and res.sweep.base_values == {"zones.kyiv.weight": 2.0}
    rec = store.get_run(res.results[0].run_id)
    assert rec.variant == "thin" and "troops_per_unit: 60" in rec.scenario_text


def test_bad_path_fails_before_anything_is_stored(store):
    with pytest.raises(ScenarioError, match=r"forces\.uk\.rotation_dept") as info:
        sweep.plan(SMALL, ["forces.uk.rotation_dept=2,3"])
    assert info.value.problems[0].file == "--param"
    with pytest.raises(ScenarioError, match=r"forces\.uk\.rotation_depth: Input should be greater"):
        sweep.plan(SMALL, ["forces.uk.rotation_depth=3,0"])
    assert store.list_runs() == [] and sweep.list_sweeps(store) == []


def test_unknown_metric_is_reported_after_the_first_point(store):
    sw = sweep.start(store, sweep.plan(SMALL, ["zones.kyiv.weight=1,2,3"], simulate=known_answer))
    with pytest.raises(UsageError, match="unknown metric.*nope.*value"):
        sweep.run(sw, store, executor="serial", metrics=["nope"])
    assert len(store.list_runs()) == 1


def test_csv_has_one_row_per_point(store, tmp_path):
    res = _run(store, ["zones.kyiv.troops_required=90:110:3"])
    path = sweep.write_csv(res, tmp_path / "sweep.csv")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("run_id,label,variant,point,role,zones.kyiv.troops_required,scaled.mean,scaled.ci_low,"
                               "scaled.ci_high")  # the run's identity first, as in every CSV of a run
    assert len(lines) == 1 + 3
    rows = [line.split(",") for line in lines[1:]]
    assert [r[5] for r in rows] == ["90", "100", "110"]
    assert [r[:3] for r in rows] == [[x.run_id, x.label, x.variant or ""] for x in res.results]
    assert {r[1] for r in rows} == {"sweep_small"} and len({r[0] for r in rows}) == 3
    head = lines[0].split(",")
    k = head.index("value.mean")
    assert [float(r[k]) for r in rows] == [r.summary["value"].mean for r in res.results]


# -- interruption and resume ------------------------------------------------------------------
INTERRUPT_AT: dict[str, int] = {}


def interrupting_model(scenario, seed, *, trace=False):
    """known_answer, but Ctrl-C at a chosen (troops_required, replication) while armed."""
    if INTERRUPT_AT and (scenario.zones[0].troops_required, seed.spawn_key[0]) == tuple(INTERRUPT_AT.values()):
        INTERRUPT_AT.clear()
        raise KeyboardInterrupt
    return known_answer(scenario, seed, trace=trace)


def test_resume_after_ctrl_c_skips_finished_points(store):
    """Ctrl-C half-way through point 1: point 0 is loaded, point 1 resumes its own run, point 2 runs."""
    params = ["zones.kyiv.troops_required=90,100,110"]
    planned = sweep.plan(SMALL, params, simulate=interrupting_model, replications=30)
    sw = sweep.start(store, planned)
    INTERRUPT_AT.update(troops=100, rep=25)  # serial chunks of 10: some are kept
    with pytest.raises(sweep.SweepInterrupted) as info:
        sweep.run(sw, store, executor="serial")
    assert info.value.done == 1 and info.value.total == 3
    first = store.get_run(sw.run_ids[0])
    partial = [r for r in store.list_runs() if r.run_id != first.run_id]
    assert len(partial) == 1 and partial[0].status == "incomplete" and 0 < partial[0].done < 30
    assert sweep.list_sweeps(store)[0]["status"] == "incomplete"

    again = sweep.load(store, sw.sweep_id[:12])
    assert again.sweep_id == sw.sweep_id and [p.overrides for p in again.points] == [p.overrides for p in sw.points]
    res = sweep.run(again, store, executor="serial")
    assert [r.run_id for r in res.results[:2]] == [first.run_id, partial[0].run_id]
    assert store.get_run(first.run_id).ended == first.ended  # loaded, not recomputed
    assert len(store.list_runs()) == 3 and all(r.status == "complete" for r in store.list_runs())
    assert sweep.list_sweeps(store)[0]["status"] == "complete"
    plain = _run(store, params, replications=30)
    for a, b in zip(res.results, plain.results):
        _same_summary(a.summary["value"], b.summary["value"])
