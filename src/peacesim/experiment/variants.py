"""A base scenario and its variants, run with one root seed: common random numbers.

Replication ``i`` of every run gets the same random streams, so paired differences between the
base and a variant (:mod:`.compare`) show the variant's effect, not noise. ``peacesim run
--variant``, ``peacesim compare FILE`` and :func:`peacesim.compare` all go through here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from ..scenario.schema import Scenario
from . import runner, scenarios
from .executors import Executor, Simulate, make_executor
from .results import RunResult
from .store import Store

#: Opens a progress callback for one run, given its label such as ``baseline:two_deep (2/3)``.
ProgressFor = Callable[[str], AbstractContextManager[runner.Progress | None]]


def load_variants(
    path: str | Path, variants: Sequence[str] | None = None, overrides: Mapping[str, Any] | Iterable[str] | None = None,
    scales: Mapping[str, float] | Iterable[str] = (),
) -> list[Scenario]:
    """The file's base scenario, then the named variants (``None``: every variant), all validated
    before any runs, each with the same ``--set``/``--scale`` overrides."""
    names = scenarios.list_variants(path) if variants is None else list(variants)
    ov = overrides if isinstance(overrides, Mapping) else list(overrides or ())
    sc = scales if isinstance(scales, Mapping) else list(scales)
    return [scenarios.load(path, None, ov, sc)] + [scenarios.load(path, v, ov, sc) for v in names]


def run_variants(
    loaded: Sequence[Scenario],
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    confidence: float = 0.95,
    simulate: Simulate | None = None,
    store: Store | None = None,
    precision: runner.Precision | None = None,
    max_replications: int | None = None,
    command: str | None = None,
    overrides: Sequence[str] = (),
    progress: ProgressFor | None = None,
    each: Callable[[int, RunResult], None] | None = None,
) -> list[RunResult]:
    """Run each scenario in ``loaded`` (the base first) with the base's root seed, or ``seed``.

    Runs of more than one scenario share a group id in the store; one executor serves them all.
    ``each(i, result)`` is called after run ``i`` (to write or print it before the next starts).

    Raises:
        RunInterrupted: Ctrl-C; the finished runs are lost to the caller but kept in the store.
    """
    if not loaded:
        return []
    root = seed if seed is not None else loaded[0].metadata.seed
    group = secrets.token_hex(4) if len(loaded) > 1 else None
    ex = make_executor(executor, workers, scheduler) if isinstance(executor, str) else executor
    results: list[RunResult] = []
    try:
        for i, sc in enumerate(loaded):
            label = sc.metadata.name + (f":{sc.metadata.variant}" if sc.metadata.variant else "")
            if len(loaded) > 1:
                label += f" ({i + 1}/{len(loaded)})"
            with progress(label) if progress is not None else nullcontext() as bar:
                results.append(runner.replicate(
                    sc, replications=replications, seed=root, executor=ex, progress=bar, confidence=confidence,
                    simulate=simulate, store=store, precision=precision, max_replications=max_replications,
                    command=command, group_id=group, overrides=overrides))
            if each is not None:
                each(i, results[-1])
    finally:
        if isinstance(executor, str):
            ex.close()
    return results
