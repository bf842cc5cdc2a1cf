"""Speed-ups change no result: the model against saved digests, and each fast path against the plain one.

``tests/data/model_digests.json`` holds, for the baseline and each of its variants, replication 0
under root seed 0, a SHA-256 of every metric (by bit pattern), every daily series and the
trace, saved from the code before the optimisations of issue 12. A change meant to change results
regenerates it (``python -m benchmarks.snapshot digests tests/data/model_digests.json``) and says so
in its commit; ``python -m benchmarks.snapshot save/compare`` is the wider check (every shipped
scenario, three seeds, stored explorations and sizings).
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import numpy as np
import simpy

from peacesim.experiment import scenarios
from peacesim.experiment.executors import run_chunk
from peacesim.experiment.seeds import replication_seed
from peacesim.model import simulate
from peacesim.model.engine import run_until

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is a top-level package of the checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.snapshot import DIGEST_SEEDS, differences, digest, replication_record  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def test_baseline_and_its_variants_give_the_saved_results_bit_for_bit() -> None:
    saved = json.loads((ROOT / "tests" / "data" / "model_digests.json").read_text())
    got = {}
    for variant in [None, *scenarios.list_variants(BASELINE)]:
        sc = scenarios.load(BASELINE, variant)
        label = "baseline" if variant is None else f"baseline/{variant}"
        for i in DIGEST_SEEDS:
            got[f"{label}#{i}"] = digest(replication_record(sc, 0, i))
    changed = sorted(k for k in saved if got.get(k) != saved[k])
    assert got.keys() == saved.keys() and not changed, (
        f"results changed for {changed}; if that is intended, regenerate tests/data/model_digests.json "
        "(python -m benchmarks.snapshot digests tests/data/model_digests.json) and say why in the commit")


def test_metrics_without_series_are_the_metrics_with_them() -> None:
    """``series=False`` (explorations, sizings, replications past the series cap) changes no scalar."""
    sc = scenarios.load(BASELINE)
    for i in range(1):
        full, bare = simulate(sc, replication_seed(5, i)), simulate(sc, replication_seed(5, i), series=False)
        assert bare.series == {} and full.series
        assert not differences(full.metrics, bare.metrics)
        assert bare.events == full.events
    chunk = run_chunk(None, sc, 5, [0, 1], 1)  # replication 0 keeps its series, 1 does not
    assert chunk[0].series is not None and chunk[1].series is None
    assert not differences(chunk[1].metrics, {k: float(v) for k, v in simulate(sc, replication_seed(5, 1)).metrics.items()})


def _busy_model(env: simpy.Environment, log: list[tuple[float, str, int]], seed: int) -> None:
    """Processes, a priority resource, a store and callbacks with many events at equal times."""
    rng = random.Random(seed)
    desk = simpy.PriorityResource(env, capacity=2)
    shelf = simpy.Store(env)

    def customer(k: int):  # type: ignore[no-untyped-def]
        yield env.timeout(rng.choice([0, 1, 1.5, 2]))
        with desk.request(priority=rng.randint(0, 2)) as req:
            yield req
            log.append((env.now, "served", k))
            yield env.timeout(rng.choice([0.5, 1]))
        yield shelf.put(k)

    def clerk():  # type: ignore[no-untyped-def]
        while True:
            item = yield shelf.get()
            log.append((env.now, "shelved", item))

    for k in range(40):
        env.process(customer(k))
    env.process(clerk())
    for t in (1, 2, 2, 3.5):
        env.timeout(t).callbacks.append(lambda e, t=t: log.append((env.now, "tick", int(t * 10))))


def test_inlined_event_loop_processes_what_simpy_run_processes() -> None:
    """Same events, in the same order, at the same times; the same ids issued and left queued."""
    for seed in range(5):
        runs = []
        for inlined in (False, True):
            env, log = simpy.Environment(), []  # type: ignore[var-annotated]
            _busy_model(env, log, seed)
            if inlined:
                run_until(env, 7.25)
            else:
                env.run(until=7.25)
            runs.append((log, env.now, next(env._eid), len(env._queue)))
        assert runs[0] == runs[1] and runs[0][0]


def test_inlined_event_loop_raises_what_simpy_raises() -> None:
    env = simpy.Environment()

    def broken():  # type: ignore[no-untyped-def]
        yield env.timeout(1)
        raise ValueError("boom")

    env.process(broken())
    try:
        run_until(env, 5)
    except ValueError as e:
        assert str(e) == "boom"
    else:
        raise AssertionError("the failure of a process must stop the run")
    assert env.now == 1
    try:
        run_until(env, 0.5)
    except ValueError as e:
        assert "greater than the current simulation time" in str(e)
    else:
        raise AssertionError("a stop time in the past is refused")
    assert math.isfinite(env.now) and np.isfinite(env.now)
