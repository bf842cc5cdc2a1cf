"""The event trace of one replication, replayed from its seed and written as CSV.

Replication *i* of a run is fully determined by the scenario, the root seed and *i*, so its trace
can be produced after the fact without slowing the run that computed the statistics.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..scenario.schema import Scenario
from .outputs import atomic_open
from .seeds import replication_seed


def write_trace(scenario: Scenario, seed: int, index: int, out_dir: Path) -> Path:
    """Re-run replication ``index`` with tracing on; write ``trace-<index>.csv`` (day, actor, event, detail)."""
    from peacesim.model import simulate

    result = simulate(scenario, replication_seed(seed, index), trace=True)
    path = out_dir / f"trace-{index}.csv"
    with atomic_open(path, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["day", "actor", "event", "detail"])
        for ev in result.trace or []:
            writer.writerow([f"{ev.time:.6f}", ev.actor, ev.event, ev.detail])
    return path
