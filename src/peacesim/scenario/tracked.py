"""Plain YAML data that remembers where each value was written.

The loader keeps scenario data as a tree of :class:`Node` while it merges ``extends`` files and
applies variants and ``--set`` overrides, so that a validation error found later can still point
at the file, line and column (or the variant, or ``--set``) that supplied the offending value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where a value came from: a place in a file, possibly via a variant or ``--set``."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    via: str | None = None

    def label(self) -> str:
        """Short human label, e.g. ``baseline.yaml:12``, ``variant two_deep (baseline.yaml:80)``, ``--set``."""
        place = self.file or ""
        if self.file and self.line is not None:
            place += f":{self.line}"
        if self.via and self.via != place:
            return f"{self.via} ({place})" if place and self.file != self.via else self.via
        return place or "unknown"


@dataclass
class Node:
    """One value of the tree: a ``dict[str, Node]``, a ``list[Node]`` or a scalar."""

    value: Any
    origin: Origin
    key_origin: Origin | None = None

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    def get(self, key: str) -> "Node | None":
        """The child under ``key`` of a mapping (None if absent or not a mapping)."""
        return self.value.get(key) if isinstance(self.value, dict) else None


def to_plain(node: Node) -> Any:
    """The tree as plain dicts, lists and scalars (what pydantic validates)."""
    if isinstance(node.value, dict):
        return {k: to_plain(v) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [to_plain(v) for v in node.value]
    return node.value


def from_plain(value: Any, origin: Origin) -> Node:
    """Wrap plain data; every part gets the same origin (used for API and ``--set`` values)."""
    if isinstance(value, dict):
        return Node({str(k): from_plain(v, origin) for k, v in value.items()}, origin)
    if isinstance(value, (list, tuple)):
        return Node([from_plain(v, origin) for v in value], origin)
    return Node(value, origin)


def clone(node: Node, via: str | None = None) -> Node:
    """A deep copy; with ``via``, every origin is marked as supplied through it (e.g. a variant)."""

    def mark(o: Origin | None) -> Origin | None:
        return o if o is None or via is None else replace(o, via=via)

    if isinstance(node.value, dict):
        value: Any = {k: clone(v, via) for k, v in node.value.items()}
    elif isinstance(node.value, list):
        value = [clone(v, via) for v in node.value]
    else:
        value = node.value
    return Node(value, mark(node.origin) or node.origin, mark(node.key_origin))


def item_key_field(list_path: tuple[str | int, ...]) -> str:
    """The field that names items of a list: ``mode`` for the top-level ``lift`` list, else ``id``."""
    return "mode" if tuple(list_path) == ("lift",) else "id"


def item_name(item: Node, key_field: str = "id") -> str | None:
    """The id (or lift mode) of a list item, if it has one."""
    if isinstance(item.value, dict):
        named = item.value.get(key_field) or item.value.get("id")
        if named is not None and isinstance(named.value, str):
            return named.value
    return None
