"""Sweeps and explorations in the report: each adds a section, its charts and a line of the summary.

A sweep shows how the headline metrics move with the swept values (a tornado for one-at-a-time
sweeps, a line for one parameter, a table of points always). An exploration says how likely the
target is met over the ranges the sources allow (P(met) with its interval), which vague value
matters most (Sobol' indices, with a Sobol' design), and where the target holds (PRIM boxes).
Charts are drawn as jobs with the rest of the report (in parallel); the analysis is done here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peacesim.catalog import lookup
from peacesim.errors import ReportError
from peacesim.experiment.results import RunResult

from .charts_compare import TornadoBar, plot_sweep, plot_tornado
from .gallery import Job, slug
from .labels import fmt, fmt_interval, metric_label
from .phrasing import headline_order, noun
from .summary import StudyFact

if TYPE_CHECKING:
    from peacesim.experiment.explore_analysis import Answers
    from peacesim.experiment.sizing import Answer, SizingResult
    from peacesim.experiment.sweep import SweepResult

#: Headline metrics charted per sweep (the table holds them all).
SWEEP_CHART_METRICS = 3
#: Headline metrics in a sweep's table of points (more would not fit the page).
SWEEP_TABLE_METRICS = 4


@dataclass
class Study:
    """One sweep or exploration as the template shows it."""

    kind: str  # "sweep" or "exploration"
    id: str
    title: str
    lines: list[str]
    table_head: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    fact: StudyFact | None = None
    charts: list[Any] = field(default_factory=list)


def _tornado(result: SweepResult, metric: str) -> Any:
    from peacesim.experiment.design import show_value

    effects = result.oat_summaries(metric)
    if any(s is None or math.isnan(s.mean) for _, *sums in effects for s in sums):
        raise ReportError(f"{metric} is undefined (NaN) at some points of the sweep")
    bars = [TornadoBar.from_summaries(f"{p.path} ({show_value(p.ends()[0])} to {show_value(p.ends()[1])})", lo, hi, base)
            for p, lo, hi, base in effects if lo is not None and hi is not None and base is not None]
    return plot_tornado(bars, metric)


def _line(result: SweepResult, metric: str) -> Any:
    line = result.line(metric)
    if line is None:
        raise ReportError("a line needs one numeric swept parameter")
    if all(math.isnan(s.mean) for s in line[1]):
        raise ReportError(f"{metric} is undefined (NaN) at every point of the sweep")
    return plot_sweep(line[0], line[1], result.sweep.params[0].path, metric, confidence=result.sweep.confidence)


def sweep_study(result: SweepResult) -> Study:
    """A sweep's section: what was swept, its points with their headline means, and its charts."""
    from peacesim.experiment.design import show_value

    sw = result.sweep
    mode = {"grid": "a full grid", "lhs": "a Latin hypercube", "oat": "one at a time"}.get(sw.mode, sw.mode)
    params = ", ".join(p.text for p in sw.params)
    metrics = [m for m in headline_order(set(result.metrics()), result.results[0] if result.results else None)
               if any((s := r.summary.get(m)) is not None and s.n > 0 for r in result.results)]
    lines = [f"{len(sw.points)} points of {sw.scenario}{':' + sw.variant if sw.variant else ''}, {sw.replications} "
             f"replications each (seed {sw.seed}), swept {mode}: {params}."]
    head = [p.path for p in sw.params] + [f"{metric_label(m).text}" for m in metrics[:SWEEP_TABLE_METRICS]]
    table = []
    for pt, run in zip(sw.points, result.results):
        values = sw.values(pt)
        row = [show_value(values[p.path]) for p in sw.params]
        for m in metrics[:SWEEP_TABLE_METRICS]:
            s = run.summary.get(m)
            row.append("—" if s is None or s.n == 0 else f"{fmt(s.mean, m)} ({fmt_interval(s.ci_low, s.ci_high, m)})")
        table.append(row)
    jobs: list[Job] = []
    key = f"sweep-{slug(sw.sweep_id)}"
    for m in metrics[:SWEEP_CHART_METRICS]:
        if sw.mode == "oat":
            jobs.append((f"{key}-tornado-{slug(m)}", f"Sweep {sw.sweep_id}: what moves {metric_label(m).text}",
                         functools.partial(_tornado, result, m)))
        elif len(sw.params) == 1:
            jobs.append((f"{key}-line-{slug(m)}", f"Sweep {sw.sweep_id}: {metric_label(m).text} against {sw.params[0].path}",
                         functools.partial(_line, result, m)))
    fact = None
    if sw.mode == "oat" and metrics:
        top = metrics[0]
        swings = [(abs(hi - lo), p.path) for p, lo, hi, _ in result.oat_effects(top) if math.isfinite(hi - lo)]
        if swings:
            swing, path = max(swings)
            fact = StudyFact(f"In sweep {sw.sweep_id}, {path} moves {noun(top)} most over its range "
                             f"(by {fmt(swing, top) if not lookup(top).share else f'{100 * swing:.3g} points'}).")
    return Study("sweep", sw.sweep_id, f"Sweep {sw.sweep_id}", lines, head, table, jobs, fact)


