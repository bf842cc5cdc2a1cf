"""The metric catalog: one definition per metric, read by the model, the CLI, the report and the docs.

Names are stable: users script against them and the store keeps them. ``<zone_id>``,
``<system_id>``, ``<threat_type>``, ``<force_id>`` and ``<element_id>`` stand for ids of the
scenario. A scalar is one number per replication (NaN where undefined); a series is a daily array.
A windowed scalar carries its day window in its name: ``detection_rate[180,730]`` is the detection
rate of the incidents from day 180 up to day 730.

Every other part of the package asks this module what a metric is called, which way is better,
what unit it reads in and how its numbers are written, so a metric is described once. This module
imports nothing of peacesim: it is the ground floor.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

Better = Literal["higher", "lower", "neither"]
Kind = Literal["scalar", "series"]
Aggregate = Literal["run", "mean", "end", "cumulative"]

#: Overall coverage at which initial operating capability is declared (``ioc_day``).
IOC_THRESHOLD = 0.5
#: Overall coverage at which full operating capability is declared (``foc_day``).
FOC_THRESHOLD = 0.9
#: Longest time to answer the capped response measures look at, hours (``time_to_answer_*``): an
#: incident not answered within it counts as this long.
ANSWER_CAP_HOURS = 24.0

MINUS = "\u2212"

#: The smallest change a planner would act on, by unit: a change below it may be distinguishable
#: (many replications tell 11.82 hours from 11.83) but is too small to matter, so findings and
#: the summary's verdicts leave it out (the comparison tables still show it). Shares and
#: probabilities: 1 percentage point. Durations: 15 minutes (a quarter of an hour is about the
#: least a response plan is timed in) and 1 day (the model's reporting step). Counts (troops,
#: threats, items, output): 1% of the larger of the two means, as a count has no natural grain.
MATERIAL_ABSOLUTE: dict[str, float] = {"share": 0.01, "probability": 0.01, "hours": 0.25, "days": 1.0}
#: For units not in :data:`MATERIAL_ABSOLUTE`: the material change as a share of the larger mean.
MATERIAL_RELATIVE = 0.01


@dataclass(frozen=True)
class Metric:
    """What a metric is and how it is written about.

    Attributes:
        name: the name or pattern (``leakers.<zone_id>``).
        unit: the word after a number ("days", "threats"); ``share`` for 0-1 shares shown as %.
        better: which direction is good news; ``neither`` when it depends on the reader.
        label: a title-case label for tables and chart axes.
        meaning: one or two sentences for the dictionary.
        noun: the metric as the subject of a sentence ("mean coverage"); ``{element}`` stands for
            the element of a per-element metric.
        short: two or three words for lists.
        kind: scalar (per replication) or series (daily).
        aggregate: how a series' daily value is formed (mean over the day, value at the end of the
            day, cumulative count), or ``run`` for a scalar computed over the run (or a window).
        headline: rank among the headline metrics (None: not a headline).
        plural: the noun takes a plural verb.
        windowed: the metric can be computed over a day window.
        event: for a day-of-event metric, the event in words (NaN means it never happened).
        input_set: the scenario's inputs alone set it (no variant can move it), so it is no headline;
            findings still name it when a compared run adds the element it measures.
        threat_driven: its good direction holds only at the same threat: more threats give more to
            kill, so a rise under a heavier threat is no gain (see :func:`threat_rises`).
    """

    name: str
    unit: str
    better: Better
    label: str
    meaning: str
    noun: str = ""
    short: str = ""
    kind: Kind = "scalar"
    aggregate: Aggregate = "run"
    headline: int | None = None
    plural: bool = False
    windowed: bool = True
    event: str | None = None
    input_set: bool = False
    threat_driven: bool = False

    @property
    def share(self) -> bool:
        return self.unit == "share"

    @property
    def axis(self) -> str:
        """Axis label with its unit, e.g. 'Leakers (threats)'."""
        unit = "%" if self.share else self.unit
        return f"{self.label} ({unit})" if unit else self.label

    @property
    def higher_is_better(self) -> bool | None:
        return {"higher": True, "lower": False}.get(self.better)

    def material_threshold(self, reference: float, other: float) -> float:
        """The smallest change of this metric that matters (see :data:`MATERIAL_ABSOLUTE`), between means
        ``reference`` and ``other``: absolute by unit, else :data:`MATERIAL_RELATIVE` of the larger mean."""
        if self.unit in MATERIAL_ABSOLUTE:
            return MATERIAL_ABSOLUTE[self.unit]
        scale = max((abs(x) for x in (reference, other) if math.isfinite(x)), default=0.0)
        return MATERIAL_RELATIVE * scale

    @property
    def material_text(self) -> str:
        """The material change in words for the docs ('1 point', '15 min', '1 day', '1% of the larger mean')."""
        absolute = {"share": "1 point", "probability": "1 point", "hours": "15 min", "days": "1 day"}
        return absolute.get(self.unit, f"{MATERIAL_RELATIVE:.0%}")


def _m(name: str, unit: str, better: Better, label: str, meaning: str, **kw: object) -> Metric:
    noun = str(kw.pop("noun", label[:1].lower() + label[1:]))
    short = str(kw.pop("short", noun))
    return Metric(name, unit, better, label, meaning, noun, short, **kw)  # type: ignore[arg-type]


def _series(name: str, unit: str, better: Better, label: str, meaning: str, aggregate: Aggregate = "mean") -> Metric:
    return _m(name, unit, better, label, meaning, kind="series", aggregate=aggregate, windowed=False)


_ENTRIES: tuple[Metric, ...] = (
    # --- coverage and force generation ------------------------------------------------------
    _m("coverage_mean", "share", "higher", "Mean weighted coverage",
       "Weighted coverage of the zones that need troops, averaged over the days of the run (or window).",
       noun="mean coverage", short="coverage", headline=1),
    _m("coverage_min", "share", "higher", "Lowest weighted coverage",
       "Lowest whole-day weighted coverage from the first whole day on which every contingent should be in "
       "theatre (its readiness day + mean move), so neither the build-up nor a part-day counts (NaN if no such day).",
       noun="the lowest coverage", short="lowest coverage"),
    _m("ioc_day", "days", "lower", "Initial operating capability",
       f"First time weighted coverage reaches {IOC_THRESHOLD:.0%} (NaN if never).",
       noun="the day of initial operating capability", short="IOC day", headline=2, windowed=False,
       event=f"initial operating capability ({IOC_THRESHOLD:.0%} coverage) is reached"),
    _m("foc_day", "days", "lower", "Full operating capability",
       f"First time weighted coverage reaches {FOC_THRESHOLD:.0%} (NaN if never).",
       noun="the day of full operating capability", short="FOC day", headline=3, windowed=False,
       event=f"full operating capability ({FOC_THRESHOLD:.0%} coverage) is reached"),
    _m("troops_committed", "troops", "neither", "Troops committed",
       "Troops in all rotation cycles: sum of rotation_depth x troops_per_unit.", windowed=False, plural=True),
    _m("troops_deployed_mean", "troops", "neither", "Troops deployed, mean",
       "Headcount in theatre, averaged over the run (handover overlaps included).",
       noun="troops deployed", short="troops deployed", plural=True),
    _m("troops_cycled", "troops", "neither", "Troops cycled through theatre",
       "Troops who arrived in theatre during the run (each arrival counted).", plural=True, windowed=False),
    # --- rotation (model/rotation.py): each contingent against its own plan ---------------------
    _m("troops_in_theatre_mean", "troops", "higher", "Troops in theatre, mean",
       "Troops in theatre, averaged over the run; each occupied position once (a handover overlap is not doubled).",
       noun="the mean strength in theatre", short="strength in theatre"),
    _m("troops_in_theatre_min", "troops", "higher", "Troops in theatre, leanest day",
       "Fewest troops in theatre on any whole day (daily mean) from the first whole day on which every "
       "contingent should be in theatre (NaN if no such day).",
       noun="the strength in theatre on the leanest day", short="leanest-day strength", headline=4),
    _m("presence_share", "share", "higher", "Planned troop-days in theatre",
       "Troop-days in theatre / planned troop-days, all contingents: each plans troops_per_unit x units_deployed "
       "from its planned first arrival (readiness day + mean move) until its withdrawal.",
       noun="the share of planned troop-days in theatre", short="presence"),
    _m("presence_share.<force_id>", "share", "higher", "Planned troop-days in theatre",
       "Troop-days this contingent had in theatre / its planned troop-days (NaN if none planned).",
       noun="the share of {element}'s planned troop-days in theatre", short="{element} presence"),
    _m("worst_presence_share", "share", "higher", "Planned troop-days in theatre, worst contingent",
       "presence_share of the contingent with the lowest one.",
       noun="the worst contingent's share of planned troop-days in theatre", short="worst presence"),
    _m("longest_gap_days", "days", "lower", "Longest absence of a contingent",
       "Longest time any one contingent had none of its troops in theatre while it should have been there.",
       noun="the longest absence of a contingent", short="longest absence"),
    # --- incidents and response ---------------------------------------------------------------
    _m("incidents", "incidents", "lower", "Incidents", "Incidents on the ground during the run.", plural=True),
    _m("detection_rate", "share", "higher", "Incidents detected",
       "Share of incidents noticed (by sensors, or on the ground where no ISR is needed).",
       noun="the share of incidents detected", short="detection", headline=5),
    _m("warning_time_mean_hours", "hours", "higher", "Warning time, mean",
       "Mean warning of incidents that sensors detected (NaN if none).", noun="mean warning time"),
    _m("incidents_answered_on_target_share", "share", "higher", "Incidents answered on target",
       "Share of all incidents, noticed or not, with a team on scene within response.target_hours "
       "(an unseen or never-answered incident is a miss; Kaplan-Meier where some still wait at the end of the run).",
       noun="the share of incidents answered on target", short="incidents answered on target", headline=6),
    _m("time_to_answer_capped_mean_hours", "hours", "lower", "Time to answer, mean over all incidents",
       f"Mean time from incident to a team on scene over all incidents, each counted at most {ANSWER_CAP_HOURS:g} h: "
       f"an unseen or never-answered incident counts as {ANSWER_CAP_HOURS:g} h.",
       noun=f"the mean time to answer an incident (a miss counting as {ANSWER_CAP_HOURS:g} h)",
       short="time to answer", headline=7),
    _m("incidents_answered_share", "share", "higher", "Incidents answered at all",
       "Share of all incidents that a team reached at all (unseen and given-up incidents never are).",
       noun="the share of incidents answered at all", short="incidents answered"),
    _m("time_to_answer_median_hours", "hours", "lower", "Time to answer, median over all incidents",
       f"Time by which half of all incidents have a team on scene (unseen and unanswered ones never do); "
       f"{ANSWER_CAP_HOURS:g} means not within {ANSWER_CAP_HOURS:g} h.",
       noun="the median time to answer an incident", short="median time to answer"),
    _m("time_to_answer_p90_hours", "hours", "lower", "Time to answer, 90th percentile over all incidents",
       f"Time by which 90% of all incidents have a team on scene; {ANSWER_CAP_HOURS:g} means not within "
       f"{ANSWER_CAP_HOURS:g} h (more than 10% unseen, unanswered or slower).",
       noun="the 90th-percentile time to answer an incident", short="p90 time to answer"),
    _m("response_time_mean_hours", "hours", "lower", "Response time, mean (answered)",
       "Mean time from notice to a team on scene (wait + mobilise + travel) over answered incidents only: "
       "it falls when fewer incidents are seen, so read it with incidents_answered_on_target_share.",
       noun="mean response time of answered incidents", short="response time (answered)"),
    _m("response_time_p90_hours", "hours", "lower", "Response time, 90th percentile (answered)",
       "90th percentile of the response time over answered incidents only.",
       noun="the 90th-percentile response time of answered incidents", short="p90 response (answered)"),
    _m("response_within_target_share", "share", "higher", "Noticed incidents answered on target",
       "Share of noticed incidents with a team on scene within response.target_hours (unseen ones left out).",
       noun="the share of noticed incidents answered on target", short="noticed answered on target"),
    # --- air defence (computed in model/air_measures.py) ----------------------------------------
    # Defended zones: those marked needs_air_defence. Missiles: cruise and ballistic. Package and
    # context systems are told apart by their role; context systems engage first.
    _m("missiles_leaked_defended", "missiles", "lower", "Missiles reaching defended zones",
       "Cruise and ballistic missiles that reached a defended zone (needs_air_defence) unkilled.",
       noun="missiles reaching defended zones unkilled", short="missiles reaching defended zones", plural=True,
       headline=16),
    _m("package_kills", "threats", "higher", "Threats killed by the package",
       "Threats killed by package systems (role: package). Context systems fire first, so this is what the "
       "package adds to them on the same raids; it rises when the context is weaker.",
       noun="threats killed by the package's air defences", short="package kills", plural=True, headline=17,
       threat_driven=True),
    _m("cover_days.<system_id>", "days", "higher", "Interceptor cover",
       "Days on which this system was active and had interceptors in stock.",
       noun="the {element}'s days of interceptor cover", short="{element} interceptor cover", plural=True,
       headline=18),
    _m("stockout_day.<system_id>", "days", "higher", "Interceptor stock-out",
       "First time this system's interceptor stock was empty (NaN if never; in a window, the window's start "
       "if it was already empty).", noun="the {element} stock-out day",
       short="{element} stock-out", headline=20, event="the {element} stock runs out"),
    _m("cover_share.<system_id>", "share", "higher", "Interceptor cover",
       "Share of the days on which this system was active and had interceptors in stock.",
       noun="the {element}'s share of days with interceptor cover"),
    _m("missiles_defended", "missiles", "lower", "Missiles aimed at defended zones",
       "Cruise and ballistic missiles aimed at defended zones.", plural=True),
    _m("leakers_defended", "threats", "lower", "Leakers in defended zones",
       "Threats of every type (drones too) that reached a defended zone unkilled.", plural=True),
    _m("context_kills", "threats", "neither", "Threats killed by context air defence",
       "Threats killed by context systems (role: context, e.g. Ukraine's own).", plural=True),
    _m("kills.<system_id>", "threats", "higher", "Kills", "Threats this system killed.",
       noun="threats killed by the {element}", plural=True, threat_driven=True),
    _m("engagements.<system_id>", "threats", "neither", "Threats engaged",
       "Threats this system fired at (one per threat, whatever the shots).",
       noun="threats the {element} fired at", plural=True, windowed=False),
    _m("interceptors_used.<system_id>", "interceptors", "neither", "Interceptors used",
       "Interceptors this system fired.", noun="interceptors the {element} fired", plural=True, windowed=False),
    _m("threats.<threat_type>.<zone_id>", "threats", "lower", "Air threats",
       "Threats of this type aimed at this zone.", plural=True, windowed=False),
    _m("engaged.<threat_type>.<zone_id>", "threats", "neither", "Threats engaged",
       "Threats of this type aimed at this zone that at least one system fired at.", plural=True, windowed=False),
    _m("killed.<threat_type>.<zone_id>", "threats", "higher", "Threats killed",
       "Threats of this type aimed at this zone that were killed.", plural=True, windowed=False,
       threat_driven=True),
    _m("leakers.<threat_type>.<zone_id>", "threats", "lower", "Leakers",
       "Threats of this type that reached this zone unkilled.", plural=True, windowed=False),
    _m("threats", "threats", "lower", "Air threats", "Drones and missiles in all air raids, at every zone.",
       plural=True),
    _m("intercept_rate", "share", "higher", "Intercept rate, every zone",
       "Share of all threats killed, at every zone, defended or not (NaN if no threats); mostly set by where "
       "raids aim, not by the package.", noun="the intercept rate over every zone"),
    _m("intercept_rate.<threat_type>", "share", "higher", "Intercept rate",
       "Share of threats of this type killed, at every zone.", noun="the intercept rate of {element}"),
    _m("leakers", "threats", "lower", "Leakers",
       "Threats not killed, at every zone, defended or not (see leakers_defended).", plural=True),
    _m("leakers.<zone_id>", "threats", "lower", "Leakers", "Threats of every type that reached this zone unkilled.",
       plural=True, noun="leakers into {element}"),
    _m("interceptors_used", "interceptors", "neither", "Interceptors used", "Interceptors fired by all systems.",
       plural=True),
    # --- support ----------------------------------------------------------------------------------
    _m("armaments_delivered", "items", "higher", "Armaments delivered",
       "Items of all armaments deliveries that arrived during the run.", plural=True, headline=30, windowed=False),
    _m("nonlethal_output.<element_id>", "output", "higher", "Non-lethal output",
       "Total output of this non-lethal element, in its own output_unit (km2 demined, patients treated...): "
       "capacity x days x efficiency, set by the inputs alone.",
       noun="{element} output", windowed=False, input_set=True),
    # --- daily series -----------------------------------------------------------------------------
    _series("coverage", "share", "higher", "Weighted coverage", "Weighted coverage of the zones that need troops, daily mean."),
    _series("coverage.<zone_id>", "share", "higher", "Coverage",
            "Coverage of this ground zone (troops filled / required), daily mean; none for zones needing no troops."),
    _series("surveillance.<zone_id>", "probability", "higher", "Surveillance cover",
            "Chance sensors detect an incident in this zone, daily mean."),
    _series("troops.deployed", "troops", "neither", "Deployed", "Headcount in theatre, daily mean."),
    _series("troops.in_transit", "troops", "neither", "In transit",
            "Headcount moving to or from theatre (including waiting for lift), daily mean."),
    _series("troops.recovering", "troops", "neither", "Recovering", "Headcount in post-tour recovery, daily mean."),
    _series("troops.training", "troops", "neither", "Training", "Headcount in pre-deployment training, daily mean."),
    _series("troops.ready", "troops", "neither", "Ready", "Headcount ready to deploy, daily mean."),
    _series("stock.<system_id>", "interceptors", "higher", "Interceptors in stock",
            "Interceptors on hand at the end of the day.", "end"),
    _series("leakers_cumulative", "threats", "lower", "Cumulative leakers", "Leakers so far, at the end of the day.",
            "cumulative"),
    _series("leakers_cumulative.<zone_id>", "threats", "lower", "Cumulative leakers",
            "Leakers in this zone so far, at the end of the day.", "cumulative"),
    _series("incidents_cumulative", "incidents", "lower", "Cumulative incidents",
            "Incidents so far, at the end of the day.", "cumulative"),
)

CATALOG: dict[str, Metric] = {m.name: m for m in _ENTRIES}

#: The few metrics that answer the usual questions, in the order tables and findings lead with them.
HEADLINE_METRICS: tuple[str, ...] = tuple(
    m.name for m in sorted((m for m in _ENTRIES if m.headline is not None), key=lambda m: m.headline or 0)
)

_ID = "[a-z][a-z0-9_]*"
_PATTERNS = [(re.compile("^" + re.sub(r"<[a-z_]+>", _ID, re.escape(k)) + "$"), k) for k in CATALOG if "<" in k]
_WINDOW = re.compile(r"^(?P<base>[^\[\]]+)\[(?P<start>[0-9.eE+-]+),(?P<end>[0-9.eE+-]+)\]$")


def window_name(name: str, start: float, end: float) -> str:
    """``detection_rate`` over days 180-730 -> ``detection_rate[180,730]``."""
    return f"{name}[{start:g},{end:g}]"


def split_window(name: str) -> tuple[str, tuple[float, float] | None]:
    """``detection_rate[180,730]`` -> (``detection_rate``, (180.0, 730.0)); a plain name has no window."""
    m = _WINDOW.match(name)
    if not m:
        return name, None
    try:
        return m["base"], (float(m["start"]), float(m["end"]))
    except ValueError:
        return name, None


def pattern_of(name: str) -> str | None:
    """The catalog entry a concrete name belongs to (``leakers.kyiv[0,90]`` -> ``leakers.<zone_id>``)."""
    base, _ = split_window(name)
    if base in CATALOG:
        return base
    return next((key for pattern, key in _PATTERNS if pattern.match(base)), None)


def lookup(name: str) -> Metric:
    """The catalog entry of a concrete metric name; KeyError for a name the catalog does not know."""
    key = pattern_of(name)
    if key is None:
        raise KeyError(f"unknown metric {name!r}")
    return CATALOG[key]


def bounds(name: str) -> tuple[float, float]:
    """Where a metric's mean can lie: [0, 1] for shares and probabilities, [0, inf) for every other
    catalogued quantity (counts, days, hours, outputs: none is signed); unbounded for a name the
    catalog does not know (a synthetic test model)."""
    key = pattern_of(name)
    if key is None:
        return -math.inf, math.inf
    return (0.0, 1.0) if CATALOG[key].unit in ("share", "probability") else (0.0, math.inf)


def is_headline(name: str, context: Collection[str] = ()) -> bool:
    """True for a concrete metric name whose entry is a headline (windowed names included).

    ``context`` holds the ids of the scenario's context elements (``role: context``, e.g. Ukraine's
    own air defence): they are inputs, not what is assessed, so their per-element metrics are no
    headlines (they stay in the files and in ``--all-metrics``).
    """
    key = pattern_of(name)
    return key is not None and CATALOG[key].headline is not None and not (context and element_of(name) in context)


#: The metric that measures the threat a run faces (drones and missiles in all air raids).
THREAT_VOLUME = "threats"


class PairedChange(Protocol):
    """What :func:`threat_rises` reads of a paired difference (``experiment.results.Difference``)."""

    @property
    def metric(self) -> str: ...
    @property
    def mean(self) -> float: ...
    @property
    def distinguishable(self) -> bool: ...


class PairedMeans(PairedChange, Protocol):
    """What :func:`is_material` reads of a paired difference: also the two means."""

    @property
    def reference_mean(self) -> float: ...
    @property
    def other_mean(self) -> float: ...


def is_material(d: PairedMeans) -> bool:
    """Whether a paired difference is distinguishable and at least its metric's material change.

    A metric the catalog does not know has no material threshold: distinguishable is enough.
    """
    if not d.distinguishable or not math.isfinite(d.mean):
        return False
    key = pattern_of(d.metric)
    if key is None:
        return True
    return abs(d.mean) >= CATALOG[key].material_threshold(d.reference_mean, d.other_mean) * (1 - 1e-9)


def threat_rises(differences: Iterable[PairedChange]) -> bool:
    """Whether a compared run faces distinguishably more threats than its reference (its paired differences).

    Under a heavier threat a ``threat_driven`` metric (kills) rises because there is more to kill:
    that is no gain, and no capability removed makes it fall.
    """
    return any(d.metric == THREAT_VOLUME and d.distinguishable and d.mean > 0 for d in differences)


def element_of(name: str) -> str:
    """The id part of a per-element name (``leakers.kyiv`` -> ``kyiv``), '' for plain names."""
    base, _ = split_window(name)
    key = pattern_of(base)
    if key is None or "<" not in key:
        return ""
    return base[len(key.split("<", 1)[0]):]


def suggest(name: str, names: list[str] | None = None) -> str:
    """' (did you mean X?)' for a misspelled metric name, or ''."""
    pool = names if names is not None else list(CATALOG)
    base, _ = split_window(name)
    close = difflib.get_close_matches(base, pool, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


# --- numbers ---------------------------------------------------------------------------------------

def number(x: float | None, digits: int = 3) -> str:
    """A number for people: ``digits`` significant figures, whole numbers >= 100 in full with separators.

    ``142650.3`` -> ``142,650``; ``0.13951`` -> ``0.140``; ``6.0`` -> ``6``; ``0.0017`` -> ``0.00170``;
    NaN -> ``n/a``. Prose (the findings) swaps the hyphen for a typographic minus.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "never" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if not 1e-6 <= abs(x) < 1e15:
        return f"{x:.{digits - 1}e}"
    rounded = float(f"{x:.{digits}g}")
    if abs(rounded) >= 100 or x == round(x):
        text = f"{round(x):,}"
    else:
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(rounded))))
        text = f"{rounded:.{decimals}f}"
    return text


