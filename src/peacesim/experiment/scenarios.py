"""The experiment layer's one door to the scenario loader, plus re-reading stored scenarios.

Runs store their scenario as resolved YAML; :func:`from_text` turns it back into a
:class:`Scenario` with one located problem per validation error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError
from ..scenario import loader
from ..scenario.schema import Scenario

resolved_text = loader.resolved_text
scenario_hash = loader.scenario_hash


def load(
    path: str | Path, variant: str | None = None, overrides: Mapping[str, Any] | Iterable[str] | None = None,
    scales: Mapping[str, float] | Iterable[str] = (),
) -> Scenario:
    """Load, patch and validate a scenario file (optionally one of its variants).

    ``overrides`` is ``{key.path: value}`` or ``["key.path=VALUE", ...]`` as typed after ``--set``;
    ``scales`` is ``{glob: factor}`` or ``["glob=FACTOR", ...]`` as typed after ``--scale``.
    """
    ov = overrides if isinstance(overrides, Mapping) else list(overrides or ())
    sc = scales if isinstance(scales, Mapping) else list(scales)
    return loader.load_scenario(Path(path), variant=variant, overrides=ov, scales=sc)


def list_variants(path: str | Path) -> list[str]:
    """Names of the variants a scenario file defines (its own and inherited), in file order."""
    return list(loader.list_variants(Path(path)))


def from_text(text: str, where: str = "<stored scenario>") -> Scenario:
    """A scenario from resolved YAML text (as stored with a run)."""
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise ScenarioError(Problem(f"not valid YAML: {e}", file=where)) from e
    return from_data(raw, where)


def from_data(raw: Any, where: str) -> Scenario:
    """Validate plain data as a :class:`Scenario`, with one problem per pydantic error."""
    from pydantic import ValidationError

    if not isinstance(raw, dict):
        raise ScenarioError(Problem("a scenario must be a mapping", file=where, got=type(raw).__name__))
    try:
        return Scenario.model_validate(raw)
    except ValidationError as e:
        from ..scenario.locate import walk
        from ..scenario.paths import format_path
        from ..scenario.tracked import Origin, from_plain

        root = from_plain(raw, Origin())  # key paths name list items by id (forces.uk), as everywhere else
        raise ScenarioError([
            Problem(err["msg"], file=where, path=format_path(walk(root, tuple(err["loc"]))[0]) or None,
                    got=None if err["type"] == "missing" else repr(err.get("input"))[:80])
            for err in e.errors()
        ]) from e


def load_explorable(path: str | Path, variant: str | None = None, overrides: Iterable[str] = ()) -> loader.Resolved:
    """A scenario file with its uncertain values: the point scenario, the space and the tree to vary.

    ``overrides`` (as typed after ``--set``) apply after the variant; one that sets an uncertain value
    fixes it, so it is no longer varied.
    """
    return loader.load_resolved(Path(path), variant=variant, overrides=list(overrides))
