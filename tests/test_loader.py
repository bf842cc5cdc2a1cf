"""The loader: extends merging, variants, overrides, canonical text and hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.errors import ScenarioError
from peacesim.scenario.loader import list_variants, load_scenario, resolved_text, scenario_hash

LOADER = Path(__file__).parent / "data" / "loader"
BASE = LOADER / "base.yaml"
CHILD = LOADER / "child.yaml"


def errors(excinfo: pytest.ExceptionInfo[ScenarioError]) -> list[str]:
    return [p.render() for p in excinfo.value.problems]


def test_base_loads() -> None:
    s = load_scenario(BASE)
    assert s.metadata.name == "loader_base"
    assert [f.id for f in s.forces] == ["uk", "fr"]
    assert s.forces[1].deployment_delay_days.mean == 10  # a bare number is a fixed distribution
    assert s.metadata.sources["article"].date == "2025-08-19"  # timestamps stay text
    assert s.metadata.variant is None and s.variants


def test_extends_merges_dicts_and_lists_by_id() -> None:
    """Child keys win; id lists merge item by item and append new ids; other lists are replaced."""
    s = load_scenario(CHILD)
    assert s.metadata.name == "loader_child" and s.metadata.title == "Loader test scenario"
    assert s.metadata.horizon_days == 200
    uk, fr, pl = s.forces
    assert (uk.id, uk.rotation_depth, uk.tour_days, uk.nation) == ("uk", 4, 180, "United Kingdom")
    assert fr.id == "fr" and pl.id == "pl" and pl.troops_per_unit == 500
    assert [p.mode for p in s.lift] == ["air", "sea"]  # lift merges by mode
    assert s.timeline == []  # a list without ids is replaced
    assert s.extends is None


def test_variants_are_inherited_and_merged() -> None:
    assert list_variants(CHILD) == ["no_us_air_defence", "two_deep", "samp_t"]
    s = load_scenario(CHILD, variant="two_deep")
    assert [f.rotation_depth for f in s.forces] == [2, 3, 3]
    assert s.forces[2].tour_days == 60
    assert s.forces[0].deployment_delay_days.dist == "uniform"  # from the parent's variant
    assert s.metadata.variant == "two_deep" and s.variants == {}


def test_variant_remove_append_set_and_claims() -> None:
    s = load_scenario(BASE, variant="no_us_air_defence")
    assert s.enablers.air_defence == []
    assert s.metadata.claims == ["C01", "C02"]
    assert "Variant no_us_air_defence: The United States provides no air defence." in s.metadata.description
    t = load_scenario(BASE, variant="samp_t")
    assert [(a.id, a.stock) for a in t.enablers.air_defence] == [("samp_t", 48)]


def test_unknown_variant_suggests() -> None:
    with pytest.raises(ScenarioError) as e:
        load_scenario(BASE, variant="two_dep")
    assert errors(e) == ["variants: no variant 'two_dep' (variants: no_us_air_defence, two_deep, samp_t); did you mean 'two_deep'?"]


def test_overrides_as_strings_and_mapping() -> None:
    s = load_scenario(BASE, overrides=["forces.uk.rotation_depth=4", "metadata.replications=7",
                                        "forces.fr.deployment_delay_days={dist: exponential, mean: 3}"])
    assert s.forces[0].rotation_depth == 4 and s.metadata.replications == 7
    assert s.forces[1].deployment_delay_days.dist == "exponential"
    m = load_scenario(BASE, variant="two_deep", overrides={"forces.uk.caveats.non_lethal_only": False, "zones[1].priority": 2})
    assert m.forces[0].rotation_depth == 2 and m.zones[1].priority == 2


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("forces.uk.tour_days=-3", "--set: forces.uk.tour_days: Input should be greater than 0 (got -3)"),
        ("forces.de.tour_days=3", "--set: forces.de.tour_days: no item with id 'de' under forces (available: uk, fr)"),
        ("metadata.horizon=3", "--set: metadata.horizon: no key 'horizon' under metadata; did you mean 'horizon_days'?"),
        ("metadata.seed", "--set: expected KEY.PATH=VALUE (got 'metadata.seed')"),
        ("metadata.title=!!python/name:os.system", "--set: metadata.title: tag !!python/name:os.system is not allowed; scenario files hold plain data only"),
        ("zones[9].lat=1", "--set: zones[9].lat: index [9] is out of range: the list has 2 item(s)"),
        ("metadata.seed=.nan", "--set: metadata.seed: Input should be a valid integer (got nan)"),
    ],
)
def test_override_errors_name_set(override: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as e:
        load_scenario(BASE, overrides=[override])
    assert errors(e) == [expected]


def test_resolved_text_round_trips_and_hash_is_stable(tmp_path: Path) -> None:
    """The canonical YAML loads back to an equal scenario with the same hash."""
    s = load_scenario(CHILD, variant="samp_t")
    out = tmp_path / "resolved.yaml"
    out.write_text(resolved_text(s))
    again = load_scenario(out)
    assert again == s
    assert scenario_hash(again) == scenario_hash(s)
    assert scenario_hash(load_scenario(CHILD)) != scenario_hash(s)
    assert len(scenario_hash(s)) == 64


def test_hash_ignores_key_order_and_spelling_of_defaults(tmp_path: Path) -> None:
    text = BASE.read_text()
    reordered = tmp_path / "r.yaml"
    reordered.write_text(text.replace("  replications: 5\n", "  replications: 5\n  seed: 20250819\n"))
    assert scenario_hash(load_scenario(reordered)) == scenario_hash(load_scenario(BASE))


def test_extends_chain_of_three(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for f in (BASE, CHILD):
        (tmp_path / "sub" / f.name).write_text(f.read_text())
    (tmp_path / "grandchild.yaml").write_text(
        f"extends: sub/{CHILD.name}\nforces:\n  - id: pl\n    tour_days: 30\n"
    )
    s = load_scenario(tmp_path / "grandchild.yaml", variant="no_us_air_defence")
    assert [f.tour_days for f in s.forces] == [180, 120, 30]
    assert s.metadata.name == "loader_child"


def test_self_extends_is_a_cycle(tmp_path: Path) -> None:
    f = tmp_path / "self.yaml"
    f.write_text("extends: self.yaml\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert errors(e) == [f"{f}:1:1: extends: cycle of extends: self.yaml -> self.yaml"]


def test_extends_must_be_text(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("extends: [a, b]\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert errors(e) == [f"{f}:1:1: extends: extends must name a scenario file (a relative path) (got [\"a\", \"b\"])"]


def test_error_in_list_without_ids_uses_index(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text(BASE.read_text().replace("{day: 60, change: withdraw, target: fr}", "{day: -1, change: withdraw, target: fr}"))
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert errors(e) == [f"{f}:70:11: timeline[0].day: Input should be greater than or equal to 0 (got -1)"]


def test_bad_distribution_tag_is_located(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(BASE.read_text().replace("deployment_delay_days: 10", "deployment_delay_days: {dist: gamma, mean: 3}"))
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    [line] = errors(e)
    assert line.startswith(f"{f}:44:5: forces.fr.deployment_delay_days: Input tag 'gamma' found using 'dist' does not match")


def test_duplicate_ids_are_located_at_the_second_item(tmp_path: Path) -> None:
    f = tmp_path / "dup.yaml"
    f.write_text(BASE.read_text().replace("  - id: odesa\n", "  - id: kyiv\n").replace("zones: [odesa]", "zones: [kyiv]")
                 .replace("base_zone: odesa", "base_zone: kyiv"))
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert errors(e) == [f"{f}:19:5: zones[1]: duplicate zone id 'kyiv'"]


def test_a_variant_kind_is_kept_and_a_combination_with_a_stress_case_is_one() -> None:
    """kind: stress (what could happen to the package) survives loading as metadata.variant_kind."""
    baseline = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    assert load_scenario(baseline).metadata.variant_kind is None
    assert load_scenario(baseline, variant="rotation_two_deep").metadata.variant_kind == "option"
    assert load_scenario(baseline, variant="ceasefire_fails").metadata.variant_kind == "stress"
    both = load_scenario(baseline, variant="rotation_two_deep+us_withdrawal_day_180").metadata
    assert both.variant == "rotation_two_deep+us_withdrawal_day_180" and both.variant_kind == "stress"
