"""``peacesim run / runs / export / compare`` end to end, including SIGKILL + --resume and Ctrl-C."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peacesim.cli import main
from peacesim.experiment.outputs import check_out_dir, safe_component
from scenarios.mini import mini_text

MINI = mini_text(horizon_days=10, variant=True)
SYNTHETIC = str(Path(__file__).with_name("synthetic.py"))  # runs a command with a synthetic model


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mini.yaml").write_text(MINI)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _default_sigint() -> None:
    # A shell runs background jobs with SIGINT ignored and children inherit that, so Python would
    # never raise KeyboardInterrupt; give the child the disposition a terminal user's process has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def peacesim(*args: str, cwd: Path, model: str | None = None) -> subprocess.Popen[str]:
    """``peacesim ARGS`` in a process of its own; with ``model``, that synthetic model replaces the SimPy model."""
    command = [SYNTHETIC, model] if model else ["-m", "peacesim"]
    return subprocess.Popen([sys.executable, *command, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)


def metrics_of(path: Path) -> dict:
    return json.loads(path.read_text())["metrics"]


def latest(work: Path, scenario: str = "mini") -> Path:
    return work / "reports" / scenario / (work / "reports" / scenario / "latest").read_text().strip()


def test_run_writes_outputs(work, capsys, synthetic_model):
    """summary.json has exactly the agreed keys (NaN as null); CSVs and scenario.yaml are written."""
    assert main(["run", "mini.yaml", "-n", "12", "--executor", "serial"]) == 0
    out = latest(work)
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary) == ["scenario", "variant", "label", "overrides", "seed", "replications", "run_id", "metrics"]
    assert summary["replications"] == 12 and summary["seed"] == 7 and summary["variant"] is None
    assert out.name == summary["run_id"] and summary["label"] == "mini" and summary["overrides"] == []
    assert set(summary["metrics"]["value"]) == {"mean", "ci_low", "ci_high", "std", "p10", "p50", "p90", "n"}
    assert summary["metrics"]["value"]["n"] == 12
    header = "run_id,label,variant,replication,scaled,sometimes,value"
    assert (out / "replications.csv").read_text().splitlines()[0] == header
    assert all(row.startswith(f"{out.name},mini,,") for row in (out / "replications.csv").read_text().splitlines()[1:])
    assert len((out / "series.csv").read_text().splitlines()) == 1 + 10
    assert "kyiv" in (out / "scenario.yaml").read_text()
    text = capsys.readouterr().out
    assert "value" in text and "n: replications where the metric is defined" in text
    defined = sum(1 for row in (out / "replications.csv").read_text().splitlines()[1:] if row.split(",")[5])
    row = next(line for line in text.splitlines() if line.split()[:1] == ["sometimes"])
    assert 0 < defined < 12 and row.endswith(f"{defined}/12")  # n shown only where some replications lack it
    assert summary["metrics"]["sometimes"]["n"] == defined


def _files(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name != "peacesim.db"
            and not p.name.startswith("peacesim.db")}


def test_two_runs_never_share_or_overwrite_a_file(work, capsys, synthetic_model):
    """A variant run, a plain run and a --set run of one scenario: three folders, no file touched twice."""
    assert main(["run", "mini.yaml", "--variant", "more", "-n", "4", "--executor", "serial", "-q"]) == 0
    first = _files(work / "reports")
    first_latest = latest(work)
    assert main(["run", "mini.yaml", "-n", "5", "--executor", "serial", "-q"]) == 0
    second = _files(work / "reports")
    assert main(["run", "mini.yaml", "-n", "3", "--executor", "serial", "-q", "--set", "metadata.seed=9"]) == 0
    third = _files(work / "reports")
    pointer = Path("mini") / "latest"
    for before, after in ((first, second), (second, third)):
        assert {p: b for p, b in before.items() if p != pointer}.items() <= after.items()  # nothing changed or removed
        assert len(after) > len(before)
    runs = sorted(p for p in (work / "reports" / "mini").iterdir() if p.is_dir())
    assert len(runs) == 3 and first_latest in runs
    assert (first_latest / "more" / "summary.json").exists() and (first_latest / "compare.csv").exists()
    newest = latest(work)
    summary = json.loads((newest / "summary.json").read_text())
    assert summary["label"] == "mini+set" and summary["overrides"] == ["--set metadata.seed=9"]
    assert json.loads((newest / "manifest.json").read_text())["overrides"] == ["--set metadata.seed=9"]
    assert (newest / "replications.csv").read_text().splitlines()[1].startswith(f"{newest.name},mini+set,,")
    capsys.readouterr()
    assert main(["runs"]) == 0
    assert "mini+set" in capsys.readouterr().out


def test_single_replication_nan_is_null(work, synthetic_model):
    """With one replication the interval is undefined and written as null."""
    assert main(["run", "mini.yaml", "-n", "1", "--executor", "serial", "--out", "one"]) == 0
    assert metrics_of(work / "one" / "summary.json")["value"]["ci_low"] is None


def test_variants_share_seed_and_compare(work, capsys, synthetic_model):
    """--all-variants runs the base and each variant into sub-folders and prints the paired table."""
    assert main(["run", "mini.yaml", "--all-variants", "-n", "10", "--executor", "serial"]) == 0
    text = capsys.readouterr().out
    assert "Paired differences (variant - mini)" in text and "+10 *" in text
    base = latest(work)
    more = base / "more"
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
def test_bad_input_exits_2_with_one_line(work, capsys, args, message, synthetic_model):
    """Bad --set, variant, precision or scheduler use: exit 2, one line naming the key path."""
    assert main(["run", "mini.yaml", "-n", "3", "--executor", "serial", *args]) == 2
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
    proc = peacesim("run", "mini.yaml", "-n", "60", "--executor", "serial", "-q", cwd=work, model="slow_known_answer")
    _wait_for_replications(db, 15, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    run_id = _only_run_id(db)
    listing = peacesim("runs", cwd=work).communicate()[0]
    assert run_id in listing and "incomplete" in listing
    done_before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM replications").fetchone()[0]
    assert 15 <= done_before < 60

    resumed = peacesim("run", "--resume", run_id, "--workers", "2", "-q", "--out", "resumed", cwd=work,
                       model="slow_known_answer")
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    straight = peacesim("run", "mini.yaml", "-n", "60", "--workers", "2", "-q", "--out", "straight", cwd=work,
                        model="slow_known_answer")
    assert straight.wait(timeout=120) == 0
    a, b = (json.loads((work / d / "summary.json").read_text()) for d in ("resumed", "straight"))
    assert a["run_id"] == run_id and a.pop("run_id") != b.pop("run_id")
    assert a == b
    def rows(d: str) -> list[str]:  # the same rows, but for the run id that opens each
        return [line.split(",", 1)[1] for line in (work / d / "series.csv").read_text().splitlines()[1:]]

    assert rows("resumed") == rows("straight")
    status = sqlite3.connect(db).execute("SELECT status FROM runs WHERE run_id = ?", (run_id,)).fetchone()[0]
    assert status == "complete"


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_resume_hint(work):
    """SIGINT mid-run: exit 130, no traceback, a resume hint, the run stored as incomplete."""
    db = work / "reports" / "peacesim.db"
    proc = peacesim("run", "mini.yaml", "-n", "200", "--workers", "2", "-q", cwd=work, model="slow_known_answer")
    _wait_for_replications(db, 10, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    run_id = _only_run_id(db)
    assert f"peacesim run --resume {run_id}" in err
    status, done = sqlite3.connect(db).execute(
        "SELECT status, (SELECT COUNT(*) FROM replications) FROM runs").fetchone()
    assert status == "incomplete" and 10 <= done < 200


def test_runs_export_compare_commands(work, capsys, synthetic_model):
    """runs lists stored runs; export writes tidy CSVs; compare pairs two stored runs."""
    assert main(["run", "mini.yaml", "--variant", "more", "-n", "8", "--executor", "serial"]) == 0
    capsys.readouterr()
    assert main(["runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    by_label = {line.split()[1]: line.split()[0] for line in lines[1:]}
    ids = [by_label["mini"], by_label["mini:more"]]
    assert len(lines) == 3 and all("complete" in line for line in lines[1:])
    # a unique prefix of the id works (ids of runs started in the same second share 16 characters)
    prefix = next(ids[0][:k] for k in range(16, len(ids[0]) + 1) if not ids[1].startswith(ids[0][:k]))
    assert main(["export", prefix, "--out", "exp"]) == 0
    assert (work / "exp" / "metrics.csv").read_text().startswith("run_id,label,variant,replication,metric,value")
    assert main(["compare", ids[0], ids[1], "--metric", "value", "--out", "cmp"]) == 0
    text = capsys.readouterr().out
    assert "(variant - mini)" in text and "+10 *" in text and "scaled" not in text
    assert "scaled" in (work / "cmp" / "compare.csv").read_text()  # --metric selects what is printed only
    assert main(["compare", ids[0], ids[1], "--reference", "mini:more", "--out", "cmp2"]) == 0
    text = capsys.readouterr().out
    assert "(variant - mini:more)" in text and "-10 *" in text
    assert main(["export", "nope"]) == 2
    capsys.readouterr()
    assert main(["compare", ids[0], ids[1], "--metric", "valeu"]) == 2  # a typo: did-you-mean, one short line
    err = capsys.readouterr().err.strip()
    assert "--metric: unknown metric(s) 'valeu' (did you mean value?); the runs have: scaled, sometimes, value" in err
    assert "\n" not in err


def test_compare_file_runs_variants(work, capsys, synthetic_model):
    """compare FILE --all-variants runs the base and variants with common random numbers."""
    assert main(["compare", "mini.yaml", "--all-variants", "-n", "6", "--executor", "serial", "-q"]) == 0
    captured = capsys.readouterr()
    assert "(variant - mini)" in captured.out and "+10 *" in captured.out
    assert captured.err == ""  # -q and no terminal: no progress output at all
    assert len(list((work / "reports" / "mini").glob("compare-*/compare.csv"))) == 1


# --- terminal tables: headline metrics, readable numbers, one comparison table ------------------

REAL = """\
metadata: {name: real, title: Real, horizon_days: 20, replications: 4, seed: 3}
zones:
  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100, weight: 10}
  - {id: lviv, name: Lviv, kind: city, lat: 49.84, lon: 24.03, troops_required: 50, weight: 5}
