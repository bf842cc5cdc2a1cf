"""``python -m benchmarks`` (``make bench``): measure peacesim, print a table, write bench.json.

Stages, in order: ``profile`` (one replication under cProfile), ``model`` (overhead against raw
SimPy, raid and horizon scaling), ``pool`` (serial speed, parallel efficiency, 1,000 replications
on all cores, Dask against the local pool), ``rss`` (peak memory of 1,000 against 100 replications,
each in a fresh process), ``explore`` (an exploration of the vague commitments, end to end), ``size`` (one real
``peacesim size`` on the baseline), ``report`` (``peacesim report`` of nine stored runs). ``--quick`` shrinks every size for a look in about a minute.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .figures import FULL, QUICK, Figure, Plan

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("profile", "model", "pool", "rss", "explore", "size", "report")
DEFAULT_SCENARIO = ROOT / "scenarios" / "baseline.yaml"
DEFAULT_OUT = ROOT / "reports" / "bench" / "bench.json"


def _say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run_benchmark(
    scenario_path: Path,
    plan: Plan,
    out: Path,
    *,
    stages: tuple[str, ...] = STAGES,
    overrides: list[str] | None = None,
    seed: int | None = None,
    with_dask: bool = True,
    say: Callable[[str], None] = _say,
) -> tuple[list[Figure], dict[str, Any] | None, dict[str, Any], dict[str, Any]]:
    """Run the chosen stages and write ``out``; returns the figures, the profile, the machine and notes."""
    import numpy as np

    from peacesim.scenario.loader import load_scenario

    from .cases import Context, model_figures
    from .machine import describe, load_average
    from .memory import rss_figure
    from .parallel import pool_figures
    from .profile import profile_replication
    from .report import write_json

    t0 = time.perf_counter()
    overrides = list(overrides or [])
    scenario = load_scenario(scenario_path, overrides=overrides)
    root_seed = int(seed if seed is not None else scenario.metadata.seed)
    machine = describe(ROOT)
    ctx = Context(scenario, plan, root_seed, say)
    figures: list[Figure] = []
    profile = None
    stage_s: dict[str, float] = {}
    for stage in stages:
        s0 = time.perf_counter()
        if stage == "profile":
            say("profiling one replication")
            profile = profile_replication(scenario, np.random.SeedSequence(root_seed, spawn_key=(0,)))
        elif stage == "model":
            figures += model_figures(ctx)
        elif stage == "pool":
            figures += pool_figures(ctx, with_dask=with_dask)
        elif stage == "rss":
            say(f"peak memory: {plan.rss_small} and {plan.rss_large} replications, each in a fresh process")
            figures.append(rss_figure(scenario_path, plan.rss_small, plan.rss_large, root_seed, overrides))
        elif stage == "explore":
            from .explore import explore_figure

            figures.append(explore_figure(ctx, scenario_path, overrides))
        elif stage == "size":
            from .sizing_bench import size_figure

            figures.append(size_figure(scenario_path, plan, overrides, say))
        elif stage == "report":
            from .report_bench import report_figure

            figures.append(report_figure(scenario_path, plan, overrides, say))
        stage_s[stage] = round(time.perf_counter() - s0, 2)
        ctx.notes.setdefault("load_average_after", {})[stage] = load_average()
        if stage == "model":
            _project(ctx, figures, stages, say)
    machine["load_average_at_end"] = load_average()
    elapsed = time.perf_counter() - t0
    write_json(
        out, figures=figures, profile=profile, machine=machine, plan=plan.to_json(),
        scenario=_shown(scenario_path) + "".join(f" --set {o}" for o in overrides),
        elapsed_s=round(elapsed, 2), extra={"stage_s": stage_s, "seed": root_seed, "notes": ctx.notes},
    )
    return figures, profile, machine, ctx.notes


#: make bench should finish within this on a quiet 2-core machine
BUDGET_S = 600.0


def _project(ctx: Any, figures: list[Figure], stages: tuple[str, ...], say: Callable[[str], None]) -> None:
    """Estimate the time the pool and memory stages will take, from the measured replication time."""
    over = next((f for f in figures if f.name == "overhead_vs_raw_simpy"), None)
    if over is None:
        return
    rep_s = float(over.detail["peacesim"]["median_s_per_unit"])
    plan, workers = ctx.plan, max(1, ctx.plan.workers or os.cpu_count() or 1)
    reps = 0.0
    if "pool" in stages:
        reps += (plan.repeats + 0.2) * (plan.serial_reps * (1 + 1 / workers) + 2.2 * plan.throughput_reps / workers)
    if "rss" in stages:
        reps += (plan.rss_small + plan.rss_large) / workers
    if "explore" in stages:
        reps += plan.explore_points * plan.explore_reps / workers
    projected = reps * rep_s
    ctx.notes["projected_remaining_s"] = round(projected, 1)
    tail = " (over the 10-minute budget: try --quick)" if projected > BUDGET_S else ""
    say(f"{rep_s * 1000:.0f} ms per replication: about {projected / 60:.1f} more minutes on a quiet machine{tail}")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _stages(text: str) -> tuple[str, ...]:
    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    bad = [s for s in chosen if s not in STAGES]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"expected a comma-separated subset of {','.join(STAGES)} (got {text!r})")
    return chosen


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 (got {text!r})")
    return value


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO, help="scenario file (default: baseline)")
    ap.add_argument("--quick", action="store_true", help="small sizes: a rough look in about a minute")
    ap.add_argument("--only", type=_stages, default=STAGES, help=f"stages to run, comma-separated ({','.join(STAGES)})")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write bench.json")
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="scenario override, as for peacesim run")
    ap.add_argument("--repeats", type=_positive, help="timed repeats per measurement (default 5)")
    ap.add_argument("--replications", type=_positive, help="replications of the throughput and Dask runs (default 1000)")
    ap.add_argument("--workers", type=_positive, help="local pool workers (default: all cores)")
    ap.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask comparison")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from peacesim.errors import PeacesimError

    from .report import table

    args = parse(argv)
    plan = QUICK if args.quick else FULL
    changes = {k: v for k, v in (("repeats", args.repeats), ("throughput_reps", args.replications),
                                 ("workers", args.workers)) if v is not None}
    plan = dataclasses.replace(plan, **changes)
    if not args.scenario.is_file():
        print(f"error: {args.scenario}: no such scenario file", file=sys.stderr)
        return 2
    try:
        figures, profile, machine, notes = run_benchmark(
            args.scenario, plan, args.out, stages=args.only, overrides=args.overrides, seed=args.seed,
            with_dask=not args.no_dask,
        )
    except PeacesimError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except RuntimeError as e:  # a measured run that failed (e.g. the memory child); say which, briefly
        print(f"error: benchmark failed: {e}", file=sys.stderr)
        return 1
    print(table(figures, profile, machine, notes))
    print(f"\nwrote {_shown(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
