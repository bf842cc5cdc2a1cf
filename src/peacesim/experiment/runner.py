"""Running replications of one scenario: executors in, a :class:`RunResult` out.

:func:`replicate` runs replications ``0..n-1`` (each with its own seed from :mod:`.seeds`),
gathers them as they arrive, and, with a store, commits them in small transactions so a run
that is killed keeps what it finished. :func:`resume` finishes such a run: it runs only the
missing replications and ends with the same result as an uninterrupted run. With ``precision``
it keeps adding batches of replications until one metric's interval is narrow enough, or a cap.
"""

from __future__ import annotations

import importlib
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..errors import SimulationError, StoreError, UsageError
from ..scenario.schema import Scenario
from . import scenarios
from .collect import Collector, series_cap_for
from .executors import Executor, RepOutput, Simulate, make_executor, run_chunks
from .results import RunResult
from .stats import precision_reached
from .store import Store

Progress = Callable[[int, int], None]
#: Seconds between commits to the store while a run is going.
COMMIT_EVERY_S = 0.5
DEFAULT_MAX_REPLICATIONS = 1000


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run: what was finished is kept (and stored); says how to resume."""

    def __init__(self, run_id: str | None, done: int, target: int) -> None:
        super().__init__(f"interrupted after {done} of {target} replications")
        self.run_id, self.done, self.target = run_id, done, target


@dataclass(frozen=True)
class Precision:
    """Sequential stopping rule: half-width <= ``relative`` * |mean| of ``metric``."""

    metric: str
    relative: float

    @classmethod
    def parse(cls, text: str) -> "Precision":
        """Parse ``METRIC=REL`` (e.g. ``coverage_mean=0.01``)."""
        name, sep, rel = text.partition("=")
        try:
            value = float(rel)
        except ValueError:
            value = math.nan
        if not sep or not name.strip() or not (value > 0):
            raise UsageError(f"--precision expects METRIC=REL with REL > 0, e.g. coverage_mean=0.01 (got {text!r})")
        from ..catalog import CATALOG, pattern_of, suggest

        # checked before any replication runs, so a typo leaves no incomplete run in the store
        name = name.strip()
        key = pattern_of(name)
        if key is None or CATALOG[key].kind != "scalar":
            what = (f"unknown metric {name!r}{suggest(name)}" if key is None
                    else f"{name!r}, a daily series, not a per-replication metric")
            raise UsageError(f"--precision names {what}; list them with: peacesim metrics --kind scalar")
        return cls(name.strip(), value)

    def check_windows(self, loaded: Sequence[Scenario]) -> None:
        """A windowed metric (``leakers[0,30]``) names a window every run declares: else the rule would
        find no such metric after the first batch, with the run already stored (and left incomplete)."""
        from ..catalog import split_window

        _, window = split_window(self.metric)
        if window is None:
            return
        for sc in loaded:
            declared = [(w.start_day, w.end_day) for w in sc.metrics.windows]
            if tuple(window) not in declared:
                have = ", ".join(f"[{a},{b}]" for a, b in declared) or "none"
                label = sc.metadata.name + (f":{sc.metadata.variant}" if sc.metadata.variant else "")
                raise UsageError(f"--precision names {self.metric!r}, but {label} declares no window "
                                 f"[{window[0]:g},{window[1]:g}] (its windows: {have}); add it with "
                                 f"--window {window[0]:g}:{window[1]:g} or in metrics.windows")


def model_spec(simulate: Simulate | None) -> str | None:
    """``module:function`` of a model function (None for the real model)."""
    if simulate is None:
        return None
    return f"{simulate.__module__}:{simulate.__qualname__}"


def resolve_model(spec: str | None) -> Simulate | None:
    """The model function named by ``module:function`` (None means the real model)."""
    if not spec:
        return None
    module, _, name = spec.partition(":")
    try:
        fn: object = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise UsageError(f"cannot find model function {spec!r}: {e}") from e
    if not callable(fn):
        raise UsageError(f"model {spec!r} is not a function")
    return fn


def replicate(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    confidence: float = 0.95,
    simulate: Simulate | None = None,
    store: Store | None = None,
    precision: Precision | None = None,
    max_replications: int | None = None,
    command: str | None = None,
    group_id: str | None = None,
    overrides: Sequence[str] = (),
) -> RunResult:
    """Run replications of ``scenario`` and summarise them.

    Args:
        replications: how many (default: the scenario's ``metadata.replications``); with
            ``precision``, the first batch.
        seed: root seed (default: the scenario's ``metadata.seed``).
        executor: ``serial``, ``local`` (all cores), ``dask``, or an executor to reuse.
        simulate: the model function (default :func:`peacesim.model.simulate`).
        store: where to record the run; None keeps it in memory only.
        overrides: the ``--set``/``--scale`` the scenario was changed with, as typed; kept with the
            run (it is then labelled ``scenario+set``).

    Raises:
        SimulationError: a replication failed (the run is left incomplete in the store).
        RunInterrupted: Ctrl-C; finished replications are kept.
    """
    if not 0.0 < confidence < 1.0:
        raise UsageError(f"confidence must be between 0 and 1 (got {confidence})")
    n = int(replications if replications is not None else scenario.metadata.replications)
    if n < 1:
        raise UsageError(f"replications must be at least 1 (got {n})")
    root = int(seed if seed is not None else scenario.metadata.seed)
    if not 0 <= root < 2**63:
        raise UsageError(f"seed must be between 0 and 2**63-1 (got {root})")
    cap = max(n, int(max_replications or DEFAULT_MAX_REPLICATIONS)) if precision else n
    series_cap = series_cap_for(scenario.metadata.horizon_days)
    options = {
        "series_cap": series_cap,
        "model": model_spec(simulate),
        "precision": [precision.metric, precision.relative] if precision else None,
        "first_batch": n,
        "max_replications": cap,
        "overrides": list(overrides),
    }
    text, digest = scenarios.resolved_text(scenario), scenarios.scenario_hash(scenario)
    run_id = None
    if store is not None:
        run_id = store.create_run(
            scenario=scenario.metadata.name, variant=scenario.metadata.variant, scenario_text=text,
            scenario_hash=digest, seed=root, replications=n, confidence=confidence, options=options,
            command=command, group_id=group_id,
        )
    collector = Collector(series_cap)
    result = _execute(scenario, text, digest, root, n, confidence, options, collector, simulate, executor,
                    workers, scheduler, progress, store, run_id)
    result.extra.setdefault("command", command)
    return result


def resume(
    store: Store,
    run_id: str,
    *,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Finish a stored run that was interrupted: run only its missing replications."""
    rec = store.get_run(run_id)
    if rec.status == "complete":
        return store.load_run(rec.run_id)
    if rec.status == "running":
        raise StoreError(f"run {rec.run_id} is still running (pid {rec.pid} on {rec.host}); cannot resume it twice")
    store.claim(rec.run_id)  # atomic: a second resume of the same run stops here
    try:
        scenario = scenarios.from_text(rec.scenario_text, f"run {rec.run_id}")
        options = dict(rec.options)
        collector = store.load_collector(rec.run_id, int(options.get("series_cap", 100)))
    except BaseException:
        store.mark_incomplete(rec.run_id)
        raise
    return _execute(scenario, rec.scenario_text, rec.scenario_hash, rec.seed, rec.replications, rec.confidence,
                    options, collector, resolve_model(options.get("model")), executor, workers, scheduler,
                    progress, store, rec.run_id)


def _execute(
    scenario: Scenario, text: str, digest: str, seed: int, n: int, confidence: float, options: dict[str, Any],
    collector: Collector, simulate: Simulate | None, executor: str | Executor, workers: int | None,
    scheduler: str | None, progress: Progress | None, store: Store | None, run_id: str | None,
) -> RunResult:
    own = isinstance(executor, str)
    try:
        ex = make_executor(executor, workers, scheduler) if isinstance(executor, str) else executor
    except BaseException:
        if store is not None and run_id is not None:
            store.mark_incomplete(run_id)
        raise
    precision = Precision(*options["precision"]) if options.get("precision") else None
    target, stopped = n, "replications"
    pending: list[RepOutput] = []
    last_commit = time.monotonic()

    def flush() -> None:
        nonlocal pending, last_commit
        if store is not None and run_id is not None and pending:
            store.add_replications(run_id, pending)
        pending, last_commit = [], time.monotonic()

    cancel = False
    try:
        while True:
            missing = collector.missing(target)
            if progress:
                progress(collector.count, target)
            for chunk in run_chunks(ex, simulate, scenario, seed, missing, collector.series_cap):
                for out in chunk:
                    if out.error is not None:
                        flush()
                        raise SimulationError(scenario.metadata.name, out.index, seed, out.error)
                    collector.add(out.index, out.metrics, out.series, out.events)
                    pending.append(out)
                if time.monotonic() - last_commit >= COMMIT_EVERY_S:
                    flush()
                if progress:
                    progress(collector.count, target)
            if precision is None:
                break
            target, stopped = _next_target(collector, precision, target, options, confidence)
            if stopped:
                break
            if store is not None and run_id is not None:
                store.set_replications(run_id, target)
        flush()
    except KeyboardInterrupt:
        cancel = True
        with _deaf_to_ctrl_c():  # a second Ctrl-C must not cut the clean-up (and lose the resume hint)
            ex.close(cancel=True)  # stop the workers first (shared executors too): the command is stopping
            flush()
            if store is not None and run_id is not None:
                store.mark_incomplete(run_id)
        raise RunInterrupted(run_id, collector.count, target) from None
    except BaseException:
        cancel = True
        flush()
        if store is not None and run_id is not None:
            store.mark_incomplete(run_id)
        raise
    finally:
        if own:
            ex.close(cancel=cancel)
    result = collector.result(
        scenario_name=scenario.metadata.name, variant=scenario.metadata.variant, seed=seed, n=target,
        confidence=confidence, scenario_text=text, scenario_hash=digest, run_id=run_id,
    )
    result.overrides = tuple(str(o) for o in options.get("overrides") or ())
    result.extra["stopped"] = stopped
    if precision is not None:
        result.extra["precision"] = {"metric": precision.metric, "relative": precision.relative}
    if store is not None and run_id is not None:
        store.complete(run_id, result)
    return result


@contextmanager
def _deaf_to_ctrl_c() -> Iterator[None]:
    """Ignore further Ctrl-C for the second or so that stopping takes (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _next_target(
    collector: Collector, precision: Precision, n: int, options: dict[str, Any], confidence: float
) -> tuple[int, str]:
    """Next replication count under sequential stopping, or why to stop ('precision' or 'cap')."""
    values = collector.metric_arrays(n).get(precision.metric)
    if values is None:
        known = ", ".join(sorted(collector.metrics)) or "none"
        raise UsageError(f"--precision names unknown metric {precision.metric!r}; metrics of this run: {known}")
    reached, hw, goal = precision_reached(values, precision.relative, confidence)
    if reached:
        return n, "precision"
    cap = int(options.get("max_replications", DEFAULT_MAX_REPLICATIONS))
    if n >= cap:
        return n, "cap"
    step = max(1, int(options.get("first_batch", n)) // 2)
    if math.isfinite(hw) and goal > 0:
        wanted = math.ceil(n * (hw / goal) ** 2 * 1.1)
        step = max(step, min(n, wanted - n))
    return min(cap, n + step), ""
