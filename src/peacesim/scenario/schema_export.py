"""The JSON Schema of the scenario language, for editors (yaml-language-server) and other tools.

Generated from the pydantic models, with two adjustments for how files are really written:
a distribution may be a bare number (meaning ``fixed``), and a file that ``extends`` another
need not repeat the required top-level keys. The uncertain values of :mod:`.uncertain` are added
too: any number may be an ``UncertainValue``, any element may carry ``explore: {present: P}``, and
the top level may hold ``explore:`` groups. Cross-reference rules (ids that must exist) are
not expressible here; ``peacesim validate`` checks them.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://peacesim.invalid/schema/peacesim.schema.json"


def json_schema() -> dict[str, Any]:
    """The schema as a dict (draft 2020-12)."""
    from .schema import Scenario

    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema = _allow_bare_numbers(schema)
    schema = _allow_uncertain(schema)
    required = schema.pop("required", [])
    schema["if"] = {"not": {"required": ["extends"]}}
    schema["then"] = {"required": required}
    return {"$schema": SCHEMA_URI, "$id": SCHEMA_ID, **schema}


def json_schema_text() -> str:
    """The schema as stable, indented JSON text (what ``schema/peacesim.schema.json`` holds)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _allow_bare_numbers(node: Any) -> Any:
    """Wherever a distribution is expected, also accept a non-negative number."""
    if isinstance(node, list):
        return [_allow_bare_numbers(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _allow_bare_numbers(v) for k, v in node.items()}
    disc = node.get("discriminator")
    if isinstance(disc, dict) and disc.get("propertyName") == "dist" and "oneOf" in node:
        union = {"oneOf": node.pop("oneOf"), "discriminator": node.pop("discriminator")}
        node["anyOf"] = [{"type": "number", "minimum": 0}, union]
    return node


def _allow_uncertain(schema: dict[str, Any]) -> dict[str, Any]:
    """Numbers may be uncertain values; elements may carry ``explore``; the root may hold groups."""
    from pydantic import TypeAdapter

    from .uncertain import ChoiceValue, DistValue, Group, Presence, RangeValue

    defs = schema.setdefault("$defs", {})
    union = TypeAdapter(RangeValue | DistValue | ChoiceValue | Presence | Group).json_schema(
        by_alias=True, mode="validation", ref_template="#/$defs/{model}")
    defs.update(union.pop("$defs", {}))
    defs = {k: _number_or_uncertain(v) if k not in _UNCERTAIN_DEFS else v for k, v in defs.items()}
    defs["UncertainValue"] = {
        "description": "A number whose commitment is vague: its range for peacesim explore, its point value and claim.",
        "anyOf": [{"$ref": f"#/$defs/{m}"} for m in ("RangeValue", "DistValue", "ChoiceValue")],
    }
    for name, d in defs.items():
        props = d.get("properties", {}) if name not in _UNCERTAIN_DEFS else {}
        if "claims" in props and "sources" in props:
            props["explore"] = {"$ref": "#/$defs/Presence"}
    schema = _number_or_uncertain({k: v for k, v in schema.items() if k != "$defs"})
    schema["properties"]["explore"] = {
        "type": "object", "additionalProperties": {"$ref": "#/$defs/Group"},
        "description": "Named groups of elements for peacesim explore: how many take part, or whether they come.",
    }
    schema["$defs"] = defs
    return schema


#: Models whose numbers stay plain: the uncertain specs themselves, and metadata (horizon, seed).
_UNCERTAIN_DEFS = {"RangeValue", "DistValue", "ChoiceValue", "Choices", "Presence", "Group", "Metadata", "Source"}
UNCERTAIN_REF = "#/$defs/UncertainValue"


def _number_or_uncertain(node: Any) -> Any:
    """Wherever a plain number is expected, also accept an uncertain value."""
    if isinstance(node, list):
        return [_number_or_uncertain(n) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") in ("number", "integer"):
        outer = {k: v for k, v in node.items() if k in ("title", "description", "default")}
        inner = {k: v for k, v in node.items() if k not in outer}
        return {**outer, "anyOf": [inner, {"$ref": UNCERTAIN_REF}]}
    out = {k: _number_or_uncertain(v) if k in ("additionalProperties", "anyOf", "oneOf") else v for k, v in node.items()}
    if isinstance(node.get("properties"), dict):  # not list items: a range stands where a key's value goes
        out["properties"] = {k: _number_or_uncertain(v) for k, v in node["properties"].items()}
    return out
