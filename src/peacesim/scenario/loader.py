"""Load a scenario: read YAML safely, merge ``extends`` parents, apply a variant and overrides, validate.

    load_scenario("scenarios/baseline.yaml", variant="no_us_air_defence",
                  overrides={"forces.uk.rotation_depth": 2})

Order: parents are merged first (see :mod:`.merge`); then the variant's ``remove:``, ``append:``
and ``set:`` in that order (so ``set`` can reach items just appended); then the overrides. Every
error is a :class:`~peacesim.errors.ScenarioError` whose problems point at the file, line and
column that supplied the offending value.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from pydantic import ValidationError

from ..errors import Problem, ScenarioError
from . import yamlsafe
from .locate import problems_from, show
from .merge import merge
from .paths import append_nodes, parse_path, parse_scales, remove_node, scale_path, set_path
from .schema import Scenario, Variant
from .tracked import Node, Origin, clone, from_plain, to_plain
from .uncertain import Space, extract, realise

#: Longest chain of ``extends`` followed before giving up.
MAX_EXTENDS_DEPTH = 20
#: A folder holding one of these is a project root: ``extends`` may not leave it.
PROJECT_MARKERS = (".git", "pyproject.toml", "seeds/claims.yaml")

Overrides = Mapping[str, Any] | Iterable[str]
#: ``{glob: factor}`` or ``["glob=FACTOR", ...]`` as typed after ``--scale``.
Scales = Mapping[str, float] | Iterable[str]


@dataclass(frozen=True)
class Resolved:
    """A validated scenario together with the tree that says where each value came from."""

    scenario: Scenario
    tree: Node
    file: str
    space: Space = Space()
    base: Node | None = None
    """The tree with uncertain values at their point value but every element kept (what ``explore`` varies)."""


def load_scenario(path: Path | str, variant: str | None = None, overrides: Overrides = (), scales: Scales = ()) -> Scenario:
    """Load, merge, patch and validate a scenario file.

    Args:
        path: The scenario YAML file.
        variant: Name of one of its variants (including variants inherited through ``extends``).
        overrides: ``{key path: value}`` or ``["key.path=VALUE", ...]`` as typed after ``--set``.

    Raises:
        ScenarioError: with one located problem per thing wrong.
    """
    return load_resolved(path, variant, overrides, scales).scenario


def load_resolved(path: Path | str, variant: str | None = None, overrides: Overrides = (), scales: Scales = ()) -> Resolved:
    """Like :func:`load_scenario`, also returning the provenance tree (used by ``explain``)."""
    base = load_tree(path)
    tree = resolve_tree(base, variant, overrides, scales)
    scenario, space, full = validate_explorable(tree, variant)
    return Resolved(scenario, tree, str(path), space, full)


def list_variants(path: Path | str) -> list[str]:
    """Names of the variants a scenario file defines or inherits, in file order."""
    variants = load_tree(path).get("variants")
    return list(variants.value) if variants is not None and variants.is_map else []


def load_tree(path: Path | str, _chain: tuple[Path, ...] = (), _root: Path | None = None) -> Node:
    """The file's data merged over its ``extends`` parents, recursively (not yet validated).

    ``extends`` must be a relative path that stays inside the scenario's project (see
    :func:`project_root`); the parent's content is never echoed in an error.
    """
    path = Path(path)
    tree = yamlsafe.load_file(_shown(path))
    ext = tree.value.pop("extends", None)
    if ext is None:
        return tree
    where = ext.key_origin or ext.origin
    located = {"file": where.file, "line": where.line, "column": where.column, "path": "extends"}
    if not isinstance(ext.value, str) or not ext.value.strip():
        raise ScenarioError(Problem("extends must name a scenario file (a relative path)", got=show(to_plain(ext)), **located))
    root = _root or project_root(path)
    written = ext.value
    if Path(written).is_absolute() or written.startswith("~") or "\x00" in written:
        raise ScenarioError(Problem("extends must be a relative path (from this file's folder), not an absolute one",
                                    got=show(written), **located))
    parent = (path.parent / written).resolve()
    if not parent.is_relative_to(root):
        raise ScenarioError(Problem(f"extends leaves the project folder {root}; parents must be inside it",
                                    got=show(written), **located))
    chain = (*_chain, path.resolve())
    if parent in chain:
        names = " -> ".join(str(p.name) for p in (*chain[chain.index(parent):], parent))
        raise ScenarioError(Problem(f"cycle of extends: {names}", **located))
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise ScenarioError(Problem(f"extends chain longer than {MAX_EXTENDS_DEPTH} files", **located))
    if not parent.is_file():
        what = "is a directory" if parent.is_dir() else "not found" if not parent.exists() else "not a regular file"
        raise ScenarioError(Problem(f"parent scenario {what}: {_shown(parent)}", **located))
    return merge(load_tree(parent, chain, root), tree)


def project_root(path: Path) -> Path:
    """The folder a scenario's ``extends`` chain must stay in.

    The nearest folder at or above the scenario holding ``.git``, ``pyproject.toml`` or
    ``seeds/claims.yaml``; without one, the scenario's own folder.
    """
    here = path.resolve().parent
    for folder in (here, *here.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return here


def _shown(path: Path) -> Path:
    """The path as a person would write it: relative to the working directory when inside it."""
    if not path.is_absolute():
        return path
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def resolve_tree(base: Node, variant: str | None = None, overrides: Overrides = (), scales: Scales = ()) -> Node:
    """A copy of ``base`` with the variant (if any), then ``--scale`` factors, then overrides applied."""
    tree = clone(base)
    if variant is not None:
        names = _variant_names(tree, variant)
        edits: list[Any] = []
        for k, name in enumerate(names):
            _apply_variant(tree, name, label=variant, last=k == len(names) - 1)
            edits += getattr(tree, "variant_edits", [])
        tree.variant_edits = edits  # type: ignore[attr-defined]
    for text, factor in parse_scales(scales):
        try:
            scale_path(tree, text, factor, Scenario)
        except ScenarioError as e:
            raise ScenarioError([Problem(p.message, file="--scale", path=p.path or text, hint=p.hint) for p in e.problems]) from None
    for text, value in _override_nodes(overrides):
        try:
            set_path(tree, text, value, Scenario)
        except ScenarioError as e:
            raise ScenarioError([Problem(p.message, file="--set", path=p.path or text) for p in e.problems]) from None
    return tree


def validate_tree(tree: Node, variant: str | None = None) -> Scenario:
    """Validate a resolved tree as a :class:`Scenario`, uncertain values at their point value."""
    return validate_explorable(tree, variant)[0]


def validate_explorable(tree: Node, variant: str | None = None) -> tuple[Scenario, Space, Node]:
    """The scenario at its point values, its uncertain parameters, and the tree ``explore`` varies.

    The ends of every range (and every element left out) are validated too, so a range that
    leaves the schema's limits is refused here, located at the range, not half-way through an exploration.
    """
    full, space = extract(tree, Scenario, strict=variant is None)
    if full is not tree:  # keep where the variant's removals are, to report dangling references there
        full.variant_edits = getattr(tree, "variant_edits", [])  # type: ignore[attr-defined]
    if not space:
        return _validate(full, variant), space, full
    scenario = _validate(realise(full, space, space.points()), variant)
    for end, values in (("low", _ends(space, 0)), ("high", _ends(space, 1))):
        try:
            _validate(realise(full, space, values), variant)
        except ScenarioError as e:
            raise ScenarioError([_at_range(p, space, end) for p in e.problems]) from None
    return scenario, space, full


def _ends(space: Space, side: int) -> dict[str, Any]:
    """Every range at its low (0) or high (1) end; left-out elements are out at the low end."""
    out: dict[str, Any] = {}
    for u in space.params:
        if u.kind in ("range", "count"):
            end = u.low if side == 0 else u.high
            out[u.name] = int(round(end)) if u.integer else end
        elif u.kind == "present":
            out[u.name] = bool(side)
        elif u.kind == "choices" and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in u.choices):
            out[u.name] = (min if side == 0 else max)(u.choices)
    return out


def _at_range(p: Problem, space: Space, end: str) -> Problem:
    """A problem found at a range's end, located at the range that produced the value."""
    for u in space.params:
        if p.path is not None and (p.path == u.name or p.path.startswith(u.name + ".")) and u.kind != "present":
            o = u.origin or Origin()
            return Problem(p.message, o.file, o.line, o.column, p.path, p.got, f"at the {end} end of explore {u.describe()}")
    return Problem(p.message, p.file, p.line, p.column, p.path, p.got, f"with every uncertain value at its {end} end")


