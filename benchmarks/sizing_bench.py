"""``size_seconds``: one real sizing on the baseline, as an analyst would type it, timed end to end.

The question: the smallest UK and French troops per rotation (one value for both,
100 to 20,000) for full operating capability by day 90 and a mean coverage of at least 0.9, with
P(met) >= 0.9 (docs/sizing.md's example; the earlier IOC-and-0.6 question was met at the lowest
value on the ceasefire baseline, so it timed no search). It runs
in a fresh results store on the local pool; the time includes planning, every probe and storing.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .figures import Figure, Plan

VARY = "forces.{uk,france}.troops_per_unit=100:20000"  # from "hundreds": the shipped contingents rotate as 3 companies
TARGET = "foc_day <= 90 and coverage_mean >= 0.9"


def size_figure(scenario_path: Path, plan: Plan, overrides: list[str], say: Callable[[str], None]) -> Figure:
    """Time one sizing (see the module docstring); the detail keeps the answer and its evidence."""
    from peacesim.experiment import sizing
    from peacesim.experiment.store import Store

    say(f"sizing {VARY} for {TARGET!r} (P >= 0.9), replications per value {plan.size_first} to {plan.size_cap}")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = Store(Path(tmp) / "size.db")
        try:
            planned = sizing.start(store, sizing.plan(str(scenario_path), [VARY], TARGET, sets=overrides, confidence=0.9,
                                                      first=plan.size_first, cap=plan.size_cap))
            result = sizing.run(planned, store, executor="local", workers=plan.workers)
        finally:
            store.close()
        elapsed = time.perf_counter() - t0
    a = result.answers[0]
    detail = {"vary": VARY, "target": TARGET, "status": a.status, "answer": a.value, "answer_low": a.lower,
              "values_tried": len(a.probes), "replications": sum(p.n for p in a.probes),
              "first": plan.size_first, "cap": plan.size_cap}
    return Figure("size_seconds", round(elapsed, 2), detail)
