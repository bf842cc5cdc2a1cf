"""Rules that keep a valid scenario runnable: a scenario that validates must also finish."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.cli import main

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


@pytest.mark.parametrize("interval", ["0", "{dist: exponential, mean: 0}", "{dist: uniform, low: 0, high: 0}",
                                      "{dist: empirical, values: [0, 0]}"])
def test_raids_need_time_between_them(interval: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An interval with mean zero would never let the clock move: exit 2 naming the raid stream."""
    rc = main(
        ["explain", str(BASELINE), "--set", f"threats.air_raids.drone_nightly.interval_days={interval}"]
    )
    err = capsys.readouterr().err
    assert rc == 2
    assert "threats.air_raids.drone_nightly" in err and "interval_days must have a mean of at least" in err
