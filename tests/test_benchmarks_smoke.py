"""Smoke tests of the benchmark harness (``make bench``) at tiny sizes; no timing assertions."""

from __future__ import annotations

import ast
import json
import math
import sys
from pathlib import Path

import pytest
import simpy

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is a top-level package of the checkout, not of peacesim
    sys.path.insert(0, str(ROOT))

from benchmarks import raw_simpy  # noqa: E402
from benchmarks.__main__ import main, run_benchmark  # noqa: E402
from benchmarks.figures import Figure, Plan  # noqa: E402
from benchmarks.timing import interleaved, measure  # noqa: E402
from benchmarks.variants import bigger_raids, longer_horizon, scale_distribution  # noqa: E402
from benchmarks.workload import workload_of  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
SHORT = ["metadata.horizon_days=20"]
TINY = Plan(repeats=1, overhead_reps=1, serial_reps=2, throughput_reps=2, warm_reps=1, rss_small=1, rss_large=2,
            workers=2, explore_points=2, explore_reps=2, size_first=2, size_cap=2, report_reps=2)


@pytest.fixture(scope="module")
def baseline():
    from peacesim.scenario.loader import load_scenario

    return load_scenario(BASELINE)


def test_raw_reference_imports_no_peacesim() -> None:
    """The reference is raw SimPy: it must not import peacesim at all."""
    tree = ast.parse(Path(raw_simpy.__file__).read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert names and not [m for m in names if m.startswith("peacesim")]


def test_raw_event_count_matches_env_steps(baseline, monkeypatch) -> None:
    """The free event count (ids issued - still queued) equals the number of env.step calls."""
    w = workload_of(baseline)
    steps = {"n": 0}
    original = simpy.Environment.step

    def counting(self: simpy.Environment) -> None:
        steps["n"] += 1
        original(self)

    monkeypatch.setattr(simpy.Environment, "step", counting)
    result = raw_simpy.run(w, seed=3)
    assert result.events == steps["n"] > 100
    assert result.incidents > 0 and result.threats > 0 and result.arrivals > 0


def test_raw_reference_is_deterministic_and_seed_dependent(baseline) -> None:
    w = workload_of(baseline)
    assert raw_simpy.run(w, 1) == raw_simpy.run(w, 1)
    assert raw_simpy.run(w, 1) != raw_simpy.run(w, 2)


def test_workload_mirrors_the_scenario(baseline) -> None:
    w = workload_of(baseline)
    assert len(w.forces) == len(baseline.forces)
    assert len(w.raids) == len(baseline.threats.air_raids)
    assert len(w.incidents) == sum(len(s.zones) for s in baseline.threats.incidents)
    assert all(0.0 <= i.detect_p <= 1.0 for i in w.incidents)


def test_scale_distribution_scales_magnitudes_not_weights() -> None:
    spec = {"dist": "empirical", "values": [1.0, 2.0], "weights": [0.3, 0.7]}
    assert scale_distribution(spec, 10) == {"dist": "empirical", "values": [10.0, 20.0], "weights": [0.3, 0.7]}
    assert scale_distribution({"dist": "lognormal", "mean": 5.0, "sd": 2.0}, 10) == {"dist": "lognormal", "mean": 50.0, "sd": 20.0}


def test_variants_change_what_they_say(baseline) -> None:
    big = bigger_raids(baseline, 10.0)
    for a, b in zip(baseline.threats.air_raids, big.threats.air_raids):
        assert b.raid_size.mean == pytest.approx(10 * a.raid_size.mean)
        assert b.interval_days == a.interval_days
    assert longer_horizon(baseline, 4).metadata.horizon_days == 4 * baseline.metadata.horizon_days


def test_measure_keeps_every_timing() -> None:
    calls = []
    t = measure("x", lambda: calls.append(1), repeats=3, warmup=2, work=10)
    assert len(calls) == 5 and len(t.seconds) == 3 and len(t.warmup_seconds) == 2
    assert t.per_unit == pytest.approx(t.median / 10)
    order: list[str] = []
    timings = interleaved({"a": lambda: order.append("a"), "b": lambda: order.append("b")}, repeats=2, warmup=1)
    assert order == ["a", "b"] * 3 and len(timings["a"].seconds) == 2


def test_figure_target_logic() -> None:
    assert Figure("overhead_vs_raw_simpy", 1.2).met is True
    assert Figure("overhead_vs_raw_simpy", 1.4).met is False
    assert Figure("parallel_efficiency", 0.95).met is True
    assert Figure("parallel_efficiency", 0.5).met is False
    assert Figure("dask_overhead", math.nan).met is None
    assert Figure("replication_ms", 80.0).met is None


def test_harness_runs_end_to_end_at_tiny_sizes(tmp_path: Path) -> None:
    """Every stage but Dask, tiny sizes: bench.json has every figure with the timings behind it."""
    out = tmp_path / "bench.json"
    figures, profile, machine, notes = run_benchmark(BASELINE, TINY, out, overrides=SHORT, with_dask=False,
                                                     say=lambda _t: None)
    doc = json.loads(out.read_text())
    assert set(doc["figures"]) == {
        "overhead_vs_raw_simpy", "replication_ms", "replications_per_s_all_cores", "parallel_efficiency",
        "dask_overhead", "raid_scaling", "horizon_scaling", "rss_ratio", "explore_replications_per_s", "size_seconds",
        "report_seconds",
    }
    for name, fig in doc["figures"].items():
        if name == "dask_overhead":
            assert fig["value"] is None and "skipped" in fig["note"]
        else:
            assert fig["value"] is not None and fig["value"] > 0, name
    over = doc["figures"]["overhead_vs_raw_simpy"]["detail"]
    assert len(over["peacesim"]["repeats_s"]) == TINY.repeats and over["peacesim"]["info"]["events_per_round"] > 0
    assert len(doc["profile"]["top_functions"]) == 10
    assert doc["machine"]["logical_cores"] and doc["machine"]["versions"]["simpy"] == simpy.__version__
    rss = doc["figures"]["rss_ratio"]["detail"]
    assert rss["run_2"]["replications"] == 2 and rss["run_2"]["peak_rss_total_bytes"] > 0
    assert "model_stage_cpu_share" in doc["notes"]


def test_cli_rejects_missing_scenario(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "b.json")]) == 2
    assert "no such scenario file" in capsys.readouterr().err


def test_cli_reports_bad_override_in_one_line(tmp_path: Path, capsys) -> None:
    code = main([str(BASELINE), "--only", "profile", "--set", "metadata.horizon_days=-3", "--out", str(tmp_path / "b.json")])
    err = capsys.readouterr().err
    assert code == 2 and "horizon_days" in err and "Traceback" not in err


def test_cli_rejects_unknown_stage(capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--only", "warp"])
    assert e.value.code == 2
