"""Numbers and names in plain words, for the findings: significant figures, units, run names.

Findings are read by people who will quote them, so every number is rounded to three
significant figures, carries its unit, and a change is given in the form that means something:
percentage points for shares, per cent of the reference when the reference is not near zero and
the change is at least 1%, a multiple of the reference when a rise passes 200% ("60.2 times as
many"), the absolute difference with its unit otherwise. A change never reads "+0%".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from peacesim.catalog import (
    HEADLINE_METRICS,
    MINUS,
    element_of,
    is_headline,
    lookup,
    number,
    pattern_of,
    split_window,
    unit_after,
)
from peacesim.experiment.results import Difference, RunResult

from .context import scenario_of

#: Relative changes smaller than this are given as absolute differences instead.
MIN_RELATIVE = 0.01
#: Rises larger than this share of the reference read as a multiple: "+5,949%" means little to a reader.
MULTIPLE_ABOVE = 2.0
#: Words kept in capitals when a variant id becomes a label.
ACRONYMS = {"us": "US", "uk": "UK", "eu": "EU", "isr": "ISR", "npp": "NPP", "qrf": "QRF", "ioc": "IOC", "foc": "FOC"}
#: What a non-lethal element's output is, after its unit ('km2 demined', 'patients treated').
OUTPUT_VERB = {"demining": "demined", "medical": "treated", "humanitarian": "of humanitarian aid",
               "reconstruction": "of reconstruction"}


def sig(x: float, digits: int = 3) -> str:
    """``x`` as the catalog writes numbers (:func:`peacesim.catalog.number`)."""
    return number(x, digits).replace("-", MINUS)


def signed(x: float, digits: int = 3) -> str:
    """Like :func:`sig` with an explicit sign ('+12.0', '−3.40')."""
    text = sig(x, digits)
    return text if text.startswith(MINUS) or text in ("0", "n/a") else "+" + text


def share(x: float) -> str:
    """A share 0..1 as a percentage to three significant figures ('14.0%')."""
    return sig(100 * x) + "%" if math.isfinite(x) else "n/a"


def is_share(name: str) -> bool:
    try:
        return lookup(name).share
    except KeyError:
        return False


def unit_of(name: str, run: RunResult | None = None) -> str:
    """The unit word after a number of this metric ('days', 'hours', 'threats', 'km2')."""
    try:
        m = lookup(name)
    except KeyError:
        return ""
    if m.unit == "output":
        scenario = scenario_of(run) if run is not None else None
        element = next((e for e in scenario.enablers.non_lethal if e.id == element_of(name)), None) if scenario else None
        return element.output_unit if element else ""
    return "points" if m.share else m.unit


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
    return counted(sig(value), unit_of(name, run))


def counted(text: str, unit: str) -> str:
    """A number as written and its unit, singular after one ('1 threat', '+1 day', '2.50 days')."""
    return f"{text} {unit_after(text, unit)}".rstrip()


def headline_order(names: Iterable[str], run: RunResult | None = None) -> list[str]:
    """The headline metrics among ``names``, in the order of ``HEADLINE_METRICS``.

    With ``run`` (the reference of a comparison), the metrics of its scenario's context elements
    are left out: Ukraine's own air defence is an input, so its cover is no finding.
    """
    rank = {p: i for i, p in enumerate(HEADLINE_METRICS)}
    context = run.context_elements if run is not None else frozenset()
    return sorted((n for n in names if is_headline(n, context)), key=lambda n: (rank[pattern_of(n) or ""], n))


def is_headline_of(name: str, run: RunResult | None = None) -> bool:
    """Whether ``name`` is a headline metric of ``run``'s scenario (see :func:`headline_order`)."""
    return is_headline(name, run.context_elements if run is not None else ())


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


def _element_words(name: str, run: RunResult | None) -> str:
    """The element of a per-element metric in words: a system, a non-lethal element, a zone or type."""
    element_id = element_of(name)
    key = pattern_of(name) or ""
    if run is not None and key.endswith("<system_id>"):
        return system_name(run, element_id)
    if run is not None and key.endswith("<element_id>"):
        return element_name(run, element_id)
    return words(element_id)


def element_words(name: str, run: RunResult | None = None) -> str:
    """The element a per-element metric is about, in words ('United States Patriot', 'Japan demining')."""
    return _element_words(name, run)


