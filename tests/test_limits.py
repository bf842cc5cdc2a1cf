"""Limits that refuse before they hurt: nesting, size and file kind, strict numbers, parameter
bounds, the work estimate, output folders, arguments and error lines (issue 15).

Every bad input must end in exit 2 with located lines, never a signal, a traceback or exit 1.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml

from peacesim.cli import main
from peacesim.errors import ScenarioError
from peacesim.experiment import budget, outputs
from peacesim.scenario import yamlsafe
from peacesim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "data" / "loader" / "base.yaml"
CLAIMS = ROOT / "seeds" / "claims.yaml"


def _cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command in a child with 2 GB of address space: a crash shows as a signal, not a lost test run."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "peacesim", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit, env=env)


def _scenario(tmp: Path, text: str | None = None, name: str = "s.yaml", **replace: str) -> Path:
    text = text if text is not None else BASE.read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    (tmp / name).write_text(text)
    return tmp / name


def _problems(capsys: pytest.CaptureFixture[str]) -> list[str]:
    lines = [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()]
    return [line for line in lines if line and not line.endswith("file(s)")]


# -- nesting, size, file kind -------------------------------------------------------------------

@pytest.mark.parametrize("depth", [40, 500, 40_000])
def test_deep_nesting_is_a_located_error_not_a_crash(tmp_path: Path, depth: int) -> None:
    (tmp_path / "deep.yaml").write_text("a: " + "[" * depth + "]" * depth + "\n")
    done = _cli("validate", "deep.yaml", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("deep.yaml:1:") and "nest" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("loader", ["libyaml", "python"])
def test_depth_checked_whatever_the_yaml_parser(monkeypatch: pytest.MonkeyPatch, loader: str) -> None:
    """The check does not depend on a PyYAML version or on libyaml being there."""
    if loader == "python":
        monkeypatch.setattr(yamlsafe, "_Loader", yaml.SafeLoader)
    with pytest.raises(ScenarioError, match=f"nested more than {yamlsafe.MAX_DEPTH} levels"):
        yamlsafe.parse("a:\n" + "".join("  " * i + "- \n" for i in range(1, 60)), "t")
    with pytest.raises(ScenarioError) as e:
        yamlsafe.parse("a: " + "{b: " * 5000 + "1" + "}" * 5000, "t")
    assert e.value.problems[0].line == 1
    assert yamlsafe.parse("a: " + "[" * 30 + "]" * 30, "t") is not None  # within the limit


def test_deep_set_value_and_deep_parent_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path)
    assert main(["run", str(scenario), "-n", "1", "--set", "metadata.title=" + "[" * 40_000 + "]" * 40_000]) == 2
    assert "--set" in capsys.readouterr().err
    (tmp_path / "parent.yaml").write_text("metadata: " + "[" * 40_000 + "]" * 40_000 + "\n")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\n")
    assert main(["validate", str(tmp_path / "child.yaml")]) == 2
    assert _problems(capsys)[0].startswith(f"{tmp_path / 'parent.yaml'}:1:")
    deep: object = 1
    for _ in range(40):
        deep = [deep]
    with pytest.raises(ScenarioError, match="nested more than"):
        load_scenario(scenario, overrides={"metadata.title": deep})


def test_special_files_are_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.yaml")
    big = tmp_path / "sparse.yaml"
    with big.open("wb") as f:
        f.truncate(2 * 1024**3)  # 2 GB of nothing: refused from its size, not read
    for name, message in (("/dev/zero", "is a character device, not a regular file"),
                          ("fifo.yaml", "is a FIFO (named pipe), not a regular file"),
                          ("sparse.yaml", "file is too large (2147483648 bytes")):
        done = _cli("validate", name, cwd=tmp_path, timeout=20)
        assert done.returncode == 2 and message in done.stderr, done.stderr


def test_a_file_that_grows_is_read_only_up_to_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read itself is bounded: a file larger than its size said (growing, /proc) is cut and refused."""
    monkeypatch.setattr(yamlsafe, "MAX_BYTES", 100)
    f = tmp_path / "x.yaml"
    f.write_text("a: " + "x" * 500 + "\n")
    real_fstat = os.fstat

    def says_small(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(os, "fstat", says_small)
    with pytest.raises(ScenarioError, match="too large \\(more than 100 bytes\\)"):
        yamlsafe.read_text(f)


# -- strict numbers and bounds ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "message"),
    [("true", "Input should be a valid number (got true)"),
     ("'180'", 'Input should be a valid number (got "180")'),
     ("0x10", 'Input should be a valid number (got "0x10")'),
     ("1:00", 'Input should be a valid number (got "1:00")'),
     ("010", 'Input should be a valid number (got "010")'),
     ("1_80", 'Input should be a valid number (got "1_80")')],
)
def test_numbers_are_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str) -> None:
    scenario = _scenario(tmp_path, **{"    tour_days: 180\n": f"    tour_days: {value}\n"})
    assert main(["validate", "--claims", str(CLAIMS), str(scenario)]) == 2
    assert _problems(capsys) == [f"{scenario}:32:16: forces.uk.tour_days: {message}"]