variants:
  aid:
    append:
      enablers.non_lethal:
        - {id: demining, provider: Japan, kind: demining, capacity_per_day: 2, output_unit: km2}
"""


@pytest.fixture
def real(work: Path) -> Path:
    (work / "real.yaml").write_text(REAL)
    return work


def _table_metrics(text: str) -> set[str]:
    """Metric names in the first column of the printed summary table."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["metric", "unit"])
    names = set()
    for line in lines[start + 1:]:
        if not line.startswith("  ") or ":" in line.split()[0] or line.split()[0][0].isdigit():
            break
        names.add(line.split()[0])
    return names


def test_run_prints_headline_metrics_only_by_default(real, capsys):
    """The default table lists exactly the run's headline metrics; summary.json keeps every metric."""
    from peacesim.model import is_headline

    assert main(["run", "real.yaml", "-n", "3", "--executor", "serial", "--out", "o"]) == 0
    text = capsys.readouterr().out
    every = set(metrics_of(real / "o" / "summary.json"))
    shown = _table_metrics(text)
    assert shown == {m for m in every if is_headline(m)} and "coverage_mean" in shown
    assert "coverage_min" in every and "coverage_min" not in text and "leakers.kyiv" not in text
    assert f"{len(every) - len(shown)} more metrics in summary.json" in text
    assert " share " in text  # units from the metric catalog
    assert "ioc_day" in text and "never" in text  # no coverage without troops: IOC never reached
    assert "never: did not happen in any replication" in text


