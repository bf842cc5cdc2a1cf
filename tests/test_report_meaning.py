"""Numbers an analyst can quote: every finding of the shipped baseline and its variants is true in words.

The shipped scenario runs once with all its variants (few replications, common random numbers),
and the findings, the summary and the terminal tables are read as a sceptical analyst would:
no headline set by the inputs alone (Ukraine's own air defence, a non-lethal output), no fall of
more than 100%, no row or clause that says "nothing happened" as if it were news, and no
trade-off where a heavier threat only gives the package more to kill.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import peacesim
from peacesim.catalog import is_headline, lookup, threat_rises
from peacesim.cli import tables
from peacesim.experiment import scenarios
from peacesim.experiment.compare import compare, unpaired
from peacesim.experiment.results import Comparison, Difference, RunResult
from peacesim.report.findings import findings
from peacesim.report.html import difference_rows, headline_table
from peacesim.report.phrasing import change, sig
from peacesim.report.summary import summary
from report_fixtures import make_pair, paired_comparison, summarise

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
REPS, SEED = 5, 11
CONTEXT = "ua_air_defence"  # Ukraine's own air defence, role: context in the shipped baseline


def _run(variant: str | None = None) -> RunResult:
    return peacesim.run(peacesim.load(BASELINE, variant=variant), replications=REPS, seed=SEED, executor="serial")


@pytest.fixture(scope="module")
def shipped() -> Comparison:
    base = _run()
    return compare(base, [_run(v) for v in scenarios.list_variants(BASELINE)])


@pytest.fixture(scope="module")
def text(shipped: Comparison) -> str:
    return "\n".join(f.text for f in findings([shipped.reference, *shipped.others], shipped))


def _bullet(shipped: Comparison, variant: str) -> str:
    out = findings([shipped.reference, *shipped.others], shipped)
    return next(f.text for f in out if f.lead == variant)


def _lines(shipped: Comparison, columns: int = 80) -> list[str]:
    ref = shipped.reference
    runs = [ref, *shipped.others]
    names = tables.select_metrics({m for r in runs for m in r.summary}, context=ref.context_elements)
    return tables.comparison_lines(shipped, names, columns, unpaired(shipped))


# --- 1. the context layer is an input, not a headline ----------------------------------------------

def test_context_elements_come_from_the_scenario_roles(shipped: Comparison) -> None:
    assert shipped.reference.context_elements == {CONTEXT}
    assert not is_headline(f"cover_days.{CONTEXT}", {CONTEXT}) and is_headline("cover_days.us_patriot", {CONTEXT})


def test_context_layer_metrics_are_kept_but_are_no_headlines(shipped: Comparison, text: str) -> None:
    ref = shipped.reference
    assert f"cover_days.{CONTEXT}" in ref.summary and f"stockout_day.{CONTEXT}" in ref.summary  # still in the files
    names = tables.select_metrics(ref.summary, context=ref.context_elements)
    assert "cover_days.us_patriot" in names and not any(CONTEXT in n for n in names)
    assert not any(CONTEXT in line for line in _lines(shipped))
    assert "Ukraine air defence" not in text, text
    assert not any(CONTEXT in row["name"] for row in headline_table([ref, *shipped.others]))
    assert not any(CONTEXT in row["metric"] for row in difference_rows(shipped, headline=True))
    assert any(CONTEXT in row["metric"] for row in difference_rows(shipped, headline=False))
    s = summary([ref, *shipped.others], shipped)
    assert "Ukraine" not in " ".join(s.answer + s.sureness)


def test_run_table_leaves_out_the_context_layer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from peacesim.cli import main

    assert main(["run", str(BASELINE), "-n", "2", "--executor", "serial", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "cover_days.us_patriot" in out and CONTEXT not in out
    assert "nonlethal_output" not in out


# --- 2. a non-lethal output is set by the inputs: no headline, but named when a variant adds it --------

def test_nonlethal_output_is_no_headline_but_is_said_when_added(shipped: Comparison) -> None:
    assert not is_headline("nonlethal_output.japan_humanitarian") and lookup("nonlethal_output.x").input_set
    lines = "\n".join(_lines(shipped, columns=200))
    assert "nonlethal_output.japan_humanitarian" not in lines  # no "unchanged in every variant" for an input
    assert "only in baseline:japan_engineering_medical: nonlethal_output.japan_demining" in lines
    bullet = _bullet(shipped, "Japan engineering medical")
    assert bullet.startswith("Japan engineering medical: no distinguishable change in any headline measure; adds ")
    assert "km2 demined (95% CI" in bullet and "patients treated" in bullet
    assert "which the reference does not have" in bullet


# --- 3. a fall is never more than 100% ---------------------------------------------------------------

def test_no_relative_change_or_interval_below_minus_100_percent(text: str) -> None:
    relative = re.findall(r"\(([+\u2212][\d,.]+)%, 95% CI ([+\u2212][\d,.]+) to ([+\u2212][\d,.]+)%\)", text)
    values = [float(x.replace("\u2212", "-").replace(",", "")) for group in relative for x in group]
    assert values and min(values) >= -100, text


def test_removing_the_patriot_reads_to_none_in_threats(shipped: Comparison) -> None:
    bullet = _bullet(shipped, "No US air defence")
    kills = shipped.reference.summary["package_kills"].mean
    assert f"threats killed by the package's air defences fall from {sig(kills)} threats to none (\u2212" in bullet
    assert re.search(r"to none \(\u2212[\d.]+ threats, 95% CI \u2212[\d.]+ to \u2212?[\d.]+\)", bullet), bullet


def test_a_fall_whose_relative_interval_passes_minus_100_percent_reads_in_units() -> None:
    d = Difference("package_kills", 4.70, 0.20, -4.50, -5.30, -3.70, 40)
    assert change(d, 0.95) == ("threats killed by the package's air defences fall from 4.70 to 0.200 threats "
                               "(\u22124.50 threats, 95% CI \u22125.30 to \u22123.70)")
    inside = Difference("package_kills", 4.70, 0.725, -3.975, -4.69, -3.26, 40)
    assert "(\u221284.6%, 95% CI \u221299.8 to \u221269.4%)" in change(inside, 0.95)


# --- 4. the comparison table folds noise and never-never rows ----------------------------------------

def test_float_noise_folds_into_unchanged() -> None:
    base, other = make_pair()
    noise = base.metrics["coverage_mean"] + np.where(np.arange(base.replications) % 2, 3e-15, -5e-15)
    other.metrics["coverage_mean"] = noise
    other.summary["coverage_mean"] = summarise(noise)
    comparison = paired_comparison(base, [other])
    (d,) = [d for d in comparison.differences[other.label] if d.metric == "coverage_mean"]
    assert d.mean != 0 and d.negligible
    for columns in (200, 40):  # one table, then (too narrow) a block per run
        lines = tables.comparison_lines(comparison, ["coverage_mean", "leakers"], columns)
        assert not any(re.match(r"\s+coverage_mean\s+share", line) for line in lines), lines
        assert re.search(r"unchanged[^:]*:\s+coverage_mean", "\n".join(lines)), lines


def test_never_in_both_runs_is_no_row(shipped: Comparison) -> None:
    lines = _lines(shipped, columns=80)  # too narrow for one table: a block per variant
    rows = [line for line in lines if line.lstrip().startswith("stockout_day.us_patriot")]
    assert all("never" not in row.split("days", 1)[1].split()[-1:] or "->" in row for row in rows), rows
    assert all(not re.search(r"never\s+never", row) for row in rows), rows
    assert sum("never in either run: stockout_day.us_patriot" in line for line in lines) >= 3


# --- 5. never-never stock-outs are no news; the baseline says it once ---------------------------------

def test_a_stock_that_never_runs_out_is_said_once(shipped: Comparison, text: str) -> None:
    assert "runs out in neither run" not in text
    level = next(f.text for f in findings([shipped.reference]) if "interceptors" in f.text)
    assert "the United States Patriot never runs out of interceptors in the 730 days" in level
    assert "has interceptors in stock for" not in level and "stock never runs out" not in level


def test_a_stock_out_only_the_variant_has_gives_its_day(shipped: Comparison) -> None:
    bullet = _bullet(shipped, "Ceasefire fails")
    assert re.search(r"the United States Patriot stock runs out on day [\d,]+ on average \(95% CI [^)]+\), "
                     "never in the reference", bullet), bullet


# --- 6. more threat gives more to kill: no trade-off -----------------------------------------------------

def test_threat_driven_variant_is_worse_not_a_trade_off(shipped: Comparison) -> None:
    fails = next(label for label in shipped.differences if label.endswith(":ceasefire_fails"))
    assert threat_rises(shipped.differences[fails])
    assert not any(threat_rises(diffs) for label, diffs in shipped.differences.items() if label != fails)
    answer = " ".join(summary([shipped.reference, *shipped.others], shipped).answer)
    assert "trades one measure against another" not in answer, answer
    # a failed ceasefire and a withdrawal are stress cases (kind: stress), not options: said apart, after
    # the five options
    assert answer.count("Of the 5 options compared with it, counting only changes that are distinguishable and large "
                        "enough to matter (1 percentage point, 15 minutes, 1 day, or 1% of a count), 4 do materially "
                        "worse") == 1, answer
    options, stress = answer.split("Of the 2 stress cases (what could happen to the package, not what it could be), ")
    assert "Ceasefire" not in options and "withdrawal" not in options, answer
    assert stress.startswith("both do materially worse on at least one headline measure and better on none "
                             "(Ceasefire fails and US withdrawal day 180); Ceasefire fails faces a heavier air threat, "
                             "so more kills there are no gain."), answer


# --- 7. read as a sceptical analyst ------------------------------------------------------------------

def test_comparison_table_says_never_for_an_event_that_never_happens(shipped: Comparison) -> None:
    rows = [r for r in difference_rows(shipped, headline=True)
            if r["other"].endswith(":five_supporting_nations") and r["metric"] in ("foc_day", "stockout_day.us_patriot")]
    assert [(r["metric"], r["value"]) for r in rows] == [("foc_day", "never"), ("stockout_day.us_patriot", "never")]
    assert rows[1]["reference"] == "never"


def test_coverage_is_called_weighted_not_a_share_of_troops(text: str) -> None:
    assert "of the troops the zones require" not in text
    assert "mean coverage (each zone's filled share of its required troops, weighted by the zone's importance)" in text


def test_notebook_views_leave_the_context_layer_out_of_headlines() -> None:
    """A run's and a comparison's HTML view (Jupyter) list no per-element metric of a context element."""
    runs = [peacesim.run(peacesim.load(BASELINE, v), replications=2, executor="serial")
            for v in (None, "no_us_air_defence")]
    assert runs[0].context_elements == {"ua_air_defence"}
    assert "cover_days.us_patriot" in runs[0]._repr_html_()
    assert "ua_air_defence" not in runs[0]._repr_html_()
    assert "ua_air_defence" not in peacesim.compare(runs[0], runs[1])._repr_html_()


# --- 8. very large rises read as multiples ----------------------------------------------------------

def test_a_very_large_rise_reads_as_a_multiple(shipped: Comparison, text: str) -> None:
    bullet = _bullet(shipped, "Ceasefire fails")
    m = re.search(r"missiles reaching defended zones unkilled rise from [\d.,]+ to [\d.,]+ missiles "
                  r"\(([\d.,]+) times as many, 95% CI ([\d.,]+)\u2013([\d.,]+)\u00d7\)", bullet)
    assert m, bullet
    mid, lo, hi = (float(x.replace(",", "")) for x in m.groups())
    assert 3 < lo <= mid <= hi
    assert not re.search(r"[+\u2212]\d,\d{3}%", text), text  # no "+5,949%"
    fails = next(label for label in shipped.differences if label.endswith(":ceasefire_fails"))
    row = next(r for r in difference_rows(shipped, headline=True)
               if r["other"] == fails and r["metric"] == "missiles_leaked_defended")
    assert row["relative"].endswith("\u00d7") and float(row["relative"][:-1].replace(",", "")) == pytest.approx(mid, rel=0.01)


def test_kills_under_the_failed_ceasefire_do_not_beat_the_reference(shipped: Comparison) -> None:
    rows = [r for r in difference_rows(shipped, headline=True) if r["metric"] == "package_kills"]
    fails = [r for r in rows if r["other"].endswith(":ceasefire_fails")]
    assert fails and all(r["p_better"] == "n/a\u2020" and r["more_to_kill"] for r in fails)
    assert all(not r["more_to_kill"] and "\u2020" not in r["p_better"] for r in rows if r not in fails)


def test_the_detection_rate_carries_its_interval(shipped: Comparison) -> None:
    ref = shipped.reference
    ground = next(f.text for f in findings([ref]) if "of incidents are noticed" in f.text)
    d = ref.summary["detection_rate"]
    assert ground.startswith(f"{sig(100 * d.mean)}% (95% CI {sig(100 * d.ci_low)}\u2013{sig(100 * d.ci_high)}%) "
                             "of incidents are noticed; "), ground


def test_a_run_equal_in_every_replication_does_not_beat_the_reference_half_the_time(shipped: Comparison) -> None:
    rows = [r for r in difference_rows(shipped, headline=True) if r["other"].endswith(":japan_engineering_medical")]
    assert rows and all(r["p_better"] == f"equal in all {REPS}" for r in rows if r["metric"] != "stockout_day.us_patriot")
    assert not any(r["p_better"].startswith("50%") for r in rows)


def test_a_capability_reached_later_reads_in_days(shipped: Comparison) -> None:
    bullet = _bullet(shipped, "Rotation two deep") + _bullet(shipped, "Five supporting nations")
    assert "the day of initial operating capability rises" not in bullet and "the day of full operating" not in bullet
    for m in re.finditer(r"operating capability \(\d+% coverage\) is reached ([\d.]+) days (later|earlier), "
                         r"on day ([\d.]+) instead of ([\d.]+) \(95% CI [^)]+ days\)", bullet):
        size, when, now, before = m.groups()
        assert (float(now) > float(before)) == (when == "later")


def test_more_kills_under_a_heavier_threat_say_there_is_more_to_kill(shipped: Comparison) -> None:
    bullet = _bullet(shipped, "Ceasefire fails")
    # stated, the rise says why; folded after the first changes in headline order, it says so in brief
    assert re.search(r"threats killed by the package's air defences rise from [\d.,]+ to [\d.,]+ threats \([^)]+\), "
                     r"as there is more to kill \(air threats rise from [\d,]+ to [\d,]+ threats\)", bullet) or \
        re.search(r"material changes also in package kills \(more to kill\)", bullet), bullet
    assert "more to kill" not in _bullet(shipped, "US withdrawal day 180")


def test_the_largest_loss_never_reads_ahead_in_0_percent(shipped: Comparison) -> None:
    answer = " ".join(summary([shipped.reference, *shipped.others], shipped).answer)
    assert "in 0% of paired" not in answer, answer
    assert f"Rotation two deep's ({sig(100 * shipped.others[3].summary['coverage_mean'].mean)}% against" in answer
    assert f"worse in every one of the {REPS} paired replications)" in answer, answer


def test_nothing_that_never_varies_gets_an_interval_of_no_width(shipped: Comparison, text: str) -> None:
    assert not re.search(r"CI (\u2212?[\d.,]+)%?(?:\u2013| to )\1%?\)", text), text  # "14,600–14,600", "−75.3 to −75.3%"
    assert "patients treated (the same in every replication)" in _bullet(shipped, "Japan engineering medical")
    withdrawal = _bullet(shipped, "US withdrawal day 180")  # armaments −75.3% in every replication, named or folded
    assert "(\u221275.3%, the same in every replication)" in withdrawal or "armaments delivered" in withdrawal, withdrawal


def test_the_table_gives_no_per_cent_of_a_day_number(shipped: Comparison) -> None:
    rows = [r for r in difference_rows(shipped) if r["metric"] in ("ioc_day", "foc_day") or "stockout_day" in r["metric"]]
    assert rows and all(r["relative"] == "\u2014" for r in rows)
    assert any(r["relative"].endswith("%") for r in difference_rows(shipped) if r["metric"] == "coverage_mean")


def test_every_stated_change_is_large_enough_to_matter(shipped: Comparison) -> None:
    from peacesim.catalog import is_material

    out = findings([shipped.reference, *shipped.others], shipped)
    for f, (label, diffs) in zip([f for f in out if f.lead], shipped.differences.items(), strict=True):
        by_metric = {d.metric: d for d in diffs}
        assert all(is_material(by_metric[m]) for m in f.metrics if m in by_metric), (label, f.text)


def test_forest_panels_name_elements_as_people_do(shipped: Comparison) -> None:
    """A per-element panel is titled with the element's name ('United States Patriot'), not its id."""
    from peacesim.report.charts_compare import plot_difference_forest

    fig = plot_difference_forest(shipped, ["cover_days.us_patriot", "coverage_mean"])
    titles = " ".join(ax.get_title("left").replace("\n", " ") + " " + " ".join(t.get_text() for t in ax.get_yticklabels())
                      for ax in fig.axes)
    assert "United States Patriot" in titles and "us_patriot" not in titles


def test_a_withdrawn_system_is_measured_against_the_days_it_is_in_place() -> None:
    """US withdrawal on day 180 as the reference: the Patriot's cover is read against its 180 days in
    place, not as '180 days out of 730'."""
    from peacesim.report.findings import level_findings

    run = _run("us_withdrawal_day_180")
    text = " ".join(f.text for f in level_findings(run))
    assert "the United States Patriot never runs out of interceptors while in place (days 0\u2013180)" in text, text
    assert "out of 730" not in text
