"""Key path globs (``forces.*.rotation_depth``, ``forces.{uk,france}.troops_per_unit``) and --scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.errors import ScenarioError
from peacesim.experiment import scenarios
from peacesim.experiment.sweep import value_at
from peacesim.scenario.paths import expand, is_glob
from peacesim.scenario.tracked import Origin, from_plain

TWO = """\
metadata: {name: two, title: Two, horizon_days: 30, replications: 2, seed: 1}
zones:
  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100}
forces:
  - {id: uk, nation: UK, troops_per_unit: 100, rotation_depth: 3, tour_days: 10, recovery_days: 10, training_days: 10, tasks: [guard]}
  - {id: france, nation: France, troops_per_unit: 120, rotation_depth: 3, tour_days: 10, recovery_days: 10, training_days: 10, tasks: [guard]}
  - {id: partner_01, nation: P1, troops_per_unit: 50, rotation_depth: 2, tour_days: 10, recovery_days: 10, training_days: 10, tasks: [guard]}
variants:
  thin:
    set: {forces.*.rotation_depth: 1}
"""


@pytest.fixture
def two(tmp_path: Path) -> Path:
    p = tmp_path / "two.yaml"
    p.write_text(TWO)
    return p


def test_star_and_alternatives_move_values_together(two: Path) -> None:
    sc = scenarios.load(two, None, ["forces.*.rotation_depth=4", "forces.{uk,france}.troops_per_unit=500"])
    assert [(f.rotation_depth, f.troops_per_unit) for f in sc.forces] == [(4, 500), (4, 500), (4, 50)]
    partial = scenarios.load(two, None, {"forces.partner_*.tour_days": 30})
    assert [f.tour_days for f in partial.forces] == [10, 10, 30]


def test_a_variant_may_use_a_glob(two: Path) -> None:
    assert [f.rotation_depth for f in scenarios.load(two, "thin").forces] == [1, 1, 1]


def test_expand_lists_concrete_paths() -> None:
    root = from_plain({"forces": [{"id": "uk", "x": 1}, {"id": "fr", "x": 2}]}, Origin())
    assert expand(root, "forces.*.x") == ["forces.uk.x", "forces.fr.x"]
    assert expand(root, "forces.{fr,uk}.x") == ["forces.fr.x", "forces.uk.x"]
    assert expand(root, "forces.uk.x") == ["forces.uk.x"]
    assert is_glob("a.*.b") and is_glob("a.{b,c}") and not is_glob("a.b[0].c")


def test_a_glob_that_matches_nothing_is_named(two: Path) -> None:
    with pytest.raises(ScenarioError, match=r"the glob 'forces.x\*.tour_days' matches nothing.*available: uk, france"):
        scenarios.load(two, None, ["forces.x*.tour_days=3"])


def test_a_missing_alternative_names_the_glob_and_suggests(two: Path) -> None:
    with pytest.raises(ScenarioError, match=r"did you mean 'france'\?.*from the glob 'forces.\{uk,frane\}"):
        scenarios.load(two, None, ["forces.{uk,frane}.troops_per_unit=3"])


def test_scale_multiplies_every_match_and_keeps_integers(two: Path) -> None:
    """--scale applies after the variant and before --set; integer fields are rounded."""
    sc = scenarios.load(two, None, ["forces.uk.troops_per_unit=7"], ["forces.*.troops_per_unit=1.5"])
    assert [f.troops_per_unit for f in sc.forces] == [7, 180, 75]
    assert all(isinstance(f.troops_per_unit, int) for f in sc.forces)
    thin = scenarios.load(two, "thin", None, {"forces.*.rotation_depth": 3})
    assert [f.rotation_depth for f in thin.forces] == [3, 3, 3]


@pytest.mark.parametrize(("scale", "message"), [
    ("forces.uk=2", "--scale: forces.uk: cannot scale a mapping"),
    ("forces.q*.tour_days=2", "the glob 'forces.q\\*.tour_days' matches nothing"),
    ("forces.uk.tour_days", "expected PATH_GLOB=FACTOR"),
    ("forces.uk.tour_days=inf", "expected PATH_GLOB=FACTOR"),
])
def test_scale_errors(two: Path, scale: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenarios.load(two, None, None, [scale])


def test_value_at_a_glob(two: Path) -> None:
    sc = scenarios.load(two)
    assert value_at(sc, "forces.{uk,france}.rotation_depth") == 3
    assert value_at(sc, "forces.*.troops_per_unit") == [100, 120, 50]


def test_a_sweep_parameter_may_be_a_glob(two: Path) -> None:
    """One --param moves every match: each point's scenario has all of them at the point's value."""
    from peacesim.experiment import sweep

    planned = sweep.plan(two, ["forces.{uk,france}.troops_per_unit=200:400:3"], replications=1)
    assert planned.params[0].integer
    assert [[f.troops_per_unit for f in sc.forces] for sc in planned.scenarios] == [[200, 200, 50], [300, 300, 50], [400, 400, 50]]
    assert planned.base_values == {"forces.{uk,france}.troops_per_unit": [100, 120]}
