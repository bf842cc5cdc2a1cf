"""The same flags everywhere: combined variants, --set on compare FILE and sweep, --db defaults, completion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peacesim.cli import cli, main
from peacesim.errors import ScenarioError
from peacesim.experiment import scenarios
from scenarios.mini import mini_text

SERIAL = ["--executor", "serial", "-q"]
BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mini.yaml").write_text(mini_text(horizon_days=10, variant=True))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PEACESIM_DB", raising=False)
    return tmp_path


def test_combined_variants_apply_in_order_and_report_conflicts() -> None:
    both = scenarios.load(BASELINE, "rotation_two_deep+no_us_air_defence")
    assert both.metadata.variant == "rotation_two_deep+no_us_air_defence"
    assert {f.rotation_depth for f in both.forces} == {2}
    assert "us_patriot" not in {s.id for s in both.enablers.air_defence}
    with pytest.raises(ScenarioError, match="conflict: both remove enablers.air_defence.us_patriot"):
        scenarios.load(BASELINE, "us_isr_only+no_us_air_defence")
    with pytest.raises(ScenarioError, match="no variant 'nope'"):
        scenarios.load(BASELINE, "rotation_two_deep+nope")


def test_set_on_compare_file_and_sweep(work: Path, capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    assert main(["compare", "mini.yaml", "--variant", "more", "--set", "metadata.seed=5", "-n", "2", *SERIAL,
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["label"] for r in doc["runs"]] == ["mini+set", "mini:more+set"] and doc["runs"][0]["seed"] == 5
    assert main(["sweep", "mini.yaml", "--param", "metadata.replications=2,3", "--set", "metadata.seed=9", "-n", "2",
                 *SERIAL, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["seed"] == 9


def test_db_from_environment_then_the_scenario_project(work: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    project = work / "project"
    (project / "scenarios").mkdir(parents=True)
    (project / "scenarios" / "mini.yaml").write_text((work / "mini.yaml").read_text())
    monkeypatch.chdir(project)
    assert main(["run", "scenarios/mini.yaml", "-n", "2", *SERIAL]) == 0
    assert (project / "reports" / "peacesim.db").is_file()
    elsewhere = work / "notebooks"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["run", "../project/scenarios/mini.yaml", "-n", "2", *SERIAL, "--out", "o"]) == 0
    assert not (elsewhere / "reports").exists()  # the run went into the project's store
    monkeypatch.setenv("PEACESIM_DB", str(project / "reports" / "peacesim.db"))
    capsys.readouterr()
    assert main(["runs", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["runs"]) == 2


def test_completion_of_variants_run_ids_and_metrics(work: Path, monkeypatch: pytest.MonkeyPatch, synthetic_model) -> None:
    from click.shell_completion import ShellComplete

    def complete(args: list[str], incomplete: str) -> list[str]:
        monkeypatch.setenv("COMP_WORDS", " ".join(["peacesim", *args, incomplete]))  # as the shell scripts set it
        return [c.value for c in ShellComplete(cli, {}, "peacesim", "_PEACESIM_COMPLETE").get_completions(args, incomplete)]

    assert complete(["run", "mini.yaml", "--variant"], "") == ["more"]
    assert complete(["explain", str(BASELINE), "--variant"], "rotation_two_deep+no_") == ["rotation_two_deep+no_us_air_defence"]
    assert "coverage_mean" in complete(["run", "mini.yaml", "--metric"], "cov")
    assert main(["run", "mini.yaml", "-n", "2", *SERIAL]) == 0
    ids = complete(["export"], "")
    assert len(ids) == 1 and complete(["compare"], ids[0][:8])[0] == ids[0]
