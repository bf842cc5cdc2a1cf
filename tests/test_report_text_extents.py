"""No chart of a nine-run report has overlapping or cut-off text: extents measured with the Agg renderer."""

from __future__ import annotations

import pytest

from peacesim.report import gallery
from peacesim.scenario.schema import Scenario
from report_fixtures import Effects, make_run, paired_comparison, scenario_dict

NAMES = ["no_us_air_defence", "us_isr_only", "five_supporting_nations", "rotation_two_deep", "ceasefire_fails",
         "us_withdrawal_day_180", "japan_engineering_medical", "uk_thousand_per_unit"]


def _runs() -> list:
    raw = scenario_dict()
    raw["zones"][3]["line"] = [[47.1, 37.6], [47.6, 36.2], [48.4, 37.9], [49.5, 37.8]]  # a ceasefire line as a polyline
    raw["zones"].append({"id": "yavoriv", "name": "Yavoriv training area", "kind": "training_area", "lat": 49.95,
                         "lon": 23.55, "troops_required": 100})  # beside Lviv: labels must not collide
    raw["zones"].append({"id": "airspace", "name": "Rest of Ukraine's airspace", "kind": "airspace", "lat": 49.0,
                         "lon": 31.4, "troops_required": 0})
    scenario = Scenario.model_validate(raw)
    base = make_run(scenario, run_id="r-base")
    return [base] + [make_run(scenario, variant=v, run_id=f"r-{i}", seed=10 + i,
                              effects=Effects(coverage=0.75 - 0.03 * i)) for i, v in enumerate(NAMES)]


def _drawn_texts(fig) -> list:
    """Visible, non-empty texts the renderer draws: tick labels only of the ticks inside the view."""
    from matplotlib.text import Text

    ticks, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            every = axis.get_major_ticks() + axis.get_minor_ticks()
            ticks.update(id(t) for tick in every for t in (tick.label1, tick.label2))
            if ax.get_visible():
                drawn += [t for tick in axis._update_ticks() for t in (tick.label1, tick.label2)]
    drawn += [t for t in fig.findobj(Text) if id(t) not in ticks and (t.axes is None or t.axes.get_visible())]
    return [t for t in drawn if t.get_visible() and t.get_text().strip()]


def text_problems(fig) -> list[str]:
    """Texts that leave the figure or overlap another text, as 'cut: a' / 'overlap: a x b'."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    frame = fig.bbox
    boxes, problems = [], []
    for t in _drawn_texts(fig):
        b = t.get_window_extent(renderer)
        if b.x0 < frame.x0 - 1 or b.x1 > frame.x1 + 1 or b.y0 < frame.y0 - 1 or b.y1 > frame.y1 + 1:
            problems.append(f"cut: {t.get_text()!r}")
        boxes.append((t, b.shrunk(0.98, 0.9)))  # a hair of tolerance for glyph boxes that only touch
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            if ba.overlaps(bb):
                problems.append(f"overlap: {a.get_text()!r} x {b.get_text()!r}")
    return problems


RUNS = _runs()
JOBS = (gallery.risk_jobs(RUNS) + gallery.overview_jobs(RUNS, paired_comparison(RUNS[0], RUNS[1:]))
        + gallery.run_jobs(RUNS[0], 1))


@pytest.mark.parametrize("key", [k for k, _, _ in JOBS])
def test_chart_text_neither_overlaps_nor_is_cut(key):
    make = next(m for k, _, m in JOBS if k == key)
    fig = make()
    assert text_problems(fig) == []


def test_the_checker_sees_an_overlap_and_a_cut():
    from peacesim.report.style import new_figure

    fig = new_figure(3, 2)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "one label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "another label", transform=ax.transAxes)
    fig.text(0.9, 0.5, "runs off the right edge")
    problems = text_problems(fig)
    assert any(p.startswith("overlap: 'one label'") for p in problems)
    assert any(p.startswith("cut: 'runs off") for p in problems)


def test_map_draws_line_zones_as_lines_and_no_troop_zones_uncoloured():
    from peacesim.report.map import NO_TROOPS_COLOUR, plot_zone_map

    fig = plot_zone_map(RUNS[0])
    ax = fig.axes[0]
    line = [(lat, lon) for lat, lon in [[47.1, 37.6], [47.6, 36.2], [48.4, 37.9], [49.5, 37.8]]]
    drawn = [ln for ln in ax.lines if len(ln.get_xdata()) == len(line)]
    assert any(list(zip(ln.get_ydata(), ln.get_xdata())) == line for ln in drawn)  # lat/lon in order
    coloured = ax.collections[0]  # the colour-mapped dots: zones needing troops only
    # zones with a coverage series (the fixture keeps none for yavoriv: drawn grey, "no coverage recorded")
    assert len(coloured.get_offsets()) == len(("kyiv", "odesa", "lviv", "zaporizhzhia_npp"))
    assert (31.4, 49.0) not in [tuple(p) for p in coloured.get_offsets()]
    assert any(h.get_label() == "Needs no troops (no coverage)" for h in ax.get_legend().legend_handles)
    assert any(h.get_label() == "No coverage recorded" for h in ax.get_legend().legend_handles)
    assert NO_TROOPS_COLOUR
