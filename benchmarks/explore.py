"""``explore_replications_per_s``: an exploration of the baseline's vague commitments on all cores.

The issue's aim is 200 points x 20 replications (4,000) in under 60 s on 2 cores: at least 67
replications/s, through the whole of ``peacesim explore`` (planning and validating the points,
batched tasks, storing every replication), not only the model. When the baseline has no uncertain
values yet, the benchmark lays the ranges of the vague claims over it with a small file that
``extends`` it (troops per rotation "hundreds" 200-900, how many of the ten partners take part,
whether US air defence comes), so the figure means the same either way.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from .cases import Context
from .figures import Figure
from .machine import load_average

OVERLAY = """\
extends: {parent}
forces:
  - {{id: uk, troops_per_unit: {{explore: [200, 900], value: 350, claim: C01}}}}
  - {{id: france, troops_per_unit: {{explore: [200, 900], value: 350, claim: C02}}}}
explore:
  partners: {{count: [6, 10], claim: C03, of: [{partners}]}}
  us_air_defence: {{present: 0.5, claim: C07, of: [enablers.air_defence.us_patriot, enablers.armaments.us_pac3_resupply]}}
"""


def explorable(scenario_path: Path, folder: Path) -> Path:
    """A scenario with uncertain values in ``folder``: the scenario's own ranges when it has some (copied as
    written, or the file itself when it extends another), else the overlay of the vague claims' ranges."""
    from peacesim.experiment.scenarios import load_explorable

    if load_explorable(scenario_path).space:
        raw = scenario_path.read_text(encoding="utf-8")
        if re.search(r"^extends:", raw, re.M):  # its parents are beside it: use it where it is
            return scenario_path
        own = folder / "explore-own.yaml"
        own.write_text(raw, encoding="utf-8")
        return own
    from peacesim.experiment.scenarios import load, resolved_text

    # ``extends`` takes relative paths inside the project only: the overlay extends a resolved copy beside it.
    (folder / "explore-base.yaml").write_text(resolved_text(load(scenario_path)))
    partners = ", ".join(f"forces.partner_{k:02d}" for k in range(1, 11))
    path = folder / "explore-bench.yaml"
    path.write_text(OVERLAY.format(parent="explore-base.yaml", partners=partners))
    return path


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children (0 where not available)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0, 0.0
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def explore_figure(ctx: Context, scenario_path: Path, overrides: list[str]) -> Figure:
    """Time a whole exploration (plan, run, store) on the local pool; pool start-up included."""
    from peacesim.experiment import explore
    from peacesim.experiment.scenarios import load, resolved_text
    from peacesim.experiment.store import Store

    points, reps = ctx.plan.explore_points, ctx.plan.explore_reps
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = explorable(scenario_path, folder)
        if overrides:  # the harness's --set (e.g. a short horizon in tests) applies to every point
            if path.parent != folder:
                (folder / "explore-base.yaml").write_text(resolved_text(load(scenario_path)))
            # the overlay takes the variant itself; a scenario of its own (it has variants) is extended
            text = path.read_text() if path.name == "explore-bench.yaml" else (
                f"extends: {path.name if path.parent == folder else 'explore-base.yaml'}\n")
            sets = "\n".join(f"      {o.split('=', 1)[0]}: {o.split('=', 1)[1]}" for o in overrides)
            path = folder / "explore-bench-set.yaml"
            path.write_text(text + "variants:\n  bench:\n    set:\n" + sets + "\n")
        variant = "bench" if overrides else None
        ctx.say(f"explore: {points} points x {reps} replications of {path.name}")
        load_before = load_average()
        own0, kids0 = _cpu()
        t0 = time.perf_counter()
        ex = explore.plan(path, variant=variant, samples=points, sampler="lhs", replications=reps, seed=ctx.seed)
        planned = time.perf_counter() - t0
        with Store(folder / "bench.db") as store:
            explore.start(store, ex)
            explore.run(ex, store, executor="local", workers=ctx.plan.workers)
        total = time.perf_counter() - t0
    own1, kids1 = _cpu()
    workers_cpu, parent_cpu = kids1 - kids0, own1 - own0  # the pool's workers count once it has shut down
    cores = ctx.plan.workers or os.cpu_count() or 1
    n = points * reps
    return Figure(
        "explore_replications_per_s", n / total,
        {"points": points, "replications_per_point": reps, "uncertain_values": len(ex.space), "seconds": total,
         "plan_seconds": planned, "run_seconds": ex.seconds, "workers": ctx.plan.workers,
         # CPU seconds: on a shared machine, worker CPU per replication is the steadier figure than the wall time
         "workers_cpu_s": round(workers_cpu, 2), "parent_cpu_s": round(parent_cpu, 2),
         "worker_cpu_ms_per_replication": round(1000 * workers_cpu / n, 2),
         # what the wall time would be if each worker had a core to itself: planning + worker CPU / workers
         # (no pool start-up or tail; but CPU time itself grows when the machine is shared)
         "replications_per_s_if_unshared": round(n / (planned + workers_cpu / cores), 1) if workers_cpu else None,
         "load_average_before": load_before, "load_average_after": load_average()},
        f"{points} points x {reps} replications, planning and pool start-up included ({total:.1f} s)",
    )
