"""The executive summary and the limitations: the question, the answer, how sure, what it rests on.

A minister reads the first screen only. It states the question the scenario asks
(``metadata.question``), answers it in two sentences computed from the statistics, says how sure
the answer is in words (the spread of outcomes a planner lives with, and the error of the estimate,
which more replications shrink), and names the one assumption that matters most when an
exploration measured it. Nothing here is written by hand: every number comes from the runs, the
comparison, and any sizing or exploration in the report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from peacesim.catalog import is_material, lookup, pattern_of, threat_rises
from peacesim.experiment.results import Comparison, Difference, RunResult

from .assumptions import AssumptionRow
from .context import scenario_of
from .phrasing import capitalise, event, headline_order, is_headline_of, join, noun, run_name, sig, value_text, words

#: Compared runs named in a group of the answer before "and N others".
MAX_NAMED = 4
#: What a headline's bare noun would hide from a first-screen reader: coverage is no share of all troops.
GLOSS = {"coverage_mean": "weighted by each zone's importance"}


@dataclass(frozen=True)
class StudyFact:
    """What a sizing or an exploration answers, in one sentence, and its key assumption if measured."""

    sentence: str
    key_assumption: str = ""


@dataclass(frozen=True)
class Summary:
    """The executive summary: each part a list of sentences (plain text; the template escapes it)."""

    question: str
    question_stated: bool
    answer: list[str]
    sureness: list[str]
    key_assumption: str


@dataclass(frozen=True)
class Limitations:
    """What the scenario leaves out, and how many of its numbers rest on what support."""

    left_out: list[str]
    left_out_source: str  # "leaves_out", "description" or "" (nothing stated)
    kinds: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _better(d: Difference, more_threat: bool = False) -> int:
    """+1 when a material difference (distinguishable and large enough to matter,
    :func:`peacesim.catalog.is_material`) is good news for the compared run, -1 bad, 0 neither.

    With ``more_threat`` (the run faces more threats, :func:`peacesim.catalog.threat_rises`), a
    threat-driven metric (kills) is neither: it rises because there is more to kill.
    """
    if not is_material(d) or pattern_of(d.metric) is None:
        return 0
    entry = lookup(d.metric)
    if entry.better == "neither" or not math.isfinite(d.mean) or d.mean == 0 or (more_threat and entry.threat_driven):
        return 0
    return 1 if (d.mean > 0) == (entry.better == "higher") else -1


def _names(runs: Sequence[str]) -> str:
    shown = list(runs[:MAX_NAMED])
    rest = len(runs) - len(shown)
    return join(shown + ([f"{rest} other{'s' if rest > 1 else ''}"] if rest else []))


def _level(run: RunResult, limit: int = 2) -> str:
    """'mean coverage (weighted by each zone's importance) is 89.4% and initial operating capability ...'."""
    parts = []
    for m in headline_order(set(run.summary), run):
        s = run.summary[m]
        if s.n == 0 or not math.isfinite(s.mean):
            continue
        what = event(m, run)
        if what:
            parts.append(f"{what} on day {sig(s.mean)} on average")
        else:
            verb = "are" if lookup(m).plural else "is"
            gloss = f" ({GLOSS[m]})" if m in GLOSS else ""
            parts.append(f"{noun(m, run)}{gloss} {verb} {value_text(s.mean, m, run)}")
        if len(parts) == limit:
            break
    return join(parts)


def _verdict(signs: set[int]) -> str:
    """'worse', 'better', 'mixed' or 'same': what a run's headline signs (see :func:`_better`) add up to."""
    if 1 in signs and -1 in signs:
        return "mixed"
    return "worse" if -1 in signs else "better" if 1 in signs else "same"


#: What each verdict (:func:`_verdict`) says of one run and of several.
_SAID = {"worse": ("does materially worse on at least one headline measure and better on none",
                   "do materially worse on at least one headline measure and better on none"),
         "better": ("does materially better on at least one headline measure and worse on none",
                    "do materially better on at least one headline measure and worse on none"),
         "mixed": ("trades one headline measure against another", "trade one headline measure against another"),
         "same": ("shows no material change on any headline measure",
                  "show no material change on any headline measure")}
#: What "material" means, said once before the verdicts (:data:`peacesim.catalog.MATERIAL_ABSOLUTE`).
MATERIAL = ("counting only changes that are distinguishable and large enough to matter (1 percentage point, "
            "15 minutes, 1 day, or 1% of a count)")


