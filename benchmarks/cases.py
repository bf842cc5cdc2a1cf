"""The figures measured on the model alone, in this process: overhead and scaling.

One interleaved measurement (baseline, raw SimPy, 10x raids, 4x horizon, in turn, round after
round) feeds three figures, so machine drift hits every job alike and the baseline is timed once.
Each job runs the same ``k`` replication seeds every round; event counts are deterministic per
seed, so they are taken from the runs themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import raw_simpy
from .figures import Figure, Plan
from .timing import Timing, interleaved
from .variants import bigger_raids, longer_horizon
from .workload import workload_of

Say = Callable[[str], None]


@dataclass
class Context:
    """What every case needs: the scenario, the plan, the root seed and where to say what is running."""

    scenario: Any
    plan: Plan
    seed: int
    say: Say
    #: observations about the run itself (e.g. the CPU share of the serial stage), kept in bench.json
    notes: dict[str, Any] = field(default_factory=dict)


def _seeds(seed: int, k: int) -> list[np.random.SeedSequence]:
    from peacesim.experiment.seeds import replication_seed

    return [replication_seed(seed, i) for i in range(k)]


def _model_job(scenario: Any, seeds: list[np.random.SeedSequence], events: list[int]) -> Callable[[], None]:
    from peacesim.model import simulate

    def job() -> None:
        events.append(sum(simulate(scenario, s).events for s in seeds))

    return job


def _raw_job(workload: raw_simpy.Workload, seeds: list[np.random.SeedSequence], events: list[int]) -> Callable[[], None]:
    def job() -> None:
        events.append(sum(raw_simpy.run(workload, s).events for s in seeds))

    return job


def model_figures(ctx: Context) -> list[Figure]:
    """``overhead_vs_raw_simpy``, ``raid_scaling`` and ``horizon_scaling`` from one interleaved run."""
    k, plan = ctx.plan.overhead_reps, ctx.plan
    seeds = _seeds(ctx.seed, k)
    scenarios = {
        "baseline": ctx.scenario,
        "raids_x10": bigger_raids(ctx.scenario, 10.0),
        "horizon_x4": longer_horizon(ctx.scenario, 4),
    }
    events: dict[str, list[int]] = {name: [] for name in (*scenarios, "raw_simpy")}
    jobs = {name: _model_job(sc, seeds, events[name]) for name, sc in scenarios.items()}
    jobs["raw_simpy"] = _raw_job(workload_of(ctx.scenario), seeds, events["raw_simpy"])
    ctx.say(f"model: {k} replications x {{baseline, raw SimPy, 10x raids, 4x horizon}} x {plan.repeats} repeats")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    timings = interleaved(jobs, repeats=plan.repeats, warmup=1, work={n: float(k) for n in jobs}, work_unit="replication")
    # One busy thread should get a whole core; much less means other work was sharing the machine.
    ctx.notes["model_stage_cpu_share"] = round((time.process_time() - cpu0) / (time.perf_counter() - wall0), 3)
    for name, t in timings.items():
        counts = events[name]
        t.info = {"events_per_round": counts[-1], "events_constant": len(set(counts)) == 1, "replications": k}
    return [_overhead(timings), _raids(timings), _horizon(timings)]


def _per_event(t: Timing) -> float:
    return t.median / int(t.info["events_per_round"])


def _overhead(t: dict[str, Timing]) -> Figure:
    p, r = t["baseline"], t["raw_simpy"]
    value = _per_event(p) / _per_event(r)
    return Figure(
        "overhead_vs_raw_simpy",
        value,
        {
            "peacesim": p.to_json(),
            "raw_simpy": r.to_json(),
            "peacesim_us_per_event": _per_event(p) * 1e6,
            "raw_simpy_us_per_event": _per_event(r) * 1e6,
            "event_ratio": int(p.info["events_per_round"]) / int(r.info["events_per_round"]),
        },
        "same replication seeds; events = SimPy steps processed (peacesim: ReplicationResult.events)",
    )


def _raids(t: dict[str, Timing]) -> Figure:
    b, x = t["baseline"], t["raids_x10"]
    return Figure(
        "raid_scaling",
        x.median / b.median,
        {"baseline": b.to_json(), "raids_x10": x.to_json()},
        "every raid_size distribution scaled x10; same raid frequency",
    )


def _horizon(t: dict[str, Timing]) -> Figure:
    b, x = t["baseline"], t["horizon_x4"]
    return Figure(
        "horizon_scaling",
        x.median / (4 * b.median),
        {"baseline": b.to_json(), "horizon_x4": x.to_json()},
        "metadata.horizon_days x4; 1.0 = linear in simulated time",
    )
