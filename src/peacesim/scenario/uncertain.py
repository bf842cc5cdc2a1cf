"""Uncertain values: vague commitments written as ranges, resolved to their point value at load time.

A commitment such as "hundreds of troops" is written where the number goes::

    troops_per_unit: {explore: [200, 900], value: 350, claim: C01}            # uniform range
    tour_days: {explore: {dist: triangular, low: 120, mode: 180, high: 240}, value: 180}
    rotation_depth: {explore: {choices: [2, 3, 4]}, value: 3}

An element whose commitment is only potential carries ``explore: {present: 0.5, claim: C07}``; and
the top-level ``explore:`` mapping names groups: ``{count: [6, 10], of: [forces.partner_01, ...]}``
(how many of the listed elements take part: the first COUNT, so list them from most to least
likely) or ``{present: 0.5, of: [...]}`` (elements that come or stay away together).

:func:`extract` replaces every such value by its point value (``value:``; an element is present
unless ``value: false``; a count defaults to all listed) and returns the list of uncertain
parameters beside the tree, so ``run`` and the model see plain numbers and ``explore`` applies
sampled values as key-path overrides and removals, the mechanism of ``--set`` and ``remove:``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from ..errors import Problem, ScenarioError
from .base import ClaimId, Probability, Spec
from .distributions import Distribution
from .locate import show, walk
from .paths import format_path, parse_path, remove_node, set_node
from .tracked import Node, Origin, clone, from_plain, item_key_field, item_name

Kind = Literal["range", "dist", "choices", "present", "count"]
_VALUE_KEYS = {"explore", "value", "claim"}


class Choices(Spec):
    """A list of possible values, each equally likely."""

    choices: list[Any] = Field(min_length=2, description="The values the uncertain value may take.")


class _Uncertain(Spec):
    value: Any = Field(description="The point value: what a plain run uses.")
    claim: ClaimId | None = Field(default=None, description="The claim whose vagueness this range expresses.")


class RangeValue(_Uncertain):
    """``{explore: [LOW, HIGH], value: V, claim: C01}``: any value in the range, equally likely."""

    explore: tuple[float, float] = Field(description="[LOW, HIGH] of a uniform range (integers for integer keys).")

    @model_validator(mode="after")
    def _inside(self) -> "RangeValue":
        low, high = self.explore
        if not low < high:
            raise ValueError(f"a range needs LOW < HIGH (got [{low}, {high}])")
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)) or not low <= self.value <= high:
            raise ValueError(f"value must be a number inside the range [{low}, {high}] (got {show(self.value)})")
        return self


class DistValue(_Uncertain):
    """``{explore: {dist: NAME, ...}, value: V}``: drawn from one of the language's distributions."""

    explore: Distribution = Field(description="A distribution spec, as for any random quantity.")


class ChoiceValue(_Uncertain):
    """``{explore: {choices: [...]}, value: V}``: one of a list of values."""

    explore: Choices

    @model_validator(mode="after")
    def _listed(self) -> "ChoiceValue":
        if self.value not in self.explore.choices:
            raise ValueError(f"value must be one of the choices {show(self.explore.choices)} (got {show(self.value)})")
        return self


class Presence(Spec):
    """``explore: {present: P}`` on an element: in the package with probability P, else left out."""

    present: Probability = Field(description="Probability that the element is part of the package.")
    value: bool = Field(default=True, description="Whether a plain run includes it.")
    claim: ClaimId | None = Field(default=None, description="The claim that makes it only potential.")