def is_stress(other: RunResult, diffs: Sequence[Difference]) -> bool:
    """Whether a compared run is a stress case (what could happen to the package) rather than an option.

    The scenario says so (a variant's ``kind: stress``, kept as ``metadata.variant_kind``); a run
    stored before variants had a kind is a stress case when it faces distinguishably more air threats.
    """
    scenario = scenario_of(other)
    kind = scenario.metadata.variant_kind if scenario is not None else None
    return kind == "stress" if kind is not None else threat_rises(diffs)


def _grouped(runs: Sequence[tuple[str, str]]) -> list[str]:
    """'4 do distinguishably worse ... (A, B, C and D)', one clause per verdict, in a fixed order."""
    parts = []
    for verdict in _SAID:
        names = [name for name, v in runs if v == verdict]
        if names:
            k = len(names)
            count = ("both" if k == 2 else f"all {k}") if k == len(runs) and k > 1 else str(k)
            parts.append(f"{count} {_SAID[verdict][k > 1]} ({_names(names)})")
    return parts


def _options_sentence(comparison: Comparison) -> str:
    """How the compared options fare against the reference on the headline metrics, grouped; then,
    apart, the stress cases (:func:`is_stress`: a failed ceasefire, a withdrawal), which no one chooses.

    A run facing distinguishably more air threats (:func:`peacesim.catalog.threat_rises`) has a
    threat-driven rise (more kills) counted as neither good nor bad, and its name says so.
    """
    options: list[tuple[str, str]] = []
    stress: list[tuple[str, str]] = []
    heavier: dict[bool, list[str]] = {False: [], True: []}  # by is_stress
    for (label, diffs), other in zip(comparison.differences.items(), comparison.others, strict=True):
        more_threat = threat_rises(diffs)
        signs = {_better(d, more_threat) for d in diffs if is_headline_of(d.metric, comparison.reference)}
        name = run_name(other)
        case = is_stress(other, diffs)
        (stress if case else options).append((name, _verdict(signs)))
        if more_threat:
            heavier[case].append(name)
    sentences = []
    if options:
        n = len(options)
        loss = _largest_loss(comparison)
        sentences.append(f"Of the {n} option{'s' if n > 1 else ''} compared with it, {MATERIAL}, "
                         + "; ".join(_grouped(options))
                         + (f"; {loss}" if loss else "") + _heavier(heavier[False]) + ".")
    said = "" if options else f" {MATERIAL},"  # what counts, said once
    if len(stress) == 1:
        name, verdict = stress[0]
        sentences.append(f"In the stress case (what could happen to the package, not what it could be),{said} {name} "
                         f"{_SAID[verdict][0]}{_heavier(heavier[True])}.")
    elif stress:
        sentences.append(f"Of the {len(stress)} stress cases (what could happen to the package, not what it could be),"
                         f"{said} " + "; ".join(_grouped(stress)) + _heavier(heavier[True]) + ".")
    return " ".join(sentences)


def _heavier(names: Sequence[str]) -> str:
    """'; Ceasefire fails faces a heavier air threat, so more kills there are no gain' (or '')."""
    if not names:
        return ""
    return f"; {join(list(names))} {'faces' if len(names) == 1 else 'face'} a heavier air threat, so more kills there are no gain"


def _largest_loss(comparison: Comparison) -> str:
    """The option (no stress case) that does worst on the first headline metric, with P(better)."""
    ref = comparison.reference
    top = next((m for m in headline_order(set(ref.summary), ref) if ref.summary[m].n > 0
                and lookup(m).better != "neither"), None)
    if top is None:
        return ""
    rows = [(d, o) for (_, diffs), o in zip(comparison.differences.items(), comparison.others, strict=True)
            if not is_stress(o, diffs) for d in diffs if d.metric == top and d.n > 0 and is_material(d)]
    if not rows:
        return f"no option changes {noun(top, ref)} materially"
    sign = 1.0 if lookup(top).better == "higher" else -1.0
    d, other = min(rows, key=lambda r: sign * r[0].mean)
    if _better(d) > 0:
        return ""
    p, _, _ = d.p_better(lookup(top).better)
    if p == 0:  # "ahead in 0%" makes the reader do the sum
        chance = f", worse in every one of the {d.n} paired replications"
    else:
        chance = f", ahead of the reference in {round(100 * p)}% of paired replications" if p == p else ""
    return (f"the largest loss in {noun(top, ref)} is {run_name(other)}'s "
            f"({value_text(d.other_mean, top, other)} against {value_text(d.reference_mean, top, ref)}{chance})")


