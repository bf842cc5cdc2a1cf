"""Day windows: every windowed scalar is computed again over [start, end) and named name[start,end]."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from peacesim.catalog import lookup, split_window, window_name
from peacesim.cli import main
from peacesim.errors import ScenarioError
from peacesim.experiment import scenarios
from peacesim.model import simulate
from scenarios.model_builders import make

FAR = {"id": "far", "name": "Far", "kind": "city", "lat": 48.0, "lon": 37.8, "troops_required": 0,
       "needs_surveillance": True}
SENSOR = {"id": "drone", "provider": "US", "detection_probability": 0.9, "availability": 1.0,
          "warning_time_hours": 1.0, "zones": ["far"]}
STREAM = {"incidents": [{"id": "violations", "kind": "ceasefire_violation", "zones": ["far"], "rate_per_day": 2.0,
                         "on_scene_hours": 1.0}]}


def _scenario(withdraw: bool, windows: list[dict[str, int]]) -> Any:
    timeline = [{"day": 100, "change": "withdraw", "target": "drone"}] if withdraw else []
    return make(300, zones=[FAR], enablers={"isr": [SENSOR]}, threats=STREAM, timeline=timeline,
                metrics={"windows": windows})


def test_a_withdrawn_sensor_lowers_detection_after_its_day_and_not_before() -> None:
    """Paired seed by seed: before day 100 the two runs are identical, after it detection collapses."""
    windows = [{"start_day": 0, "end_day": 100}, {"start_day": 100, "end_day": 300}]
    for i in range(5):
        seed = np.random.SeedSequence(11, spawn_key=(i,))
        a = simulate(_scenario(False, windows), seed).metrics
        b = simulate(_scenario(True, windows), seed).metrics
        assert a["detection_rate[0,100]"] == b["detection_rate[0,100]"] > 0.75
        assert a["incidents[0,100]"] == b["incidents[0,100]"]
        assert b["detection_rate[100,300]"] == 0.0 < a["detection_rate[100,300]"]
        # the whole run mixes the two, weighted by the incidents in each window
        n0, n1 = b["incidents[0,100]"], b["incidents[100,300]"]
        assert n0 + n1 == b["incidents"]
        assert b["detection_rate"] == pytest.approx((b["detection_rate[0,100]"] * n0) / (n0 + n1))


def test_windows_add_up_and_the_whole_run_is_the_full_window() -> None:
    windows = [{"start_day": 0, "end_day": 300}, {"start_day": 0, "end_day": 120}, {"start_day": 120, "end_day": 300}]
    m = simulate(_scenario(True, windows), np.random.SeedSequence(3)).metrics
    for name in ("incidents", "detection_rate", "incidents_answered_on_target_share"):
        whole, full = m[name], m[window_name(name, 0, 300)]
        assert whole == full or (math.isnan(whole) and math.isnan(full))
    assert m["incidents[0,120]"] + m["incidents[120,300]"] == m["incidents"]
    assert not any(split_window(k)[1] and not lookup(k).windowed for k in m)  # only windowed metrics get windows
    assert "ioc_day[0,120]" not in m  # a day of an event is a whole-run measure


def test_a_window_past_the_horizon_is_a_located_error(tmp_path: Path) -> None:
    text = ("metadata: {name: w, title: W, horizon_days: 50}\n"
            "zones:\n  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 10}\n"
            "metrics:\n  windows:\n    - {start_day: 10, end_day: 60}\n")
    path = tmp_path / "w.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        scenarios.load(path)
    (problem,) = err.value.problems
    assert problem.path == "metrics.windows[0].end_day" and "after the horizon" in problem.message
    assert (problem.line, problem.column) == (6, 32)  # at the value itself
    path.write_text(text.replace("{start_day: 10, end_day: 60}", "{start_day: 20, end_day: 10}"))
    with pytest.raises(ScenarioError) as err:
        scenarios.load(path)
    (problem,) = err.value.problems
    assert problem.path == "metrics.windows[0]" and "end_day must be after start_day" in problem.message


def test_run_window_option_adds_windowed_metrics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from scenarios.mini import mini_text

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mini.yaml").write_text(mini_text())
    assert main(["run", "mini.yaml", "-n", "2", "--executor", "serial", "-q", "--window", "5:15",
                 "--metric", "coverage_mean*"]) == 0
    assert "coverage_mean[5,15]" in capsys.readouterr().out
    assert main(["run", "mini.yaml", "-n", "2", "--executor", "serial", "-q", "--window", "five"]) == 2
    assert "--window expects START:END" in capsys.readouterr().err



def test_precision_on_a_window_the_run_does_not_declare_is_refused_before_any_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--precision 'leakers.kyiv[0,30]=0.1'` without that window: exit 2 naming --window, no run stored."""
    import sqlite3

    base = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    db = tmp_path / "s.db"
    assert main(["run", str(base), "-n", "2", "--precision", "leakers.kyiv[0,30]=0.1", "--db", str(db), "-q"]) == 2
    assert "declares no window [0,30]" in capsys.readouterr().err
    runs = sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone()[0] if db.exists() else 0
    assert runs == 0
