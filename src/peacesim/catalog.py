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
from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower", "neither"]
Kind = Literal["scalar", "series"]
Aggregate = Literal["run", "mean", "end", "cumulative"]

#: Overall coverage at which initial operating capability is declared (``ioc_day``).
IOC_THRESHOLD = 0.5
#: Overall coverage at which full operating capability is declared (``foc_day``).
FOC_THRESHOLD = 0.9

MINUS = "\u2212"


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
       "Lowest whole-day weighted coverage once initial operating capability is reached "
       "(over the whole run if never; the partial first day is not counted).",
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
    _m("rotation_gap_days", "days", "lower", "Rotation gaps",
       "Time during which at least one contingent slot was empty after its first arrival and before withdrawal.",
       noun="rotation gaps", plural=True),
    # --- incidents and response ---------------------------------------------------------------
    _m("incidents", "incidents", "lower", "Incidents", "Incidents on the ground during the run.", plural=True),
    _m("detection_rate", "share", "higher", "Incidents detected",
       "Share of incidents noticed (by sensors, or on the ground where no ISR is needed).",
       noun="the share of incidents detected", short="detection", headline=5),
    _m("warning_time_mean_hours", "hours", "higher", "Warning time, mean",
       "Mean warning of incidents that sensors detected (NaN if none).", noun="mean warning time"),
    _m("response_time_mean_hours", "hours", "lower", "Response time, mean (answered)",
       "Mean time from notice to a team on scene: wait + mobilise + travel, over answered incidents only.",
       noun="mean response time of answered incidents", short="response time (answered)"),
    _m("response_time_p90_hours", "hours", "lower", "Response time, 90th percentile (answered)",
       "90th percentile of the response time over answered incidents only.",
       noun="the 90th-percentile response time of answered incidents", short="p90 response (answered)"),
    _m("response_within_target_share", "share", "higher", "Noticed incidents answered on target",
       "Share of noticed incidents answered within response.target_hours.",
       noun="the share of noticed incidents answered on target", short="noticed answered on target"),
    _m("incidents_answered_on_target_share", "share", "higher", "Incidents answered on target",
       "Share of all incidents, noticed or not, answered within response.target_hours "
       "(detection x response: an unseen incident counts as a miss).",
       noun="the share of incidents answered on target", short="incidents answered on target", headline=6),
    # --- air defence ----------------------------------------------------------------------------
    _m("threats", "threats", "lower", "Air threats", "Drones and missiles in all air raids.", plural=True, windowed=False),
    _m("intercept_rate", "share", "higher", "Intercept rate", "Share of threats killed (NaN if no threats).",
       noun="the intercept rate", windowed=False),
    _m("intercept_rate.<threat_type>", "share", "higher", "Intercept rate", "Share of threats of this type killed.",
       noun="the intercept rate of {element}", windowed=False),
    _m("leakers", "threats", "lower", "Leakers", "Threats that were not killed, anywhere.", plural=True),
    _m("leakers.<zone_id>", "threats", "lower", "Leakers", "Leakers that reached this zone.", plural=True,
       noun="leakers into {element}"),
    _m("interceptors_used", "interceptors", "neither", "Interceptors used", "Interceptors fired by all systems.",
       plural=True, windowed=False),
    _m("stockout_day.<system_id>", "days", "higher", "Interceptor stock-out",
       "First time this system's interceptor stock hit zero (NaN if never).", noun="the {element} stock-out day",
       short="{element} stock-out", headline=20, windowed=False, event="the {element} stock runs out"),
    # --- support ----------------------------------------------------------------------------------
    _m("armaments_delivered", "items", "higher", "Armaments delivered",
       "Items of all armaments deliveries that arrived during the run.", plural=True, headline=30, windowed=False),
    _m("nonlethal_output.<element_id>", "output", "higher", "Non-lethal output",
       "Total output of this non-lethal element, in its own output_unit (km2 demined, patients treated...).",
       noun="{element} output", headline=31, windowed=False),
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


def is_headline(name: str) -> bool:
    """True for a concrete metric name whose entry is a headline (windowed names included)."""
    key = pattern_of(name)
    return key is not None and CATALOG[key].headline is not None


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
        "| metric | kind | unit | better | H | W | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in _ENTRIES:
        better = {"higher": "↑", "lower": "↓"}.get(m.better, "")
        head = "H" if m.headline is not None else ""
        win = "W" if m.kind == "scalar" and m.windowed else ""
        lines.append(f"| `{m.name}` | {m.kind} | {m.unit} | {better} | {head} | {win} | {m.meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
