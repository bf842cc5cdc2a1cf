"""Explorations: the vague commitments of a scenario drawn over their ranges, replicated, stored, resumable.

:func:`plan` loads a scenario with its uncertain values (:mod:`peacesim.scenario.uncertain`),
draws the points (:mod:`.explore_design`) and validates every point's scenario before anything
runs; a point is the base tree with the sampled values applied as key-path overrides and
removals, the mechanism of ``--set`` and ``remove:``. :func:`start` records it in the results store
(:class:`.explore_ledger.ExploreLedger`); :func:`run` runs ``replications`` at every point with
the same replication seeds everywhere (common random numbers: points differ by their values, not
their luck). The points are the tasks, a few per task so scheduling stays small next to the
work, on any executor; finished replications are committed per task, so :func:`load` +
:func:`run` resume a killed exploration and end with the same stored results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SimulationError, StoreError, UsageError
from ..scenario.schema import Scenario
from ..scenario.tracked import Node, Origin, from_plain, to_plain
from ..scenario.uncertain import Space, Uncertain, realise
from . import runner, scenarios, targets
from .executors import Executor, RepOutput, Simulate, make_executor, run_chunk
from .explore_design import Design, draw, values_at
from .explore_ledger import ExploreLedger
from .store import Store

Progress = Callable[[int, int], None]
#: Replications per task, at most (a task holds whole points: at least one). Small enough that the
#: last tasks, which run while other workers may already be idle, are short (about a second).
TASK_REPLICATIONS = 40


class ExploreInterrupted(KeyboardInterrupt):
    """Ctrl-C during an exploration: finished tasks are kept; says how to resume."""

    def __init__(self, explore_id: str, done: int, total: int) -> None:
        super().__init__(f"exploration {explore_id} interrupted after {done} of {total} points")
        self.explore_id, self.done, self.total = explore_id, done, total


@dataclass
class Exploration:
    """A planned (or stored) exploration: its space, design, points and their scenarios."""

    scenario: str
    variant: str | None
    file: str
    space: Space
    base: dict[str, Any]
    design: Design
    values: list[dict[str, Any]]
    scenarios: list[Scenario]
    replications: int
    seed: int
    targets: list[str]
    model: str | None = None
    explore_id: str = ""
    seconds: float = 0.0
    ran: int = 0
    """Replications run by the last :func:`run` (not those loaded from the store)."""
    done: set[int] = field(default_factory=set)

    @property
    def points(self) -> int:
        return len(self.scenarios)


def plan(file: str | Path, *, variant: str | None = None, samples: int = 100, sampler: str = "lhs",
         replications: int | None = None, seed: int | None = None, target_texts: Sequence[str] = (),
         simulate: Simulate | None = None) -> Exploration:
    """Draw the points of an exploration and validate each point's scenario.

    Raises:
        UsageError: no uncertain values, a bad sampler or target expression.
        ScenarioError: a point's scenario is not valid (located, naming the point's values).
    """
    for text in target_texts:
        targets.parse(text)
    resolved = scenarios.load_explorable(file, variant)
    assert resolved.base is not None
    point = resolved.scenario
    root = int(seed if seed is not None else point.metadata.seed)
    design = draw(resolved.space, samples, sampler, root)
    values = [values_at(resolved.space, u) for u in design.units]
    built = [_build(resolved.base, resolved.space, v, variant, k) for k, v in enumerate(values)]
    return Exploration(
        scenario=point.metadata.name, variant=point.metadata.variant, file=str(file), space=resolved.space,
        base=to_plain(resolved.base), design=design, values=values, scenarios=built,
        replications=int(replications if replications is not None else point.metadata.replications), seed=root,
        targets=list(target_texts), model=runner.model_spec(simulate),
    )


def start(store: Store, ex: Exploration, command: str | None = None) -> Exploration:
    """Record a planned exploration in the store and give it its id."""
    ledger = ExploreLedger(store.path)
    try:
        ex.explore_id = ledger.create(ex.scenario, ex.variant, ex.file, _spec(ex),
                                      [(u.tolist(), scenarios.scenario_hash(s)) for u, s in zip(ex.design.units, ex.scenarios)],
                                      command)
    finally:
        ledger.close()
    return ex


def load(store: Store, explore_id: str) -> Exploration:
    """A stored exploration, every point's scenario rebuilt from the stored base and values."""
    ledger = ExploreLedger(store.path)
    try:
        rec = ledger.get(explore_id)
        done = _complete_points(ledger.replications(rec["explore_id"]), int(rec["spec"]["replications"]))
    finally:
        ledger.close()
    spec = rec["spec"]
    space = Space(tuple(Uncertain(**{**u, "choices": tuple(u["choices"]), "members": tuple(u["members"]),
                                     "origin": Origin(**u["origin"]) if u["origin"] else None}) for u in spec["space"]))
    units = np.asarray([u for u, _ in rec["points"]], dtype=float).reshape(len(rec["points"]), len(space))
    design = Design(units, spec["sampler"], int(spec["base"]))
    base = from_plain(spec["base_data"], Origin(f"exploration {rec['explore_id']}"))
    values = [values_at(space, u) for u in units]
    built = []
    for k, (v, (_, digest)) in enumerate(zip(values, rec["points"])):
        sc = _build(base, space, v, rec["variant"], k)
        if scenarios.scenario_hash(sc) != digest:
            raise StoreError(f"exploration {rec['explore_id']}: point {k} no longer rebuilds to the scenario it was "
                             "planned with (was peacesim upgraded?); start a new exploration")
        built.append(sc)
    return Exploration(
        scenario=rec["scenario"], variant=rec["variant"], file=rec["file"], space=space, base=spec["base_data"],
        design=design, values=values, scenarios=built, replications=int(spec["replications"]), seed=int(spec["seed"]),
        targets=list(spec["targets"]), model=spec.get("model"), explore_id=rec["explore_id"], done=done,
    )


