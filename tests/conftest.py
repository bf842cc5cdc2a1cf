"""Fixtures shared by the experiment-layer tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from peacesim.experiment import scenarios
from peacesim.scenario.schema import Scenario
from scenarios.mini import mini_text

MINI = mini_text()


@pytest.fixture
def synthetic_model(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], None]:
    """The known-answer model (``tests/synthetic.py``) in place of the SimPy model, for every command
    in this process (and forked workers); call the fixture's value with another model's name to
    switch, or with None for the SimPy model again."""
    import peacesim.model
    import synthetic

    real = peacesim.model.simulate

    def use(name: str | None = "known_answer") -> None:
        monkeypatch.setattr(peacesim.model, "simulate", real if name is None else getattr(synthetic, name))

    use()
    return use


@pytest.fixture
def mini(tmp_path: Path) -> Scenario:
    p = tmp_path / "mini.yaml"
    p.write_text(MINI)
    return scenarios.load(p)
