"""Where one replication spends its time: the top functions, and the split by module.

cProfile (deterministic, standard library) is run over one baseline replication after an unprofiled
warm-up, so imports and first-call caches do not count. The top ten functions by own time say what
to optimise next; the split by module (peacesim model modules, SimPy, numpy, the rest) says whether
the cost is ours or SimPy's. cProfile roughly doubles the cost of Python calls, so shares are more
trustworthy than absolute times.
"""

from __future__ import annotations

import cProfile
import pstats
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

TOP = 10


def _where(filename: str) -> str:
    """A short, machine-independent name for the file a function lives in."""
    if filename.startswith("~") or filename.startswith("<"):
        return "builtin"
    parts = Path(filename).parts
    for anchor in ("peacesim", "simpy", "numpy", "benchmarks"):
        if anchor in parts:
            i = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[i:])
    return Path(filename).name


def _group(where: str) -> str:
    if where.startswith("peacesim/"):
        return where.removesuffix(".py").replace("/", ".")
    if where.startswith("simpy/"):
        return "simpy"
    if where.startswith("numpy/"):
        return "numpy (Python side)"
    return "builtins and C calls" if where == "builtin" else "other"


def profile_replication(scenario: Any, seed: np.random.SeedSequence) -> dict[str, Any]:
    """Profile one replication of ``scenario``; returns the top functions and the split by module."""
    from peacesim.model import simulate

    simulate(scenario, seed)
    prof = cProfile.Profile()
    prof.enable()
    result = simulate(scenario, seed)
    prof.disable()
    stats = pstats.Stats(prof)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1.0
    rows = []
    by_module: dict[str, float] = defaultdict(float)
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in raw.items():
        where = _where(filename)
        by_module[_group(where)] += tottime
        rows.append(
            {
                "function": f"{where}:{line}({name})" if where != "builtin" else name,
                "ncalls": ncalls,
                "tottime_ms": tottime * 1000,
                "cumtime_ms": cumtime * 1000,
                "share": tottime / total,
            }
        )
    rows.sort(key=lambda r: r["tottime_ms"], reverse=True)
    modules = sorted(({"module": m, "tottime_ms": t * 1000, "share": t / total} for m, t in by_module.items()),
                     key=lambda r: r["tottime_ms"], reverse=True)
    return {
        "profiler": "cProfile",
        "events": result.events,
        "profiled_total_ms": total * 1000,
        "top_functions": rows[:TOP],
        "by_module": modules[:TOP],
    }
