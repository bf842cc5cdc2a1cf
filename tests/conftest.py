"""Fixtures shared by the experiment-layer tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacesim.experiment import scenarios
from peacesim.scenario.schema import Scenario

#: A one-zone scenario with no dynamics: fast, for testing replications, executors and statistics.
MINI = """\
metadata: {name: mini, title: Mini, horizon_days: 20, replications: 10, seed: 7}
zones:
  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100, weight: 10}
"""


@pytest.fixture
def mini(tmp_path: Path) -> Scenario:
    p = tmp_path / "mini.yaml"
    p.write_text(MINI)
    return scenarios.load(p)
