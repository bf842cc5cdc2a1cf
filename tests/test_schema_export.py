"""The committed JSON Schema and scenario reference match the code; the schema agrees with the loader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from peacesim.cli import main
from peacesim.scenario.loader import canonical_data, list_variants, load_scenario, load_tree
from peacesim.scenario.reference import reference_text
from peacesim.scenario.schema_export import json_schema, json_schema_text
from peacesim.scenario.tracked import to_plain

ROOT = Path(__file__).parent.parent
LOADER = ROOT / "tests" / "data" / "loader"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(LOADER.glob("*.yaml"))
SCENARIOS = [p for p in SCENARIOS if p.name != "claims.yaml"]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_current() -> None:
    """Run `peacesim schema --out schema/peacesim.schema.json` when this fails."""
    assert (ROOT / "schema" / "peacesim.schema.json").read_text(encoding="utf-8") == json_schema_text()


def test_committed_reference_is_current() -> None:
    """Run `make docs` (python -m peacesim.scenario.reference > docs/scenario-reference.md) when this fails."""
    assert (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8") == reference_text()


def test_reference_documents_every_field() -> None:
    from peacesim.scenario import distributions, enablers, forces, schema, threats

    text = reference_text()
    for module in (distributions, enablers, forces, schema, threats):
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__module__ == module.__name__ and hasattr(obj, "model_fields"):
                for name, field in obj.model_fields.items():
                    assert f"| `{field.alias or name}` |" in text, (obj.__name__, name)


def _errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_schema_accepts_what_the_loader_accepts(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    """The merged file (as written, bare numbers and all) and every resolved variant pass the schema."""
    load_scenario(path)
    assert _errors(validator, to_plain(load_tree(path))) == []
    for name in list_variants(path):
        assert _errors(validator, canonical_data(load_scenario(path, variant=name))) == [], name


def test_schema_accepts_a_file_that_extends_without_required_keys(validator: jsonschema.Draft202012Validator) -> None:
    assert _errors(validator, {"extends": "base.yaml", "metadata": {"name": "x", "title": "t", "horizon_days": 3}}) == []
    assert _errors(validator, {"metadata": {"name": "x", "title": "t", "horizon_days": 3}}) == ["[]: 'zones' is a required property"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["forces", 0, "tour_days"], -5),
        (["forces", 0, "tour_dayz"], 5),
        (["forces", 0, "deployment_delay_days"], {"dist": "gamma", "mean": 3}),
        (["forces", 0, "deployment_delay_days"], -1),
        (["zones", 0, "kind"], "capitol"),
        (["enablers", "air_defence", 0, "kill_probability"], {"helicopter": 0.5}),
    ],
)
def test_schema_rejects_broken_scenarios(validator: jsonschema.Draft202012Validator, path: list[Any], value: Any) -> None:
    data = to_plain(load_tree(LOADER / "base.yaml"))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _errors(validator, data) != []


def test_schema_command_writes_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == json_schema()
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$schema"].endswith("2020-12/schema")


@pytest.mark.parametrize(
    "args",
    [["validate", "--claims", "tests/data/loader/claims.yaml", "tests/data/loader/base.yaml"],
     ["explain", "tests/data/loader/base.yaml"], ["schema"]],
)
def test_commands_start_without_heavy_imports(args: list[str]) -> None:
    """validate, explain and schema never import simpy, scipy, matplotlib or dask."""
    code = (
        "import sys; from peacesim.cli import main; rc = main(sys.argv[1:]); "
        "heavy = sorted(m for m in ('simpy', 'scipy', 'matplotlib', 'dask', 'pandas') if m in sys.modules); "
        "print('HEAVY', heavy, file=sys.stderr); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stderr
