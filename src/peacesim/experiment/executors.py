"""Where replications run: in this process, on all local cores, or on a Dask cluster.

All executors share one interface: :meth:`Executor.submit` a chunk of replication indices and
:meth:`Executor.wait_any` for finished chunks. Workers return compact results (per-replication
metric dicts and numpy series, never SimPy objects), and :func:`run_chunks` keeps only a few
chunks in flight per worker, so memory does not grow with the number of replications and a
Ctrl-C has little to cancel.

Stopping is prompt whatever the replication length: ``close(cancel=True)`` terminates the local
workers (their unfinished replications are discarded; finished chunks were already returned),
and every local worker dies with its parent: on Linux through the parent-death signal, and
everywhere through a thread that watches the parent's pid, so a ``kill -9`` of the command never
leaves workers running at 100% CPU.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..errors import UsageError
from .seeds import replication_seed

EXECUTORS = ("serial", "local", "dask")

Simulate = Callable[..., Any]


@dataclass
class RepOutput:
    """What a worker sends back for one replication."""

    index: int
    metrics: dict[str, float]
    series: dict[str, np.ndarray] | None
    events: int
    error: str | None = None


def run_chunk(simulate: Simulate | None, scenario: Any, seed: int, indices: Sequence[int], series_cap: int) -> list[RepOutput]:
    """Run replications ``indices`` of ``scenario`` (in a worker). Failures come back as data.

    The real model builds daily series only for replications under ``series_cap`` (the others'
    series would be dropped here anyway); a model function given by the caller is called as is.
    """
    real = simulate is None
    if simulate is None:
        from peacesim.model import simulate as model_simulate

        simulate = model_simulate
    out: list[RepOutput] = []
    for i in indices:
        try:
            if real:
                res = simulate(scenario, replication_seed(seed, i), series=i < series_cap)
            else:
                res = simulate(scenario, replication_seed(seed, i))
        except Exception as e:  # noqa: BLE001 - reported to the caller with the replication index
            tb = traceback.format_exception_only(type(e), e)[-1].strip()
            out.append(RepOutput(i, {}, None, 0, error=tb))
            break
        series = None
        if i < series_cap:
            series = {k: np.asarray(v, dtype=np.float32) for k, v in res.series.items()}
        metrics = {k: float(v) for k, v in res.metrics.items()}
        out.append(RepOutput(i, metrics, series, int(getattr(res, "events", 0) or 0)))
    return out


class Executor(Protocol):
    """Runs chunks of replications; see :func:`make_executor`."""

    name: str
    workers: int

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def wait_any(self, pending: set[Any]) -> tuple[set[Any], set[Any]]: ...

    def result(self, future: Any) -> Any: ...

    def close(self, cancel: bool = False) -> None: ...


class _Done:
    """A finished 'future' for the serial executor."""

    def __init__(self, value: Any) -> None:
        self.value = value


class SerialExecutor:
    """Runs each chunk when submitted, in this process: simplest, and easiest to debug."""

    name = "serial"
    workers = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Done:
        return _Done(fn(*args))

    def wait_any(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        return set(pending), set()

    def result(self, future: _Done) -> Any:
        return future.value

    def close(self, cancel: bool = False) -> None:
        pass


#: Seconds between checks, in a worker, that its parent is still alive.
PARENT_WATCH_S = 0.25
#: Seconds a terminated worker gets to exit before it is killed.
TERMINATE_GRACE_S = 1.0


def _worker_init(parent: int) -> None:
    """Set up a local worker: ignore Ctrl-C (the parent decides), and die with the parent."""
    # Ctrl-C goes to the whole process group; only the parent should act on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Exit as soon as ``parent`` is gone: the parent-death signal (Linux) and a watching thread."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass  # not Linux: the thread below does it
    first = os.getppid()

    def orphaned() -> bool:
        if os.getppid() != first:
            return True
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return False

    def watch() -> None:
        while not orphaned():
            time.sleep(PARENT_WATCH_S)
        os._exit(1)

    if orphaned():
        os._exit(1)
    threading.Thread(target=watch, name="peacesim-parent-watch", daemon=True).start()


class LocalExecutor:
    """A pool of worker processes on this machine (all cores by default)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_init, initargs=(os.getpid(),))
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._pool.submit(fn, *args)

    def wait_any(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        return set(done), set(rest)

    def result(self, future: Future[Any]) -> Any:
        return future.result()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        return [p.pid for p in list((getattr(self._pool, "_processes", None) or {}).values()) if p.pid is not None]

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; with ``cancel``, stop now: workers terminated, queued chunks dropped."""
        if self._closed:
            return
        self._closed = True
        if not cancel:
            self._pool.shutdown(wait=True)
            return
        procs = list((getattr(self._pool, "_processes", None) or {}).values())
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + TERMINATE_GRACE_S
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        for proc in procs:
            if proc.is_alive():
                proc.kill()
                proc.join(1.0)


class DaskExecutor:
    """A ``dask.distributed`` cluster: joins ``scheduler`` if given, else starts a LocalCluster."""

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as e:
            raise UsageError(
                "the dask executor needs dask.distributed; install it with: pip install 'peacesim[dask]'"
            ) from e
        self._cluster = None
        try:
            if scheduler:
                self._client = Client(scheduler, timeout="10s")
            else:
                n = workers or os.cpu_count() or 1
                self._cluster = LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
                self._client = Client(self._cluster)
        except OSError as e:
            raise UsageError(f"cannot reach the Dask scheduler {scheduler!r}: {e}") from e
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})) or (workers or 1))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._client.submit(fn, *args, pure=False)

    def wait_any(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        from dask.distributed import wait as dask_wait

        done, rest = dask_wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def result(self, future: Any) -> Any:
        return future.result()

    def close(self, cancel: bool = False) -> None:
        if getattr(self, "_closed", False):
            return
        self._closed = True  # closing the client releases its futures; closing the cluster stops its workers
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(name: str = "local", workers: int | None = None, scheduler: str | None = None) -> Executor:
    """Create an executor by name: ``serial``, ``local`` (default) or ``dask``."""
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {workers})")
    if scheduler and name != "dask":
        raise UsageError(f"--scheduler is only used with --executor dask (got --executor {name})")
    if name == "serial":
        return SerialExecutor()
    if name == "local":
        return LocalExecutor(workers)
    if name == "dask":
        return DaskExecutor(workers, scheduler)
    raise UsageError(f"unknown executor {name!r}; expected one of {', '.join(EXECUTORS)}")


def chunk_size(n: int, workers: int) -> int:
    """Replications per task: about four tasks per worker, at most 50 replications per task."""
    return max(1, min(50, math.ceil(n / (4 * max(1, workers)))))


def run_chunks(
    executor: Executor,
    simulate: Simulate | None,
    scenario: Any,
    seed: int,
    indices: Sequence[int],
    series_cap: int,
) -> Iterator[list[RepOutput]]:
    """Run ``indices`` in chunks and yield each chunk's outputs as it finishes.

    At most two chunks per worker are in flight. If the consumer stops early (or Ctrl-C), the
    caller should ``executor.close(cancel=True)``.
    """
    if isinstance(executor, SerialExecutor):
        size = max(1, min(10, len(indices)))
    else:
        size = chunk_size(len(indices), executor.workers)
    chunks = [list(indices[k : k + size]) for k in range(0, len(indices), size)]
    window = 2 * executor.workers
    pending: set[Any] = set()
    nxt = 0
    while nxt < len(chunks) or pending:
        while nxt < len(chunks) and len(pending) < window:
            pending.add(executor.submit(run_chunk, simulate, scenario, seed, chunks[nxt], series_cap))
            nxt += 1
        done, pending = executor.wait_any(pending)
        for fut in done:
            yield executor.result(fut)