def run(ex: Exploration, store: Store, *, executor: str | Executor = "local", workers: int | None = None,
        scheduler: str | None = None, progress: Progress | None = None) -> dict[tuple[int, int], dict[str, float]]:
    """Run every point not yet complete; return all stored replications ``(point, rep) -> metrics``.

    Raises:
        ExploreInterrupted: Ctrl-C; finished tasks are kept, resume with :func:`load` and :func:`run`.
        SimulationError: a replication failed (the exploration is left incomplete).
    """
    import time

    if not ex.explore_id:
        raise UsageError("start the exploration (peacesim.experiment.explore.start) before running it")
    simulate = runner.resolve_model(ex.model)
    ledger = ExploreLedger(store.path)
    ledger.claim(ex.explore_id)
    stored = ledger.replications(ex.explore_id)
    ex.done = _complete_points(stored, ex.replications)
    todo = [k for k in range(ex.points) if k not in ex.done]
    own = isinstance(executor, str)
    cancel = False
    began = time.perf_counter()
    try:
        exe = make_executor(executor, workers, scheduler) if isinstance(executor, str) else executor
        size = points_per_task(len(todo), ex.replications, exe.workers)
        tasks = [todo[i:i + size] for i in range(0, len(todo), size)]
        pending: dict[Any, list[int]] = {}
        nxt = 0
        if progress:
            progress(len(ex.done), ex.points)
        while nxt < len(tasks) or pending:
            while nxt < len(tasks) and len(pending) < 2 * exe.workers:
                items = [(k, ex.scenarios[k]) for k in tasks[nxt]]
                pending[exe.submit(run_points, simulate, items, ex.seed, ex.replications)] = tasks[nxt]
                nxt += 1
            finished, _ = exe.wait_any(set(pending))
            for fut in finished:
                pending.pop(fut)
                rows = _rows(exe.result(fut), ex)
                ledger.add(ex.explore_id, rows)
                for p, r, m in rows:
                    stored[(p, r)] = m
                ex.done.update({p for p, _, _ in rows})
                if progress:
                    progress(len(ex.done), ex.points)
        ledger.finish(ex.explore_id, "complete")
    except KeyboardInterrupt:
        cancel = True
        ledger.finish(ex.explore_id, "incomplete")
        raise ExploreInterrupted(ex.explore_id, len(ex.done), ex.points) from None
    except BaseException:
        cancel = True
        ledger.finish(ex.explore_id, "incomplete")
        raise
    finally:
        if own and "exe" in locals():
            exe.close(cancel=cancel)
        ledger.close()
    ex.seconds = time.perf_counter() - began
    ex.ran = len(todo) * ex.replications
    return stored


def list_explorations(store: Store) -> list[dict[str, Any]]:
    """The explorations in the store: id, scenario, sampler, points, replications stored, status."""
    ledger = ExploreLedger(store.path)
    try:
        return ledger.list()
    finally:
        ledger.close()


def stored_replications(store: Store, explore_id: str) -> dict[tuple[int, int], dict[str, float]]:
    """Every stored replication of an exploration: ``(point, replication) -> metrics``."""
    ledger = ExploreLedger(store.path)
    try:
        return ledger.replications(explore_id)
    finally:
        ledger.close()


def points_per_task(points: int, replications: int, workers: int) -> int:
    """Whole points per task: about eight tasks per worker, at most :data:`TASK_REPLICATIONS` replications."""
    if points == 0:
        return 1
    return max(1, min(math.ceil(points / (8 * max(1, workers))), TASK_REPLICATIONS // max(1, replications)))


def run_points(simulate: Simulate | None, items: list[tuple[int, Scenario]], seed: int,
               replications: int) -> list[tuple[int, list[RepOutput]]]:
    """Run replications ``0..n-1`` of each point (in a worker): the same seeds at every point."""
    return [(k, run_chunk(simulate, sc, seed, range(replications), 0)) for k, sc in items]


# -- internals ---------------------------------------------------------------------------------
def _build(base: Node, space: Space, values: dict[str, Any], variant: str | None, k: int) -> Scenario:
    """A point's scenario; a problem names the point and its values."""
    from ..errors import Problem, ScenarioError
    from ..scenario import loader

    try:
        return loader.validate_plain(realise(base, space, values, via=f"explore point {k}"), variant)
    except ScenarioError as e:
        shown = ", ".join(f"{n}={v}" for n, v in values.items())
        raise ScenarioError([Problem(p.message, p.file, p.line, p.column, p.path, p.got, f"at exploration point {k} ({shown})")
                             for p in e.problems]) from None


def _spec(ex: Exploration) -> dict[str, Any]:
    space = [{**asdict(u), "origin": asdict(u.origin) if u.origin else None} for u in ex.space.params]
    return {"space": space, "base_data": ex.base, "sampler": ex.design.sampler, "base": ex.design.base,
            "replications": ex.replications, "seed": ex.seed, "targets": ex.targets, "model": ex.model}


def _rows(results: list[tuple[int, list[RepOutput]]], ex: Exploration) -> list[tuple[int, int, dict[str, float]]]:
    rows = []
    for k, outs in results:
        for out in outs:
            if out.error is not None:
                raise SimulationError(f"{ex.scenario} (exploration point {k})", out.index, ex.seed, out.error)
            rows.append((k, out.index, out.metrics))
    return rows


def _complete_points(stored: dict[tuple[int, int], dict[str, float]], replications: int) -> set[int]:
    counts: dict[int, int] = {}
    for p, r in stored:
        if r < replications:
            counts[p] = counts.get(p, 0) + 1
    return {p for p, c in counts.items() if c >= replications}
