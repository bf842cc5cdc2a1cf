"""Generate ``docs/scenario-reference.md`` from the JSON Schema: every key, its type, unit, default and range.

Run ``python -m peacesim.scenario.reference > docs/scenario-reference.md`` (``make docs``); a test
fails when the committed file is stale, so the reference cannot drift from the code.
"""

from __future__ import annotations

import json
from typing import Any

from .schema_export import UNCERTAIN_REF, json_schema

#: Units implied by a key's name, checked in order (the first match wins).
UNIT_SUFFIXES = (
    ("_kmh", "km/h"), ("_km", "km"), ("_hours", "hours"), ("_days", "days"), ("_day", "day"),
    ("per_day", "per day"), ("per_month", "per 30-day month"), ("probability", "probability 0..1"),
    ("availability", "share 0..1"), ("lat", "degrees north"), ("lon", "degrees east"),
)
INTRO = """\
# Scenario reference

Generated from the scenario schema by `python -m peacesim.scenario.reference`; do not edit by
hand. The language itself (extends, variants, key paths, distributions, errors) is explained in
[scenario-language.md](scenario-language.md). Every mapping refuses keys not listed here.
"Required" keys have no default. A *distribution* is a number (meaning `fixed`) or a mapping
`{dist: NAME, ...}` (see Fixed, Exponential, ... below). Any number of a zone, contingent,
enabler or threat may also be an [UncertainValue](#uncertainvalue) (a range for `peacesim explore`
with its point value and claim); any element may carry `explore:` ([Presence](#presence)); and the
top-level `explore:` names [groups](#group) of elements.
"""


#: Sections of the uncertain-value syntax, put after the rest of the language.
LAST = ("UncertainValue", "RangeValue", "DistValue", "ChoiceValue", "Choices", "Presence", "Group")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _plain_number(s: dict[str, Any]) -> dict[str, Any]:
    """A number that may also be an uncertain value, shown as the number (the intro says so)."""
    alts = s.get("anyOf")
    if isinstance(alts, list) and len(alts) == 2 and alts[1].get("$ref") == UNCERTAIN_REF:
        return {**alts[0], **{k: v for k, v in s.items() if k != "anyOf"}}
    return s


def type_text(s: dict[str, Any]) -> str:
    """A short description of a schema's type, with links to model sections."""
    s = _plain_number(s)
    if "$ref" in s:
        name = _ref_name(s["$ref"])
        return f"[{name}](#{name.lower()})"
    if "const" in s:
        return json.dumps(s["const"])
    if "enum" in s:
        return "one of " + ", ".join(f"`{v}`" for v in s["enum"])
    for key in ("anyOf", "oneOf"):
        if key in s:
            parts = [type_text(x) for x in s[key] if x.get("type") != "null"]
            if "discriminator" in s or any("discriminator" in x for x in s[key]):
                return "distribution" if _is_distribution(s) else " or ".join(parts)
            return " or ".join(parts) + (" or null" if any(x.get("type") == "null" for x in s[key]) else "")
    t = s.get("type")
    if t == "array":
        return f"list of {type_text(s.get('items', {}))}"
    if t == "object":
        keys = s.get("propertyNames", {}).get("enum")
        value_schema = s.get("additionalProperties")
        if not isinstance(value_schema, dict):
            value_schema = next(iter(s.get("patternProperties", {}).values()), None)
        values = type_text(value_schema) if isinstance(value_schema, dict) and value_schema else "any value"
        return f"mapping {'(' + ', '.join(keys) + ')' if keys else 'id'} -> {values}"
    if t == "string" and s.get("pattern") == "^[a-z][a-z0-9_]*$":
        return "id"
    if t == "string" and s.get("pattern") == "^C\\d{2,3}$":
        return "claim id"
    return {"number": "number", "integer": "integer", "string": "text", "boolean": "true/false"}.get(str(t), str(t or "any"))


def _is_distribution(s: dict[str, Any]) -> bool:
    text = json.dumps(s)
    return '"propertyName": "dist"' in text


def range_text(s: dict[str, Any]) -> str:
    """Allowed values: bounds, lengths, patterns (looking inside lists and optional values)."""
    s = _plain_number(s)
    inner = [x for x in s.get("anyOf", []) if x.get("type") != "null"]
    if len(inner) == 1 and not _is_distribution(s):
        s = _plain_number({**inner[0], **{k: v for k, v in s.items() if k != "anyOf"}})
    parts = []
    lo = ("≥", s["minimum"]) if "minimum" in s else (">", s["exclusiveMinimum"]) if "exclusiveMinimum" in s else None
    hi = ("≤", s["maximum"]) if "maximum" in s else ("<", s["exclusiveMaximum"]) if "exclusiveMaximum" in s else None
    parts += [f"{b[0]} {_num(b[1])}" for b in (lo, hi) if b]
    if "minLength" in s or "maxLength" in s:
        parts.append(f"{s.get('minLength', 0)}..{s.get('maxLength', '∞')} characters")
    if s.get("pattern") and s.get("pattern") != "^[a-z][a-z0-9_]*$":
        parts.append(f"pattern `{s['pattern']}`")
    if "minItems" in s:
        parts.append(f"at least {s['minItems']} item(s)")
    if "minProperties" in s:
        parts.append(f"at least {s['minProperties']} entry")
    items = s.get("items") or s.get("additionalProperties")
    if isinstance(items, dict) and not parts:
        sub = range_text(items)
        parts += [f"each {sub}"] if sub else []
    return ", ".join(parts)


def _num(v: Any) -> str:
    return f"{v:,}".replace(",", " ") if isinstance(v, int) and abs(v) >= 10_000 else str(v)


def unit_text(key: str) -> str:
    """Unit implied by the key's name ("" when none)."""
    for suffix, unit in UNIT_SUFFIXES:
        if key == suffix or key.endswith(suffix):
            return unit
    return ""


def _default_text(p: dict[str, Any]) -> str:
    """The default as JSON; for defaults made by a factory, what the factory makes."""
    if "default" in p:
        return f"`{json.dumps(p['default'], ensure_ascii=False)}`"
    return {"array": "`[]`", "object": "`{}`"}.get(p.get("type", ""), "all defaults")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def model_section(name: str, s: dict[str, Any]) -> list[str]:
    """Markdown for one model: heading, description, one table row per key."""
    required = set(s.get("required", [])) | set(s.get("then", {}).get("required", []))
    lines = [f"## {name}", ""]
    if s.get("description"):
        lines += [" ".join(s["description"].split()), ""]
    lines += ["| key | type | unit | default | allowed | meaning |", "|---|---|---|---|---|---|"]
    for key, p in s.get("properties", {}).items():
        default = "required" if key in required else _default_text(p)
        row = [f"`{key}`", type_text(p), unit_text(key), default, range_text(p), p.get("description", "")]
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines + [""]


def reference_text() -> str:
    """The whole reference document, models in the order they are first reached from the root."""
    schema = json_schema()
    defs: dict[str, Any] = schema["$defs"]
    order: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and _ref_name(ref) not in order and _ref_name(ref) not in LAST:
                order.append(_ref_name(ref))
                visit(defs[_ref_name(ref)])
            for k, v in node.items():
                if k != "$defs":
                    visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit({k: v for k, v in schema.items() if k != "$defs"})
    lines = [INTRO, *model_section("Scenario", schema)]
    for name in order + [n for n in LAST if n in defs]:
        lines += model_section(name, defs[name])
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(reference_text(), end="")