def test_run_all_metrics_and_metric_patterns(real, capsys):
    """--all-metrics prints every metric; --metric takes names and patterns like leakers.*."""
    assert main(["run", "real.yaml", "-n", "2", "--executor", "serial", "--out", "a", "--all-metrics"]) == 0
    every = set(metrics_of(real / "a" / "summary.json"))
    assert _table_metrics(capsys.readouterr().out) == every
    assert main(["run", "real.yaml", "-n", "2", "--executor", "serial", "--out", "b",
                 "--metric", "leakers.*", "--metric", "threats"]) == 0
    assert _table_metrics(capsys.readouterr().out) == {"leakers.kyiv", "leakers.lviv", "threats"}
    assert set(metrics_of(real / "b" / "summary.json")) == every


def test_run_unknown_metric_pattern_fails_before_running(real, capsys):
    """A --metric that matches no documented metric: exit 2, one line, nothing run or stored."""
    assert main(["run", "real.yaml", "-n", "2", "--executor", "serial", "--metric", "nope*"]) == 2
    err = capsys.readouterr().err.strip()
    assert "nope*" in err and len(err.splitlines()) == 1
    assert not (real / "reports").exists()


def test_variants_one_comparison_folded_and_only_in(real, capsys, monkeypatch):
    """Variants: one line each, one comparison, unchanged rows folded, variant-only metrics listed."""
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["run", "real.yaml", "--all-variants", "-n", "3", "--executor", "serial", "--out", "v"]) == 0
    text = capsys.readouterr().out
    assert text.count("metric  ") == 1  # only the base summary has a table; nothing changed to tabulate
    assert "real:aid  (run " in text and "v/aid" in text
    folded = next(line for line in text.splitlines() if "unchanged in every variant:" in line)
    assert "coverage_mean" in folded and "missiles_leaked_defended" in folded
    assert "only in real:aid: nonlethal_output.demining 40 km2" in text
    assert "never in any run: ioc_day, foc_day" in text
    rows = [line.split(",") for line in (real / "v" / "compare.csv").read_text().splitlines()]
    demining = next(r for r in rows if r[4] == "nonlethal_output.demining")
    assert [demining[k] for k in (0, 2, 4, 5, 6)] == ["real", "real:aid", "nonlethal_output.demining", "", "40.0"]
    assert demining[1] and demining[3] and demining[1] != demining[3]  # both run ids
    assert demining[7:] == ["", "", "", "", "0", "", "", "", ""]