def exploration_study(answers: Answers) -> Study:
    """An exploration's section: P(met) per target, where it holds, what matters, and its charts."""
    from peacesim.experiment.explore_analysis import box_text

    from .charts_explore import plot_box, plot_outcome_scatter, plot_sensitivity

    ex = answers.ex
    conf = round(100 * answers.confidence)
    lines = [f"{ex.points} points of {ex.scenario}{':' + ex.variant if ex.variant else ''} drawn over the ranges "
             f"of {len(ex.space.params)} vague values ({ex.design.sampler}), {ex.replications} replications each: "
             + "; ".join(f"{u.label}: {u.describe()}" for u in ex.space.params) + "."]
    jobs: list[Job] = []
    key = f"explore-{slug(ex.explore_id)}"
    sentences = []
    for n, target in enumerate(ex.targets, start=1):
        c = answers.chance(target)
        text = (f"Over the explored ranges, the target {target!r} is met with probability {c.p:.0%} "
                f"({conf}% CI {c.low:.0%}–{c.high:.0%}, {c.n} points)")
        sentences.append(text + ".")
        met = answers.discover(target, True)
        lines.append(text + f"; it holds where {box_text(met, prose=True)}.")
        jobs.append((f"{key}-scatter-{n}", f"Exploration {ex.explore_id}: outcome at each point, target {target!r}",
                     functools.partial(plot_outcome_scatter, answers, target)))
        jobs.append((f"{key}-box-{n}", f"Exploration {ex.explore_id}: where {target!r} holds (PRIM box)",
                     functools.partial(plot_box, answers, target, met)))
    key_assumption = ""
    if ex.design.sampler == "sobol":
        indices = answers.indices()
        wanted = [i for i in indices if i.output.startswith("P(")] or indices
        for idx in indices[:3] if len(indices) > 3 else indices:
            jobs.append((f"{key}-sensitivity-{slug(idx.output)}", f"Exploration {ex.explore_id}: which vagueness matters for {idx.output}",
                         functools.partial(plot_sensitivity, answers, idx)))
        if wanted:
            idx = wanted[0]
            j = int(idx.total.argmax())
            u = ex.space.params[j]
            key_assumption = (f"{u.label} matters most for {idx.output}: it explains {idx.total[j]:.0%} of its variance "
                              f"with its interactions (Sobol' total index, interval {idx.total_ci[j, 0]:.2f}–"
                              f"{idx.total_ci[j, 1]:.2f}), over the range {u.describe()}.")
    else:
        lines.append("Which value matters most needs a Sobol' design (peacesim explore --sampler sobol).")
    if not key_assumption and ex.design.sampler != "sobol":  # the summary must not say no exploration is here
        key_assumption = (f"Exploration {ex.explore_id} ({ex.design.sampler}) does not measure which vague value "
                          "matters most; peacesim explore --sampler sobol would.")
    fact = StudyFact(" ".join(sentences), key_assumption) if sentences or key_assumption else None
    return Study("exploration", ex.explore_id, f"Exploration {ex.explore_id}", lines, [], [], jobs, fact)