class Group(Spec):
    """A top-level ``explore:`` entry: how many of the listed elements take part, or whether they come together."""

    of: list[str] = Field(min_length=1, description="Key paths of the elements (forces.partner_01, ...).")
    count: tuple[int, int] | None = Field(default=None, description="[LOW, HIGH] of how many take part (the first ones listed).")
    present: Probability | None = Field(default=None, description="Probability that all of them take part.")
    value: int | bool | None = Field(default=None, description="Point value: the count, or whether present (default: all).")
    claim: ClaimId | None = Field(default=None, description="The claim whose vagueness this expresses.")

    @model_validator(mode="after")
    def _one_kind(self) -> "Group":
        if (self.count is None) == (self.present is None):
            raise ValueError("give exactly one of count: [LOW, HIGH] or present: P")
        if self.count is not None:
            low, high = self.count
            if not 0 <= low < high <= len(self.of):
                raise ValueError(f"count needs 0 <= LOW < HIGH <= {len(self.of)} (the number listed) (got [{low}, {high}])")
            if self.value is not None and (isinstance(self.value, bool) or not low <= self.value <= high):
                raise ValueError(f"value must be a count inside [{low}, {high}] (got {show(self.value)})")
        elif self.value is not None and not isinstance(self.value, bool):
            raise ValueError(f"value of a present: group is true or false (got {show(self.value)})")
        return self


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter of a scenario: what varies, over what, its point value and its claim."""

    name: str
    kind: Kind
    point: Any
    claim: str | None = None
    low: float = math.nan
    high: float = math.nan
    dist: dict[str, Any] | None = None
    choices: tuple[Any, ...] = ()
    p: float = math.nan
    members: tuple[str, ...] = ()
    integer: bool = False
    origin: Origin | None = None

    @property
    def where(self) -> str:
        """Where the range is written, e.g. ``baseline.yaml:360``."""
        return self.origin.label() if self.origin is not None else ""

    @property
    def label(self) -> str:
        """``C01 forces.uk.troops_per_unit`` (the claim first when there is one)."""
        return f"{self.claim} {self.name}" if self.claim else self.name

    def describe(self) -> str:
        """The range as written, for ``explain`` and reports."""
        if self.kind == "range":
            return f"[{_num(self.low)}, {_num(self.high)}]"
        if self.kind == "dist":
            return show(self.dist, limit=200)
        if self.kind == "choices":
            return "choices " + show(list(self.choices), limit=200)
        if self.kind == "count":
            return f"count [{int(self.low)}, {int(self.high)}] of {len(self.members)}"
        return f"present {_num(self.p)}"

    def edits(self, value: Any) -> tuple[dict[str, Any], list[str]]:
        """The key-path overrides and removals that give this parameter ``value``."""
        if self.kind == "present":
            return {}, ([] if value else list(self.members))
        if self.kind == "count":
            return {}, list(self.members[int(value):])
        return {self.name: value}, []


@dataclass(frozen=True)
class Space:
    """The uncertain parameters of a scenario, in file order."""

    params: tuple[Uncertain, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def points(self) -> dict[str, Any]:
        """Every parameter at its point value."""
        return {u.name: u.point for u in self.params}

    def edits(self, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Overrides and removals for ``values`` (parameters not named stay at their point value)."""
        overrides: dict[str, Any] = {}
        removals: list[str] = []
        for u in self.params:
            o, r = u.edits(values.get(u.name, u.point))
            overrides.update(o)
            removals += [x for x in r if x not in removals]
        return overrides, removals


def realise(tree: Node, space: Space, values: dict[str, Any], via: str = "explore") -> Node:
    """A copy of ``tree`` (as :func:`extract` returns it) with the parameters at ``values``.

    Only the nodes on the way to an edited value are copied (shallowly); every other subtree is
    shared with ``tree``, which is left unchanged. An exploration realises the tree once per point,
    and a deep copy of it was most of the time spent planning; the copy is only ever read.
    """
    out = _shallow(tree)
    overrides, removals = space.edits(values)
    origin = Origin(via, via=via)
    for path, value in overrides.items():
        segments = parse_path(path)
        _own_way(out, segments)
        set_node(out, segments, from_plain(value, origin))
    for path in removals:
        segments = parse_path(path)
        _own_way(out, segments)
        remove_node(out, segments)
    timeline = out.get("timeline")
    if removals and timeline is not None:
        out.value["timeline"] = _shallow(timeline)
    _drop_moot_changes(out, {str(parse_path(p)[-1]) for p in removals})
    return out


