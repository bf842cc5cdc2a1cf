"""Sizing charts: P(target met) against the varied value, and the frontier of two varied values.

The P(met) chart shows every value the search tried with the interval its decision rested on,
the required confidence as a line, and the answer's interval (values where the evidence is not
conclusive) shaded, so a reader sees both the answer and how firm it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment.sizing import Answer, Probe

from .style import BAND_ALPHA, REFERENCE_COLOUR, colour, new_figure, note, percent_axis, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_STATE_COLOUR = {"meets": colour(2), "fails": colour(3), "inconclusive": colour(1)}


@styled
def plot_sizing(answer: Answer, path: str, target: str, confidence: float, level: float) -> Figure:
    """P(met) with its interval at each value tried, the confidence line and the answer's interval."""
    probes: Sequence[Probe] = sorted(answer.probes, key=lambda p: p.x)
    if not probes:
        raise ReportError("a sizing chart needs at least one value tried")
    fig = new_figure(7.0, 3.8)
    ax = fig.add_subplot()
    hi = answer.value if answer.value is not None else probes[-1].x
    if answer.lower is not None and float(answer.lower) < float(hi):
        ax.axvspan(float(answer.lower), float(hi), color=colour(0), alpha=BAND_ALPHA, linewidth=0,
                   label="answer interval (not conclusive)")
    ax.axhline(confidence, color=REFERENCE_COLOUR, linestyle="--", linewidth=1, label=f"required P(met) {confidence:g}")
    refused = [p.x for p in probes if p.refused is not None]
    if refused:
        ax.scatter(refused, [0.0] * len(refused), marker="x", color=_STATE_COLOUR["fails"], label="refused by the scenario")
    for state, c in _STATE_COLOUR.items():
        pts = [p for p in probes if p.state == state and p.refused is None]
        if not pts:
            continue
        x = np.array([p.x for p in pts])
        y = np.array([p.p for p in pts])
        err = np.clip(np.array([[p.p - p.low for p in pts], [p.high - p.p for p in pts]]), 0, None)  # float noise at 0 and 1
        ax.errorbar(x, y, yerr=err, fmt="o", color=c, markersize=4, capsize=2, label=state)
    if answer.value is not None:
        ax.axvline(float(answer.value), color=colour(2), linewidth=1)
    ax.set_ylim(-0.02, 1.02)
    percent_axis(ax)
    ax.set_xlabel(path)
    ax.set_ylabel("P(target met)")
    ax.set_title(f"Sizing: {target}")
    ax.legend(loc="lower right", fontsize=8)
    note(fig, f"Same replication seeds at every value; bars: the {level:.1%} interval of P(met) each decision used; "
              f"{sum(p.n for p in probes)} replications.")
    return fig


@styled
def plot_frontier(answers: Sequence[Answer], x_path: str, y_path: str, target: str, confidence: float) -> Figure:
    """For each value of the first varied path, the smallest of the second that meets the target."""
    rows = [(float(next(iter(a.fixed.values()))), a) for a in answers if a.fixed]
    if not rows:
        raise ReportError("a frontier needs answers at values of the first --vary")
    fig = new_figure(7.0, 3.8)
    ax = fig.add_subplot()
    shown = [(x, a) for x, a in rows if a.value is not None]
    if shown:
        xs = np.array([x for x, _ in shown])
        ys = np.array([float(a.value) for _, a in shown])  # type: ignore[arg-type]
        lows = np.array([float(a.lower) if a.lower is not None else float(a.value) for _, a in shown])  # type: ignore[arg-type]
        ax.errorbar(xs, ys, yerr=[ys - lows, np.zeros_like(ys)], fmt="o-", color=colour(0), capsize=2, markersize=4,
                    label="smallest value shown to meet (bar: not conclusive below)")
    missed = [x for x, a in rows if a.value is None]
    if missed:
        top = max((float(a.value) for _, a in shown if a.value is not None), default=1.0)
        ax.scatter(missed, [top] * len(missed), marker="x", color=colour(3), label="not met within range")
    ax.set_xlabel(x_path)
    ax.set_ylabel(y_path)
    ax.set_title(f"Frontier: {target}, P(met) >= {confidence:g}")
    ax.legend(loc="best", fontsize=8)
    note(fig, "Each point is a separate search of the second value with the first fixed.")
    return fig
