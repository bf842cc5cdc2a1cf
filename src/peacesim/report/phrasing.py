"""Numbers and names in plain words, for the findings: significant figures, units, run names.

Findings are read by people who will quote them, so every number is rounded to three
significant figures, carries its unit, and a change is given in the form that means something:
percentage points for shares, per cent of the reference when the reference is not near zero and
the change is at least 1%, the absolute difference with its unit otherwise. A change never
reads "+0%".
"""

from __future__ import annotations

import math
import re

from peacesim.experiment.results import Difference, RunResult
from peacesim.model import describe, is_headline
from peacesim.model.metrics import FOC_THRESHOLD, HEADLINE_METRICS, IOC_THRESHOLD, pattern_of

from .context import scenario_of

MINUS = "\u2212"
#: Relative changes smaller than this are given as absolute differences instead.
MIN_RELATIVE = 0.01
#: Words kept in capitals when a variant id becomes a label.
ACRONYMS = {"us": "US", "uk": "UK", "eu": "EU", "isr": "ISR", "npp": "NPP", "qrf": "QRF", "ioc": "IOC", "foc": "FOC"}
#: Short nouns for the "no distinguishable change in ..." clause.
SHORT: dict[str, str] = {
    "coverage_mean": "coverage",
    "ioc_day": "IOC day",
    "foc_day": "FOC day",
    "rotation_gap_days": "rotation gaps",
    "troops_deployed_mean": "troops deployed",
    "detection_rate": "detection",
    "incidents_answered_on_target_share": "incidents answered on target",
    "time_to_answer_capped_mean_hours": "time to answer",
    "response_time_mean_hours": "response time of answered incidents",
    "intercept_rate": "intercept rate",
    "leakers": "leakers",
    "armaments_delivered": "armaments delivered",
}
#: Longer names for the stated changes.
NOUN: dict[str, str] = {
    "coverage_mean": "mean coverage",
    "ioc_day": "the day of initial operating capability",
    "foc_day": "the day of full operating capability",
    "rotation_gap_days": "rotation gaps",
    "troops_deployed_mean": "troops deployed",
    "detection_rate": "the share of incidents detected",
    "incidents_answered_on_target_share": "the share of incidents answered on target",
    "time_to_answer_capped_mean_hours": "the mean time to answer an incident (a miss counting as a day)",
    "response_time_mean_hours": "the mean response time of answered incidents",
    "intercept_rate": "the intercept rate",
    "leakers": "leakers",
    "armaments_delivered": "armaments delivered",
}
#: Subjects that take a plural verb.
PLURAL = {"rotation gaps", "leakers", "troops deployed", "armaments delivered"}
#: Units of ``describe(name).unit`` as they read after a number.
UNIT_WORDS = {"day": "days", "count": "", "share 0-1": "points", "element's output_unit": ""}
#: What a non-lethal element's output is, after its unit ('km2 demined', 'patients treated').
OUTPUT_VERB = {"demining": "demined", "medical": "treated", "humanitarian": "of humanitarian aid",
               "reconstruction": "of reconstruction"}
#: What the count metrics count.
COUNTED = {"leakers": "threats", "incidents": "incidents"}


