"""PRIM's pruning: a box names the uncertain values that matter, not the ones peeling cut by chance."""

from __future__ import annotations

import numpy as np

from peacesim.experiment import prim

SEEDS = 40


def _noisy_step(seed: int, points: int = 60, reps: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Four uncertain values; only the first matters: P(met) is 0.8 above 0.5 and 0.2 below,
    observed as the share of ``reps`` replications (as explore gives it)."""
    rng = np.random.default_rng(seed)
    x = rng.random((points, 4))
    return x, rng.binomial(reps, np.where(x[:, 0] > 0.5, 0.8, 0.2)) / reps


def _restricted(x: np.ndarray, box: prim.Box) -> list[int]:
    return box.restricted(x.min(axis=0), x.max(axis=0))


def test_pruning_lifts_the_limits_peeling_cut_by_chance_and_keeps_the_real_one() -> None:
    """Over 40 noisy data sets, peeling alone restricts a value that does not matter in most of
    them; after pruning (quasi-p-value 0.05), such a limit survives in at most 4 of 40 (a chance
    survivor has probability about 0.05 per set: more than 4 in 40 has probability < 0.05), and
    the value that matters is kept in at least 36 of 40."""
    raw = pruned = real = 0
    for seed in range(SEEDS):
        x, y = _noisy_step(seed)
        box = prim.discover(x, y, min_coverage=0.5)
        raw += any(j > 0 for j in _restricted(x, box))
        kept = _restricted(x, prim.prune(x, y, box))
        pruned += any(j > 0 for j in kept)
        real += 0 in kept
    assert raw >= SEEDS // 2, "the case must show peeling's chance cuts, or it tests nothing"
    assert pruned <= 4
    assert real >= 36


def test_a_limit_the_points_support_stays_and_an_unsupported_one_goes() -> None:
    """By hand: a box cut on the value that matters and on one that does not; pruning lifts only the second."""
    x, y = _noisy_step(7, points=200)
    low, high = x.min(axis=0), x.max(axis=0)
    low, high = low.copy(), high.copy()
    low[0], high[2] = 0.5, 0.6
    box = prim.Box(low, high, *prim.stats(x, y, low, high))
    bounds = (x.min(axis=0), x.max(axis=0))
    assert prim.quasi_p(x, y, box, 0, bounds) < 1e-6
    assert prim.quasi_p(x, y, box, 2, bounds) > 0.05
    assert _restricted(x, prim.prune(x, y, box)) == [0]


def test_pruning_an_unrestricted_box_changes_nothing() -> None:
    x, y = _noisy_step(3)
    whole = prim.Box(x.min(axis=0), x.max(axis=0), *prim.stats(x, y, x.min(axis=0), x.max(axis=0)))
    assert prim.prune(x, y, whole) is whole
