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


def test_sobol_intervals_are_fixed_by_the_seed_and_agree_with_scipys_indices() -> None:
    """The bootstrap intervals of the Sobol' indices come from the exploration's seed (SciPy's own
    bootstrap draws unseeded: its intervals changed from call to call); the estimates are SciPy's."""
    import warnings

    from scipy.stats import sobol_indices as scipy_sobol

    from peacesim.experiment.explore_design import Design, sobol_indices

    rng = np.random.default_rng(1)
    n, d = 64, 3
    units = rng.random((n * (d + 2), d))
    y = units[:, 0] * 3 + units[:, 1] + rng.normal(0, 0.1, len(units))
    design = Design(units, "sobol", n)
    a, b = sobol_indices(design, y, "y", seed=7), sobol_indices(design, y, "y", seed=7)
    other = sobol_indices(design, y, "y", seed=8)
    assert a is not None and b is not None and other is not None
    assert np.array_equal(a.first_ci, b.first_ci) and np.array_equal(a.total_ci, b.total_ci)
    assert not np.array_equal(a.first_ci, other.first_ci)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = scipy_sobol(func={"f_A": y[:n][None, :], "f_B": y[n:2 * n][None, :],
                                "f_AB": y[2 * n:].reshape(d, 1, n)}, n=n)
    assert np.allclose(a.first, np.ravel(ref.first_order)) and np.allclose(a.total, np.ravel(ref.total_order))
    assert np.all(a.first_ci[:, 0] <= a.first) and np.all(a.first <= a.first_ci[:, 1])
