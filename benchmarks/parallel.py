"""Figures of whole runs through the runner: serial speed, the local pool and a Dask cluster.

Executors are created once and reused across repeats, so their start-up (process spawn, imports,
cluster negotiation) is timed separately and kept out of the per-run figures; the first (warm-up)
run of each is a short one that loads the model into every worker. Serial and pool runs of the same
replications are interleaved, as are pool and Dask runs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from .cases import Context
from .figures import Figure
from .timing import interleaved


def _run(ctx: Context, executor: Any, n: int) -> Callable[[], None]:
    from peacesim.experiment.runner import replicate

    def job() -> None:
        result = replicate(ctx.scenario, replications=n, seed=ctx.seed, executor=executor)
        if result.replications != n:
            raise RuntimeError(f"asked for {n} replications, got {result.replications}")

    return job


def _started(factory: Callable[[], Any]) -> tuple[Any, float]:
    """Create an executor and wait until every worker has answered once: its start-up time."""
    t0 = time.perf_counter()
    ex = factory()
    pending = {ex.submit(os.getpid) for _ in range(2 * ex.workers)}
    while pending:
        done, pending = ex.wait_any(pending)
        for fut in done:
            ex.result(fut)
    return ex, time.perf_counter() - t0


def pool_figures(ctx: Context, *, with_dask: bool = True) -> list[Figure]:
    """``replication_ms``, ``parallel_efficiency``, ``replications_per_s_all_cores``, ``dask_overhead``."""
    from peacesim.experiment.executors import LocalExecutor, SerialExecutor

    plan = ctx.plan
    workers = plan.workers or os.cpu_count() or 1
    serial = SerialExecutor()
    local, local_start = _started(lambda: LocalExecutor(workers))
    figures: list[Figure] = []
    try:
        ns = plan.serial_reps
        ctx.say(f"serial vs local pool ({workers} workers): {ns} replications x {plan.repeats} repeats")
        t = interleaved(
            {"serial": _run(ctx, serial, ns), "local": _run(ctx, local, ns)},
            repeats=plan.repeats,
            work={"serial": float(ns), "local": float(ns)},
            work_unit="replication",
            warm_fns={"serial": _run(ctx, serial, plan.warm_reps), "local": _run(ctx, local, plan.warm_reps)},
        )
        s, p = t["serial"], t["local"]
        figures.append(Figure("replication_ms", s.per_unit * 1000, {"serial": s.to_json()},
                              "runner with the serial executor (model + collecting results)"))
        figures.append(Figure(
            "parallel_efficiency", s.median / (workers * p.median),
            {"workers": workers, "serial": s.to_json(), "local": p.to_json(), "local_startup_s": local_start},
            f"{ns} replications; pool start-up excluded",
        ))
        figures += _throughput(ctx, local, local_start, workers, with_dask)
    finally:
        local.close()
    return figures


def _throughput(ctx: Context, local: Any, local_start: float, workers: int, with_dask: bool) -> list[Figure]:
    plan = ctx.plan
    n = plan.throughput_reps
    jobs = {"local": _run(ctx, local, n)}
    warm = {"local": _run(ctx, local, plan.warm_reps)}
    dask, dask_start, dask_note = None, float("nan"), ""
    if with_dask:
        try:
            from peacesim.experiment.executors import DaskExecutor

            ctx.say(f"starting a Dask LocalCluster with {plan.dask_workers} worker processes")
            dask, dask_start = _started(lambda: DaskExecutor(plan.dask_workers))
            jobs["dask"] = _run(ctx, dask, n)
            warm["dask"] = _run(ctx, dask, plan.warm_reps)
        except Exception as e:  # noqa: BLE001 - a missing or broken Dask is reported, not fatal
            dask_note = f"Dask not measured: {e}"
    try:
        ctx.say(f"{' vs '.join(jobs)}: {n} replications x {plan.repeats} repeats")
        t = interleaved(jobs, repeats=plan.repeats, work={k: float(n) for k in jobs}, work_unit="replication", warm_fns=warm)
    finally:
        if dask is not None:
            dask.close()
    loc = t["local"]
    out = [Figure(
        "replications_per_s_all_cores", n / loc.median,
        {"workers": workers, "replications": n, "local": loc.to_json(), "local_startup_s": local_start,
         "seconds_for_run": loc.median},
        f"{n} replications on {workers} workers; pool start-up ({local_start:.2f} s) excluded",
    )]
    if "dask" in t:
        d = t["dask"]
        out.append(Figure(
            "dask_overhead", d.median / loc.median,
            {"dask_workers": plan.dask_workers, "local_workers": workers, "dask": d.to_json(), "local": loc.to_json(),
             "dask_startup_s": dask_start},
            f"cluster start-up {dask_start:.2f} s excluded",
        ))
    else:
        out.append(Figure("dask_overhead", float("nan"), {}, dask_note or "skipped (--no-dask)"))
    return out
