"""``peacesim report`` with sweep and exploration ids: each adds its section, its charts and a summary line."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from peacesim.cli import main
from peacesim.cli.report import kind_of

ONE_ZONE = """\
metadata: {{name: onezone, title: One zone, horizon_days: 20, replications: 3, seed: 11,
           question: "How many troops does Kyiv need?"}}
zones:
  - {{id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100}}
forces:
  - id: uk
    nation: United Kingdom
    troops_per_unit: {troops}
    recovery_days: {recovery}
    rotation_depth: 1
    tour_days: 1000
    tasks: [guard]
"""
PLAIN = ONE_ZONE.format(troops=80, recovery=100)
VAGUE = ONE_ZONE.format(troops="{explore: [20, 200], value: 80, claim: C01}", recovery="{explore: [0, 300], value: 100}")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "plain.yaml").write_text(PLAIN)
    (tmp_path / "vague.yaml").write_text(VAGUE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEACESIM_REPORT_WORKERS", "1")
    return tmp_path


def _ids(db: Path, table: str, column: str) -> list[str]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute(f"SELECT {column} FROM {table}")]  # noqa: S608 - fixed names


def test_ids_are_told_apart_by_prefix():
    assert kind_of("sw20250101-101010-abcd") == "sweep"
    assert kind_of("ex20250101-101010-abcd") == "exploration"
    assert kind_of("sz20250101-101010-abcd") == "sizing"
    assert kind_of("20250101-101010-abcd") == "run"


def test_report_of_a_run_a_sweep_and_an_exploration(work, capsys):
    db = work / "s.db"
    quiet = ["--executor", "serial", "-q", "--db", str(db)]
    assert main(["run", "plain.yaml", "-n", "3", "--db", str(db), "-q", "--executor", "serial"]) == 0
    assert main(["sweep", "plain.yaml", "--oat", "--param", "forces.uk.troops_per_unit=50:150", "-n", "3", *quiet]) == 0
    assert main(["explore", "vague.yaml", "--sampler", "sobol", "--samples", "8", "-n", "2",
                 "--target", "coverage_mean >= 0.7", *quiet]) == 0
    (run_id,) = _ids(db, "runs", "run_id")[:1]
    (sweep_id,) = _ids(db, "sweeps", "sweep_id")
    (explore_id,) = _ids(db, "explorations", "explore_id")
    capsys.readouterr()
    assert main(["report", run_id, sweep_id, explore_id, "--db", str(db), "--out", "rep"]) == 0
    html = (work / "rep" / "report.html").read_text()
    sections = re.findall(r'<section id="([a-z0-9-]+)"', html)
    assert sections[0] == "summary"
    assert any(x.startswith("sweep-") for x in sections) and any(x.startswith("exploration-") for x in sections)
    summary = html.split('<section id="summary"')[1].split("</section>")[0]
    assert "How many troops does Kyiv need?" in summary
    # the exploration's P(met) and its most important value reach the summary
    assert "is met with probability" in summary
    assert "matters most for" in summary and "No exploration is part of this report" not in summary
    # troops per unit drives coverage here; recovery days cannot matter
    assert re.search(r"forces\.uk\.troops_per_unit[^<]*matters most", summary) or "C01" in summary.split("matters most")[0][-200:]
    # the sweep names what moves the top headline metric most
    assert f"In sweep {sweep_id}, forces.uk.troops_per_unit moves mean coverage most" in summary
    charts = sorted(p.name for p in (work / "rep").glob("*.png"))
    assert any(n.startswith(f"sweep-{sweep_id.lower()}-tornado-coverage_mean") for n in charts), charts
    assert any("-scatter-1" in n for n in charts) and any("-box-1" in n for n in charts)
    assert any("-sensitivity-" in n for n in charts)


def test_only_a_sweep_takes_its_base_point_as_the_reference(work):
    db = work / "s.db"
    assert main(["sweep", "plain.yaml", "--oat", "--param", "forces.uk.troops_per_unit=50:150", "-n", "2",
                 "--executor", "serial", "-q", "--db", str(db)]) == 0
    (sweep_id,) = _ids(db, "sweeps", "sweep_id")
    assert main(["report", sweep_id, "--db", str(db), "--out", "rep"]) == 0
    assert re.search(r'<section id="sweep-\d+"', (work / "rep" / "report.html").read_text())


def test_an_exploration_alone_is_refused_with_a_reason(work, capsys):
    db = work / "s.db"
    assert main(["explore", "vague.yaml", "--samples", "4", "-n", "1", "--executor", "serial", "-q", "--db", str(db)]) == 0
    (explore_id,) = _ids(db, "explorations", "explore_id")
    capsys.readouterr()
    assert main(["report", explore_id, "--db", str(db), "--out", "rep"]) == 2
    assert "give a run id too" in capsys.readouterr().err


def test_a_sizing_adds_its_answer_and_its_p_met_chart(work):
    db = work / "s.db"
    assert main(["run", "plain.yaml", "-n", "2", "--db", str(db), "-q", "--executor", "serial"]) == 0
    # coverage is troops/100 in every replication: the smallest troops_per_unit meeting 0.695 is 70
    assert main(["size", "plain.yaml", "--vary", "forces.uk.troops_per_unit=20:200", "--integer", "--confidence", "0.8",
                 "--target", "coverage_mean >= 0.695", "-n", "80", "--first", "20", "--executor", "serial",
                 "-q", "--db", str(db), "--out", "sz"]) == 0
    (run_id,) = _ids(db, "runs", "run_id")[:1]
    (sizing_id,) = _ids(db, "sizings", "sizing_id")
    assert main(["report", run_id, sizing_id, "--db", str(db), "--out", "rep"]) == 0
    html = (work / "rep" / "report.html").read_text()
    summary = html.split('<section id="summary"')[1].split("</section>")[0]
    assert "the smallest forces.uk.troops_per_unit that meets it is 70" in summary
    assert re.search(r'<section id="sizing-\d+"', html) and any("-pmet" in p.name for p in (work / "rep").glob("*.png"))
