"""What support a source gives a number: cited, derived, or an assumption with its range.

An element's ``sources:`` map names, per field, where the number comes from. The short forms
(``assumption``, or a bare source id) stay valid; the full forms say what kind of support it is::

    sources:
      length_km: {kind: cited, source: liga_2025, quote: "the active front stretches almost 1,250 km"}
      stock: {kind: derived, from: [wsj_2023_patriot, polygon_2024], arithmetic: "2 x 8 x 12 = 192"}
      troops_per_unit: {kind: assumption, range: [200, 900], basis: seed_article, note: '"hundreds"'}

A key may also name one entry of a mapping of numbers (``kill_probability.cruise``). The checks
here are what ``peacesim validate`` adds to the schema: a cited number appears in its quote, a
derived one in its arithmetic, and an assumption lies in its range. They are not schema rules,
because ``--set`` and sweeps move numbers away from their sources on purpose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .base import Assumed, Cited, Derived, SourceRef

if TYPE_CHECKING:
    from .schema import Scenario

ASSUMPTION = "assumption"
#: The kinds a table shows: the three the language names, a bare id whose kind is not stated, none.
KINDS = ("cited", "derived", "assumption", "unstated", "undeclared")


def kind_of(ref: SourceRef | None) -> str:
    """cited, derived, assumption, unstated (a bare source id) or undeclared (no entry)."""
    if ref is None:
        return "undeclared"
    if isinstance(ref, str):
        return ASSUMPTION if ref == ASSUMPTION else "unstated"
    return ref.kind


def cited_ids(ref: SourceRef) -> list[str]:
    """Ids of metadata.sources entries the reference names."""
    if isinstance(ref, str):
        return [] if ref == ASSUMPTION else [ref]
    if isinstance(ref, Cited):
        return [ref.source]
    if isinstance(ref, Derived):
        return list(ref.inputs)
    return [ref.basis] if ref.basis else []


def support_text(ref: SourceRef | None) -> str:
    """The quote, the arithmetic or the range and note, as one short line for tables."""
    if ref is None or isinstance(ref, str):
        return ""
    if isinstance(ref, Cited):
        return f'"{ref.quote}"'
    if isinstance(ref, Derived):
        return ref.arithmetic
    parts = [f"range {_num(ref.range[0])}-{_num(ref.range[1])}"] if ref.range else []
    return "; ".join(parts + ([ref.note] if ref.note else []))


def _num(x: float) -> str:
    return f"{x:g}"


# --- numbers in text ------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:[,\u00a0\u202f\u2009]\d{3})+|\d+)(\.\d+)?"
    r"(?:\s*(%|per\s?cent|thousand|million|billion|bn)\b|(%))?",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to)\s*$")
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9}


def numbers_in(text: str) -> list[float]:
    """Every number a reader sees in ``text``, thousands separators removed (1,250 is 1250).

    A percentage also reads as a share (85% is 0.85), and a scale word applies to the number and
    to the start of a range before it ("5-10 thousand" gives 5000 and 10000).
    """
    out: list[float] = []
    last_end, last_value = -1, None
    for m in _NUMBER.finditer(text):
        whole, frac, word, pct = m.group(1), m.group(2) or "", (m.group(3) or "").lower(), m.group(4)
        value = float(re.sub(r"[,\u00a0\u202f\u2009]", "", whole) + frac)
        out.append(value)
        if pct or word.startswith("%") or word.startswith("per"):
            out.append(value / 100)
        scale = next((v for k, v in _SCALE.items() if word == k), None)
        if scale:
            out.append(value * scale)
            if last_value is not None and _RANGE_JOIN.fullmatch(text[last_end:m.start()] or "x"):
                out.append(last_value * scale)
        last_end, last_value = m.end(), value
    return out


def appears_in(value: float, text: str) -> bool:
    """Whether ``value`` is one of the numbers in ``text`` (to nine significant digits)."""
    return any(math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-12) for n in numbers_in(text))


# --- the checks -----------------------------------------------------------------------------------


def _values(value: Any) -> list[float]:
    """The numbers a field value holds: a scalar, a distribution's parameters, a mapping's values."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _values(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _values(v)]
    if isinstance(value, BaseModel) and hasattr(value, "dist"):
        params = value.model_dump(exclude={"dist"}, exclude_none=True)
        return [x for v in params.values() for x in _values(v)]
    if isinstance(value, BaseModel):
        return [x for name in type(value).model_fields for x in _values(getattr(value, name))]
    return []


def _central(value: Any) -> list[float]:
    """The numbers a range constrains: a scalar, a distribution's mean, each value of a mapping."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in _central(v)]
    if isinstance(value, BaseModel) and hasattr(value, "mean"):
        return [float(value.mean)]
    return _values(value)


def field_value(element: BaseModel, key: str) -> tuple[bool, Any]:
    """(found, value) of a sources key: a field name, or ``field.key`` inside a mapping field."""
    name, _, sub = key.partition(".")
    if name not in type(element).model_fields:
        return False, None
    value = getattr(element, name)
    if not sub:
        return True, value
    if isinstance(value, dict) and sub in value:
        return True, value[sub]
    if isinstance(value, BaseModel) and sub in type(value).model_fields:
        return True, getattr(value, sub)
    return False, None


def entries(element: BaseModel, sources: dict[str, SourceRef]) -> Iterator[tuple[str, SourceRef, Any]]:
    """(key, reference, value) for each sources entry that names a field of the element."""
    for key, ref in sources.items():
        found, value = field_value(element, key)
        if found:
            yield key, ref, value


def support_problem(ref: SourceRef, value: Any) -> str | None:
    """Why ``ref`` does not support ``value`` (None when it does)."""
    if isinstance(ref, Cited):
        missing = [v for v in _values(value) if not appears_in(v, ref.quote)]
        if missing:
            return (f"cites {ref.source!r} for {_shown(missing)}, but the quote does not contain "
                    f"{'it' if len(missing) == 1 else 'them'} (quote: {_clip(ref.quote)!r})")
    elif isinstance(ref, Derived):
        missing = [v for v in _values(value) if not appears_in(v, ref.arithmetic)]
        if missing:
            return f"derived value {_shown(missing)} does not appear in its arithmetic ({_clip(ref.arithmetic)!r})"
    elif isinstance(ref, Assumed) and ref.range is not None:
        low, high = ref.range
        outside = [v for v in _central(value) if not low - 1e-9 <= v <= high + 1e-9]
        if outside:
            return f"assumption {_shown(outside)} lies outside its range [{_num(low)}, {_num(high)}]"
    return None


def support_problems(scenario: "Scenario") -> list[tuple[str, str, str]]:
    """(element path, sources key, message) for every number its source entry does not support."""
    out: list[tuple[str, str, str]] = []
    containers: list[tuple[str, BaseModel]] = [("enablers", scenario.enablers), ("threats", scenario.threats)]
    for path, element in [*scenario.traced_elements(), *containers]:
        for key, ref, value in entries(element, getattr(element, "sources")):
            problem = support_problem(ref, value)
            if problem:
                out.append((path, key, problem))
    return out


def _shown(values: list[float]) -> str:
    return ", ".join(_num(v) for v in values)


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
