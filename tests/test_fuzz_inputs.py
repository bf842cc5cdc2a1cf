"""Mutated scenario files never crash the loader: every one validates or gets exit 2 with located lines.

Seeded mutations of the shipped baseline (keys deleted, values replaced by wrong types, absurd
numbers, path-like and markup strings) go through ``peacesim validate`` in-process.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from peacesim.cli import main

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
ODD_VALUES: list[Any] = [None, -1, 0, 1e308, "x", [], {}, True, "nan", -0.5, 10**30, [1, 2], {"dist": "weird"},
                         {"dist": "normal"}, "../../etc/passwd", "<script>alert(1)</script>", "C99", ""]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        yield (*prefix, key)
        yield from _paths(value, (*prefix, key))


def _mutate(base: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(base)
    paths = list(_paths(data))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths)
        node: Any = data
        try:
            for key in path[:-1]:
                node = node[key]
            if rng.random() < 0.3:
                del node[path[-1]]
            else:
                node[path[-1]] = rng.choice(ODD_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    return data


@pytest.mark.parametrize("seed", range(40))
def test_mutated_scenarios_validate_or_fail_cleanly(seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(_mutate(base, random.Random(seed)), sort_keys=False), encoding="utf-8")
    rc = main(["validate", "--claims", str(BASELINE.parents[1] / "seeds" / "claims.yaml"), str(case)])
    err = capsys.readouterr().err
    assert rc in (0, 2), err
    assert "internal error" not in err and "Traceback" not in err
    if rc == 2:
        assert all(line.startswith(str(case)) or line.startswith("error:") for line in err.splitlines() if line), err
