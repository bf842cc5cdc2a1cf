"""Parameter sweeps: one stored run per design point, all with the same seed, resumable.

:func:`plan` parses ``--param`` texts into a design (:mod:`.design`) and validates every point's
scenario before anything runs, so a bad key path or value fails at once. :func:`start` records the
sweep in the results store, :func:`run` runs its points through :func:`.runner.replicate` (one run
per point, ``group_id`` = the sweep id, the same root seed everywhere, so points differ only by
their parameters: common random numbers), and :func:`load` + :func:`run` resume a sweep that was
interrupted or killed: complete points are loaded, an incomplete point resumes through
:func:`.runner.resume`, and the rest run.

The sweep itself (design, base scenario, points and their run ids) lives in two small tables,
``sweeps`` and ``sweep_points``, in the same SQLite file as the runs (:class:`.sweep_ledger.Ledger`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError, StoreError, UsageError
from ..scenario.schema import Scenario
from . import design, runner, scenarios
from .executors import Executor, Simulate
from .ledger import working
from .outputs import IDENTITY_COLUMNS, atomic_open
from .results import MetricSummary, RunResult
from .store import Store
from .sweep_ledger import Ledger

MODES = ("grid", "lhs", "oat")
Progress = Callable[[int, int], None]


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: finished points (and replications) are kept; says how to resume."""

    def __init__(self, sweep_id: str, done: int, total: int) -> None:
        super().__init__(f"sweep {sweep_id} interrupted after {done} of {total} points")
        self.sweep_id, self.done, self.total = sweep_id, done, total


@dataclass
class Sweep:
    """A planned (or stored) sweep: the design, its points and their scenarios."""

    scenario: str
    variant: str | None
    file: str
    mode: str
    params: list[design.Param]
    points: list[design.Point]
    scenarios: list[Scenario]
    base_text: str
    base_values: dict[str, Any]
    replications: int
    seed: int
    confidence: float = 0.95
    lhs_points: int | None = None
    model: str | None = None
    sweep_id: str = ""
    run_ids: dict[int, str] = field(default_factory=dict)

    def values(self, point: design.Point) -> dict[str, Any]:
        """Every parameter's value at a point (base values where the point leaves it)."""
        return {p.path: point.overrides.get(p.path, self.base_values.get(p.path)) for p in self.params}


@dataclass
class SweepResult:
    """The runs of a sweep, one per point, in point order."""

    sweep: Sweep
    results: list[RunResult]

    def metrics(self) -> list[str]:
        """Metric names over all points, in the order the model reports them."""
        names: dict[str, None] = {}
        for r in self.results:
            names.update(dict.fromkeys(r.summary))
        return list(names)

    def summary(self, index: int, metric: str) -> MetricSummary | None:
        return self.results[index].summary.get(metric)

    def oat_effects(self, metric: str) -> list[tuple[design.Param, float, float, float]]:
        """For a one-at-a-time sweep: (param, mean at low, mean at high, mean at base) per parameter."""
        return [(p, _mean_of(lo), _mean_of(hi), _mean_of(base)) for p, lo, hi, base in self.oat_summaries(metric)]

    def oat_summaries(
        self, metric: str
    ) -> list[tuple[design.Param, MetricSummary | None, MetricSummary | None, MetricSummary | None]]:
        """Like :meth:`oat_effects` with whole summaries (None where a point lacks the metric).

        The tornado chart needs the intervals of the low and high means, not just the means, to
        show whether a parameter's swing stands out from the Monte Carlo noise.
        """
        if self.sweep.mode != "oat":
            raise UsageError("one-at-a-time effects need a sweep made with --oat")
        sums = {(pt.role, pt.param): self.summary(pt.index, metric) for pt in self.sweep.points}
        base = sums[("base", None)]
        return [(p, sums[("low", p.path)], sums[("high", p.path)], base) for p in self.sweep.params]

    def line(self, metric: str) -> tuple[list[float], list[MetricSummary]] | None:
        """x values and summaries for a one-parameter sweep with numeric values (else None)."""
        if len(self.sweep.params) != 1:
            return None
        path = self.sweep.params[0].path
        xs, sums = [], []
        for pt, res in zip(self.sweep.points, self.results):
            x = self.sweep.values(pt)[path]
            s = res.summary.get(metric)
            if isinstance(x, bool) or not isinstance(x, (int, float)) or s is None:
                return None
            xs.append(float(x))
            sums.append(s)
        return xs, sums


