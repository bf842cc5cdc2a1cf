"""Build the SimPy world of one replication from a scenario, and run it.

Build is a straight pipeline: scenario -> lift pools and contingents -> coverage -> surveillance
-> incidents and quick reaction -> air defence -> deliveries. Every part draws from its own named
streams (:mod:`.streams`) and records levels and events (:mod:`.recorder`). :func:`simulate` runs
the environment to the horizon and hands the records to :mod:`.metrics`. No I/O happens here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from peacesim.scenario.schema import Scenario
from peacesim.scenario.threats import ScaleThreat, Withdraw

from . import allocation
from .airdefence import AirDefence
from .engine import run_until
from .forces import STATES, Contingent, lift_pools
from .incidents import Incidents
from .recorder import Level, TraceEvent
from .streams import Streams
from .support import Deliveries
from .surveillance import Surveillance


def events_processed(env: simpy.Environment) -> int:
    """Events the environment has processed (``env.step`` calls), the cost of a replication.

    Every scheduled event takes the next id from ``env._eid``, so processed = ids issued - events
    still queued. Counting after the run costs nothing; overriding ``step`` cost a Python frame
    per event.
    """
    return next(env._eid) - len(env._queue)


@dataclass
class ReplicationResult:
    """What one replication returns: scalar metrics, daily series, the optional trace, events processed."""

    metrics: dict[str, float]
    series: dict[str, np.ndarray]
    trace: list[TraceEvent] | None
    events: int


class World:
    """The state of one replication: environment, streams, records and the domain processes."""

    def __init__(self, scenario: Scenario, seed: np.random.SeedSequence, *, trace: bool = False) -> None:
        self.scenario = scenario
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self.horizon = scenario.metadata.horizon_days
        self.trace: list[TraceEvent] | None = [] if trace else None
        self.levels: dict[str, Level] = {}
        self.troops = {state: self.level(f"troops.{state}") for state in STATES}
        self.surveillance = Surveillance(scenario, self.streams)
        pools = lift_pools(self.env, scenario)
        self.contingents = [Contingent(self, f, pools.get(f.lift)) for f in scenario.forces]
        self._allocator = allocation.Allocator.for_scenario(scenario.zones, scenario.forces)
        self.zone_coverage = [self.level(f"coverage.{scenario.zones[z].id}") for z in self._allocator.ground]
        self.coverage = self.level("coverage")
        self.incidents = Incidents(self, self.contingents)
        self.air = AirDefence(self)
        self.deliveries = Deliveries(self, self.air.systems)
        self._occupied = [c.occupied_slots for c in self.contingents]
        self._update_coverage()
        for change in scenario.timeline:
            self._note(change)

    def level(self, name: str, initial: float = 0.0) -> Level:
        """The recorded level ``name`` (a daily series of the result), created on first use."""
        if name not in self.levels:
            self.levels[name] = Level(initial)
        return self.levels[name]

    def log(self, actor: str, event: str, detail: str = "") -> None:
        """Add a line to the trace, when tracing."""
        if self.trace is not None:
            self.trace.append(TraceEvent(float(self.env.now), actor, event, detail))

    def forces_changed(self) -> None:
        """A unit arrived or left: re-allocate troops and resize the quick-reaction pool.

        Coverage and teams depend only on which slots are occupied, so a relief that lands during
        the handover overlap (its slot already held) changes nothing and is skipped.
        """
        occupied = [c.occupied_slots for c in self.contingents]
        if occupied == self._occupied:
            return
        self._occupied = occupied
        self._update_coverage()
        self.incidents.teams_changed()

    def _update_coverage(self) -> None:
        """Re-allocate the troops now in theatre (:mod:`.allocation`) and record ground coverage."""
        now = self.env.now
        cov, overall = self._allocator.coverage([c.coverage_troops for c in self.contingents])
        for level, value in zip(self.zone_coverage, cov):
            level.set(now, value)
        self.coverage.set(now, overall)

    def _note(self, change: Withdraw | ScaleThreat) -> None:
        """Put a timeline change in the trace at its day (its effects are built into each process)."""
        if change.day >= self.horizon:
            return
        detail = f"x{change.factor:g}" if isinstance(change, ScaleThreat) else ""
        ev = self.env.timeout(change.day)
        ev.callbacks.append(lambda _e: self.log(f"timeline.{change.target}", change.change, detail))

    def run(self) -> None:
        run_until(self.env, self.horizon)


def simulate(scenario: Scenario, seed: np.random.SeedSequence, *, trace: bool = False, series: bool = True) -> ReplicationResult:
    """Run one replication of ``scenario`` with the streams of ``seed``.

    Args:
        scenario: a validated scenario.
        seed: the replication's seed; every stream is spawned from it by name.
        trace: also return the event trace (time, actor, event, detail).
        series: also return the daily series (False: ``series`` is empty, the metrics unchanged).

    Returns:
        The replication's metrics (NaN where undefined), daily series, trace and event count.
    """
    from .metrics import compute

    world = World(scenario, seed, trace=trace)
    world.run()
    metrics, daily = compute(world, series)
    return ReplicationResult(metrics=metrics, series=daily, trace=world.trace, events=events_processed(world.env))
