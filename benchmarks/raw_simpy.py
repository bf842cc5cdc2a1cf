"""The reference: the same kinds of SimPy work as a peacesim replication, written with no peacesim code.

This is what a careful SimPy programmer would write by hand for one replication of a scenario:
plain generator processes, a ``Store`` of ready units, ``Resource`` lift pools and quick-reaction
teams, ``Container`` interceptor stocks and ``Timeout`` s, with random numbers drawn from numpy in
blocks. It imports nothing from peacesim: it takes a :class:`Workload` of plain numbers (which
:mod:`benchmarks.workload` reads off a scenario) so the overhead figure compares peacesim with
SimPy itself, not with a different model.

Processes, one per element as in the model:

* force slots: take the longest-ready unit (``Store.get``), move it into theatre holding a lift place
  (``Resource``), serve the tour, send the relief ahead, go home, recover, train, ``Store.put``;
* incident arrivals per (stream, zone): exponential gaps; a detected incident calls a quick-reaction
  team (``Resource``) for travel plus time on scene;
* air raids per raid stream: exponential gaps, one vectorised engagement per raid (a multinomial
  split over targets, a binomial per defending layer) drawing shots from the stock
  (``Container.get``) and counting leakers;
* deliveries: a monthly shipment that lands after its lead time (a ``Timeout`` whose callback
  does ``Container.put``);
* scheduled changes: one ``Timeout`` per timeline entry.

Non-lethal output makes no SimPy events in the model, so it has no counterpart here.

Events are counted without slowing the loop: every scheduled event takes the next id from
``env._eid``, so events processed = ids issued - events still queued (the ``until`` marker counts as one, as
it does in peacesim's ``world.events_processed``, which counts the same way; tests check both equal the
number of ``env.step`` calls).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

BLOCK = 256
MONTH_DAYS = 30.0

Proc = Generator[simpy.events.Event, Any, Any]


@dataclass(frozen=True)
class ForceLoad:
    """One contingent: ``units`` in the cycle, ``slots`` held in theatre at once, durations in days."""

    units: int
    slots: int
    tour: float
    recovery: float
    training: float
    handover: float
    readiness: float
    move_mean: float
    lift: str | None


@dataclass(frozen=True)
class IncidentLoad:
    """Incidents in one zone: Poisson rate, chance of detection, team busy time (days)."""

    rate_per_day: float
    detect_p: float
    busy_days: float


@dataclass(frozen=True)
class Layer:
    """One air-defence layer over a target: which stock it fires from, shots per threat, kill probability."""

    stock: int
    shots: int
    kill_p: float


@dataclass(frozen=True)
class RaidLoad:
    """Raids of one type: mean gap (days), mean size, target weights and the layers over each target."""

    interval_mean: float
    size_mean: float
    weights: tuple[float, ...]
    layers: tuple[tuple[Layer, ...], ...]


@dataclass(frozen=True)
class DeliveryLoad:
    """A monthly shipment of ``quantity`` arriving ``lead_days`` later into stock ``stock`` (or none)."""

    quantity: float
    lead_days: float
    stock: int | None


@dataclass(frozen=True)
class Workload:
    """Everything the reference needs, as plain numbers."""

    horizon_days: float
    forces: tuple[ForceLoad, ...] = ()
    lift_capacity: dict[str, int] = field(default_factory=dict)
    qrf_teams: int = 1
    incidents: tuple[IncidentLoad, ...] = ()
    raids: tuple[RaidLoad, ...] = ()
    stocks: tuple[int, ...] = ()
    deliveries: tuple[DeliveryLoad, ...] = ()
    timeline: tuple[float, ...] = ()


@dataclass
class RawResult:
    """What the reference returns: events processed and a few totals (so the work cannot be skipped)."""

    events: int
    arrivals: int = 0
    incidents: int = 0
    responses: int = 0
    threats: int = 0
    leakers: int = 0
    delivered: float = 0.0


def _blocks(draw: Any) -> Iterator[float]:
    """An endless supply of values from ``draw(BLOCK)``, one numpy call per block."""
    while True:
        yield from draw(BLOCK).tolist()


class _World:
    """The shared state of one reference replication."""

    def __init__(self, w: Workload, seed: int | np.random.SeedSequence) -> None:
        self.env = simpy.Environment()
        self.w = w
        self.rng = np.random.default_rng(seed)
        self.out = RawResult(events=0)
        self.lifts = {m: simpy.Resource(self.env, capacity=c) for m, c in w.lift_capacity.items()}
        self.qrf = simpy.Resource(self.env, capacity=max(1, w.qrf_teams))
        self.stocks = [simpy.Container(self.env, init=s, capacity=float("inf")) for s in w.stocks]


def _force(world: _World, f: ForceLoad) -> None:
    env, rng = world.env, world.rng
    ready = simpy.Store(env)
    for unit in range(f.units):
        ready.put(unit)
    moves = _blocks(lambda n: rng.exponential(f.move_mean, n) if f.move_mean > 0 else np.zeros(n))
    lift = world.lifts.get(f.lift) if f.lift else None

    def move() -> Proc:
        if lift is None:
            yield env.timeout(next(moves))
            return
        with lift.request() as req:
            yield req
            yield env.timeout(next(moves))

    def bring() -> Proc:
        unit = yield ready.get()
        yield from move()
        world.out.arrivals += 1
        return unit

    def go_home(unit: int) -> Proc:
        yield from move()
        if f.recovery > 0:
            yield env.timeout(f.recovery)
        if f.training > 0:
            yield env.timeout(f.training)
        yield ready.put(unit)

    def hold_slot() -> Proc:
        if f.readiness > 0:
            yield env.timeout(f.readiness)
        unit = yield env.process(bring())
        while True:
            tour_end = env.now + f.tour
            send_at = tour_end - f.handover - f.move_mean
            if send_at > env.now:
                yield env.timeout(send_at - env.now)
            relief = env.process(bring())
            if tour_end > env.now:
                yield env.timeout(tour_end - env.now)
            env.process(go_home(unit))
            unit = yield relief

    for _ in range(f.slots):
        env.process(hold_slot())


def _incidents(world: _World, inc: IncidentLoad) -> Proc:
    env, rng, qrf = world.env, world.rng, world.qrf
    gaps = _blocks(lambda n: rng.exponential(1.0 / inc.rate_per_day, n))
    coins = _blocks(rng.random)

    def respond() -> Proc:
        with qrf.request() as req:
            yield req
            yield env.timeout(inc.busy_days)
        world.out.responses += 1

    while True:
        yield env.timeout(next(gaps))
        world.out.incidents += 1
        if next(coins) < inc.detect_p:
            env.process(respond())


def _raids(world: _World, r: RaidLoad) -> Proc:
    """A raid is one event: split it over targets, let each layer fire salvos from its stock."""
    env, rng = world.env, world.rng
    gaps = _blocks(lambda n: rng.exponential(r.interval_mean, n))
    sizes = _blocks(lambda n: rng.poisson(r.size_mean, n))
    p = np.asarray(r.weights, dtype=float)
    p = p / p.sum()
    while True:
        yield env.timeout(next(gaps))
        size = int(next(sizes))
        if size == 0:
            continue
        world.out.threats += size
        for k, layers in zip(rng.multinomial(size, p).tolist(), r.layers):
            alive = k
            for layer in layers:
                stock = world.stocks[layer.stock]
                engaged = min(alive, int(stock.level) // layer.shots)
                if engaged <= 0:
                    continue
                alive -= int(rng.binomial(engaged, 1.0 - (1.0 - layer.kill_p) ** layer.shots))
                stock.get(engaged * layer.shots)
            world.out.leakers += alive


def _deliveries(world: _World, d: DeliveryLoad) -> Proc:
    """A batch ships every month and lands after its lead time (a timeout with a callback)."""
    env = world.env

    def arrive(_event: simpy.events.Event) -> None:
        world.out.delivered += d.quantity
        if d.stock is not None and d.quantity > 0:
            world.stocks[d.stock].put(d.quantity)

    while True:
        env.timeout(d.lead_days).callbacks.append(arrive)
        yield env.timeout(MONTH_DAYS)


def run(w: Workload, seed: int | np.random.SeedSequence = 0) -> RawResult:
    """One reference replication of ``w`` to its horizon; returns the events SimPy processed."""
    world = _World(w, seed)
    env = world.env
    for f in w.forces:
        _force(world, f)
    for inc in w.incidents:
        if inc.rate_per_day > 0:
            env.process(_incidents(world, inc))
    for r in w.raids:
        if r.interval_mean > 0:
            env.process(_raids(world, r))
    for d in w.deliveries:
        env.process(_deliveries(world, d))
    for day in w.timeline:
        if day < w.horizon_days:
            env.timeout(day)
    env.run(until=w.horizon_days)
    issued = next(env._eid)  # type: ignore[attr-defined]
    world.out.events = issued - len(env._queue)  # type: ignore[attr-defined]
    return world.out
