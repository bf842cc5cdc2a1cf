"""Loading scenarios for experiments, through :mod:`peacesim.scenario.loader` when it is present.

The loader (``extends``, variants, ``--set``, precise error locations) belongs to the scenario
layer. This module is the one place the experiment layer calls it, with a small fallback (plain
YAML, variant ``set`` and ``--set`` on dotted paths) so experiments work while it is missing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError
from ..scenario.schema import Scenario


def _loader() -> Any | None:
    try:
        from ..scenario import loader
    except ImportError:
        return None
    return loader


def load(
    path: str | Path, variant: str | None = None, overrides: Mapping[str, Any] | Iterable[str] | None = None
) -> Scenario:
    """Load, patch and validate a scenario file (optionally one of its variants).

    ``overrides`` is ``{key.path: value}`` or ``["key.path=VALUE", ...]`` as typed after ``--set``.
    """
    loader = _loader()
    if loader is not None:
        ov = overrides if isinstance(overrides, Mapping) else list(overrides or ())
        return loader.load_scenario(Path(path), variant=variant, overrides=ov)
    if overrides is not None and not isinstance(overrides, Mapping):
        overrides = _parse_sets(overrides)
    raw = _read(Path(path))
    if variant is not None:
        variants = raw.get("variants") or {}
        if variant not in variants:
            raise ScenarioError(Problem(f"no variant {variant!r}; known: {sorted(variants)}", file=str(path), path="variants"))
        for key, value in (variants[variant].get("set") or {}).items():
            _set_path(raw, key, value, str(path))
        raw.setdefault("metadata", {})["variant"] = variant
    for key, value in (overrides or {}).items():
        _set_path(raw, key, value, str(path))
    return from_data(raw, str(path))


def list_variants(path: str | Path) -> list[str]:
    """Names of the variants a scenario file defines, in file order."""
    loader = _loader()
    if loader is not None:
        return list(loader.list_variants(Path(path)))
    return list((_read(Path(path)).get("variants") or {}).keys())


def resolved_text(scenario: Scenario) -> str:
    """The scenario as canonical YAML (what is stored and written as ``scenario.yaml``)."""
    loader = _loader()
    if loader is not None:
        return str(loader.resolved_text(scenario))
    return yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the scenario's canonical JSON."""
    loader = _loader()
    if loader is not None:
        return str(loader.scenario_hash(scenario))
    data = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def from_text(text: str, where: str = "<stored scenario>") -> Scenario:
    """A scenario from resolved YAML text (as stored with a run)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ScenarioError(Problem(f"not valid YAML: {e}", file=where)) from e
    return from_data(raw, where)


def from_data(raw: Any, where: str) -> Scenario:
    """Validate plain data as a :class:`Scenario`, with one problem per pydantic error."""
    from pydantic import ValidationError

    if not isinstance(raw, dict):
        raise ScenarioError(Problem("a scenario must be a mapping", file=where, got=type(raw).__name__))
    try:
        return Scenario.model_validate(raw)
    except ValidationError as e:
        raise ScenarioError([
            Problem(err["msg"], file=where, path=".".join(str(p) for p in err["loc"]) or None,
                    got=None if err["type"] == "missing" else repr(err.get("input"))[:80])
            for err in e.errors()
        ]) from e


def _parse_sets(items: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = str(item).partition("=")
        if not sep or not key.strip():
            raise ScenarioError(Problem("expected KEY.PATH=VALUE", file="--set", got=repr(item)))
        try:
            out[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError as e:
            raise ScenarioError(Problem(f"value is not valid YAML: {e}", file="--set", path=key.strip())) from e
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ScenarioError(Problem(f"cannot read: {e.strerror}", file=str(path))) from e
    except yaml.YAMLError as e:
        raise ScenarioError(Problem(f"not valid YAML: {e}", file=str(path))) from e
    if not isinstance(raw, dict):
        raise ScenarioError(Problem("a scenario must be a mapping", file=str(path)))
    return raw


def _set_path(raw: dict[str, Any], key: str, value: Any, where: str) -> None:
    """Set a dotted key path; list items are addressed by id or by ``[n]``."""
    parts = key.replace("[", ".[").split(".")
    node: Any = raw
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        here = ".".join(parts[: n + 1]).replace(".[", "[")
        if isinstance(node, list):
            if part.startswith("[") and part.endswith("]") and part[1:-1].isdigit() and int(part[1:-1]) < len(node):
                idx = int(part[1:-1])
            else:
                ids = [i.get("id") for i in node if isinstance(i, dict)]
                if part not in ids:
                    raise ScenarioError(Problem(f"no list item {part!r}; known ids: {ids}", file=where, path=here))
                idx = ids.index(part)
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if part not in node:
                    raise ScenarioError(Problem("no such key", file=where, path=here))
                node = node[part]
        else:
            raise ScenarioError(Problem("cannot descend into a value", file=where, path=here, got=repr(node)))