def plan(
    file: str | Path,
    params: Sequence[str],
    *,
    variant: str | None = None,
    mode: str = "grid",
    lhs_points: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    confidence: float = 0.95,
    simulate: Simulate | None = None,
    sets: Sequence[str] = (),
) -> Sweep:
    """Parse the parameters, lay out the design and validate every point's scenario.

    ``sets`` (``KEY.PATH=VALUE`` as after ``--set``) change the base, after the variant; a swept
    parameter on the same path wins at its points.

    Raises:
        UsageError: malformed ``--param`` or options.
        ScenarioError: a point's override names a bad key path or value (located at ``--param``).
    """
    from ..scenario import loader

    if mode not in MODES:
        raise UsageError(f"unknown sweep mode {mode!r}; expected one of {', '.join(MODES)}")
    parsed = [design.parse_param(text, Scenario) for text in params]
    design.check_distinct(parsed)
    tree = loader.load_tree(file)
    if sets:
        tree, variant = loader.resolve_tree(tree, variant, sets), None  # the variant is applied (and named) already
    base = _build(tree, variant, {}, None)
    root_seed = int(seed if seed is not None else base.metadata.seed)
    if mode == "grid":
        points = design.grid(parsed)
    elif mode == "lhs":
        if not lhs_points:
            raise UsageError("a Latin hypercube needs the number of points: --lhs N")
        points = design.latin_hypercube(parsed, lhs_points, root_seed)
    else:
        points = design.one_at_a_time(parsed)
    built = [base if not pt.overrides else _build(tree, variant, pt.overrides, pt) for pt in points]
    n = int(replications if replications is not None else base.metadata.replications)
    return Sweep(
        scenario=base.metadata.name, variant=base.metadata.variant, file=str(file), mode=mode, params=parsed,
        points=points, scenarios=built, base_text=scenarios.resolved_text(base),
        base_values={p.path: value_at(base, p.path) for p in parsed}, replications=n, seed=root_seed,
        confidence=confidence, lhs_points=lhs_points if mode == "lhs" else None,
        model=runner.model_spec(simulate),
    )


def start(store: Store, sweep: Sweep, command: str | None = None) -> Sweep:
    """Record a planned sweep in the store and give it its id."""
    with Ledger(store.path) as ledger:
        sweep.sweep_id = ledger.create(sweep, command)
    return sweep


def load(store: Store, sweep_id: str) -> Sweep:
    """A stored sweep, with every point's scenario rebuilt from the stored base and overrides."""
    with Ledger(store.path) as ledger:
        rec = ledger.get(sweep_id)
    raw_base = yaml.safe_load(rec["base_text"])
    params = [design.Param(**{**p, "values": tuple(p["values"])}) for p in rec["spec"]["params"]]
    points, built = [], []
    for row in rec["points"]:
        pt = design.Point(row["point"], row["overrides"], row["role"], row["param"])
        sc = _rebuild(raw_base, pt, rec["sweep_id"])
        if scenarios.scenario_hash(sc) != row["scenario_hash"]:
            raise StoreError(f"sweep {rec['sweep_id']}: point {pt.index} no longer rebuilds to the scenario it was "
                             "planned with (was peacesim upgraded?); start a new sweep")
        points.append(pt)
        built.append(sc)
    spec = rec["spec"]
    return Sweep(
        scenario=rec["scenario"], variant=rec["variant"], file=rec["file"], mode=rec["mode"], params=params,
        points=points, scenarios=built, base_text=rec["base_text"], base_values=spec["base_values"],
        replications=int(spec["replications"]), seed=int(spec["seed"]), confidence=float(spec["confidence"]),
        lhs_points=spec.get("lhs_points"), model=spec.get("model"), sweep_id=rec["sweep_id"],
        run_ids={row["point"]: row["run_id"] for row in rec["points"] if row["run_id"]},
    )