def _answer_text(a: Answer, path: str, confidence: float) -> str:
    """The sizing's answer in words: the smallest value and its interval, or why there is none."""
    from peacesim.experiment.design import show_value

    at = {p.x: p for p in a.probes}
    if a.status == "not_met":
        b = a.best
        return (f"the target is not met within the range: the best P(met) is {b.p:.0%} ({b.low:.0%}–{b.high:.0%}) "
                f"at {path} = {show_value(b.x)}, short of the {confidence:.0%} required")
    if a.status == "open" or a.value is None:
        if a.lower is None or not a.probes:
            return f"no value of {path} was shown to meet the target"
        # open: even the highest value is inconclusive, which more replications may settle as well as a wider range
        top = max(a.probes, key=lambda p: p.x)
        return (f"no value tried is shown to meet it: at the highest, {path} = {show_value(top.x)}, P(met) is "
                f"{top.p:.0%} ({top.low:.0%}–{top.high:.0%}, {top.n} replications), too close to {confidence:.0%} to tell "
                f"(more replications or a wider range would say); the smallest {path} is at least {show_value(a.lower)}")
    p = at.get(float(a.value))
    text = f"the smallest {path} that meets it is {show_value(a.value)}"
    if p is not None:
        text += f" (P(met) {p.p:.0%}, interval {p.low:.0%}–{p.high:.0%}, {p.n} replications)"
    if a.lower is not None and a.lower != a.value:
        text += f"; the evidence cannot tell values from {show_value(a.lower)} up to it apart"
    return text


def sizing_study(result: SizingResult) -> Study:
    """A sizing's section: the question, the answer with its interval, the P(met) curve or the frontier."""
    from .charts_sizing import plot_frontier, plot_sizing

    s = result.sizing
    path = s.varies[-1].path
    question = (f"Sizing {s.sizing_id} of {s.scenario}{':' + s.variant if s.variant else ''}: which value of "
                + " and ".join(v.text for v in s.varies) + f" meets {s.target!r} with P(met) of at least {s.confidence:.0%}?")
    lines = [question]
    key = f"sizing-{slug(s.sizing_id)}"
    jobs: list[Job] = []
    fact = None
    if len(s.varies) == 1 and result.answers:
        a = result.answers[0]
        answer = _answer_text(a, path, s.confidence)
        lines.append(answer[:1].upper() + answer[1:] + ".")
        if a.warning:
            lines.append(f"Warning: {a.warning}")
        jobs.append((f"{key}-pmet", f"Sizing {s.sizing_id}: P(target met) at each value tried",
                     functools.partial(plot_sizing, a, path, s.target, s.confidence, s.look_level)))
        fact = StudyFact(f"Sizing: to meet {s.target!r} with P(met) of at least {s.confidence:.0%}, {answer}.")
    elif result.answers:
        from peacesim.experiment.design import show_value

        head = [s.varies[0].path, f"smallest {path}", "evidence"]
        table = [[show_value(next(iter(a.fixed.values()))), "—" if a.value is None else show_value(a.value),
                  _answer_text(a, path, s.confidence)] for a in result.answers]
        jobs.append((f"{key}-frontier", f"Sizing {s.sizing_id}: frontier of {s.varies[0].path} and {path}",
                     functools.partial(plot_frontier, result.answers, s.varies[0].path, path, s.target, s.confidence)))
        met = [a for a in result.answers if a.value is not None]
        fact = StudyFact(f"Sizing: {len(met)} of {len(result.answers)} values of {s.varies[0].path} have a {path} "
                         f"that meets {s.target!r} with P(met) of at least {s.confidence:.0%} (the frontier below).")
        return Study("sizing", s.sizing_id, f"Sizing {s.sizing_id}", lines, head, table, jobs, fact)
    return Study("sizing", s.sizing_id, f"Sizing {s.sizing_id}", lines, [], [], jobs, fact)


def reference_of(sweeps: Sequence[SweepResult]) -> RunResult | None:
    """A sweep's base point (one-at-a-time) or first point: the reference of a report given only sweeps."""
    for result in sweeps:
        for pt, run in zip(result.sweep.points, result.results):
            if pt.role == "base":
                return run
        if result.results:
            return result.results[0]
    return None
