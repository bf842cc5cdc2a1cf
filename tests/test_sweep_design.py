"""Sweep designs: parsing ``--param``, grid size, Latin hypercube strata, one-at-a-time layout."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacesim.errors import ScenarioError, UsageError
from peacesim.experiment import design
from peacesim.scenario.schema import Scenario


def test_parse_values_and_integer_inference():
    """Values are parsed as YAML; an integer field makes 2.0 the integer 2."""
    p = design.parse_param("forces.uk.rotation_depth=2,3.0,4", Scenario)
    assert p.kind == "values" and p.integer and p.values == (2, 3, 4)
    assert all(type(v) is int for v in p.values)
    q = design.parse_param("zones.kyiv.weight=1,2.5", Scenario)
    assert not q.integer and q.values == (1, 2.5)


def test_parse_range_and_steps():
    p = design.parse_param("zones.kyiv.weight=0.5:2", Scenario)
    assert (p.kind, p.low, p.high, p.steps, p.integer) == ("range", 0.5, 2.0, None, False)
    g = design.parse_param("zones.kyiv.weight=0:1:5", Scenario)
    assert g.grid_values() == [0.0, 0.25, 0.5, 0.75, 1.0]
    i = design.parse_param("forces.uk.rotation_depth=2:4:3", Scenario)
    assert i.grid_values() == [2, 3, 4] and all(type(v) is int for v in i.grid_values())


def test_structured_values_keep_their_commas():
    """A distribution written inline is one value, not split at its inner commas."""
    p = design.parse_param("forces.fr.deployment_delay_days={dist: fixed, value: 2},{dist: uniform, low: 1, high: 9}")
    assert p.values == ({"dist": "fixed", "value": 2}, {"dist": "uniform", "low": 1, "high": 9})


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("forces.uk.rotation_depth", "KEY.PATH=V1,V2"),
        ("=1,2", "KEY.PATH=V1,V2"),
        ("zones.kyiv.weight=2:1", "LOW < HIGH"),
        ("forces.uk.rotation_depth=1.5:3", "must be integers"),
        ("forces.uk.lift=1:3", "needs a numeric field"),
        ("zones.kyiv.weight=1,1", "repeated value"),
        ("zones.kyiv.weight=0:1:1", "STEPS"),
    ],
)
def test_parse_errors_name_the_parameter(text, match):
    with pytest.raises(UsageError, match=match):
        design.parse_param(text, Scenario)


def test_bad_yaml_value_is_a_located_scenario_error():
    with pytest.raises(ScenarioError, match=r"--param: zones.kyiv.weight"):
        design.parse_param("zones.kyiv.weight=[1,", Scenario)


def test_grid_size_is_the_product_of_value_counts():
    params = [design.parse_param(t, Scenario) for t in
              ("forces.uk.rotation_depth=2,3,4", "zones.kyiv.weight=1,2", "forces.uk.lift=air,sea,rail,road")]
    points = design.grid(params)
    assert len(points) == 3 * 2 * 4
    combos = {tuple(p.overrides.values()) for p in points}
    assert len(combos) == 24
    assert [p.index for p in points] == list(range(24))
    assert points[0].overrides == {"forces.uk.rotation_depth": 2, "zones.kyiv.weight": 1, "forces.uk.lift": "air"}


def test_grid_refuses_a_plain_range():
    with pytest.raises(UsageError, match="LOW:HIGH:STEPS"):
        design.grid([design.parse_param("zones.kyiv.weight=0:1", Scenario)])


def _strata(values: list[float], low: float, high: float, n: int) -> list[int]:
    return sorted(int(math.floor((v - low) / (high - low) * n)) for v in values)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 60),
    seed=st.integers(0, 2**63 - 1),
    low=st.floats(-1e3, 1e3),
    width=st.floats(1e-3, 1e3),
)
def test_lhs_hits_each_stratum_once_and_stays_in_range(n, seed, low, width):
    """For every parameter, the n points fall one in each of the n equal strata of its range."""
    high = low + width
    a = design.Param("zones.kyiv.weight", "range", low=low, high=high)
    b = design.Param("zones.odesa.weight", "range", low=0.0, high=1.0)
    points = design.latin_hypercube([a, b], n, seed)
    assert len(points) == n
    xa = [p.overrides[a.path] for p in points]
    xb = [p.overrides[b.path] for p in points]
    assert all(low <= x <= high for x in xa) and all(0.0 <= x < 1.0 for x in xb)
    assert _strata(xb, 0.0, 1.0, n) == list(range(n))
    # the affine map can round a value onto a stratum edge; compare with the unit hypercube instead
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=design.LHS_STREAM))
    units = design.lhs_unit(2, n, rng)
    assert sorted(np.floor(units[:, 0] * n).astype(int)) == list(range(n))
    assert np.allclose(xa, low + units[:, 0] * width)


def test_lhs_is_reproducible_with_the_seed():
    params = [design.parse_param("zones.kyiv.weight=0.5:2", Scenario),
              design.parse_param("forces.uk.troops_per_unit=100:900", Scenario)]
    first = design.latin_hypercube(params, 12, 42)
    assert [p.overrides for p in first] == [p.overrides for p in design.latin_hypercube(params, 12, 42)]
    assert [p.overrides for p in first] != [p.overrides for p in design.latin_hypercube(params, 12, 43)]


def test_lhs_integer_field_takes_each_integer_once_when_n_matches():
    """Integers are sampled uniformly over LOW..HIGH: with N = HIGH-LOW+1 each appears exactly once."""
    p = design.parse_param("forces.uk.rotation_depth=1:12", Scenario)
    values = [pt.overrides[p.path] for pt in design.latin_hypercube([p], 12, 7)]
    assert sorted(values) == list(range(1, 13)) and all(type(v) is int for v in values)


def test_lhs_over_a_value_list_uses_each_value_equally():
    p = design.parse_param("forces.uk.lift=air,sea,rail,road", Scenario)
    values = [pt.overrides[p.path] for pt in design.latin_hypercube([p], 8, 3)]
    assert sorted(values) == sorted(["air", "sea", "rail", "road"] * 2)


def test_one_at_a_time_has_base_plus_two_points_per_parameter():
    params = [design.parse_param("forces.uk.rotation_depth=2:4", Scenario),
              design.parse_param("zones.kyiv.weight=0.5,3", Scenario),
              design.parse_param("forces.uk.lift=sea,rail", Scenario)]
    points = design.one_at_a_time(params)
    assert len(points) == 2 * 3 + 1
    assert points[0].role == "base" and points[0].overrides == {}
    assert [(p.role, p.param, p.overrides) for p in points[1:3]] == [
        ("low", "forces.uk.rotation_depth", {"forces.uk.rotation_depth": 2}),
        ("high", "forces.uk.rotation_depth", {"forces.uk.rotation_depth": 4}),
    ]
    assert points[6].overrides == {"forces.uk.lift": "rail"}


def test_one_at_a_time_needs_two_values():
    with pytest.raises(UsageError, match="exactly two values"):
        design.one_at_a_time([design.parse_param("zones.kyiv.weight=1,2,3", Scenario)])


def test_same_path_twice_is_refused():
    params = [design.parse_param("zones.kyiv.weight=1,2", Scenario), design.parse_param("zones.kyiv.weight=3,4", Scenario)]
    with pytest.raises(UsageError, match="given twice"):
        design.check_distinct(params)