def run(
    sweep: Sweep,
    store: Store,
    *,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    command: str | None = None,
    metrics: Sequence[str] = (),
) -> SweepResult:
    """Run (or finish) every point of a started sweep; complete points are loaded, not rerun.

    Args:
        metrics: names that must exist: checked against the catalog before any point runs (for the
            SimPy model), and against what the model reported after the first point.

    Raises:
        SweepInterrupted: Ctrl-C; what finished is kept, resume with :func:`load` and :func:`run`.
    """
    if not sweep.sweep_id:
        raise UsageError("start the sweep (peacesim.experiment.sweep.start) before running it")
    simulate = runner.resolve_model(sweep.model)
    check_metrics(metrics, simulate)
    results: list[RunResult] = []
    total = len(sweep.points) * sweep.replications
    ledger = Ledger(store.path)

    def interrupted() -> SweepInterrupted:
        return SweepInterrupted(sweep.sweep_id, len(results), len(sweep.points))

    with working(ledger, sweep.sweep_id, executor, workers, scheduler, interrupted) as ex:
        orphans = _orphan_runs(store, sweep)
        for pt, sc in zip(sweep.points, sweep.scenarios):
            tick = _shifted(progress, len(results) * sweep.replications, total) if progress else None
            run_id = sweep.run_ids.get(pt.index) or _take(orphans, scenarios.scenario_hash(sc))
            try:
                result = _run_point(sweep, pt, sc, run_id, store, ex, tick, simulate, command)
            except runner.RunInterrupted as e:
                if e.run_id:
                    ledger.set_run(sweep.sweep_id, pt.index, e.run_id)
                raise
            sweep.run_ids[pt.index] = str(result.run_id)
            ledger.set_run(sweep.sweep_id, pt.index, str(result.run_id))
            if not results:
                _check_metrics(result, metrics, sweep.sweep_id)
            results.append(result)
            if progress:
                progress(len(results) * sweep.replications, total)
    return SweepResult(sweep, results)


def list_sweeps(store: Store) -> list[dict[str, Any]]:
    """The sweeps in the store: id, scenario, variant, mode, points, points done, status."""
    with Ledger(store.path) as ledger:
        return ledger.list()


def write_csv(result: SweepResult, path: Path) -> Path:
    """``sweep.csv``: one row per point: its run's identity (run id, label, variant), point, role, parameter values, then for every
    metric its mean, ci_low and ci_high (columns ``METRIC.mean``, ``METRIC.ci_low``, ``METRIC.ci_high``)."""
    import csv

    sw = result.sweep
    names = result.metrics()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, newline="") as f:
        w = csv.writer(f)
        w.writerow([*IDENTITY_COLUMNS, "point", "role", *(p.path for p in sw.params),
                    *(f"{m}.{k}" for m in names for k in ("mean", "ci_low", "ci_high"))])
        for pt, res in zip(sw.points, result.results):
            values = sw.values(pt)
            cells: list[Any] = []
            for m in names:
                s = res.summary.get(m)
                cells += [_cell(getattr(s, k)) if s is not None else "" for k in ("mean", "ci_low", "ci_high")]
            w.writerow([res.run_id or "", res.label, res.variant or "", pt.index, pt.role,
                        *(_plain(values[p.path]) for p in sw.params), *cells])
    return path


def value_at(scenario: Scenario, path: str) -> Any:
    """The value at a key path of a validated scenario (defaults included; None when absent).

    For a glob, the common value of its matches, or the list of their values when they differ.
    """
    from ..scenario.loader import canonical_data
    from ..scenario.paths import expand, get_node, parse_path
    from ..scenario.tracked import Origin, from_plain, to_plain

    root = from_plain(canonical_data(scenario), Origin())
    try:
        values = [to_plain(get_node(root, parse_path(p), Scenario)) for p in expand(root, path, Scenario)]
    except ScenarioError:
        return None
    return values[0] if all(v == values[0] for v in values) else values


# -- internals ---------------------------------------------------------------------------------
def _build(tree: Any, variant: str | None, overrides: dict[str, Any], point: design.Point | None) -> Scenario:
    """Validate the base tree with a variant and a point's overrides; errors say ``--param``."""
    from ..scenario import loader

    try:
        return loader.validate_tree(loader.resolve_tree(tree, variant, overrides), variant)
    except ScenarioError as e:
        if point is None:
            raise
        where = f"at sweep point {point.index} ({point.describe()})"
        raise ScenarioError([
            Problem(p.message, file="--param" if p.file in (None, "--set") else p.file, line=p.line,
                    column=p.column, path=p.path, got=p.got, hint=where)
            for p in e.problems
        ]) from None


