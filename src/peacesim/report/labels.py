"""Chart and table labels for metrics, read from the metric catalog (:mod:`peacesim.catalog`).

Names with a suffix (``leakers.kyiv``, ``stock.us_patriot``) take the label of their entry plus
the id; windowed names add their days.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from peacesim.catalog import element_of, format_value, lookup, split_window


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


def metric_label(name: str, names: Mapping[str, str] | None = None) -> MetricLabel:
    """The label for a metric or series name, from the catalog; unknown names are shown as they are.

    ``names`` maps element ids to human names (:func:`peacesim.report.context.element_names`).
    """
    try:
        m = lookup(name)
    except KeyError:
        return MetricLabel(name.replace("_", " "), "")
    element = element_of(name)
    text = f"{m.label}: {(names or {}).get(element, element)}" if element else m.label
    _, window = split_window(name)
    if window:
        text += f", days {window[0]:g}\u2013{window[1]:g}"
    return MetricLabel(text, "" if m.share else m.unit, m.share, m.higher_is_better)


def fmt(value: float, name: str = "", digits: int = 3) -> str:
    """Format a value of a metric the one way the catalog writes it."""
    return format_value(value, name, digits=digits)


def fmt_interval(low: float, high: float, name: str = "") -> str:
    """'a–b' with the metric's format; 'n/a' when the interval is undefined (one replication)."""
    if any(isinstance(x, float) and math.isnan(x) for x in (low, high)):
        return "n/a"
    return f"{fmt(low, name)}–{fmt(high, name)}"
