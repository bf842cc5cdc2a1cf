"""``explore_replications_per_s``: an exploration of the baseline's vague commitments on all cores.

The issue's aim is 200 points x 20 replications (4,000) in under 60 s on 2 cores: at least 67
replications/s, through the whole of ``peacesim explore`` (planning and validating the points,
batched tasks, storing every replication), not only the model. When the baseline has no uncertain
values yet, the benchmark lays the ranges of the vague claims over it with a small file that
``extends`` it (troops per rotation "hundreds" 200-900, how many of the ten partners take part,
whether US air defence comes), so the figure means the same either way.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from .cases import Context
from .figures import Figure

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
    """The scenario itself when it has uncertain values, else the overlay of the vague claims' ranges."""
    from peacesim.experiment.scenarios import load_explorable

    if load_explorable(scenario_path).space:
        return scenario_path
    from peacesim.experiment.scenarios import load, resolved_text

    # ``extends`` takes relative paths inside the project only: the overlay extends a resolved copy beside it.
    (folder / "explore-base.yaml").write_text(resolved_text(load(scenario_path)))
    partners = ", ".join(f"forces.partner_{k:02d}" for k in range(1, 11))
    path = folder / "explore-bench.yaml"
    path.write_text(OVERLAY.format(parent="explore-base.yaml", partners=partners))
    return path


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
            if path.parent != folder:  # the scenario's own ranges: copy it as written (a resolved copy loses them)
                raw = scenario_path.read_text(encoding="utf-8")
                own = raw if not re.search(r"^extends:", raw, re.M) else resolved_text(load(scenario_path))
                (folder / "explore-base.yaml").write_text(own)
            text = path.read_text() if path.parent == folder else "extends: explore-base.yaml\n"
            sets = "\n".join(f"      {o.split('=', 1)[0]}: {o.split('=', 1)[1]}" for o in overrides)
            path = folder / "explore-bench-set.yaml"
            path.write_text(text + "variants:\n  bench:\n    set:\n" + sets + "\n")
        variant = "bench" if overrides else None
        ctx.say(f"explore: {points} points x {reps} replications of {path.name}")
        t0 = time.perf_counter()
        ex = explore.plan(path, variant=variant, samples=points, sampler="lhs", replications=reps, seed=ctx.seed)
        planned = time.perf_counter() - t0
        with Store(folder / "bench.db") as store:
            explore.start(store, ex)
            explore.run(ex, store, executor="local", workers=ctx.plan.workers)
        total = time.perf_counter() - t0
    n = points * reps
    return Figure(
        "explore_replications_per_s", n / total,
        {"points": points, "replications_per_point": reps, "uncertain_values": len(ex.space), "seconds": total,
         "plan_seconds": planned, "run_seconds": ex.seconds, "workers": ctx.plan.workers},
        f"{points} points x {reps} replications, planning and pool start-up included ({total:.1f} s)",
    )
