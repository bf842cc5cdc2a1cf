"""Find what the scenario schema allows at a key path, from the pydantic models themselves.

Used to suggest keys ("did you mean 'tour_days'?") and to let ``--set`` create a key that the
file leaves at its default. Paths may be user paths (list items by id) or pydantic error
locations (list items by index, union members by their tag such as ``triangular``).
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

ANY = object()  # marker: anything is allowed here (free-form mapping or value)


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _members(tp: Any) -> list[Any]:
    """The alternatives of a union (Optional removed), else ``[tp]``."""
    tp = _unwrap(tp)
    if get_origin(tp) in (Union, types.UnionType):
        return [_unwrap(a) for a in get_args(tp) if a is not type(None)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def model_keys(model: type[BaseModel]) -> dict[str, Any]:
    """Key as written in YAML (alias if any) -> annotation."""
    return {(f.alias or name): f.annotation for name, f in model.model_fields.items()}


def _tags(model: type[BaseModel]) -> set[str]:
    """Literal values of the discriminator-like fields (``dist``, ``change``) of a model."""
    out: set[str] = set()
    for key in ("dist", "change"):
        field = model.model_fields.get(key)
        if field is not None and get_origin(field.annotation) is Literal:
            out.update(str(a) for a in get_args(field.annotation))
    return out


def type_at(root: Any, path: list[str | int]) -> Any:
    """The annotation at ``path`` below ``root``; :data:`ANY` when free-form, None when unknown."""
    current: list[Any] = [root]
    for seg in path:
        nxt: list[Any] = []
        for tp in (m for c in current for m in _members(c)):
            origin = get_origin(tp)
            if _is_model(tp):
                keys = model_keys(tp)
                if seg in keys:
                    nxt.append(keys[seg])
                elif isinstance(seg, str) and seg in _tags(tp):
                    nxt.append(tp)  # a union tag in a pydantic location
            elif origin in (list, tuple):
                nxt.append(get_args(tp)[0])
            elif origin is dict:
                nxt.append(get_args(tp)[1] if seg != "[key]" else get_args(tp)[0])
            elif tp is Any:
                return ANY
        if not nxt:
            return None
        current = nxt
    return current[0] if len(current) == 1 else Union[tuple(current)]


def keys_at(root: Any, path: list[str | int]) -> list[str] | None:
    """Keys a mapping at ``path`` may hold; None when any key is allowed or the path is unknown."""
    tp = type_at(root, path)
    if tp is None or tp is ANY:
        return None
    keys: list[str] = []
    for m in _members(tp):
        if _is_model(m):
            keys += [k for k in model_keys(m) if k not in keys]
        elif get_origin(m) is dict or m is Any:
            return None
    return keys


def holds_mapping(root: Any, path: list[str | int]) -> bool:
    """Whether the schema expects a mapping (model or dict) at ``path``."""
    tp = type_at(root, path)
    return tp is ANY or any(_is_model(m) or get_origin(m) is dict for m in _members(tp)) if tp is not None else False


def holds_list(root: Any, path: list[str | int]) -> bool:
    """Whether the schema expects a list at ``path``."""
    tp = type_at(root, path)
    return tp is not None and (tp is ANY or any(get_origin(m) in (list, tuple) for m in _members(tp)))
