"""The Python API for notebooks and scripts: ``load`` a scenario, ``run`` it, ``compare`` runs,
``open_store`` and ``runs`` to read what the CLI stored.

    import peacesim
    base = peacesim.load("scenarios/baseline.yaml")
    alt = peacesim.load("scenarios/baseline.yaml", variant="no_us_air_defence")
    a, b = peacesim.run(base, replications=40), peacesim.run(alt, replications=40)
    peacesim.compare(a, [b]).comparison_frame()   # paired, common random numbers (needs pandas)
    peacesim.compare(base, [alt], replications=40)  # runs both with one seed, then compares
    a.summary_frame()                             # run_id, label, variant, metric, statistic, value
    peacesim.runs()                               # what the store holds ($PEACESIM_DB or reports/)

Runs made here are kept in memory; pass ``store=`` (a path or :class:`Store`) to record them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
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

    sc = load(scenario) if isinstance(scenario, (str, Path)) else scenario
    bar = _bar(sc.metadata.name) if progress else None
    with _store(store) as st:
        return replicate(sc, replications=replications, seed=seed, executor=executor, workers=workers,
                         scheduler=scheduler, confidence=confidence, simulate=simulate, store=st,
                         progress=bar, command="peacesim.run (Python API)")


def compare(
    reference: RunResult | Scenario | str | Path,
    others: RunResult | Scenario | Sequence[RunResult] | Sequence[Scenario] | None = None,
    confidence: float = 0.95,
    metrics: list[str] | None = None,
    *,
    variants: Sequence[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: str = "local",
    workers: int | None = None,
    store: str | Path | Store | None = None,
    simulate: Any | None = None,
    progress: bool = False,
) -> Comparison:
    """Paired differences of ``others`` against ``reference`` (see :mod:`peacesim.experiment.compare`).

    Given finished runs, it compares them. Given scenarios (``reference`` and ``others``), or a
    scenario file and ``variants`` (default: every variant), it first runs them all with one root
    seed (common random numbers), as ``peacesim compare FILE`` does.
    """
    from .experiment.compare import compare as _compare

    items: list[RunResult | Scenario] = (
        [] if others is None else [others] if isinstance(others, (RunResult, Scenario)) else list(others))
    if isinstance(reference, RunResult):
        done = [o for o in items if isinstance(o, RunResult)]
        if variants is not None or len(done) != len(items):
            raise TypeError("compare(run, others): others must be runs too; pass scenarios to run them first")
        return _compare(reference, done, confidence, metrics)
    from .experiment.variants import load_variants, run_variants

    if isinstance(reference, (str, Path)):
        if others is not None:
            raise TypeError("compare(file, ...): name the variants with variants=[...], not others")
        loaded = load_variants(reference, variants)
    else:
        rest = [o for o in items if isinstance(o, Scenario)]
        if variants is not None or len(rest) != len(items):
            raise TypeError("compare(scenario, others): others must be scenarios (from peacesim.load)")
        loaded = [reference, *rest]
    with _store(store) as st:
        results = run_variants(loaded, replications=replications, seed=seed, executor=executor, workers=workers,
                               confidence=confidence, simulate=simulate, store=st, command="peacesim.compare (Python API)",
                               progress=(lambda label: nullcontext(_bar(label))) if progress else None)
    if len(results) < 2:
        raise UsageError("nothing to compare: the scenario file has no variants (or pass variants=[...])")
    return _compare(results[0], results[1:], confidence, metrics)


@contextmanager
def _store(store: str | Path | Store | None) -> Iterator[Store | None]:
    """The store to record runs in: opened (and closed) here when given as a path."""
    from .experiment.store import Store

    if isinstance(store, (str, Path)):
        with Store(store) as st:
            yield st
    else:
        yield store


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