def _percent(p: float, digits: int) -> str:
    """A percentage to ``digits`` significant figures, keeping trailing zeros ('14.0', '5.25', '100')."""
    if p == 0 or not math.isfinite(p):
        return number(p, digits)
    if abs(p) >= 10 ** digits:
        return number(p, digits)
    text = f"{p:#.{digits}g}"
    if "e" in text:
        return number(p, digits)
    return text.rstrip(".")


#: The singular of each unit word, for a number that reads as exactly one ("1 threat", "−1 day").
SINGULAR: dict[str, str] = {
    "days": "day", "hours": "hour", "threats": "threat", "missiles": "missile", "troops": "troop",
    "incidents": "incident", "items": "item", "interceptors": "interceptor", "points": "point",
    "patients": "patient", "minutes": "minute",
}


def unit_after(text: str, unit: str) -> str:
    """The unit word after a number as written: singular after '1', '+1' or '−1' ('1 threat'), else ``unit``."""
    return SINGULAR.get(unit, unit) if text.lstrip("+-\u2212") == "1" else unit


def format_value(x: float | None, name: str = "", *, signed: bool = False, digits: int = 3) -> str:
    """A value of metric ``name`` as written everywhere: shares as percentages, others by :func:`number`.

    With ``signed`` a difference: '+1.20', '−0.0400'; for shares in percentage points ('+3.4 pts').
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    is_share = False
    if name:
        try:
            is_share = lookup(name).share
        except KeyError:
            pass
    if is_share:
        text = _percent(100 * x, digits) + ("" if signed else "%")
    else:
        text = number(x, digits)
    if signed and x > 0 and not math.isinf(x):
        text = "+" + text
    return text


def catalog_json() -> dict[str, dict[str, object]]:
    """The catalog as plain data for ``peacesim metrics --json`` and the docs."""
    return {
        m.name: {
            "kind": m.kind,
            "unit": m.unit,
            "better": m.better,
            "label": m.label,
            "meaning": m.meaning,
            "aggregate": m.aggregate,
            "headline": m.headline is not None,
            "windowed": m.windowed,
        }
        for m in _ENTRIES
    }


def markdown() -> str:
    """The catalog as the Markdown page docs/metrics.md (``python -m peacesim.catalog``)."""
    lines = [
        "# Metrics",
        "",
        "Generated from `src/peacesim/catalog.py` by `python -m peacesim.catalog` (`make docs`); a test keeps it current.",
        "",
        "Better: ↑ higher is better, ↓ lower is better. H: headline metric (tables and findings lead with it).",
        "W: also computed over each day window (`metrics.windows` in the scenario, or `run --window 180:730`),",
        "named `name[start,end]`.",
        "",
        "Material: the smallest change a planner would act on. A distinguishable change smaller than it is",
        "too small to matter: the findings group such changes in one clause and the summary does not count them",
        "(the comparison tables still show every change). Shares and probabilities: 1 percentage point;",
        "hours: 15 minutes (about the least a response plan is timed in); days: 1 day (the model's reporting step);",
        "counts (troops, threats, items, output): 1% of the larger of the two means, as a count has no natural grain.",
        "",
        "| metric | kind | unit | better | H | W | material | meaning |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in _ENTRIES:
        better = {"higher": "↑", "lower": "↓"}.get(m.better, "")
        head = "H" if m.headline is not None else ""
        win = "W" if m.kind == "scalar" and m.windowed else ""
        lines.append(f"| `{m.name}` | {m.kind} | {m.unit} | {better} | {head} | {win} | {m.material_text} | {m.meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
