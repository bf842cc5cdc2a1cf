"""Show a resolved scenario with where every value came from, and what a variant changes.

``explain`` answers "why is this number what it is?": each value is labelled with the file and
line that set it (following ``extends``), ``variant NAME``, ``--set``, or ``default`` when the
schema's default applies.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .loader import Resolved, canonical_data
from .locate import show
from .schema import Scenario
from .tracked import Node

#: Column at which provenance comments start (further right for long lines).
COMMENT_COLUMN = 52
#: Longest string shown in full; longer ones are cut with an ellipsis.
MAX_TEXT = 70


def explain_text(resolved: Resolved) -> str:
    """The scenario as YAML-like text, one ``# origin`` comment per value."""
    lines: list[str] = []
    _emit(canonical_data(resolved.scenario), resolved.tree, "", None, lines)
    if resolved.space:
        lines += ["", "# Uncertain values: a plain run uses the point value; peacesim explore draws from the range."]
        for u in resolved.space.params:
            claim = f", claim {u.claim}" if u.claim else ""
            _line(lines, f"# {u.name}: {_scalar(u.point)} in {u.describe()}{claim}", u.where)
    return "\n".join(lines) + "\n"


def explain_values(resolved: Resolved) -> list[dict[str, Any]]:
    """Every resolved value as ``{"path", "value", "origin"}`` (list items addressed by id), for ``--json``."""
    out: list[dict[str, Any]] = []
    _walk(canonical_data(resolved.scenario), resolved.tree, "", out, None)
    return out


def _walk(data: dict[str, Any], node: Node | None, path: str, out: list[dict[str, Any]], inherited: str | None) -> None:
    if node is not None and not (node.is_map or node.is_list):
        inherited, node = node.origin.label(), None
    for key, value in data.items():
        child = _child(node, key)
        sub = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict) and value:
            _walk(value, child, sub, out, inherited)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                _walk(item, _child(child, i), f"{sub}.{item.get('id', item.get('mode', i))}", out, inherited)
        else:
            out.append({"path": sub, "value": value, "origin": _label(child, inherited)})


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        flat = " ".join(value.split())
        text = flat if flat and flat == value and _plain_ok(flat) else json.dumps(flat, ensure_ascii=False)
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict) and not value:
        return "{}"
    return show(value, limit=10_000)


def _plain_ok(text: str) -> bool:
    return not any(c in text for c in ":#{}[],&*!|>'\"%@`") and text.strip() == text


def _label(node: Node | None, inherited: str | None) -> str:
    if node is None:
        return inherited or "default"
    if node.is_map and "explore" in node.value:
        return f"{node.origin.label()}; point value of an uncertain value (see the end)"
    return node.origin.label()


def _line(lines: list[str], text: str, label: str) -> None:
    pad = max(COMMENT_COLUMN - len(text), 2)
    lines.append(f"{text}{' ' * pad}# {label}")


def _child(node: Node | None, key: str | int) -> Node | None:
    if node is None:
        return None
    if isinstance(key, int):
        return node.value[key] if node.is_list and key < len(node.value) else None
    return node.get(key)


def _emit(data: Any, node: Node | None, indent: str, first: str | None, lines: list[str], inherited: str | None = None) -> None:
    """Write mapping ``data`` with keys at ``indent`` (the first key after ``first``, e.g. ``- ``)."""
    if node is not None and not (node.is_map or node.is_list):
        inherited = node.origin.label()  # a bare number standing for a whole distribution
        node = None
    keys = sorted(data, key=lambda k: k not in ("id", "mode"))  # name first, then schema order
    for n, key in enumerate(keys):
        value = data[key]
        child = _child(node, key)
        text = f"{first if first is not None and n == 0 else indent}{key}:"
        if isinstance(value, dict) and value:
            lines.append(text)
            _emit(value, child, indent + "  ", None, lines, inherited)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(text)
            for i, item in enumerate(value):
                _emit(item, _child(child, i), indent + "    ", indent + "  - ", lines, inherited)
        else:
            _line(lines, f"{text} {_scalar(value)}", _label(child, inherited))


def diff_lines(base: Scenario, other: Scenario) -> list[str]:
    """``path: old -> new`` for every value that differs (elements matched by id)."""
    out: list[str] = []
    a, b = canonical_data(base), canonical_data(other)
    for data in (a, b):  # bookkeeping, not content: the loader sets these for a variant
        data.pop("variants", None)
        for key in ("variant", "description", "variant_kind"):
            data["metadata"].pop(key, None)
    _diff(a, b, "", out)
    return _fold_sources(out)


_SOURCE = re.compile(r"(?P<owner>.+)\.sources\.(?P<key>[^.]+)(?:\.(?P<field>[^.]+))?$")


def _fold_sources(lines: list[str]) -> list[str]:
    """A value's changed provenance as a note on the value's own line, not four lines of its own.

    ``forces.uk.rotation_depth: 3 -> 2 (source: "derived" -> "assumption")``; a source that changes
    while its value does not keeps its lines (that change is the news).
    """
    changed = {line.partition(": ")[0] for line in lines}
    notes: dict[str, str] = {}
    kept: list[str] = []
    for line in lines:
        path, _, change = line.partition(": ")
        m = _SOURCE.match(path)
        value = f"{m['owner']}.{m['key']}" if m else ""
        if not m or value not in changed:
            kept.append(line)
        elif m["field"] in (None, "kind") or value not in notes:
            notes[value] = f"source: {change}" if m["field"] in (None, "kind") else "source updated"
    return [f"{line} ({notes[p]})" if (p := line.partition(": ")[0]) in notes else line for line in kept]


def _named(items: list[Any]) -> dict[str, Any] | None:
    key = "id" if all(isinstance(i, dict) and "id" in i for i in items) else "mode"
    if items and all(isinstance(i, dict) and key in i for i in items):
        return {str(i[key]): i for i in items}
    return None


def _entry(item: dict[str, Any]) -> str:
    """An unnamed list item (a timeline change) in one line, without its bookkeeping."""
    return ", ".join(f"{k} {show(v)}" for k, v in item.items() if k not in ("claims", "sources"))


def _diff(a: Any, b: Any, path: str, out: list[str]) -> None:
    if isinstance(a, list) and isinstance(b, list):
        na, nb = _named(a), _named(b)
        if (na is not None or not a) and (nb is not None or not b) and (a or b):
            a, b = na or {}, nb or {}
        elif all(isinstance(i, dict) for i in a + b) and a != b:
            out += [f"{path}: removed {_entry(i)}" for i in a if i not in b]
            out += [f"{path}: added {_entry(i)}" for i in b if i not in a]
            return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in b:
                out.append(f"{sub}: removed" if isinstance(a[key], dict) else f"{sub}: {show(a[key])} -> (removed)")
            elif key not in a:
                out.append(f"{sub}: added" if isinstance(b[key], dict) else f"{sub}: (absent) -> {show(b[key])}")
            else:
                _diff(a[key], b[key], sub, out)
    elif a != b:
        out.append(f"{path}: {show(a)} -> {show(b)}")