def validate_plain(tree: Node, variant: str | None = None) -> Scenario:
    """Validate a tree that holds no uncertain values (an exploration point): no extraction pass."""
    return _validate(tree, variant)


def _validate(tree: Node, variant: str | None) -> Scenario:
    try:
        return Scenario.model_validate(to_plain(tree), strict=True)  # no "180", true or 1.5 for a count
    except ValidationError as err:
        problems = problems_from(err, tree, Scenario)
        if variant is not None:
            edits: list[tuple[str, Origin]] = getattr(tree, "variant_edits", [])
            problems = [_at_edit(_in_variant(p, variant), edits) for p in problems]
        raise ScenarioError(sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0))) from None


def _in_variant(p: Problem, variant: str) -> Problem:
    """Say which variant a problem was found in (values set by the variant already say so)."""
    return p if p.hint else Problem(p.message, p.file, p.line, p.column, p.path, p.got, f"in variant {variant!r}")


def _at_edit(p: Problem, edits: list[tuple[str, Origin]]) -> Problem:
    """Report a dangling reference at the variant entry that removed or renamed the id it names."""
    if (p.hint or "").startswith("set by"):
        return p
    for old_id, where in edits:
        if f"'{old_id}'" in p.message:
            hint = f"{p.hint}; the reference is at {p.file}:{p.line}" if p.file else p.hint
            return Problem(p.message, where.file, where.line, where.column, p.path, p.got, hint)
    return p


