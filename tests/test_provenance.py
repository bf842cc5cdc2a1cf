"""Source kinds: each number says whether it is cited, derived or an assumption, and validate checks it.

A cited number must appear in its quote (thousands separators normalised), a derived one in its
arithmetic, and an assumption inside its range; a wrong entry is a located error with exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.cli import main
from peacesim.errors import ScenarioError
from peacesim.report.assumptions import assumptions_table
from peacesim.scenario.loader import load_scenario
from peacesim.scenario.provenance import appears_in, numbers_in, support_problems

HEAD = """\
metadata:
  name: kinds
  title: Kinds
  horizon_days: 10
  sources:
    liga: {title: Syrskyi on the front, note: "the active front stretches almost 1,250 km"}
    times: {title: Pledges, note: "Britain was ready to send 5-10 thousand people"}
zones:
  - id: line
    name: Line
    kind: ceasefire_line
    lat: 48.0
    lon: 36.5
    length_km: {length}
    troops_required: {troops}
    weight: 2
    sources:
      length_km: {kind: cited, source: liga, quote: "the active front stretches almost 1,250 km"}
      troops_required: {kind: derived, from: [liga], arithmetic: "1,250 km / 25 km per post x 10 = 500"}
      weight: {kind: assumption, range: [1, 3], note: the line matters twice as much}
      lat: assumption
      lon: liga
"""


def write(tmp_path: Path, length: str = "1250", troops: str = "500", extra: str = "") -> Path:
    path = tmp_path / "kinds.yaml"
    path.write_text(HEAD.replace("{length}", length).replace("{troops}", troops) + extra, encoding="utf-8")
    return path


def validate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", str(path)])
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(("text", "value"), [
    ("almost 1,250 km", 1250), ("1\u202f084.2 kilometres", 1084.2), ("has reached 504", 504),
    ("about 85% in August", 0.85), ("5-10 thousand people", 5000), ("5-10 thousand people", 10000),
    ("US$4.5 billion", 4.5e9), ("12.3 a day", 12.3),
])
def test_numbers_are_read_as_a_reader_reads_them(text: str, value: float) -> None:
    assert appears_in(value, text)


@pytest.mark.parametrize(("text", "value"), [
    ("almost 1,250 km", 250), ("almost 1,250 km", 125), ("version 2.5", 5), ("504 monitors", 50.4),
    ("ab12", 12), ("85% of drones", 85.5),
])
def test_numbers_not_in_the_text_are_not_found(text: str, value: float) -> None:
    assert not appears_in(value, text)


def test_thousands_separators_do_not_split_numbers() -> None:
    assert numbers_in("1,250 and 2,000,000") == [1250, 2_000_000]


def test_a_supported_file_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(write(tmp_path))])
    assert code == 0 and "ok:" in capsys.readouterr().out


def test_a_cited_number_missing_from_its_quote_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, length="1300")
    code, err = validate(path, capsys)
    assert code == 2
    assert err[0] == (f"{path}:18:7: zones.line.sources.length_km: cites 'liga' for 1300, but the quote does not "
                      "contain it (quote: 'the active front stretches almost 1,250 km')")


def test_derived_and_range_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, troops="600")
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 2\n", "weight: 4\n"), encoding="utf-8")
    code, err = validate(path, capsys)
    assert code == 2
    assert any(":19:7: zones.line.sources.troops_required: derived value 600 does not appear in its arithmetic" in e
               for e in err)
    assert any(":20:7: zones.line.sources.weight: assumption 4 lies outside its range [1, 3]" in e for e in err)


def test_a_variant_that_moves_a_cited_number_must_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, extra="variants:\n  longer:\n    set: {zones.line.length_km: 1400}\n")
    code, err = validate(path, capsys)
    assert code == 2 and len(err) == 2
    assert "zones.line.sources.length_km: cites 'liga' for 1400" in err[0] and err[0].endswith("in variant 'longer'")


def test_an_entry_without_a_kind_and_an_unknown_source_are_schema_errors(tmp_path: Path) -> None:
    path = write(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lat: assumption", "lat: {kind: guess}"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.render().startswith(f"{path}:21:7: zones.line.sources.lat: a source entry is 'assumption', a "
                                       "source id, or a mapping with kind cited (source, quote)")
    path.write_text(text.replace("lon: liga", "lon: {kind: cited, source: nowhere, quote: '36.5'}"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.render() == (f"{path}:22:7: zones.line.sources.lon: cites unknown source 'nowhere'; add it to "
                                "metadata.sources or write 'assumption'")


def test_a_key_inside_a_mapping_can_have_its_own_entry(tmp_path: Path) -> None:
    extra = ("enablers:\n  air_defence:\n    - id: sam\n      provider: X\n      system: S\n      batteries: 1\n"
             "      stock: 10\n      kill_probability: {cruise: 0.6, ballistic: 0.2}\n      zones: [line]\n"
             "      sources:\n        kill_probability.cruise: {kind: assumption, range: [0.54, 0.68]}\n"
             "        kill_probability.ballistic: {kind: assumption, range: [0.3, 0.4]}\n")
    scenario = load_scenario(write(tmp_path, extra=extra))
    assert support_problems(scenario) == [
        ("enablers.air_defence.sam", "kill_probability.ballistic", "assumption 0.2 lies outside its range [0.3, 0.4]"),
    ]
    rows = {r.field: r for r in assumptions_table(scenario) if r.path == "enablers.air_defence.sam"}
    assert rows["kill_probability.cruise"].kind == "assumption" and rows["kill_probability.cruise"].support == "range 0.54-0.68"
    assert rows["kill_probability.ballistic"].support.startswith("NOT SUPPORTED")
    assert rows["stock"].kind == "undeclared"


def test_the_assumptions_table_shows_each_kind(tmp_path: Path) -> None:
    rows = {r.field: r for r in assumptions_table(load_scenario(write(tmp_path))) if r.path == "zones.line"}
    assert rows["length_km"].kind == "cited" and "1,250 km" in rows["length_km"].support
    assert rows["troops_required"].kind == "derived" and rows["troops_required"].support.endswith("= 500")
    assert rows["weight"].kind == "assumption" and rows["weight"].support == "range 1-3; the line matters twice as much"
    assert rows["lat"].kind == "assumption" and rows["lon"].kind == "unstated" and rows["lon"].status == "sourced"
    assert rows["priority"].kind == "undeclared"


def test_a_child_file_replaces_a_source_entry_whole(tmp_path: Path) -> None:
    write(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: kinds.yaml\nzones:\n  - id: line\n    weight: 5\n    sources:\n"
                     "      weight: {kind: derived, from: [liga], arithmetic: '2 + 3 = 5'}\n", encoding="utf-8")
    ref = load_scenario(child).zones[0].sources["weight"]
    assert ref.kind == "derived" and not hasattr(ref, "range")
