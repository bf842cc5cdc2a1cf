"""Risk and error in one chart: the 10-90 percentile bar of the replications and the CI of the mean."""

from __future__ import annotations

import math

import pytest

from peacesim.errors import ReportError
from peacesim.report.charts_risk import PANELS_PER_FIGURE, axis_label, plot_risk_error, risk_figures, risk_metrics
from report_fixtures import make_pair


def _bars(ax):
    """(left, right, height) of each bar in a panel."""
    return [(p.get_x(), p.get_x() + p.get_width(), round(p.get_height(), 2)) for p in ax.patches]


def test_each_run_has_its_spread_bar_and_its_ci_bar_over_it():
    base, worse = make_pair()
    fig = plot_risk_error([base, worse], ["coverage_mean", "leakers"])
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 2
    for ax, name in zip(panels, ["coverage_mean", "leakers"]):
        scale = 100.0 if name == "coverage_mean" else 1.0
        bars = _bars(ax)
        wide = [b for b in bars if b[2] > 0.5]
        thin = [b for b in bars if b[2] < 0.5]
        for run, w, t in zip([base, worse], wide, thin):
            s = run.summary[name]
            assert w[0] == pytest.approx(scale * s.p10) and w[1] == pytest.approx(scale * s.p90)
            assert t[0] == pytest.approx(scale * s.ci_low) and t[1] == pytest.approx(scale * s.ci_high)
            # the error of the mean lies inside the spread of outcomes
            assert w[0] <= t[0] and t[1] <= w[1]
    assert panels[0].get_title(loc="left").startswith("Mean weighted coverage (%)")
    labels = sorted((t.get_position()[1], t.get_text()) for t in panels[0].get_yticklabels())
    assert [text for _, text in labels] == ["no_us_air_defence", "baseline"]  # reference at the top


def test_figures_split_the_headline_metrics_and_skip_undefined_ones():
    base, worse = make_pair()
    names = risk_metrics([base, worse])
    assert names[0] == "coverage_mean" and "leakers" not in names  # headlines only
    figs = risk_figures([base, worse])
    assert [m for _, ms in figs for m in ms] == names
    assert all(len(ms) <= PANELS_PER_FIGURE for _, ms in figs)
    with pytest.raises(ReportError):
        plot_risk_error([base], [])


def test_non_lethal_output_reads_in_its_own_unit():
    from peacesim.scenario.schema import Scenario
    from report_fixtures import make_run, scenario_dict

    raw = scenario_dict()
    raw["enablers"]["non_lethal"] = [{"id": "japan_recon", "provider": "Japan", "kind": "reconstruction",
                                      "capacity_per_day": 6.2, "output_unit": "US$ million"}]
    run = make_run(Scenario.model_validate(raw))
    assert axis_label("nonlethal_output.japan_recon", [run]) == "Non-lethal output: Japan reconstruction (US$ million)"
    assert not math.isnan(run.summary["coverage_mean"].mean)
