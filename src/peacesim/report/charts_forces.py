"""Force flow: where the committed troops are each day (in theatre, moving, recovering, training).

The stack shows why a headline pledge ("hundreds of troops") is not the number on the ground: a
rotation cycle keeps most of a contingent out of theatre at any time. The total required by the
zones is drawn as a reference line when the scenario is known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment.results import RunResult

from .context import scenario_of
from .labels import metric_label
from .style import REFERENCE_COLOUR, colour, new_figure, note, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Stacked from the bottom: in theatre first, because that is what covers zones.
FLOW_SERIES = ("troops.deployed", "troops.in_transit", "troops.recovering", "troops.training")


@styled
def plot_force_flow(result: RunResult) -> Figure:
    """Stacked mean troops by state over time, with the 10th-90th band of troops deployed."""
    present = [name for name in FLOW_SERIES if name in result.series]
    if not present:
        raise ReportError(f"run {result.run_id or result.label} has no troop series ({', '.join(FLOW_SERIES)})")
    days = np.arange(len(result.series[present[0]].mean))
    fig = new_figure(7.5, 3.8)
    ax = fig.add_subplot()
    ax.stackplot(
        days,
        *[result.series[name].mean for name in present],
        labels=[metric_label(name).text for name in present],
        colors=[colour(i) for i in range(len(present))],
        alpha=0.85,
        linewidth=0,
    )
    if "troops.deployed" in result.series:
        dep = result.series["troops.deployed"]
        ax.plot(days, dep.p10, color="black", linewidth=0.8, linestyle=":", label="Deployed, 10th-90th percentile")
        ax.plot(days, dep.p90, color="black", linewidth=0.8, linestyle=":")
    scenario = scenario_of(result)
    if scenario is not None:
        required = sum(z.troops_required for z in scenario.zones)
        ax.axhline(required, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.2,
                   label=f"Required by the zones ({required:,})")
    ax.set_xlim(0, days[-1] if len(days) > 1 else 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Day of the operation")
    ax.set_ylabel("Troops (persons)")
    ax.set_title(f"Where the committed troops are: {result.label}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    note(fig, f"Stacked areas: mean over {result.replications} replications; dotted: 10th-90th percentile of troops deployed.")
    return fig