def _rebuild(raw_base: dict[str, Any], point: design.Point, sweep_id: str) -> Scenario:
    from ..scenario.paths import apply_overrides

    return scenarios.from_data(apply_overrides(raw_base, point.overrides), f"sweep {sweep_id} point {point.index}")


def _run_point(
    sweep: Sweep, pt: design.Point, sc: Scenario, run_id: str | None, store: Store, ex: Executor,
    tick: Progress | None, simulate: Simulate | None, command: str | None,
) -> RunResult:
    """A point's result: loaded when complete, resumed when incomplete, else a new run."""
    if run_id:
        try:
            rec = store.get_run(run_id)
        except StoreError:
            rec = None  # the run was deleted from the store: run the point again
        if rec is not None and rec.status == "complete":
            return store.load_run(rec.run_id)
        if rec is not None:
            return runner.resume(store, rec.run_id, executor=ex, progress=tick)
    label = f"[sweep {sweep.sweep_id} point {pt.index + 1}/{len(sweep.points)}: {pt.describe()}]"
    return runner.replicate(
        sc, replications=sweep.replications, seed=sweep.seed, executor=ex, progress=tick,
        confidence=sweep.confidence, simulate=simulate, store=store,
        command=f"{command or 'peacesim sweep'} {label}", group_id=sweep.sweep_id,
    )


def _orphan_runs(store: Store, sweep: Sweep) -> dict[str, list[str]]:
    """Runs of this sweep that no point records (killed before the point was written): hash -> ids."""
    known = set(sweep.run_ids.values())
    out: dict[str, list[str]] = {}
    for rec in store.list_runs(sweep.scenario):
        if rec.group_id == sweep.sweep_id and rec.run_id not in known and rec.seed == sweep.seed:
            out.setdefault(rec.scenario_hash, []).append(rec.run_id)
    return out


def _shifted(progress: Progress, offset: int, total: int) -> Progress:
    """Progress of one point as progress of the whole sweep (points before it count as done)."""

    def tick(done: int, _target: int) -> None:
        progress(offset + done, total)

    return tick


def _take(orphans: dict[str, list[str]], digest: str) -> str | None:
    ids = orphans.get(digest)
    return ids.pop(0) if ids else None


def check_metrics(wanted: Sequence[str], simulate: Simulate | None = None) -> None:
    """A name the catalog does not document fails before any point runs, with a did-you-mean.

    The catalog documents the SimPy model's metrics only; another model (a test's) is checked after
    its first point (:func:`_check_metrics`).
    """
    from .. import catalog, model
    from .compare import unknown_metrics

    if simulate is not None or not getattr(model.simulate, "__module__", "").startswith("peacesim."):
        return
    unknown = [m for m in wanted if catalog.pattern_of(m) is None]
    if unknown:
        scalars = [k for k, doc in catalog.CATALOG.items() if doc.kind == "scalar"]
        raise UsageError(f"--metric: {unknown_metrics(unknown, scalars, have='the model reports')}")


def _check_metrics(result: RunResult, wanted: Sequence[str], sweep_id: str) -> None:
    from .compare import unknown_metrics

    unknown = [m for m in wanted if m not in result.summary]
    if unknown:
        known = unknown_metrics(unknown, sorted(result.summary), have="this model reports")
        raise UsageError(f"--metric: {known} (the first point is kept; continue with: "
                         f"peacesim sweep --resume {sweep_id} --metric ...)")


def _cell(x: float) -> str:
    return "" if x is None or math.isnan(x) else repr(float(x))


def _plain(v: Any) -> Any:
    """A CSV cell for a parameter value: numbers and text as they are, structures as JSON."""
    import json

    return json.dumps(v) if isinstance(v, (dict, list)) else ("" if v is None else v)


def _mean_of(s: MetricSummary | None) -> float:
    return s.mean if s is not None else math.nan
