"""Paired comparisons under common random numbers, checked on a case with a known difference."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

import synthetic
from peacesim.errors import UsageError
from peacesim.experiment import runner, scenarios
from peacesim.experiment.compare import compare, paired_difference
from scenarios.mini import mini_text

MINI = mini_text(horizon_days=5, replications=10, seed=7, variant=True)


@pytest.fixture
def pair(tmp_path: Path):
    p = tmp_path / "mini.yaml"
    p.write_text(MINI)
    return scenarios.load(p), scenarios.load(p, "more")


def _run(sc, seed, n=20):
    return runner.replicate(sc, replications=n, seed=seed, executor="serial", simulate=synthetic.known_answer)


def test_paired_difference_matches_t_interval():
    """Mean and interval of the paired differences equal scipy's t interval; NaN pairs are dropped."""
    a = np.array([1.0, 2.0, 3.0, np.nan, 5.0])
    b = np.array([2.0, 2.5, 4.5, 9.0, 5.5])
    d = paired_difference("m", a, b, 0.9)
    diffs = np.array([1.0, 0.5, 1.5, 0.5])
    lo, hi = sps.t.interval(0.9, df=3, loc=diffs.mean(), scale=sps.sem(diffs))
    assert d.n == 4 and d.mean == pytest.approx(0.875)
    assert (d.ci_low, d.ci_high) == pytest.approx((lo, hi))
    assert d.reference_mean == pytest.approx(2.75) and d.other_mean == pytest.approx(3.625)
    assert d.distinguishable


def test_common_random_numbers_give_exact_shift(pair):
    """With shared seeds, value = mu + sigma z shifts by exactly +10 in every replication."""
    base, more = pair
    cmp = compare(_run(base, 5), [_run(more, 5)])
    d = {x.metric: x for x in cmp.differences["mini:more"]}
    assert d["value"].mean == pytest.approx(10.0)
    assert d["value"].ci_high - d["value"].ci_low == pytest.approx(0.0, abs=1e-9)
    assert d["value"].distinguishable
    assert d["sometimes"].mean == 0.0 and not d["sometimes"].distinguishable
    assert d["value"].relative == pytest.approx(d["value"].mean / d["value"].reference_mean)


@pytest.mark.slow
def test_paired_interval_coverage_known_difference(pair):
    """'scaled' differs by 10(1 + 0.1 z): ~95% of paired 95% intervals contain 10 (300 seeds)."""
    base, more = pair
    trials, hits = 300, 0
    for seed in range(trials):
        d = next(x for x in compare(_run(base, seed, 12), [_run(more, seed, 12)]).differences["mini:more"]
                 if x.metric == "scaled")
        hits += d.ci_low <= 10.0 <= d.ci_high
    sd = math.sqrt(trials * 0.95 * 0.05)
    assert trials * 0.95 - 4 * sd <= hits <= trials * 0.95 + 4 * sd


def test_compare_metric_filter_and_errors(pair):
    """--metric restricts the table; an unknown metric or no other run is a usage error."""
    base, more = pair
    a, b = _run(base, 1, 5), _run(more, 1, 5)
    cmp = compare(a, [b], metrics=["value"])
    assert [d.metric for d in cmp.differences["mini:more"]] == ["value"]
    with pytest.raises(UsageError, match="unknown metric") as err:
        compare(a, [b], metrics=["nope"])
    assert "'nope'; the runs have: " in str(err.value)
    with pytest.raises(UsageError, match=r"unknown metric\(s\) 'valeu' \(did you mean value\?\)"):
        compare(a, [b], metrics=["valeu"])
    with pytest.raises(UsageError, match="at least one run"):
        compare(a, [])


def test_unpaired_lists_metrics_only_one_run_has(pair, tmp_path):
    """A metric only the variant has (or only the reference has) is listed with its mean, and in compare.csv."""
    from dataclasses import replace

    from peacesim.experiment.compare import unpaired
    from peacesim.experiment.outputs import write_comparison

    base, more = pair
    a, b = _run(base, 2, 6), _run(more, 2, 6)
    b.metrics["extra"] = np.arange(6.0)
    b.summary["extra"] = replace(b.summary["value"], mean=2.5, n=6)
    del b.metrics["sometimes"], b.summary["sometimes"]
    cmp = compare(a, [b])
    assert {d.metric for d in cmp.differences["mini:more"]} == {"value", "scaled"}
    rows = {u.metric: u for u in unpaired(cmp)}
    assert set(rows) == {"extra", "sometimes"}
    assert rows["extra"].present_in == "mini:more" and rows["extra"].mean == 2.5 and not rows["extra"].in_reference
    assert rows["sometimes"].present_in == "mini" and rows["sometimes"].in_reference
    assert rows["sometimes"].mean == a.summary["sometimes"].mean and rows["sometimes"].n == a.summary["sometimes"].n
    assert [u.metric for u in unpaired(cmp, ["extra"])] == ["extra"]
    lines = (write_comparison(cmp, tmp_path)).read_text().splitlines()
    assert "mini,,mini:more,,extra,,2.5,,,,,0,,,," in lines  # in-memory runs: empty run ids
    assert any(line.startswith("mini,,mini:more,,sometimes,") and line.endswith(",,,,,,0,,,,") for line in lines)
    only = compare(a, [b], metrics=["extra"])  # a metric of the other run only is not "unknown"
    assert only.differences["mini:more"] == [] and [u.metric for u in unpaired(only, ["extra"])] == ["extra"]


def test_unknown_metric_message_is_one_short_line():
    """Of 140 metric names the message shows a few and says how many, never the wall of all of them."""
    from peacesim.experiment.compare import unknown_metrics

    known = sorted(["coverage_mean", *(f"leakers.zone_{i:03d}" for i in range(139))])
    text = unknown_metrics(["coverge_mean"], known)
    assert "'coverge_mean' (did you mean coverage_mean?)" in text and "(140 in all; peacesim metrics lists them)" in text
    assert len(text) < 300 and "\n" not in text


def test_two_runs_of_one_scenario_get_distinct_labels(pair):
    """Compared with another run of itself, a run's column is not 'baseline baseline': the other shows its id."""
    from dataclasses import replace

    base, _ = pair
    a, b = replace(_run(base, 1, 4), run_id="run-a"), replace(_run(base, 2, 4), run_id="run-b")
    cmp = compare(a, [b])
    assert list(cmp.differences) == ["mini [run-b]"] and cmp.reference.label == "mini"
