"""Experimental designs for sweeps: which scenarios to run, as key-path overrides.

A sweep parameter is a key path with either a list of values (``forces.uk.rotation_depth=2,3,4``)
or a numeric range (``zones.kyiv.weight=0.5:2``; ``LOW:HIGH:STEPS`` gives evenly spaced values in
a grid). Three designs turn parameters into points, each point being ``{key path: value}``:

* :func:`grid`: every combination (the product of the value lists);
* :func:`latin_hypercube`: ``n`` points; each parameter's range is cut into ``n`` equal strata and
  every stratum is used exactly once, in an order drawn from a seeded generator;
* :func:`one_at_a_time`: the base case, then each parameter at its low and at its high value with
  every other parameter at base (what a tornado chart shows).

Integer fields (found from the schema's annotation at the key path) get integers: a range is
sampled uniformly over its integers, so each integer is equally likely.
"""

from __future__ import annotations

import itertools
import math
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
import yaml

from ..errors import Problem, UsageError

#: spawn_key of the generator that draws Latin hypercube points from the run seed. Replication
#: streams use one-element keys ``(i,)``, so this two-element key can never collide with them.
LHS_STREAM = (0x4C4853, 0)

Kind = Literal["values", "range"]


@dataclass(frozen=True)
class Param:
    """One swept key path: a list of values, or a numeric range ``low``..``high``."""

    path: str
    kind: Kind
    values: tuple[Any, ...] = ()
    low: float = math.nan
    high: float = math.nan
    steps: int | None = None
    integer: bool = False

    @property
    def text(self) -> str:
        """The parameter as it would be typed after ``--param``."""
        if self.kind == "range":
            rng = f"{show_value(self.low)}:{show_value(self.high)}"
            return f"{self.path}={rng}" + (f":{self.steps}" if self.steps else "")
        return f"{self.path}=" + ",".join(show_value(v) for v in self.values)

    def grid_values(self) -> list[Any]:
        """The values a grid takes: the list, or ``steps`` evenly spaced values of the range."""
        if self.kind == "values":
            return list(self.values)
        if not self.steps:
            raise UsageError(f"--param {self.text}: a grid needs a list V1,V2,... or LOW:HIGH:STEPS")
        xs = np.linspace(self.low, self.high, self.steps)
        return _dedupe([self.cast(x) for x in xs])

    def ends(self) -> tuple[Any, Any]:
        """Low and high values (for one-at-a-time)."""
        if self.kind == "range":
            return self.cast(self.low), self.cast(self.high)
        if len(self.values) != 2:
            raise UsageError(f"--param {self.text}: one-at-a-time needs LOW:HIGH or exactly two values V1,V2")
        return self.values[0], self.values[1]

    def cast(self, x: float) -> int | float:
        """A plain Python number of the field's type (integers rounded to nearest)."""
        return int(round(float(x))) if self.integer else float(x)

    def from_unit(self, u: float) -> Any:
        """Map ``u`` in [0, 1) to a value: linear over a range, equal shares over a list or integers."""
        if self.kind == "values":
            return self.values[min(len(self.values) - 1, int(u * len(self.values)))]
        if self.integer:
            lo, hi = int(math.ceil(self.low)), int(math.floor(self.high))
            return min(hi, lo + int(u * (hi - lo + 1)))
        return float(self.low + u * (self.high - self.low))


@dataclass(frozen=True)
class Point:
    """One scenario of a sweep: overrides on the base, and its role in the design.

    ``role`` is ``grid``, ``lhs``, ``base``, ``low`` or ``high``; ``param`` names the parameter a
    one-at-a-time ``low``/``high`` point moves.
    """

    index: int
    overrides: dict[str, Any] = field(default_factory=dict)
    role: str = "grid"
    param: str | None = None

    def describe(self) -> str:
        """``path=value, ...`` (or ``base``), for run records and messages."""
        if not self.overrides:
            return "base"
        return ", ".join(f"{k}={show_value(v)}" for k, v in self.overrides.items())


def parse_param(text: str, schema: Any = None) -> Param:
    """Parse ``KEY.PATH=V1,V2,...``, ``KEY.PATH=LOW:HIGH`` or ``KEY.PATH=LOW:HIGH:STEPS``.

    Args:
        text: as typed after ``--param``.
        schema: the scenario model; used to learn whether the field is an integer.

    Raises:
        UsageError: malformed text, naming the parameter.
    """
    path, eq, rhs = text.partition("=")
    path, rhs = path.strip(), rhs.strip()
    if not eq or not path or not rhs:
        raise UsageError(f"--param expects KEY.PATH=V1,V2,... or KEY.PATH=LOW:HIGH (got {text!r})")
    integer, numeric = _field_kind(schema, path)
    parts = _split_top(rhs, ",")
    if len(parts) == 1:
        bounds = _split_top(rhs, ":")
        if len(bounds) in (2, 3):
            nums = [_number(b) for b in bounds]
            known = [n for n in nums if n is not None]
            if len(known) == len(nums):
                return _range(path, text, known, integer, numeric)
    values = tuple(_value(p, path) for p in parts)
    if len(set(map(repr, values))) != len(values):
        raise UsageError(f"--param {path}: repeated value in {rhs!r}")
    if integer:
        values = tuple(_as_int(v, path) for v in values)
    return Param(path, "values", values=values, integer=integer)