def test_decimal_forms_are_numbers(tmp_path: Path) -> None:
    s = load_scenario(_scenario(tmp_path, **{"    tour_days: 180\n": "    tour_days: 1.8e2\n",
                                             "    troops_per_unit: 300\n": "    troops_per_unit: +300\n"}))
    assert s.forces[0].tour_days == 180.0 and s.forces[0].troops_per_unit == 300
    assert yamlsafe.plain_scalar("1e3") == 1000.0 and yamlsafe.plain_scalar("-0") == 0
    assert yamlsafe.plain_scalar("9" * 5000) == "9" * 5000  # beyond int(): left as text, refused where a number goes


@pytest.mark.parametrize(
    ("raid_size", "message"),
    [("{dist: lognormal, mean: 1e308, sd: 40}", "raid_size.mean: Input should be less than or equal to 1000000"),
     ("{dist: poisson, mean: 1e300}", "raid_size.mean: Input should be less than or equal to 1000000"),
     ("{dist: lognormal, mean: 1e-300, sd: 1000}", "raid_size: sd may be at most 1000 times the mean"),
     ("{dist: empirical, values: [1, 1e7]}", "raid_size.values[1]: Input should be less than or equal to 1000000")],
)
def test_distribution_parameters_are_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str], raid_size: str,
                                             message: str) -> None:
    scenario = _scenario(tmp_path, **{"{dist: poisson, mean: 20}": raid_size})
    assert main(["run", str(scenario), "-n", "1", "--executor", "serial", "-q"]) == 2
    (line,) = _problems(capsys)
    assert line.startswith(f"{scenario}:67:") and f"threats.air_raids.shaheds.{message}" in line, line


def test_largest_parameters_run(tmp_path: Path) -> None:
    """At the bounds the model still runs (no numpy overflow): the bounds are safe, not just small."""
    from peacesim.model import simulate

    s = load_scenario(_scenario(tmp_path, **{"{dist: poisson, mean: 20}": "{dist: lognormal, mean: 1000000, sd: 1000000}",
                                             "horizon_days: 120": "horizon_days: 80"}))
    assert simulate(s, np.random.SeedSequence(1)).metrics


# -- the work estimate --------------------------------------------------------------------------

def _events(scenario_path: Path, overrides: dict[str, object]) -> tuple[float, int]:
    from peacesim.model import simulate

    s = load_scenario(scenario_path, overrides=overrides)
    return budget.estimate(s, 1).events, simulate(s, np.random.SeedSequence(3)).events


@pytest.mark.parametrize("overrides", [
    {},
    {"threats.incidents.violations.rate_per_day": 30},
    {"threats.air_raids.shaheds.interval_days": 0.02},
    {"forces.fr.tour_days": 0.5, "forces.uk.tour_days": 1, "forces.uk.recovery_days": 0, "forces.uk.training_days": 0},
])
def test_estimate_is_within_a_factor_of_the_model(tmp_path: Path, overrides: dict[str, object]) -> None:
    """The coefficients are measured: the estimate is neither far below nor far above what the model does."""
    estimated, actual = _events(_scenario(tmp_path, **{"timeline:\n  - {day: 60, change: withdraw, target: fr}\n": ""}),
                                overrides)
    assert actual / 3 <= estimated <= actual * 6, (estimated, actual)