def _shallow(node: Node) -> Node:
    """A new node over a copy of ``node``'s own mapping or list (the children are shared)."""
    value = node.value
    if isinstance(value, dict):
        value = dict(value)
    elif isinstance(value, list):
        value = list(value)
    return Node(value, node.origin, node.key_origin)


def _own_way(root: Node, segments: list[Any]) -> None:
    """Replace the nodes from ``root`` (already a copy) down to the parent of the path's end by shallow copies.

    An edit at the path then changes only copies. Where the path does not resolve, the copies stop
    and the edit itself reports the problem.
    """
    node = root
    for i, seg in enumerate(segments[:-1]):
        if isinstance(node.value, dict) and isinstance(seg, str) and seg in node.value:
            child = node.value[seg] = _shallow(node.value[seg])
        elif isinstance(node.value, list):
            at = _list_index(node.value, seg, item_key_field(tuple(segments[:i])))
            if at is None:
                return
            child = node.value[at] = _shallow(node.value[at])
        else:
            return
        node = child


def _list_index(items: list[Node], seg: Any, key: str) -> int | None:
    """The index the path segment ``seg`` picks in ``items``, as :func:`set_node` resolves it (None: not there)."""
    if isinstance(seg, int):
        return seg if -len(items) <= seg < len(items) else None
    return next((n for n, item in enumerate(items) if item_name(item, key) == seg), None)


def _drop_moot_changes(tree: Node, removed: set[str]) -> None:
    """Timeline changes aimed at an element that is left out (a withdrawal of what never came) go too."""
    timeline = tree.get("timeline")
    if removed and timeline is not None and timeline.is_list:
        timeline.value[:] = [c for c in timeline.value
                             if not (c.is_map and c.get("target") is not None and c.value["target"].value in removed)]


def extract(tree: Node, schema: Any = None, strict: bool = True) -> tuple[Node, Space]:
    """``tree`` with every uncertain value replaced by its point value, and the uncertain parameters.

    Every element stays in the returned tree (a plain run removes those whose point value says
    absent through :func:`realise`). With ``strict=False`` (a variant that removed some listed
    elements), a group keeps the elements still there and its count range shrinks to fit.
    Raises ScenarioError, one located problem per bad spec.
    """
    out = clone(tree)
    found: list[Uncertain] = []
    problems: list[Problem] = []
    groups = out.value.pop("explore", None) if out.is_map else None
    _walk(out, [], found, problems, schema)
    if groups is not None:
        found += _groups(groups, out, problems, strict)
    if problems:
        raise ScenarioError(problems)
    names = [u.name for u in found]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(Problem(f"uncertain more than once: {', '.join(dupes)}", path="explore"))
    return out, Space(tuple(found))


def _walk(node: Node, path: list[str | int], found: list[Uncertain], problems: list[Problem], schema: Any,
          item: bool = False) -> None:
    if node.is_list:
        key = item_key_field(tuple(path))
        for n, child in enumerate(node.value):
            _walk(child, [*path, item_name(child, key) or n], found, problems, schema, True)
        return
    if not node.is_map:
        return
    for key, child in list(node.value.items()):
        where = [*path, key]
        if child.is_map and "explore" in child.value and set(child.value) <= _VALUE_KEYS:
            u = _value(child, format_path(where), problems, schema)
            if u is not None:
                found.append(u)
                node.value[key] = Node(u.point, child.get("value").origin, child.key_origin)
        elif key == "explore" and item:
            node.value.pop("explore")
            u = _presence(child, format_path(path), problems)
            if u is not None:
                found.append(u)
        else:
            _walk(child, where, found, problems, schema)


