"""``peacesim sweep`` end to end: outputs, tornado values, bad input, and resume after SIGKILL."""

from __future__ import annotations

import csv
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peacesim.cli import main

SMALL = Path(__file__).parent / "data" / "sweep" / "small.yaml"
SYNTHETIC = str(Path(__file__).with_name("synthetic.py"))  # runs a command with a synthetic model


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(SMALL, tmp_path / "small.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sweep_dirs(work: Path) -> list[Path]:
    return sorted((work / "reports" / "sweep_small").glob("sweep-*"))


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_a_metric_typo_fails_before_any_point_runs(work, capsys):
    """Checked against the catalog (the SimPy model's metrics): a did-you-mean, one line, no sweep stored."""
    args = ["sweep", "small.yaml", "--param", "zones.kyiv.troops_required=80,120", "-n", "2", "--metric", "coverge_mean"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown metric(s) 'coverge_mean' (did you mean coverage_mean?); the model reports:" in err
    assert "peacesim metrics lists them" in err and len(err) < 400 and "\n" not in err
    assert not sweep_dirs(work)
    assert main(["sweep", "--list"]) == 0 and "no sweeps" in capsys.readouterr().out


def test_grid_writes_csv_line_chart_and_table(work, capsys, synthetic_model):
    args = ["sweep", "small.yaml", "--param", "zones.kyiv.troops_required=80:120:5", "-n", "3", "--executor", "serial",
            "--metric", "value", "-q"]
    assert main(args) == 0
    (out,) = sweep_dirs(work)
    table = rows(out / "sweep.csv")
    assert [r["zones.kyiv.troops_required"] for r in table] == ["80", "90", "100", "110", "120"]
    assert list(table[0])[:5] == ["run_id", "label", "variant", "point", "role"]
    assert {(r["label"], r["variant"]) for r in table} == {("sweep_small", "")} and all(r["run_id"] for r in table)
    assert all(float(r["value.ci_low"]) <= float(r["value.mean"]) <= float(r["value.ci_high"]) for r in table)
    assert (out / "sweep-value.png").stat().st_size > 0 and (out / "sweep-value.svg").stat().st_size > 0
    text = capsys.readouterr().out
    assert "5 points x 3 replications" in text and "value (mean [95% CI])" in text


def test_two_parameter_grid_has_product_rows_and_no_line_chart(work, synthetic_model):
    args = ["sweep", "small.yaml", "--param", "zones.kyiv.troops_required=90,100,110",
            "--param", "forces.uk.lift=air,sea", "-n", "2", "--executor", "serial", "-q", "--out", "out"]
    assert main(args) == 0
    assert len(rows(work / "out" / "sweep.csv")) == 6
    assert not list((work / "out").glob("sweep-*.png"))


def test_oat_tornado_bars_are_the_points_means(work, monkeypatch, synthetic_model):
    """The bars handed to the tornado chart are exactly the low/high/base means in sweep.csv."""
    import peacesim.report.charts_compare as charts

    captured = {}
    real = charts.plot_tornado

    def spy(bars, metric):
        captured[metric] = list(bars)
        return real(bars, metric)

    monkeypatch.setattr(charts, "plot_tornado", spy)
    args = ["sweep", "small.yaml", "--oat", "--param", "zones.kyiv.troops_required=80:120",
            "--param", "zones.kyiv.weight=1,4", "-n", "4", "--executor", "serial", "--metric", "value", "-q"]
    assert main(args) == 0
    (out,) = sweep_dirs(work)
    table = rows(out / "sweep.csv")
    assert [r["role"] for r in table] == ["base", "low", "high", "low", "high"]
    means = [float(r["value.mean"]) for r in table]
    bars = captured["value"]
    assert [(b.base_mean, b.low_mean, b.high_mean) for b in bars] == [
        (means[0], means[1], means[2]), (means[0], means[3], means[4])]
    # each bar end carries the interval of its point's mean, for the chart's error bars
    cis = [(float(r["value.ci_low"]), float(r["value.ci_high"])) for r in table]
    assert [(b.low_ci, b.high_ci) for b in bars] == [(cis[1], cis[2]), (cis[3], cis[4])]
    assert all(lo < hi for b in bars for lo, hi in (b.low_ci, b.high_ci))
    assert bars[0].label.startswith("zones.kyiv.troops_required (80 to 120)")
    assert (out / "tornado-value.png").exists() and (out / "tornado-value.svg").exists()
    # the base row carries the scenario's own values
    assert (table[0]["zones.kyiv.troops_required"], table[0]["zones.kyiv.weight"]) == ("100", "2.0")


def test_lhs_is_reproducible_from_the_seed(work, synthetic_model):
    args = ["sweep", "small.yaml", "--lhs", "6", "--param", "zones.kyiv.weight=0.5:3.5",
            "--param", "zones.kyiv.troops_required=50:150", "-n", "2", "--seed", "5", "--executor", "serial", "-q"]
    assert main(args) == 0 and main(args) == 0
    first, second = (rows(d / "sweep.csv") for d in sweep_dirs(work))
    pick = [("zones.kyiv.weight", "zones.kyiv.troops_required")]
    assert [tuple(r[k] for k in pick[0]) for r in first] == [tuple(r[k] for k in pick[0]) for r in second]
    strata = sorted(math.floor((float(r["zones.kyiv.weight"]) - 0.5) / 3.0 * 6) for r in first)
    assert strata == list(range(6))


def test_bad_param_path_exits_2_naming_the_path(work, capsys, synthetic_model):
    code = main(["sweep", "small.yaml", "--param", "forces.uk.rotation_dept=2,3"])
    err = capsys.readouterr().err
    assert code == 2
    assert "forces.uk.rotation_dept" in err and "did you mean 'rotation_depth'" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (work / "reports").exists()  # nothing ran, nothing was stored


def test_bad_param_value_exits_2_before_any_run(work, capsys, synthetic_model):
    code = main(["sweep", "small.yaml", "--oat", "--param", "forces.uk.rotation_depth=0:4"])
    err = capsys.readouterr().err
    assert code == 2 and "forces.uk.rotation_depth" in err and "(got 0)" in err
    assert not (work / "reports").exists()


def test_resume_refuses_a_new_design(work, capsys):
    assert main(["sweep", "--resume", "sw1", "--param", "zones.kyiv.weight=1,2"]) == 2
    assert "--resume" in capsys.readouterr().err


def _complete_points(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM runs WHERE status = 'complete'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_resume_after_sigkill_skips_finished_points(work, capsys, synthetic_model):
    """Kill -9 mid-sweep; --resume keeps finished runs, finishes the interrupted one, runs the rest."""
    db = work / "reports" / "peacesim.db"
    proc = subprocess.Popen(
        [sys.executable, SYNTHETIC, "slow_known_answer", "sweep", "small.yaml", "--param",
         "zones.kyiv.troops_required=90,100,110,120", "-n", "6", "--executor", "serial", "-q"],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while _complete_points(db) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    with sqlite3.connect(db) as con:
        (sweep_id,) = con.execute("SELECT sweep_id FROM sweeps").fetchone()
        before = dict(con.execute("SELECT run_id, ended FROM runs WHERE status = 'complete'").fetchall())
        partial = [r for (r,) in con.execute("SELECT run_id FROM runs WHERE status != 'complete'")]
    assert 2 <= len(before) < 4 and len(partial) <= 1

    assert main(["sweep", "--resume", sweep_id, "-q", "--executor", "serial", "--metric", "value"]) == 0
    with sqlite3.connect(db) as con:
        runs = dict(con.execute("SELECT run_id, ended FROM runs WHERE group_id = ?", (sweep_id,)).fetchall())
        statuses = {s for (s,) in con.execute("SELECT status FROM runs")}
        point_runs = [r for (r,) in con.execute("SELECT run_id FROM sweep_points WHERE sweep_id = ? ORDER BY point",
                                                (sweep_id,))]
        reps = con.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
    assert len(runs) == 4 and statuses == {"complete"} and sorted(point_runs) == sorted(runs)
    assert all(runs[r] == ended for r, ended in before.items())  # finished points were not rerun
    assert set(partial) <= set(runs)  # a point killed half-way was resumed, not started again
    assert reps == 4 * 6
    table = rows(sweep_dirs(work)[0] / "sweep.csv")
    assert [r["run_id"] for r in table] == point_runs
    assert "resume" not in capsys.readouterr().err
