"""The notebook API: peacesim.load / run / compare, and RunResult.rows / to_pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import peacesim
from peacesim.experiment import synthetic
from peacesim.experiment.results import RunResult
from scenarios.mini import mini_text

MINI = mini_text(horizon_days=5, replications=7, seed=3, variant=True)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "mini.yaml"
    p.write_text(MINI)
    return p


def test_load_with_overrides(path):
    """Keyword overrides use __ for dots; variants are applied by name."""
    assert peacesim.load(path, zones__kyiv__weight=2.5).zones[0].weight == 2.5
    assert peacesim.load(path, overrides={"zones.kyiv.weight": 4}).zones[0].weight == 4
    assert peacesim.load(path, variant="more").zones[0].troops_required == 110


def test_run_defaults_and_tables(path, tmp_path):
    """run() uses the scenario's replications and seed; rows and to_pandas have one row per replication."""
    r = peacesim.run(peacesim.load(path), executor="serial", simulate=synthetic.known_answer,
                     store=tmp_path / "api.db")
    assert isinstance(r, RunResult) and r.replications == 7 and r.seed == 3 and r.run_id
    rows = r.rows()
    assert len(rows) == 7 and rows[2]["replication"] == 2 and rows[2]["value"] == r.metrics["value"][2]
    pd = pytest.importorskip("pandas")
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame) and df.shape[0] == 7
    assert np.allclose(df["value"].to_numpy(), r.metrics["value"])


def test_compare_api(path):
    """compare() accepts one run or a list and returns paired differences by label."""
    a = peacesim.run(path, replications=6, executor="serial", simulate=synthetic.known_answer)
    b = peacesim.run(peacesim.load(path, "more"), replications=6, executor="serial", simulate=synthetic.known_answer)
    cmp = peacesim.compare(a, b)
    value = next(d for d in cmp.differences["mini:more"] if d.metric == "value")
    assert value.mean == pytest.approx(10.0) and value.n == 6
