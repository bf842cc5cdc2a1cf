"""The benchmark's outputs: a plain-text table for the terminal and ``bench.json`` for the record."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .figures import TARGETS, Figure


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def table(figures: list[Figure], profile: dict[str, Any] | None, machine: dict[str, Any],
          notes: dict[str, Any] | None = None) -> str:
    """The figures against their targets, then the profile's top functions."""
    lines = [
        f"peacesim benchmark on {machine.get('cpu_model')} ({machine.get('usable_cores')} cores), "
        f"Python {machine.get('python')}, simpy {machine['versions'].get('simpy')}, numpy {machine['versions'].get('numpy')}",
        "",
        f"{'figure':<30} {'value':>10} {'unit':<6} {'target':>10}  {'met':<4} note",
        "-" * 100,
    ]
    busy = busy_warning(machine, notes or {})
    if busy:
        lines[1:1] = [busy]
    order = {name: i for i, name in enumerate(TARGETS)}
    for f in sorted(figures, key=lambda f: order.get(f.name, 99)):
        target = "-" if math.isnan(f.target) else f"{f.sense} {f.target:.3g}"
        met = {True: "yes", False: "NO", None: "-"}[f.met]
        lines.append(f"{f.name:<30} {_fmt(f.value):>10} {f.unit:<6} {target:>10}  {met:<4} {f.note}")
    if profile:
        lines += ["", f"profile of one replication ({profile['profiler']}, {profile['events']} events, "
                      f"{profile['profiled_total_ms']:.0f} ms under the profiler): top functions by own time", ""]
        lines.append(f"{'own ms':>8} {'share':>6} {'cum ms':>8} {'calls':>8}  function")
        for r in profile["top_functions"]:
            lines.append(f"{r['tottime_ms']:8.1f} {r['share']:6.1%} {r['cumtime_ms']:8.1f} {r['ncalls']:8d}  {r['function']}")
        lines += ["", "own time by module: " + ", ".join(f"{m['module']} {m['share']:.0%}" for m in profile["by_module"][:6])]
    return "\n".join(lines)


def busy_warning(machine: dict[str, Any], notes: dict[str, Any]) -> str:
    """A warning when the machine was shared with other work ('' if it looked quiet).

    Two signs: the 1-minute load average before we started, and the CPU share of the serial model
    stage (a single busy thread on a quiet machine gets ~1.0 of a core).
    """
    cores = machine.get("usable_cores") or 1
    start = (machine.get("load_average_at_start") or [0.0])[0]
    share = notes.get("model_stage_cpu_share")
    signs = []
    if start > 0.5 * cores:
        signs.append(f"load average {start:.1f} on {cores} cores before the start")
    if share is not None and share < 0.9:
        signs.append(f"the serial stage got {share:.0%} of a core")
    # Our own pool keeps about `cores` runnable; clearly more than that means someone else's work.
    busy = [s for s, la in (notes.get("load_average_after") or {}).items() if la and la[0] > cores + 1]
    if busy:
        signs.append(f"load average above {cores + 1} after stage(s) {', '.join(busy)}")
    if signs:
        return "WARNING: " + " and ".join(signs) + ": other work shared the machine; timings are inflated and noisy"
    return ""


def write_json(path: Path, *, figures: list[Figure], profile: dict[str, Any] | None, machine: dict[str, Any],
               plan: dict[str, Any], scenario: str, elapsed_s: float, extra: dict[str, Any] | None = None) -> Path:
    """Write ``bench.json``: every figure with the timings behind it, the profile, the machine and plan."""
    doc = {
        "schema": "peacesim-bench/1",
        "scenario": scenario,
        "machine": machine,
        "plan": plan,
        "elapsed_s": elapsed_s,
        "figures": {f.name: f.to_json() for f in figures},
        "profile": profile,
        **(extra or {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_clean(doc), indent=2, allow_nan=False) + "\n")
    return path


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN and infinities become null, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
