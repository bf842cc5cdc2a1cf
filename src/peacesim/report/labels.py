"""Plain-word names, units and number formats for metrics, so charts and text say the same thing.

The metric names are the stable ones listed in docs/architecture.md. Names with a suffix
(``leakers.kyiv``, ``stock.us_patriot``) take the label of their stem plus the suffix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricLabel:
    """How a metric is named in a chart or sentence.

    ``share`` metrics are 0..1 and shown as percentages; ``higher_is_better`` decides whether a
    rise is good news in findings (None when it depends on the reader).
    """

    text: str
    unit: str
    share: bool = False
    higher_is_better: bool | None = None

    @property
    def axis(self) -> str:
        """Axis label with its unit, e.g. 'Leakers (threats)'."""
        unit = "%" if self.share else self.unit
        return f"{self.text} ({unit})" if unit else self.text


LABELS: dict[str, MetricLabel] = {
    "coverage_mean": MetricLabel("Mean weighted coverage", "share of required troops", True, True),
    "coverage_min": MetricLabel("Lowest weighted coverage", "share of required troops", True, True),
    "coverage": MetricLabel("Weighted coverage", "share of required troops", True, True),
    "ioc_day": MetricLabel("Initial operating capability", "days", False, False),
    "foc_day": MetricLabel("Full operating capability", "days", False, False),
    "troops_committed": MetricLabel("Troops committed", "persons"),
    "troops_deployed_mean": MetricLabel("Troops deployed, mean", "persons", False, True),
    "troops_cycled": MetricLabel("Troops cycled through theatre", "persons"),
    "rotation_gap_days": MetricLabel("Rotation gaps", "days", False, False),
    "incidents": MetricLabel("Incidents", "count", False, False),
    "detection_rate": MetricLabel("Incidents detected", "share", True, True),
    "warning_time_mean_hours": MetricLabel("Warning time, mean", "hours", False, True),
    "response_time_mean_hours": MetricLabel("Response time of answered incidents, mean", "hours", False, False),
    "response_time_p90_hours": MetricLabel("Response time of answered incidents, 90th percentile", "hours", False, False),
    "response_within_target_share": MetricLabel("Noticed incidents answered within target", "share", True, True),
    "incidents_answered_on_target_share": MetricLabel("Incidents answered on target", "share", True, True),
    "incidents_answered_share": MetricLabel("Incidents answered at all", "share", True, True),
    "time_to_answer_capped_mean_hours": MetricLabel("Time to answer, mean over all incidents (miss = 24 h)", "hours", False, False),
    "time_to_answer_median_hours": MetricLabel("Time to answer, median over all incidents", "hours", False, False),
    "time_to_answer_p90_hours": MetricLabel("Time to answer, 90th percentile over all incidents", "hours", False, False),
    "threats": MetricLabel("Air threats", "count"),
    "intercept_rate": MetricLabel("Intercept rate", "share of threats", True, True),
    "leakers": MetricLabel("Leakers", "threats not intercepted", False, False),
    "interceptors_used": MetricLabel("Interceptors used", "missiles"),
    "stockout_day": MetricLabel("Interceptor stock-out", "days", False, True),
    "armaments_delivered": MetricLabel("Armaments delivered", "items", False, True),
    "nonlethal_output": MetricLabel("Non-lethal output", "units of output", False, True),
    "stock": MetricLabel("Interceptors in stock", "missiles"),
    "leakers_cumulative": MetricLabel("Cumulative leakers", "threats"),
    "incidents_cumulative": MetricLabel("Cumulative incidents", "count"),
    "surveillance": MetricLabel("Surveillance cover", "detection probability", True, True),
    "troops.deployed": MetricLabel("Deployed", "persons"),
    "troops.in_transit": MetricLabel("In transit", "persons"),
    "troops.recovering": MetricLabel("Recovering", "persons"),
    "troops.training": MetricLabel("Training", "persons"),
    "troops.ready": MetricLabel("Ready", "persons"),
}


def metric_label(name: str) -> MetricLabel:
    """The label for a metric or series name; unknown names are shown as they are."""
    if name in LABELS:
        return LABELS[name]
    stem, _, suffix = name.partition(".")
    if stem in LABELS and suffix:
        base = LABELS[stem]
        return MetricLabel(f"{base.text}: {suffix}", base.unit, base.share, base.higher_is_better)
    return MetricLabel(name.replace("_", " "), "")


def fmt(value: float, name: str = "", digits: int = 3) -> str:
    """Format a value of a metric: shares as percentages, others to ``digits`` significant figures."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if name and metric_label(name).share:
        pct = 100 * value
        return f"{pct:.1f}%" if pct == 0 or abs(pct) >= 10 else f"{pct:#.{digits}g}".rstrip(".") + "%"
    if value == 0:
        return "0"
    mag = abs(value)
    if mag >= 10 ** digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}" if mag >= 1e-3 else f"{value:.2e}"


def fmt_interval(low: float, high: float, name: str = "") -> str:
    """'a–b' with the metric's format; 'n/a' when the interval is undefined (one replication)."""
    if any(isinstance(x, float) and math.isnan(x) for x in (low, high)):
        return "n/a"
    return f"{fmt(low, name)}–{fmt(high, name)}"
