"""The report opened from disk in headless Chromium: every image loads, nothing errors.

Skips when Chromium is absent (install it with ``apt-get install chromium``), unless
``PEACESIM_REQUIRE_BROWSER=1`` (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peacesim.report import write_report
from report_fixtures import fake_register, make_pair, paired_comparison

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


def test_report_renders_in_chromium(tmp_path):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    base, worse = make_pair()
    path = write_report([base, worse], tmp_path, comparison=paired_comparison(base, [worse]),
                        command="peacesim report r-base r-noad", claims=fake_register())
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            images = page.evaluate(
                "() => Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
            title = page.title()
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=False)
        finally:
            browser.close()
    assert errors == []
    assert len(images) >= 12
    broken = [alt for alt, complete, width in images if not complete or width <= 0]
    assert broken == []
    assert "Reassurance force with US enablers" in title
    # only the file itself and its data: URIs; nothing fetched from the network
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
