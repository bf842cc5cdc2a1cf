"""Key paths (``forces.uk.rotation_depth``, ``timeline[0].day``) and the edits made with them.

A key path is dotted. In a mapping a segment is a key; in a list of elements a segment is the
element's ``id`` (``mode`` for ``lift``), and ``[n]`` picks the n-th item of any list. Paths are
used by ``--set``, by a variant's ``set:``/``remove:``/``append:`` and by sweeps. Setting a key the
file leaves at its default is allowed when the schema knows the key; anything else that does not
exist is an error naming the path, the segment that failed and what is available there.

A path may be a glob, so that one edit moves several values together: ``*`` and ``?`` match any
key or item id in a segment (``forces.*.rotation_depth``, ``forces.partner_*.tour_days``) and
``{a,b}`` lists alternatives (``forces.{uk,france}.troops_per_unit``). Alternatives are names, so
each must exist; a wildcard that matches nothing is an error naming the glob. :func:`expand` turns
a glob into the concrete paths it matches in a tree; :func:`set_path` and :func:`scale_path` edit
every match (``--set`` and ``--scale``).
"""

from __future__ import annotations

import difflib
import fnmatch
import itertools
import math
import re
from typing import Any, Iterable, Mapping

from ..errors import Problem, ScenarioError
from . import fields
from .tracked import Node, Origin, clone, from_plain, item_key_field, item_name, to_plain

Segment = str | int
_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)|(\.)")


def parse_path(text: str) -> list[Segment]:
    """Split ``a.b[2].c`` into ``["a", "b", 2, "c"]``; raises ScenarioError on a malformed path."""
    out: list[Segment] = []
    pos, expect_name = 0, True
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ScenarioError(Problem(f"malformed key path {text!r} at character {pos + 1}", path=text))
        index, name, dot = m.groups()
        if dot:
            if expect_name:
                raise ScenarioError(Problem(f"malformed key path {text!r}: empty segment", path=text))
            expect_name = True
        elif index is not None:
            if not out:
                raise ScenarioError(Problem(f"malformed key path {text!r}: starts with an index", path=text))
            out.append(int(index))
            expect_name = False
        else:
            if not expect_name:
                raise ScenarioError(Problem(f"malformed key path {text!r}: missing '.' before {name!r}", path=text))
            out.append(name.strip())
            expect_name = False
        pos = m.end()
    if not out or expect_name:
        raise ScenarioError(Problem(f"malformed key path {text!r}", path=text))
    return out


def format_path(segments: list[Segment]) -> str:
    """Inverse of :func:`parse_path`."""
    text = ""
    for seg in segments:
        text += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if text else seg)
    return text


def _fail(segments: list[Segment], failed_at: int, what: str, available: list[str]) -> ScenarioError:
    full = format_path(segments)
    where = format_path(segments[:failed_at]) or "the top level"
    seg = segments[failed_at]
    message = f"no {what} {seg!r} under {where}"
    close = difflib.get_close_matches(str(seg), available, n=1) if isinstance(seg, str) else []
    if close:
        return ScenarioError(Problem(message + f"; did you mean {close[0]!r}?", path=full))
    if available:
        shown = ", ".join(available[:15]) + (", ..." if len(available) > 15 else "")
        message += f" (available: {shown})"
    return ScenarioError(Problem(message, path=full))


def _child(node: Node, segments: list[Segment], i: int, schema: Any) -> Node | None:
    """Child for ``segments[i]`` or None if absent; raises if the segment cannot apply here."""
    seg = segments[i]
    if node.is_map:
        if isinstance(seg, int):
            raise _fail(segments, i, "index", [])
        child: Node | None = node.value.get(seg)
        return child
    if node.is_list:
        items: list[Node] = node.value
        if isinstance(seg, int):
            if seg >= len(items):
                raise ScenarioError(Problem(f"index [{seg}] is out of range: the list has {len(items)} item(s)", path=format_path(segments)))
            return items[seg]
        key = item_key_field(tuple(segments[:i]))
        for item in items:
            if item_name(item, key) == seg:
                return item
        names = [n for n in (item_name(it, key) for it in items) if n]
        raise _fail(segments, i, f"item with {key}", names)
    raise ScenarioError(
        Problem(f"{format_path(segments[:i])} is a single value, so it has no {seg!r}", path=format_path(segments))
    )


def _missing_key(node: Node, segments: list[Segment], i: int, schema: Any) -> ScenarioError:
    allowed = fields.keys_at(schema, segments[:i]) or []
    if segments[i] in allowed and i + 1 < len(segments):
        return _left_out(segments, i, schema)
    present = list(node.value)
    return _fail(segments, i, "key", present + [k for k in allowed if k not in present])


def _left_out(segments: list[Segment], i: int, schema: Any) -> ScenarioError:
    """A path through a key the file leaves at its default (``forces`` when there are none): say so,
    rather than suggest the very key that was given."""
    here, inner = format_path(segments[: i + 1]), segments[i + 1]
    if fields.holds_list(schema, segments[: i + 1]):
        what = f"index [{inner}]" if isinstance(inner, int) else f"item with {item_key_field(tuple(segments[: i + 1]))} {inner!r}"
        message = f"no {what} under {here}: the scenario has no {here} (the list is empty)"
    else:
        message = f"no {inner!r} under {here}: the scenario leaves {here} out"
    return ScenarioError(Problem(message, path=format_path(segments)))


