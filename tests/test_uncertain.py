"""Uncertain values in the scenario language: point values for a plain run, ranges for explore, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.errors import ScenarioError
from peacesim.scenario.explain import explain_text
from peacesim.scenario.loader import load_resolved
from peacesim.scenario.tracked import to_plain
from peacesim.scenario.uncertain import realise

FORCE = "nation: N\n    tour_days: 180\n    tasks: [guard]"
TEXT = f"""\
metadata: {{name: vague, title: Vague, horizon_days: 20, replications: 4, seed: 7}}
zones:
  - {{id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100}}
forces:
  - id: uk
    {FORCE}
    troops_per_unit: {{explore: [20, 200], value: 80, claim: C01}}
  - id: pl
    {FORCE}
    troops_per_unit: 10
    readiness_day: {{explore: {{dist: triangular, low: 0, mode: 5, high: 30}}, value: 5}}
    explore: {{present: 0.5, claim: C07}}
  - id: ro
    {FORCE}
    troops_per_unit: {{explore: {{choices: [5, 10, 20]}}, value: 10}}
  - {{id: cz, nation: N, tour_days: 180, tasks: [guard], troops_per_unit: 7}}
explore:
  partners: {{count: [0, 2], of: [forces.ro, forces.cz], value: 1, claim: C03}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vague.yaml"
    path.write_text(text)
    return path


def test_plain_run_uses_point_values_and_records_the_ranges(tmp_path: Path) -> None:
    r = load_resolved(write(tmp_path, TEXT))
    forces = {f.id: f for f in r.scenario.forces}
    assert forces["uk"].troops_per_unit == 80 and forces["ro"].troops_per_unit == 10
    assert forces["pl"].readiness_day == 5
    assert "cz" not in forces  # the count's point value 1 keeps only the first listed partner
    kinds = {u.name: (u.kind, u.claim, u.integer) for u in r.space.params}
    assert kinds == {
        "forces.uk.troops_per_unit": ("range", "C01", True),
        "forces.pl.readiness_day": ("dist", None, False),
        "forces.pl": ("present", "C07", False),
        "forces.ro.troops_per_unit": ("choices", None, True),
        "partners": ("count", "C03", True),
    }
    assert r.space.params[0].where.endswith("vague.yaml:9")


def test_sampled_values_apply_as_overrides_and_removals(tmp_path: Path) -> None:
    r = load_resolved(write(tmp_path, TEXT))
    assert r.base is not None
    data = to_plain(realise(r.base, r.space, {"forces.uk.troops_per_unit": 150, "forces.pl": False, "partners": 2}))
    assert [f["id"] for f in data["forces"]] == ["uk", "ro", "cz"]
    assert data["forces"][0]["troops_per_unit"] == 150


def test_realise_copies_only_what_it_edits_and_leaves_the_base_as_it_was(tmp_path: Path) -> None:
    """Points share the untouched parts of the base tree; the base, and earlier points, never change."""
    r = load_resolved(write(tmp_path, TEXT + "timeline:\n  - {day: 10, change: withdraw, target: pl}\n"))
    assert r.base is not None
    before = to_plain(r.base)
    values = [{"forces.uk.troops_per_unit": 150, "forces.pl": False, "partners": 0},
              {"forces.uk.troops_per_unit": 30, "forces.pl": True, "partners": 2, "forces.ro.troops_per_unit": 20}]
    first = realise(r.base, r.space, values[0])
    first_plain = to_plain(first)
    second = to_plain(realise(r.base, r.space, values[1]))
    assert to_plain(r.base) == before and to_plain(first) == first_plain
    assert [f["id"] for f in first_plain["forces"]] == ["uk"] and first_plain["timeline"] == []
    assert [f["id"] for f in second["forces"]] == ["uk", "pl", "ro", "cz"] and len(second["timeline"]) == 1
    assert second["forces"][2]["troops_per_unit"] == 20 and before["forces"][2]["troops_per_unit"] == 10


def test_explain_shows_point_value_and_range(tmp_path: Path) -> None:
    text = explain_text(load_resolved(write(tmp_path, TEXT)))
    assert "troops_per_unit: 80" in text and "point value of an uncertain value" in text
    assert "forces.uk.troops_per_unit: 80 in [20, 200], claim C01" in text
    assert "partners: 1 in count [0, 2] of 2, claim C03" in text


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("[20, 200], value: 80", "[20, 200], value: 800", ":9:22: forces.uk.troops_per_unit: value must be a number inside"),
    ("[20, 200], value: 80", "[-20, 200], value: 80", ":9:5: forces.uk.troops_per_unit: Input should be greater than or equal to 1"),
    ("[20, 200], value: 80", "[200, 20], value: 80", "forces.uk.troops_per_unit: a range needs LOW < HIGH"),
    ("{present: 0.5, claim: C07}", "{present: 1.5}", ":16:24: forces.pl.explore.present: Input should be less than or equal to 1"),
    ("count: [0, 2]", "count: [0, 3]", ":24:13: explore.partners: count needs 0 <= LOW < HIGH <= 2"),
    ("forces.cz]", "forces.xx]", ":24:45: explore.partners.of[1]: no item with id 'xx' under forces"),
    ("{choices: [5, 10, 20]}, value: 10", "{choices: [5, 20]}, value: 10", "value must be one of the choices"),
    ("{choices: [5, 10, 20]}", "{dist: weird}", "forces.ro.troops_per_unit.explore"),
    ("{choices: [5, 10, 20]}", "7", "explore takes [LOW, HIGH], {dist: NAME, ...} or {choices: [...]}"),
])
def test_bad_ranges_are_located(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in TEXT
    with pytest.raises(ScenarioError) as err:
        load_resolved(write(tmp_path, TEXT.replace(old, new, 1)))
    assert expected in str(err.value)
