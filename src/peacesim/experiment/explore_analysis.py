"""What an exploration answers: the chance the target is met, which vagueness matters, and where it holds.

* **P(met)** over the space is the mean over points of each point's share of replications meeting
  the target. Its interval is a Wilson score interval with the number of *points* as trials: the
  points are the independent draws of the space, and a share in [0, 1] has at most the variance of
  a 0/1 outcome with the same mean, so this interval is conservative whatever the replications show.
  Per point, P(met) has the Wilson interval of its replications.
* **Sensitivity**: Sobol' first-order and total indices (with a Sobol' design) of each headline
  metric's per-point mean and of each target's per-point P(met), labelled by claim.
* **Scenario discovery**: PRIM boxes (:mod:`.prim`) where the target is met, and where it is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model.metrics import HEADLINE_METRICS
from ..scenario.uncertain import Uncertain
from . import prim, targets
from .explore import Exploration
from .explore_design import Indices, numeric, sobol_indices


@dataclass(frozen=True)
class Chance:
    """P(target met) with its interval."""

    p: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class Discovery:
    """A PRIM box in the values of the uncertain parameters (limits only on those it restricts).

    Each limit is ``(value, low, high)``; a side left at the edge of the explored range is None.
    """

    limits: list[tuple[Uncertain, float | None, float | None]]
    coverage: float
    density: float
    support: float


def box_text(box: Discovery, *, prose: bool = False) -> str:
    """A box's limits and quality in one line: terse for the terminal (``x in [a, b]``, coverage, density,
    support) or, with ``prose``, as a report sentence's ending (``x from a to b``, what share it holds in)."""
    from ..catalog import number

    if not box.limits:
        return f"no box narrower than the whole space (density {box.density:.0%})"
    parts = []
    for u, lo, hi in box.limits:
        if lo is not None and hi is not None:
            parts.append(f"{u.label} from {number(lo)} to {number(hi)}" if prose else
                         f"{u.label} in [{number(lo)}, {number(hi)}]")
        elif lo is not None:
            parts.append(f"{u.label} {'at least' if prose else '>='} {number(lo)}")
        else:
            parts.append(f"{u.label} {'at most' if prose else '<='} {number(hi)}")
    if prose:
        return "; ".join(parts) + f" (holds in {box.density:.0%} of the points inside, which cover {box.coverage:.0%} of those meeting it)"
    return "; ".join(parts) + f" (coverage {box.coverage:.0%}, density {box.density:.0%}, {box.support:.0%} of points)"


class Answers:
    """The results of an exploration as (points x replications) arrays, and what they answer."""

    def __init__(self, ex: Exploration, stored: dict[tuple[int, int], dict[str, float]], confidence: float = 0.95) -> None:
        self.ex, self.confidence = ex, confidence
        names: dict[str, None] = {}
        for m in stored.values():
            names.update(dict.fromkeys(m))
        self.metrics = {n: np.full((ex.points, ex.replications), np.nan) for n in names}
        for (p, r), m in stored.items():
            if p < ex.points and r < ex.replications:
                for n, v in m.items():
                    self.metrics[n][p, r] = v
        self.x = np.array([[numeric(u, v[u.name]) for u in ex.space.params] for v in ex.values], dtype=float)

    def point_means(self, metric: str) -> np.ndarray:
        """Per point, the mean of a metric over the replications where it is defined (NaN if none)."""
        values = self.metrics[metric]
        defined = np.isfinite(values)
        counts = defined.sum(axis=1)
        sums = np.where(defined, values, 0.0).sum(axis=1)
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)

    def met(self, target: str) -> np.ndarray:
        """(points, replications) booleans: whether each replication meets the target."""
        t = targets.parse(target)
        t.check(self.metrics)
        shape = (self.ex.points, self.ex.replications)
        return t.met({n: self.metrics[n].ravel() for n in t.metrics}).reshape(shape)

    def per_point(self, target: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per point: P(met) and its Wilson interval from the replications."""
        met = self.met(target)
        k, n = met.sum(axis=1), met.shape[1]
        bounds = np.array([targets.interval(int(x), n, self.confidence) for x in k])
        return k / n, bounds[:, 0], bounds[:, 1]

    def chance(self, target: str) -> Chance:
        """P(met) over the whole space, with a Wilson interval over points (conservative; see the module)."""
        p = self.per_point(target)[0]
        lo, hi = wilson(float(p.mean()), len(p), self.confidence)
        return Chance(float(p.mean()), lo, hi, len(p))

    def indices(self) -> list[Indices]:
        """Sobol' indices of each headline metric's per-point mean and each target's P(met).

        A metric undefined in some replication (an FOC never reached) has no index: read it through a target.
        """
        out = []
        for name in HEADLINE_METRICS:
            if name in self.metrics:
                idx = sobol_indices(self.ex.design, self.metrics[name].mean(axis=1), name, self.confidence, seed=self.ex.seed)
                if idx is not None:
                    out.append(idx)
        for text in self.ex.targets:
            idx = sobol_indices(self.ex.design, self.per_point(text)[0], f"P({text})", self.confidence, seed=self.ex.seed)
            if idx is not None:
                out.append(idx)
        return out

    def discover(self, target: str, met: bool = True, min_coverage: float = 0.5) -> Discovery:
        """The PRIM box of the values where the target is met (or, with ``met=False``, not met)."""
        p = self.per_point(target)[0]
        y = p if met else 1.0 - p
        box = prim.discover(self.x, y, min_coverage=min_coverage)
        lo, hi = self.x.min(axis=0), self.x.max(axis=0)
        limits = [(self.ex.space.params[j], float(box.low[j]) if box.low[j] > lo[j] else None,
                   float(box.high[j]) if box.high[j] < hi[j] else None) for j in box.restricted(lo, hi)]
        return Discovery(limits, box.coverage, box.density, box.support)


def wilson(p: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share ``p`` of ``n`` trials (``p`` need not be a whole count over n)."""
    if n == 0:
        return 0.0, 1.0
    from scipy.special import ndtri

    z = float(ndtri(1.0 - (1.0 - confidence) / 2))
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)
