"""The JSON Schema of the scenario language, for editors (yaml-language-server) and other tools.

Generated from the pydantic models, with two adjustments for how files are really written:
a distribution may be a bare number (meaning ``fixed``), and a file that ``extends`` another
need not repeat the required top-level keys. Cross-reference rules (ids that must exist) are
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