def test_comparison_table_wide_or_compact(work, capsys, monkeypatch, synthetic_model):
    """A wide terminal gets one table with a column per variant; a narrow one a block per variant."""
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["run", "mini.yaml", "--all-variants", "-n", "6", "--executor", "serial", "--out", "w"]) == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if line.split()[:3] == ["metric", "unit", "mini"])
    assert header.split()[-1] == "more" and "mini:more vs mini" not in text
    monkeypatch.setenv("COLUMNS", "20")
    assert main(["run", "mini.yaml", "--all-variants", "-n", "6", "--executor", "serial", "--out", "c"]) == 0
    text = capsys.readouterr().out
    assert "mini:more vs mini" in text and "+10 \u00b1 " in text and "metric  unit  mini  more" not in text


def test_numbers_are_readable():
    """3 significant figures, thousands separators, no scientific notation for ordinary numbers."""
    from peacesim.cli.tables import fmt, fmt_signed

    assert fmt(142650.3) == "142,650" and fmt(868.4) == "868" and fmt(99.96) == "100"
    assert fmt(0.13951) == "0.140" and fmt(0.00174) == "0.00174" and fmt(22.92) == "22.9"
    assert fmt(6720.0) == "6,720" and fmt(5.0) == "5" and fmt(0.0) == "0" and fmt(-0.0243) == "-0.0243"
    assert fmt(float("nan")) == "\u2013" and fmt(3e-9) == "3.00e-09" and fmt(2e16) == "2.00e+16"
    assert fmt_signed(190.2) == "+190" and fmt_signed(-0.012) == "-0.0120" and fmt_signed(0.0) == "0"


def test_large_values_print_without_scientific_notation(work, capsys, synthetic_model):
    """A run whose metric is about 150,000 prints it with separators, not 1.5e+05."""
    (work / "big.yaml").write_text(MINI.replace("troops_required: 100", "troops_required: 150000")
                                   .replace("troops_required: 110", "troops_required: 150190"))
    assert main(["run", "big.yaml", "--all-variants", "-n", "5", "--executor", "serial", "--out", "big"]) == 0
    text = capsys.readouterr().out
    assert "e+0" not in text and "150,0" in text and "+190 *" in text


def test_progress_bar_quiet_not_a_tty_and_cleared(monkeypatch):
    """No progress output with --quiet or without a terminal; on a terminal the bar line is erased."""
    import io

    from peacesim.cli.run import progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, quiet in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        with progress_bar("mini", quiet) as bar:
            bar(0, 5), bar(5, 5)
        assert stream.getvalue() == ""
    tty = Terminal()
    monkeypatch.setattr(sys, "stderr", tty)
    with progress_bar("mini", False) as bar:
        bar(0, 5), bar(5, 5)
    written = tty.getvalue()
    assert "mini" in written and written.endswith("\r") and written.rsplit("\r", 2)[-2].strip() == ""
