"""Findings: few, headline-only, honest about intervals, and readable numbers."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from peacesim.experiment.results import Difference
from peacesim.model import HEADLINE_METRICS, is_headline
from peacesim.report.findings import findings
from peacesim.report.phrasing import change, is_relative, run_name, sig, signed
from report_fixtures import Effects, make_pair, make_run, paired_comparison, summarise


@pytest.fixture(scope="module")
def seven():
    """A reference and six variants, the size of the shipped baseline with its variants."""
    base = make_run(run_id="r-base")
    others = [
        make_run(variant=f"variant_{i}", run_id=f"r-{i}", seed=10 + i,
                 effects=Effects(coverage=0.75 - 0.05 * i, leak_rate=0.1 + 0.02 * i, response_hours=1.5 + 0.3 * i))
        for i in range(6)
    ]
    return base, others, paired_comparison(base, others)


def _names_in(text: str) -> set[str]:
    """Non-headline metric words that must never appear in a finding."""
    banned = ("90th percentile", "warning time", "threats in all raids", "interceptors used", "troops committed",
              "leakers.", "intercept_rate.")
    return {b for b in banned if b in text.lower()}


def test_few_findings_one_bullet_per_compared_run(seven):
    base, others, comparison = seven
    out = findings([base, *others], comparison)
    levels = [f for f in out if f.kind == "level"]
    bullets = [f for f in out if f.kind != "level"]
    assert 2 <= len(levels) <= 5  # 2-4 about the reference, plus at most one on what no run reaches
    assert len(bullets) == len(others)
    assert len(out) <= 12  # not a wall of text: the old findings made ~60 bullets for 7 runs
    assert [f.lead for f in bullets] == [f"Variant {i}" for i in range(6)]


def test_findings_state_only_headline_metrics(seven):
    base, others, comparison = seven
    for f in findings([base, *others], comparison):
        assert all(is_headline(m) for m in f.metrics), f
        assert not _names_in(f.text), f.text


def test_at_most_three_changes_stated_per_run(seven):
    base, others, comparison = seven
    for f in findings([base, *others], comparison):
        if f.kind == "difference":
            assert 1 <= len(f.metrics) <= 3
            assert f.text.count(" CI ") <= 3


def test_no_zero_percent_and_no_undefined_interval_wording(seven):
    base, others, comparison = seven
    text = " ".join(f.text for f in findings([base, *others], comparison))
    assert not re.search(r"[+\u2212-]0(\.0+)?%", text)
    assert "interval undefined" not in text and "nan" not in text.lower()


def test_only_distinguishable_differences_are_stated(seven):
    base, others, comparison = seven
    by_run = dict(zip((o.label for o in others), findings([base, *others], comparison)[-len(others):]))
    for label, f in by_run.items():
        diffs = {d.metric: d for d in comparison.differences[label]}
        assert all(diffs[m].distinguishable for m in f.metrics)
        undistinguished = [m for m, d in diffs.items() if is_headline(m) and not d.distinguishable and d.n > 0]
        if undistinguished:
            assert "no distinguishable change in" in f.text


def test_reference_levels_carry_units_and_intervals():
    base = make_run(run_id="r-base")
    levels = findings([base])
    assert all(f.kind == "level" for f in levels) and 2 <= len(levels) <= 4
    cov = base.summary["coverage_mean"]
    first = levels[0].text
    assert first.startswith("The baseline run's mean coverage (each zone's filled share of its required troops, "
                            "weighted by the zone's importance) is ")
    assert f"{100 * cov.mean:#.3g}%" in first and "95% CI" in first
    assert "initial operating capability (50% coverage) is reached" in first
    air = next(f.text for f in levels if "stock runs out" in f.text or "never runs out" in f.text)
    assert "United States Patriot" in air
    assert "missiles" in air and "reach defended zones unkilled" in air and "the package's air defences kill" in air
    assert "has interceptors in stock for" in air


def test_metric_undefined_in_both_runs_is_one_plain_statement():
    base, worse = make_pair()
    for run in (base, worse):
        run.metrics["foc_day"] = np.full(run.replications, np.nan)
        run.summary["foc_day"] = summarise(run.metrics["foc_day"])
    out = findings([base, worse], paired_comparison(base, [worse]))
    text = " ".join(f.text for f in out)
    assert "full (90%) operating capability" not in text  # IOC is reached here, so FOC stands alone
    assert text.lower().count("full operating capability (90% coverage) is reached in neither run") == 1
    assert "interval undefined" not in text


def test_event_defined_in_one_run_only_is_said_so():
    base, worse = make_pair()
    worse.metrics["ioc_day"] = np.full(worse.replications, np.nan)
    worse.summary["ioc_day"] = summarise(worse.metrics["ioc_day"])
    bullet = findings([base, worse], paired_comparison(base, [worse]))[-1].text
    assert "initial operating capability (50% coverage) is reached in the reference but never in this run" in bullet


def test_relative_change_with_interval_in_percent():
    d = Difference("longest_gap_days", 54.3, 73.1, 18.8, 16.8, 20.8, 20)
    text = change(d, 0.95)
    assert text == "the longest absence of a contingent rises from 54.3 to 73.1 days (+34.6%, 95% CI +30.9 to +38.3%)"


def test_a_rise_of_more_than_200_percent_reads_as_a_multiple_with_a_consistent_interval():
    d = Difference("longest_gap_days", 54.3, 244.0, 189.7, 184.6, 196.0, 20)
    text = change(d, 0.95)
    # 1 + 189.7/54.3 = 4.49; interval 1 + 184.6/54.3 = 4.40 to 1 + 196/54.3 = 4.61, the relative one plus one
    assert text == ("the longest absence of a contingent rises from 54.3 to 244 days "
                    "(4.49 times as long, 95% CI 4.40\u20134.61\u00d7)")
    missiles = Difference("missiles_leaked_defended", 12.05, 729.0, 716.95, 702.3, 731.6, 40)
    assert "from 12.1 to 729 missiles (60.5 times as many, 95% CI 59.3\u201361.7\u00d7)" in change(missiles, 0.95)
    just = Difference("missiles_leaked_defended", 10.0, 30.0, 20.0, 18.0, 22.0, 40)  # +200% exactly: still per cent
    assert "(+200%, 95% CI +180 to +220%)" in change(just, 0.95)


def test_the_day_of_an_event_moves_in_days_not_per_cent():
    later = Difference("foc_day", 68.9, 77.0, 8.08, 5.35, 10.8, 40)
    assert change(later, 0.95) == ("full operating capability (90% coverage) is reached 8.08 days later, "
                                   "on day 77 instead of 68.9 (95% CI +5.35 to +10.8 days)")
    earlier = Difference("ioc_day", 49.5, 40.3, -9.25, -10.5, -8.0, 40)
    assert "is reached 9.25 days earlier, on day 40.3 instead of 49.5 (95% CI \u221210.5 to \u22128 days)" in change(earlier, 0.95)
    assert "%" not in change(later, 0.95).replace("90% coverage", "").replace("95% CI", "")


def test_a_change_the_same_in_every_replication_gives_no_zero_width_interval():
    cover = Difference("cover_days.us_patriot", 730.0, 180.0, -550.0, -550.0, -550.0, 40)
    assert change(cover, 0.95).endswith("fall from 730 to 180 days (\u221275.3%, the same in every replication)")
    ioc = Difference("ioc_day", 49.5, 50.5, 1.0, 1.0, 1.0, 40)
    assert change(ioc, 0.95) == ("initial operating capability (50% coverage) is reached 1 day later in every "
                                 "replication, on day 50.5 instead of 49.5 on average")


def test_tiny_relative_change_is_absolute_with_unit_and_enough_digits():
    d = Difference("leakers", 142584.0, 142832.0, 248.0, 239.0, 257.0, 20)
    assert not is_relative(d)
    text = change(d, 0.95)
    assert "+248 threats, 95% CI +239 to +257" in text
    assert "from 142,584 to 142,832 threats" in text  # counts in full, as in every table
    assert not re.search(r"\d%(?! CI)", text)  # no relative change, only the "95% CI"


def test_change_from_zero_reference_is_absolute():
    d = Difference("armaments_delivered", 0.0, 120.0, 120.0, 110.0, 130.0, 20)
    assert change(d, 0.95) == "armaments delivered rise from 0 to 120 items (+120 items, 95% CI +110 to +130)"


def test_shares_change_in_points():
    d = Difference("coverage_mean", 0.140, 0.1156, -0.0244, -0.0245, -0.0242, 20)
    assert change(d, 0.95) == "mean coverage falls from 14.0% to 11.6% (\u22122.44 points, 95% CI \u22122.45 to \u22122.42)"


@pytest.mark.parametrize("x, text", [(0.0, "0"), (14.04, "14.0"), (244.3, "244"), (142584.0, "142,584"),
                                     (0.000412, "0.000412"), (-2.4449, "\u22122.44"), (999.7, "1,000"),
                                     (1.0, "1"), (1.5, "1.50")])
def test_three_significant_figures(x, text):
    assert sig(x) == text


def test_signed_never_prints_plus_zero():
    assert signed(0.0) == "0" and signed(3.0) == "+3" and signed(-3.5) == "\u22123.50"


def test_run_names_are_plain_words():
    assert run_name(make_run(variant="no_us_air_defence")) == "No US air defence"
    assert run_name(make_run()) == "Baseline"


def test_headline_list_is_what_the_model_says():
    assert "coverage_mean" in HEADLINE_METRICS and not is_headline("response_time_p90_hours")
    assert math.isfinite(float(sig(1.5)))


def _japan_variant():
    """The baseline and a variant that appends Japanese demining and medical elements (as in baseline.yaml)."""
    from peacesim.scenario.schema import Scenario
    from report_fixtures import scenario_dict

    raw = scenario_dict()
    raw["metadata"]["variant"] = "japan_engineering_medical"
    raw["enablers"]["non_lethal"] = [
        {"id": "japan_demining", "provider": "Japan", "kind": "demining", "capacity_per_day": 0.1,
         "output_unit": "km2", "efficiency": {"dist": "uniform", "low": 0.4, "high": 1.0}},
        {"id": "japan_medical", "provider": "Japan", "kind": "medical", "capacity_per_day": 20,
         "output_unit": "patients"},
    ]
    base = make_run(run_id="r-base")
    japan = make_run(Scenario.model_validate(raw), variant="japan_engineering_medical", run_id="r-jp", seed=9)
    rng = np.random.default_rng(3)
    japan.metrics["nonlethal_output.japan_demining"] = rng.normal(51.0, 1.0, japan.replications)
    japan.metrics["nonlethal_output.japan_medical"] = np.full(japan.replications, 14600.0)
    for name in ("nonlethal_output.japan_demining", "nonlethal_output.japan_medical"):
        japan.summary[name] = summarise(japan.metrics[name])
    return base, japan


def test_variant_that_adds_metrics_says_what_it_adds_with_interval_and_unit():
    base, japan = _japan_variant()
    bullet = findings([base, japan], paired_comparison(base, [japan]))[-1]
    demined = japan.summary["nonlethal_output.japan_demining"]
    assert bullet.lead == "Japan engineering medical"
    assert (f"adds {demined.mean:#.3g} km2 demined (95% CI {demined.ci_low:#.3g}\u2013{demined.ci_high:#.3g}) "
            "and 14,600 patients treated") in bullet.text
    assert "which the reference does not have" in bullet.text
    assert bullet.kind == "difference"
    assert {"nonlethal_output.japan_demining", "nonlethal_output.japan_medical"} <= set(bullet.metrics)
    assert "no distinguishable change in" in bullet.text  # the shared metrics are still accounted for


def test_variant_lacking_a_reference_metric_names_it_briefly():
    base, worse = make_pair()  # the variant removes the Patriot, and with it stockout_day.us_patriot
    assert "stockout_day.us_patriot" in base.metrics and "stockout_day.us_patriot" not in worse.metrics
    bullet = findings([base, worse], paired_comparison(base, [worse]))[-1].text
    assert "the United States Patriot is not in this run" in bullet
    assert "adds" not in bullet


def test_runs_with_the_same_metrics_have_no_adds_clause(seven):
    base, others, comparison = seven
    text = " ".join(f.text for f in findings([base, *others], comparison))
    assert "adds" not in text and "not in this run" not in text


def _tiny_comparison():
    """A pair whose only distinguishable changes but one are too small to matter (11.82 to 11.83 hours)."""
    from peacesim.experiment.results import Comparison

    base, other = make_pair()
    tiny = [Difference("incidents_answered_on_target_share", 0.0758, 0.0756, -0.0002, -0.0003, -0.0001, 20),
            Difference("time_to_answer_capped_mean_hours", 11.82, 11.83, 0.01, 0.005, 0.015, 20)]
    big = Difference("coverage_mean", 0.89, 0.70, -0.19, -0.2, -0.18, 20)
    return base, other, tiny, big, Comparison(reference=base, others=[other], differences={other.label: tiny + [big]},
                                              confidence=0.95)


def test_distinguishable_changes_too_small_to_matter_share_one_clause_and_take_no_slot():
    from peacesim.report.findings import run_finding

    base, other, tiny, big, comparison = _tiny_comparison()
    f = run_finding([*tiny, big], other, comparison, set())
    assert f.metrics == ("coverage_mean",), f.text
    assert ("2 changes too small to matter: incidents answered on target −0.020 points and time to answer "
            "+0.60 min") in f.text, f.text
    assert "11.83" not in f.text and "smaller" not in f.text
    alone = run_finding(tiny, other, comparison, set())
    assert alone.kind == "no_difference" and alone.metrics == () and "too small to matter" in alone.text


def test_changes_are_stated_in_headline_order_not_by_relative_size():
    """FOC 8 days later (+12%) is what a planner asks about before a rise of 60 times in leakers."""
    from peacesim.experiment.results import Comparison
    from peacesim.report.findings import run_finding

    base = make_run(run_id="r-base")
    other = make_run(variant="rotation_two_deep", run_id="r-rot", seed=9)
    diffs = [Difference("foc_day", 68.9, 77.0, 8.1, 5.4, 10.8, 20),
             Difference("missiles_leaked_defended", 12.1, 729.0, 716.9, 700.0, 730.0, 20),
             Difference("package_kills", 4.7, 14.0, 9.3, 8.0, 10.0, 20),
             Difference("cover_days.us_patriot", 730.0, 300.0, -430.0, -440.0, -420.0, 20),
             Difference("stockout_day.us_patriot", 100.0, 40.0, -60.0, -70.0, -50.0, 20)]
    comparison = Comparison(reference=base, others=[other], differences={other.label: diffs}, confidence=0.95)
    f = run_finding(diffs, other, comparison, set())
    assert f.metrics == ("foc_day", "missiles_leaked_defended", "package_kills"), f.text
    assert f.text.startswith("Rotation two deep: full operating capability (90% coverage) is reached 8.10 days later")
    assert "material changes also in United States Patriot interceptor cover and United States Patriot stock-out" in f.text
    assert "smaller" not in f.text


def test_one_of_a_unit_is_singular():
    from peacesim.report.phrasing import pair, value_text

    assert value_text(1.0, "leakers") == "1 threat" and value_text(2.0, "leakers") == "2 threats"
    assert pair(3.0, 1.0, "leakers") == "from 3 threats to 1"  # not 'from 3 to 1 threats'
    assert pair(1.0, 3.0, "leakers") == "from 1 to 3 threats"
    text = change(Difference("missiles_leaked_defended", 0.0, 1.0, 1.0, 0.5, 1.5, 20), 0.95)
    assert "from 0 missiles to 1 (+1 missile, 95% CI +0.500 to +1.50)" in text, text
    share_text = change(Difference("coverage_mean", 0.80, 0.81, 0.01, 0.005, 0.015, 20), 0.95)
    assert "(+1 point, 95% CI" in share_text, share_text


def test_a_rise_to_a_multiple_is_always_stated_but_in_headline_order():
    """Ceasefire fails: three ground measures rank first, but 60 times as many missiles must not be left
    to 'also in'; kills rising under a heavier threat do not claim the slot."""
    from peacesim.experiment.results import Comparison
    from peacesim.report.findings import run_finding

    base = make_run(run_id="r-base")
    other = make_run(variant="ceasefire_fails", run_id="r-cf", seed=9)
    diffs = [Difference("detection_rate", 0.698, 0.638, -0.060, -0.066, -0.053, 20),
             Difference("incidents_answered_on_target_share", 0.0758, 0.0031, -0.0727, -0.0755, -0.0697, 20),
             Difference("time_to_answer_capped_mean_hours", 11.6, 22.5, 10.9, 10.8, 11.0, 20),
             Difference("missiles_leaked_defended", 12.1, 729.0, 716.9, 700.0, 730.0, 20),
             Difference("package_kills", 4.7, 206.0, 201.3, 197.0, 205.0, 20)]
    threat = Difference("threats", 398.0, 71487.0, 71089.0, 70000.0, 72000.0, 20)
    comparison = Comparison(reference=base, others=[other], differences={other.label: diffs}, confidence=0.95)
    f = run_finding(diffs, other, comparison, set(), threat=threat)
    assert f.metrics == ("detection_rate", "incidents_answered_on_target_share", "missiles_leaked_defended"), f.text
    assert "material changes also in" in f.text and "package kills (more to kill)" in f.text