def _sureness(run: RunResult) -> list[str]:
    """The spread of outcomes (risk) and the error of the mean (estimate), in words, for the top metric."""
    top = next((m for m in headline_order(set(run.summary), run) if run.summary[m].n > 1), None)
    if top is None:
        return ["With a single replication nothing can be said about spread or error; run more replications."]
    s = run.summary[top]
    half = (s.ci_high - s.ci_low) / 2
    conf = round(100 * run.confidence)
    spread = (f"From one replication to the next {noun(top, run)} varies: 8 in 10 outcomes lie between "
              f"{value_text(s.p10, top, run)} and {value_text(s.p90, top, run)}. That spread is the luck a planner "
              "lives with under these assumptions; more replications do not shrink it, and it leaves out any error "
              "in the assumptions themselves.")
    rel = abs(half / s.mean) if s.mean else math.inf
    how = "precisely" if rel < 0.02 else "well" if rel < 0.1 else "only roughly"
    margin = f"{100 * half:.3g} percentage points" if lookup(top).share else value_text(half, top, run)
    error = (f"The mean itself is known {how}: within ±{margin} ({conf}% confidence, "
             f"{s.n} replications), so the numbers in this report are estimates, not measurements.")
    undefined = [m for m in headline_order(set(run.summary), run) if 0 < run.summary[m].n < run.replications]
    out = [spread, error]
    if undefined:
        out.append(f"{capitalise(join([noun(m, run) for m in undefined[:3]]))} "
                   f"{'is' if len(undefined) == 1 else 'are'} not defined in every replication (an event that "
                   "does not always happen); their means are over the replications where they are.")
    return out


def summary(results: Sequence[RunResult], comparison: Comparison | None,
            facts: Sequence[StudyFact] = (), assumption_rows: Sequence[AssumptionRow] = ()) -> Summary:
    """The executive summary of a report (see the module docstring)."""
    ref = results[0]
    scenario = scenario_of(ref)
    stated = scenario.metadata.question.strip() if scenario is not None else ""
    title = scenario.metadata.title if scenario is not None else ref.label
    n_options = len(results) - (sum(is_stress(o, d) for o, d in zip(comparison.others, comparison.differences.values(),
                                                                    strict=True)) if comparison is not None else 0)
    options = f" and which of the {n_options} options does better" if n_options > 1 else ""
    question = stated or f"What does “{title}” achieve{options}?"
    lead = _level(ref)
    answer = [f"In the {words(ref.variant or ref.scenario_name)} run, {lead}." if lead else
              "The reference run records no headline metric."]
    if comparison is not None and comparison.others:
        answer.append(_options_sentence(comparison))
    answer += [f.sentence for f in facts]
    key = next((f.key_assumption for f in facts if f.key_assumption), "")
    if not key:
        n_assumed = sum(1 for a in assumption_rows if a.kind == "assumption")
        key = ("No exploration is part of this report, so no assumption has been measured to matter most"
               + (f"; {n_assumed} of the scenario's numbers are the author's assumptions, and "
                  "peacesim explore over their ranges would say which one drives the answer." if n_assumed else "."))
    return Summary(question, bool(stated), answer, _sureness(ref), key)


_NOT_MODELLED = re.compile(r"(?:not modell?ed|leaves out|left out|out of scope)\s*:\s*(?P<what>[^.]+)\.", re.I)


def limitations(results: Sequence[RunResult], rows: Sequence[AssumptionRow]) -> Limitations:
    """What the reference scenario leaves out (``metadata.leaves_out``, else a 'Not modelled: ...'
    sentence of its description) and the count of its numbers by source kind."""
    ref = results[0]
    scenario = scenario_of(ref)
    left: list[str] = []
    source = ""
    if scenario is not None:
        if scenario.metadata.leaves_out:
            left, source = [x.strip() for x in scenario.metadata.leaves_out if x.strip()], "leaves_out"
        elif m := _NOT_MODELLED.search(" ".join(scenario.metadata.description.split())):
            parts = re.split(r",\s*(?:and\s+)?|\s+and\s+(?=any\b|the\b)", m["what"])
            left, source = [p.strip() for p in parts if p.strip()], "description"
    kinds: dict[str, int] = {}
    for a in rows:
        kinds[a.kind or "undeclared"] = kinds.get(a.kind or "undeclared", 0) + 1
    notes = []
    total = sum(kinds.values())
    if total:
        assumed = kinds.get("assumption", 0) + kinds.get("undeclared", 0) + kinds.get("unstated", 0)
        notes.append(f"{assumed} of the scenario's {total} numbers ({round(100 * assumed / total)}%) rest on the "
                     "author's judgement or on no stated source; the answer is only as good as they are "
                     "(the Assumptions section lists each with its range).")
    reps = min(r.replications for r in results)
    notes.append(f"With {reps} replications per run, an event rarer than about 1 in {reps} replications may never "
                 "show up, and percentiles of the spread are themselves uncertain.")
    return Limitations(left, source, kinds, notes)


__all__ = ["Limitations", "StudyFact", "Summary", "limitations", "summary"]
