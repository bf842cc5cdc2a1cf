"""Statistics over replications: intervals, NaN handling, interval coverage, seeds, sequential stopping."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

import synthetic
from peacesim.experiment import runner
from peacesim.experiment.seeds import replication_seed
from peacesim.experiment.stats import half_width, precision_reached, series_band, summarize


def binomial_band(trials: int, p: float, z: float = 4.0) -> tuple[float, float]:
    """Accepted range of a binomial count: mean +- z standard deviations."""
    sd = math.sqrt(trials * p * (1 - p))
    return trials * p - z * sd, trials * p + z * sd


def test_summary_matches_scipy_t_interval():
    """Mean, std and interval equal scipy's for the same data."""
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    s = summarize(x, 0.9)
    lo, hi = sps.t.interval(0.9, df=x.size - 1, loc=x.mean(), scale=sps.sem(x))
    assert s.n == 8 and s.mean == pytest.approx(x.mean()) and s.std == pytest.approx(x.std(ddof=1))
    assert (s.ci_low, s.ci_high) == pytest.approx((lo, hi))
    assert (s.p10, s.p50, s.p90) == pytest.approx(tuple(np.quantile(x, [0.1, 0.5, 0.9])))


def test_summary_ignores_nan_and_counts_defined():
    """NaN values do not count; n is the number of defined values."""
    s = summarize(np.array([1.0, np.nan, 3.0, np.nan]))
    assert s.n == 2 and s.mean == 2.0
    empty = summarize(np.array([np.nan, np.nan]))
    assert empty.n == 0 and math.isnan(empty.mean)
    one = summarize(np.array([5.0]))
    assert one.n == 1 and one.mean == 5.0 and math.isnan(one.ci_low) and math.isnan(half_width(np.array([5.0])))


def test_interval_coverage_direct():
    """About 95% of 95% intervals from normal samples of 8 contain the true mean (4000 intervals)."""
    rng = np.random.default_rng(1)
    trials = 4000
    hits = sum(
        (s := summarize(rng.normal(3.0, 2.0, 8))).ci_low <= 3.0 <= s.ci_high for _ in range(trials)
    )
    lo, hi = binomial_band(trials, 0.95)
    assert lo <= hits <= hi


@pytest.mark.slow
def test_interval_coverage_through_runner(mini):
    """Runs of the known-answer model: ~95% of 95% intervals contain mu = 100 (400 seeds)."""
    trials = 400
    hits = 0
    for seed in range(trials):
        r = runner.replicate(mini, replications=10, seed=seed, executor="serial", simulate=synthetic.known_answer)
        s = r.summary["value"]
        hits += s.ci_low <= 100.0 <= s.ci_high
    lo, hi = binomial_band(trials, 0.95)
    assert lo <= hits <= hi


def test_replication_seed_is_spawn_and_independent_of_n():
    """Replication i's seed equals SeedSequence(seed).spawn(n)[i] for any n > i."""
    for n in (5, 50):
        spawned = np.random.SeedSequence(42).spawn(n)
        for i in (0, 4):
            a = np.random.default_rng(spawned[i]).random(3)
            b = np.random.default_rng(replication_seed(42, i)).random(3)
            assert np.array_equal(a, b)


def test_prefix_property(mini):
    """The first 50 replications of a run of 200 equal a run of 50."""
    a = runner.replicate(mini, replications=50, seed=3, executor="serial", simulate=synthetic.known_answer)
    b = runner.replicate(mini, replications=200, seed=3, executor="serial", simulate=synthetic.known_answer)
    for m in a.metrics:
        assert np.array_equal(a.metrics[m], b.metrics[m][:50], equal_nan=True)


def test_series_band():
    """The band is the daily mean and 10th/90th percentiles; all-NaN days stay NaN."""
    arr = np.array([[1.0, np.nan], [2.0, np.nan], [3.0, np.nan]])
    band = series_band(arr)
    assert band.mean[0] == 2.0 and band.p10[0] == pytest.approx(1.2) and band.p90[0] == pytest.approx(2.8)
    assert band.low is band.p10 and band.high is band.p90  # the former names still read
    assert math.isnan(band.mean[1])


def test_precision_stopping_reaches_target(mini):
    """Sequential stopping adds replications until the half-width is within REL of the mean."""
    rule = runner.Precision("value", 0.02)  # sd 10, mean 100: needs roughly (1.96*10/2)^2 ~ 96 replications
    r = runner.replicate(mini, replications=10, seed=1, executor="serial", simulate=synthetic.known_answer,
                         precision=rule)
    assert r.extra["stopped"] == "precision"
    reached, hw, goal = precision_reached(r.metrics["value"], 0.02)
    assert reached and hw <= goal
    assert 50 <= r.replications <= 400


def test_precision_stops_at_cap(mini):
    """When the target is out of reach the run stops at the cap and says so."""
    r = runner.replicate(mini, replications=10, seed=1, executor="serial", simulate=synthetic.known_answer,
                         precision=runner.Precision("value", 0.0001), max_replications=40)
    assert r.extra["stopped"] == "cap" and r.replications == 40


def test_precision_parse_errors():
    """A malformed --precision is a usage error naming the expected form."""
    from peacesim.errors import UsageError

    assert runner.Precision.parse("coverage_mean=0.01") == runner.Precision("coverage_mean", 0.01)
    with pytest.raises(UsageError, match="METRIC=REL"):
        runner.Precision.parse("coverage_mean")
    with pytest.raises(UsageError, match="REL > 0"):
        runner.Precision.parse("x=-1")


def test_precision_unknown_metric(mini):
    """Sequential stopping on a metric the model does not produce is a clear error."""
    from peacesim.errors import UsageError

    with pytest.raises(UsageError, match="unknown metric 'nope'"):
        runner.replicate(mini, replications=5, executor="serial", simulate=synthetic.known_answer,
                         precision=runner.Precision("nope", 0.1))


def test_atomic_open_leaves_old_file_when_writing_fails(tmp_path: Path) -> None:
    """A write that fails half-way leaves the previous file intact and no temporary file."""
    from peacesim.experiment.outputs import atomic_open, atomic_write_text

    target = tmp_path / "summary.json"
    atomic_write_text(target, "old\n")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as f:
            f.write("half of the new")
            raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_a_bounded_metrics_interval_is_cut_to_where_its_mean_can_lie() -> None:
    """Three replications of a share (0, 0, 0.9) give a t-interval below 0; the summary cuts it at 0 (and a
    share's at 1, a day's at 0); a metric the catalog does not know keeps the plain t-interval."""
    import numpy as np

    from peacesim.experiment.stats import summarize, summarize_all

    values = np.array([0.0, 0.0, 0.9])
    plain = summarize(values)
    assert plain.ci_low < 0 < plain.ci_high
    got = summarize_all({"coverage_mean": values, "stockout_day.x": values * 100, "value": values,
                         "detection_rate": 1 - values})
    assert plain.ci_high > 1 and (got["coverage_mean"].ci_low, got["coverage_mean"].ci_high) == (0.0, 1.0)
    assert got["detection_rate"].ci_high == 1.0
    assert got["stockout_day.x"].ci_low == 0.0 and math.isclose(got["stockout_day.x"].ci_high, 100 * plain.ci_high)
    assert got["value"].ci_low == plain.ci_low  # not catalogued: unbounded
    assert got["coverage_mean"].mean == plain.mean and got["coverage_mean"].std == plain.std
