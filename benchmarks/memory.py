"""Peak memory of a run, measured in a fresh process so earlier work cannot inflate it.

The parent starts ``python -m benchmarks.memory`` once per size. The child loads the scenario,
runs the replications with the default (local) executor and samples, every 20 ms, the resident
memory of itself plus all its worker processes; it prints one JSON line with the peak of that sum.
(``getrusage``'s ``ru_maxrss`` is no use here: on Linux it survives ``exec``, so a fresh child
reports the benchmark parent's peak.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .figures import Figure

SAMPLE_S = 0.02


class PeakSampler:
    """Samples the RSS of this process and its descendants in a background thread."""

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self._stop = threading.Event()
        self.peak = 0
        self.samples = 0
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _total(self) -> int:
        import psutil

        total = self._me.memory_info().rss
        for child in self._me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass  # a worker that just exited
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self.samples += 1
            self._stop.wait(SAMPLE_S)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def child(scenario: str, replications: int, seed: int, overrides: list[str]) -> dict[str, Any]:
    """Run ``replications`` of ``scenario`` on the local pool; return the memory peaks (bytes)."""
    from peacesim.experiment.runner import replicate
    from peacesim.scenario.loader import load_scenario

    sc = load_scenario(scenario, overrides=overrides)
    t0 = time.perf_counter()
    with PeakSampler() as sampler:
        result = replicate(sc, replications=replications, seed=seed, executor="local")
    wall = time.perf_counter() - t0
    return {
        "replications": result.replications,
        "peak_rss_total_bytes": sampler.peak,
        "peak_rss_total_mb": round(sampler.peak / 2**20, 1),
        "samples": sampler.samples,
        "wall_s": wall,
    }


def measure_run(scenario: Path, replications: int, seed: int, overrides: list[str]) -> dict[str, Any]:
    """Run :func:`child` in a fresh interpreter and return what it reports."""
    cmd = [sys.executable, "-m", "benchmarks.memory", str(scenario), "--replications", str(replications),
           "--seed", str(seed)]
    for o in overrides:
        cmd += ["--set", o]
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=root, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory run of {replications} replications failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def rss_figure(scenario: Path, small: int, large: int, seed: int, overrides: list[str]) -> Figure:
    """``rss_ratio``: peak RSS (process + workers) of ``large`` replications over that of ``small``."""
    a = measure_run(scenario, small, seed, overrides)
    b = measure_run(scenario, large, seed, overrides)
    value = b["peak_rss_total_bytes"] / a["peak_rss_total_bytes"]
    return Figure(
        "rss_ratio", value, {f"run_{small}": a, f"run_{large}": b},
        f"{large} vs {small} replications, each in a fresh process; peak of (main + worker) RSS sampled every 20 ms",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.memory", description="Peak memory of one run (a child of the benchmark).")
    ap.add_argument("scenario")
    ap.add_argument("--replications", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    args = ap.parse_args(argv)
    print(json.dumps(child(args.scenario, args.replications, args.seed, args.overrides)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