def _validated(model: Any, node: Node, path: str, problems: list[Problem]) -> Any:
    """``model`` validated from the node's plain data, or None with located problems added."""
    from .tracked import to_plain

    try:
        return TypeAdapter(model).validate_python(to_plain(node))
    except ValidationError as err:
        for e in err.errors(include_url=False):
            user, _typed, _node, origin = walk(node, tuple(e["loc"]))
            message = e["msg"].removeprefix("Value error, ")
            got = None if e["type"] in ("missing", "value_error") else show(e["input"])
            problems.append(Problem(message if e["type"] != "missing" else "required key is missing", origin.file,
                                    origin.line, origin.column, ".".join([path, *map(str, user)]), got))
        return None


def _place(node: Node) -> Origin:
    return node.key_origin or node.origin


def _value(node: Node, path: str, problems: list[Problem], schema: Any) -> Uncertain | None:
    spec = node.value["explore"]
    model: Any
    if spec.is_list:
        model = RangeValue
    elif spec.is_map and "choices" in spec.value:
        model = ChoiceValue
    elif spec.is_map and "dist" in spec.value:
        model = DistValue
    else:
        o = spec.origin
        problems.append(Problem("explore takes [LOW, HIGH], {dist: NAME, ...} or {choices: [...]}", o.file, o.line,
                                o.column, f"{path}.explore", show(_plain(spec))))
        return None
    v = _validated(model, node, path, problems)
    if v is None:
        return None
    integer = _is_integer(schema, path)
    common = {"name": path, "point": v.value, "claim": v.claim, "integer": integer, "origin": _place(node)}
    if isinstance(v, RangeValue):
        return Uncertain(kind="range", low=v.explore[0], high=v.explore[1], **common)
    if isinstance(v, ChoiceValue):
        return Uncertain(kind="choices", choices=tuple(v.explore.choices), **common)
    return Uncertain(kind="dist", dist=v.explore.model_dump(mode="json", by_alias=True), **common)


def _presence(node: Node, path: str, problems: list[Problem]) -> Uncertain | None:
    v = _validated(Presence, node, f"{path}.explore", problems)
    if v is None:
        return None
    return Uncertain(path, "present", bool(v.value), v.claim, p=v.present, members=(path,), origin=_place(node))


def _groups(groups: Node, tree: Node, problems: list[Problem], strict: bool = True) -> list[Uncertain]:
    from .paths import get_node

    if not groups.is_map:
        o = groups.origin
        problems.append(Problem("explore: at the top level is a mapping of named groups", o.file, o.line, o.column,
                                "explore", show(_plain(groups))))
        return []
    out = []
    for name, node in groups.value.items():
        v = _validated(Group, node, f"explore.{name}", problems)
        if v is None:
            continue
        kept = []
        for n, member in enumerate(v.of):
            try:
                get_node(tree, parse_path(member))
                kept.append(member)
            except ScenarioError as e:
                o = node.value["of"].value[n].origin
                if strict:
                    problems += [Problem(p.message, o.file, o.line, o.column, f"explore.{name}.of[{n}]") for p in e.problems]
        if not kept:
            continue
        if v.count is not None:
            low, high = min(v.count[0], len(kept)), min(v.count[1], len(kept))
            point = len(kept) if v.value is None else min(int(v.value), len(kept))
            if low < high:
                out.append(Uncertain(name, "count", point, v.claim, low=low, high=high, members=tuple(kept),
                                     integer=True, origin=_place(node)))
        else:
            point = True if v.value is None else bool(v.value)
            out.append(Uncertain(name, "present", point, v.claim, p=float(v.present or 0.0), members=tuple(kept),
                                 origin=_place(node)))
    return out


def _is_integer(schema: Any, path: str) -> bool:
    if schema is None:
        return False
    from .fields import _members, type_at

    try:
        tp = type_at(schema, parse_path(path))
    except ScenarioError:
        return False
    numeric = [m for m in _members(tp) if m in (int, float)] if tp is not None else []
    return bool(numeric) and all(m is int for m in numeric)


def _plain(node: Node) -> Any:
    from .tracked import to_plain

    return to_plain(node)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


__all__ = ["Choices", "ChoiceValue", "DistValue", "Group", "Presence", "RangeValue", "Space", "Uncertain",
           "extract", "realise"]
