"""Distribution specs: every random quantity in a scenario is one of these.

A bare number in YAML means ``fixed``. Each spec can draw a block of values from a numpy
``Generator`` and knows its mean, so tests can compare draws with theory.

Every parameter is at most :data:`MAX_PARAMETER` (days, hours or counts: a million is far beyond
any real value), and a lognormal's sd at most :data:`MAX_LOGNORMAL_SPREAD` times its mean, so no
valid scenario makes numpy fail (``lam value too large``) or overflow inside the model.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import BeforeValidator, Field, model_validator

from .base import Spec

if TYPE_CHECKING:  # numpy is imported where draws are made, so `validate` starts fast
    import numpy as np

#: Largest value of any distribution parameter.
MAX_PARAMETER = 1_000_000.0
#: Largest ratio sd / mean of a lognormal (beyond it the parameters overflow).
MAX_LOGNORMAL_SPREAD = 1000.0

NonNeg = Annotated[float, Field(ge=0.0, le=MAX_PARAMETER, allow_inf_nan=False)]


class Fixed(Spec):
    """Always the same value."""

    dist: Literal["fixed"] = "fixed"
    value: NonNeg

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return np.full(size, self.value, dtype=float)

    @property
    def mean(self) -> float:
        return self.value


class Exponential(Spec):
    """Memoryless waiting times (Poisson arrivals)."""

    dist: Literal["exponential"]
    mean_value: NonNeg = Field(alias="mean", description="Mean of the distribution.")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_value, size)

    @property
    def mean(self) -> float:
        return self.mean_value


class Uniform(Spec):
    """Any value between low and high equally likely."""

    dist: Literal["uniform"]
    low: NonNeg
    high: NonNeg

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.high < self.low:
            raise ValueError(f"high must be >= low (got low={self.low}, high={self.high})")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(Spec):
    """Three-point estimate (least, most likely, most): the usual expert-judgement shape."""

    dist: Literal["triangular"]
    low: NonNeg
    mode: NonNeg
    high: NonNeg

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high (got {self.low}, {self.mode}, {self.high})")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.low == self.high:
            import numpy as np

            return np.full(size, self.low, dtype=float)
        return rng.triangular(self.low, self.mode, self.high, size)

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Normal(Spec):
    """Symmetric spread around a mean; draws below zero are clipped to zero (durations, counts)."""

    dist: Literal["normal"]
    mean_value: NonNeg = Field(alias="mean")
    sd: NonNeg

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return np.maximum(rng.normal(self.mean_value, self.sd, size), 0.0)

    @property
    def mean(self) -> float:
        """Mean before clipping; close to the sample mean when mean >> sd."""
        return self.mean_value


class LogNormal(Spec):
    """Right-skewed positive values, given by the mean and sd of the values themselves."""

    dist: Literal["lognormal"]
    mean_value: float = Field(alias="mean", gt=0.0, le=MAX_PARAMETER, allow_inf_nan=False)
    sd: NonNeg

    @model_validator(mode="after")
    def _spread(self) -> "LogNormal":
        if self.sd > MAX_LOGNORMAL_SPREAD * self.mean_value:
            raise ValueError(f"sd may be at most {MAX_LOGNORMAL_SPREAD:g} times the mean (got mean={self.mean_value}, sd={self.sd})")
        return self

    def _params(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean_value) ** 2)
        return math.log(self.mean_value) - sigma2 / 2, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self._params()
        return rng.lognormal(mu, sigma, size)

    @property
    def mean(self) -> float:
        return self.mean_value


class Poisson(Spec):
    """Counts of independent events (raid sizes, arrivals in a period)."""

    dist: Literal["poisson"]
    mean_value: NonNeg = Field(alias="mean")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.poisson(self.mean_value, size).astype(float)

    @property
    def mean(self) -> float:
        return self.mean_value


class Empirical(Spec):
    """Observed values, drawn with optional weights."""

    dist: Literal["empirical"]
    values: list[NonNeg] = Field(min_length=1, max_length=100_000)
    weights: list[NonNeg] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> "Empirical":
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights must have one entry per value (got {len(self.weights)} weights for {len(self.values)} values)"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self

    def _p(self) -> np.ndarray | None:
        import numpy as np

        if self.weights is None:
            return None
        w = np.asarray(self.weights, dtype=float)
        p: np.ndarray = w / w.sum()
        return p

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=self._p())

    @property
    def mean(self) -> float:
        import numpy as np

        p = self._p()
        v = np.asarray(self.values, dtype=float)
        return float(v.mean() if p is None else (v * p).sum())


def _bare_number_is_fixed(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


Distribution = Annotated[
    Union[Fixed, Exponential, Uniform, Triangular, Normal, LogNormal, Poisson, Empirical],
    BeforeValidator(_bare_number_is_fixed),
    Field(discriminator="dist"),
]
"""A random quantity: a number (fixed) or ``{dist: NAME, ...parameters}``."""

DISTRIBUTION_NAMES = ("fixed", "exponential", "uniform", "triangular", "normal", "lognormal", "poisson", "empirical")
