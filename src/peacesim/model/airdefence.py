"""Air raids and the air-defence systems that engage them.

Each raid stream is one SimPy process. It draws the time to the next raid, the raid size (rounded
to whole threats), and the split of the raid's threats over target zones (a multinomial on the
target weights). A raid is one event with vectorised draws, not one process per threat.

In each targeted zone, the systems protecting it engage in scenario order (layered defence:
survivors of the first layer meet the second). A system engages only threat types it has a kill
probability for, only while it is active, and at most ``batteries * engagements_per_battery``
threats per raid over all the zones it protects. Its interceptors are a SimPy ``Container``.

* salvo: ``n`` shots at each threat engaged; it is killed with probability ``1 - (1 - p)^n``.
* shoot-look-shoot: shots one at a time, up to ``n``, until a kill. Shots per threat are
  ``min(G, n)`` with ``G ~ Geometric(p)``, so the kill probability is again ``1 - (1 - p)^n``, and
  the mean number of shots is ``(1 - (1 - p)^n) / p``.

The last interceptors are fired as a short salvo (fewer than ``n`` shots), so a stock runs down to
exactly zero. ``stockout_day`` is the first time it does. Threats not killed are leakers in their
zone.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from peacesim.scenario.enablers import AirDefence as AirDefenceSpec
from peacesim.scenario.threats import AirRaid

from .recorder import Level
from .timeline import Intensity, active_window

if TYPE_CHECKING:
    from .world import World

Proc = Generator[simpy.events.Event, Any, Any]


def fire_salvo(rng: np.random.Generator, p: float, n: int, threats: int, stock: int) -> tuple[int, int, int]:
    """Engage up to ``threats`` with ``n``-shot salvos from ``stock``; returns (engaged, killed, shots)."""
    full = min(threats, stock // n)
    killed = int(rng.binomial(full, 1.0 - (1.0 - p) ** n)) if full else 0
    shots, engaged = full * n, full
    rest = stock - shots
    if engaged < threats and rest > 0:
        engaged += 1
        shots += rest
        killed += int(rng.random() < 1.0 - (1.0 - p) ** rest)
    return engaged, killed, shots


def fire_shoot_look_shoot(rng: np.random.Generator, p: float, n: int, threats: int, stock: int) -> tuple[int, int, int]:
    """Engage up to ``threats``, firing again only after a miss (at most ``n`` shots each)."""
    if threats <= 0 or stock <= 0:
        return 0, 0, 0
    g = rng.geometric(p, size=threats) if p > 0 else np.full(threats, n + 1)
    each = np.minimum(g, n)
    cum = np.cumsum(each)
    m = int(np.searchsorted(cum, stock, side="right"))
    killed = int(np.count_nonzero(g[:m] <= n))
    shots = int(cum[m - 1]) if m else 0
    engaged = m
    rest = stock - shots
    if m < threats and rest > 0:
        engaged += 1
        shots += int(min(g[m], rest))
        killed += int(g[m] <= rest)
    return engaged, killed, shots


class System:
    """One air-defence element: its interceptor stock and when it fights."""

    def __init__(self, world: "World", spec: AirDefenceSpec) -> None:
        self.spec = spec
        self.stock = simpy.Container(world.env, init=spec.stock, capacity=math.inf)
        self.level: Level = world.level(f"stock.{spec.id}", spec.stock)
        self.start, self.end = active_window(world.scenario, spec.id, spec.start_day, spec.end_day)
        self.rng = world.streams.generator(f"air_defence.{spec.id}.engage")
        self.stockout_day = 0.0 if spec.stock == 0 else math.nan
        self.fired = 0

    def active(self, t: float) -> bool:
        return self.start <= t < self.end

    def refill(self, now: float, amount: float) -> None:
        if amount > 0:
            self.stock.put(amount)
            self.level.set(now, self.stock.level)


class AirDefence:
    """All raid streams, the systems that meet them, and the tally of threats and leakers."""

    def __init__(self, world: "World") -> None:
        self.world = world
        s = world.scenario
        self.systems = {a.id: System(world, a) for a in s.enablers.air_defence}
        self.protecting: dict[str, list[System]] = {z.id: [] for z in s.zones}
        for sys in self.systems.values():
            for z in sys.spec.zones:
                self.protecting[z].append(sys)
        self.types = sorted({r.threat_type for r in s.threats.air_raids})
        self.threats = {t: 0 for t in self.types}
        self.killed = {t: 0 for t in self.types}
        self.leak_times: list[float] = []
        self.leak_counts: list[float] = []
        self.leak_zones: list[str] = []
        for raid in s.threats.air_raids:
            world.env.process(self._raids(raid, Intensity.for_threat(s, raid.id)))

    def _raids(self, raid: AirRaid, intensity: Intensity) -> Proc:
        """Raid after raid of one stream until the horizon."""
        w = self.world
        name = f"raids.{raid.id}"
        interval = w.streams.stream(name + ".interval", raid.interval_days.sample)
        size = w.streams.stream(name + ".size", raid.raid_size.sample)
        targets_rng = w.streams.generator(name + ".targets")
        zones = list(raid.target_weights)
        weights = np.asarray([raid.target_weights[z] for z in zones], dtype=float)
        p = weights / weights.sum()
        while True:
            t = intensity.advance(w.env.now, interval.next())
            n = max(0, int(round(size.next())))
            if t >= w.horizon:
                return
            yield w.env.timeout(t - w.env.now)
            if n == 0:
                continue
            counts = targets_rng.multinomial(n, p)
            self.threats[raid.threat_type] += n
            budget = {sid: sys.spec.batteries * sys.spec.engagements_per_battery for sid, sys in self.systems.items()}
            leaked = 0
            for zone, k in zip(zones, counts):
                if k:
                    leak = self._defend(zone, int(k), raid.threat_type, budget)
                    leaked += leak
                    if leak:
                        self.leak_times.append(t)
                        self.leak_counts.append(leak)
                        self.leak_zones.append(zone)
            self.killed[raid.threat_type] += n - leaked
            w.log(name, "raid", f"{n} {raid.threat_type}, {leaked} leaked")

    def _defend(self, zone: str, threats: int, kind: str, budget: dict[str, int]) -> int:
        """Layered engagement of the threats aimed at one zone; returns the leakers."""
        now = self.world.env.now
        alive = threats
        for sys in self.protecting[zone]:
            spec = sys.spec
            if alive == 0:
                break
            p = spec.kill_probability.get(kind)  # type: ignore[call-overload]
            stock = int(round(sys.stock.level))
            if p is None or not sys.active(now) or budget[spec.id] <= 0 or stock <= 0:
                continue
            fire = fire_shoot_look_shoot if spec.doctrine == "shoot_look_shoot" else fire_salvo
            engaged, killed, shots = fire(sys.rng, float(p), spec.shots(kind), min(alive, budget[spec.id]), stock)
            budget[spec.id] -= engaged
            alive -= killed
            if shots:
                sys.stock.get(shots)
                sys.fired += shots
                sys.level.set(now, sys.stock.level)
                if sys.stock.level <= 0 and math.isnan(sys.stockout_day):
                    sys.stockout_day = now
                    self.world.log(f"air_defence.{spec.id}", "stockout")
        return alive