def get_node(root: Node, segments: list[Segment], schema: Any = None, depth: int | None = None) -> Node:
    """The node at a path (or at its first ``depth`` segments, errors still naming the whole path);
    raises ScenarioError naming the first segment that is not there."""
    node = root
    for i in range(len(segments) if depth is None else depth):
        nxt = _child(node, segments, i, schema)
        if nxt is None:
            raise _missing_key(node, segments, i, schema)
        node = nxt
    return node


def set_node(root: Node, segments: list[Segment], value: Node, schema: Any = None) -> None:
    """Put ``value`` at the path, creating mappings the schema expects but the file left out."""
    node = root
    for i in range(len(segments) - 1):
        nxt = _child(node, segments, i, schema)
        if nxt is None:
            if schema is None or not fields.holds_mapping(schema, segments[: i + 1]):
                raise _missing_key(node, segments, i, schema)
            nxt = Node({}, value.origin, value.origin)
            node.value[segments[i]] = nxt
        node = nxt
    last = segments[-1]
    if node.is_map:
        if isinstance(last, int):
            raise _fail(segments, len(segments) - 1, "index", [])
        if last not in node.value and schema is not None:
            allowed = fields.keys_at(schema, segments[:-1])
            if allowed is not None and last not in allowed:
                raise _missing_key(node, segments, len(segments) - 1, schema)
        old = node.value.get(last)
        value.key_origin = old.key_origin if old is not None and value.key_origin is None else value.key_origin or value.origin
        node.value[last] = value
        return
    target = _child(node, segments, len(segments) - 1, schema)
    index = next(n for n, item in enumerate(node.value) if item is target)
    node.value[index] = value


def remove_node(root: Node, segments: list[Segment], schema: Any = None) -> None:
    """Delete the list item or key at the path."""
    parent = get_node(root, segments, schema, depth=len(segments) - 1)
    target = _child(parent, segments, len(segments) - 1, schema)
    if target is None:
        raise _missing_key(parent, segments, len(segments) - 1, schema)
    if parent.is_map:
        del parent.value[segments[-1]]
    else:
        parent.value[:] = [item for item in parent.value if item is not target]


def append_nodes(root: Node, segments: list[Segment], items: list[Node], schema: Any = None) -> None:
    """Add items at the end of the list at the path (created if the schema expects a list there)."""
    try:
        target = get_node(root, segments, schema)
    except ScenarioError:
        if schema is None or not fields.holds_list(schema, segments):
            raise
        origin = items[0].origin if items else Origin()
        target = Node([], origin)
        set_node(root, segments, target, schema)
    if not target.is_list:
        raise ScenarioError(Problem(f"append needs a list, but {format_path(segments)} is not a list", path=format_path(segments)))
    target.value.extend(items)


def apply_overrides(raw: dict[str, Any], overrides: Mapping[str, Any], schema: Any = None) -> dict[str, Any]:
    """Return a copy of plain scenario data with each ``{key path: value}`` set.

    Args:
        raw: Plain scenario data (already merged with its ``extends`` parents).
        overrides: Key path -> new value (plain Python data).
        schema: Model class that says which absent keys may be created; by default the Scenario.

    Raises:
        ScenarioError: a path that does not exist, located at ``--set``.
    """
    if schema is None:
        from .schema import Scenario

        schema = Scenario
    origin = Origin("--set", via="--set")
    root = from_plain(raw, Origin())
    for path, value in overrides.items():
        try:
            set_path(root, path, from_plain(value, origin), schema)
        except ScenarioError as e:
            raise ScenarioError([_at_set(p, path) for p in e.problems]) from None
    result: dict[str, Any] = to_plain(root)
    return result


def _at_set(problem: Problem, path: str) -> Problem:
    return Problem(problem.message, file="--set", path=problem.path or path, got=problem.got, hint=problem.hint)


# -- globs -------------------------------------------------------------------------------------
def is_glob(text: str) -> bool:
    """Whether a key path has wildcards (``*``, ``?``) or alternatives (``{a,b}``)."""
    return any(ch in text for ch in "*?{")


def expand(root: Node, text: str, schema: Any = None) -> list[str]:
    """The concrete key paths a glob matches in ``root`` (a plain path comes back as it is).

    Raises:
        ScenarioError: the glob (or one of its alternatives) matches nothing, naming it and what
            is available where it failed.
    """
    if not is_glob(text):
        return [text]
    out: list[str] = []
    for alternative in _braces(text.strip()):
        segments = parse_path(alternative)
        found = _walk(root, segments, 0, [], schema, text)
        for path in found:
            if path not in out:
                out.append(path)
    return out


