"""The shipped variants move the metrics the way their names say, as paired differences.

Each variant runs with the base's seed (common random numbers), so a handful of replications gives
sharp paired intervals; a direction is asserted only as "the interval excludes zero on the
expected side", never as a pinned number.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import peacesim
from peacesim.experiment.compare import compare
from peacesim.experiment.results import RunResult

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
REPS, SEED = 5, 11

#: variant -> [(metric, +1 rises / -1 falls)]
EXPECTED: dict[str, list[tuple[str, int]]] = {
    "no_us_air_defence": [("leakers", +1), ("intercept_rate.ballistic", -1), ("armaments_delivered", -1)],
    "us_isr_only": [("detection_rate", -1), ("leakers", +1), ("armaments_delivered", -1)],
    "five_supporting_nations": [("coverage_mean", -1), ("troops_deployed_mean", -1)],
    "rotation_two_deep": [("presence_share", -1), ("troops_in_theatre_min", -1), ("coverage_mean", -1)],
    "threat_escalation": [("incidents", +1), ("threats", +1), ("leakers", +1)],
    "ceasefire_holds": [("threats", -1), ("leakers", -1)],
    "us_withdrawal_day_180": [("detection_rate", -1), ("armaments_delivered", -1), ("leakers", +1)],
}


def _run(file: str, variant: str | None = None) -> RunResult:
    scenario = peacesim.load(SCENARIOS / file, variant=variant)
    return peacesim.run(scenario, replications=REPS, seed=SEED, executor="serial")


@pytest.fixture(scope="module")
def base() -> RunResult:
    return _run("baseline.yaml")


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_variant_moves_metrics_as_named(base: RunResult, variant: str) -> None:
    other = _run("baseline.yaml", variant)
    diffs = {d.metric: d for d in compare(base, [other]).differences[other.label]}
    for metric, sign in EXPECTED[variant]:
        d = diffs[metric]
        assert d.distinguishable and (d.mean > 0) == (sign > 0), (
            f"{variant}: {metric} expected to {'rise' if sign > 0 else 'fall'}, "
            f"got {d.mean:+.4g} [{d.ci_low:+.4g}, {d.ci_high:+.4g}]"
        )


def test_japan_adds_output_and_changes_nothing_else(base: RunResult) -> None:
    other = _run("baseline.yaml", "japan_engineering_medical")
    assert other.summary["nonlethal_output.japan_demining"].mean > 0
    assert other.summary["nonlethal_output.japan_medical"].mean > 0
    for name in ("coverage_mean", "leakers", "detection_rate", "presence_share"):
        assert (other.metrics[name] == base.metrics[name]).all(), name


@pytest.mark.slow
def test_bigger_forces_cover_more(base: RunResult) -> None:
    brigade, division = _run("brigade.yaml"), _run("division.yaml")
    for small, big in ((base, brigade), (brigade, division)):
        (d,) = [d for d in compare(small, [big]).differences[big.label] if d.metric == "coverage_mean"]
        assert d.distinguishable and d.mean > 0
