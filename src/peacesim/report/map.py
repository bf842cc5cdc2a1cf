"""The zones on a map of Ukraine, coloured by how well they were covered.

Where the gaps are matters as much as how big they are: a well-covered capital and an uncovered
contact line average to a comfortable number. Rings mark the zones that ISR watches and that air
defence protects, so the map also shows which enablers a zone depends on. The outline is Natural
Earth's (public domain), shipped in ``report/data``.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from peacesim.errors import ReportError
from peacesim.experiment.results import RunResult

from .context import scenario_of, short_name
from .style import OKABE_ITO, SEQUENTIAL_CMAP, new_figure, note, percent_axis, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CREDIT = "Outline: Natural Earth (naturalearthdata.com), public domain. Zone positions are their centres."
ISR_COLOUR = OKABE_ITO[2]
AD_COLOUR = OKABE_ITO[3]


@lru_cache(maxsize=1)
def ukraine_outline() -> list[np.ndarray]:
    """Rings of Ukraine's outline as (lon, lat) arrays, read once from the packaged GeoJSON."""
    text = resources.files("peacesim.report").joinpath("data/ukraine-outline.geojson").read_text(encoding="utf-8")
    rings: list[np.ndarray] = []
    for feature in json.loads(text)["features"]:
        geom = feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings += [np.asarray(poly[0], dtype=float) for poly in polygons]
    return rings


def zone_mean_coverage(result: RunResult) -> dict[str, float]:
    """Each zone's coverage averaged over days and replications (from its daily mean series)."""
    prefix = "coverage."
    return {k[len(prefix):]: float(np.mean(v.mean)) for k, v in result.series.items() if k.startswith(prefix)}


@styled
def plot_zone_map(result: RunResult) -> Figure:
    """Zones at their locations, coloured by mean coverage, sized by troops required."""
    scenario = scenario_of(result)
    if scenario is None:
        raise ReportError(f"run {result.run_id or result.label} keeps no scenario text; the map needs zone locations")
    from matplotlib.lines import Line2D

    coverage = zone_mean_coverage(result)
    isr = {z for s in scenario.enablers.isr for z in s.zones}
    air = {z for a in scenario.enablers.air_defence for z in a.zones}
    fig = new_figure(7.5, 5.6)
    ax = fig.add_subplot()
    ax.grid(False)
    for outline in ukraine_outline():
        ax.fill(outline[:, 0], outline[:, 1], facecolor="#f2f2f2", edgecolor="#7a7a7a", linewidth=0.8, zorder=1)
    lons = np.array([z.lon for z in scenario.zones])
    lats = np.array([z.lat for z in scenario.zones])
    values = np.array([coverage.get(z.id, math.nan) for z in scenario.zones])
    need = np.array([z.troops_required for z in scenario.zones], dtype=float)
    sizes = 60 + 340 * np.sqrt(need / need.max()) if need.max() > 0 else np.full(len(need), 120.0)
    known = ~np.isnan(values)
    points = ax.scatter(lons[known], lats[known], c=values[known], s=sizes[known], cmap=SEQUENTIAL_CMAP, vmin=0,
                        vmax=1, edgecolors="black", linewidths=0.6, zorder=4)
    if (~known).any():
        ax.scatter(lons[~known], lats[~known], s=sizes[~known], facecolors="white", edgecolors="black",
                   linewidths=0.6, hatch="///", zorder=4)
    for i, z in enumerate(scenario.zones):
        ring = math.sqrt(sizes[i])
        if z.id in isr:
            ax.plot(z.lon, z.lat, marker="o", markersize=ring + 7, markerfacecolor="none",
                    markeredgecolor=ISR_COLOUR, markeredgewidth=1.6, linestyle="none", zorder=3)
        if z.id in air:
            ax.plot(z.lon, z.lat, marker="H", markersize=ring + 14, markerfacecolor="none",
                    markeredgecolor=AD_COLOUR, markeredgewidth=1.6, linestyle="none", zorder=3)
        ax.annotate(short_name(z.name, 22), (z.lon, z.lat), xytext=(0, -(ring / 2 + 9)), textcoords="offset points",
                    ha="center", va="top", fontsize=7.5, zorder=5,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})
    ax.set_aspect(1 / math.cos(math.radians(float(np.mean(lats)))))
    ax.set_xlabel("Longitude (degrees east)")
    ax.set_ylabel("Latitude (degrees north)")
    ax.set_title(f"Zones by mean coverage, with ISR and air-defence cover: {result.label}")
    bar = fig.colorbar(points, ax=ax, shrink=0.7, pad=0.02)
    bar.set_label("Mean coverage over the run (%)")
    percent_axis(bar.ax)
    handles = [
        Line2D([], [], marker="o", linestyle="none", markerfacecolor="none", markeredgecolor=ISR_COLOUR,
               markeredgewidth=1.6, markersize=11, label="Watched by ISR"),
        Line2D([], [], marker="H", linestyle="none", markerfacecolor="none", markeredgecolor=AD_COLOUR,
               markeredgewidth=1.6, markersize=13, label="Protected by air defence"),
        Line2D([], [], marker="o", linestyle="none", markerfacecolor="#bbbbbb", markeredgecolor="black",
               markersize=8, label="Size: troops required"),
    ]
    ax.legend(handles=handles, loc="lower left")
    note(fig, CREDIT)
    return fig
