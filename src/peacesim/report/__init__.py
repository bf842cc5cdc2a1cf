"""The report layer: charts (matplotlib figures) and the self-contained HTML report.

Plot functions take results and return a :class:`matplotlib.figure.Figure`; callers save them
with :func:`save_figure`. :func:`write_report` draws everything for a list of runs. matplotlib is
imported only when a chart is drawn.
"""

from __future__ import annotations

from .charts_airdefence import plot_interceptor_stocks, plot_leakers, plot_leakers_overlay
from .charts_compare import TornadoBar, plot_comparison_bars, plot_difference_forest, plot_sweep, plot_tornado
from .charts_coverage import plot_coverage, plot_coverage_heatmap, plot_zone_coverage
from .charts_forces import plot_force_flow
from .charts_response import plot_response_times
from .html import write_report
from .map import plot_zone_map
from .style import save_figure

__all__ = [
    "TornadoBar",
    "plot_comparison_bars",
    "plot_coverage",
    "plot_coverage_heatmap",
    "plot_difference_forest",
    "plot_force_flow",
    "plot_interceptor_stocks",
    "plot_leakers",
    "plot_leakers_overlay",
    "plot_response_times",
    "plot_sweep",
    "plot_tornado",
    "plot_zone_coverage",
    "plot_zone_map",
    "save_figure",
    "write_report",
]
