"""``--json`` on every command that prints results: one document on stdout, valid against docs/json.md."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from peacesim.cli import main
from peacesim.cli.shapes import ERROR, SHAPES, markdown
from scenarios.mini import mini_text

SERIAL = ["--executor", "serial", "-q"]
ONE_ZONE = """\
metadata: {name: onezone, title: One zone, horizon_days: 20, replications: 3, seed: 11}
zones:
  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100}
forces:
  - id: uk
    nation: United Kingdom
    troops_per_unit: UK_TROOPS
    rotation_depth: 1
    tour_days: 1000
    tasks: [guard]
"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mini.yaml").write_text(mini_text(horizon_days=10, variant=True))
    (tmp_path / "onezone.yaml").write_text(ONE_ZONE.replace("UK_TROOPS", "80"))
    (tmp_path / "vague.yaml").write_text(ONE_ZONE.replace("UK_TROOPS", "{explore: [20, 200], value: 80, claim: C01}"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def as_json(capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> dict:
    """Run a command with --json; stdout must be exactly one JSON document valid against its shape."""
    assert main([*args, "--json"]) == code
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert doc["command"] == args[0] and list(doc)[0] == "command"
    jsonschema.validate(doc, SHAPES[args[0]][1])
    return doc


def test_every_command_prints_its_documented_shape(work: Path, capsys: pytest.CaptureFixture[str], synthetic_model) -> None:
    run = as_json(capsys, "run", "mini.yaml", "--all-variants", "-n", "4", *SERIAL)
    assert [r["label"] for r in run["runs"]] == ["mini", "mini:more"]
    assert run["runs"][0]["metrics"]["value"]["n"] == 4 and run["comparison"]["reference"]["label"] == "mini"
    diff = next(d for d in run["comparison"]["differences"] if d["metric"] == "value")
    assert diff["difference"] == pytest.approx(10) and diff["other_run_id"] == run["runs"][1]["run_id"]
    assert Path(run["folder"]).name == run["runs"][0]["run_id"]
    ids = [r["run_id"] for r in run["runs"]]

    runs = as_json(capsys, "runs")
    assert sorted(r["run_id"] for r in runs["runs"]) == sorted(ids) and runs["runs"][0]["status"] == "complete"
    for stamp in (runs["runs"][0]["started"], runs["runs"][0]["ended"]):  # date-time: ISO 8601 with the offset
        assert dt.datetime.fromisoformat(stamp).tzinfo is not None and stamp[-3] == ":"
    compared = as_json(capsys, "compare", *ids)
    assert compared["comparison"]["others"][0]["run_id"] == ids[1]
    filed = as_json(capsys, "compare", "mini.yaml", "--variant", "more", "-n", "3", *SERIAL)
    assert len(filed["runs"]) == 2

    sweep = as_json(capsys, "sweep", "mini.yaml", "--param", "metadata.seed=1,2", "-n", "2", *SERIAL)
    assert [p["values"]["metadata.seed"] for p in sweep["points"]] == [1, 2]
    assert as_json(capsys, "sweep", "--list")["sweeps"][0]["sweep_id"] == sweep["sweep_id"]

    synthetic_model(None)  # the SimPy model from here on

    size = as_json(capsys, "size", "onezone.yaml", "--vary", "forces.uk.troops_per_unit=1:200", "--target",
                   "coverage_mean >= 0.7", "--confidence", "0.5", "--first", "3", "-n", "6", "--integer", *SERIAL)
    answer = size["answers"][0]
    assert answer["status"] and 70 <= answer["value"] <= 72  # coverage is about troops/100 (less a day's deployment)
    assert answer["probes"] and all(p["run_id"] for p in answer["probes"])
    assert as_json(capsys, "size", "--list")["sizings"][0]["sizing_id"] == size["sizing_id"]

    explored = as_json(capsys, "explore", "vague.yaml", "--samples", "8", "-n", "2", "--target", "coverage_mean >= 0.7",
                       *SERIAL)
    assert explored["targets"][0]["points"] == 8 and len(explored["points"]) == 8
    listed = as_json(capsys, "explore", "--list")["explorations"][0]
    assert listed["explore_id"] == explored["explore_id"] and listed["status"] == "complete"

    valid = as_json(capsys, "validate", "mini.yaml")
    assert valid["ok"] and valid["files"][0]["variants"] == 1
    explained = as_json(capsys, "explain", "mini.yaml", "--set", "metadata.seed=3")
    assert {"path": "metadata.seed", "value": 3, "origin": "--set"} in explained["values"]
    assert as_json(capsys, "explain", "mini.yaml", "--diff")["diff"][0]["variant"] == "more"
    assert as_json(capsys, "metrics", "--headline")["metrics"]["coverage_mean"]["headline"] is True


def test_invalid_file_is_a_document_with_problems_and_exit_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "bad.yaml").write_text((work / "mini.yaml").read_text().replace("horizon_days: 10", "horizon_days: -3"))
    doc = as_json(capsys, "validate", "mini.yaml", "bad.yaml", code=2)
    assert [f["ok"] for f in doc["files"]] == [True, False]
    problem = doc["files"][1]["problems"][0]
    assert problem["path"] == "metadata.horizon_days" and problem["line"] and problem["file"] == "bad.yaml"


@pytest.mark.parametrize("args, kind", [
    (["run", "nope.yaml"], "scenario"),
    (["run", "mini.yaml", "--replications", "zero"], "usage"),
    (["runs", "--db", "missing.db"], "store"),
    (["explain", "mini.yaml", "--set", "metadata.horizon_days=-1"], "scenario"),
])
def test_errors_are_one_json_object_on_stderr(work: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                              kind: str) -> None:
    assert main([*args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    doc = json.loads(captured.err)
    jsonschema.validate(doc, ERROR)
    assert doc["error"]["kind"] == kind and doc["error"]["exit_code"] == 2 and not doc["error"]["message"].startswith("error:")


def test_json_doc_is_generated_from_the_shapes() -> None:
    """docs/json.md is what `python -m peacesim.cli.shapes` writes (run `make docs`)."""
    page = Path(__file__).resolve().parents[1] / "docs" / "json.md"
    assert page.read_text() == markdown()
