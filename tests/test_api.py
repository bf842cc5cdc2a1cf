"""The notebook API: peacesim.load / run / compare, and RunResult.rows / to_pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import peacesim
import synthetic
from peacesim.experiment.results import RunResult
from scenarios.mini import mini_text

MINI = mini_text(horizon_days=5, replications=7, seed=3, variant=True)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "mini.yaml"
    p.write_text(MINI)
    return p


def test_load_with_overrides(path):
    """Keyword overrides use __ for dots; variants are applied by name."""
    assert peacesim.load(path, zones__kyiv__weight=2.5).zones[0].weight == 2.5
    assert peacesim.load(path, overrides={"zones.kyiv.weight": 4}).zones[0].weight == 4
    assert peacesim.load(path, variant="more").zones[0].troops_required == 110


def test_run_defaults_and_tables(path, tmp_path):
    """run() uses the scenario's replications and seed; rows and to_pandas have one row per replication."""
    r = peacesim.run(peacesim.load(path), executor="serial", simulate=synthetic.known_answer,
                     store=tmp_path / "api.db")
    assert isinstance(r, RunResult) and r.replications == 7 and r.seed == 3 and r.run_id
    rows = r.rows()
    assert len(rows) == 7 and rows[2]["replication"] == 2 and rows[2]["value"] == r.metrics["value"][2]
    pd = pytest.importorskip("pandas")
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame) and df.shape[0] == 7
    assert np.allclose(df["value"].to_numpy(), r.metrics["value"])


def test_compare_api(path):
    """compare() accepts one run or a list and returns paired differences by label."""
    a = peacesim.run(path, replications=6, executor="serial", simulate=synthetic.known_answer)
    b = peacesim.run(peacesim.load(path, "more"), replications=6, executor="serial", simulate=synthetic.known_answer)
    cmp = peacesim.compare(a, b)
    value = next(d for d in cmp.differences["mini:more"] if d.metric == "value")
    assert value.mean == pytest.approx(10.0) and value.n == 6


def test_compare_runs_scenarios_with_common_random_numbers(path, tmp_path):
    """compare() given scenarios (or a file and its variants) runs them with one seed, as the CLI does."""
    a = peacesim.run(path, replications=5, executor="serial", simulate=synthetic.known_answer)
    b = peacesim.run(peacesim.load(path, "more"), replications=5, executor="serial", simulate=synthetic.known_answer)
    by_runs = peacesim.compare(a, b)
    by_scenarios = peacesim.compare(peacesim.load(path), peacesim.load(path, "more"), replications=5,
                                    executor="serial", simulate=synthetic.known_answer)
    by_file = peacesim.compare(path, variants=["more"], replications=5, executor="serial",
                               simulate=synthetic.known_answer, store=tmp_path / "crn.db")
    strip = [{k: v for k, v in r.items() if "run_id" not in k} for r in by_runs.rows()]
    for other in (by_scenarios, by_file):
        assert [{k: v for k, v in r.items() if "run_id" not in k} for r in other.rows()] == strip
    stored = peacesim.runs(tmp_path / "crn.db")
    assert len(stored) == 2 and stored[0].group_id and stored[0].group_id == stored[1].group_id
    with pytest.raises(TypeError):
        peacesim.compare(a, peacesim.load(path))


def test_api_is_discoverable_with_short_reprs_and_tidy_tables(path, tmp_path):
    """dir() lists the API; reprs are one line; tables are long with run_id, variant, metric, statistic, value."""
    assert {"load", "run", "compare", "sweep", "size", "explore", "open_store", "runs"} <= set(dir(peacesim)) and set(peacesim.__all__) <= set(dir(peacesim))
    db = tmp_path / "api.db"
    a = peacesim.run(path, executor="serial", simulate=synthetic.known_answer, store=db)
    b = peacesim.run(peacesim.load(path, variant="more"), executor="serial", simulate=synthetic.known_answer, store=db)
    c = peacesim.compare(a, b)
    assert len(repr(a)) < 200 and repr(a).startswith("<RunResult mini: run ") and len(repr(c)) < 200
    assert "<table>" in a._repr_html_() and "<table>" in c._repr_html_()
    rows = a.summary_rows()
    assert set(rows[0]) == {"run_id", "label", "variant", "metric", "statistic", "value"}
    assert {(r["metric"], r["statistic"]): r["value"] for r in rows}[("value", "n")] == 7
    assert sorted(r.run_id for r in peacesim.runs(db)) == sorted([a.run_id, b.run_id])
    with peacesim.open_store(db) as store:
        assert store.load_run(b.run_id).label == "mini:more"
    pytest.importorskip("pandas")
    assert list(a.summary_frame().columns) == ["run_id", "label", "variant", "metric", "statistic", "value"]
    assert len(a.replication_frame()) == 7 * len(a.metrics)
    frame = c.comparison_frame()
    diff = frame[(frame.metric == "value") & (frame.statistic == "difference")]
    assert diff.value.tolist() == pytest.approx([10.0]) and diff.run_id.tolist() == [b.run_id]


BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
SHORT = ["metadata.horizon_days=60"]


