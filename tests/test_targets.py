"""Target expressions: parsing, errors, NaN semantics per metric, and P(met) intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from peacesim.errors import UsageError
from peacesim.experiment.targets import TargetError, interval, parse, windows_needed


def test_parse_clauses_joined_by_and() -> None:
    """Several clauses, per-element and windowed metric names, each with its comparison."""
    t = parse("foc_day <= 120 and stockout_day.us_patriot>=365 AND response_within_target_share[180,730] >= 0.8")
    assert [str(c) for c in t.clauses] == [
        "foc_day <= 120", "stockout_day.us_patriot >= 365", "response_within_target_share[180,730] >= 0.8"]
    assert t.metrics == ["foc_day", "stockout_day.us_patriot", "response_within_target_share[180,730]"]
    assert windows_needed(t) == [(180.0, 730.0)]
    assert windows_needed("coverage_mean >= 0.9") == []


def test_target_error_is_a_bad_input_error() -> None:
    """TargetError exits 2 like every bad input."""
    with pytest.raises(TargetError) as e:
        parse("")
    assert isinstance(e.value, UsageError) and e.value.exit_code == 2


@pytest.mark.parametrize(("text", "message"), [
    ("fod_day <= 120", "unknown metric 'fod_day'; did you mean 'foc_day'?"),
    ("stockout_days.us_patriot >= 365", "did you mean 'stockout_day.us_patriot'"),
    ("coverage >= 0.9", "'coverage' is a daily series"),
    ("foc_day 120", "has no comparison"),
    ("foc_day == 120", "'==' is not a target comparison"),
    ("foc_day <= soon", "expected a number (got 'soon')"),
    ("foc_day <=", "a number is missing"),
    ("foc_day <= 120 and", "an 'and' with nothing on one side"),
    ("foc_day[730,180] <= 120", "needs 0 <= START < END"),
    ("foc_day <= nan", "must be finite"),
])
def test_parse_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(TargetError, match=None) as e:
        parse(text)
    assert message in str(e.value)


def test_day_metrics_read_nan_as_never() -> None:
    """A stock-out that never happens meets '>='; an FOC never reached fails '<='."""
    never = np.array([np.nan, 100.0, 400.0])
    assert parse("stockout_day.us_patriot >= 365").met({"stockout_day.us_patriot": never}).tolist() == [True, False, True]
    assert parse("stockout_day.us_patriot > 365").met({"stockout_day.us_patriot": never}).tolist() == [True, False, True]
    assert parse("foc_day <= 120").met({"foc_day": never}).tolist() == [False, True, False]
    assert parse("foc_day < 100").met({"foc_day": never}).tolist() == [False, False, False]


def test_other_metrics_fail_when_undefined_and_are_counted() -> None:
    """An undefined share (nothing to measure) never meets a target, either way, and is counted."""
    share = {"response_within_target_share": np.array([np.nan, 0.9, 0.5])}
    assert parse("response_within_target_share >= 0.8").met(share).tolist() == [False, True, False]
    assert parse("response_within_target_share <= 0.8").met(share).tolist() == [False, False, True]
    assert parse("response_within_target_share >= 0.8").undefined(share) == 1
    assert parse("foc_day <= 1").undefined({"foc_day": np.array([np.nan])}) == 0


def test_and_needs_every_clause() -> None:
    t = parse("coverage_mean >= 0.9 and foc_day <= 120")
    got = t.met({"coverage_mean": np.array([0.95, 0.95, 0.5]), "foc_day": np.array([100.0, 130.0, 100.0])})
    assert got.tolist() == [True, False, False]


def test_metric_missing_from_the_replications_is_named() -> None:
    """A per-element id the scenario lacks, or a window the run did not compute, is a clear error."""
    t = parse("stockout_day.us_patriott >= 365")
    with pytest.raises(TargetError, match="did you mean 'stockout_day.us_patriot'"):
        t.met({"stockout_day.us_patriot": np.array([1.0])})
    w = parse("coverage_mean[0,100] >= 0.5")
    with pytest.raises(TargetError, match=r"no windowed metric 'coverage_mean\[0,100\]'"):
        w.met({"coverage_mean": np.array([1.0])})
    assert w.met({"coverage_mean[0,100]": np.array([0.6])}).tolist() == [True]


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson"])
def test_interval_covers_the_truth_at_its_level(method: str) -> None:
    """Coverage over many binomial samples is at least the level, less 3 standard errors."""
    rng = np.random.default_rng(1)
    n, p, trials, level = 60, 0.9, 4000, 0.95
    hits = rng.binomial(n, p, size=trials)
    covered = np.mean([lo <= p <= hi for lo, hi in (interval(int(k), n, level, method) for k in hits)])  # type: ignore[arg-type]
    se = math.sqrt(level * (1 - level) / trials)
    assert covered >= level - 3 * se - 0.01  # Wilson is approximate: allow its known ~1% dip at n=60


def test_interval_known_values() -> None:
    """Clopper-Pearson at 0 or n successes is (alpha/2)^(1/n) from the end; Wilson at n/n is n/(n+z^2)."""
    lo, hi = interval(30, 30, 0.95, "clopper-pearson")
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 30))
    lo, hi = interval(30, 30, 0.95, "wilson")
    assert lo == pytest.approx(30 / (30 + 1.959964**2), rel=1e-6)
    assert interval(0, 0) == (0.0, 1.0)
