"""The shapes results take between the experiment layer and the report layer.

These are the contract: the model returns :class:`ReplicationResult`, the experiment layer turns
many of them into a :class:`RunResult` (and :class:`Comparison`), and the report layer draws them.
Everything is plain numpy so results travel cheaply between processes and into the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario.schema import Scenario


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
    """A daily series over replications: mean and a band (the 10th and 90th percentiles).

    ``p10``/``p90`` as in every file, table and the store; ``low``/``high`` are the same arrays
    under their former names, for scripts written before.
    """

    mean: np.ndarray
    p10: np.ndarray
    p90: np.ndarray

    @property
    def low(self) -> np.ndarray:
        """The 10th percentile (former name of :attr:`p10`)."""
        return self.p10

    @property
    def high(self) -> np.ndarray:
        """The 90th percentile (former name of :attr:`p90`)."""
        return self.p90


def _frame(rows: list[dict[str, object]]) -> "pd.DataFrame":
    try:
        import pandas as pd
    except ImportError as e:
        from ..errors import UsageError

        raise UsageError("tables as DataFrames need pandas; install it with: pip install 'peacesim[pandas]'") from e
    return pd.DataFrame(rows)


#: The columns of every tidy (long) table: one value per row.
TIDY_COLUMNS = ("run_id", "label", "variant", "metric", "statistic", "value")


@dataclass(repr=False)
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

    @cached_property
    def scenario(self) -> Scenario | None:
        """The run's resolved scenario, parsed from ``scenario_text`` once and kept (None without text).

        Reports, tables and traces all read it here, so a stored run's YAML is parsed one way, once.

        Raises:
            ScenarioError: the text is not a valid scenario (a store from another version).
        """
        if not self.scenario_text.strip():
            return None
        from .scenarios import from_text

        return from_text(self.scenario_text, f"run {self.run_id or self.label}")

    @property
    def context_elements(self) -> frozenset[str]:
        """Ids of the scenario's context elements (``role: context``): their metrics are inputs, never headlines.

        Empty when the run has no scenario text or its text is from a version this one cannot read.
        """
        from ..errors import ScenarioError

        try:
            scenario = self.scenario
        except ScenarioError:
            return frozenset()
        return scenario.enablers.context_ids if scenario is not None else frozenset()

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
        return _frame(self.rows())

    def summary_rows(self) -> list[dict[str, object]]:
        """The summary in long form: one row per (metric, statistic) with run_id, label, variant, value."""
        stats = ("mean", "ci_low", "ci_high", "std", "p10", "p50", "p90", "n")
        return [{"run_id": self.run_id, "label": self.label, "variant": self.variant, "metric": m, "statistic": k,
                 "value": float(getattr(s, k))} for m, s in sorted(self.summary.items()) for k in stats]

    def summary_frame(self) -> "pd.DataFrame":
        """:meth:`summary_rows` as a DataFrame (columns run_id, label, variant, metric, statistic, value)."""
        return _frame(self.summary_rows())

    def replication_frame(self) -> "pd.DataFrame":
        """Every replication's value in long form: run_id, label, variant, replication, metric, value."""
        return _frame([{"run_id": self.run_id, "label": self.label, "variant": self.variant, "replication": i,
                        "metric": m, "value": float(v[i])} for m, v in sorted(self.metrics.items())
                       for i in range(self.replications)])

    def series_frame(self) -> "pd.DataFrame":
        """The daily series in long form: run_id, label, variant, series, day, statistic (mean, p10, p90), value."""
        return _frame([{"run_id": self.run_id, "label": self.label, "variant": self.variant, "series": name, "day": d,
                        "statistic": stat, "value": float(arr[d])}
                       for name, band in sorted(self.series.items())
                       for stat, arr in (("mean", band.mean), ("p10", band.p10), ("p90", band.p90))
                       for d in range(arr.size)])

    def __repr__(self) -> str:
        rid = f"run {self.run_id}" if self.run_id else "not stored"
        return (f"<RunResult {self.label}: {rid}, {self.replications} replications, seed {self.seed}, "
                f"{len(self.summary)} metrics>")

    def _repr_html_(self) -> str:
        """The headline metrics as a small table (Jupyter shows this instead of the repr)."""
        from html import escape

        from ..catalog import is_headline
        from ..catalog import number as fmt

        names = [m for m in sorted(self.summary) if is_headline(m, self.context_elements)] or sorted(self.summary)[:12]
        rows = "".join(
            f"<tr><td>{escape(m)}</td><td>{escape(fmt(self.summary[m].mean))}</td>"
            f"<td>[{escape(fmt(self.summary[m].ci_low))}, {escape(fmt(self.summary[m].ci_high))}]</td>"
            f"<td>{self.summary[m].n}</td></tr>" for m in names)
        return (f"<p><b>{escape(self.label)}</b> ({escape(repr(self)[1:-1])})</p><table><thead><tr><th>metric</th>"
                f"<th>mean</th><th>{self.confidence:.0%} interval</th><th>n</th></tr></thead><tbody>{rows}</tbody></table>")


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


@dataclass(repr=False)
class Comparison:
    """Several runs against one reference run, metric by metric."""

    reference: RunResult
    others: list[RunResult]
    differences: dict[str, list[Difference]]  # run label -> one Difference per metric
    confidence: float = 0.95

    def rows(self) -> list[dict[str, object]]:
        """Paired differences in long form: reference and other (run id, label), metric, statistic, value."""
        ids = dict(zip(self.differences, (o.run_id for o in self.others), strict=True))
        return [{"reference_run_id": self.reference.run_id, "reference": self.reference.label, "run_id": ids[label],
                 "label": label, "metric": d.metric, "statistic": k, "value": float(v)}
                for label, diffs in self.differences.items() for d in diffs
                for k, v in (("difference", d.mean), ("ci_low", d.ci_low), ("ci_high", d.ci_high), ("n", d.n),
                             ("reference_mean", d.reference_mean), ("other_mean", d.other_mean))]

    def comparison_frame(self) -> "pd.DataFrame":
        """:meth:`rows` as a DataFrame."""
        return _frame(self.rows())

    def __repr__(self) -> str:
        labels = ", ".join(self.differences)
        return f"<Comparison {labels} vs {self.reference.label}: {sum(len(d) for d in self.differences.values())} differences>"

    def _repr_html_(self) -> str:
        """Distinguishable differences of the headline metrics as a table."""
        from html import escape

        from ..catalog import is_headline
        from ..catalog import number as fmt

        rows = "".join(
            f"<tr><td>{escape(label)}</td><td>{escape(d.metric)}</td><td>{escape(fmt(d.mean))}</td>"
            f"<td>[{escape(fmt(d.ci_low))}, {escape(fmt(d.ci_high))}]</td><td>{'yes' if d.distinguishable else 'no'}</td></tr>"
            for label, diffs in self.differences.items() for d in diffs
            if is_headline(d.metric, self.reference.context_elements))
        return (f"<p><b>{escape(repr(self)[1:-1])}</b></p><table><thead><tr><th>run</th><th>metric</th><th>difference</th>"
                f"<th>{self.confidence:.0%} interval</th><th>distinguishable</th></tr></thead><tbody>{rows}</tbody></table>")
