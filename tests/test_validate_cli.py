"""``peacesim validate``: every bad input gives exit 2 and the exact located line; good files say ok."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from peacesim.cli import main

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
CLAIMS = DATA / "loader" / "claims.yaml"

CASES = {
    "python_tag.yaml": "python_tag.yaml:3:10: tag !!python/object/apply:os.system is not allowed; scenario files hold plain data only",
    "empty.yaml": "empty.yaml: file is empty, expected a mapping of keys (metadata, zones, ...)",
    "top_list.yaml": "top_list.yaml:1:1: top level must be a mapping of keys, got a list",
    "top_scalar.yaml": "top_scalar.yaml:1:1: top level must be a mapping of keys, got a single str value",
    "duplicate_key.yaml": "duplicate_key.yaml:4:3: duplicate key 'name' (first at line 2)",
    "not_utf8.yaml": "not_utf8.yaml:1:28: not valid UTF-8 (byte 0xff); save the file as UTF-8",
    "binary.yaml": "binary.yaml:1: binary content (NUL byte), expected a YAML text file",
    "alias_bomb.yaml": "alias_bomb.yaml:1:4: more than 1000 alias uses (alias bomb?)",
    "syntax.yaml": "syntax.yaml:4:1: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'",
    "cycle_a.yaml": "cycle_b.yaml:1:1: extends: cycle of extends: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml",
    "missing_parent.yaml": "missing_parent.yaml:2:1: extends: parent scenario not found: tests/data/bad/nowhere.yaml",
    "missing_key.yaml": "missing_key.yaml:1:1: metadata.title: required key is missing",
}

VALUES = [
    "values.yaml:3:17: metadata.horizon_days: Input should be a valid integer (got inf)",
    "values.yaml:6:16: forces.uk.tour_days: Input should be greater than 0 (got -30)",
    "values.yaml:7:5: forces.uk.rotation_dept: unknown key; did you mean 'rotation_depth'? (got 2)",
    "values.yaml:8:5: forces.uk.deployment_delay_days: need low <= mode <= high (got 5.0, 20.0, 14.0)",
    "values.yaml:10:20: forces.fr.tasks[1]: Input should be 'guard', 'patrol', 'monitoring', 'quick_reaction', "
    "'training', 'engineering' or 'medical' (got \"flying\")",
    "values.yaml:11:19: forces.fr.availability: Input should be a finite number (got nan)",
    "values.yaml:14:10: zones.kyiv.lat: Input should be less than or equal to 90 (got 95)",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(["validate", "--claims", str(CLAIMS), *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parent.parent)  # messages show paths relative to the checkout


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_gives_one_located_line(capsys: pytest.CaptureFixture[str], name: str) -> None:
    """Each malformed file fails with exit 2 and exactly the expected FILE:LINE:COL line."""
    code, out, err = run(capsys, f"tests/data/bad/{name}")
    assert code == 2
    assert out == []
    assert err[0] == f"tests/data/bad/{CASES[name]}"
    assert err[-1].startswith("error: ") and err[-1].endswith(" problem(s) found in 1 of 1 file(s)")
    assert not any("Traceback" in line for line in err)


def test_value_errors_are_all_reported_with_key_paths(capsys: pytest.CaptureFixture[str]) -> None:
    """Schema errors (range, NaN/inf, unknown key, enum, model rule) come one per line, each located."""
    code, _, err = run(capsys, "tests/data/bad/values.yaml")
    assert code == 2
    assert err[:-1] == [f"tests/data/bad/{line}" for line in VALUES]


def test_cross_references_and_claims_are_located(capsys: pytest.CaptureFixture[str]) -> None:
    """Cross-reference rules give one problem each, at the element; unknown claim ids are caught."""
    code, _, err = run(capsys, "tests/data/bad/crossref.yaml")
    assert code == 2
    assert err[:-1] == [
        "tests/data/bad/crossref.yaml:4:5: forces.uk.zones: names unknown zone(s) ['lviv']; known zones: ['kyiv', 'odesa']",
        "tests/data/bad/crossref.yaml:6:11: timeline[0].day: day 300.0 is after the horizon (120 days)",
        "tests/data/bad/crossref.yaml:6:42: timeline[0].target: names unknown force or enabler 'de'; known: ['fr', 'uk', 'us_patriot']",
        "tests/data/bad/crossref.yaml:8:17: metadata.claims: unknown claim id 'C99'; not in the claims register",
    ]


def test_variant_problems_point_at_the_variant(capsys: pytest.CaptureFixture[str]) -> None:
    """Bad paths and bad values in a variant are located at the variant's entry and name it."""
    code, _, err = run(capsys, "tests/data/bad/bad_variant.yaml")
    assert code == 2
    assert err[:-1] == [
        "tests/data/bad/bad_variant.yaml:5:7: forces.uk.tour_dayz: no key 'tour_dayz' under forces.uk; "
        "did you mean 'tour_days'?; in variant 'typo_path'",
        "tests/data/bad/bad_variant.yaml:8:28: forces.uk.tour_days: Input should be greater than 0 (got 0); set by variant bad_value",
        "tests/data/bad/bad_variant.yaml:10:14: enablers.air_defence.patriot: no item with id 'patriot' under "
        "enablers.air_defence; did you mean 'us_patriot'?; in variant 'bad_remove'",
    ]


