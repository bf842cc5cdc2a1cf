"""Fixtures shared by the experiment-layer tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.experiment import scenarios
from peacesim.scenario.schema import Scenario
from scenarios.mini import mini_text

MINI = mini_text()


@pytest.fixture
def mini(tmp_path: Path) -> Scenario:
    p = tmp_path / "mini.yaml"
    p.write_text(MINI)
    return scenarios.load(p)
