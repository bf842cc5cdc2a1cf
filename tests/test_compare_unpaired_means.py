"""A metric defined in only one run of a pair (a day-of-event that happens only in the variant)."""

from __future__ import annotations

import math

import numpy as np

from peacesim.experiment.compare import paired_difference


def test_no_pairs_keeps_each_sides_own_mean() -> None:
    """The base never stocks out, the variant does: no pairs, but the variant's day is reported."""
    base = np.full(4, np.nan)
    variant = np.array([480.0, 500.0, np.nan, 520.0])
    d = paired_difference("stockout_day.us_patriot", base, variant)
    assert d.n == 0 and math.isnan(d.mean) and not d.distinguishable
    assert math.isnan(d.reference_mean) and d.other_mean == 500.0


def test_undefined_on_both_sides_stays_undefined() -> None:
    d = paired_difference("stockout_day.us_patriot", np.full(3, np.nan), np.full(3, np.nan))
    assert d.n == 0 and math.isnan(d.reference_mean) and math.isnan(d.other_mean)
