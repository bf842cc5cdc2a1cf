"""Small models with a known answer, for checking statistics, executors and the store.

They have the same signature as :func:`peacesim.model.simulate` but take only a few numbers
from the scenario, so tests can check the experiment layer against closed forms without the
SimPy model. Pass one as ``simulate=`` to the experiment layer or the API; for a command, the
``synthetic_model`` fixture (``tests/conftest.py``) puts one in the model's place, and
``python tests/synthetic.py MODEL peacesim-args...`` does so for a command run as a process
(local workers are forked, so they inherit it):

* ``value`` ~ Normal(mu, sigma) with ``mu = zones[0].troops_required`` and
  ``sigma = zones[0].weight``: the mean is known exactly.
* ``scaled`` = mu * (1 + 0.1 z) with z shared between scenarios that share a seed, so the paired
  difference of two scenarios is (mu_b - mu_a)(1 + 0.1 z): known mean, known spread.
* ``sometimes`` is NaN in about half the replications (tests NaN-aware statistics).
* series ``level``: one value per day of the horizon, ``value`` plus daily noise.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class SyntheticResult:
    """Same fields as the model's ``ReplicationResult``."""

    metrics: dict[str, float]
    series: dict[str, np.ndarray]
    trace: list[Any] | None = None
    events: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def known_answer(scenario: Any, seed: np.random.SeedSequence, *, trace: bool = False, **_: Any) -> SyntheticResult:
    """One replication of the known-answer model (see the module docstring)."""
    zone = scenario.zones[0]
    mu, sigma = float(zone.troops_required), float(zone.weight)
    days = int(scenario.metadata.horizon_days)
    common = np.random.default_rng(seed.spawn(1)[0])
    z, z2, coin, u = common.standard_normal(), common.standard_normal(), common.random(), common.random()
    value = mu + sigma * z
    metrics = {
        "value": value,
        "scaled": mu * (1.0 + 0.1 * z2),
        "sometimes": u if coin < 0.5 else float("nan"),
    }
    level = value + common.standard_normal(days)
    return SyntheticResult(metrics=metrics, series={"level": level}, events=days)


def slow_known_answer(scenario: Any, seed: np.random.SeedSequence, *, trace: bool = False, **_: Any) -> SyntheticResult:
    """:func:`known_answer` that takes 50 ms, so a run can be interrupted half-way in tests."""
    time.sleep(0.05)
    return known_answer(scenario, seed, trace=trace)


#: Seconds of CPU work in one replication of :func:`long_known_answer`.
LONG_S = 60.0


def long_known_answer(scenario: Any, seed: np.random.SeedSequence, *, trace: bool = False, **_: Any) -> SyntheticResult:
    """:func:`known_answer` after a minute of busy CPU work: a replication far longer than any
    reasonable wait, to test that Ctrl-C and a killed parent stop the workers at once."""
    end = time.monotonic() + LONG_S
    x = 0
    while time.monotonic() < end:
        x = (x * 31 + 7) % 1_000_003
    return known_answer(scenario, seed, trace=trace)


def failing(scenario: Any, seed: np.random.SeedSequence, *, trace: bool = False, **_: Any) -> SyntheticResult:
    """A model that fails on replication 3, to test how failures are reported."""
    if seed.spawn_key == (3,):
        raise ZeroDivisionError("synthetic failure")
    return known_answer(scenario, seed, trace=trace)


def use(name: str = "known_answer") -> None:
    """Put model ``name`` of this module in place of :func:`peacesim.model.simulate` (this process and forks)."""
    import peacesim.model

    peacesim.model.simulate = globals()[name]


if __name__ == "__main__":  # python tests/synthetic.py MODEL peacesim-args...
    import synthetic  # this file by its module name, so stored runs name synthetic:MODEL
    from peacesim.cli import main

    synthetic.use(sys.argv[1])
    sys.exit(main(sys.argv[2:]))
