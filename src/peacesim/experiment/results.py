"""The shapes results take between the experiment layer and the report layer.

These are the contract: the model returns :class:`ReplicationResult`, the experiment layer turns
many of them into a :class:`RunResult` (and :class:`Comparison`), and the report layer draws them.
Everything is plain numpy so results travel cheaply between processes and into the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def run_label(scenario: str, variant: str | None, overrides: tuple[str, ...] | list[str] = ()) -> str:
    """The label runs are shown and filed under: ``baseline``, ``baseline:two_deep``, ``baseline+set``."""
    name = f"{scenario}:{variant}" if variant else scenario
    return name + "+set" if overrides else name


@dataclass(frozen=True)
class MetricSummary:
    """One metric over the replications of a run. ``n`` counts replications where it was defined."""

    mean: float
    std: float
    ci_low: float
    ci_high: float
    p10: float
    p50: float
    p90: float
    n: int


@dataclass(frozen=True)
class SeriesBand:
    """A daily series over replications: mean and a band (the 10th and 90th percentiles)."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass
class RunResult:
    """All replications of one scenario (or variant) run with one root seed.

    ``metrics[name]`` holds one value per replication (NaN where undefined, e.g. no stock-out);
    ``series[name]`` is the daily band; ``scenario_text`` is the resolved scenario as YAML.
    """

    scenario_name: str
    variant: str | None
    seed: int
    replications: int
    metrics: dict[str, np.ndarray]
    summary: dict[str, MetricSummary]
    series: dict[str, SeriesBand]
    scenario_text: str = ""
    scenario_hash: str = ""
    run_id: str | None = None
    confidence: float = 0.95
    extra: dict[str, object] = field(default_factory=dict)
    #: ``--set``/``--scale`` the run was made with, as typed (``"--set forces.uk.tour_days=120"``).
    overrides: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``scenario[:variant][+set]``: what was run, with ``+set`` when it was changed by overrides."""
        return run_label(self.scenario_name, self.variant, self.overrides)

    def rows(self) -> list[dict[str, object]]:
        """One tidy-wide row per replication: identity (run, scenario, variant, seed, replication), then metrics."""
        names = sorted(self.metrics)
        return [
            {"run_id": self.run_id, "scenario": self.scenario_name, "variant": self.variant, "seed": self.seed,
             "replication": i, **{m: float(self.metrics[m][i]) for m in names}}
            for i in range(self.replications)
        ]

    def to_pandas(self) -> "pd.DataFrame":
        """The replications as a pandas DataFrame (one row each); needs the ``pandas`` extra."""
        try:
            import pandas as pd
        except ImportError as e:
            from ..errors import UsageError

            raise UsageError("to_pandas needs pandas; install it with: pip install 'peacesim[pandas]'") from e
        return pd.DataFrame(self.rows())


#: Size, relative to the metric's scale (and at least 1e-9 in its unit), below which a paired
#: difference is float noise, never a change (e.g. a relief landing 4.5e-13 days late).
NOISE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Difference:
    """Paired difference (other - reference) of one metric under common random numbers."""

    metric: str
    reference_mean: float
    other_mean: float
    mean: float
    ci_low: float
    ci_high: float
    n: int
    #: Share of paired replications in which the other run is higher (ties count half), and its
    #: Wilson interval: the chance that one option comes out above the other in a given run.
    p_higher: float = float("nan")
    p_higher_low: float = float("nan")
    p_higher_high: float = float("nan")

    @property
    def negligible(self) -> bool:
        """True when the difference is float noise: below a relative tolerance of the metric's scale."""
        scale = max(abs(self.reference_mean), abs(self.other_mean), 1.0)
        return bool(abs(self.mean) <= NOISE_TOLERANCE * scale) if self.mean == self.mean else False

    @property
    def distinguishable(self) -> bool:
        """True when the interval excludes zero and the difference is not float noise."""
        return bool(self.n >= 2 and (self.ci_low > 0 or self.ci_high < 0) and not self.negligible)

    def p_better(self, better: str) -> tuple[float, float, float]:
        """P(other better than reference) with its interval, for a metric where ``better`` is higher or lower."""
        if better == "lower":
            return 1 - self.p_higher, 1 - self.p_higher_high, 1 - self.p_higher_low
        return self.p_higher, self.p_higher_low, self.p_higher_high

    @property
    def relative(self) -> float:
        """Difference as a share of the reference mean (NaN when the reference is zero)."""
        return self.mean / self.reference_mean if self.reference_mean else float("nan")


@dataclass
class Comparison:
    """Several runs against one reference run, metric by metric."""

    reference: RunResult
    others: list[RunResult]
    differences: dict[str, list[Difference]]  # run label -> one Difference per metric
    confidence: float = 0.95
