"""The Python API for notebooks and scripts: ``load`` a scenario, ``run`` it, ``compare`` runs,
``open_store`` and ``runs`` to read what the CLI stored.

    import peacesim
    base = peacesim.load("scenarios/baseline.yaml")
    alt = peacesim.load("scenarios/baseline.yaml", variant="no_us_air_defence")
    a, b = peacesim.run(base, replications=40), peacesim.run(alt, replications=40)
    peacesim.compare(a, [b]).comparison_frame()   # paired, common random numbers (needs pandas)
    a.summary_frame()                             # run_id, label, variant, metric, statistic, value
    peacesim.runs()                               # what the store holds ($PEACESIM_DB or reports/)

Runs made here are kept in memory; pass ``store=`` (a path or :class:`Store`) to record them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .experiment.results import Comparison, RunResult
from .scenario.schema import Scenario

if TYPE_CHECKING:
    from .experiment.store import RunRecord, Store

__all__ = ["load", "run", "compare", "open_store", "runs"]


def load(path: str | Path, variant: str | None = None, **overrides: Any) -> Scenario:
    """Load and validate a scenario file; keyword overrides use ``__`` for dots.

    ``load(p, forces__uk__rotation_depth=2)`` is ``--set forces.uk.rotation_depth=2``; a dict
    passed as ``overrides={"forces.uk.rotation_depth": 2}`` works as well.
    """
    from .experiment import scenarios

    explicit = overrides.pop("overrides", None) or {}
    merged = {**{k.replace("__", "."): v for k, v in overrides.items()}, **dict(explicit)}
    return scenarios.load(path, variant, merged)


def run(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    executor: str = "local",
    workers: int | None = None,
    *,
    scheduler: str | None = None,
    confidence: float = 0.95,
    store: str | Path | Store | None = None,
    simulate: Any | None = None,
    progress: bool = False,
) -> RunResult:
    """Run replications of a scenario (or a scenario file) and return the summarised result."""
    from .experiment.runner import replicate
    from .experiment.store import Store

    sc = load(scenario) if isinstance(scenario, (str, Path)) else scenario
    owned = isinstance(store, (str, Path))
    st = Store(store) if isinstance(store, (str, Path)) else store
    bar = _bar(sc.metadata.name) if progress else None
    try:
        return replicate(sc, replications=replications, seed=seed, executor=executor, workers=workers,
                         scheduler=scheduler, confidence=confidence, simulate=simulate, store=st,
                         progress=bar, command="peacesim.run (Python API)")
    finally:
        if owned and st is not None:
            st.close()


def compare(reference: RunResult, others: RunResult | list[RunResult], confidence: float = 0.95,
            metrics: list[str] | None = None) -> Comparison:
    """Paired differences of ``others`` against ``reference`` (see :mod:`peacesim.experiment.compare`)."""
    from .experiment.compare import compare as _compare

    return _compare(reference, others if isinstance(others, list) else [others], confidence, metrics)


def open_store(path: str | Path | None = None, readonly: bool = True) -> Store:
    """The results store: ``path``, else ``$PEACESIM_DB``, else ``reports/peacesim.db`` (read-only by default).

    ``open_store().load_run(run_id)`` gives a stored run as a :class:`RunResult`; use it in a ``with``.
    """
    from .experiment.store import Store, locate

    return Store(locate(path), readonly=readonly)


def runs(store: str | Path | None = None, scenario: str | None = None) -> list[RunRecord]:
    """The runs in the store (see :func:`open_store`), oldest first, optionally one scenario's."""
    with open_store(store) as st:
        return st.list_runs(scenario)


def _bar(label: str) -> Any:
    from tqdm.auto import tqdm

    bar = tqdm(desc=label, total=0, unit="rep")

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update
