"""The report opened from disk in headless Chromium: every image loads, nothing errors.

Skips when Chromium is absent (install it with ``apt-get install chromium``), unless
``PEACESIM_REQUIRE_BROWSER=1`` (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from peacesim.report import write_report
from report_fixtures import Effects, fake_register, make_pair, make_run, paired_comparison, scenario_dict

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parents[1] / "reports" / "browser-test-report.png"


def _browser_or_skip() -> None:
    missing = None
    if not Path(CHROMIUM).is_file():
        missing = f"Chromium not found at {CHROMIUM}; install it with: apt-get install chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed; pip install 'peacesim[test]'"
    if missing:
        if os.environ.get("PEACESIM_REQUIRE_BROWSER") == "1":
            pytest.fail(missing + " (PEACESIM_REQUIRE_BROWSER=1)")
        pytest.skip(missing)


@contextmanager
def _opened(path: Path, width: int) -> Iterator[tuple[Any, list[str], list[str]]]:
    """The report at ``path`` loaded in headless Chromium ``width`` px wide: the page, the console and
    page errors so far, and every URL it requested."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            yield page, errors, requests
        finally:
            browser.close()


def test_report_renders_in_chromium(tmp_path):
    _browser_or_skip()
    base, worse = make_pair()
    path = write_report([base, worse], tmp_path, comparison=paired_comparison(base, [worse]),
                        command="peacesim report r-base r-noad", claims=fake_register())
    with _opened(path, 1200) as (page, errors, requests):
        images = page.evaluate("() => Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
        first = page.evaluate("() => document.querySelector('main section').id")
        title = page.title()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert errors == []
    assert first == "summary"
    assert len(images) >= 12
    broken = [alt for alt, complete, width in images if not complete or width <= 0]
    assert broken == []
    assert "Reassurance force with US enablers" in title
    # only the file itself and its data: URIs; nothing fetched from the network
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


def _long_named_runs() -> list:
    """A reference and seven variants with the long identifiers and distributions real scenarios have."""
    from peacesim.scenario.schema import Scenario

    raw = scenario_dict()
    raw["enablers"]["non_lethal"] = [
        {"id": "japan_reconstruction_and_recovery", "provider": "Japan", "kind": "reconstruction",
         "capacity_per_day": 6.2, "output_unit": "US$ million",
         "efficiency": {"dist": "triangular", "low": 0.45, "mode": 0.75, "high": 0.95}}]
    raw["forces"][0]["deployment_delay_days"] = {"dist": "triangular", "low": 5.5, "mode": 10.25, "high": 20.75}
    scenario = Scenario.model_validate(raw)
    base = make_run(scenario, run_id="r-base")
    names = ["no_us_air_defence", "us_isr_only", "five_supporting_nations", "rotation_two_deep",
             "threat_escalation", "ceasefire_holds", "us_withdrawal_day_180", "japan_engineering_medical"]
    return [base] + [make_run(scenario, variant=v, run_id=f"r-{i}", seed=10 + i,
                              effects=Effects(coverage=0.7 - 0.02 * i)) for i, v in enumerate(names)]


def test_report_has_no_horizontal_scrollbar_at_1300_px(tmp_path):
    """Long code strings, wide tables and images stay inside the page: no sideways scrolling."""
    _browser_or_skip()
    runs = _long_named_runs()
    path = write_report(runs, tmp_path, comparison=paired_comparison(runs[0], runs[1:]),
                        command="peacesim run baseline.yaml --all-variants --report", claims=fake_register())
    with _opened(path, 1300) as (page, _, _):
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width


#: The most A4 pages the printed brief of nine runs of the shipped baseline may take.
MAX_PAGES = 20
BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


def _nine_baseline_runs() -> list:
    """The shipped baseline and its variants (the demo's scenario texts, so the assumptions tables are
    the real ones), with synthetic replications, plus one more run: nine in all."""
    from peacesim.scenario.loader import list_variants, load_scenario

    names = [None, *list_variants(BASELINE)]
    runs = [make_run(load_scenario(BASELINE, v), variant=v, run_id=f"r-{i}", seed=10 + i,
                     effects=Effects(coverage=0.75 - 0.02 * i)) for i, v in enumerate(names)]
    while len(runs) < 9:
        runs.append(make_run(load_scenario(BASELINE), variant=f"extra_{len(runs)}", run_id=f"r-{len(runs)}",
                             seed=40 + len(runs)))
    return runs


def _pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_nine_run_brief_reads_and_prints(tmp_path):
    """Nine runs of the baseline: summary first, no sideways scrolling at 1,300 px, every image loads,
    no console error, every table whole in print, and at most MAX_PAGES A4 pages."""
    _browser_or_skip()
    runs = _nine_baseline_runs()
    assert len(runs) == 9
    path = write_report(runs, tmp_path, comparison=paired_comparison(runs[0], runs[1:]),
                        command="peacesim run scenarios/baseline.yaml --all-variants --report", claims=fake_register())
    with _opened(path, 1300) as (page, errors, _):
        first = page.evaluate("() => document.querySelector('main section').id")
        images = page.evaluate("() => Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        sideways = page.evaluate("() => Array.from(document.querySelectorAll('.wide')).filter("
                                 "w => w.scrollWidth > w.clientWidth + 1).length")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 718, "height": 1000})  # A4 less the print margins, at 96 dpi
        cut = page.evaluate("() => Array.from(document.querySelectorAll('table')).filter("
                            "t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length")
        pdf = page.pdf(format="A4", print_background=True)
    assert errors == []
    assert first == "summary"
    assert images and [alt for alt, complete, width in images if not complete or width <= 0] == []
    assert widths[0] <= widths[1] and sideways == 0
    assert cut == 0
    pages = _pages(pdf)
    assert 5 <= pages <= MAX_PAGES, f"the nine-run brief prints in {pages} A4 pages (at most {MAX_PAGES})"
