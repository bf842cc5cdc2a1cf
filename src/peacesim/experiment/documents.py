"""Results as plain JSON-able documents: what ``--json`` prints and what the API's ``to_dict`` returns.

One function per kind of result, so the CLI and the Python API give the same shape (documented
in ``docs/json.md``; the schemas are in :mod:`peacesim.cli.shapes`). NaN and infinities become
``null``; numpy numbers become plain ones.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .outputs import SUMMARY_STATISTICS, summary_dict
from .results import Comparison, RunResult

if TYPE_CHECKING:
    from .explore_analysis import Answers, Discovery
    from .sizing import SizingResult
    from .store import RunRecord
    from .sweep import SweepResult


def num(x: Any) -> float | None:
    """A finite float, or None (for NaN, infinities and None)."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def plain(value: Any) -> Any:
    """A scenario value as JSON: numbers finite or None, tuples as lists, numpy scalars as Python."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return num(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item"):
        return plain(value.item())
    return str(value)


def run_doc(result: RunResult, folder: str | None = None) -> dict[str, Any]:
    """One run: identity, seed, replications, confidence, every metric's statistics and ``n``."""
    doc = summary_dict(result)
    doc["confidence"] = result.confidence
    doc["folder"] = folder
    return doc


def comparison_doc(comparison: Comparison) -> dict[str, Any]:
    """Paired differences (other - reference) per metric, and the metrics only one run of a pair has."""
    from .compare import unpaired
    from .outputs import _p_better

    ref = comparison.reference
    ids = dict(zip(comparison.differences, (o.run_id for o in comparison.others), strict=True))
    rows = []
    for label, diffs in comparison.differences.items():
        for d in diffs:
            p, lo, hi = _p_better(d)
            rows.append({"other": label, "other_run_id": ids[label], "metric": d.metric,
                         "reference_mean": num(d.reference_mean), "other_mean": num(d.other_mean),
                         "difference": num(d.mean), "ci_low": num(d.ci_low), "ci_high": num(d.ci_high),
                         "relative": num(d.relative), "n": int(d.n), "distinguishable": d.distinguishable,
                         "p_better": num(p), "p_better_low": num(lo), "p_better_high": num(hi)})
    return {
        "reference": {"run_id": ref.run_id, "label": ref.label},
        "others": [{"run_id": o.run_id, "label": label} for label, o in zip(comparison.differences, comparison.others,
                                                                            strict=True)],
        "confidence": comparison.confidence,
        "differences": rows,
        "unpaired": [{"other": u.other, "metric": u.metric, "present_in": u.present_in, "mean": num(u.mean), "n": int(u.n)}
                     for u in unpaired(comparison)],
    }


def record_doc(rec: RunRecord) -> dict[str, Any]:
    """One stored run as ``peacesim runs`` lists it."""
    return {"run_id": rec.run_id, "label": rec.label, "scenario": rec.scenario, "variant": rec.variant,
            "overrides": list(rec.overrides), "seed": rec.seed, "replications": rec.replications, "done": rec.done,
            "status": rec.status, "confidence": rec.confidence, "started": rec.started, "ended": rec.ended,
            "group_id": rec.group_id, "command": rec.command}


def sweep_doc(result: SweepResult) -> dict[str, Any]:
    """A sweep: its design and, per point, the parameter values and every metric's mean and interval."""
    sw = result.sweep
    points = []
    for pt, res in zip(sw.points, result.results, strict=True):
        points.append({
            "point": pt.index, "role": pt.role, "run_id": res.run_id,
            "values": {k: plain(v) for k, v in sw.values(pt).items()},
            "metrics": {m: {**{k: num(getattr(s, k)) for k in SUMMARY_STATISTICS}, "n": int(s.n)}
                        for m, s in res.summary.items()},
        })
    return {"sweep_id": sw.sweep_id, "scenario": sw.scenario, "variant": sw.variant, "mode": sw.mode,
            "seed": sw.seed, "replications": sw.replications, "confidence": sw.confidence,
            "parameters": [p.path for p in sw.params], "points": points}


def sizing_doc(result: SizingResult) -> dict[str, Any]:
    """A sizing: the question, and per answer its value, interval and every value tried."""
    s = result.sizing
    answers = []
    for a in result.answers:
        answers.append({
            "fixed": {k: plain(v) for k, v in a.fixed.items()}, "status": a.status, "value": plain(a.value),
            "lower": plain(a.lower), "estimate": plain(a.estimate), "warning": a.warning,
            "probes": [{"values": {v.path: plain(p.overrides.get(v.path)) for v in s.varies}, "x": num(p.x), "n": p.n,
                        "met": p.met, "p_met": num(p.p), "low": num(p.low), "high": num(p.high), "decision": p.state,
                        "undefined": p.undefined, "run_id": p.run_id, "refused": p.refused} for p in sorted(a.probes, key=lambda q: q.x)],
        })
    return {"sizing_id": s.sizing_id, "scenario": s.scenario, "variant": s.variant, "target": s.target,
            "confidence": s.confidence, "level": s.level, "method": s.method, "seed": s.seed,
            "varies": [{"path": v.path, "low": num(v.low), "high": num(v.high), "step": num(v.step), "integer": v.integer}
                       for v in s.varies],
            "answers": answers}


def _box(box: Discovery) -> dict[str, Any]:
    return {"limits": [{"parameter": u.name, "label": u.label, "low": num(lo), "high": num(hi)} for u, lo, hi in box.limits],
            "coverage": num(box.coverage), "density": num(box.density), "support": num(box.support)}


def explore_doc(a: Answers, boxes: dict[str, tuple[Discovery, Discovery]] | None = None) -> dict[str, Any]:
    """An exploration: the space, P(met) per target with the boxes where it is (not) met, indices, points."""
    ex = a.ex
    targets = []
    for t in ex.targets:
        c = a.chance(t)
        met, not_met = boxes[t] if boxes and t in boxes else (a.discover(t, True), a.discover(t, False))
        targets.append({"target": t, "p_met": num(c.p), "ci_low": num(c.low), "ci_high": num(c.high), "points": c.n,
                        "where_met": _box(met), "where_not_met": _box(not_met)})
    indices = []
    if ex.design.sampler == "sobol":
        for idx in a.indices():
            indices.append({"output": idx.output, "by_parameter": [
                {"parameter": u.name, "first": num(idx.first[j]), "first_ci": [num(idx.first_ci[j, 0]), num(idx.first_ci[j, 1])],
                 "total": num(idx.total[j]), "total_ci": [num(idx.total_ci[j, 0]), num(idx.total_ci[j, 1])]}
                for j, u in enumerate(ex.space.params)]})
    per = {t: a.per_point(t) for t in ex.targets}
    points = [{"point": k, "values": {u.name: plain(v[u.name]) for u in ex.space.params},
               "p_met": {t: num(per[t][0][k]) for t in ex.targets}} for k, v in enumerate(ex.values)]
    return {"explore_id": ex.explore_id, "scenario": ex.scenario, "variant": ex.variant, "sampler": ex.design.sampler,
            "replications": ex.replications, "seed": ex.seed,
            "parameters": [{"name": u.name, "label": u.label, "claim": u.claim, "point": plain(u.point),
                            "range": u.describe()} for u in ex.space.params],
            "targets": targets, "indices": indices, "points": points}
