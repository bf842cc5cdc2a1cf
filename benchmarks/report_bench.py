"""``report_seconds``: ``peacesim report`` of nine stored runs of the baseline, timed as a user waits.

The nine runs are the baseline and its variants (the demo's runs) plus one run with the UK
contingent at 1,000 per rotation, each with ``report_reps`` replications; making them is not
timed. The report command then runs in a fresh interpreter (imports, loading the runs, the
comparison, every chart in PNG and SVG, the HTML), which is what an analyst waits for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .figures import Figure, Plan

#: The ninth run: a --set an analyst would try beside the variants.
EXTRA = "forces.uk.troops_per_unit=1000"
RUNS = 9


def _complete_runs(db: str) -> list[str]:
    import sqlite3

    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT run_id FROM runs WHERE status = 'complete' ORDER BY started, run_id")]


def report_figure(scenario_path: Path, plan: Plan, overrides: list[str], say: Callable[[str], None]) -> Figure:
    """Time one ``peacesim report`` of nine runs (see the module docstring); the detail keeps the sizes."""
    from peacesim.cli import main

    sets = [a for o in overrides for a in ("--set", o)]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "report.db")
        common = ["-n", str(plan.report_reps), "--db", db, "-q", "--out", str(Path(tmp) / "runs")]
        say(f"report: storing the baseline, its variants and one more run ({plan.report_reps} replications each)")
        main(["run", str(scenario_path), "--all-variants", *common, *sets])  # variants may not fit an override
        main(["run", str(scenario_path), *common, *sets, "--set", EXTRA])
        seed = 1
        while len(ids := _complete_runs(db)) < RUNS:  # make up nine with the base at other seeds
            if main(["run", str(scenario_path), *common, *sets, "--seed", str(seed)]) != 0:
                raise RuntimeError("the runs for the report benchmark failed")
            seed += 1
        ids = ids[:RUNS]
        say(f"report: peacesim report of {len(ids)} runs in a fresh interpreter")
        env = dict(os.environ)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "peacesim", "report", *ids, "--db", db, "--out",
                               str(Path(tmp) / "report")], capture_output=True, text=True, env=env, check=False)
        elapsed = time.perf_counter() - t0
        if done.returncode != 0:
            raise RuntimeError(f"peacesim report failed: {done.stderr.strip()[-500:]}")
        files = list((Path(tmp) / "report").glob("*.png"))
        size = (Path(tmp) / "report" / "report.html").stat().st_size
    detail = {"runs": len(ids), "replications_per_run": plan.report_reps, "charts": len(files), "html_bytes": size,
              "workers": os.environ.get("PEACESIM_REPORT_WORKERS", "all cores")}
    return Figure("report_seconds", round(elapsed, 2), detail)