def test_sweep_on_the_baseline(tmp_path):
    """sweep() runs one stored run per point; the tidy table has the point, its values, metric, statistic, value."""
    sw = peacesim.sweep(BASELINE, "forces.uk.rotation_depth=2,3", replications=2, sets=SHORT, executor="serial",
                        store=tmp_path / "s.db")
    assert repr(sw).startswith("<SweepResults sw") and len(repr(sw)) < 200 and "<table>" in sw._repr_html_()
    assert [p["forces.uk.rotation_depth"] for p in sw.points()] == [2, 3] and len(sw.runs) == 2
    rows = sw.summary_rows()
    assert {"run_id", "variant", "point", "forces.uk.rotation_depth", "metric", "statistic", "value"} <= set(rows[0])
    n = {(r["point"], r["metric"]): r["value"] for r in rows if r["statistic"] == "n"}
    assert n[(0, "coverage_mean")] == 2 and {r["run_id"] for r in rows} == {r.run_id for r in sw.runs}
    assert sw.to_dict()["sweep_id"] == sw.sweep_id and {r.run_id for r in peacesim.runs(tmp_path / "s.db")} >= {r.run_id for r in sw.runs}
    pytest.importorskip("pandas")
    frame = sw.summary_frame()
    assert len(frame) == len(rows) and list(frame.columns[-3:]) == ["metric", "statistic", "value"]


def test_size_on_the_baseline():
    """size() answers with a value (or why none) and the probes as a long table, in memory without a store."""
    sz = peacesim.size(BASELINE, "forces.uk.troops_per_unit=100:2000", "coverage_mean >= 0.3", first=4, replications=8,
                       sets=SHORT, executor="serial")
    assert repr(sz).startswith("<SizingResults sz") and len(repr(sz)) < 200 and "<table>" in sz._repr_html_()
    (answer,) = sz.answers()
    assert answer["path"] == "forces.uk.troops_per_unit" and answer["status"] in {"found", "met_at_low", "not_met", "open"}
    assert sz.value == answer["value"]
    rows = sz.probe_rows()
    assert {"run_id", "variant", "forces.uk.troops_per_unit", "decision", "metric", "statistic", "value"} == set(rows[0])
    assert {r["statistic"] for r in rows} == {"n", "met", "p_met", "low", "high"}
    assert sz.to_dict()["answers"][0]["status"] == answer["status"]


def test_explore_on_the_baseline():
    """explore() draws the uncertain values; targets, per-point means and replications come as tidy tables."""
    ex = peacesim.explore(BASELINE, "coverage_mean >= 0.5", samples=3, replications=2, executor="serial")
    assert repr(ex).startswith("<ExploreResults ex") and len(repr(ex)) < 200 and "<table>" in ex._repr_html_()
    (target,) = ex.targets()
    assert target["target"] == "coverage_mean >= 0.5" and 0 <= target["p_met"] <= 1 and target["points"] == 3
    reps = ex.replication_rows()
    assert {r["point"] for r in reps} == {0, 1, 2} and {r["replication"] for r in reps} == {0, 1}
    assert set(ex.parameters) <= set(reps[0]) and {"variant", "metric", "value"} <= set(reps[0])
    assert {r["statistic"] for r in ex.point_rows()} == {"mean"}
    assert ex.to_dict()["targets"][0]["target"] == "coverage_mean >= 0.5"


@pytest.mark.slow
def test_mypy_strict_rejects_a_wrong_argument_type(tmp_path):
    """The API is typed: a user script passing replications="ten" fails mypy --strict; the right call passes."""
    import os
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[1] / "src"
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text('import peacesim\n\nresult = peacesim.run("x.yaml", replications=10)\nprint(result.summary_rows()[0])\n'
                    'print(peacesim.sweep("x.yaml", ["a.b=1,2"], replications=2).summary_rows())\n'
                    'print(peacesim.size("x.yaml", "a.b=1:9", "m >= 1", confidence=0.8).value)\n'
                    'print(peacesim.explore("x.yaml", "m >= 1", samples=8).targets())\n')
    bad.write_text('import peacesim\n\nresult = peacesim.run("x.yaml", replications="ten")\n'
                   'peacesim.sweep("x.yaml", ["a.b=1,2"], replications="two")\n'
                   'peacesim.size("x.yaml", "a.b=1:9", "m >= 1", confidence="high")\n'
                   'peacesim.explore("x.yaml", "m >= 1", samples="ten")\n')
    env = {**os.environ, "MYPYPATH": str(src)}
    cache = src.parent / ".mypy_cache"  # the lint cache: warm after `make lint`, so this takes seconds
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--cache-dir", str(cache),
                           "--python-version", "3.11", str(good), str(bad)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 4 and all(e.startswith("bad.py:") for e in errors), done.stdout
    assert 'Argument "replications" to "run" has incompatible type "str"' in errors[0]
    for error, name in zip(errors[1:], ('"replications" to "sweep"', '"confidence" to "size"', '"samples" to "explore"')):
        assert f"Argument {name} has incompatible type" in error, error


def test_stored_scenario_is_parsed_once_and_kept(path, tmp_path, monkeypatch):
    """A stored run's scenario text is parsed once, on first use, and shared by reports, tables and traces."""
    from peacesim.cli.tables import element_units
    from peacesim.experiment import scenarios
    from peacesim.report.context import scenario_of, zone_names

    db = tmp_path / "once.db"
    made = peacesim.run(path, replications=2, executor="serial", simulate=synthetic.known_answer, store=db)
    with peacesim.open_store(db) as store:
        run = store.load_run(str(made.run_id))
    calls = []
    parse = scenarios.from_text
    monkeypatch.setattr(scenarios, "from_text", lambda *a: calls.append(a) or parse(*a))
    assert scenario_of(run) is run.scenario and zone_names(run) == {"kyiv": "Kyiv"} and element_units(run) == {}
    assert run.scenario == peacesim.load(path) and len(calls) == 1
