"""``peacesim init``: a new project folder with the shipped scenarios, schema and claims register."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peacesim.bundled import bundled_claims, data_root, is_packaged
from peacesim.cli import main


def test_init_copies_scenarios_schema_and_claims(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = data_root()
    assert root is not None
    project = tmp_path / "demo"
    assert main(["init", str(project)]) == 0
    shipped = sorted(p.name for p in (root / "scenarios").glob("*.yaml"))
    assert sorted(p.name for p in (project / "scenarios").glob("*.yaml")) == shipped and "baseline.yaml" in shipped
    assert (project / "seeds" / "claims.yaml").read_bytes() == (root / "seeds" / "claims.yaml").read_bytes()
    assert (project / "schema" / "peacesim.schema.json").is_file() and (project / "reports").is_dir()
    for scenario in (project / "scenarios").glob("*.yaml"):
        first = scenario.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/peacesim.schema.json"
        assert (scenario.parent / first.split("=", 1)[1]).resolve().is_file()
    capsys.readouterr()
    assert main(["validate", "--json", *map(str, sorted((project / "scenarios").glob("*.yaml")))]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] and doc["claims_register_source"] == "project" and not doc["warnings"]
    assert Path(doc["claims_register"]) == (project / "seeds" / "claims.yaml").resolve()


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err and not (tmp_path / "scenarios").exists()
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "scenarios" / "baseline.yaml").is_file() and (tmp_path / "notes.txt").read_text() == "mine"
    (tmp_path / "file").write_text("")
    assert main(["init", str(tmp_path / "file")]) == 2


def test_validate_falls_back_to_the_shipped_register_and_says_so(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = data_root()
    assert root is not None
    lone = tmp_path / "baseline.yaml"
    lone.write_bytes((root / "scenarios" / "baseline.yaml").read_bytes())
    assert main(["validate", str(lone)]) == 0
    err = capsys.readouterr().err
    assert ("used the claims register shipped with peacesim" in err) == is_packaged() and "no claims register" not in err
    assert main(["validate", "--json", str(lone)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["claims_register_source"] == ("packaged" if is_packaged() else "checkout")
    assert doc["claims_register"] == str(bundled_claims())
