"""Confinement: ``extends`` stays inside the project and never echoes a file, source links are
web addresses only, and the default results store stays inside the working tree (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from peacesim.cli import main
from peacesim.errors import ScenarioError
from peacesim.scenario.loader import load_scenario, project_root

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "data" / "loader" / "base.yaml"
SECRET = "root:x:0:0:secret-content-of-another-file\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project (marked by pyproject.toml) with a scenario folder, and a secret file outside it."""
    (tmp_path / "outside.yaml").write_text(SECRET)
    proj = tmp_path / "proj"
    (proj / "scenarios" / "sub").mkdir(parents=True)
    (proj / "pyproject.toml").write_text("")
    (proj / "scenarios" / "base.yaml").write_text(BASE.read_text())
    return proj


def _extends(project: Path, target: str, name: str = "child.yaml") -> Path:
    child = project / "scenarios" / "sub" / name
    child.write_text(f"extends: {target}\nmetadata: {{name: kid}}\n")
    return child


@pytest.mark.parametrize(("target", "message"), [
    ("/etc/passwd", "extends must be a relative path (from this file's folder), not an absolute one"),
    ("~/x.yaml", "extends must be a relative path"),
    ("../../../outside.yaml", "extends leaves the project folder"),
    ("../../../../../../../../etc/passwd", "extends leaves the project folder"),
])
def test_extends_outside_the_project_is_refused(project: Path, capsys: pytest.CaptureFixture[str], target: str,
                                                message: str) -> None:
    child = _extends(project, target)
    assert main(["validate", str(child)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{child}:1:1: extends: {message}"), err
    assert "root:" not in err and "secret" not in err


def test_extends_inside_the_project_goes_up_and_down(project: Path) -> None:
    assert project_root(project / "scenarios" / "sub" / "x.yaml") == project.resolve()
    s = load_scenario(_extends(project, "../base.yaml"))
    assert s.metadata.name == "kid" and [f.id for f in s.forces] == ["uk", "fr"]


def test_a_symlink_out_of_the_project_is_refused(project: Path) -> None:
    (project / "scenarios" / "link.yaml").symlink_to(project.parent / "outside.yaml")
    with pytest.raises(ScenarioError, match="extends leaves the project folder") as e:
        load_scenario(_extends(project, "../link.yaml"))
    assert "secret" not in str(e.value)


def test_without_a_project_marker_the_scenario_folder_is_the_project(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "base.yaml").write_text(BASE.read_text())
    (tmp_path / "a" / "child.yaml").write_text("extends: ../base.yaml\n")
    if project_root(tmp_path / "a" / "child.yaml") != (tmp_path / "a").resolve():
        pytest.skip("the temporary folder sits inside a project")
    with pytest.raises(ScenarioError, match="extends leaves the project folder"):
        load_scenario(tmp_path / "a" / "child.yaml")


def test_a_non_mapping_file_is_not_echoed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.yaml").write_text(SECRET)
    assert main(["validate", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert "top level must be a mapping of keys, got a single str value" in err and "secret" not in err


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "file:///etc/passwd",
                                 "data:text/html,<script>alert(1)</script>", "//evil.example", "https://x.org/a b",
                                 "https://x.org/\"onmouseover=alert(1)"])
def test_source_urls_must_be_web_addresses(tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str) -> None:
    text = BASE.read_text().replace("date: 2025-08-19}", f"date: 2025-08-19, url: '{url}'}}")
    (tmp_path / "s.yaml").write_text(text)
    assert main(["validate", str(tmp_path / "s.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 's.yaml'}:10:" in err
    assert "metadata.sources.article.url: url must be a web address starting with http:// or https://" in err


def test_web_addresses_are_accepted(tmp_path: Path) -> None:
    text = BASE.read_text().replace("date: 2025-08-19}", "date: 2025-08-19, url: 'HTTPS://example.org/a?b=1&c=2'}")
    (tmp_path / "s.yaml").write_text(text)
    assert load_scenario(tmp_path / "s.yaml").metadata.sources["article"].url == "HTTPS://example.org/a?b=1&c=2"


def test_the_report_links_only_web_addresses() -> None:
    """Runs stored before the check may hold any url: the template itself links only http(s)."""
    template = (ROOT / "src" / "peacesim" / "report" / "templates" / "report.html.j2").read_text()
    (row,) = [line for line in template.splitlines() if "s.url" in line]
    env = jinja2.Environment(autoescape=True)
    render = env.from_string(row).render
    bad = render(sid="a", s={"url": "javascript:alert(1)", "title": "T", "publisher": "", "date": "", "note": ""})
    assert "<a " not in bad and "javascript" not in bad
    good = render(sid="a", s={"url": "https://x.org/?a=1&b=2", "title": "T", "publisher": "", "date": "", "note": ""})
    assert '<a href="https://x.org/?a=1&amp;b=2"' in good


def test_default_store_stays_inside_the_working_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    (work / "reports").symlink_to(elsewhere)
    (work / "s.yaml").write_text(BASE.read_text())
    monkeypatch.chdir(work)
    assert main(["run", "s.yaml", "-n", "1", "--executor", "serial", "-q", "--out", "out"]) == 2
    assert "outside the working tree (is reports/ a link?); pass --db" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []
    assert main(["run", "s.yaml", "-n", "1", "--executor", "serial", "-q", "--out", "out",
                 "--db", str(elsewhere / "p.db")]) == 0


def test_a_run_from_another_folder_writes_beside_the_projects_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str],
                                                                      synthetic_model) -> None:
    """The store is found from the scenario's project, and so are the run folders and `latest`: nothing splits
    into the working folder; an explicit --out still goes where it says; the project's reports/ must stay in it."""
    project, elsewhere = tmp_path / "proj", tmp_path / "elsewhere"
    assert main(["init", str(project)]) == 0
    elsewhere.mkdir()
    run = ["run", str(project / "scenarios" / "baseline.yaml"), "-n", "2", "--executor", "serial", "-q"]
    monkeypatch.chdir(project)
    assert main(run) == 0  # the project's store now exists
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert main([*run, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    folder = Path(doc["folder"])
    assert folder.parent == (project / "reports" / "baseline").resolve()
    assert (folder.parent / "latest").read_text().strip() == folder.name == doc["runs"][0]["run_id"]
    assert len([p for p in folder.parent.iterdir() if p.is_dir()]) == 2
    assert list(elsewhere.iterdir()) == []
    assert main([*run, "--out", "mine"]) == 0
    assert (elsewhere / "mine" / "summary.json").is_file() and not (elsewhere / "reports").exists()
    assert main(["compare", *run[1:], "--variant", "ceasefire_fails"]) == 0  # compare FILE too
    assert len(list((project / "reports" / "baseline").glob("compare-*"))) == 1 and not (elsewhere / "reports").exists()

    outside = tmp_path / "outside"
    (project / "reports").rename(outside)
    (project / "reports").symlink_to(outside)
    capsys.readouterr()
    assert main(run) == 2
    assert f"is outside the project folder {project.resolve()}; pass --out" in capsys.readouterr().err


def test_a_resume_from_another_folder_writes_beside_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`run --resume ID --db PROJECT/reports/peacesim.db` from elsewhere finishes the run in the project's reports/."""
    import subprocess
    import sys

    from peacesim.experiment import scenarios
    from peacesim.experiment.store import Store

    project, elsewhere = tmp_path / "proj", tmp_path / "elsewhere"
    assert main(["init", str(project)]) == 0
    elsewhere.mkdir()
    db = project / "reports" / "peacesim.db"
    text = scenarios.resolved_text(scenarios.load(project / "scenarios" / "baseline.yaml"))
    with Store(db) as st:  # a run left 'running' by a process that is gone: incomplete
        rid = st.create_run(scenario="baseline", variant=None, scenario_text=text, scenario_hash="h", seed=1,
                            replications=2, confidence=0.95)
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        st._db.execute("UPDATE runs SET pid = ? WHERE run_id = ?", (int(dead.stdout), rid))
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert main(["run", "--resume", rid, "--db", str(db), "--executor", "serial", "-q"]) == 0
    assert (project / "reports" / "baseline" / rid / "summary.json").is_file()
    assert list(elsewhere.iterdir()) == []
