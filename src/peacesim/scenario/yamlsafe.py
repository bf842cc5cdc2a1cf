"""Read YAML safely, keeping the line and column of every key and value.

Only plain YAML is accepted: mappings, sequences, strings, numbers, booleans and null. Python
tags (``!!python/object``) and other custom tags are refused, as are duplicate keys (YAML keeps the
last one silently), merge keys (``<<``), recursive anchors and documents that expand into too many
nodes through aliases (the "billion laughs" attack). Timestamps are kept as the text written
(``2025-08-19``), so dates read the same in Python, JSON and the JSON Schema.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Problem, ScenarioError
from .tracked import Node, Origin

#: Largest file we read, bytes. Scenario files are a few kilobytes.
MAX_BYTES = 5_000_000
#: Most nodes a document may expand to, counting every use of an alias.
MAX_NODES = 200_000
#: Most alias uses (``*name``) a document may contain.
MAX_ALIASES = 1_000

_PLAIN = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_PLAIN + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path) -> str:
    """The UTF-8 text of a scenario file, or a one-line :class:`ScenarioError` saying why not."""
    name = str(path)
    if not path.exists():
        raise ScenarioError(Problem("file not found", file=name))
    if path.is_dir():
        raise ScenarioError(Problem("is a directory, expected a YAML file", file=name))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ScenarioError(Problem(f"cannot read file: {e.strerror}", file=name)) from e
    if len(data) > MAX_BYTES:
        raise ScenarioError(Problem(f"file is too large ({len(data)} bytes; limit {MAX_BYTES})", file=name))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ScenarioError(Problem("binary content (NUL byte), expected a YAML text file", file=name, line=line))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ScenarioError(
            Problem(f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8", file=name, line=line, column=col)
        ) from e
    return text.removeprefix("\ufeff")


def load_file(path: Path | str) -> Node:
    """Parse a YAML file whose top level must be a mapping; see :func:`parse`."""
    path = Path(path)
    node = parse(read_text(path), str(path))
    if node is None:
        raise ScenarioError(Problem("file is empty, expected a mapping of keys (metadata, zones, ...)", file=str(path)))
    if not node.is_map:
        kind = "a list" if node.is_list else f"a single value ({node.value!r})"
        raise ScenarioError(
            Problem(f"top level must be a mapping of keys, got {kind}", file=str(path), line=node.origin.line, column=node.origin.column)
        )
    return node


def parse(text: str, source: str) -> Node | None:
    """Parse one YAML document into a :class:`Node` tree (None for an empty document).

    Args:
        text: The YAML text.
        source: Name used in error messages and origins (a file name, or ``--set``).

    Raises:
        ScenarioError: syntax errors and everything this module refuses, with line and column.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)  # noqa: S506 - a safe loader; composing only
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = " ".join(str(p) for p in (e.context, e.problem) if p) or "invalid YAML"
        raise ScenarioError(
            Problem(f"invalid YAML: {message}", file=source, line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None)
        ) from e
    except yaml.YAMLError as e:
        raise ScenarioError(Problem(f"invalid YAML: {e}", file=source)) from e
    if root is None:
        return None
    return _Builder(source).build(root)


class _Builder:
    """Turns a composed YAML node graph into a :class:`Node` tree, enforcing the rules above."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.nodes = 0
        self.aliases = 0
        self.seen: set[int] = set()
        self.stack: set[int] = set()
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used

    def origin(self, ynode: yaml.Node) -> Origin:
        m = ynode.start_mark
        return Origin(self.source, m.line + 1, m.column + 1)

    def fail(self, ynode: yaml.Node, message: str) -> ScenarioError:
        o = self.origin(ynode)
        return ScenarioError(Problem(message, file=o.file, line=o.line, column=o.column))

    def build(self, ynode: yaml.Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(ynode, f"document expands to more than {MAX_NODES} values (alias bomb?)")
        key = id(ynode)
        if isinstance(ynode, yaml.ScalarNode):
            return Node(self.scalar(ynode), self.origin(ynode))
        if key in self.stack:
            raise self.fail(ynode, "recursive alias: an anchor refers to itself")
        if key in self.seen:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self.fail(ynode, f"more than {MAX_ALIASES} alias uses (alias bomb?)")
        self.seen.add(key)
        self.stack.add(key)
        try:
            if isinstance(ynode, yaml.SequenceNode):
                self.check_tag(ynode, _PLAIN + "seq")
                return Node([self.build(item) for item in ynode.value], self.origin(ynode))
            self.check_tag(ynode, _PLAIN + "map")
            if not isinstance(ynode, yaml.MappingNode):  # the composer makes only scalars, sequences and mappings
                raise self.fail(ynode, f"unsupported YAML node {type(ynode).__name__}")
            return self.mapping(ynode)
        finally:
            self.stack.discard(key)

    def mapping(self, ynode: yaml.MappingNode) -> Node:
        out: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        for knode, vnode in ynode.value:
            if knode.tag == _PLAIN + "merge":
                raise self.fail(knode, "YAML merge keys (<<) are not supported; use extends: or repeat the keys")
            if not isinstance(knode, yaml.ScalarNode):
                raise self.fail(knode, "a key must be a plain word, not a list or mapping")
            self.check_tag(knode, None)
            name = knode.value  # the text as written: 'no:' stays "no", not False
            if name in out:
                raise self.fail(knode, f"duplicate key {name!r} (first at line {first_line[name]})")
            first_line[name] = knode.start_mark.line + 1
            child = self.build(vnode)
            child.key_origin = self.origin(knode)
            out[name] = child
        return Node(out, self.origin(ynode))

    def check_tag(self, ynode: yaml.Node, expected: str | None) -> None:
        tag = ynode.tag or ""
        allowed = _SCALAR_TAGS if expected is None else {expected}
        if tag not in allowed:
            shown = tag.replace(_PLAIN, "!!")
            raise self.fail(ynode, f"tag {shown} is not allowed; scenario files hold plain data only")

    def scalar(self, ynode: yaml.ScalarNode) -> object:
        self.check_tag(ynode, None)
        if ynode.tag == _PLAIN + "timestamp":
            return ynode.value
        return self.constructor.construct_object(ynode)
