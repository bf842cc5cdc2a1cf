"""Air-defence charts: interceptor stocks draining, and the threats that get through.

Stocks show whether deliveries keep up with raids (and the day a system runs dry); cumulative
leakers by zone show what that costs on the ground. Timeline changes (a system withdrawn) are
marked, because they usually explain a kink.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment.results import RunResult

from .context import run_tag, scenario_of, suffixed, zone_names
from .style import REFERENCE_COLOUR, band, colour, new_figure, note, overlay_alpha, overlay_legend, styled

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BAND = "Lines: mean over {n} replications; shaded: 10th-90th percentile."
#: Lines one chart draws at most: with more (150 zones, 30 systems) the legend would not fit the figure.
MAX_LINES = 10


def _most(result: RunResult, prefix: str, ids: Sequence[str], key: Callable[[np.ndarray], float]) -> list[str]:
    """The ``MAX_LINES`` ids whose mean series ``prefix.<id>`` scores highest by ``key`` (all when few), in order."""
    if len(ids) <= MAX_LINES:
        return list(ids)
    ranked = sorted(ids, key=lambda i: -key(result.series[f"{prefix}.{i}"].mean))[:MAX_LINES]
    return [i for i in ids if i in ranked]


def _legend_title(shown: int, total: int, what: str) -> str | None:
    return f"{shown} of {total} {what}" if shown < total else None


def _mark_withdrawals(ax: Axes, result: RunResult, ids: set[str]) -> None:
    """Dashed vertical line at each timeline withdrawal of one of ``ids``."""
    scenario = scenario_of(result)
    if scenario is None:
        return
    for change in scenario.timeline:
        target = getattr(change, "target", None)
        if getattr(change, "change", "") == "withdraw" and target in ids:
            ax.axvline(change.day, color=REFERENCE_COLOUR, linestyle="--", linewidth=1)
            ax.annotate(f"{target} withdrawn", (change.day, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -3), textcoords="offset points", fontsize=7.5, va="top", color=REFERENCE_COLOUR)


@styled
def plot_interceptor_stocks(result: RunResult) -> Figure:
    """Interceptors left in each system's stock over time."""
    systems = suffixed(result.series, "stock")
    if not systems:
        raise ReportError(f"run {result.run_id or result.label} has no interceptor stock series (stock.<system>)")
    scenario = scenario_of(result)
    names = {a.id: f"{a.system} ({a.provider})" for a in scenario.enablers.air_defence} if scenario else {}
    fig = new_figure(7.5, 3.6)
    ax = fig.add_subplot()
    shown = _most(result, "stock", systems, lambda m: -float(m[-1]) / max(float(m.max()), 1.0) if m.size else 0.0)
    for i, sys_id in enumerate(shown):
        s = result.series[f"stock.{sys_id}"]
        band(ax, np.arange(len(s.mean)), s.mean, s.p10, s.p90, colour_=colour(i), label=names.get(sys_id, sys_id))
    _mark_withdrawals(ax, result, set(systems))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Day of the operation")
    ax.set_ylabel("Interceptors in stock (missiles)")
    ax.set_title(f"Interceptor stocks by system: {result.label}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0),
              title=_legend_title(len(shown), len(systems), "systems, those drained most"))
    note(fig, BAND.format(n=result.replications))
    return fig


@styled
def plot_leakers(result: RunResult) -> Figure:
    """Cumulative threats not intercepted, by zone, with the total."""
    zones = suffixed(result.series, "leakers_cumulative")
    if not zones and "leakers_cumulative" not in result.series:
        raise ReportError(f"run {result.run_id or result.label} has no leaker series (leakers_cumulative[.<zone>])")
    names = zone_names(result)
    fig = new_figure(7.5, 3.6)
    ax = fig.add_subplot()
    shown = _most(result, "leakers_cumulative", zones, lambda m: float(m[-1]) if m.size else 0.0)
    for i, zone in enumerate(shown):
        s = result.series[f"leakers_cumulative.{zone}"]
        band(ax, np.arange(len(s.mean)), s.mean, s.p10, s.p90, colour_=colour(i), label=names.get(zone, zone))
    if "leakers_cumulative" in result.series:
        s = result.series["leakers_cumulative"]
        days = np.arange(len(s.mean))
        ax.fill_between(days, s.p10, s.p90, color="black", alpha=0.08, linewidth=0)
        ax.plot(days, s.mean, color="black", linestyle="--", linewidth=1.4, label="All zones")
    scenario = scenario_of(result)
    _mark_withdrawals(ax, result, {a.id for a in scenario.enablers.air_defence} if scenario else set())
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Day of the operation")
    ax.set_ylabel("Cumulative leakers (threats)")
    ax.set_title(f"Threats that got through, by zone: {result.label}")
    ax.legend(loc="upper left", title=_legend_title(len(shown), len(zones), "zones, those with most leakers"))
    note(fig, BAND.format(n=result.replications))
    return fig


@styled
def plot_leakers_overlay(results: Sequence[RunResult]) -> Figure:
    """Cumulative threats not intercepted, all zones together, one line and band per run."""
    runs = [r for r in results if "leakers_cumulative" in r.series]
    if not runs:
        raise ReportError("no run has the series leakers_cumulative")
    fig = new_figure(9.0 if len(runs) > 3 else 7.5, 3.8)
    ax = fig.add_subplot()
    for i, run in enumerate(results):
        if "leakers_cumulative" in run.series:
            s = run.series["leakers_cumulative"]
            band(ax, np.arange(len(s.mean)), s.mean, s.p10, s.p90, colour_=colour(i), label=run_tag(run),
                 alpha=overlay_alpha(len(runs)))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Day of the operation")
    ax.set_ylabel("Cumulative leakers (threats)")
    ax.set_title("Threats that got through, all zones, by run")
    overlay_legend(ax, len(runs))
    note(fig, BAND.format(n=", ".join(str(r.replications) for r in runs)))
    return fig
