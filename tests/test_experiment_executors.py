"""Executors give identical results: serial, local with 1 and 2 workers, and Dask."""

from __future__ import annotations

import numpy as np
import pytest

import synthetic
from peacesim.errors import SimulationError, UsageError
from peacesim.experiment import runner
from peacesim.experiment.executors import chunk_size, make_executor
from peacesim.experiment.outputs import summary_dict


def _run(sc, executor, workers=None, n=60):
    return runner.replicate(sc, replications=n, seed=11, executor=executor, workers=workers,
                            simulate=synthetic.known_answer)


def _same(a, b) -> None:
    assert summary_dict(a) == summary_dict(b)
    assert a.metrics.keys() == b.metrics.keys()
    for m in a.metrics:
        assert np.array_equal(a.metrics[m], b.metrics[m], equal_nan=True)
    for s in a.series:
        assert np.array_equal(a.series[s].mean, b.series[s].mean)
        assert np.array_equal(a.series[s].p90, b.series[s].p90)


def test_local_workers_match_serial(mini):
    """summary.json content, metrics and series are identical for serial and local with 1 or 2 workers."""
    ref = _run(mini, "serial")
    _same(ref, _run(mini, "local", 1))
    _same(ref, _run(mini, "local", 2))


@pytest.mark.slow
def test_dask_matches_serial(mini):
    """A Dask LocalCluster with two worker processes gives the same result as serial."""
    pytest.importorskip("dask.distributed")
    _same(_run(mini, "serial", n=30), _run(mini, "dask", 2, n=30))


def test_failure_names_the_replication(mini):
    """A failing replication raises SimulationError with its index and the root seed."""
    with pytest.raises(SimulationError, match=r"replication 3 of scenario 'mini' \(seed 11\).*synthetic failure"):
        runner.replicate(mini, replications=8, seed=11, executor="serial", simulate=synthetic.failing)


def test_executor_arguments_checked():
    """Unknown executors, zero workers and a scheduler without dask are usage errors."""
    with pytest.raises(UsageError, match="unknown executor"):
        make_executor("gpu")
    with pytest.raises(UsageError, match="at least 1"):
        make_executor("local", 0)
    with pytest.raises(UsageError, match="only used with --executor dask"):
        make_executor("local", scheduler="tcp://x:8786")


def test_chunks_stay_small():
    """About four tasks per worker, never more than 50 replications per task."""
    assert chunk_size(8, 2) == 1
    assert chunk_size(1000, 2) == 50
    assert chunk_size(100, 4) == 7


def test_series_kept_for_first_replications_only(mini):
    """Series bands use the first series_cap replications by index; memory does not grow beyond."""
    from peacesim.experiment.collect import Collector

    col = Collector(series_cap=5)
    for i in reversed(range(12)):
        col.add(i, {"x": float(i)}, {"s": np.full(3, float(i))})
    assert col.series["s"].shape == (5, 3)
    assert col.bands(12)["s"].mean[0] == pytest.approx(2.0)
    assert col.metric_arrays(12)["x"].tolist() == [float(i) for i in range(12)]


@pytest.mark.slow
def test_dask_joins_an_existing_scheduler(mini):
    """--scheduler ADDRESS: the executor joins a running cluster (it does not start its own) and matches serial."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        ex = make_executor("dask", None, cluster.scheduler_address)
        try:
            assert ex._cluster is None and ex.workers == 1
            joined = runner.replicate(mini, replications=12, seed=11, executor=ex, simulate=synthetic.known_answer)
        finally:
            ex.close()
    _same(_run(mini, "serial", n=12), joined)


def test_unreachable_scheduler_is_a_usage_error(mini):
    """A scheduler address nobody answers on is one clear error, not a traceback."""
    pytest.importorskip("dask.distributed")
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        make_executor("dask", None, "tcp://127.0.0.1:9")
