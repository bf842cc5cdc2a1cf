"""The assumptions table: every number in the scenario, its unit, and where it comes from.

A reader must be able to see which numbers are sourced and which are the author's guesses. Each
element names its sources per field (``sources: {troops_per_unit: ...}``); the entry's kind says
what support it gives: ``cited`` (the source states the number, quoted), ``derived`` (arithmetic
shown), ``assumption`` (with the range the sources allow), ``unstated`` (a bare source id that does
not say which) or ``undeclared`` (no entry: the number a reviewer should question first). A number
its entry does not support (e.g. moved by ``--set``) is marked so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from peacesim.scenario.base import SourceRef, Traced
from peacesim.scenario.provenance import cited_ids, kind_of, support_problem, support_text
from peacesim.scenario.schema import Scenario, Source

#: Units of fields whose name does not carry one.
FIELD_UNITS: dict[str, str] = {
    "lat": "degrees north",
    "lon": "degrees east",
    "troops_required": "persons",
    "troops_per_unit": "persons per unit",
    "priority": "rank (1 served first)",
    "weight": "relative weight",
    "capacity_units": "unit moves at once",
    "rotation_depth": "units in the cycle",
    "units_deployed": "units in theatre",
    "qrf_teams": "teams",
    "availability": "share (0-1)",
    "detection_probability": "probability (0-1)",
    "kill_probability": "probability per shot (0-1)",
    "batteries": "batteries",
    "engagements_per_battery": "threats per battery per raid",
    "stock": "interceptors",
    "shots_per_threat": "shots",
    "quantity_per_month": "items per 30-day month",
    "efficiency": "share of capacity (0-1)",
    "raid_size": "threats per raid",
    "target_weights": "relative weight",
    "factor": "multiplier",
    "day": "day",
    "speed_kmh": "km/h",
}
SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_days", "days"),
    ("_day", "day"),
    ("_hours", "hours"),
    ("_km", "km"),
    ("_per_day", "per day"),
)


@dataclass(frozen=True)
class AssumptionRow:
    """One number: where it sits, what it is, and its provenance.

    ``status`` is ``sourced``, ``assumption`` (declared as such) or ``undeclared`` (no entry);
    ``kind`` is the support the entry gives (see the module docstring) and ``support`` the quote,
    arithmetic or range behind it, or what is wrong with it.
    """

    path: str
    field: str
    value: str
    unit: str
    status: str
    source: str = ""
    url: str = ""
    kind: str = ""
    support: str = ""


def unit_of(field: str, owner: BaseModel | None = None) -> str:
    """The unit of a field, from the table or its name suffix (``tour_days`` -> days)."""
    stem = field.split(".", 1)[0]
    if stem == "capacity_per_day" and owner is not None:
        return f"{getattr(owner, 'output_unit', 'units')} per day"
    if stem in FIELD_UNITS:
        return FIELD_UNITS[stem]
    for suffix, unit in SUFFIX_UNITS:
        if stem.endswith(suffix):
            return unit
    return ""


def describe_value(value: Any) -> str:
    """A number as written, or a distribution as ``name(param=..)``, mean M."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"{value:g}"
    if hasattr(value, "sample") and hasattr(value, "dist"):
        if value.dist == "fixed":
            return f"{value.value:g}"
        params = value.model_dump(by_alias=True, exclude={"dist"})
        inner = ", ".join(f"{k}={_short(v)}" for k, v in params.items() if v is not None)
        return f"{value.dist}({inner}), mean {value.mean:.3g}"
    return str(value)


def _short(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_short(x) for x in v) + "]"
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def _numbers(element: BaseModel) -> Iterator[tuple[str, Any]]:
    """(field, value) for every number, distribution and number-valued mapping of an element."""
    skip = {"claims", "sources"}
    for name in type(element).model_fields:
        if name in skip:
            continue
        value = getattr(element, name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)) or hasattr(value, "sample"):
            yield name, value
        elif isinstance(value, dict) and value and all(isinstance(v, (int, float)) for v in value.values()):
            for key, v in value.items():
                yield f"{name}.{key}", v


def _provenance(ref: SourceRef | None, sources: dict[str, Source]) -> tuple[str, str, str]:
    """(status, source text, url) for a field's source reference."""
    if ref is None:
        return "undeclared", "no source given: an assumption", ""
    ids = cited_ids(ref)
    known = [sources[i] for i in ids if i in sources]
    if kind_of(ref) == "assumption":
        basis = f"; leans on [{ids[0]}]" if ids else ""
        return "assumption", f"assumption (declared){basis}", known[0].url if known else ""
    if len(known) < len(ids) or not ids:  # the schema forbids this; show it rather than hide it
        return "undeclared", f"unknown source {', '.join(ids)!r}", ""
    text = "; ".join(f"[{i}] " + ", ".join(p for p in (src.title, src.publisher, src.date) if p)
                     for i, src in zip(ids, known))
    return "sourced", text, known[0].url


def _rows_for(path: str, element: BaseModel, traced: Traced, sources: dict[str, Source]) -> list[AssumptionRow]:
    rows = []
    for name, value in _numbers(element):
        stem = name.split(".", 1)[0]
        key = name if traced is element else f"{path.rsplit('.', 1)[-1]}.{name}"
        ref = traced.sources.get(key)
        if ref is None:
            ref = traced.sources.get(stem) if traced is element else traced.sources.get(path.rsplit(".", 1)[-1])
        status, text, url = _provenance(ref, sources)
        support = support_text(ref)
        problem = support_problem(ref, value) if ref is not None else None
        if problem:
            support = f"NOT SUPPORTED: {problem}"
        rows.append(AssumptionRow(path, name, describe_value(value), unit_of(name, element), status, text, url,
                                  kind_of(ref), support))
    return rows


def assumptions_table(scenario: Scenario) -> list[AssumptionRow]:
    """Every numeric parameter of a scenario, in file order, with unit and provenance."""
    sources = scenario.metadata.sources
    rows = [AssumptionRow("metadata", "horizon_days", f"{scenario.metadata.horizon_days}", "days", "setting",
                          "length of each replication (a run setting)", kind="setting")]
    for path, element in scenario.traced_elements():
        rows += _rows_for(path, element, element, sources)
    # The response rules sit inside threats, which cites them as a whole: threats.sources.response.
    rows += _rows_for("threats.response", scenario.threats.response, scenario.threats, sources)
    return rows


def changed_rows(reference: list[AssumptionRow], other: list[AssumptionRow]) -> list[tuple[AssumptionRow | None, AssumptionRow | None]]:
    """Rows whose value differs between two scenarios (None where a number exists in one only)."""
    ref = {(r.path, r.field): r for r in reference}
    oth = {(r.path, r.field): r for r in other}
    keys = list(ref) + [k for k in oth if k not in ref]
    return [(ref.get(k), oth.get(k)) for k in keys if ref.get(k) is None or oth.get(k) is None or ref[k].value != oth[k].value]