def _fill(template: str, name: str, run: RunResult | None) -> str:
    text = template.replace("{element}", _element_words(name, run)) if "{element}" in template else template
    _, window = split_window(name)
    return f"{text} over days {window[0]:g}\u2013{window[1]:g}" if window else text


def noun(name: str, run: RunResult | None = None) -> str:
    """The metric as the subject of a sentence ('mean coverage', 'the US Patriot stock-out day')."""
    try:
        return _fill(lookup(name).noun, name, run)
    except KeyError:
        return words(name)


def plural(name: str) -> bool:
    """Whether the metric's noun takes a plural verb ('leakers rise')."""
    try:
        return lookup(name).plural
    except KeyError:
        return False


def owner(name: str, run: RunResult | None = None) -> str:
    """What a per-element metric belongs to ('the US Patriot', 'the Japan demining'), else the metric."""
    return f"the {_element_words(name, run)}" if element_of(name) else short(name, run)


def short(name: str, run: RunResult | None = None) -> str:
    """The metric in two or three words, for lists."""
    try:
        return _fill(lookup(name).short, name, run)
    except KeyError:
        return words(name)


def event(name: str, run: RunResult | None = None) -> str | None:
    """For metrics that are a day something happens (NaN when never): the event in words."""
    try:
        template = lookup(name).event
    except KeyError:
        return None
    return None if template is None else _fill(template, name, run)  # a window's event says its window


def words(identifier: str) -> str:
    """'no_us_air_defence' -> 'no US air defence'."""
    return " ".join(ACRONYMS.get(w, w) for w in re.split(r"[_\s]+", identifier) if w)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def run_name(run: RunResult) -> str:
    """A run in plain words: its variant id (or scenario name) with spaces, 'No US air defence'."""
    return capitalise(words(run.variant or run.scenario_name))


def _digits(a: float, b: float) -> int:
    """Significant figures enough to tell ``a`` from ``b`` (three at least)."""
    digits = 3
    while digits < 8 and sig(a, digits) == sig(b, digits) and a != b:
        digits += 1
    return digits


def pair(a: float, b: float, name: str, run: RunResult | None = None) -> str:
    """'from 54.3 to 244 days', with more digits when three would make the two look equal."""
    digits = _digits(a, b)
    unit = unit_of(name, run)
    first, second = sig(a, digits), sig(b, digits)
    if unit and unit_after(second, unit) != unit:  # 'from 3 threats to 1', not 'from 3 to 1 threats'
        return f"from {counted(first, unit)} to {second}"
    return f"from {first} to {counted(second, unit)}"


def _event_change(d: Difference, what: str, confidence: float, fixed: bool) -> str:
    """'initial operating capability (50% coverage) is reached 0.940 days later, on day 50.5 instead of 49.5
    (95% CI +0.363 to +1.52 days)': a day of an event moves in days; per cent of a day number means nothing.
    ``fixed``: the shift is the same in every replication ('is reached 1 day later in every replication')."""
    digits = _digits(d.reference_mean, d.other_mean)
    when = f"{counted(sig(abs(d.mean)), 'days')} {'later' if d.mean > 0 else 'earlier'}"
    days = f"on day {sig(d.other_mean, digits)} instead of {sig(d.reference_mean, digits)}"
    if fixed:
        return f"{what} {when} in every replication, {days} on average"
    return f"{what} {when}, {days} ({round(100 * confidence)}% CI {signed(d.ci_low)} to {signed(d.ci_high)} days)"


def is_relative(d: Difference) -> bool:
    """Whether a change reads best in per cent of the reference (reference not ~0, change >= 1%)."""
    ref = d.reference_mean
    if not math.isfinite(ref) or abs(ref) <= 1e-9 * max(1.0, abs(d.other_mean)):
        return False
    return abs(d.mean / ref) >= MIN_RELATIVE


def _relative_interval(d: Difference) -> tuple[float, float] | None:
    """The paired interval in per cent of the reference, or None where it would read as a fall of more
    than 100% (the reference's own error makes the interval of a fall to near zero spill below −100%)."""
    if not is_relative(d):
        return None
    lo, hi = sorted((100 * d.ci_low / d.reference_mean, 100 * d.ci_high / d.reference_mean))
    return (lo, hi) if lo >= -100 else None


