"""The event trace of one replication, replayed from its seed and written as CSV.

Replication *i* of a run is fully determined by the scenario, the root seed and *i*, so its trace
can be produced after the fact without slowing the run that computed the statistics.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..scenario.schema import Scenario
from .outputs import IDENTITY_COLUMNS, RUN_MARKER, atomic_open
from .seeds import replication_seed


def write_trace(scenario: Scenario, seed: int, index: int, out_dir: Path,
                identity: tuple[str, str, str] | None = None) -> Path:
    """Re-run replication ``index`` with tracing on; write ``trace-<index>.csv``.

    Columns: run_id, label, variant, replication (like every CSV of a run), then day, actor, event,
    detail. ``identity`` is (run id, label, variant); by default it is read from the run folder's
    ``manifest.json`` (empty when there is none).
    """
    from peacesim.model import simulate

    ident = list(identity or _identity(out_dir))
    result = simulate(scenario, replication_seed(seed, index), trace=True)
    path = out_dir / f"trace-{index}.csv"
    with atomic_open(path, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*IDENTITY_COLUMNS, "replication", "day", "actor", "event", "detail"])
        for ev in result.trace or []:
            writer.writerow([*ident, index, f"{ev.time:.6f}", ev.actor, ev.event, ev.detail])
    return path


def _identity(out_dir: Path) -> tuple[str, str, str]:
    """(run id, label, variant) of the run whose folder ``out_dir`` is, from its manifest."""
    try:
        manifest = json.loads((out_dir / RUN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", "", ""
    run_id, label, variant = (str(manifest.get(k) or "") for k in IDENTITY_COLUMNS)
    return run_id, label, variant
