"""``peacesim report``: stored runs in, report path out; bad input is one line and exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peacesim.cli import main
from peacesim.cli.report import default_out

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[Path, list[str]]:
    """Two short runs of the shipped scenario (base and one variant) in a fresh store."""
    from peacesim.experiment.store import Store
    from peacesim.scenario.loader import list_variants

    work = tmp_path_factory.mktemp("cli")
    db = work / "p.db"
    variant = list_variants(SCENARIO)[0]
    code = main(["run", str(SCENARIO), "--variant", variant, "-n", "3", "--executor", "serial", "--db", str(db),
                 "--set", "metadata.horizon_days=60", "--out", str(work / "out"), "--quiet"])
    assert code == 0
    with Store(db) as store:
        ids = [r.run_id for r in store.list_runs()]
    assert len(ids) == 2
    return db, ids


def test_report_from_store_prints_path(stored, tmp_path, capsys, monkeypatch):
    db, ids = stored
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["report", *ids, "--store", str(db)]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    path = Path(out)
    assert path == (tmp_path / "reports" / f"report-{ids[0]}-{ids[1]}" / "report.html").resolve()
    html = path.read_text()
    assert "Comparison against baseline" in html
    assert f"peacesim report {ids[0]} {ids[1]} --db" in html
    assert (path.parent / "coverage.svg").is_file()


def test_report_out_option(stored, tmp_path, capsys):
    db, ids = stored
    assert main(["report", ids[0], "--db", str(db), "--out", str(tmp_path / "mine")]) == 0
    assert capsys.readouterr().out.strip().endswith(str(tmp_path / "mine" / "report.html"))


@pytest.mark.parametrize("args, message", [
    (["nope-run"], r"no run 'nope-run'"),
    (["a", "a"], r"run ids repeat"),
])
def test_bad_input_is_one_line_exit_2(stored, capsys, args, message):
    db, _ = stored
    assert main(["report", *args, "--store", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.search(message, err)


def test_missing_store_is_one_line_exit_2(tmp_path, capsys):
    assert main(["report", "x", "--store", str(tmp_path / "none.db")]) == 2
    assert "no results store" in capsys.readouterr().err


def test_default_out_cannot_escape_reports():
    assert default_out("../../etc") == Path("reports") / "report-etc"
    assert ".." not in default_out("a/../../b").parts


def test_reports_of_different_runs_never_share_a_folder():
    """A report of A and B and one of A and C go to different folders; a long list stays a short name."""
    assert default_out("a", "b") != default_out("a", "c")
    assert default_out(*[f"20261202-150000-{i:04x}" for i in range(50)]).name.startswith("report-20261202-150000-0000-")
    assert len(default_out(*[f"20261202-150000-{i:04x}" for i in range(50)]).name) < 60