def test_huge_work_is_refused_before_running_unless_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    scenario = _scenario(tmp_path, **{"    tour_days: 120\n    deployment_delay_days: 10\n":
                                      "    tour_days: 0.0001\n    deployment_delay_days: 0\n"})  # no dwell
    os.chdir(tmp_path)
    assert main(["run", str(scenario), "-n", "1", "--executor", "serial", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: loader_base: too large to run: about ") and "--allow-large" in err
    assert not (tmp_path / "reports" / "loader_base").exists()
    assert main(["run", str(scenario), "-n", "1", "--executor", "serial", "-q", "--allow-large"]) == 0
    assert "warning: loader_base is large" in capsys.readouterr().err


@pytest.mark.parametrize("overrides", [{"metadata.horizon_days": 36_500, "threats.incidents.violations.rate_per_day": 1000},
                                       {"threats.air_raids.shaheds.interval_days": 0.001, "metadata.horizon_days": 36_500}])
def test_the_issues_machine_exhausting_scenarios_are_refused(tmp_path: Path, overrides: dict[str, object]) -> None:
    with pytest.raises(Exception, match="too large to run"):
        budget.check(load_scenario(_scenario(tmp_path), overrides=overrides), 40)


def test_many_zones_count_in_memory(tmp_path: Path) -> None:
    data = yaml.safe_load(BASE.read_text())
    zone = data["zones"][1]
    data["zones"] += [dict(zone, id=f"z{i}") for i in range(1000)]
    data["metadata"]["horizon_days"] = 730
    s = load_scenario(_scenario(tmp_path, yaml.safe_dump(data)))
    with pytest.raises(Exception, match="too large to run"):
        budget.check(s, 400)
    assert budget.check(load_scenario(BASE), 40) is None


# -- output folders -----------------------------------------------------------------------------

@pytest.mark.parametrize(("out", "message"), [
    ("/dev/null", "exists and is not a folder"),
    ("s.yaml", "exists and is not a folder"),
    ("x" * 300, "output folder name is too long"),
    ("", "--out is empty"),
    (".", "is the working folder or holds it"),
    ("/proc/peacesim-out", "cannot write output folder"),
])
def test_output_folder_checked_before_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], out: str, message: str, synthetic_model) -> None:
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path)
    assert main(["run", "s.yaml", "-n", "2", "--executor", "serial", "-q", "--out", out]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1, err
    import sqlite3

    assert sqlite3.connect(tmp_path / "reports" / "peacesim.db").execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_output_folder_is_refused_before_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path)
    (tmp_path / "ro").mkdir(mode=0o555)
    assert main(["run", "s.yaml", "-n", "2", "--executor", "serial", "-q", "--out", "ro/x"]) == 2
    assert "permission denied" in capsys.readouterr().err


def test_full_disk_is_a_clear_error_and_never_a_mixed_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path)
    assert main(["run", "s.yaml", "-n", "3", "--executor", "serial", "-q", "--out", "out"]) == 0
    first = json.loads((tmp_path / "out" / "summary.json").read_text())["run_id"]
    writes = {"n": 0}
    real = outputs.atomic_write_text

    def fail_third(path: Path, text: str) -> None:
        writes["n"] += 1
        if writes["n"] == 3:  # summary.json and scenario.yaml of the new run are written, manifest.json fails
            raise outputs.write_failed(path, OSError(errno.ENOSPC, "No space left on device", str(path)))
        real(path, text)

    monkeypatch.setattr(outputs, "atomic_write_text", fail_third)
    assert main(["run", "s.yaml", "-n", "4", "--executor", "serial", "-q", "--out", "out"]) == 2
    err = capsys.readouterr().err
    assert "the disk is full; free some space or choose another --out" in err and "internal error" not in err
    folder = tmp_path / "out"
    assert json.loads((folder / "summary.json").read_text())["run_id"] == first
    assert json.loads((folder / "manifest.json").read_text())["run_id"] == first
    assert len((folder / "replications.csv").read_text().splitlines()) == 1 + 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "reports", "s.yaml"]  # no staging left behind


def test_a_new_run_replaces_the_folder_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, synthetic_model) -> None:
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path)
    assert main(["run", "s.yaml", "-n", "2", "--executor", "serial", "-q", "--out", "out", "--variant", "two_deep"]) == 0
    assert (tmp_path / "out" / "two_deep" / "summary.json").exists()
    assert main(["run", "s.yaml", "-n", "2", "--executor", "serial", "-q", "--out", "out"]) == 0
    assert not (tmp_path / "out" / "two_deep").exists() and not (tmp_path / "out" / "compare.csv").exists()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    assert main(["run", "s.yaml", "-n", "2", "--executor", "serial", "-q", "--out", "mine"]) == 2
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