def _removed_ids(node: Node) -> list[tuple[str, Origin]]:
    """(id, origin) for each ``remove:`` entry and each ``set`` of an ``.id`` in a variant."""
    out = []
    remove, set_ = node.get("remove"), node.get("set")
    for item in (remove.value if remove is not None and remove.is_list else []):
        if isinstance(item.value, str):
            segments = parse_path(item.value)
            if segments and isinstance(segments[-1], str):
                out.append((segments[-1], item.origin))
    for key, value in (set_.value.items() if set_ is not None and set_.is_map else []):
        segments = parse_path(key)
        if len(segments) >= 2 and segments[-1] == "id" and isinstance(segments[-2], str):
            out.append((segments[-2], value.key_origin or value.origin))
    return out


def _variant_names(tree: Node, variant: str) -> list[str]:
    """``a+b`` is variant ``a`` then ``b`` (unless a variant is itself called ``a+b``); a key path
    that two of them set to different values, or one sets and another removes, is a conflict."""
    variants = tree.get("variants")
    known = list(variants.value) if variants is not None and variants.is_map else []
    if "+" not in variant or variant in known:
        return [variant]
    names = [n.strip() for n in variant.split("+")]
    for n in names:
        if n not in known:
            _apply_variant(clone(tree), n)  # the usual "no variant ..., did you mean" error
    if len(set(names)) != len(names):
        raise ScenarioError(Problem(f"variant {variant!r} names a variant twice", path="variants"))
    assert variants is not None
    sets: dict[str, tuple[str, Any]] = {}
    removes: dict[str, str] = {}
    problems = []
    for n in names:
        node = variants.value[n]
        if not node.is_map:
            continue
        for item in (node.get("remove").value if node.get("remove") and node.get("remove").is_list else []):
            if str(item.value) in removes:
                problems.append(Problem(f"variants {removes[str(item.value)]!r} and {n!r} conflict: both remove {item.value}",
                                        file=item.origin.file, line=item.origin.line, column=item.origin.column,
                                        path=f"variants.{n}.remove",
                                        hint="combine variants that change different values, or write one variant"))
            removes[str(item.value)] = n
        for key, value in (node.get("set").value.items() if node.get("set") and node.get("set").is_map else []):
            plain_value = to_plain(value)
            if key in sets and sets[key][1] != plain_value:
                other, was = sets[key]
                problems.append(Problem(f"variants {other!r} and {n!r} conflict: they set {key} to {was!r} and "
                                        f"{plain_value!r}", file=value.origin.file, line=value.origin.line,
                                        column=value.origin.column, path=f"variants.{n}.set.{key}",
                                        hint="combine variants that change different values, or write one variant"))
            sets[key] = (n, plain_value)
    for key, (n, _) in sets.items():
        gone = next((r for r in removes if key == r or key.startswith(r + ".")), None)
        if gone is not None and removes[gone] != n:
            problems.append(Problem(f"variants {removes[gone]!r} and {n!r} conflict: one removes {gone}, the other sets {key}",
                                    path=f"variants.{n}.set.{key}"))
    if problems:
        raise ScenarioError(problems)
    return names


