"""``peacesim run / runs / export / compare`` end to end, including SIGKILL + --resume and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peacesim.cli import main
from peacesim.experiment.outputs import check_out_dir, safe_component

MINI = """\
metadata: {name: mini, title: Mini, horizon_days: 10, replications: 10, seed: 7}
zones:
  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100, weight: 10}
variants:
  more:
    set: {zones.kyiv.troops_required: 110}
"""
FAST = "--model=peacesim.experiment.synthetic:known_answer"
SLOW = "--model=peacesim.experiment.synthetic:slow_known_answer"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mini.yaml").write_text(MINI)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def peacesim(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "peacesim", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def metrics_of(path: Path) -> dict:
    return json.loads(path.read_text())["metrics"]


def test_run_writes_outputs(work, capsys):
    """summary.json has exactly the agreed keys (NaN as null); CSVs and scenario.yaml are written."""
    assert main(["run", "mini.yaml", "-n", "12", "--executor", "serial", FAST]) == 0
    out = work / "reports" / "mini"
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary) == ["scenario", "variant", "seed", "replications", "run_id", "metrics"]
    assert summary["replications"] == 12 and summary["seed"] == 7 and summary["variant"] is None
    assert set(summary["metrics"]["value"]) == {"mean", "ci_low", "ci_high", "std", "p10", "p50", "p90"}
    assert (out / "replications.csv").read_text().splitlines()[0] == "replication,scaled,sometimes,value"
    assert len((out / "series.csv").read_text().splitlines()) == 1 + 10
    assert "kyiv" in (out / "scenario.yaml").read_text()
    assert "value" in capsys.readouterr().out


def test_single_replication_nan_is_null(work):
    """With one replication the interval is undefined and written as null."""
    assert main(["run", "mini.yaml", "-n", "1", "--executor", "serial", FAST, "--out", "one"]) == 0
    assert metrics_of(work / "one" / "summary.json")["value"]["ci_low"] is None


def test_variants_share_seed_and_compare(work, capsys):
    """--all-variants runs the base and each variant into sub-folders and prints the paired table."""
    assert main(["run", "mini.yaml", "--all-variants", "-n", "10", "--executor", "serial", FAST]) == 0
    text = capsys.readouterr().out
    assert "mini:more vs mini" in text
    base, more = work / "reports" / "mini", work / "reports" / "mini" / "more"
    assert json.loads((more / "summary.json").read_text())["seed"] == 7
    assert metrics_of(more / "summary.json")["value"]["mean"] == pytest.approx(
        metrics_of(base / "summary.json")["value"]["mean"] + 10)
    assert "mini:more" in (base / "compare.csv").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "zones.kyiv.troops_required=-5"], "zones.kyiv.troops_required"),
        (["--set", "zones.nowhere.weight=2"], "zones.nowhere"),
        (["--set", "noequals"], "KEY.PATH=VALUE"),
        (["--variant", "nope"], "nope"),
        (["--precision", "value"], "METRIC=REL"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--executor dask"),
    ],
)
def test_bad_input_exits_2_with_one_line(work, capsys, args, message):
    """Bad --set, variant, precision or scheduler use: exit 2, one line naming the key path."""
    assert main(["run", "mini.yaml", "-n", "3", "--executor", "serial", FAST, *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_safe_paths():
    """Names from scenarios cannot escape the output folder; derived folders must stay in the tree."""
    assert safe_component("../x") == "x" and safe_component("a/b\\c") == "a_b_c" and safe_component("..") == "_"
    from peacesim.errors import UsageError

    with pytest.raises(UsageError, match="outside the working tree"):
        check_out_dir(Path("../elsewhere"), explicit=False)
    assert check_out_dir(Path("/tmp/explicit"), explicit=True) == Path("/tmp/explicit").resolve()


def _wait_for_replications(db: Path, at_least: int, proc: subprocess.Popen[str], timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"run ended early: {proc.communicate()}")
        if db.exists():
            try:
                n = sqlite3.connect(db, timeout=5).execute("SELECT COUNT(*) FROM replications").fetchone()[0]
            except sqlite3.OperationalError:
                n = 0
            if n >= at_least:
                return
        time.sleep(0.05)
    raise AssertionError("no progress in the store")


def _only_run_id(db: Path) -> str:
    return sqlite3.connect(db).execute("SELECT run_id FROM runs").fetchone()[0]


@pytest.mark.slow
def test_sigkill_then_resume_equals_uninterrupted(work):
    """kill -9 mid-run leaves it incomplete; --resume runs only the rest and ends identical."""
    db = work / "reports" / "peacesim.db"
    proc = peacesim("run", "mini.yaml", "-n", "60", "--executor", "serial", SLOW, "-q", cwd=work)
    _wait_for_replications(db, 15, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    run_id = _only_run_id(db)
    listing = peacesim("runs", cwd=work).communicate()[0]
    assert run_id in listing and "incomplete" in listing
    done_before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM replications").fetchone()[0]
    assert 15 <= done_before < 60

    resumed = peacesim("run", "--resume", run_id, "--workers", "2", "-q", "--out", "resumed", cwd=work)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    straight = peacesim("run", "mini.yaml", "-n", "60", "--workers", "2", SLOW, "-q", "--out", "straight", cwd=work)
    assert straight.wait(timeout=120) == 0
    a, b = (json.loads((work / d / "summary.json").read_text()) for d in ("resumed", "straight"))
    assert a["run_id"] == run_id and a.pop("run_id") != b.pop("run_id")
    assert a == b
    assert (work / "resumed" / "series.csv").read_text() == (work / "straight" / "series.csv").read_text()
    status = sqlite3.connect(db).execute("SELECT status FROM runs WHERE run_id = ?", (run_id,)).fetchone()[0]
    assert status == "complete"


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_resume_hint(work):
    """SIGINT mid-run: exit 130, no traceback, a resume hint, the run stored as incomplete."""
    db = work / "reports" / "peacesim.db"
    proc = peacesim("run", "mini.yaml", "-n", "200", "--workers", "2", SLOW, "-q", cwd=work)
    _wait_for_replications(db, 10, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    run_id = _only_run_id(db)
    assert f"peacesim run --resume {run_id}" in err
    status, done = sqlite3.connect(db).execute(
        "SELECT status, (SELECT COUNT(*) FROM replications) FROM runs").fetchone()
    assert status == "incomplete" and 10 <= done < 200


def test_runs_export_compare_commands(work, capsys):
    """runs lists stored runs; export writes tidy CSVs; compare pairs two stored runs."""
    assert main(["run", "mini.yaml", "--variant", "more", "-n", "8", "--executor", "serial", FAST]) == 0
    capsys.readouterr()
    assert main(["runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    by_label = {line.split()[1]: line.split()[0] for line in lines[1:]}
    ids = [by_label["mini"], by_label["mini:more"]]
    assert len(lines) == 3 and all("complete" in line for line in lines[1:])
    assert main(["export", ids[0][:17], "--out", "exp"]) == 0
    assert (work / "exp" / "metrics.csv").read_text().startswith("run_id,replication,metric,value")
    assert main(["compare", ids[0], ids[1], "--metric", "value", "--out", "cmp"]) == 0
    text = capsys.readouterr().out
    assert "mini:more vs mini" in text and "scaled" not in text
    assert main(["compare", ids[0], ids[1], "--reference", "mini:more", "--out", "cmp2"]) == 0
    assert "mini vs mini:more" in capsys.readouterr().out
    assert main(["export", "nope"]) == 2


def test_compare_file_runs_variants(work, capsys):
    """compare FILE --all-variants runs the base and variants with common random numbers."""
    assert main(["compare", "mini.yaml", "--all-variants", "-n", "6", "--executor", "serial", FAST, "-q"]) == 0
    assert "mini:more vs mini" in capsys.readouterr().out
    assert (work / "reports" / "mini" / "compare.csv").exists()
