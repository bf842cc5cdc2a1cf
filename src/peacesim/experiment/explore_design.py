"""Where an exploration samples the uncertain values, and what the Sobol' design tells about them.

Points are drawn in the unit cube and mapped to values through each uncertain value's inverse
distribution function, so every sampler serves every kind of range:

* ``lhs``: a Latin hypercube (the sweeps' :func:`.design.lhs_unit`; importing ``scipy.stats``
  costs seconds, so it is left to the Sobol' design), N points;
* ``sobol``: the Saltelli design for Sobol' indices: base matrices A and B from one scrambled
  Sobol' sequence of 2d columns, then the d matrices AB_i (A with column i from B): N (d + 2)
  points, N a power of two. :func:`sobol_indices` turns outputs at those points into first-order
  and total indices with bootstrap intervals (:func:`scipy.stats.sobol_indices`).

The generators are seeded from the exploration's seed with their own spawn key, so they never
share numbers with the replications.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UsageError
from ..scenario.uncertain import Space, Uncertain
from .design import lhs_unit

SAMPLERS = ("lhs", "sobol")
#: spawn_keys of the generators that draw exploration points and bootstrap the Sobol' indices
#: (replications use one-element keys, so these never collide with them).
EXPLORE_STREAM = (0x45585052, 0)
BOOTSTRAP_STREAM = (0x45585052, 1)


@dataclass(frozen=True)
class Design:
    """The unit-cube points of an exploration and their roles in a Saltelli design."""

    units: np.ndarray
    sampler: str
    base: int

    @property
    def points(self) -> int:
        return int(self.units.shape[0])


def draw(space: Space, samples: int, sampler: str, seed: int) -> Design:
    """``samples`` points (LHS), or the Saltelli design on ``samples`` base points (Sobol')."""
    d = len(space)
    if d == 0:
        raise UsageError("the scenario has no uncertain values to explore; write one as {explore: [LOW, HIGH], value: V}")
    if samples < 2:
        raise UsageError(f"--samples must be at least 2 (got {samples})")
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=EXPLORE_STREAM))
    if sampler == "lhs":
        return Design(lhs_unit(d, samples, rng), "lhs", samples)
    if sampler != "sobol":
        raise UsageError(f"unknown sampler {sampler!r}; expected one of {', '.join(SAMPLERS)}")
    from scipy.stats import qmc

    n = 1 << max(1, math.ceil(math.log2(samples)))
    s = qmc.Sobol(d=2 * d, scramble=True, seed=rng).random(n)
    a, b = s[:, :d], s[:, d:]
    ab = [np.where(np.arange(d) == i, b, a) for i in range(d)]
    return Design(np.vstack([a, b, *ab]), "sobol", n)


def values_at(space: Space, u: np.ndarray) -> dict[str, Any]:
    """The uncertain values at one unit-cube point (plain Python numbers, bools or choices)."""
    return {p.name: value_of(p, float(x)) for p, x in zip(space.params, u)}


def value_of(p: Uncertain, u: float) -> Any:
    """One uncertain value at ``u`` in [0, 1): its distribution's quantile (integers for integer keys)."""
    u = min(max(u, 0.0), math.nextafter(1.0, 0.0))
    if p.kind == "present":
        return bool(u < p.p)
    if p.kind == "choices":
        return p.choices[min(len(p.choices) - 1, int(u * len(p.choices)))]
    if p.kind == "count" or (p.kind == "range" and p.integer):
        lo, hi = int(math.ceil(p.low)), int(math.floor(p.high))
        return min(hi, lo + int(u * (hi - lo + 1)))
    x = p.low + u * (p.high - p.low) if p.kind == "range" else _quantile(p.dist or {}, u)
    return int(round(x)) if p.integer else float(x)


