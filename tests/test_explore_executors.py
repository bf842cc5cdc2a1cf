"""``peacesim explore`` stores the same results on every executor: serial, the local pool and Dask."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest

from peacesim.experiment import explore
from peacesim.experiment.store import Store

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is a top-level package of the checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.explore import explorable  # noqa: E402


def _short_baseline(folder: Path) -> Path:
    """The baseline with the vague claims' ranges (the explore benchmark's), over 60 days."""
    path = explorable(ROOT / "scenarios" / "baseline.yaml", folder)
    short = folder / "short.yaml"
    short.write_text(f"extends: {path.name}\nmetadata: {{horizon_days: 60}}\n")
    return short


def _stored(path: Path, db: Path, executor: str) -> tuple[list[Any], dict[tuple[int, int], dict[str, float]]]:
    with Store(db) as store:
        ex = explore.start(store, explore.plan(path, samples=6, replications=3, seed=7))
        explore.run(ex, store, executor=executor, workers=2)
        return [v for v in ex.values], explore.stored_replications(store, ex.explore_id)


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(x == b[k] or (math.isnan(x) and math.isnan(b[k])) for k, x in a.items())


@pytest.mark.slow
def test_explore_on_dask_stores_what_the_local_pool_stores(tmp_path: Path) -> None:
    """A Dask LocalCluster (two worker processes) and the local pool store identical replications."""
    pytest.importorskip("dask.distributed")
    path = _short_baseline(tmp_path)
    values, local = _stored(path, tmp_path / "local.db", "local")
    values_dask, dask = _stored(path, tmp_path / "dask.db", "dask")
    assert values == values_dask
    assert sorted(local) == sorted(dask) == [(p, r) for p in range(6) for r in range(3)]
    assert all(_same(local[k], dask[k]) for k in local)
    assert len({local[(p, 0)]["troops_committed"] for p in range(6)}) > 1  # the points really differ
