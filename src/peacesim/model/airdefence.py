"""Air raids and the air-defence systems that engage them.

Each raid stream is one SimPy process. It draws the time to the next raid, the raid size (rounded
to whole threats), and the split of the raid's threats over target zones (a multinomial on the
target weights). A raid is one event with vectorised draws, not one process per threat.

In each targeted zone, the systems protecting it engage one after the other (layered defence:
survivors of one layer meet the next): first the ``context`` systems (defences that are not part of
the package, e.g. Ukraine's own), then the ``package`` systems, each group in scenario order. The
context fires first so that, within one replication, the package meets exactly the threats the
context let through: context layers draw from their own streams and never see the package, so the
package's kills are what it adds to the same raids, and equal the leakers with the context alone
minus the leakers with both (common random numbers, no second run). A system engages only threat types it has a kill
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
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import simpy

from peacesim.scenario.enablers import AirDefence as AirDefenceSpec
from peacesim.scenario.threats import AirRaid

from .recorder import Level
from .streams import BLOCK, Sampler
from .timeline import Intensity, active_window

if TYPE_CHECKING:
    from .world import World

Proc = Generator[simpy.events.Event, Any, Any]
#: Threat types counted as missiles in the measures (cruise and ballistic: every type but the drone).
MISSILE_TYPES = ("cruise", "ballistic")
#: A firing doctrine: (rng, p, shots per threat, threats, stock) -> (engaged, killed, shots).
Fire = Callable[[np.random.Generator, float, int, int, int], tuple[int, int, int]]


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
        self.package = spec.role == "package"
        self.stockouts: list[float] = []  # times firing emptied the stock

    def active(self, t: float) -> bool:
        return self.start <= t < self.end

    def expend(self, now: float, shots: int) -> None:
        """Take ``shots`` interceptors fired at ``now`` out of the stock."""
        self.stock.get(shots)
        self.fired += shots
        self.level.set(now, self.stock.level)

    def refill(self, now: float, amount: float) -> None:
        if amount > 0:
            self.stock.put(amount)
            self.level.set(now, self.stock.level)


def raid_draws(sizes: np.random.Generator, sample: Sampler, targets: np.random.Generator, p: np.ndarray) -> Iterator[tuple[int, list[int]]]:
    """Each raid's size (whole threats) and threats per target zone, drawn a block of raids at a time.

    One vector multinomial per block replaces one call per raid (numpy's per-call cost was most of a
    raid's own time). The targets generator serves only this stream, a vector multinomial draws each
    row exactly as a single call with that size would, and a raid of size 0 draws nothing, so every
    raid gets the split it would get drawn on its own. Sizes are drawn ``BLOCK`` at a time from
    their own generator, as a :class:`~.streams.Stream` would, and rounded half to even. The splits
    are drawn for the first :data:`FIRST_SPLITS` raids of a block, then for twice as many each time:
    a stream that has a few raids in a run no longer splits a whole block (same rows, same order).
    """
    while True:
        ns = np.maximum(np.rint(np.asarray(sample(sizes, BLOCK), dtype=float)), 0.0).astype(np.int64)
        n = ns.tolist()
        start, step = 0, FIRST_SPLITS
        while start < BLOCK:
            yield from zip(n[start:start + step], targets.multinomial(ns[start:start + step], p).tolist())
            start, step = start + step, step * 2


#: Raids split over their target zones by the first vector draw of a block (see :func:`raid_draws`).
FIRST_SPLITS = 8


class Layer(NamedTuple):
    """One system's place in a zone's defence against one threat type, fixed before the run.

    Resolved once per (raid stream, zone) so a raid does not look up kill probabilities, shots
    and doctrine for every engagement (air defence was the largest share of a replication).
    ``slot`` is where the system's (engaged, killed, shots) go in the stream's outcome row.
    """

    system: System
    p: float
    shots: int
    fire: Fire
    slot: int


@dataclass
class RaidLog:
    """The raids of one stream, as flat rows of whole numbers (one row per raid with threats).

    ``threats`` holds, per raid, the threats aimed at each target zone. ``outcomes`` (only for a
    stream some system can engage) holds, per raid, (engaged, killed) for each target zone, then
    (engaged, killed, shots) for each system in ``systems``. Kept raw and summed with numpy after
    the run: a raid costs a few appends instead of a Python step per zone and measure.
    """

    kind: str
    zones: list[int]  # index in scenario.zones of each target zone, in the order of a row
    systems: list[str]  # ids of the systems that can engage this stream, in firing order
    times: list[float] = field(default_factory=list)
    threats: list[int] = field(default_factory=list)
    outcomes: list[int] = field(default_factory=list)

    def rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(times, threats per raid and zone, outcome rows or None) as arrays."""
        times = np.asarray(self.times, dtype=float)
        threats = np.asarray(self.threats, dtype=np.int64).reshape(times.size, len(self.zones))
        if not self.systems:
            return times, threats, None
        return times, threats, np.asarray(self.outcomes, dtype=np.int64).reshape(times.size, -1)


class AirDefence:
    """All raid streams, the systems that meet them, and the tally of threats and leakers."""

    def __init__(self, world: "World") -> None:
        self.world = world
        s = world.scenario
        # Context systems fire before package systems (see the module docstring); sorted() is stable.
        specs = sorted(s.enablers.air_defence, key=lambda a: a.role != "context")
        self.systems = {a.id: System(world, a) for a in specs}
        self.protecting: dict[str, list[System]] = {z.id: [] for z in s.zones}
        for sys in self.systems.values():
            for z in sys.spec.zones:
                self.protecting[z].append(sys)
        self.budget = {sid: sys.spec.batteries * sys.spec.engagements_per_battery for sid, sys in self.systems.items()}
        self.types = sorted({r.threat_type for r in s.threats.air_raids})
        self.zone_ids = [z.id for z in s.zones]
        self.logs: list[RaidLog] = []
        for raid in s.threats.air_raids:
            world.env.process(self._raids(raid, Intensity.for_threat(s, raid.id)))

    def firing(self, zone: str, kind: str) -> list[System]:
        """The systems that can engage threats of type ``kind`` over ``zone``, in firing order."""
        return [sys for sys in self.protecting[zone] if kind in sys.spec.kill_probability]

    def layers(self, zone: str, kind: str, slots: dict[str, int]) -> list[Layer]:
        """The layers of ``zone`` against ``kind``; ``slots`` gives each system's place in a row."""
        out = []
        for sys in self.firing(zone, kind):
            spec = sys.spec
            fire = fire_shoot_look_shoot if spec.doctrine == "shoot_look_shoot" else fire_salvo
            out.append(Layer(sys, float(spec.kill_probability[kind]), spec.shots(kind), fire, slots[spec.id]))
        return out

    def _raids(self, raid: AirRaid, intensity: Intensity) -> Proc:
        """Raid after raid of one stream until the horizon."""
        w = self.world
        env = w.env
        name = f"raids.{raid.id}"
        kind = raid.threat_type
        interval = w.streams.stream(name + ".interval", raid.interval_days.sample)
        zones = list(raid.target_weights)
        weights = np.asarray([raid.target_weights[z] for z in zones], dtype=float)
        p = weights / weights.sum()
        draws = raid_draws(w.streams.generator(name + ".size"), raid.raid_size.sample, w.streams.generator(name + ".targets"), p)
        engaging = {sys.spec.id for z in zones for sys in self.firing(z, kind)}
        systems = [sid for sid in self.systems if sid in engaging]
        k = len(zones)
        slots = {sid: 2 * k + 3 * j for j, sid in enumerate(systems)}
        width = 2 * k + 3 * len(systems)
        defended = [(i, layers) for i, zone in enumerate(zones) if (layers := self.layers(zone, kind, slots))]
        log = RaidLog(kind, [self.zone_ids.index(z) for z in zones], systems)
        self.logs.append(log)
        while True:
            t = intensity.advance(env.now, interval.next())
            n, counts = next(draws)
            if t >= w.horizon:
                return
            yield env.timeout(t - env.now)
            if n == 0:
                continue
            log.times.append(t)
            log.threats.extend(counts)
            killed = 0
            if defended:
                budget = self.budget.copy()
                row = [0] * width
                for i, layers in defended:
                    if counts[i]:
                        engaged, hit = self._defend(layers, counts[i], budget, row)
                        row[2 * i] = engaged
                        row[2 * i + 1] = hit
                        killed += hit
                log.outcomes.extend(row)
            if w.trace is not None:
                w.log(name, "raid", f"{n} {kind}, {n - killed} leaked")

    def leaked_per_day(self) -> np.ndarray:
        """Leakers per zone (rows in scenario order) and day (columns) over the run."""
        h = self.world.horizon
        out = np.zeros((len(self.zone_ids), h))
        for log in self.logs:
            if log.times:
                times, threats, outcomes = log.rows()
                leakers = threats if outcomes is None else threats - outcomes[:, 1 : 2 * len(log.zones) : 2]
                days = times.astype(np.int64)
                for j, z in enumerate(log.zones):
                    out[z] += np.bincount(days, weights=leakers[:, j], minlength=h)
        return out

    def _defend(self, layers: list[Layer], threats: int, budget: dict[str, int], row: list[int]) -> tuple[int, int]:
        """Layered engagement of the threats aimed at one zone; returns (engaged, killed).

        Adds each system's (engaged, killed, shots) to ``row`` at its slot. A threat counts as
        engaged once however many layers fire at it: a later layer is taken to fire first at
        threats no earlier layer engaged (kills do not depend on which threats a layer picks, as
        every engagement is independent with the same kill probability).
        """
        now = self.world.env.now
        alive = unengaged = threats
        for sys, p, n, fire, slot in layers:
            sid = sys.spec.id
            left = budget[sid]
            if left <= 0 or not sys.start <= now < sys.end:
                continue
            stock = int(round(sys.stock.level))
            if stock <= 0:
                continue
            engaged, killed, shots = fire(sys.rng, p, n, min(alive, left), stock)
            budget[sid] = left - engaged
            alive -= killed
            unengaged -= min(engaged, unengaged)
            row[slot] += engaged
            row[slot + 1] += killed
            row[slot + 2] += shots
            if shots:
                sys.expend(now, shots)
                if sys.stock.level <= 0:
                    sys.stockouts.append(now)
                    if math.isnan(sys.stockout_day):
                        sys.stockout_day = now
                        self.world.log(f"air_defence.{sid}", "stockout")
            if alive == 0:
                break
        return threats - unengaged, threats - alive