def numeric(p: Uncertain, value: Any) -> float:
    """A value as a number for charts and box limits (a choice by its position when not numeric)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    return float(p.choices.index(value)) if value in p.choices else math.nan


def _quantile(spec: dict[str, Any], u: float) -> float:
    from pydantic import TypeAdapter
    from scipy import stats

    from ..scenario.distributions import Distribution, Empirical, LogNormal

    d = TypeAdapter(Distribution).validate_python(spec)
    name = spec.get("dist")
    if name == "fixed":
        return float(spec["value"])
    if name == "uniform":
        return float(spec["low"] + u * (spec["high"] - spec["low"]))
    if name == "triangular":
        lo, mode, hi = spec["low"], spec["mode"], spec["high"]
        return float(lo) if hi == lo else float(stats.triang.ppf(u, (mode - lo) / (hi - lo), loc=lo, scale=hi - lo))
    if name == "normal":
        return max(0.0, float(stats.norm.ppf(u, spec["mean"], spec["sd"])))
    if name == "exponential":
        return float(stats.expon.ppf(u, scale=spec["mean"]))
    if name == "poisson":
        return float(stats.poisson.ppf(u, spec["mean"]))
    if isinstance(d, LogNormal):
        mu, sigma = d._params()
        return float(stats.lognorm.ppf(u, sigma, scale=math.exp(mu)))
    assert isinstance(d, Empirical)
    w = np.asarray(d.weights if d.weights is not None else [1.0] * len(d.values), dtype=float)
    cdf = np.cumsum(w) / w.sum()
    return float(d.values[min(len(d.values) - 1, int(np.searchsorted(cdf, u, side="right")))])


@dataclass(frozen=True)
class Indices:
    """First-order and total Sobol' indices of one output, with bootstrap intervals, per uncertain value."""

    output: str
    first: np.ndarray
    first_ci: np.ndarray
    total: np.ndarray
    total_ci: np.ndarray


def sobol_indices(design: Design, outputs: np.ndarray, name: str, confidence: float = 0.95,
                  resamples: int = 300, seed: int = 0) -> Indices | None:
    """Indices of one output (one value per design point) by Saltelli 2010 / Jansen, as in SciPy.

    None when the output is undefined somewhere or does not vary (no variance to share out).
    """
    from scipy.stats import bootstrap
    from scipy.stats import sobol_indices as scipy_sobol

    if design.sampler != "sobol":
        raise UsageError("sensitivity indices need --sampler sobol")
    y = np.asarray(outputs, dtype=float)
    if not np.isfinite(y).all() or np.ptp(y) == 0:
        return None
    n = design.base
    d = (design.points // n) - 2
    f_a, f_b = y[:n][None, :], y[n:2 * n][None, :]
    f_ab = y[2 * n:].reshape(d, 1, n)
    # SciPy's own SobolResult.bootstrap draws from an unseeded generator, so its intervals changed from
    # one call to the next; the same BCa bootstrap over the base points is run here with the seeded one
    centre = float(np.mean([f_a, f_b]))  # SciPy centres the outputs once (Sobol' and Levitan 1999), then resamples
    c_a, c_b, c_ab = f_a - centre, f_b - centre, f_ab - centre

    def statistic(idx: np.ndarray) -> np.ndarray:
        first, total = saltelli_2010(c_a[:, idx], c_b[:, idx], c_ab[..., idx])
        return np.concatenate([first, total])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a resample of n points is no Sobol' sequence: SciPy says so, rightly
        rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=BOOTSTRAP_STREAM))
        res = scipy_sobol(func={"f_A": f_a, "f_B": f_b, "f_AB": f_ab}, n=n)
        boot = bootstrap((np.arange(n),), statistic, vectorized=False, method="BCa", n_resamples=resamples,
                         confidence_level=confidence, rng=rng)
    low, high = np.asarray(boot.confidence_interval.low, float), np.asarray(boot.confidence_interval.high, float)
    first, total = np.asarray(res.first_order, float).ravel(), np.asarray(res.total_order, float).ravel()
    return Indices(name, first, _ci(low[:d], high[:d], first), total, _ci(low[d:], high[d:], total))


def saltelli_2010(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010, table 2 b) and total (Jansen, table 2 f) indices of one output, as SciPy
    computes them; here for the bootstrap resamples, which SciPy's own function refuses (not 2^k points)."""
    var = np.var([f_a, f_b], axis=(0, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.ravel(np.mean(f_b * (f_ab - f_a), axis=-1) / var)
        total = np.ravel(0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var)
    return np.where(np.isfinite(first), first, 0.0), np.where(np.isfinite(total), total, 0.0)  # no variance: 0


def _ci(lo: np.ndarray, hi: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """(d, 2) interval; a degenerate bootstrap (every resample equal, e.g. an index of exactly 0) is the estimate."""
    lo = np.where(np.isfinite(lo), lo, estimate)
    hi = np.where(np.isfinite(hi), hi, estimate)
    return np.column_stack([np.minimum(lo, estimate), np.maximum(hi, estimate)])
