"""The Python API for notebooks and scripts: ``load`` a scenario, ``run`` it, ``compare`` runs,
``sweep``, ``size`` and ``explore`` it, ``open_store`` and ``runs`` to read what the CLI stored.

    import peacesim
    base = peacesim.load("scenarios/baseline.yaml")
    alt = peacesim.load("scenarios/baseline.yaml", variant="no_us_air_defence")
    a, b = peacesim.run(base, replications=40), peacesim.run(alt, replications=40)
    peacesim.compare(a, [b]).comparison_frame()   # paired, common random numbers (needs pandas)
    peacesim.compare(base, [alt], replications=40)  # runs both with one seed, then compares
    a.summary_frame()                             # run_id, label, variant, metric, statistic, value
    peacesim.sweep("scenarios/baseline.yaml", "forces.uk.rotation_depth=2,3,4", replications=10).summary_frame()
    peacesim.size("scenarios/baseline.yaml", "forces.uk.troops_per_unit=100:2000", "coverage_mean >= 0.6").value
    peacesim.explore("scenarios/baseline.yaml", "coverage_mean >= 0.9", samples=20).target_frame()
    peacesim.runs()                               # what the store holds ($PEACESIM_DB or reports/)

Runs made here are kept in memory; pass ``store=`` (a path or :class:`Store`) to record them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import UsageError
from .experiment.executors import Simulate
from .experiment.results import Comparison, RunResult
from .scenario.schema import Scenario
from .studies import ExploreResults, SizingResults, SweepResults

if TYPE_CHECKING:
    from .experiment.store import RunRecord, Store

__all__ = ["load", "run", "compare", "sweep", "size", "explore", "open_store", "runs"]


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


def sweep(
    file: str | Path,
    params: str | Sequence[str],
    *,
    variant: str | None = None,
    design: Literal["grid", "lhs", "oat"] = "grid",
    points: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    confidence: float = 0.95,
    sets: Sequence[str] = (),
    metrics: Sequence[str] = (),
    executor: str = "local",
    workers: int | None = None,
    store: str | Path | Store | None = None,
    simulate: Simulate | None = None,
    progress: bool = False,
) -> SweepResults:
    """Sweep parameters of a scenario file, one run per point, as ``peacesim sweep`` does.

    ``params`` are ``"key.path=V1,V2,..."`` or ``"key.path=LOW:HIGH[:STEP]"``; ``design`` is a full
    grid, a Latin hypercube of ``points`` points (``"lhs"``) or one-at-a-time (``"oat"``). Without a
    ``store`` the runs are kept in memory only.
    """
    from .experiment import sweep as sweeps

    plan = sweeps.plan(file, [params] if isinstance(params, str) else list(params), variant=variant, mode=design,
                       lhs_points=points, replications=replications, seed=seed, confidence=confidence,
                       simulate=simulate, sets=list(sets))
    with _study_store(store) as st:
        sweeps.start(st, plan, "peacesim.sweep (Python API)")
        bar = _bar(f"sweep {plan.sweep_id}") if progress else None
        result = sweeps.run(plan, st, executor=executor, workers=workers, progress=bar,
                            command="peacesim.sweep (Python API)", metrics=list(metrics))
    return SweepResults(result)


def size(
    file: str | Path,
    vary: str | Sequence[str],
    target: str,
    *,
    confidence: float = 0.9,
    variant: str | None = None,
    sets: Sequence[str] = (),
    scales: Sequence[str] = (),
    step: float | None = None,
    integer: bool = False,
    first: int | None = None,
    replications: int = 320,
    level: float = 0.95,
    method: Literal["wilson", "clopper-pearson"] = "wilson",
    seed: int | None = None,
    executor: str = "local",
    workers: int | None = None,
    store: str | Path | Store | None = None,
    simulate: Simulate | None = None,
    progress: bool = False,
) -> SizingResults:
    """The smallest value of ``vary`` (``"key.path=LOW:HIGH"``) for which ``target`` is met with
    probability at least ``confidence``, as ``peacesim size`` finds it.

    Two ``vary`` give a frontier: for each value of the first, the smallest second. Each value
    tried gets ``first`` replications (default 20, at most ``replications``), then more (up to
    ``replications``) while undecided.
    """
    from .experiment import sizing

    varies = [vary] if isinstance(vary, str) else list(vary)
    plan = sizing.plan(str(file), varies, target, variant=variant, sets=list(sets), scales=list(scales), step=step,
                       integer=integer, confidence=confidence, level=level, method=method, first=first,
                       cap=replications, seed=seed, simulate=simulate)
    say = (lambda text: print("  tried " + text)) if progress else None
    with _study_store(store) as st:
        sizing.start(st, plan, "peacesim.size (Python API)")
        result = sizing.run(plan, st, executor=executor, workers=workers, say=say, command="peacesim.size (Python API)")
    return SizingResults(result)


def explore(
    file: str | Path,
    targets: str | Sequence[str] = (),
    *,
    variant: str | None = None,
    sets: Sequence[str] = (),
    samples: int = 100,
    sampler: Literal["lhs", "sobol"] = "lhs",
    replications: int | None = None,
    seed: int | None = None,
    executor: str = "local",
    workers: int | None = None,
    store: str | Path | Store | None = None,
    simulate: Simulate | None = None,
    progress: bool = False,
) -> ExploreResults:
    """Draw the scenario's uncertain values over their ranges, replicate each point and say how
    likely each target (``"coverage_mean >= 0.9"``) is met, as ``peacesim explore`` does."""
    from .experiment import explore as explores
    from .experiment.explore_analysis import Answers

    plan = explores.plan(file, variant=variant, samples=samples, sampler=sampler, replications=replications, seed=seed,
                         target_texts=[targets] if isinstance(targets, str) else list(targets), simulate=simulate,
                         sets=list(sets))
    with _study_store(store) as st:
        explores.start(st, plan, "peacesim.explore (Python API)")
        bar = _bar(f"explore {plan.explore_id}") if progress else None
        stored = explores.run(plan, st, executor=executor, workers=workers, progress=bar)
    return ExploreResults(Answers(plan, stored))


@contextmanager
def _study_store(store: str | Path | Store | None) -> Iterator[Store]:
    """Sweeps, sizings and explorations keep a ledger in a store: the given one, else a throwaway one."""
    import tempfile

    from .experiment.store import Store

    if store is not None:
        with _store(store) as st:
            assert st is not None
            yield st
        return
    with tempfile.TemporaryDirectory(prefix="peacesim-") as tmp, Store(Path(tmp) / "study.db") as st:
        yield st


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