def grid(params: Sequence[Param]) -> list[Point]:
    """Every combination of the parameters' values; the first parameter varies slowest."""
    if not params:
        raise UsageError("a sweep needs at least one --param")
    axes = [p.grid_values() for p in params]
    return [Point(k, dict(zip((p.path for p in params), combo)), "grid")
            for k, combo in enumerate(itertools.product(*axes))]


def latin_hypercube(params: Sequence[Param], n: int, seed: int) -> list[Point]:
    """``n`` points; each parameter's ``n`` equal strata are each used exactly once.

    The strata order and the position inside each stratum come from a generator seeded by
    ``SeedSequence(seed, spawn_key=LHS_STREAM)``, so the same seed gives the same points.
    """
    if not params:
        raise UsageError("a sweep needs at least one --param")
    if n < 1:
        raise UsageError(f"--lhs needs at least 1 point (got {n})")
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=LHS_STREAM))
    units = lhs_unit(len(params), n, rng)
    return [Point(k, {p.path: p.from_unit(float(units[k, j])) for j, p in enumerate(params)}, "lhs")
            for k in range(n)]


def lhs_unit(dims: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """An ``n x dims`` Latin hypercube in [0, 1): column j has one value in each [i/n, (i+1)/n)."""
    out = np.empty((n, dims))
    for j in range(dims):
        strata = rng.permutation(n)
        out[:, j] = (strata + rng.random(n)) / n
    return np.minimum(out, np.nextafter(1.0, 0.0))


def one_at_a_time(params: Sequence[Param]) -> list[Point]:
    """The base case (no overrides), then for each parameter its low and its high value."""
    if not params:
        raise UsageError("a sweep needs at least one --param")
    points = [Point(0, {}, "base")]
    for p in params:
        low, high = p.ends()
        points.append(Point(len(points), {p.path: low}, "low", p.path))
        points.append(Point(len(points), {p.path: high}, "high", p.path))
    return points


def check_distinct(params: Sequence[Param]) -> None:
    """Refuse the same key path twice."""
    seen: set[str] = set()
    for p in params:
        if p.path in seen:
            raise UsageError(f"--param {p.path} is given twice")
        seen.add(p.path)


# -- parsing helpers ---------------------------------------------------------------------------
def _range(path: str, text: str, nums: list[float], integer: bool, numeric: bool | None) -> Param:
    if numeric is False:
        raise UsageError(f"--param {path}: a range LOW:HIGH needs a numeric field; give values V1,V2,... (got {text!r})")
    low, high = nums[0], nums[1]
    if not high > low:
        raise UsageError(f"--param {path}: a range needs LOW < HIGH (got {show_value(low)}:{show_value(high)})")
    steps = None
    if len(nums) == 3:
        if nums[2] != int(nums[2]) or nums[2] < 2:
            raise UsageError(f"--param {path}: STEPS in LOW:HIGH:STEPS must be an integer >= 2 (got {show_value(nums[2])})")
        steps = int(nums[2])
    if integer and (low != int(low) or high != int(high)):
        raise UsageError(f"--param {path}: the field is an integer, so LOW and HIGH must be integers (got {text!r})")
    return Param(path, "range", low=float(low), high=float(high), steps=steps, integer=integer)


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets and quotes, so ``{dist: fixed, value: 3}`` stays whole."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _value(text: str, path: str) -> Any:
    if not text:
        raise UsageError(f"--param {path}: empty value in the list")
    from ..errors import ScenarioError
    from ..scenario.tracked import to_plain
    from ..scenario.yamlsafe import parse

    try:
        node = parse(text, "--param")  # the same YAML rules as --set (dates stay text)
    except ScenarioError as e:
        raise ScenarioError([Problem(p.message, file="--param", path=path, got=text) for p in e.problems]) from None
    return None if node is None else to_plain(node)


def _as_int(v: Any, path: str) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v  # anything else is left for the schema to reject, naming the path


def _field_kind(schema: Any, path: str) -> tuple[bool, bool | None]:
    """(is integer, is numeric) of the field at ``path``; numeric is None when unknown."""
    if schema is None:
        return False, None
    from ..errors import ScenarioError
    from ..scenario.fields import type_at
    from ..scenario.paths import parse_path

    try:
        tp = type_at(schema, parse_path(path))
    except ScenarioError as e:
        raise UsageError(f"--param: {e}") from None
    if tp is None:
        return False, None  # unknown path: validating the first point names it precisely
    members = _members(tp)
    numeric = [m for m in members if m in (int, float)]
    if not numeric:
        return False, False
    return all(m is int for m in numeric), True


def _members(tp: Any) -> list[Any]:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        return [m for a in get_args(tp) if a is not type(None) for m in _members(a)]
    return [tp]


def _dedupe(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def show_value(v: Any) -> str:
    """A value as typed on the command line (floats to 6 significant figures)."""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (dict, list)):
        return yaml.safe_dump(v, default_flow_style=True).strip()
    return str(v)
