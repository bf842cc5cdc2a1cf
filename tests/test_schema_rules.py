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


def _one_force(**extra: object) -> dict[str, object]:
    force = {"id": "uk", "nation": "UK", "troops_per_unit": 100, "rotation_depth": 1, "tour_days": 500,
             "tasks": ["guard", "training"], **extra}
    return {"metadata": {"name": "shares", "title": "Shares", "horizon_days": 30},
            "zones": [{"id": "kyiv", "name": "Kyiv", "kind": "capital", "lat": 50.45, "lon": 30.52,
                       "troops_required": 100}],
            "forces": [force]}


@pytest.mark.parametrize(("shares", "coverage"), [(None, 0.5), ({"guard": 0.25, "training": 0.75}, 0.25),
                                                  ({"guard": 1.0}, 1.0)])
def test_task_shares_set_the_strength_that_covers_zones(shares: dict[str, float] | None, coverage: float) -> None:
    """Equal split by default; with task_shares, only the guard share covers the zone."""
    import numpy as np

    from peacesim.model import simulate
    from peacesim.scenario.schema import Scenario

    s = Scenario.model_validate(_one_force(task_shares=shares))
    r = simulate(s, np.random.SeedSequence(1))
    assert r.series["coverage"][5:].min() == pytest.approx(coverage)


@pytest.mark.parametrize(("shares", "message"), [({"guard": 0.5}, "sum to 1"),
                                                 ({"guard": 0.5, "patrol": 0.5}, "does not have")])
def test_task_shares_are_checked(shares: dict[str, float], message: str) -> None:
    from pydantic import ValidationError

    from peacesim.scenario.schema import Scenario

    with pytest.raises(ValidationError, match=message):
        Scenario.model_validate(_one_force(task_shares=shares))
