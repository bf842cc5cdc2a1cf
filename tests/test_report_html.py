"""The HTML report: contents, escaping, self-containment and the files beside it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from peacesim.errors import ReportError
from peacesim.report import plot_tornado, write_report
from peacesim.report.charts_compare import TornadoBar
from peacesim.report.html import claim_rows
from report_fixtures import XSS, fake_register, make_pair, make_run, make_scenario, paired_comparison


class Tags(HTMLParser):
    """Collects tags and their attributes, to check references without a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    base = make_run(make_scenario(description=f"Test of escaping {XSS} & more"), run_id="r-base")
    _, worse = make_pair()
    comparison = paired_comparison(base, [worse])
    tornado = plot_tornado([TornadoBar("UK rotation depth", 50.0, 70.0, 58.0)], "leakers")
    out = tmp_path_factory.mktemp("report")
    path = write_report([base, worse], out, comparison=comparison, command="peacesim report r-base r-noad",
                        claims=fake_register(), extra_figures={"Sensitivity of leakers": tornado})
    return path, path.read_text(encoding="utf-8")


def test_writes_html_and_every_chart_as_png_and_svg(report):
    path, html = report
    assert path.name == "report.html"
    pngs = sorted(p.stem for p in path.parent.glob("*.png"))
    svgs = sorted(p.stem for p in path.parent.glob("*.svg"))
    assert pngs == svgs and len(pngs) >= 12
    assert {"coverage", "leakers-all", "differences", "run1-map", "run1-force-flow", "run1-leakers"} <= set(pngs)
    assert any(s.startswith("extra-1-sensitivity-of-leakers") for s in pngs)
    imgs = [a for t, a in _tags(html) if t == "img"]
    assert len(imgs) == len(pngs)  # every chart embedded once


def test_is_self_contained(report):
    _, html = report
    for tag, attrs in _tags(html):
        if tag in ("img", "script", "iframe", "source"):
            assert (attrs.get("src") or "").startswith("data:"), (tag, attrs)
        if tag == "link":
            raise AssertionError(f"external resource {attrs}")
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert "@import" not in html and "url(" not in html


def test_scenario_text_is_escaped(report):
    _, html = report
    assert XSS not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "Test of escaping" in html and "&amp; more" in html


def test_contains_key_metrics_with_intervals(report):
    _, html = report
    base = make_run(make_scenario(), run_id="r-base")
    s = base.summary["leakers"]
    for name in ("coverage_mean", "leakers", "response_time_p90_hours", "intercept_rate", "stockout_day.us_patriot"):
        assert f"<code>{name}</code>" in html
    assert f"{s.mean:.3g}" in html and f"{s.ci_low:.3g}–{s.ci_high:.3g}" in html


def test_contains_claims_with_actor_firmness_and_encoding_elements(report):
    _, html = report
    row = _row_of(html, "<code>C03</code>")
    assert "United States" in row and "potential" in row
    assert "<code>enablers.isr.us_isr</code>" in row and "<code>enablers.air_defence.us_patriot</code>" in row
    assert "the scenario as a whole" in _row_of(html, "<code>C01</code>")


def test_unknown_claims_show_their_id_only():
    rows = claim_rows([make_run()], {"claims": []})
    assert [r.id for r in rows] == ["C01", "C02", "C03"]
    assert not any(r.known for r in rows)
    assert claim_rows([make_run()], fake_register())[2].firmness == "potential"


def test_contains_the_assumptions_table_with_provenance(report):
    _, html = report
    row = _row_of(html, "<code>forces.uk</code></td><td><code>troops_per_unit</code>")
    assert "persons per unit" in row and "sourced" in row and "[seed]" in row
    row = _row_of(html, "<code>lift.air</code></td><td><code>capacity_units</code>")
    assert "assumption (declared)" in row
    row = _row_of(html, "<code>forces.uk</code></td><td><code>deployment_delay_days</code>")
    assert "triangular(low=5, mode=10, high=20)" in row and "undeclared" in row and ">days<" in row