def _apply_variant(tree: Node, name: str, label: str | None = None, last: bool = True) -> None:
    """Apply variant ``name``'s edits; ``label`` is what ``metadata.variant`` becomes (``a+b`` when combined)."""
    variants = tree.get("variants")
    known = list(variants.value) if variants is not None and variants.is_map else []
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else None
        listed = ", ".join(known) if known else "none"
        raise ScenarioError(Problem(f"no variant {name!r} (variants: {listed})", path="variants", hint=hint))
    assert variants is not None
    node = variants.value[name]
    try:
        Variant.model_validate(to_plain(node), strict=True)
    except ValidationError as err:
        raise ScenarioError(problems_from(err, tree, Scenario, prefix=("variants", name))) from None
    via = f"variant {name}"
    tree.variant_edits = _removed_ids(node)  # type: ignore[attr-defined]
    for item in (node.get("remove").value if node.get("remove") else []):
        _edit(item, name, lambda: remove_node(tree, parse_path(item.value), Scenario))
    for key, items in (node.get("append").value.items() if node.get("append") else []):
        new = [clone(i, via) for i in items.value]
        _edit(items, name, lambda: append_nodes(tree, parse_path(key), new, Scenario), key)
    for key, value in (node.get("set").value.items() if node.get("set") else []):
        _edit(value, name, lambda: set_path(tree, key, clone(value, via), Scenario), key)
    where = node.key_origin or node.origin
    metadata = tree.value.setdefault("metadata", Node({}, where))
    if metadata.is_map:
        origin = Origin(where.file, where.line, where.column, via)
        metadata.value["variant"] = Node(label or name, origin, origin)
        kind, was = node.get("kind"), metadata.get("variant_kind")
        stress = (kind is not None and kind.value == "stress") or (was is not None and was.value == "stress")
        metadata.value["variant_kind"] = Node("stress" if stress else "option", origin, origin)
        _add_claims(metadata, node.get("claims"), via)
        desc = node.get("description")
        if desc is not None and isinstance(desc.value, str) and desc.value.strip():
            old = metadata.get("description")
            text = (old.value + "\n\n" if old is not None and isinstance(old.value, str) and old.value else "")
            metadata.value["description"] = Node(f"{text}Variant {name}: {desc.value.strip()}", clone(desc, via).origin)
    if last:
        del tree.value["variants"]


def _edit(item: Node, variant: str, action: Any, key: str | None = None) -> None:
    """Run one variant edit, locating any path error at the variant entry that asked for it."""
    try:
        action()
    except ScenarioError as e:
        where = item.key_origin or item.origin
        raise ScenarioError([
            Problem(p.message, where.file, where.line, where.column, p.path or key, hint=f"in variant {variant!r}")
            for p in e.problems
        ]) from None


def _add_claims(metadata: Node, claims: Node | None, via: str) -> None:
    if claims is None or not claims.is_list:
        return
    current = metadata.get("claims")
    if current is None or not current.is_list:
        current = Node([], claims.origin, claims.key_origin)
        metadata.value["claims"] = current
    have = {c.value for c in current.value}
    current.value.extend(clone(c, via) for c in claims.value if c.value not in have)


def _override_nodes(overrides: Overrides) -> list[tuple[str, Node]]:
    """``(key path, value node)`` pairs from a mapping or from ``KEY.PATH=VALUE`` strings."""
    origin = Origin("--set", via="--set")
    if isinstance(overrides, Mapping):
        for k, v in overrides.items():
            if _depth(v) > yamlsafe.MAX_DEPTH:
                raise ScenarioError(Problem(f"nested more than {yamlsafe.MAX_DEPTH} levels deep", file="--set", path=str(k)))
        return [(str(k), from_plain(v, origin)) for k, v in overrides.items()]
    out = []
    for text in overrides:
        key, eq, raw = str(text).partition("=")
        if not eq or not key.strip():
            raise ScenarioError(Problem("expected KEY.PATH=VALUE", file="--set", got=repr(text)))
        try:
            parsed = yamlsafe.parse(raw, "--set")
        except ScenarioError as e:
            raise ScenarioError([Problem(p.message, file="--set", path=key.strip()) for p in e.problems]) from None
        value = to_plain(parsed) if parsed is not None else None
        out.append((key.strip(), from_plain(value, origin)))
    return out


def _depth(value: Any) -> int:
    """Nesting depth of plain data, without recursion (API overrides may come from anywhere)."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (dict, list, tuple)):
            deepest = max(deepest, depth + 1)
            if deepest > yamlsafe.MAX_DEPTH:
                break
            todo += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def canonical_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain JSON-compatible data, with defaults filled in."""
    data: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def resolved_text(scenario: Scenario) -> str:
    """Canonical YAML of a resolved scenario: loads back to an equal scenario."""
    import yaml

    text: str = yaml.safe_dump(canonical_data(scenario), sort_keys=False, allow_unicode=True, width=100)
    return text


def scenario_hash(scenario: Scenario) -> str:
    """sha256 (hex) of the canonical JSON of a scenario: equal scenarios, equal hashes."""
    text = json.dumps(canonical_data(scenario), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
