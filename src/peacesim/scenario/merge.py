"""How a child scenario's keys combine with its ``extends`` parent's.

- Mappings merge key by key, recursively; the child's value wins for a key both define.
- Lists whose items are all mappings carrying an ``id`` (``mode`` in ``lift``) merge by id: a
  child item deep-merges into the parent item with the same id, and new ids are appended in
  the child's order.
- Any other list, and any scalar, is replaced by the child's.
- One entry of an element's ``sources:`` map is replaced whole: a child that says a number is
  derived does not inherit the parent's quote or range for it.
"""

from __future__ import annotations

from .tracked import Node, clone, item_key_field, item_name


def merge(parent: Node, child: Node, path: tuple[str | int, ...] = ()) -> Node:
    """A new tree: ``child`` laid over ``parent`` by the rules above; inputs are not changed."""
    if parent.is_map and child.is_map:
        out = {k: clone(v) for k, v in parent.value.items()}
        whole = bool(path) and path[-1] == "sources" and not (len(path) == 2 and path[0] == "metadata")
        for key, value in child.value.items():
            out[key] = merge(out[key], value, (*path, key)) if key in out and not whole else clone(value)
            if value.key_origin is not None:
                out[key].key_origin = value.key_origin
        return Node(out, child.origin, child.key_origin)
    if parent.is_list and child.is_list:
        key = item_key_field(path)
        names = [item_name(i, key) for i in parent.value + child.value]
        if names and all(names):
            return _merge_by_id(parent, child, path, key)
    return clone(child)


def _merge_by_id(parent: Node, child: Node, path: tuple[str | int, ...], key: str) -> Node:
    items = [clone(i) for i in parent.value]
    index = {item_name(i, key): n for n, i in enumerate(items)}
    for item in child.value:
        name = item_name(item, key)
        if name in index:
            items[index[name]] = merge(items[index[name]], item, (*path, name or ""))
        else:
            index[name] = len(items)
            items.append(clone(item))
    return Node(items, child.origin, child.key_origin)