def set_path(root: Node, text: str, value: Node, schema: Any = None) -> list[str]:
    """Set ``value`` at every path a (glob) key path matches; returns the paths set."""
    paths = expand(root, text, schema)
    for i, path in enumerate(paths):
        try:
            set_node(root, parse_path(path), value if i == 0 else clone(value), schema)
        except ScenarioError as e:
            if path == text:
                raise
            raise ScenarioError([Problem(f"{p.message} (from the glob {text!r})", p.file, p.line, p.column, p.path,
                                         p.got, p.hint) for p in e.problems]) from None
    return paths


def scale_path(root: Node, text: str, factor: float, schema: Any = None, where: str = "--scale") -> list[str]:
    """Multiply the number at every path a (glob) key path matches by ``factor``.

    Integer fields stay integers (rounded to the nearest). Returns the paths scaled.

    Raises:
        ScenarioError: no match, or a match that is not a number (a distribution, a list...).
    """
    paths = expand(root, text, schema)
    for path in paths:
        node = get_node(root, parse_path(path), schema)
        x = node.value
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            shown = type(x).__name__ if not isinstance(x, (dict, list)) else ("a mapping" if isinstance(x, dict) else "a list")
            glob = f" (from the glob {text!r})" if path != text else ""
            raise ScenarioError(Problem(f"cannot scale {shown}: only numbers can be multiplied{glob}", file=where, path=path))
        scaled = x * factor
        if not math.isfinite(scaled):
            raise ScenarioError(Problem(f"scaling {x!r} by {factor:g} gives a number too large to hold", file=where, path=path))
        node.value = int(round(scaled)) if isinstance(x, int) else float(scaled)
        node.origin = Origin(where, via=where)  # an error in the scaled value is the scale's, not the file's line
    return paths


def parse_scales(items: Mapping[str, float] | Iterable[str]) -> list[tuple[str, float]]:
    """``PATH=FACTOR`` texts (or a mapping) as (path, factor) pairs; raises ScenarioError on bad text."""
    if isinstance(items, Mapping):
        return [(str(k), float(v)) for k, v in items.items()]
    out = []
    for text in items:
        path, eq, raw = str(text).rpartition("=")
        try:
            factor = float(raw)
        except ValueError:
            factor = float("nan")
        if not eq or not path.strip() or not (factor == factor) or factor in (float("inf"), float("-inf")):
            raise ScenarioError(Problem("expected PATH_GLOB=FACTOR with a finite number, e.g. forces.*.troops_per_unit=1.5",
                                        file="--scale", got=repr(text)))
        out.append((path.strip(), factor))
    return out


def _braces(text: str) -> list[str]:
    """``a.{b,c}.d`` -> ``["a.b.d", "a.c.d"]`` (every combination when there are several braces)."""
    parts = re.split(r"(\{[^{}]*\})", text)
    choices = [[a.strip() for a in p[1:-1].split(",")] if p.startswith("{") else [p] for p in parts]
    for p, c in zip(parts, choices):
        if p.startswith("{") and (not all(c) or len(c) < 1):
            raise ScenarioError(Problem(f"empty alternative in {p!r}", path=text))
    if "{" in "".join(p for p in parts if not p.startswith("{")) or "}" in "".join(p for p in parts if not p.startswith("{")):
        raise ScenarioError(Problem("unbalanced or nested braces in a key path glob", path=text))
    return ["".join(combo) for combo in itertools.product(*choices)]


def _walk(node: Node, segments: list[Segment], i: int, done: list[Segment], schema: Any, glob: str) -> list[str]:
    """Concrete paths below ``node`` matching ``segments[i:]``; literal segments that are absent
    are kept as they are (setting them may create them, or fail with the usual located error)."""
    if i == len(segments):
        return [format_path(done)]
    seg = segments[i]
    if isinstance(seg, int) or not any(ch in seg for ch in "*?"):
        try:
            child = _child(node, segments, i, schema)
        except ScenarioError:
            if is_glob(format_path(segments[i:])):
                raise
            return [format_path(done + list(segments[i:]))]  # let set_node report it precisely
        if child is None:
            if any(isinstance(s, str) and any(ch in s for ch in "*?") for s in segments[i:]):
                raise _no_match(segments, i, glob, [])
            return [format_path(done + list(segments[i:]))]
        return _walk(child, segments, i + 1, done + [seg], schema, glob)
    names: list[tuple[str, Node]] = []
    if node.is_map:
        names = [(k, v) for k, v in node.value.items()]
    elif node.is_list:
        key = item_key_field(tuple(done))
        names = [(n, item) for item in node.value if (n := item_name(item, key))]
    matched = [(n, child) for n, child in names if fnmatch.fnmatchcase(n, seg)]
    if not matched:
        raise _no_match(segments, i, glob, [n for n, _ in names])
    out: list[str] = []
    for name, child in matched:
        out += _walk(child, segments, i + 1, done + [name], schema, glob)
    return out


def _no_match(segments: list[Segment], i: int, glob: str, available: list[str]) -> ScenarioError:
    where = format_path(segments[:i]) or "the top level"
    shown = ", ".join(available[:15]) + (", ..." if len(available) > 15 else "")
    tail = f" (available: {shown})" if available else ""
    return ScenarioError(Problem(f"the glob {glob!r} matches nothing: no {segments[i]!r} under {where}{tail}", path=glob))
