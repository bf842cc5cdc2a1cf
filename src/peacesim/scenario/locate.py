"""Turn pydantic validation errors into :class:`~peacesim.errors.Problem` lines a person can act on.

A pydantic error location such as ``('forces', 2, 'deployment_delay_days', 'triangular', 'mode')``
is walked through the loader's :class:`~.tracked.Node` tree to find the file, line and column that
supplied the value, and rewritten as the key path a user would type: list items by id where they
have one (``forces.uk.deployment_delay_days.mode``), else by index (``timeline[0].day``).
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from . import fields
from .base import REF_TAGS
from .paths import Segment, format_path, get_node, parse_path
from .tracked import Node, Origin, item_key_field, item_name

_UNION_TAGS = {"fixed", "exponential", "uniform", "triangular", "normal", "lognormal", "poisson", "empirical",
               "withdraw", "scale_threat", *REF_TAGS}


def walk(root: Node, loc: tuple[Any, ...]) -> tuple[list[Segment], list[Segment], Node, Origin]:
    """Follow a pydantic location through the tree.

    Returns:
        The user key path, the same path with list indexes (for the schema), the deepest node
        reached, and the origin to report (a key's position for mappings, a value's for scalars).
    """
    user: list[Segment] = []
    typed: list[Segment] = []
    node, origin = root, root.origin
    stopped = False
    for seg in loc:
        if seg == "[key]":
            origin = node.key_origin or node.origin
            continue
        if stopped:
            if not (isinstance(seg, str) and seg in _UNION_TAGS):
                user.append(seg)
                typed.append(seg)
            continue
        if node.is_map and seg in node.value:
            node = node.value[seg]
            user.append(seg)
            origin = node.origin if not (node.is_map or node.is_list) else (node.key_origin or node.origin)
        elif node.is_list and isinstance(seg, int) and seg < len(node.value):
            item = node.value[seg]
            name = item_name(item, item_key_field(tuple(user)))
            user.append(name if name is not None else seg)
            node, origin = item, item.origin
        elif isinstance(seg, str) and seg in _UNION_TAGS:
            pass  # the tag of a union member, not a key the user wrote
        elif not (node.is_map or node.is_list) and seg == "value":
            pass  # a bare number standing for {dist: fixed, value: ...}
        else:
            stopped = True
            user.append(seg)
        typed.append(seg)
    return user, typed, node, origin


def show(value: Any, limit: int = 60) -> str:
    """A value as a short one-line text for ``(got ...)``."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    else:
        text = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problems_from(err: ValidationError, root: Node, model: type[BaseModel], prefix: tuple[Any, ...] = ()) -> list[Problem]:
    """One Problem per pydantic error, located in the tree (cross-reference errors split out)."""
    from .schema import CrossReferenceError

    out: list[Problem] = []
    missing: dict[tuple[str, str], Problem] = {}  # (parent path, key) of each required key that is missing
    meant: set[tuple[str, str]] = set()  # (parent path, key) an unknown key there is taken to mean
    for e in err.errors(include_url=False):
        cause = (e.get("ctx") or {}).get("error")
        if isinstance(cause, CrossReferenceError):
            out += [_cross_reference(root, path, message) for path, message in cause.problems]
            continue
        loc = tuple(prefix) + tuple(e["loc"])
        user, typed, node, origin = walk(root, loc)
        message = e["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        got: str | None = show(e["input"])
        if e["type"] == "missing":
            message, got = "required key is missing", None
        elif isinstance(e["input"], dict) and e["type"] in ("value_error", "assertion_error"):
            got = None  # a rule across several keys: the message names the values
        elif e["type"] == "extra_forbidden":
            message = _unknown_key(model, typed)
            origin = node.key_origin or origin
            if m := re.search(r"did you mean '([^']+)'", message):
                meant.add((format_path(user[:-1]), m[1]))
        problem = Problem(message, file=origin.file, line=origin.line, column=origin.column,
                          path=format_path(user) or None, got=got, hint=_via(origin))
        if e["type"] == "missing" and user:
            missing[(format_path(user[:-1]), str(user[-1]))] = problem
        out.append(problem)
    # 'tour_dayz: unknown key; did you mean tour_days?' says it all: no second line that tour_days is missing
    redundant = {id(missing[k]) for k in meant if k in missing}
    return [p for p in out if id(p) not in redundant]


def _unknown_key(model: type[BaseModel], typed: list[Segment]) -> str:
    allowed = fields.keys_at(model, typed[:-1]) or []
    close = difflib.get_close_matches(str(typed[-1]), allowed, n=1, cutoff=0.6)
    message = "unknown key"
    if close:
        return message + f"; did you mean {close[0]!r}?"
    if allowed:
        message += f"; expected one of {', '.join(allowed)}"
    return message


def locate_source_entry(root: Node, element: str, key: str, message: str) -> Problem:
    """A Problem at an element's ``sources`` entry (the key may hold a dot: ``kill_probability.cruise``)."""
    path = f"{element}.sources.{key}"
    try:
        entry = get_node(root, [*parse_path(element), "sources"]).get(key)
    except Exception:  # noqa: BLE001 - the element is always there; fall back to the nearest part
        entry = None
    if entry is None:
        return _cross_reference(root, path, message)
    origin = entry.key_origin or entry.origin
    return Problem(message, file=origin.file, line=origin.line, column=origin.column, path=path, hint=_via(origin))


def _cross_reference(root: Node, path: str, message: str) -> Problem:
    """Locate a (key path, message) pair from the schema's cross-reference rules."""
    segments = parse_path(path)
    node = root
    for n in range(len(segments), 0, -1):  # the deepest part of the path that exists
        try:
            node = get_node(root, segments[:n])
            break
        except Exception:  # noqa: BLE001 - a shorter prefix will do
            continue
    origin = (node.key_origin or node.origin) if (node.is_map or node.is_list) else node.origin
    return Problem(message, file=origin.file, line=origin.line, column=origin.column, path=path, hint=_via(origin))


def _via(origin: Origin) -> str | None:
    return f"set by {origin.via}" if origin.via and origin.via != origin.file else None
