"""Key paths, overrides on plain data, and the safe YAML reader."""

from __future__ import annotations

import pytest

from peacesim.errors import ScenarioError
from peacesim.scenario import yamlsafe
from peacesim.scenario.paths import apply_overrides, format_path, parse_path
from peacesim.scenario.tracked import to_plain

RAW = {
    "metadata": {"name": "x"},
    "forces": [{"id": "uk", "tour_days": 10}, {"id": "fr", "tour_days": 20}],
    "lift": [{"mode": "air", "capacity_units": 2}],
    "timeline": [{"day": 1, "change": "withdraw", "target": "uk"}],
}


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("forces.uk.rotation_depth", ["forces", "uk", "rotation_depth"]),
        ("enablers.air_defence.us_patriot.kill_probability.drone", ["enablers", "air_defence", "us_patriot", "kill_probability", "drone"]),
        ("timeline[0].day", ["timeline", 0, "day"]),
        ("a[1][2].b", ["a", 1, 2, "b"]),
    ],
)
def test_parse_and_format_round_trip(text: str, segments: list[object]) -> None:
    assert parse_path(text) == segments
    assert format_path(parse_path(text)) == text


@pytest.mark.parametrize("bad", ["", "a..b", "[0].a", "a.", "a]b", "a b.c[x]"])
def test_malformed_paths_are_refused(bad: str) -> None:
    with pytest.raises(ScenarioError, match="malformed key path"):
        parse_path(bad)


def test_apply_overrides_by_id_index_mode_and_creates_defaults() -> None:
    out = apply_overrides(RAW, {"forces.fr.tour_days": 30, "timeline[0].day": 5, "lift.air.capacity_units": 4,
                                "metadata.seed": 3, "forces.uk.caveats.non_lethal_only": True})
    assert out["forces"][1]["tour_days"] == 30 and out["timeline"][0]["day"] == 5
    assert out["lift"][0]["capacity_units"] == 4 and out["metadata"]["seed"] == 3
    assert out["forces"][0]["caveats"] == {"non_lethal_only": True}
    assert RAW["forces"][1]["tour_days"] == 20  # the input is not changed


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("forces.de.tour_days", "--set: forces.de.tour_days: no item with id 'de' under forces (available: uk, fr)"),
        ("forces.uk.tour_dayz", "--set: forces.uk.tour_dayz: no key 'tour_dayz' under forces.uk; did you mean 'tour_days'?"),
        ("metdata.name", "--set: metdata.name: no key 'metdata' under the top level; did you mean 'metadata'?"),
        ("metadata.name.first", "--set: metadata.name.first: metadata.name is a single value, so it has no 'first'"),
        ("forces[5].tour_days", "--set: forces[5].tour_days: index [5] is out of range: the list has 2 item(s)"),
    ],
)
def test_missing_paths_say_what_is_there(path: str, message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        apply_overrides(RAW, {path: 1})
    assert [p.render() for p in e.value.problems] == [message]


def test_yaml_allows_modest_aliases_and_keeps_positions() -> None:
    node = yamlsafe.parse("a: &x {k: 1}\nb: *x\nc:\n  - 2025-08-19\n  - no\n", "t")
    assert node is not None
    assert to_plain(node) == {"a": {"k": 1}, "b": {"k": 1}, "c": ["2025-08-19", False]}
    c = node.value["c"]
    assert (c.key_origin.line, c.key_origin.column) == (3, 1)  # type: ignore[union-attr]
    assert (c.value[1].origin.line, c.value[1].origin.column) == (5, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a:\n  b: 1\n  b: 2\n", "t:3:3: duplicate key 'b' (first at line 2)"),
        ("a: &x [*x]\n", "t:1:4: recursive alias: an anchor refers to itself"),
        ("<<: {a: 1}\n", "t:1:1: YAML merge keys (<<) are not supported; use extends: or repeat the keys"),
        ("a: !!set {x}\n", "t:1:4: tag !!set is not allowed; scenario files hold plain data only"),
        ("a: !custom 1\n", "t:1:4: tag !custom is not allowed; scenario files hold plain data only"),
        ("a: 1\n---\nb: 2\n", "t:2:1: invalid YAML: expected a single document in the stream but found another document"),
    ],
)
def test_yaml_refusals(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        yamlsafe.parse(text, "t")
    assert str(e.value) == message
