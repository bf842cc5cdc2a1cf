"""Which charts a report holds, drawn and saved as PNG and SVG, ready to embed.

A chart whose inputs a run lacks (no air defence, so no stock series) is listed with the reason
instead of failing the whole report: the reader sees what is missing and why.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from peacesim.errors import ReportError
from peacesim.experiment.results import Comparison, RunResult

from . import charts_airdefence, charts_compare, charts_coverage, charts_forces, charts_response, charts_risk
from . import map as zone_map
from .labels import metric_label
from .phrasing import headline_order
from .style import save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    """A drawn chart (``files`` and ``png_base64`` set) or one that could not be drawn (``missing``)."""

    key: str
    title: str
    files: tuple[Path, ...] = ()
    png_base64: str = ""
    missing: str = ""


def slug(text: str) -> str:
    """A safe file-name stem: lower-case letters, digits, '-' and '_' only (no path parts)."""
    s = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_.")
    return s[:80] or "chart"


def _draw(key: str, title: str, make: Callable[[], Figure], out_dir: Path) -> Chart:
    try:
        fig = make()
    except ReportError as e:
        return Chart(key, title, missing=str(e))
    return _saved(key, title, fig, out_dir)


def _saved(key: str, title: str, fig: Figure, out_dir: Path) -> Chart:
    files = save_figure(fig, out_dir / key)
    png = next(p for p in files if p.suffix == ".png")
    return Chart(key, title, tuple(files), base64.b64encode(png.read_bytes()).decode("ascii"))


def overview_charts(results: Sequence[RunResult], comparison: Comparison | None, out_dir: Path) -> list[Chart]:
    """Charts across all runs: coverage and leakers overlaid, response times, and the comparison.

    Several runs are drawn on shared axes rather than chart by chart: a reader compares them at a
    glance, and the report stays small (detail charts are drawn for the reference only).
    """
    several = len(results) > 1
    charts = [
        _draw(key, "Risk and error: spread of outcomes (10th–90th percentile) and confidence interval of the mean, "
              + ", ".join(metric_label(m).text for m in names),
              functools.partial(charts_risk.plot_risk_error, results, names), out_dir)
        for key, names in charts_risk.risk_figures(results)
    ]
    charts += [
        _draw("coverage", "Overall coverage over time, all runs" if several else "Coverage of required troops over time",
              lambda: charts_coverage.plot_coverage(results), out_dir),
    ]
    if several:
        charts.append(_draw("leakers-all", "Cumulative leakers over time, all runs",
                            lambda: charts_airdefence.plot_leakers_overlay(results), out_dir))
    charts.append(_draw("response-times", "Incident response time across replications",
                        lambda: charts_response.plot_response_times(results), out_dir))
    if comparison is not None:
        names = {d.metric for diffs in comparison.differences.values() for d in diffs}
        charts.append(_draw("differences", "Paired differences of the headline metrics against the reference",
                            lambda: charts_compare.plot_difference_forest(comparison, headline_order(names)), out_dir))
    return charts


def run_charts(result: RunResult, index: int, out_dir: Path) -> list[Chart]:
    """Detail charts of one run (the report draws them for the reference only).

    Files are prefixed ``run<index>-`` so charts of different runs never overwrite each other.
    """
    p = f"run{index}-"
    makers: list[tuple[str, str, Callable[[], Figure]]] = [
        ("map", "Zones on the map by mean coverage", lambda: zone_map.plot_zone_map(result)),
        ("coverage-zones", "Coverage by zone over time", lambda: charts_coverage.plot_zone_coverage(result)),
        ("coverage-heatmap", "Coverage by zone and day", lambda: charts_coverage.plot_coverage_heatmap(result)),
        ("force-flow", "Where the committed troops are", lambda: charts_forces.plot_force_flow(result)),
        ("interceptor-stocks", "Interceptor stocks by system", lambda: charts_airdefence.plot_interceptor_stocks(result)),
        ("leakers", "Threats that got through, by zone", lambda: charts_airdefence.plot_leakers(result)),
    ]
    return [_draw(p + key, title, make, out_dir) for key, title, make in makers]


def extra_charts(figures: Mapping[str, Figure], out_dir: Path) -> list[Chart]:
    """Figures handed in by the caller (a tornado or sweep line), keyed by their caption."""
    return [_saved(f"extra-{i + 1}-{slug(title)}", title, fig, out_dir) for i, (title, fig) in enumerate(figures.items())]