def test_findings_state_only_distinguishable_headline_differences(report):
    _, html = report
    bullets = re.findall(r'<li class="(difference|no_difference)"><b>(.*?)</b>(.*?)</li>', html, re.S)
    assert len(bullets) == 1  # one bullet per compared run
    kind, lead, text = bullets[0]
    assert kind == "difference" and lead == "No US air defence"
    assert re.search(r"missiles reaching defended zones unkilled rise from [\d.,]+ to [\d.,]+ missiles "
                     r"\(\+\d+(\.\d+)?%, 95% CI \+[\d.]+ to \+[\d.]+%\)", text)
    assert "not in this run" in text  # the system the variant removes is named, not left out
    assert "no distinguishable change in" in text and "coverage" in text.split("no distinguishable change in")[1]
    assert "90th percentile" not in text and "+0%" not in html


def test_detail_charts_only_for_the_reference(report):
    path, html = report
    stems = {p.stem for p in path.parent.glob("*.png")}
    assert not any(s.startswith("run2-") for s in stems)
    assert "Details of baseline (the reference)" in html
    assert 'id="fig-leakers-all"' in html and 'id="fig-coverage"' in html


def test_headline_table_and_all_metrics_collapsed(report):
    _, html = report
    section = html[html.index('id="metrics"'):html.index('id="comparison"')]
    head, rest = section.split('<details id="all-metrics">', 1)
    assert "<code>coverage_mean</code>" in head and "<code>stockout_day.us_patriot</code>" in head
    assert "response_time_p90_hours" not in head and "response_time_p90_hours" in rest
    comparison = html[html.index('id="comparison"'):html.index('id="charts"')]
    shown, hidden = comparison.split('<details id="all-differences">', 1)
    assert "<code>missiles_leaked_defended</code>" in shown and "<code>threats</code>" not in shown
    assert "<code>threats</code>" in hidden and "<code>leakers</code>" in hidden  # every zone: not headlines


def test_reproduction_details(report):
    _, html = report
    section = html[html.index('id="reproduce"'):]
    for text in ("peacesim report r-base r-noad", "<dd>r-base</dd>", "<dd>r-noad</dd>", "<dd>7</dd>", "0123456789abcdef"):
        assert text in section
    assert "no_us_air_defence" in section


def test_variant_changes_listed(report):
    _, html = report
    section = html[html.index("What baseline:no_us_air_defence changes"):html.index('id="reproduce"')]
    row = _row_of(section, "<code>enablers.air_defence.us_patriot</code></td><td><code>stock</code>")
    assert ">120<" in row and ">absent<" in row


def test_missing_series_listed_not_fatal(tmp_path):
    run = make_run(run_id="r-nostock")
    run.series = {k: v for k, v in run.series.items() if not k.startswith("stock.")}  # e.g. a model without stocks
    html = write_report([run], tmp_path, claims=fake_register()).read_text(encoding="utf-8")
    assert "Chart not drawn — Interceptor stocks by system: run r-nostock has no interceptor stock series" in html
    assert 'id="fig-leakers-all"' not in html  # no overlay for a single run


def test_no_runs_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="at least one run"):
        write_report([], tmp_path)


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def _row_of(html: str, marker: str) -> str:
    i = html.index(marker)
    return html[html.rindex("<tr", 0, i): html.index("</tr>", i)]


def test_kills_under_a_heavier_threat_do_not_beat_the_reference(tmp_path):
    """More threats give more to kill: the table gives no P(beats reference) for kills, and says why."""
    from peacesim.report.html import MORE_TO_KILL, difference_rows
    from report_fixtures import summarise

    base, heavier = make_pair()
    for name, extra in (("threats", 400.0), ("package_kills", 50.0)):
        heavier.metrics[name] = base.metrics[name] + extra
        heavier.summary[name] = summarise(heavier.metrics[name])
    comparison = paired_comparison(base, [heavier])
    rows = {r["metric"]: r for r in difference_rows(comparison)}
    assert rows["package_kills"]["p_better"] == MORE_TO_KILL and rows["package_kills"]["more_to_kill"]
    assert rows["leakers"]["p_better"] != MORE_TO_KILL and not rows["leakers"]["more_to_kill"]
    text = write_report([base, heavier], tmp_path, comparison=comparison, claims=fake_register()).read_text("utf-8")
    assert MORE_TO_KILL in text and "† Not applicable: this run faces distinguishably more air threats" in text
    same = {r["metric"]: r for r in difference_rows(paired_comparison(*make_pair()[:1], [make_pair()[1]]))}
    assert same["package_kills"]["p_better"] != MORE_TO_KILL  # at the same threat, kills are a gain
