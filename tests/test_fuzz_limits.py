"""Fuzz: random YAML trees, sizes and numbers through ``validate`` and ``run -n 1`` (issue 15).

Each example edits the loader's small scenario (horizon 90 days): a random tree, number or raw
YAML text at a random key path. ``validate`` must exit 0 or 2; when it accepts, ``run -n 1`` with
the real model must exit 0 or 2 too (the work estimate may refuse); each call must stay within a
time budget and the process's peak memory must not jump. A crash (signal) fails the whole run.
"""

from __future__ import annotations

import copy
import os
import resource
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacesim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((ROOT / "tests" / "data" / "loader" / "base.yaml").read_text())
BASE.pop("variants")  # one run per example
CLAIMS = str(ROOT / "seeds" / "claims.yaml")
#: Seconds one validate or one single-replication run may take (they take well under one).
CALL_BUDGET_S = 10.0
#: Growth of this process's peak resident memory allowed over all examples.
MEMORY_BUDGET_KB = 500_000

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, 1e-300, 1e6, 1000000.5, 2**63, 36_500, 0.0001]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=30),
                    st.sampled_from(["0x10", "1:00", "010", "1_000", ".inf", "yes", "C99", "../x.yaml", "/etc/passwd",
                                     "javascript:alert(1)", "kyiv", "fixed", "poisson"]))
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.sampled_from(["dist", "mean", "sd", "value", "id",
                                                                                       "low", "high", "x"]), inner, max_size=4)),
                     max_leaves=30)
raw_texts = st.one_of(st.sampled_from(["[" * 50 + "]" * 50, "{a: " * 40 + "1" + "}" * 40, "&a [*a]", "!!python/object:os.system x",
                                       "0x10", "1:00", "'180'", "true", "- a\n- b", "{dist: lognormal, mean: 1e308, sd: 40}",
                                       "{dist: poisson, mean: 1e300}", "{dist: exponential, mean: 0}"]),
                      st.text(max_size=40))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        out.append((*prefix, key))
        out += _paths(value, (*prefix, key))
    return out


PATHS = _paths(BASE)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


NUMERIC = [p for p in PATHS if isinstance(_get(BASE, p), (int, float)) and not isinstance(_get(BASE, p), bool)]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _call(args: list[str]) -> int:
    start = time.monotonic()
    rc = main(args)
    took = time.monotonic() - start
    assert took < CALL_BUDGET_S, f"{args[0]} took {took:.1f} s"
    return rc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=st.one_of(trees, numbers), raw=st.one_of(st.none(), raw_texts),
       horizon=st.sampled_from([90, 91, 365]),
       scaled=st.lists(st.tuples(st.sampled_from(NUMERIC), st.sampled_from([0, 1e-4, 0.01, 0.5, 2, 10, 100, 1e4])),
                       max_size=4),
       mode=st.sampled_from(["tree", "scale", "scale"]))
def test_fuzzed_scenarios_exit_0_or_2_within_budget(work: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], path: tuple[Any, ...],
                                                     value: Any, raw: str | None, horizon: int,
                                                     scaled: list[tuple[tuple[Any, ...], float]], mode: str) -> None:
    """Trees and raw text at any key (mostly refused), or numbers scaled (mostly run): both must end well."""
    monkeypatch.chdir(work)
    data = copy.deepcopy(BASE)
    data["metadata"]["horizon_days"] = horizon
    if mode == "scale":
        raw = None
        for where, factor in scaled:
            old = _get(data, where)
            _put(data, where, type(old)(old * factor) if isinstance(old, int) and factor >= 1 else old * factor)
    else:
        _put(data, path, "__RAW__" if raw is not None else value)
    text = yaml.safe_dump(data, sort_keys=False, width=1000)
    if raw is not None:
        text = text.replace("__RAW__", raw.replace("\n", " "), 1)
    (work / "f.yaml").write_text(text)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rc = _call(["validate", "--claims", CLAIMS, "f.yaml"])
    err = capsys.readouterr().err
    assert rc in (0, 2) and "Traceback" not in err and "internal error" not in err, err
    if rc == 0:
        rc = _call(["run", "f.yaml", "-n", "1", "--executor", "serial", "-q", "--out", "out"])
        err = capsys.readouterr().err
        assert rc in (0, 2) and "internal error" not in err, err
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < MEMORY_BUDGET_KB, f"peak memory grew by {grown} KB"
    assert os.getcwd() == str(work)
