"""Findings in plain words, computed from the statistics, never written by hand.

A reader gets a handful of sentences: two to four about the reference run's headline metrics
(``peacesim.model.HEADLINE_METRICS``), then one bullet per compared run naming its
first material headline changes (in headline order; a rise to a multiple of the reference is always
among them) and, in one clause each, the distinguishable changes too small to matter
and the headline metrics that do not move. Two rules keep them honest: a difference is stated only
when its paired interval excludes zero and it is at least the metric's material change
(:func:`peacesim.catalog.is_material`), and metrics outside the headline set never appear (they
stay in the tables). The relative
interval divides the paired interval by the reference mean, treating that mean as known: with
common random numbers its own error is small next to the difference's. A headline metric only one
run of a pair has (a variant adds a non-lethal element, or removes an air-defence system) cannot be
paired; the bullet then says what the run adds, with its own mean and interval, and what it lacks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from peacesim.catalog import (
    ANSWER_CAP_HOURS,
    FOC_THRESHOLD,
    IOC_THRESHOLD,
    THREAT_VOLUME,
    element_of,
    is_material,
    lookup,
    pattern_of,
    split_window,
    threat_rises,
)
from peacesim.experiment.compare import Unpaired, unpaired
from peacesim.experiment.results import Comparison, Difference, MetricSummary, RunResult

from .context import scenario_of
from .phrasing import (
    capitalise,
    change,
    counted,
    event,
    headline_order,
    is_headline_of,
    is_share,
    join,
    multiple_interval,
    output_verb,
    owner,
    pair,
    run_name,
    share,
    short,
    sig,
    signed,
    system_name,
    unit_of,
    value_text,
    words,
)

#: Distinguishable changes stated per compared run; the rest are counted, not listed.
MAX_STATED = 3
#: Headline metrics named in the "no distinguishable change in ..." clause before "and N others".
MAX_UNCHANGED = 5

Kind = Literal["level", "difference", "no_difference"]


@dataclass(frozen=True)
class Finding:
    """One sentence, what sort of statement it is, and the headline metrics it states."""

    text: str
    kind: Kind
    metrics: tuple[str, ...]
    lead: str = ""  # the run a comparison bullet is about, the start of ``text`` (shown in bold)


def _ci(s: MetricSummary, name: str, conf: float) -> str:
    """'95% CI 13.9–14.0%' (the unit is the mean's, given before), 'the same in every replication' when
    nothing varies (an interval '14,600–14,600' says the same less plainly), or '' with one replication."""
    if not (math.isfinite(s.ci_low) and math.isfinite(s.ci_high)):
        return ""
    if s.n > 1 and s.std <= 1e-9 * abs(s.mean):
        return "the same in every replication"
    if is_share(name):
        return f"{round(100 * conf)}% CI {sig(100 * s.ci_low)}–{share(s.ci_high)}"
    return f"{round(100 * conf)}% CI {sig(s.ci_low)}–{sig(s.ci_high)}"


def _with_ci(s: MetricSummary, name: str, conf: float, run: RunResult | None = None) -> str:
    ci = _ci(s, name, conf)
    return f"{value_text(s.mean, name, run)}" + (f" ({ci})" if ci else "")


def _horizon(run: RunResult) -> int | None:
    scenario = scenario_of(run)
    if scenario is not None:
        return int(scenario.metadata.horizon_days)
    band = run.series.get("coverage")
    return len(band.mean) if band is not None else None


def _days(n: int) -> str:
    """'730 days', '1 day' (a one-day horizon)."""
    return f"{n} day" if n == 1 else f"{n} days"


def _event_clause(run: RunResult, name: str) -> str:
    """'the X stock runs out on day 49 on average (95% CI 46–51)' or '... never ... in 730 days'."""
    s, what = run.summary[name], event(name, run) or name
    if s.n == 0:
        horizon = _horizon(run)
        never = what.replace(" is reached", " is never reached").replace(" runs out", " never runs out")
        return never + (f" in {_days(horizon)}" if horizon and split_window(name)[1] is None else "")
    share_of = "" if s.n == run.replications else f" in {s.n} of {run.replications} replications,"
    ci = _ci(s, name, run.confidence)
    return f"{what}{share_of} on day {sig(s.mean)} on average" + (f" ({ci})" if ci else "")


def level_findings(run: RunResult) -> list[Finding]:
    """Two to four sentences on one run's headline metrics, each with its interval."""
    s, conf, out = run.summary, run.confidence, []
    subject = f"The {words(run.variant)} run" if run.variant else f"The {words(run.scenario_name)} run"
    if _measured(run, "coverage_mean"):
        # weighted: a zone's filled share of its required troops counts by its importance (weight), so
        # this is no share of all required troops
        text = (f"{subject}'s mean coverage (each zone's filled share of its required troops, weighted by the "
                f"zone's importance) is {_with_ci(s['coverage_mean'], 'coverage_mean', conf)}")
        used = ["coverage_mean"]
        if "ioc_day" in s:
            text += "; " + _event_clause(run, "ioc_day")
            used.append("ioc_day")
            if s["ioc_day"].n > 0 and "foc_day" in s:
                text += ", and " + _event_clause(run, "foc_day")
                used.append("foc_day")
        out.append(Finding(text + ".", "level", tuple(used)))
    if _measured(run, "troops_in_theatre_min"):
        out.append(Finding(
            f"On the leanest day once every contingent should have arrived, "
            f"{_with_ci(s['troops_in_theatre_min'], 'troops_in_theatre_min', conf)} are in theatre.",
            "level", ("troops_in_theatre_min",)))
    ground: list[str] = [m for m in ("detection_rate", "incidents_answered_on_target_share") if _measured(run, m)]
    if len(ground) == 2:
        text = (f"{_with_ci(s['detection_rate'], 'detection_rate', conf)} of incidents are noticed; "
                f"{_with_ci(s['incidents_answered_on_target_share'], 'incidents_answered_on_target_share', conf)} "
                "of all incidents, noticed or not, are answered within the target time")
        wait = "time_to_answer_capped_mean_hours"
        if wait in s and s[wait].n > 0:
            text += (f"; counting an incident no team reaches within {ANSWER_CAP_HOURS:g} hours as "
                     f"{ANSWER_CAP_HOURS:g}, an incident waits {_with_ci(s[wait], wait, conf)} for a team on average")
            ground.append(wait)
        out.append(Finding(text + ".", "level", tuple(ground)))
    air = [m for m in ("missiles_leaked_defended", "package_kills") if m in s]
    whole_run = {m for m in s if split_window(m)[1] is None}  # a window's cover is no cover 'out of the horizon'
    covers = [m for m in headline_order(whole_run, run) if m.startswith("cover_days.")]
    stockouts = [m for m in headline_order(whole_run, run) if m.startswith("stockout_day.")]
    if air or covers or stockouts:
        parts = []
        if "missiles_leaked_defended" in s:
            parts.append(f"{_with_ci(s['missiles_leaked_defended'], 'missiles_leaked_defended', conf, run)} "
                         "reach defended zones unkilled")
        if "package_kills" in s:
            parts.append(f"the package's air defences kill {_with_ci(s['package_kills'], 'package_kills', conf, run)}")
        parts += _stock_clauses(run, covers, stockouts)
        out.append(Finding(capitalise("; ".join(parts)) + ".", "level", tuple(air + covers + stockouts)))
    return (out + _unmeasured_findings(run))[:4]  # each unmeasured sentence stands in for a measured one


def _measured(run: RunResult, name: str) -> bool:
    """Whether a run has the metric and it is defined in some replication ('n/a' is no finding)."""
    return name in run.summary and run.summary[name].n > 0


def _unmeasured_findings(run: RunResult) -> list[Finding]:
    """Why a headline measure the run has is undefined in every replication, said in words, instead
    of a sentence about 'n/a' (a scenario with no troops required, no contingent in time, no incident)."""
    s, out = run.summary, []
    horizon = _horizon(run)
    within = f" within the {_days(horizon)}" if horizon else ""
    if "coverage_mean" in s and not _measured(run, "coverage_mean"):
        out.append(Finding("No zone requires troops, so coverage and operating capability are not measured.",
                           "level", ("coverage_mean",)))
    if "troops_in_theatre_min" in s and not _measured(run, "troops_in_theatre_min"):
        scenario = scenario_of(run)
        text = ("No contingent takes part, so no troops are in theatre." if scenario is not None and not scenario.forces
                else f"No day{within} has every contingent due in theatre, so the leanest-day strength is not measured.")
        out.append(Finding(text, "level", ("troops_in_theatre_min",)))
    if "detection_rate" in s and not _measured(run, "detection_rate"):
        none = "incidents" in s and s["incidents"].n > 0 and s["incidents"].mean == 0
        if none:
            out.append(Finding(f"No incident occurs{within} in any replication, so detection and response are not tested.",
                               "level", ("detection_rate",)))
    return out


def _presence(run: RunResult, system: str, horizon: int | None) -> tuple[float, float] | None:
    """The days an air-defence system is in place, when that is less than the whole run (it starts
    late, ends or is withdrawn); None when it is there throughout or the scenario is not known."""
    from peacesim.model.timeline import active_window

    scenario = scenario_of(run)
    spec = next((a for a in scenario.enablers.air_defence if a.id == system), None) if scenario else None
    if spec is None or scenario is None or horizon is None:
        return None
    start, end = active_window(scenario, spec.id, spec.start_day, spec.end_day)
    start, end = max(0.0, start), min(float(horizon), end)
    return None if (start, end) == (0.0, float(horizon)) or end <= start else (start, end)


def _covered_throughout(run: RunResult, cover: str, days: float | None) -> bool:
    """Whether a system has interceptors in stock on every day it is in place, in every replication."""
    values = run.metrics.get(cover)
    if days is None or values is None or values.size == 0:
        return False
    return bool(np.all(np.abs(values - days) <= 1e-9 * max(days, 1.0)))


def _stock_clauses(run: RunResult, covers: Sequence[str], stockouts: Sequence[str]) -> list[str]:
    """Each system's interceptor cover and stock-out, said once: 'the X never runs out of interceptors in
    the 730 days' when it has stock on every day of every replication; a system in place for part of
    the run is measured against that part ('... while in place, days 0-180')."""
    s, conf, horizon = run.summary, run.confidence, _horizon(run)
    parts = []
    said: set[str] = set()
    for m in covers:
        system = element_of(m)
        name = system_name(run, system)
        stockout = f"stockout_day.{system}"
        window = _presence(run, system, horizon)
        days = (window[1] - window[0]) if window else horizon
        place = f"while in place (days {window[0]:g}\u2013{window[1]:g})" if window else ""
        if _covered_throughout(run, m, days) and (stockout not in s or s[stockout].n == 0):
            parts.append(f"the {name} never runs out of interceptors " + (place or f"in the {_days(horizon or 0)}"))
            said.add(stockout)
            continue
        out_of = f" of the {days:g} days it is in place" if window and days else (
            f" out of {_days(horizon)}" if horizon else "")
        parts.append(f"the {name} has interceptors in stock for {_with_ci(s[m], m, conf, run)}{out_of}")
    return parts + [_event_clause(run, m) for m in stockouts if m not in said]


def _input_set(name: str) -> bool:
    """A metric the inputs alone set (a non-lethal output): no headline, but said when a run adds it."""
    return pattern_of(name) is not None and lookup(name).input_set


def _never_is_good(name: str) -> bool:
    """A day-of-event metric whose event never happening is the best outcome (a stock-out)."""
    return pattern_of(name) is not None and lookup(name).event is not None and lookup(name).better == "higher"


def _defined(run: RunResult, name: str) -> bool:
    return name in run.summary and run.summary[name].n > 0


def _undefined_everywhere(runs: Sequence[RunResult]) -> list[str]:
    """Headline metrics every run has and none ever defines (FOC never reached anywhere)."""
    common = set.intersection(*(set(r.summary) for r in runs))
    return [m for m in headline_order(common, runs[0]) if not any(_defined(r, m) for r in runs)]


def _never_text(names: Sequence[str], run: RunResult, runs: int) -> str:
    """'full operating capability (90% coverage) is reached in neither run' (IOC and FOC together)."""
    where = " in neither run" if runs == 2 else f" in none of the {runs} runs"
    names = list(names)
    parts = []
    if "ioc_day" in names and "foc_day" in names:
        names.remove("foc_day")
        names.remove("ioc_day")
        parts.append(f"initial ({round(100 * IOC_THRESHOLD)}% coverage) and full ({round(100 * FOC_THRESHOLD)}%) "
                     "operating capability are reached")
    parts += [event(m, run) or f"{short(m, run)} is defined" for m in names]
    return "; ".join(p + where for p in parts)


def _amount(other: RunResult, name: str, conf: float) -> str:
    """'51.0 km2 demined (95% CI 48.2–53.8)': an added metric's level in the run that has it."""
    s = other.summary[name]
    if s.n == 0:
        return f"{short(name, other)} (never defined)"
    text = value_text(s.mean, name, other)
    if name.startswith("nonlethal_output."):
        text += output_verb(name, other)
    else:
        text = f"{short(name, other)} of {text}"
    ci = _ci(s, name, conf)
    return text + (f" ({ci})" if ci else "")


def unpaired_clauses(rows: Sequence[Unpaired], other: RunResult, comparison: Comparison) -> tuple[list[str], list[str]]:
    """What a compared run adds (with level, interval and unit) and, briefly, what it lacks.

    Only headline metrics are named; ``rows`` are :func:`peacesim.experiment.compare.unpaired`
    rows for this run. Returns the clauses and the added metrics they state.
    """
    ref, conf = comparison.reference, comparison.confidence
    new = {u.metric for u in rows if not u.in_reference and u.metric in other.summary}
    added = headline_order(new, ref) + sorted(m for m in new if _input_set(m))
    lacked = headline_order({u.metric for u in rows if u.in_reference}, ref)
    clauses, amounts = [], []
    for m in added:
        if event(m, other):  # a stock-out day: the variant adds an air-defence system
            clauses.append(_event_clause(other, m) + ", a system the reference does not have")
        else:
            amounts.append(_amount(other, m, conf))
    if amounts:
        clauses.insert(0, f"adds {join(amounts)}, which the reference does not have")
    if lacked:
        names = list(dict.fromkeys(owner(m, ref) for m in lacked))  # a system lacks its cover and stock-out
        clauses.append(f"{join(names)} {'is' if len(names) == 1 else 'are'} not in this run")
    return clauses, added


def _more_to_kill(d: Difference, threat: Difference | None, run: RunResult) -> str:
    """', as there is more to kill (air threats rise from 800 to 48,000)' after a threat-driven metric's
    rise when the compared run faces more threats (``threat``, its distinguishable rise); else ''."""
    if threat is None or d.mean <= 0 or pattern_of(d.metric) is None or not lookup(d.metric).threat_driven:
        return ""
    return f", as there is more to kill (air threats rise {pair(threat.reference_mean, threat.other_mean, THREAT_VOLUME, run)})"


def _tiny(d: Difference, run: RunResult) -> str:
    """A change too small to matter, in the unit that makes it look as small as it is: '−0.020 points',
    '+0.60 min', '+0.40 days', '+0.50%' of a count."""
    unit = unit_of(d.metric, run)
    if is_share(d.metric):
        return counted(signed(100 * d.mean, 2), "points")
    if unit == "hours":
        return f"{signed(60 * d.mean, 2)} min"
    if unit == "days" or not (math.isfinite(d.reference_mean) and d.reference_mean):
        return counted(signed(d.mean, 2), unit)
    return f"{signed(100 * d.mean / d.reference_mean, 2)}%"


def _too_small(small: Sequence[Difference], run: RunResult) -> str:
    """'2 changes too small to matter: time to answer +0.60 min and detection −0.30 points' (see
    :func:`peacesim.catalog.is_material`)."""
    shown = [f"{short(d.metric, run)} {_tiny(d, run)}" for d in small[:MAX_UNCHANGED]]
    rest = len(small) - len(shown)
    k = len(small)
    return (f"{k} change{'s' if k > 1 else ''} too small to matter: "
            + join(shown + ([f"{rest} other{'s' if rest > 1 else ''}"] if rest else [])))


def run_finding(d_list: Sequence[Difference], other: RunResult, comparison: Comparison,
                skip: set[str], only_one: Sequence[Unpaired] = (), threat: Difference | None = None) -> Finding:
    """One bullet for one compared run: its first material headline changes, what it adds
    or lacks against the reference (``only_one``, from :func:`unpaired`), then what holds.

    ``threat`` is the run's rise in air threats when it faces distinguishably more
    (:func:`peacesim.catalog.threat_rises`): a rise in kills then says it is more to kill.
    """
    ref, conf = comparison.reference, comparison.confidence
    by_metric = {d.metric: d for d in d_list}
    names = [m for m in headline_order(set(by_metric), ref) if m not in skip]
    distinct = [by_metric[m] for m in names if by_metric[m].distinguishable]
    # in headline order (the catalog's rank: what a planner asks first), not by size: a percentage of
    # a count and days of a capability have no common scale, and FOC 8 days later outranks 2% more kills.
    # One exception: a rise to a multiple of the reference (60 times as many missiles) is always among
    # the changes stated, unless it is kills under a heavier threat (more to kill is no finding of its own)
    material = [d for d in distinct if is_material(d)]
    first = sorted(material, key=lambda d: not (multiple_interval(d) and not _more_to_kill(d, threat, ref)))
    chosen = {d.metric for d in first[:MAX_STATED]}
    stated = [d for d in material if d.metric in chosen] + [d for d in material if d.metric not in chosen]
    clauses = [change(d, conf, ref) + _more_to_kill(d, threat, ref) for d in stated[:MAX_STATED]]
    if len(stated) > MAX_STATED:
        also = [short(d.metric, ref) + (" (more to kill)" if _more_to_kill(d, threat, ref) else "")
                for d in stated[MAX_STATED:]]
        clauses.append(f"material change{'s' if len(also) > 1 else ''} also in {join(also)} (see the comparison table)")
    small = [d for d in distinct if not is_material(d)]
    for m in names:
        a, b = _defined(ref, m), _defined(other, m)
        if a and not b and (what := event(m, ref)):
            clauses.append(f"{what} in the reference but never in this run")
        elif b and not a and event(m, other):
            clauses.append(f"{_event_clause(other, m)}, never in the reference")
        elif not a and not b and not _never_is_good(m):
            clauses.append(_never_text([m], ref, 2))
    extra, added = unpaired_clauses(only_one, other, comparison)
    clauses += extra
    if small:
        clauses.append(_too_small(small, ref))
    unchanged = [short(m, ref) for m in names
                 if not by_metric[m].distinguishable and _defined(ref, m) and _defined(other, m)]
    quiet = not stated and len(clauses) == len(extra) + bool(small)  # nothing but what the run adds or lacks
    if unchanged and quiet and len(unchanged) + sum(not _defined(ref, m) for m in names) == len(names):
        clauses.insert(0, "no distinguishable change in any headline measure")
    elif unchanged:
        shown = unchanged[:MAX_UNCHANGED]
        rest = len(unchanged) - len(shown)
        listed = join(shown + ([f"{rest} other headline metric{'s' if rest > 1 else ''}"] if rest else []), "or")
        clauses.append(f"no distinguishable change in {listed}")
    kind: Kind = "difference" if stated or added else "no_difference"
    lead = run_name(other)
    metrics = tuple(d.metric for d in stated[:MAX_STATED]) + tuple(added)
    return Finding(f"{lead}: " + "; ".join(clauses) + ".", kind, metrics, lead)


def comparison_findings(comparison: Comparison) -> list[Finding]:
    """A sentence for what no run ever reaches, then one bullet per compared run."""
    runs = [comparison.reference, *comparison.others]
    never = _undefined_everywhere(runs)
    out = []
    if never:
        ref = comparison.reference
        out.append(Finding(capitalise(_never_text(never, ref, len(runs))) + ".", "level", tuple(never)))
    ref = comparison.reference
    only_one = [u for u in unpaired(comparison) if is_headline_of(u.metric, ref) or _input_set(u.metric)]
    for (label, diffs), other in zip(comparison.differences.items(), comparison.others, strict=True):
        rows = [u for u in only_one if u.other == label]
        threat = next((d for d in diffs if d.metric == THREAT_VOLUME), None) if threat_rises(diffs) else None
        out.append(run_finding([d for d in diffs if is_headline_of(d.metric, ref)], other, comparison, set(never), rows,
                               threat))
    return out


def findings(results: Sequence[RunResult], comparison: Comparison | None = None) -> list[Finding]:
    """The report's findings: the reference run's levels, then one bullet per compared run."""
    out = level_findings(results[0]) if results else []
    return out + (comparison_findings(comparison) if comparison is not None else [])


__all__ = ["Finding", "comparison_findings", "findings", "level_findings", "run_finding", "unpaired_clauses"]
