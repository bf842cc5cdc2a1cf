"""Paired comparisons never report float noise as a change, and give P(better) with its interval."""

from __future__ import annotations

import numpy as np
import pytest

from peacesim.experiment.compare import paired_difference
from peacesim.experiment.stats import wilson


def test_float_noise_is_no_change():
    """A relief 4.5e-13 days late in every replication is not a rotation gap change."""
    a = np.zeros(20)
    b = np.full(20, 4.55e-13)
    assert not paired_difference("coverage_mean", a, b).distinguishable
    ref = np.linspace(0.1, 0.2, 20)
    d = paired_difference("coverage_mean", ref, ref - 6.2e-15)
    assert d.negligible and not d.distinguishable


def test_identical_values_are_no_change_and_half_better():
    x = np.arange(10.0)
    d = paired_difference("coverage_mean", x, x.copy())
    assert not d.distinguishable and d.p_higher == 0.5


def test_a_real_constant_difference_is_a_change():
    """A deterministic +10 in every replication is a change, though its spread is zero."""
    a = np.arange(8.0)
    d = paired_difference("troops_deployed_mean", a, a + 10)
    assert d.distinguishable and d.p_higher == 1.0


def test_p_better_follows_the_direction_of_the_metric():
    rng = np.random.default_rng(1)
    a = rng.normal(5, 1, 200)
    b = a + rng.normal(0.5, 1, 200)  # higher 69% of the time (P(N(0.5,1) > 0))
    d = paired_difference("foc_day", a, b)  # lower is better
    p, lo, hi = d.p_better("lower")
    assert p == pytest.approx(1 - d.p_higher) and lo <= p <= hi
    assert hi < 0.5  # a later FOC is worse in most replications
    ph, lo_h, hi_h = d.p_better("higher")
    assert lo_h <= 0.691 <= hi_h


def test_wilson_interval_covers_the_truth_at_the_stated_rate():
    """Coverage of the 95% Wilson interval over 2,000 binomial samples is within 3 SE of 0.95."""
    rng = np.random.default_rng(7)
    n, p, trials = 30, 0.1, 2000
    hits = 0
    for k in rng.binomial(n, p, trials):
        _, lo, hi = wilson(float(k), n, 0.95)
        hits += lo <= p <= hi
    se = (0.95 * 0.05 / trials) ** 0.5
    assert abs(hits / trials - 0.95) < 3 * se + 0.02  # Wilson is slightly conservative/liberal by up to ~2 points at n=30