# -- arguments, messages, claims, store ---------------------------------------------------------

def test_non_utf8_arguments_exit_2(tmp_path: Path) -> None:
    _scenario(tmp_path)
    _scenario(tmp_path, name="scen\udcff.yaml")
    for args in (["run", "s.yaml", "--set", "metadata.title=caf\udce9"], ["validate", "scen\udcff.yaml"], ["export", "\udcff"]):
        done = subprocess.run([sys.executable, "-m", "peacesim", *(os.fsencode(a) for a in args)], cwd=tmp_path,
                              capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), timeout=60)
        assert done.returncode == 2, done.stderr
        assert b"is not valid UTF-8" in done.stderr and b"Traceback" not in done.stderr


def test_long_values_are_shortened_in_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path, **{"  - id: kyiv\n": "  - id: k" + "x" * 100_000 + "\n"})
    assert main(["validate", str(scenario)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines and max(len(line) for line in lines) < 1000


def test_run_checks_claim_ids_like_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "claims.yaml").write_text(CLAIMS.read_text())
    monkeypatch.chdir(tmp_path)
    scenario = _scenario(tmp_path, **{"  claims: [C01]\n": "  claims: [C01, C99]\n"})
    assert main(["run", str(scenario), "-n", "1", "--executor", "serial", "-q"]) == 2
    assert _problems(capsys) == ["s.yaml:8:17: metadata.claims: unknown claim id 'C99'; not in the claims register"]


def test_variant_remove_is_reported_at_the_variant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path, **{"    remove: [enablers.air_defence.us_patriot]\n":
                                      "    remove: [zones.odesa]\n"})
    assert main(["validate", str(scenario)]) == 2
    lines = _problems(capsys)
    assert lines and all(line.startswith(f"{scenario}:75:14: ") for line in lines), lines
    assert "the reference is at" in lines[0]


def test_store_read_only_and_claim_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, synthetic_model) -> None:
    from peacesim.errors import StoreError
    from peacesim.experiment.store import Store

    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path)
    assert main(["run", "s.yaml", "-n", "2", "--executor", "serial", "-q"]) == 0
    db = tmp_path / "reports" / "peacesim.db"
    before = db.read_bytes()
    with Store(db, readonly=True) as store:
        (rec,) = store.list_runs()
        with pytest.raises(StoreError, match="cannot write"):
            store.mark_incomplete(rec.run_id)
    assert db.read_bytes() == before
    with Store(db) as store:
        store.mark_incomplete(rec.run_id)
        other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            store._db.execute("UPDATE runs SET status = 'running', pid = ? WHERE run_id = ?", (other.pid, rec.run_id))
            with pytest.raises(StoreError, match="being run by another process"):
                store.claim(rec.run_id)
        finally:
            other.kill()
            other.wait()
        store.claim(rec.run_id)  # the other process is gone: the run can be taken over
        results = []

        def claim() -> None:
            try:
                with Store(db) as s:
                    s.claim(rec.run_id)
                results.append("ok")
            except StoreError:
                results.append("refused")

        store._db.execute("UPDATE runs SET status = 'incomplete', pid = NULL WHERE run_id = ?", (rec.run_id,))
        threads = [threading.Thread(target=claim) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == ["ok", "ok"]  # one process (this one) may re-claim its own run


def test_read_only_store_can_still_be_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path)
    assert main(["run", "s.yaml", "-n", "2", "--executor", "serial", "-q"]) == 0
    capsys.readouterr()
    reports = tmp_path / "reports"
    for p in reports.iterdir():
        p.chmod(0o444)
    reports.chmod(0o555)
    try:
        assert main(["runs"]) == 0
        assert "loader_base" in capsys.readouterr().out
        run_id = json.loads((tmp_path / "reports" / "loader_base" / (tmp_path / "reports" / "loader_base" / "latest").read_text().strip()
                                / "summary.json").read_text())["run_id"]
        assert main(["export", run_id, "--out", str(tmp_path / "exported")]) == 0
    finally:
        reports.chmod(0o755)