def multiple_interval(d: Difference) -> tuple[float, float, float] | None:
    """A rise of more than ``MULTIPLE_ABOVE`` as (multiple, low, high) of the reference mean, else None.

    The multiple is other over reference mean; its interval is the relative interval plus one (the
    paired interval over the reference mean, which is treated as known), so both forms agree.
    """
    rel = _relative_interval(d)
    if rel is None or d.reference_mean <= 0 or d.mean / d.reference_mean <= MULTIPLE_ABOVE:
        return None
    return 1 + d.mean / d.reference_mean, 1 + rel[0] / 100, 1 + rel[1] / 100


def _as_many(name: str) -> str:
    """'as many' for counts, 'as long' for durations, 'the reference' for a day of an event or an output."""
    try:
        m = lookup(name)
    except KeyError:
        return "the reference"
    if m.event is not None or m.unit == "output":
        return "the reference"
    return "as long" if m.unit in ("days", "hours") else "as many"


def multiple_text(d: Difference, confidence: float) -> str:
    """'60.2 times as many, 95% CI 59.1–61.3×' (see :func:`multiple_interval`), or '' when not a multiple."""
    m = multiple_interval(d)
    if m is None:
        return ""
    return f"{sig(m[0])} times {_as_many(d.metric)}, {round(100 * confidence)}% CI {sig(m[1])}–{sig(m[2])}×"


def change(d: Difference, confidence: float, run: RunResult | None = None) -> str:
    """'rotation gaps rise from 54.3 to 73.1 days (+34.6%, 95% CI +31.0 to +38.2%)'.

    A rise of more than 200% reads as a multiple: 'from 12.1 to 729 missiles (60.2 times as many,
    95% CI 59.1–61.3×)'. The day of an event moves in days ('... is reached 8.08 days later, on day
    77.0 instead of 68.9 (95% CI +5.35 to +10.8 days)'). A fall to zero in every replication reads
    'from 4.70 threats to none' with the change in the metric's unit; so does any change whose
    relative interval would leave [−100%, ∞). A change the same in every replication says so
    instead of giving an interval of no width ('−75.3%, 95% CI −75.3 to −75.3%').
    """
    fixed = d.n > 1 and abs(d.ci_high - d.ci_low) <= 1e-9 * max(1.0, abs(d.mean))
    if (what := event(d.metric, run)) and not is_share(d.metric) and unit_of(d.metric, run) == "days":
        return _event_change(d, what, confidence, fixed)
    text = _change(d, confidence, run)
    if fixed:
        text = re.sub(rf", {round(100 * confidence)}% CI [^)]*\)$", ", the same in every replication)", text)
    return text


def _change(d: Difference, confidence: float, run: RunResult | None) -> str:
    """:func:`change` of any metric but the day of an event, always with its interval."""
    conf = f"{round(100 * confidence)}% CI"
    verb = "rise" if d.mean > 0 else "fall"
    subject = noun(d.metric, run)
    unit = unit_of(d.metric, run)
    to_none = d.other_mean == 0 and d.reference_mean > 0  # a mean of non-negative values is 0 only if all are
    if is_share(d.metric):
        span = f"from {share(d.reference_mean)} to {share(d.other_mean)}"
        size = f"{counted(signed(100 * d.mean), 'points')}, {conf} {signed(100 * d.ci_low)} to {signed(100 * d.ci_high)}"
    elif not to_none and (times := multiple_text(d, confidence)):
        span = pair(d.reference_mean, d.other_mean, d.metric, run)
        size = times
    elif not to_none and (rel := _relative_interval(d)) is not None:
        span = pair(d.reference_mean, d.other_mean, d.metric, run)
        size = f"{signed(100 * d.mean / d.reference_mean)}%, {conf} {signed(rel[0])} to {signed(rel[1])}%"
    else:
        span = f"from {value_text(d.reference_mean, d.metric, run)} to none" if to_none else \
            pair(d.reference_mean, d.other_mean, d.metric, run)
        size = counted(signed(d.mean), unit) + f", {conf} {signed(d.ci_low)} to {signed(d.ci_high)}"
    verb = verb if plural(d.metric) else verb + "s"
    return f"{subject} {verb} {span} ({size})"


def join(items: list[str], conj: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]
