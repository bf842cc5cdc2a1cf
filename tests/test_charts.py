"""Each chart on synthetic results: labels, titles and the artists drawn (not pixels)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from peacesim.errors import ReportError
from peacesim.experiment.results import Difference, SeriesBand
from peacesim.report import (
    TornadoBar,
    plot_comparison_bars,
    plot_coverage,
    plot_coverage_heatmap,
    plot_difference_forest,
    plot_force_flow,
    plot_interceptor_stocks,
    plot_leakers,
    plot_leakers_overlay,
    plot_response_times,
    plot_sweep,
    plot_tornado,
    plot_zone_coverage,
    plot_zone_map,
    save_figure,
)
from report_fixtures import SYSTEMS, ZONES, Effects, make_pair, make_run, make_scenario, paired_comparison


@pytest.fixture(scope="module")
def pair():
    return make_pair()


def bands(ax) -> list[PolyCollection]:
    """Shaded uncertainty bands (fill_between) on an axes."""
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_coverage_shows_the_reference_and_each_run_as_a_difference(pair):
    thin = make_run(variant="thin", run_id="r-thin", effects=Effects(coverage=0.6))
    fig = plot_coverage([pair[0], thin])
    assert isinstance(fig, Figure)
    top, bottom = fig.axes[:2]
    assert "Coverage" in top.get_title("left") and "(reference)" in top.get_title("left")
    assert "coverage" in top.get_ylabel().lower()
    assert len(top.get_lines()) == 1 and len(bands(top)) == 1
    np.testing.assert_allclose(top.get_lines()[0].get_ydata(), pair[0].series["coverage"].mean)
    assert bottom.get_xlabel() == "Day of the operation"
    assert "percentage points" in bottom.get_ylabel()
    diffs = [ln for ln in bottom.get_lines() if ln.get_label() == "thin"]
    assert len(diffs) == 1
    expected = 100 * (thin.series["coverage"].mean - pair[0].series["coverage"].mean)
    np.testing.assert_allclose(diffs[0].get_ydata(), expected)


def test_coverage_names_runs_that_never_leave_the_reference(pair):
    same = make_run(variant="same_as_base", run_id="r-same")  # the fixture's defaults: identical series
    fig = plot_coverage([pair[0], same])
    assert "same_as_base" in " ".join(t.get_text() for t in fig.texts)
    assert not [ln for ln in fig.axes[1].get_lines() if ln.get_label() == "same_as_base"]


def test_zone_coverage_has_one_panel_per_zone_named_from_the_scenario(pair):
    fig = plot_zone_coverage(pair[0])
    assert len(fig.axes) == len(ZONES)
    titles = [ax.get_title("left") for ax in fig.axes]
    assert titles[0] == "Kyiv" and "Odesa port" in titles
    assert all(len(bands(ax)) == 1 and len(ax.get_lines()) == 1 for ax in fig.axes)
    assert fig.axes[0].get_ylabel() == "Coverage (%)"


def test_heatmap_is_zones_by_days_with_a_labelled_colour_bar(pair):
    fig = plot_coverage_heatmap(pair[0])
    ax, bar = fig.axes
    image = ax.get_images()[0]
    assert image.get_array().shape == (len(ZONES), len(pair[0].series["coverage"].mean))
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Kyiv"
    assert bar.get_ylabel() == "Mean coverage (%)"
    assert image.get_clim() == (0, 1)


def test_force_flow_stacks_four_states_and_marks_required_troops(pair):
    fig = plot_force_flow(pair[0])
    ax = fig.axes[0]
    assert len(bands(ax)) == 4  # deployed, in transit, recovering, training
    assert ax.get_ylabel() == "Troops (persons)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:4] == ["Deployed", "In transit", "Recovering", "Training"]
    required = sum(z.troops_required for z in make_scenario().zones)
    assert any(f"{required:,}" in label for label in labels)
    # the stack's top equals the sum of the four means
    top = sum(pair[0].series[n].mean for n in ("troops.deployed", "troops.in_transit", "troops.recovering", "troops.training"))
    verts = bands(ax)[-1].get_paths()[0].vertices
    assert math.isclose(verts[:, 1].max(), top.max(), rel_tol=1e-9)


def test_interceptor_stocks_one_line_per_system_and_the_withdrawal_marked(pair):
    fig = plot_interceptor_stocks(pair[0])
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Interceptors in stock (missiles)"
    lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    assert len(lines) == len(SYSTEMS) and len(bands(ax)) == len(SYSTEMS)
    assert "Patriot (United States)" in [t.get_text() for t in ax.get_legend().get_texts()]
    withdrawals = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(withdrawals) == 1 and withdrawals[0].get_xdata()[0] == 90


def test_leakers_by_zone_plus_total(pair):
    fig = plot_leakers(pair[0])
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Cumulative leakers (threats)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Kyiv", "Odesa port", "All zones"]
    assert len(bands(ax)) == 3


def test_response_times_one_box_and_one_dot_per_replication_per_run(pair):
    fig = plot_response_times(list(pair))
    mean_ax, p90_ax = fig.axes
    assert mean_ax.get_xlabel() == "Response time (hours)"
    assert "Mean" in mean_ax.get_title("left") and "90th" in p90_ax.get_title("left")
    for ax in (mean_ax, p90_ax):
        assert len([p for p in ax.patches]) == 2  # one box per run
        dots = [c for c in ax.collections if c.get_offsets().shape[0] == pair[0].replications]
        assert len(dots) == 2
    labels = sorted((t.get_position()[1], t.get_text()) for t in mean_ax.get_yticklabels())
    assert [text for _, text in labels][::-1] == [r.variant or r.label for r in pair]  # the reference on top
    # the x range takes in every p90 value (no legend covers the dots: the target is in the footnote)
    top = max(r.metrics["response_time_p90_hours"].max() for r in pair)
    assert p90_ax.get_xlim()[1] >= top and p90_ax.get_legend() is None
    assert "Dashed: the target" in " ".join(t.get_text() for t in fig.texts)


def test_comparison_bars_draw_the_confidence_interval(pair):
    fig = plot_comparison_bars(list(pair), "leakers")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 2
    assert [b.get_height() for b in bars] == pytest.approx([r.summary["leakers"].mean for r in pair])
    caps = ax.containers[-1]  # errorbar container
    seg = caps.lines[2][0].get_segments()
    assert seg[0][:, 1] == pytest.approx([pair[0].summary["leakers"].ci_low, pair[0].summary["leakers"].ci_high])
    assert ax.get_ylabel() == "Leakers (threats)"
    assert ax.get_title("left") == "Leakers by run"


def test_comparison_bars_show_shares_as_percent(pair):
    ax = plot_comparison_bars(list(pair), "coverage_mean").axes[0]
    assert ax.get_ylabel().endswith("(%)")
    assert ax.patches[0].get_height() == pytest.approx(100 * pair[0].summary["coverage_mean"].mean)


def _dots(ax) -> list[tuple[float, float, object]]:
    """(x, y, face colour) of each round dot of a forest axes."""
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    out = []
    for c in ax.collections:
        if isinstance(c, PathCollection) and len(c.get_offsets()) and c.get_paths()[0].vertices.shape[0] > 4:
            faces = c.get_facecolors()
            out += [(float(x), float(y), to_hex(faces[i % len(faces)])) for i, (x, y) in enumerate(c.get_offsets())]
    return out


def test_forest_fills_only_distinguishable_differences(pair):
    comparison = paired_comparison(pair[0], [pair[1]])
    metrics = ["leakers", "coverage_mean"]
    fig = plot_difference_forest(comparison, metrics)
    ax = fig.axes[0]
    diffs = {d.metric: d for d in comparison.differences[pair[1].label]}
    assert diffs["leakers"].distinguishable and not diffs["coverage_mean"].distinguishable
    by_y = {y: (x, face) for x, y, face in _dots(ax)}
    assert len(by_y) == 2
    (leak_x, leak_face), (_, cov_face) = by_y[1], by_y[0]  # first metric on top
    assert leak_face != "#ffffff" and cov_face == "#ffffff"
    expected = 100 * diffs["leakers"].mean / diffs["leakers"].reference_mean
    assert leak_x == pytest.approx(expected)
    assert "% of baseline mean" in ax.get_xlabel()


def _forest_of(pair, *diffs: Difference, others: int = 1):
    from peacesim.experiment.results import Comparison

    runs = [pair[1]] + [make_run(variant=f"v{k}", run_id=f"r-v{k}") for k in range(1, others)]
    return Comparison(pair[0], runs, {r.label: list(diffs) for r in runs}, 0.95)


@pytest.mark.parametrize("others", [1, 2])
def test_forest_cuts_a_fall_at_minus_100_percent_and_says_so(pair, others):
    """A fall to nothing whose interval would pass −100% is drawn from −100%, as the findings give it in units."""
    kills = Difference("package_kills", 4.70, 0.0, -4.70, -5.44, -3.96, 40)
    fig = plot_difference_forest(_forest_of(pair, kills, others=others), ["package_kills"])
    ax = fig.axes[0]
    segments = [seg for c in ax.collections if hasattr(c, "get_segments") for seg in c.get_segments()]
    assert segments and min(float(seg[:, 0].min()) for seg in segments) == pytest.approx(-100)
    assert all(x >= -100 for x, _, _ in _dots(ax))
    assert "cut there" in fig.get_supxlabel()


@pytest.mark.parametrize("others", [1, 2])
def test_forest_draws_a_rise_given_as_a_multiple_at_the_edge_with_its_multiple(pair, others):
    missiles = Difference("missiles_leaked_defended", 12.05, 729.0, 716.95, 702.3, 731.6, 40)
    small = Difference("leakers", 100.0, 139.0, 39.0, 33.0, 45.0, 40)
    fig = plot_difference_forest(_forest_of(pair, missiles, small, others=others), ["missiles_leaked_defended", "leakers"])
    big_ax = fig.axes[0]
    labels = [t.get_text() for t in big_ax.texts]
    assert "60.5\u00d7" in labels
    assert big_ax.get_xlim()[1] < 1000  # not squeezed out to +5,949%
    if others == 1:  # one panel: the +39% row stays readable beside the arrow
        assert any(x == pytest.approx(39.0) for x, _, _ in _dots(big_ax))
    note_text = fig.get_supxlabel()
    assert "multiple of the reference mean" in note_text


def test_forest_panel_titles_wrap_instead_of_running_into_the_next_panel(pair):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    names = ["time_to_answer_capped_mean_hours", "missiles_leaked_defended", "package_kills"]
    diffs = [Difference(m, 10.0, 12.0, 2.0, 1.5, 2.5, 40) for m in names]
    fig = plot_difference_forest(_forest_of(pair, *diffs, others=2), names)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    titles = [ax.title.get_window_extent(renderer) for ax in fig.axes]
    boxes = [ax.get_window_extent(renderer) for ax in fig.axes]
    assert "\n" in fig.axes[0].get_title("left")
    for title, right in zip(titles, boxes[1:]):
        assert title.x1 <= right.x0, (title, right)


def test_tornado_sorts_by_swing_and_centres_on_base():
    bars = [TornadoBar("small", 9.0, 11.0, 10.0), TornadoBar("large", 4.0, 18.0, 10.0)]
    ax = plot_tornado(bars, "leakers").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["small", "large"]  # largest on top
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(rects) == 4
    assert {round(r.get_x(), 9) for r in rects} == {10.0}
    assert sorted(round(r.get_width(), 9) for r in rects) == [-6.0, -1.0, 1.0, 8.0]
    assert ax.get_xlabel() == "Leakers (threats)"


def _error_segments(ax) -> list[tuple[float, float, float]]:
    """(y, x from, x to) of every horizontal error bar drawn on ``ax``."""
    from matplotlib.container import ErrorbarContainer

    out = []
    for c in ax.containers:
        if isinstance(c, ErrorbarContainer):
            for lines in c.lines[2]:
                out += [(seg[0][1], seg[0][0], seg[1][0]) for seg in lines.get_segments()]
    return sorted(out)


def test_tornado_without_intervals_draws_no_error_bars():
    ax = plot_tornado([TornadoBar("a", 9.0, 11.0, 10.0), TornadoBar("b", 4.0, 18.0, 10.0)], "leakers").axes[0]
    assert _error_segments(ax) == []
    assert "Error bars" not in ax.figure.texts[-1].get_text()


def test_tornado_draws_the_given_intervals_at_the_bar_ends():
    bars = [TornadoBar("small", 9.0, 11.0, 10.0, low_ci=(8.5, 9.5), high_ci=(10.0, 12.0)),
            TornadoBar("large", 4.0, 18.0, 10.0, low_ci=(3.0, 5.0), high_ci=(17.5, 18.5)),
            TornadoBar("none", 9.5, 10.5, 10.0)]  # a bar without intervals gets none
    fig = plot_tornado(bars, "leakers")
    ax = fig.axes[0]
    rows = {t.get_text(): i for i, t in enumerate(ax.get_yticklabels())}
    assert _error_segments(ax) == sorted([
        (rows["small"], 8.5, 9.5), (rows["small"], 10.0, 12.0),
        (rows["large"], 3.0, 5.0), (rows["large"], 17.5, 18.5)])
    assert any("Error bars" in t.get_text() for t in fig.texts)


def test_tornado_intervals_of_a_share_are_in_percent(pair):
    s = pair[0].summary["coverage_mean"]
    bar = TornadoBar.from_summaries("uk depth", s, replace(s, mean=s.mean + 0.1, ci_low=s.ci_low + 0.1,
                                                            ci_high=s.ci_high + 0.1), s)
    assert bar.low_ci == (s.ci_low, s.ci_high)
    segments = _error_segments(plot_tornado([bar], "coverage_mean").axes[0])
    assert [v for _, lo, hi in segments for v in (lo, hi)] == pytest.approx(
        [100 * s.ci_low, 100 * s.ci_high, 100 * (s.ci_low + 0.1), 100 * (s.ci_high + 0.1)])


def test_sweep_line_orders_x_and_draws_two_bands(pair):
    s = pair[0].summary["leakers"]
    other = replace(s, mean=s.mean + 10, ci_low=s.ci_low + 10, ci_high=s.ci_high + 10)
    ax = plot_sweep([3, 2], [other, s], "UK rotation depth (units)", "leakers").axes[0]
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [2, 3]
    assert list(line.get_ydata()) == pytest.approx([s.mean, s.mean + 10])
    assert len(bands(ax)) == 2
    assert ax.get_xlabel() == "UK rotation depth (units)"
    with pytest.raises(ReportError, match="one summary per x value"):
        plot_sweep([1, 2], [s], "x", "leakers")


def test_map_places_every_zone_and_credits_natural_earth(pair):
    fig = plot_zone_map(pair[0])
    ax = fig.axes[0]
    points = ax.collections[0]
    assert points.get_offsets().shape[0] == len(ZONES)
    assert {t.get_text() for t in ax.texts} >= {"Kyiv", "Odesa port"}
    assert any("Natural Earth" in t.get_text() for t in fig.texts)
    # coloured by each zone's mean coverage over the run
    expected = np.mean(pair[0].series["coverage.kyiv"].mean)
    assert points.get_array()[0] == pytest.approx(expected)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["Watched by ISR", "Protected by air defence"]
    assert ax.get_xlabel() == "Longitude (degrees east)"


def test_missing_series_is_a_clear_report_error():
    run = make_run()
    run.series = {k: v for k, v in run.series.items() if not k.startswith("stock.")}
    with pytest.raises(ReportError, match=r"no interceptor stock series"):
        plot_interceptor_stocks(run)


def test_chart_of_a_run_without_scenario_text_still_draws():
    run = make_run()
    run.scenario_text = ""
    assert plot_force_flow(run).axes[0].get_legend() is not None
    with pytest.raises(ReportError, match="keeps no scenario text"):
        plot_zone_map(run)


def test_save_figure_writes_png_and_svg(tmp_path, pair):
    paths = save_figure(plot_coverage(pair[0]), tmp_path / "sub" / "coverage")
    assert [p.name for p in paths] == ["coverage.png", "coverage.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in paths[1].read_text()[:500]


def test_svg_is_reproducible(tmp_path, pair):
    a = save_figure(plot_leakers(pair[0]), tmp_path / "a")[1].read_bytes()
    b = save_figure(plot_leakers(pair[0]), tmp_path / "b")[1].read_bytes()
    assert a == b


def test_constant_band_series_draws(pair):
    run = make_run()
    flat = np.full(10, 0.5)
    run.series = {"coverage": SeriesBand(flat, flat, flat)}
    assert len(plot_coverage(run).axes[0].get_lines()) == 1


def test_leakers_overlay_one_line_and_band_per_run(pair):
    third = make_run(variant="three", run_id="r-3", seed=9)
    runs = [*pair, third]
    ax = plot_leakers_overlay(runs).axes[0]
    assert len(ax.get_lines()) == 3 and len(bands(ax)) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["baseline", "no_us_air_defence", "three"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), pair[1].series["leakers_cumulative"].mean)
    colours = {ln.get_color() for ln in ax.get_lines()}
    assert len(colours) == 3  # one palette colour per run, as on the coverage overlay


def test_forest_with_several_runs_has_one_panel_per_moved_metric(pair):
    third = make_run(variant="three", run_id="r-3", seed=9)
    comparison = paired_comparison(pair[0], [pair[1], third])
    fig = plot_difference_forest(comparison, ["leakers", "coverage_mean", "troops_committed"])
    titles = [ax.get_title("left") for ax in fig.axes]
    # troops_committed is identical in every run (difference exactly 0): no panel wasted on it
    assert titles == ["Leakers", "Mean weighted coverage"]
    for ax in fig.axes:
        from matplotlib.collections import PathCollection

        assert sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)) == 2  # a dot per run
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["no US air defence", "three"]


def test_save_figure_solves_the_layout_once_and_restores_it(tmp_path, pair):
    fig = plot_coverage(pair[0])
    engine = fig.get_layout_engine()
    save_figure(fig, tmp_path / "c")
    assert fig.get_layout_engine() is engine


def test_forest_panel_of_an_event_day_is_in_days(pair):
    """With several runs the day of an event is drawn in days, as the findings give it."""
    foc = Difference("foc_day", 68.9, 77.0, 8.08, 5.35, 10.8, 40)
    cov = Difference("coverage_mean", 0.80, 0.72, -0.08, -0.09, -0.07, 40)
    fig = plot_difference_forest(_forest_of(pair, foc, cov, others=2), ["foc_day", "coverage_mean"])
    days, share = fig.axes
    assert days.get_title("left").replace("\n", " ") == "Full operating capability (days later)"
    assert all(x == pytest.approx(8.08) for x, _, _ in _dots(days))
    assert all(x == pytest.approx(-10.0) for x, _, _ in _dots(share))
    assert "days for the day of an event" in fig.get_suptitle()


def test_forest_of_one_run_draws_an_event_day_in_days_on_its_own_axis(pair):
    """With a single compared run the day of an event is drawn in days too, not in % of a day number."""
    foc = Difference("foc_day", 68.9, 77.0, 8.08, 5.35, 10.8, 40)
    cov = Difference("coverage_mean", 0.80, 0.72, -0.08, -0.09, -0.07, 40)
    fig = plot_difference_forest(_forest_of(pair, foc, cov, others=1), ["foc_day", "coverage_mean"])
    share, days = fig.axes
    assert "% of baseline mean" in share.get_xlabel() and "days later" in days.get_xlabel()
    assert [x for x, _, _ in _dots(share)] == [pytest.approx(-10.0)]
    assert [x for x, _, _ in _dots(days)] == [pytest.approx(8.08)]
    assert [t.get_text() for t in days.get_yticklabels()] == ["Full operating capability"]
