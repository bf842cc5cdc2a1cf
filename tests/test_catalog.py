"""The metric catalog is the one definition: what the model produces and what the faces name is in it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from peacesim.catalog import CATALOG, pattern_of
from peacesim.experiment import scenarios
from peacesim.model import simulate

ROOT = Path(__file__).resolve().parents[1]
#: Quoted words in the faces that share a metric's stem but name something else (a field, a key path).
NOT_METRICS = {"stock", "threats.response", "nonlethal_output"}


def test_every_metric_the_shipped_scenarios_produce_is_in_the_catalog() -> None:
    """The catalog is the one definition: no scalar or series comes out of the model without an entry."""
    root = ROOT / "scenarios"
    for path in sorted(root.glob("*.yaml")):
        for variant in [None, *scenarios.list_variants(path)]:
            sc = scenarios.load(path, variant)
            result = simulate(sc, np.random.SeedSequence(5))
            unknown = [n for n in [*result.metrics, *result.series] if pattern_of(n) is None]
            assert not unknown, f"{path.name}:{variant}: not in the catalog: {unknown}"


def test_metric_names_in_the_report_and_cli_code_are_in_the_catalog() -> None:
    """A metric renamed in the catalog cannot linger under its old name in the report or the CLI."""
    stems = {k.split(".")[0] for k in CATALOG}
    stale = []
    for path in sorted((ROOT / "src" / "peacesim").glob("*/*.py")):
        if path.parent.name not in ("report", "cli"):
            continue
        for m in re.finditer(r'"([a-z][a-z0-9_]*(?:\.[a-z_<>]+)*)"', path.read_text(encoding="utf-8")):
            name = m.group(1)
            if name.split(".")[0] in stems and "<" not in name and name not in NOT_METRICS and pattern_of(name) is None:
                stale.append(f"{path.name}: {name}")
    assert not stale, stale


@pytest.mark.parametrize(("metric", "ref", "mean", "material"), [
    ("coverage_mean", 0.89, -0.0099, False), ("coverage_mean", 0.89, -0.01, True),
    ("time_to_answer_capped_mean_hours", 11.82, 0.01, False), ("time_to_answer_capped_mean_hours", 11.82, 0.25, True),
    ("foc_day", 68.9, 0.9, False), ("foc_day", 68.9, 8.1, True),
    ("troops_in_theatre_min", 1390.0, -10.0, False), ("troops_in_theatre_min", 1390.0, -20.0, True),
    ("missiles_leaked_defended", 0.0, 0.5, True),  # from none: any distinguishable change matters
])
def test_material_change_by_unit(metric: str, ref: float, mean: float, material: bool) -> None:
    from peacesim.catalog import is_material
    from peacesim.experiment.results import Difference

    low, high = sorted((0.5 * mean, 1.5 * mean))
    d = Difference(metric, ref, ref + mean, mean, low, high, 40)
    assert d.distinguishable
    assert is_material(d) is material
    undistinguished = Difference(metric, ref, ref + mean, mean, -abs(mean), abs(mean), 40)
    assert not is_material(undistinguished)
