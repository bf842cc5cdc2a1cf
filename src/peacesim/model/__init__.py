"""The SimPy model: one replication of a scenario, with named random streams and no I/O.

``simulate(scenario, seed, trace=False)`` is the whole public face; ``METRICS`` documents what it
returns. See docs/model.md for the assumptions. SimPy is imported only when ``simulate`` or
``ReplicationResult`` is first used, so reading the metric dictionary stays cheap.
"""

from __future__ import annotations

from typing import Any

from .metrics import HEADLINE_METRICS, METRICS, MetricDoc, describe, is_headline
from .recorder import TraceEvent

__all__ = ["HEADLINE_METRICS", "METRICS", "is_headline", "MetricDoc", "ReplicationResult", "TraceEvent", "describe", "simulate"]


def __getattr__(name: str) -> Any:
    if name in ("simulate", "ReplicationResult"):
        from . import world

        return getattr(world, name)
    raise AttributeError(f"module 'peacesim.model' has no attribute {name!r}")
