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
from typing import TYPE_CHECKING, Any

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
NO_TROOPS_COLOUR = "#888888"


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
    on_line = np.array([bool(z.line) for z in scenario.zones])
    import matplotlib

    cmap = matplotlib.colormaps[SEQUENTIAL_CMAP]

    def plt_cmap(v: float) -> tuple[float, float, float, float]:
        return tuple(cmap(float(v)))  # type: ignore[return-value]

    dots = known & ~on_line
    points = ax.scatter(lons[dots], lats[dots], c=values[dots], s=sizes[dots], cmap=SEQUENTIAL_CMAP, vmin=0,
                        vmax=1, edgecolors="black", linewidths=0.6, zorder=4)
    empty = (need == 0) & ~on_line  # zones that need no troops: neither covered nor uncovered
    if empty.any():
        ax.scatter(lons[empty], lats[empty], s=70, facecolors="white", edgecolors=NO_TROOPS_COLOUR,
                   linewidths=0.9, hatch="////", zorder=4)
    unknown = (need > 0) & ~known & ~on_line  # troops needed but the run kept no coverage series
    if unknown.any():
        ax.scatter(lons[unknown], lats[unknown], s=sizes[unknown], facecolors="#dddddd", edgecolors="black",
                   linewidths=0.6, zorder=4)
    labels = []
    for i, z in enumerate(scenario.zones):
        ring = math.sqrt(sizes[i])
        if z.line:
            pts = np.asarray(z.line, dtype=float)  # [lat, lon] pairs
            covered = not math.isnan(values[i])
            ax.plot(pts[:, 1], pts[:, 0], color=plt_cmap(values[i]) if covered else NO_TROOPS_COLOUR,
                    linewidth=3.2 if covered else 2.2, linestyle="-" if covered else (0, (4, 2)),
                    solid_capstyle="round", zorder=3.5)
            if z.id in isr:
                ax.plot(pts[:, 1], pts[:, 0], color=ISR_COLOUR, linewidth=7, alpha=0.35, zorder=3)
        if z.id in isr and not z.line:
            ax.plot(z.lon, z.lat, marker="o", markersize=ring + 7, markerfacecolor="none",
                    markeredgecolor=ISR_COLOUR, markeredgewidth=1.6, linestyle="none", zorder=3)
        if z.id in air:
            ax.plot(z.lon, z.lat, marker="H", markersize=ring + 14, markerfacecolor="none",
                    markeredgecolor=AD_COLOUR, markeredgewidth=1.6, linestyle="none", zorder=3)
        # a line zone is named at the middle of its line (its nominal centre may lie far off it)
        at, below = (_line_middle(z.line), 8.0) if z.line else ((z.lon, z.lat), ring / 2 + 9)
        labels.append(ax.annotate(short_name(z.name, 22), at, xytext=(0, -below),
                                  textcoords="offset points", ha="center", va="top", fontsize=7.5, zorder=5,
                                  bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none",
                                        "alpha": 0.7}))
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
    if empty.any():
        handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="white", markeredgecolor=NO_TROOPS_COLOUR,
                              markersize=8, label="Needs no troops (no coverage)"))
    if unknown.any():
        handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="#dddddd", markeredgecolor="black",
                              markersize=8, label="No coverage recorded"))
    if on_line.any():
        handles.append(Line2D([], [], color=NO_TROOPS_COLOUR, linewidth=2.2, linestyle=(0, (4, 2)), label="Line zone"))
    ax.legend(handles=handles, loc="lower left", fontsize=7.5)
    separate_labels(fig, labels)
    hidden = sum(not text.get_visible() for text in labels)
    note(fig, CREDIT + (f" {hidden} of {len(labels)} zone names left out where they would overlap." if hidden else ""))
    return fig


def _line_middle(line: Any) -> tuple[float, float]:
    """(lon, lat) of the point half-way along a polyline of [lat, lon] pairs (by length in degrees)."""
    pts = np.asarray(line, dtype=float)
    seg = np.hypot(np.diff(pts[:, 0]), np.diff(pts[:, 1]))
    if seg.sum() == 0:
        return float(pts[0, 1]), float(pts[0, 0])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    half = cum[-1] / 2
    i = min(int(np.searchsorted(cum, half, side="right")) - 1, len(seg) - 1)
    f = (half - cum[i]) / seg[i] if seg[i] else 0.0
    lat, lon = pts[i] + f * (pts[i + 1] - pts[i])
    return float(lon), float(lat)


def _overlaps(box: Any, placed: list[Any]) -> bool:
    return any(box.overlaps(other) for other in placed)


def separate_labels(fig: Figure, labels: list[Any], step_pt: float = 9.0, tries: int = 8) -> None:
    """Move labels that would overlap an earlier one: above the point, then further down or up.

    Text extents come from the Agg renderer after the layout is solved, the way the PNG will be drawn.
    """
    if not labels:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    placed: list[Any] = []
    for ax in {label.axes for label in labels}:  # the legend and the axes' numbers are taken already
        legend = ax.get_legend()
        placed += [legend.get_window_extent(renderer)] if legend is not None else []
        placed += [b for b in (ax.xaxis.get_tightbbox(renderer), ax.yaxis.get_tightbbox(renderer)) if b is not None]
    for text in sorted(labels, key=lambda t: -t.xy[1]):
        x0, y0 = text.get_position()
        box = text.get_window_extent(renderer)
        k = 0
        while _overlaps(box, placed) and k < tries:
            k += 1
            shift = (k + 1) // 2 * step_pt * (1 if k % 2 else -1)  # up, down, further up, further down...
            if k % 2 and k == 1:
                text.set_va("bottom")
                text.set_position((x0, -y0))  # mirror above the marker
            else:
                text.set_va("top")
                text.set_position((x0, y0 + shift))
            box = text.get_window_extent(renderer)
        if _overlaps(box, placed):
            text.set_visible(False)  # crowded (a hundred zones): no label rather than labels over each other
            continue
        placed.append(box)
