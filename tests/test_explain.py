"""``peacesim explain``: every value labelled with its origin; ``--diff`` lists a variant's changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.cli import main


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parent.parent)


def explain(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return [" ".join(line.split()) for line in out.splitlines()]


def test_origins_follow_extends_variant_set_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain(capsys, "tests/data/loader/child.yaml", "--variant", "two_deep", "--set", "metadata.seed=7")
    assert "name: loader_child # tests/data/loader/child.yaml:3" in lines
    assert "title: Loader test scenario # tests/data/loader/base.yaml:4" in lines
    assert "seed: 7 # --set" in lines
    assert "rotation_depth: 2 # variant two_deep (tests/data/loader/child.yaml:20)" in lines
    assert "dist: uniform # variant two_deep (tests/data/loader/base.yaml:80)" in lines
    assert "units_deployed: 1 # default" in lines
    assert "- id: uk # tests/data/loader/child.yaml:6" in lines


def test_bare_number_distribution_is_labelled_with_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain(capsys, "tests/data/loader/base.yaml")
    i = lines.index("- id: fr # tests/data/loader/base.yaml:40")
    block = lines[i: i + 30]
    assert "dist: fixed # tests/data/loader/base.yaml:44" in block
    assert "value: 10.0 # tests/data/loader/base.yaml:44" in block


def test_diff_lists_changes_by_path(capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain(capsys, "tests/data/loader/base.yaml", "--diff")
    assert lines == [
        "variant no_us_air_defence:",
        'metadata.claims: ["C01"] -> ["C01", "C02"]',
        "enablers.air_defence.us_patriot: removed",
        "variant two_deep:",
        "forces.uk.rotation_depth: 3 -> 2",
        'forces.uk.deployment_delay_days.dist: "triangular" -> "uniform"',
        "forces.uk.deployment_delay_days.low: 5.0 -> 3.0",
        "forces.uk.deployment_delay_days.mode: 7.0 -> (removed)",
        "forces.uk.deployment_delay_days.high: 14.0 -> 9.0",
        "variant samp_t:",
        "enablers.air_defence.us_patriot: removed",
        "enablers.air_defence.samp_t: added",
    ]


def test_diff_of_one_variant_with_set(capsys: pytest.CaptureFixture[str]) -> None:
    """--set applies to both sides, and after the variant: it wins over the variant's own set."""
    lines = explain(capsys, "tests/data/loader/child.yaml", "--diff", "--variant", "two_deep", "--set", "forces.pl.tour_days=70")
    assert lines[:2] == ["variant two_deep:", "forces.uk.rotation_depth: 4 -> 2"]
    assert not any(line.startswith("forces.pl.tour_days") for line in lines)


def test_explain_bad_variant_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "tests/data/loader/base.yaml", "--variant", "nope"]) == 2
    assert capsys.readouterr().err.startswith("error: variants: no variant 'nope'")


def test_diff_lists_timeline_changes_one_per_line() -> None:
    """Timeline entries have no id: a variant's added changes are listed one per line, in words."""
    from peacesim.scenario.explain import diff_lines
    from peacesim.scenario.loader import load_scenario

    baseline = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    base = load_scenario(baseline)
    other = load_scenario(baseline, variant="us_withdrawal_day_180")
    lines = diff_lines(base, other)
    assert 'timeline: added day 180.0, change "withdraw", target "us_patriot"' in lines
    assert all("claims" not in line for line in lines)


def test_diff_notes_a_values_changed_source_on_its_own_line(capsys: pytest.CaptureFixture[str]) -> None:
    """rotation_two_deep changes each contingent's depth and its source: one line per value, the source a note,
    and the variant's kind (stress or option) is bookkeeping, not a change."""
    lines = explain(capsys, "scenarios/baseline.yaml", "--diff", "--variant", "rotation_two_deep")
    assert lines[1] == 'forces.uk.rotation_depth: 3 -> 2 (source: "derived" -> "assumption")'
    assert len(lines) == 13 and not any(".sources." in line for line in lines)
    stress = explain(capsys, "scenarios/baseline.yaml", "--diff", "--variant", "ceasefire_fails")
    assert not any("variant_kind" in line for line in stress)
