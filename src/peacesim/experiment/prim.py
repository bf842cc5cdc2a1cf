"""Scenario discovery with PRIM (patient rule induction, Friedman and Fisher 1999).

Given the explored points ``x`` (one row per point, one column per uncertain value) and an outcome
``y`` in [0, 1] per point (the share of replications meeting the target, or its complement), PRIM
finds a box, limits on a few of the uncertain values, inside which ``y`` is high:

* **peeling**: repeatedly cut off the share ``alpha`` of the box's points at the low or the high
  end of one dimension, whichever cut leaves the highest mean, until the box holds fewer than
  ``min_support`` of the points;
* the box kept from that trajectory is the densest whose coverage is at least ``min_coverage``
  (ties: the larger coverage);
* **pasting**: widen each limit again, one point at a time, while the density does not drop, so a
  limit ends next to the first point that breaks the box (peels cut whole quantiles);
* **pruning** (:func:`prune`): drop a limit the points do not support. With few points, peeling
  also cuts along values that do not matter at all; for each limit, the quasi-p-value of Bryant and
  Lempert (2010), as the EMA workbench reports it, asks how likely a box as dense as this one would
  be if the limit were lifted: drawn from the wider box, would its points hold this much of ``y``?
  A limit whose p-value exceeds the threshold is lifted (the weakest first), so the box names only
  values that the evidence says matter.

*Coverage* is the share of all the ``y`` mass that the box holds; *density* is the mean ``y`` in
the box; *support* is the share of points in it. No well-kept PRIM package fits (the PyPI ``prim``
package is unmaintained and needs pandas), so this is written here, compactly, and checked
against a brute-force search in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    """Limits per dimension (inclusive), and how well the box captures the outcome."""

    low: np.ndarray
    high: np.ndarray
    coverage: float
    density: float
    support: float

    def restricted(self, bounds_low: np.ndarray, bounds_high: np.ndarray) -> list[int]:
        """Dimensions whose limits are tighter than the range explored."""
        return [j for j in range(len(self.low)) if self.low[j] > bounds_low[j] or self.high[j] < bounds_high[j]]


def inside(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Which rows of ``x`` lie in the box."""
    m: np.ndarray = np.all((x >= low) & (x <= high), axis=1)
    return m


def stats(x: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[float, float, float]:
    """(coverage, density, support) of a box."""
    m = inside(x, low, high)
    total = float(y.sum())
    if not m.any():
        return 0.0, 0.0, 0.0
    return (float(y[m].sum()) / total if total > 0 else 0.0, float(y[m].mean()), float(m.mean()))


def peel(x: np.ndarray, y: np.ndarray, alpha: float = 0.05, min_support: float = 0.05) -> list[Box]:
    """The peeling trajectory, from the whole space to the last box with enough support."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    low, high = x.min(axis=0), x.max(axis=0)
    boxes = [Box(low.copy(), high.copy(), *stats(x, y, low, high))]
    n = len(y)
    while True:
        m = inside(x, low, high)
        if m.sum() <= max(1, min_support * n):
            break
        best: tuple[float, int, int, float] | None = None
        for j in range(x.shape[1]):
            col = x[m, j]
            for side, cut in ((0, np.quantile(col, alpha)), (1, np.quantile(col, 1 - alpha))):
                keep = col > cut if side == 0 else col < cut
                if keep.sum() == len(col):  # the quantile is the edge itself: cut just that value
                    keep = col > col.min() if side == 0 else col < col.max()
                if not keep.any() or keep.all() or keep.sum() < min_support * n:
                    continue
                mean = float(y[m][keep].mean())
                if best is None or mean > best[0]:
                    best = (mean, j, side, float(col[keep].min() if side == 0 else col[keep].max()))
        if best is None:
            break
        _, j, side, limit = best
        if side == 0:
            low[j] = limit
        else:
            high[j] = limit
        boxes.append(Box(low.copy(), high.copy(), *stats(x, y, low, high)))
    return boxes


def paste(x: np.ndarray, y: np.ndarray, box: Box) -> Box:
    """Widen the box limit by limit, one point at a time, while its density does not drop."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    low, high = box.low.copy(), box.high.copy()
    changed = True
    while changed:
        changed = False
        for j in range(x.shape[1]):
            for side in (0, 1):
                others = np.all((x >= low) & (x <= high) | (np.arange(x.shape[1]) == j), axis=1)
                col = x[others, j]
                beyond = col[col < low[j]] if side == 0 else col[col > high[j]]
                if beyond.size == 0:
                    continue
                nxt = beyond.max() if side == 0 else beyond.min()
                trial_low, trial_high = low.copy(), high.copy()
                (trial_low if side == 0 else trial_high)[j] = nxt
                _, density, _ = stats(x, y, trial_low, trial_high)
                if density >= stats(x, y, low, high)[1] - 1e-12:
                    low, high, changed = trial_low, trial_high, True
    return Box(low, high, *stats(x, y, low, high))


def quasi_p(x: np.ndarray, y: np.ndarray, box: Box, j: int, bounds: tuple[np.ndarray, np.ndarray]) -> float:
    """P(a box drawn from ``box`` without its limit on ``j`` holds at least this box's share of ``y``).

    Binomial (continuous in the count, since ``y`` is a share per point): the box's points are the
    trials, the wider box's density is the success probability.
    """
    from scipy.special import betainc

    wide_low, wide_high = box.low.copy(), box.high.copy()
    wide_low[j], wide_high[j] = bounds[0][j], bounds[1][j]
    m = inside(x, box.low, box.high)
    n, k = int(m.sum()), float(y[m].sum())
    p_wide = stats(x, y, wide_low, wide_high)[1]
    if n == 0 or k <= 0 or p_wide >= 1.0:
        return 1.0
    if p_wide <= 0.0:
        return 0.0
    return float(betainc(k, n - k + 1.0, p_wide))


def prune(x: np.ndarray, y: np.ndarray, box: Box, threshold: float = 0.05) -> Box:
    """Lift, weakest first, each limit whose quasi-p-value exceeds ``threshold`` (see the module's notes)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    bounds = (x.min(axis=0), x.max(axis=0))
    while True:
        limits = box.restricted(*bounds)
        if len(limits) == 0:
            return box
        p, j = max((quasi_p(x, y, box, j, bounds), j) for j in limits)
        if p <= threshold:
            return box
        low, high = box.low.copy(), box.high.copy()
        low[j], high[j] = bounds[0][j], bounds[1][j]
        box = Box(low, high, *stats(x, y, low, high))


def discover(x: np.ndarray, y: np.ndarray, alpha: float = 0.05, min_support: float = 0.05,
             min_coverage: float = 0.5) -> Box:
    """Peel, keep the densest box with at least ``min_coverage``, then paste."""
    boxes = peel(x, y, alpha, min_support)
    eligible = [b for b in boxes if b.coverage >= min_coverage] or boxes[:1]
    best = max(eligible, key=lambda b: (round(b.density, 12), b.coverage))
    return paste(x, y, best)