def test_error_in_a_parent_file_points_at_the_parent(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A bad value inherited through extends is reported at the parent's line, under the child's run."""
    (tmp_path / "parent.yaml").write_text(
        (DATA / "loader" / "base.yaml").read_text().replace("tour_days: 180", "tour_days: -1")
    )
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nmetadata: {name: kid}\n")
    code, _, err = run(capsys, str(tmp_path / "child.yaml"))
    assert code == 2
    assert err[0] == f"{tmp_path / 'parent.yaml'}:32:16: forces.uk.tour_days: Input should be greater than 0 (got -1)"


def test_missing_file_and_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "tests/data/nope.yaml", "tests/data")
    assert code == 2
    assert err == [
        "tests/data/nope.yaml: file not found",
        "tests/data: is a directory, expected a YAML file",
        "error: 2 problem(s) found in 2 of 2 file(s)",
    ]


def test_good_files_say_ok_with_variant_count(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "tests/data/loader/base.yaml", "tests/data/loader/child.yaml")
    assert (code, err) == (0, [])
    assert out == ["ok: tests/data/loader/base.yaml (3 variants)", "ok: tests/data/loader/child.yaml (3 variants)"]


def test_claims_register_field_errors_are_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The register itself is validated; a bad firmness is located at its line."""
    bad = tmp_path / "claims.yaml"
    bad.write_text(CLAIMS.read_text().replace("firmness: potential", "firmness: maybe"))
    code = main(["validate", "--claims", str(bad), "tests/data/loader/base.yaml"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[0] == f"{bad}:13:15: claims.C02.firmness: Input should be 'stated', 'conditional' or 'potential' (got \"maybe\")"


def test_claims_register_duplicate_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "claims.yaml"
    bad.write_text(CLAIMS.read_text().replace("id: C02", "id: C01"))
    code = main(["validate", "--claims", str(bad), "tests/data/loader/base.yaml"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[0] == f"{bad}:1:1: duplicate claim id 'C01'"


def test_missing_claims_register_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--claims", "tests/data/none.yaml", "tests/data/loader/base.yaml"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and err[0] == "tests/data/none.yaml: file not found"


def test_shipped_scenarios_validate(capsys: pytest.CaptureFixture[str]) -> None:
    """Every scenario in scenarios/ validates against the shipped claims register."""
    root = Path(__file__).parent.parent
    files = sorted((root / "scenarios").glob("*.yaml"))
    if not files or not (root / "seeds" / "claims.yaml").exists():
        pytest.skip("no shipped scenarios or claims register yet")
    code = main(["validate", *map(str, files)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(out.splitlines()) == len(files)


def test_validate_copies_of_fixture_anywhere(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Relative extends resolve against the child's folder, not the working directory."""
    shutil.copy(DATA / "loader" / "base.yaml", tmp_path / "base.yaml")
    shutil.copy(DATA / "loader" / "child.yaml", tmp_path / "child.yaml")
    code, out, _ = run(capsys, str(tmp_path / "child.yaml"))
    assert code == 0 and out == [f"ok: {tmp_path / 'child.yaml'} (3 variants)"]