def sig(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant figures, thousands with separators, no exponent above 1e-3."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    rounded = float(f"{x:.{digits}g}")
    if abs(rounded) >= 10 ** (digits - 1) and abs(rounded) >= 100:
        return f"{rounded:,.0f}".replace("-", MINUS)
    if abs(x) < 1e-3:
        return f"{x:.{digits - 1}e}".replace("-", MINUS)
    return f"{x:#.{digits}g}".rstrip(".").replace("-", MINUS)


def signed(x: float, digits: int = 3) -> str:
    """Like :func:`sig` with an explicit sign ('+12.0', '−3.40')."""
    text = sig(x, digits)
    return text if text.startswith(MINUS) or text in ("0", "n/a") else "+" + text


def share(x: float) -> str:
    """A share 0..1 as a percentage to three significant figures ('14.0%')."""
    return sig(100 * x) + "%" if math.isfinite(x) else "n/a"


def is_share(name: str) -> bool:
    return describe_unit(name) == "share 0-1"


def describe_unit(name: str) -> str:
    """The documented unit of a metric ('' for names the model does not document)."""
    try:
        return describe(name).unit
    except KeyError:
        return ""


def unit_of(name: str, run: RunResult | None = None) -> str:
    """The unit word after a number of this metric ('days', 'hours', 'threats', 'km2')."""
    stem = name.split(".", 1)[0]
    if stem in COUNTED:
        return COUNTED[stem]
    if stem == "nonlethal_output" and run is not None:
        scenario = scenario_of(run)
        element = next((e for e in scenario.enablers.non_lethal if e.id == name.split(".", 1)[1]), None) if scenario else None
        return element.output_unit if element else ""
    unit = describe_unit(name)
    return UNIT_WORDS.get(unit, unit)


def output_verb(name: str, run: RunResult | None = None) -> str:
    """' demined' for ``nonlethal_output.<id>`` of a demining element ('' when the kind is unknown).

    Read from the run's own scenario: an element a variant appends is not in the reference's.
    """
    stem, _, element_id = name.partition(".")
    scenario = scenario_of(run) if run is not None and stem == "nonlethal_output" else None
    element = next((e for e in scenario.enablers.non_lethal if e.id == element_id), None) if scenario else None
    return f" {OUTPUT_VERB[element.kind]}" if element is not None and element.kind in OUTPUT_VERB else ""


def value_text(value: float, name: str, run: RunResult | None = None) -> str:
    """A metric value with its unit ('14.0%', '54.3 days', '142,584 threats')."""
    if is_share(name):
        return share(value)
    unit = unit_of(name, run)
    return f"{sig(value)} {unit}".rstrip()


def headline_order(names: list[str] | set[str]) -> list[str]:
    """The headline metrics among ``names``, in the order of ``HEADLINE_METRICS``."""
    rank = {p: i for i, p in enumerate(HEADLINE_METRICS)}
    return sorted((n for n in names if is_headline(n)), key=lambda n: (rank[pattern_of(n) or ""], n))


def system_name(run: RunResult, system_id: str) -> str:
    """'Patriot (United States)' for an air-defence id, or the id in words."""
    scenario = scenario_of(run)
    for a in scenario.enablers.air_defence if scenario else []:
        if a.id == system_id:
            return f"{a.provider} {a.system.split(' (')[0]}"
    return words(system_id)


def element_name(run: RunResult | None, element_id: str) -> str:
    """'Japan humanitarian' for a non-lethal element id, or the id in words."""
    scenario = scenario_of(run) if run is not None else None
    for e in scenario.enablers.non_lethal if scenario else []:
        if e.id == element_id:
            return f"{e.provider} {e.kind}"
    return words(element_id)


def _per_element(name: str, run: RunResult | None) -> tuple[str, str] | None:
    """('stockout' | 'output', element in words) for a per-element metric, else None."""
    stem, _, suffix = name.partition(".")
    if stem == "stockout_day":
        return "stockout", system_name(run, suffix) if run else words(suffix)
    if stem == "nonlethal_output":
        return "output", element_name(run, suffix)
    return None


def noun(name: str, run: RunResult | None = None) -> str:
    """The metric as the subject of a sentence ('mean response time', 'the Patriot stock-out day')."""
    element = _per_element(name, run)
    if element:
        kind, who = element
        return f"the {who} stock-out day" if kind == "stockout" else f"{who} output"
    return NOUN.get(name, words(name))


def owner(name: str, run: RunResult | None = None) -> str:
    """What a per-element metric belongs to ('the United States Patriot', 'the Japan demining'), else the metric."""
    element = _per_element(name, run)
    return f"the {element[1]}" if element else short(name, run)


def short(name: str, run: RunResult | None = None) -> str:
    """The metric in two or three words, for lists."""
    element = _per_element(name, run)
    if element:
        kind, who = element
        return f"{who} stock-out" if kind == "stockout" else f"{who} output"
    return SHORT.get(name, words(name))


def event(name: str, run: RunResult | None = None) -> str | None:
    """For metrics that are a day something happens (NaN when never): the event in words."""
    stem, _, suffix = name.partition(".")
    if name == "ioc_day":
        return f"initial operating capability ({round(100 * IOC_THRESHOLD)}% coverage) is reached"
    if name == "foc_day":
        return f"full operating capability ({round(100 * FOC_THRESHOLD)}% coverage) is reached"
    if stem == "stockout_day":
        return f"the {system_name(run, suffix) if run else words(suffix)} stock runs out"
    return None


def words(identifier: str) -> str:
    """'no_us_air_defence' -> 'no US air defence'."""
    return " ".join(ACRONYMS.get(w, w) for w in re.split(r"[_\s]+", identifier) if w)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def run_name(run: RunResult) -> str:
    """A run in plain words: its variant id (or scenario name) with spaces, 'No US air defence'."""
    return capitalise(words(run.variant or run.scenario_name))


def pair(a: float, b: float, name: str, run: RunResult | None = None) -> str:
    """'from 54.3 to 244 days', with more digits when three would make the two look equal."""
    digits = 3
    while digits < 8 and sig(a, digits) == sig(b, digits) and a != b:
        digits += 1
    unit = unit_of(name, run)
    return f"from {sig(a, digits)} to {sig(b, digits)} {unit}".rstrip()


def is_relative(d: Difference) -> bool:
    """Whether a change reads best in per cent of the reference (reference not ~0, change >= 1%)."""
    ref = d.reference_mean
    if not math.isfinite(ref) or abs(ref) <= 1e-9 * max(1.0, abs(d.other_mean)):
        return False
    return abs(d.mean / ref) >= MIN_RELATIVE


def change(d: Difference, confidence: float, run: RunResult | None = None) -> str:
    """'rotation gaps rise from 54.3 to 244 days (+350%, 95% CI +340 to +361%)'."""
    conf = f"{round(100 * confidence)}% CI"
    verb = "rise" if d.mean > 0 else "fall"
    subject = noun(d.metric, run)
    if is_share(d.metric):
        span = f"from {share(d.reference_mean)} to {share(d.other_mean)}"
        size = f"{signed(100 * d.mean)} points, {conf} {signed(100 * d.ci_low)} to {signed(100 * d.ci_high)}"
    elif is_relative(d):
        span = pair(d.reference_mean, d.other_mean, d.metric, run)
        lo, hi = sorted((100 * d.ci_low / d.reference_mean, 100 * d.ci_high / d.reference_mean))
        size = f"{signed(100 * d.mean / d.reference_mean)}%, {conf} {signed(lo)} to {signed(hi)}%"
    else:
        unit = unit_of(d.metric, run)
        span = pair(d.reference_mean, d.other_mean, d.metric, run)
        size = f"{signed(d.mean)} {unit}".rstrip() + f", {conf} {signed(d.ci_low)} to {signed(d.ci_high)}"
    verb = verb if subject in PLURAL else verb + "s"
    return f"{subject} {verb} {span} ({size})"


def size_of(d: Difference) -> float:
    """A scale-free size for ranking changes: |difference| over the larger of the two means."""
    scale = max(abs(d.reference_mean), abs(d.other_mean))
    return abs(d.mean) / scale if scale > 0 else 0.0


def join(items: list[str], conj: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]
