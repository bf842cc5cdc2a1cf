"""Bit-for-bit check of the model: save what fixed seeds give, and compare later runs with it exactly.

A speed-up must not change a single number. ``save`` runs every shipped scenario and each of its
variants for a few replication seeds and pickles every metric, every daily series (float64 bytes),
the event count and the trace; ``compare`` runs the same again and reports each value that is not
identical (NaN equals NaN; ``-0.0`` differs from ``0.0``). The event count is reported, not
compared: it is the cost of a replication, and a speed-up may lower it. It also stores what a small exploration
and a small sizing put in the results store, so the per-replication plumbing is checked too.

    python -m benchmarks.snapshot save /tmp/before.pkl       # before the change
    python -m benchmarks.snapshot compare /tmp/before.pkl    # after it: exit 1 on any difference
    python -m benchmarks.snapshot digests tests/data/model_digests.json   # after an intended model change

:func:`digests` gives the compact form ``tests/test_model_snapshot.py`` keeps (``tests/data/model_digests.json``:
the baseline and its variants, replication 0). A change that is meant to change results
regenerates that file (``digests`` below) in the same commit, and says so.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import pickle
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("baseline", "brigade", "division")


def replication_record(scenario: Any, seed: int, index: int, trace: bool = True) -> dict[str, Any]:
    """Everything one replication returns, as plain data: metrics, series (float64 bytes), events, trace."""
    from peacesim.experiment.seeds import replication_seed
    from peacesim.model import simulate

    res = simulate(scenario, replication_seed(seed, index), trace=trace)
    return {
        "metrics": {k: float(v) for k, v in res.metrics.items()},
        "series": {k: np.asarray(v, dtype=np.float64).tobytes() for k, v in res.series.items()},
        "events": int(res.events),
        "trace": [(e.time, e.actor, e.event, e.detail) for e in res.trace] if res.trace is not None else None,
    }


def cases(names: tuple[str, ...] = SCENARIOS) -> list[tuple[str, Any]]:
    """``(label, scenario)`` for each shipped scenario and each of its variants."""
    from peacesim.experiment import scenarios

    out = []
    for name in names:
        path = ROOT / "scenarios" / f"{name}.yaml"
        out.append((name, scenarios.load(path)))
        for v in scenarios.list_variants(path):
            out.append((f"{name}/{v}", scenarios.load(path, v)))
    return out


def model_records(seeds: range, names: tuple[str, ...] = SCENARIOS) -> dict[str, Any]:
    """Replication records of every case for replication indices ``seeds`` under root seed 0."""
    return {f"{label}#{i}": replication_record(sc, 0, i) for label, sc in cases(names) for i in seeds}


def experiment_records() -> dict[str, Any]:
    """What a small exploration and a small sizing store (serial and local executors)."""
    from benchmarks.explore import explorable
    from peacesim.experiment import explore, sizing
    from peacesim.experiment.store import Store

    out: dict[str, Any] = {}
    base = ROOT / "scenarios" / "baseline.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = explorable(base, folder)
        for executor in ("serial", "local"):
            ex = explore.plan(path, samples=6, sampler="lhs", replications=3, seed=11)
            with Store(folder / f"explore-{executor}.db") as store:
                explore.start(store, ex)
                out[f"explore/{executor}"] = sorted(explore.run(ex, store, executor=executor, workers=2).items())
        with Store(folder / "size.db") as store:
            planned = sizing.start(store, sizing.plan(str(base), ["forces.{uk,france}.troops_per_unit=1:20000"],
                                                      "ioc_day <= 90 and coverage_mean >= 0.6", first=4, cap=16))
            result = sizing.run(planned, store, executor="local", workers=2)
            a = result.answers[0]
            out["size/answer"] = (a.status, a.value, a.lower, [(p.x, p.n, p.met, p.low, p.high) for p in a.probes])
            out["size/runs"] = {p.x: [(n, v.tobytes()) for n, v in sorted(store.load_run(p.run_id).metrics.items())]
                                for p in a.probes}
    return out


def differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Where two records differ (exactly: floats by bit pattern, NaN equal to NaN)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = [f"{where}.{k}: only before" for k in before.keys() - after.keys()]
        out += [f"{where}.{k}: only after" for k in after.keys() - before.keys()]
        for k in before.keys() & after.keys():
            out += differences(before[k], after[k], f"{where}.{k}")
        return out
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        if len(before) != len(after):
            return [f"{where}: length {len(before)} != {len(after)}"]
        return [d for i, (a, b) in enumerate(zip(before, after)) for d in differences(a, b, f"{where}[{i}]")]
    if isinstance(before, float) and isinstance(after, float):
        same = struct.pack("<d", before) == struct.pack("<d", after) or (math.isnan(before) and math.isnan(after))
        return [] if same else [f"{where}: {before!r} != {after!r}"]
    return [] if before == after and type(before) is type(after) else [f"{where}: {before!r} != {after!r}"]


def digest(record: dict[str, Any]) -> str:
    """A SHA-256 of a replication's results: metrics by bit pattern, series bytes and the trace (not the event count)."""
    h = hashlib.sha256()
    for k in sorted(record["metrics"]):
        h.update(k.encode() + struct.pack("<d", record["metrics"][k]))
    for k in sorted(record["series"]):
        h.update(k.encode() + record["series"][k])
    h.update(repr(record["trace"]).encode())
    return h.hexdigest()


DIGEST_SEEDS = range(1)


def digests() -> dict[str, str]:
    """Digest of every baseline case (the baseline and each variant) for replication 0 under root seed 0."""
    return {key: digest(rec) for key, rec in model_records(DIGEST_SEEDS, ("baseline",)).items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.snapshot", description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=("save", "compare", "digests"))
    p.add_argument("path", type=Path)
    p.add_argument("--seeds", type=int, default=3, help="replication indices 0..N-1 per case (default 3)")
    p.add_argument("--no-experiment", action="store_true", help="skip the exploration and sizing records")
    args = p.parse_args(argv)
    if args.action == "digests":  # the file tests/test_model_snapshot.py compares with
        import json

        args.path.write_text(json.dumps(digests(), indent=1, sort_keys=True) + "\n")
        print(f"wrote {args.path}")
        return 0
    records = {"model": model_records(range(args.seeds))}
    if not args.no_experiment:
        records["experiment"] = experiment_records()
    if args.action == "save":
        args.path.write_bytes(pickle.dumps(records))
        print(f"saved {len(records['model'])} replications to {args.path}")
        return 0
    before = pickle.loads(args.path.read_bytes())
    if args.no_experiment:
        before.pop("experiment", None)
    found = differences(before, records)
    # The event count is the cost of a replication, not a result: a speed-up may lower it.
    events = [d for d in found if d.split(": ")[0].endswith(".events")]
    diffs = [d for d in found if d not in events]
    for d in diffs[:50]:
        print(d)
    before_events = sum(r["events"] for r in before["model"].values())
    after_events = sum(r["events"] for r in records["model"].values())
    print(f"SimPy events over all replications: {before_events} before, {after_events} now")
    print(f"{len(records['model'])} replications compared (metrics, series, traces"
          f"{'' if args.no_experiment else ', stored explorations and sizings'}): "
          f"{'IDENTICAL' if not diffs else f'{len(diffs)} differences'}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
