"""Read YAML safely, keeping the line and column of every key and value.

Only plain YAML is accepted: mappings, sequences, strings, numbers, booleans and null. Python
tags (``!!python/object``) and other custom tags are refused, as are duplicate keys (YAML keeps the
last one silently), merge keys (``<<``), recursive anchors and documents that expand into too many
nodes through aliases (the "billion laughs" attack). Timestamps are kept as the text written
(``2025-08-19``), so dates read the same in Python, JSON and the JSON Schema.

Limits are checked before they can hurt: the file is read with a bounded read (only regular files,
so ``/dev/zero`` or a FIFO are refused at once), and the nesting depth is checked on the event
stream before anything recursive (PyYAML's composer, our builder) sees the document, so a file of
40,000 ``[`` is a located error, not a crashed interpreter, whatever the PyYAML version.

Numbers are read strictly, as in YAML 1.2: only plain decimal text is a number (``180``, ``-2.5``,
``1e6``); ``0x10``, ``0o17``, ``010``, ``1_000`` and ``1:00`` (YAML 1.1 sexagesimal, 60) stay
text, so a number field given one of them is refused with its line instead of silently reading
another value (booleans are as in YAML 1.1: ``true``/``false``, ``yes``/``no``, ``on``/``off``).
"""

from __future__ import annotations

import os
import re
import stat
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
#: Deepest nesting of mappings and lists. Scenario files nest about six levels.
MAX_DEPTH = 32

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|(0|[1-9][0-9]*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_BOOL = {w: v for words, v in (("true yes on", True), ("false no off", False))
         for word in words.split() for w in (word, word.title(), word.upper())}
_NULL = {"", "~", "null", "Null", "NULL"}

_PLAIN = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_PLAIN + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path) -> str:
    """The UTF-8 text of a scenario file, or a one-line :class:`ScenarioError` saying why not.

    Only regular files are read, and never more than :data:`MAX_BYTES` + 1 bytes.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ScenarioError(Problem("file not found", file=name)) from None
    except IsADirectoryError:
        raise ScenarioError(Problem("is a directory, expected a YAML file", file=name)) from None
    except (OSError, ValueError) as e:
        raise ScenarioError(Problem(f"cannot read file: {getattr(e, 'strerror', None) or e}", file=name)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError(Problem("is a directory, expected a YAML file", file=name))
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(Problem(f"is {_kind(info.st_mode)}, not a regular file; expected a YAML file", file=name))
        if info.st_size > MAX_BYTES:
            raise ScenarioError(Problem(f"file is too large ({info.st_size} bytes; limit {MAX_BYTES})", file=name))
        with os.fdopen(fd, "rb", closefd=True) as f:
            fd = -1
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise ScenarioError(Problem(f"cannot read file: {e.strerror or e}", file=name)) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_BYTES:
        raise ScenarioError(Problem(f"file is too large (more than {MAX_BYTES} bytes)", file=name))
    return decode(data, name)


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "a special file"


def decode(data: bytes, name: str) -> str:
    """Bytes of a scenario file as text: UTF-8, no NUL bytes, a leading BOM dropped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(Problem("the file is UTF-16 text; save it as UTF-8", file=name, line=1))
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
        kind = "a list" if node.is_list else f"a single {type(node.value).__name__} value"  # never echo the content
        raise ScenarioError(
            Problem(f"top level must be a mapping of keys, got {kind}", file=str(path), line=node.origin.line, column=node.origin.column)
        )
    return node


def _tab_at(text: str, line: int, column: int) -> bool:
    """Whether the parser stopped on a tab (YAML forbids tabs in indentation; its message does not say so)."""
    lines = text.splitlines()
    return 0 <= line < len(lines) and "\t" in lines[line][: column + 1]


_BRACKET_PATH = re.compile(r"(?<!['\"\w])[A-Za-z_][\w.]*\[\d+\]")


def _bracket_path_at(text: str, line: int) -> bool:
    """Whether a line holds an unquoted key path with an index (``timeline[0].day``), which YAML's flow
    style reads as the start of a list."""
    lines = text.splitlines()
    return 0 <= line < len(lines) and bool(_BRACKET_PATH.search(lines[line]))


def parse(text: str, source: str) -> Node | None:
    """Parse one YAML document into a :class:`Node` tree (None for an empty document).

    Args:
        text: The YAML text.
        source: Name used in error messages and origins (a file name, or ``--set``).

    Raises:
        ScenarioError: syntax errors and everything this module refuses, with line and column.
    """
    if len(text) > MAX_BYTES:
        raise ScenarioError(Problem(f"text is too large ({len(text)} characters; limit {MAX_BYTES})", file=source))
    try:
        check_depth(text, source)
        root = yaml.compose(text, Loader=_Loader)  # noqa: S506 - a safe loader; composing only
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = " ".join(str(p) for p in (e.context, e.problem) if p) or "invalid YAML"
        if mark is not None and _tab_at(text, mark.line, mark.column):
            message += "; a tab cannot indent YAML, use spaces"
        elif mark is not None and "flow" in message and _bracket_path_at(text, mark.line):
            message += "; inside { } or [ ], quote a key path with an index: 'timeline[0].day'"
        raise ScenarioError(
            Problem(f"invalid YAML: {message}", file=source, line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None)
        ) from e
    except yaml.YAMLError as e:
        raise ScenarioError(Problem(f"invalid YAML: {e}", file=source)) from e
    if root is None:
        return None
    return _Builder(source).build(root)


def check_depth(text: str, source: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, reading the event stream (no recursion).

    PyYAML's composer is recursive (in C with libyaml): a deep enough document overflows the C
    stack and kills the interpreter, so this runs first.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):  # noqa: S506 - events only, nothing constructed
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                m = event.start_mark
                raise ScenarioError(Problem(f"nested more than {MAX_DEPTH} levels deep; scenario files need far fewer",
                                            file=source, line=m.line + 1 if m else None,
                                            column=m.column + 1 if m else None))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _Builder:
    """Turns a composed YAML node graph into a :class:`Node` tree, enforcing the rules above."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.nodes = 0
        self.aliases = 0
        self.seen: set[int] = set()
        self.stack: set[int] = set()
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors and resolver are used

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
        implicit = self.constructor.resolve(yaml.ScalarNode, ynode.value, (True, False))  # type: ignore[no-untyped-call]
        if not ynode.style and ynode.tag == implicit:  # a plain scalar (style None, or "" from libyaml), type not written
            return plain_scalar(ynode.value)
        if ynode.tag == _PLAIN + "str":
            return ynode.value
        return self.constructor.construct_object(ynode)


def plain_scalar(text: str) -> object:
    """The value of an untagged plain scalar under the YAML 1.2 core rules (see the module docstring)."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts; no scenario number is that long
            return text
    if _FLOAT.fullmatch(text):
        return float(text)
    if _SPECIAL_FLOAT.fullmatch(text):
        return float(text.lower().replace(".", ""))
    return text
