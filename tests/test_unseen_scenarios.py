"""Scenarios and bad inputs the shipped files never exercise: each valid one runs, reports and
compares with findings true in words; each bad one fails with exit 2 and a located, plain message.

The fixtures are in tests/data/unseen/ (one odd shape each: no forces, no threats, a contingent
that never arrives, a one-day horizon, HTML in every text, the largest allowed values, ...).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from peacesim import api
from peacesim.cli import main
from peacesim.report.findings import findings

UNSEEN = Path(__file__).parent / "data" / "unseen"
FIXTURES = sorted(p.name for p in UNSEEN.glob("*.yaml"))
#: Words a finding must never contain: an undefined number read out, or an impossible day count.
UNTRUE = re.compile(r"\bn/a of\b|\bn/a troops\b|is n/a\b|\bnan\b|\binf\b|\b1 days\b", re.IGNORECASE)


def _text(names: list[str], tmp_path: Path, **overrides: object) -> str:
    """The findings of the fixtures' runs (2 replications each), the first the reference."""
    runs = [api.run(api.load(UNSEEN / n, **overrides), replications=2, executor="serial") for n in names]
    return "\n".join(f.text for f in findings(runs))


@pytest.mark.parametrize("name", FIXTURES)
def test_unseen_fixture_validates(capsys: pytest.CaptureFixture[str], name: str) -> None:
    """Every odd-but-valid fixture passes validate (base and variants)."""
    assert main(["validate", str(UNSEEN / name)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_no_ground_requirement_says_coverage_is_not_measured(tmp_path: Path) -> None:
    """Air defence only: no 'n/a' sentences, but why coverage, strength and response are unmeasured."""
    text = _text(["aironly.yaml"], tmp_path)
    assert "No zone requires troops, so coverage and operating capability are not measured." in text
    assert "No contingent takes part, so no troops are in theatre." in text
    assert "No incident occurs within the 90 days in any replication" in text
    assert "reach defended zones unkilled" in text  # the air sentence is still there
    assert not UNTRUE.search(text), text


def test_contingent_after_horizon_has_no_leanest_day(tmp_path: Path) -> None:
    """A contingent ready on day 500 of 100: the leanest-day strength is said to be unmeasured."""
    text = _text(["late.yaml"], tmp_path)
    assert "No day within the 100 days has every contingent due in theatre" in text
    assert "initial operating capability (50% coverage) is never reached in 100 days" in text
    assert not UNTRUE.search(text), text


def test_no_incidents_is_said_plainly(tmp_path: Path) -> None:
    """No threats at all: no 'n/a of incidents are noticed'."""
    text = _text(["minimal.yaml"], tmp_path)
    assert "No incident occurs within the 60 days in any replication" in text
    assert not UNTRUE.search(text), text


def test_one_day_horizon_reads_one_day(tmp_path: Path) -> None:
    """'1 day', not '1 days'; the window [0,1] adds no second cover or stock-out clause."""
    text = _text(["oneday.yaml"], tmp_path)
    assert "never reached in 1 day." in text
    assert text.count("has interceptors in stock") == 1
    assert text.count("stock runs out") == 1
    assert not UNTRUE.search(text), text


def test_a_window_is_never_stated_as_the_whole_run(tmp_path: Path) -> None:
    """A windowed cover or stock-out is not read out 'out of 90 days' beside the whole run's."""
    text = _text(["aironly.yaml"], tmp_path, overrides={"metrics.windows": [{"start_day": 30, "end_day": 60}]})
    assert text.count("has interceptors in stock") == 1
    assert text.count("stock runs out") == 1


def test_windowed_event_in_a_comparison_names_its_window(tmp_path: Path) -> None:
    """A stock-out only the reference has, whole run and window: two clauses that differ."""
    window = {"metrics.windows": [{"start_day": 30, "end_day": 60}]}
    runs = [api.run(api.load(UNSEEN / "aironly.yaml", variant, overrides=window), replications=3, executor="serial")
            for variant in (None, "big")]
    comparison = api.compare(runs[0], runs[1:])
    text = "\n".join(f.text for f in findings(runs, comparison))
    assert "the US Patriot stock runs out in the reference but never in this run" in text
    assert "the US Patriot stock runs out over days 30\u201360 in the reference but never in this run" in text


@pytest.mark.parametrize("name", ["removeall.yaml", "html_name.yaml", "withdraw0.yaml", "kitchen.yaml"])
def test_run_all_variants_report_and_compare(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    """run --all-variants --report and compare FILE end in 0, and the report reads no 'nan' or 'n/a of'."""
    shutil.copy(UNSEEN / name, tmp_path / name)
    db, out = str(tmp_path / "s.db"), tmp_path / "out"
    code = main(["run", str(tmp_path / name), "--all-variants", "-n", "2", "--executor", "serial", "-q",
                 "--report", "--db", db, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    page = (out / "report.html").read_text()
    words = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|svg)\b.*?</\1>", "", page, flags=re.S))
    assert not UNTRUE.search(words)
    assert "<script>alert" not in page and "<img src=x" not in page
    if name == "html_name.yaml":
        assert "&lt;script&gt;alert(" in page and "Київ" in page
    if "variants:" in (UNSEEN / name).read_text():
        assert main(["compare", str(tmp_path / name), "--all-variants", "-n", "2", "--executor", "serial", "-q",
                     "--db", db, "--out", str(tmp_path / "cmp")]) == 0


def test_compare_a_file_without_variants_fails_before_running(capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    """Nothing to compare is said at once (exit 2), with no replication run and nothing stored."""
    db = tmp_path / "s.db"
    code = main(["compare", str(UNSEEN / "minimal.yaml"), "--all-variants", "-n", "2", "--db", str(db)])
    assert code == 2
    assert "minimal.yaml has no variants" in capsys.readouterr().err
    assert not db.exists() or api.runs(db) == []


def _validate(capsys: pytest.CaptureFixture[str], path: Path) -> list[str]:
    assert main(["validate", str(path)]) == 2
    return capsys.readouterr().err.splitlines()


def test_tab_indentation_says_use_spaces(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "tabs.yaml"
    p.write_text("metadata:\n\tname: x\n")
    assert _validate(capsys, p)[0].endswith(":2:1: invalid YAML: while scanning for the next token found character "
                                            "that cannot start any token; a tab cannot indent YAML, use spaces")


def test_utf16_file_says_save_as_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "utf16.yaml"
    p.write_bytes("metadata: {name: x}\n".encode("utf-16"))
    assert _validate(capsys, p)[0] == f"{p}:1: the file is UTF-16 text; save it as UTF-8"


def test_variant_path_into_an_empty_list_says_the_list_is_empty(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    """No 'no key forces ...; did you mean forces?': the scenario has no forces, said as such."""
    text = (UNSEEN / "aironly.yaml").read_text().split("variants:")[0] + (
        "variants:\n  v:\n    set: {forces.uk.tour_days: 3}\n  r:\n    remove: [forces.nope]\n")
    p = tmp_path / "v.yaml"
    p.write_text(text)
    err = _validate(capsys, p)
    assert any(line.endswith("forces.uk.tour_days: no item with id 'uk' under forces: the scenario has no forces "
                             "(the list is empty); in variant 'v'") for line in err), err
    assert any(line.endswith("forces.nope: no item with id 'nope' under forces: the scenario has no forces "
                             "(the list is empty); in variant 'r'") for line in err), err
    assert not any("did you mean 'forces'" in line for line in err)


def test_set_into_an_empty_list_says_the_list_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", str(UNSEEN / "aironly.yaml"), "--set", "enablers.isr.sat.detection_probability=0.5"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: --set: enablers.isr.sat.detection_probability: no item with id 'sat' under enablers.isr: "
        "the scenario has no enablers.isr (the list is empty)")


def test_url_with_angle_brackets_says_what_is_wrong(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An https address refused for its '<' does not say it lacks https://."""
    p = tmp_path / "u.yaml"
    p.write_text((UNSEEN / "minimal.yaml").read_text().replace(
        "  replications: 3\n", "  replications: 3\n  sources:\n    s: {title: t, url: 'https://example.com/?q=<x>'}\n"))
    err = _validate(capsys, p)
    assert "with no spaces, quotes or angle brackets" in err[0]


def test_scale_to_overflow_is_a_located_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--scale by 1e308 on an integer field: exit 2 naming --scale, never 'internal error: OverflowError'."""
    code = main(["run", str(UNSEEN / "minimal.yaml"), "-n", "1", "--executor", "serial", "-q",
                 "--scale", "forces.*.troops_per_unit=1e308", "--db", str(tmp_path / "s.db"), "--out", str(tmp_path / "o")])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: --scale: forces.uk.troops_per_unit: scaling 100 by 1e+308 gives a number too large to hold")
    assert not (tmp_path / "o").exists()


def test_scaled_value_out_of_bounds_is_reported_at_scale(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A value --scale made invalid is the scale's doing, not the file line's (which holds 100)."""
    code = main(["run", str(UNSEEN / "minimal.yaml"), "-n", "1", "--executor", "serial", "-q",
                 "--scale", "forces.*.troops_per_unit=-1", "--db", str(tmp_path / "s.db")])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: --scale: forces.uk.troops_per_unit: Input should be greater than or equal to 1 (got -100)")


def test_vary_error_names_items_by_id(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """size --vary down to an invalid value: the key path reads forces.uk, not forces.0."""
    code = main(["size", str(UNSEEN / "minimal.yaml"), "--vary", "forces.uk.tour_days=0:5",
                 "--target", "coverage_mean >= 0.5", "-n", "1", "--executor", "serial", "-q", "--db", str(tmp_path / "s.db")])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: --vary: forces.uk.tour_days: Input should be greater than 0 (got 0.0); at forces.uk.tour_days=0")


@pytest.mark.parametrize(("flag", "message"), [
    ("coverage_maen=0.1", "--precision names unknown metric 'coverage_maen' (did you mean coverage_mean?)"),
    ("coverage=0.1", "--precision names 'coverage', a daily series, not a per-replication metric"),
])
def test_precision_typo_fails_before_any_replication(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     flag: str, message: str) -> None:
    """A misspelt --precision metric is refused at once: no incomplete run is left in the store."""
    db = tmp_path / "s.db"
    code = main(["run", str(UNSEEN / "minimal.yaml"), "-n", "1", "--executor", "serial", "-q",
                 "--precision", flag, "--db", str(db)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not db.exists() or api.runs(db) == []


def _summary_text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|svg)\b.*?</\1>", "", page, flags=re.S)))


def test_report_of_an_inconclusive_sizing_and_an_lhs_exploration_reads_true(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sizing inconclusive at its highest value says so (not 'the range is too narrow'); a report with an
    LHS exploration does not say 'No exploration is part of this report'."""
    monkeypatch.setenv("PEACESIM_REPORT_WORKERS", "1")
    vague = (UNSEEN / "minimal.yaml").read_text().replace("troops_per_unit: 100", "troops_per_unit: {explore: [50, 150], value: 100}")
    (tmp_path / "v.yaml").write_text(vague)
    db = str(tmp_path / "s.db")
    quiet = ["--executor", "serial", "-q", "--db", db]
    assert main(["run", str(tmp_path / "v.yaml"), "-n", "2", *quiet]) == 0
    assert main(["size", str(tmp_path / "v.yaml"), "--vary", "forces.uk.troops_per_unit=50:200:50",
                 "--target", "coverage_mean >= 0.5", "-n", "4", "--first", "2", *quiet]) == 0
    assert main(["explore", str(tmp_path / "v.yaml"), "--samples", "2", "-n", "2",
                 "--target", "coverage_mean >= 0.5", *quiet]) == 0
    capsys.readouterr()
    ids = [r.run_id for r in api.runs(db) if not r.run_id.startswith(("sz", "ex"))]
    with sqlite3.connect(db) as c:
        sizing = c.execute("SELECT sizing_id FROM sizings").fetchone()[0]
        explore = c.execute("SELECT explore_id FROM explorations").fetchone()[0]
    out = tmp_path / "rep"
    assert main(["report", ids[-1], sizing, explore, "--db", db, "--out", str(out)]) == 0
    text = _summary_text((out / "report.html").read_text())
    assert "too narrow" not in text
    assert "too close to 90% to tell (more replications or a wider range would say)" in text
    assert "No exploration is part of this report" not in text
    assert f"Exploration {explore} (lhs) does not measure which vague value matters most" in text


def test_misspelt_required_key_is_one_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """'tour_dayz: unknown key; did you mean tour_days?' alone, not also 'tour_days: required key is missing'."""
    p = tmp_path / "typo.yaml"
    p.write_text((UNSEEN / "minimal.yaml").read_text().replace("tour_days: 30", "tour_dayz: 30"))
    err = _validate(capsys, p)
    assert err == [f"{p}:13:5: forces.uk.tour_dayz: unknown key; did you mean 'tour_days'? (got 30)",
                   "error: 1 problem(s) found in 1 of 1 file(s)"]


def test_indexed_key_path_in_a_flow_mapping_says_to_quote_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """set: {timeline[0].day: 3} is a YAML syntax error; the message says how to write it."""
    p = tmp_path / "flow.yaml"
    p.write_text((UNSEEN / "withdraw0.yaml").read_text() + "variants:\n  v:\n    set: {timeline[0].day: 3}\n")
    err = _validate(capsys, p)
    assert err[0].endswith("; inside { } or [ ], quote a key path with an index: 'timeline[0].day'"), err
    p.write_text((UNSEEN / "withdraw0.yaml").read_text() + "variants:\n  v:\n    set: {'timeline[0].day': 3}\n")
    assert main(["validate", str(p)]) == 0


def _many(zones: int, systems: int) -> str:
    """A scenario of many air-defended zones and systems under drone raids."""
    lines = ["metadata: {name: many, title: Many zones, horizon_days: 10, replications: 1}", "zones:"]
    lines += [f"  - {{id: z{i}, name: Zone {i}, kind: city, lat: {45 + i * 0.1:.1f}, lon: 30, troops_required: 0, "
              "needs_air_defence: true}" for i in range(zones)]
    lines += ["enablers:", "  air_defence:"]
    lines += [f"    - {{id: ad{i}, provider: P, system: S{i}, batteries: 1, stock: {3 + i}, "
              f"kill_probability: {{drone: 0.5}}, zones: [z{i}]}}" for i in range(systems)]
    weights = ", ".join(f"z{i}: 1" for i in range(zones))
    lines += ["threats:", "  air_raids:",
              f"    - {{id: d, threat_type: drone, interval_days: 1, raid_size: 30, target_weights: {{{weights}}}}}"]
    return "\n".join(lines) + "\n"


def test_air_charts_of_many_zones_and_systems_show_the_ten_that_matter(tmp_path: Path) -> None:
    """30 zones and 14 systems: each chart draws at most 10 (and says so), so its legend fits the figure."""
    from peacesim.report.charts_airdefence import MAX_LINES, plot_interceptor_stocks, plot_leakers

    p = tmp_path / "many.yaml"
    p.write_text(_many(30, 14))
    result = api.run(api.load(p), replications=1, executor="serial")
    leakers, stocks = plot_leakers(result), plot_interceptor_stocks(result)
    legend = leakers.axes[0].get_legend()
    assert len(legend.get_texts()) == MAX_LINES + 1  # and 'All zones'
    assert legend.get_title().get_text() == "10 of 30 zones, those with most leakers"
    legend = stocks.axes[0].get_legend()
    assert len(legend.get_texts()) == MAX_LINES
    assert legend.get_title().get_text() == "10 of 14 systems, those drained most"


def test_a_long_chart_title_wraps_when_saved(tmp_path: Path) -> None:
    """A 64-character scenario name in a title wraps within the figure's width, in the title's style."""
    import matplotlib.pyplot as plt

    from peacesim.report.style import save_figure

    fig = plt.figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    ax.set_title("Threats that got through, by zone: m" + "x" * 63, loc="left", fontweight="bold")
    save_figure(fig, tmp_path / "t")
    title = ax.get_title(loc="left")
    assert "\n" in title and max(len(line) for line in title.splitlines()) <= 7.5 * 7.5
    plt.close(fig)


def test_map_of_many_zones_leaves_out_names_that_would_overlap(tmp_path: Path) -> None:
    """60 zones close together: no two shown names overlap, none lies on the legend, and the note says how many are left out."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from peacesim.report.map import plot_zone_map

    p = tmp_path / "many.yaml"
    p.write_text(_many(60, 2))
    fig = plot_zone_map(api.run(api.load(p), replications=1, executor="serial"))
    ax = fig.axes[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    shown = [t.get_window_extent(renderer) for t in ax.texts if t.get_visible() and t.get_text().startswith("Zone")]
    hidden = sum(1 for t in ax.texts if not t.get_visible() and t.get_text().startswith("Zone"))
    assert hidden > 0 and shown
    assert not any(a.overlaps(b) for i, a in enumerate(shown) for b in shown[i + 1:])
    legend = ax.get_legend().get_window_extent(renderer)
    assert not any(box.overlaps(legend) for box in shown)
    notes = " ".join(" ".join(t.get_text().split()) for t in fig.texts)
    assert f"{hidden} of 60 zone names left out where they would overlap" in notes
