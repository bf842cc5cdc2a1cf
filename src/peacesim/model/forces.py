"""Rotation of national contingents: ready -> in transit -> in theatre -> in transit -> recovering -> training.

Each contingent keeps ``units_deployed`` slots filled in theatre from ``rotation_depth`` units.
Every slot is a SimPy process. The first unit leaves at ``readiness_day``. While a unit serves its
tour, the slot sends its relief so that it lands ``handover_days`` before the tour ends, planning
with the *mean* move time. The relief takes the unit that has been ready longest (a SimPy
``Store``), waits for a place in its lift pool (a SimPy ``Resource``; a mode with no pool is
unconstrained) and flies or sails in. The outgoing unit leaves when its tour ends, whether or not
the relief has arrived. If the relief is late the slot is empty: a rotation gap. Going home uses
lift too; then the unit recovers and trains before it is ready again.

Headcounts (``troops.*`` series) count every soldier of a unit in its state. Effective strength,
which allocation and quick reaction use, counts each *occupied slot* once. So the handover
overlap does not double coverage, and a gap in one slot is not hidden by an overlap in another.
Effective strength is ``troops_per_unit * availability``.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from peacesim.scenario.forces import Force

from .timeline import withdraw_day

if TYPE_CHECKING:
    from .world import World

STATES = ("ready", "in_transit", "deployed", "recovering", "training")

Proc = Generator[simpy.events.Event, Any, Any]


class Contingent:
    """One nation's contingent: its units, its slots in theatre and its gaps."""

    def __init__(self, world: "World", force: Force, lift: simpy.Resource | None) -> None:
        self.world = world
        self.force = force
        self.actor = f"force.{force.id}"
        self.lift = lift
        env = world.env
        self.ready: simpy.Store = simpy.Store(env)
        for unit in range(1, force.rotation_depth + 1):
            self.ready.put(unit)
        world.troops["ready"].add(0.0, force.rotation_depth * force.troops_per_unit)
        self.moves = world.streams.stream(f"force.{force.id}.moves", force.deployment_delay_days.sample)
        self.mean_move = force.deployment_delay_days.mean
        self.in_theatre: list[list[int]] = [[] for _ in range(force.units_deployed)]
        self.occupied_slots = 0  # slots with a unit in theatre; kept by _enter/_exit, read on every change
        self.first_arrival: list[float | None] = [None] * force.units_deployed
        self.gap_open: list[float | None] = [None] * force.units_deployed
        self.gaps: list[tuple[float, float]] = []
        self.arrivals = 0
        self.arrived_at: dict[int, float] = {}
        self.withdrawn = False
        self._pending: list[simpy.resources.store.StoreGet] = []
        self.coverage_share = force.coverage_share
        for slot in range(force.units_deployed):
            env.process(self._hold_slot(slot))
        day = withdraw_day(world.scenario, force.id)
        if math.isfinite(day):
            env.process(self._withdraw_at(day))

    # --- what other processes read -------------------------------------------------------
    @property
    def coverage_troops(self) -> float:
        """Effective troops on coverage tasks (guard, patrol, monitoring) now in theatre."""
        f = self.force
        return self.occupied_slots * f.troops_per_unit * f.availability * self.coverage_share

    @property
    def qrf_teams(self) -> int:
        return self.occupied_slots * self.force.qrf_teams

    # --- the processes ---------------------------------------------------------------------
    def _hold_slot(self, slot: int) -> Proc:
        """Keep one slot in theatre filled, tour after tour, until the contingent is withdrawn."""
        f, env = self.force, self.world.env
        if f.readiness_day > 0:
            yield env.timeout(f.readiness_day)
        if self.withdrawn:
            return
        unit = yield env.process(self._bring_unit(slot))
        while unit is not None and not self.withdrawn:
            tour_end = self.arrived_at[unit] + f.tour_days
            send_at = tour_end - f.handover_days - self.mean_move
            if send_at > env.now:
                yield env.timeout(send_at - env.now)
                if self.withdrawn:
                    return
            relief = env.process(self._bring_unit(slot))
            if tour_end > env.now:
                yield env.timeout(tour_end - env.now)
                if self.withdrawn:
                    return
            self._leave(slot, unit)
            unit = yield relief

    def _bring_unit(self, slot: int) -> Proc:
        """Take the longest-ready unit, move it into theatre and put it in the slot (None if withdrawn)."""
        get = self.ready.get()
        self._pending.append(get)
        unit = yield get
        self._pending.remove(get)
        if unit is None:
            return None
        self._change(unit, "ready", "in_transit", "depart")
        yield from self._move()
        if self.withdrawn:
            self.world.env.process(self._go_home(unit))
            return None
        self._enter(slot, unit)
        self.arrived_at[unit] = self.world.env.now
        self.arrivals += 1
        self._change(unit, "in_transit", "deployed", "arrive", f"slot {slot}")
        if self.first_arrival[slot] is None:
            self.first_arrival[slot] = self.world.env.now
        elif self.gap_open[slot] is not None:
            self._close_gap(slot)
        self.world.forces_changed()
        return unit

    def _leave(self, slot: int, unit: int) -> None:
        """A unit's tour ends: it leaves the slot and starts home."""
        now = self.world.env.now
        self._exit(slot, unit)
        self._change(unit, "deployed", "in_transit", "tour_end", f"slot {slot}")
        if not self.in_theatre[slot]:
            self.gap_open[slot] = now
        self.world.env.process(self._go_home(unit))
        self.world.forces_changed()

    def _go_home(self, unit: int) -> Proc:
        """Move home, recover, train, and be ready again."""
        env, f = self.world.env, self.force
        yield from self._move()
        self._change(unit, "in_transit", "recovering", "home")
        if f.recovery_days > 0:
            yield env.timeout(f.recovery_days)
        self._change(unit, "recovering", "training", "recovered")
        if f.training_days > 0:
            yield env.timeout(f.training_days)
        self._change(unit, "training", "ready", "ready")
        if not self.withdrawn:
            yield self.ready.put(unit)

    def _move(self) -> Proc:
        """One strategic move, holding a place in the lift pool while it lasts."""
        env = self.world.env
        duration = self.moves.next()
        if self.lift is None:
            yield env.timeout(duration)
            return
        with self.lift.request() as req:
            yield req
            yield env.timeout(duration)

    def _withdraw_at(self, day: float) -> Proc:
        """The nation withdraws: units in theatre go home and no more rotations start."""
        yield self.world.env.timeout(day)
        self.withdrawn = True
        self.world.log(self.actor, "withdraw")
        for get in list(self._pending):
            if not get.triggered:
                get.cancel()
                get.succeed(None)
        for slot, units in enumerate(self.in_theatre):
            if self.gap_open[slot] is not None:
                self._close_gap(slot)
            for unit in list(units):
                self._exit(slot, unit)
                self._change(unit, "deployed", "in_transit", "tour_end", f"slot {slot} (withdrawal)")
                self.world.env.process(self._go_home(unit))
        self.world.forces_changed()

    # --- book-keeping ----------------------------------------------------------------------
    def _enter(self, slot: int, unit: int) -> None:
        units = self.in_theatre[slot]
        if not units:
            self.occupied_slots += 1
        units.append(unit)

    def _exit(self, slot: int, unit: int) -> None:
        units = self.in_theatre[slot]
        units.remove(unit)
        if not units:
            self.occupied_slots -= 1

    def _change(self, unit: int, old: str, new: str, event: str, detail: str = "") -> None:
        now, n = self.world.env.now, self.force.troops_per_unit
        self.world.troops[old].add(now, -n)
        self.world.troops[new].add(now, n)
        if self.world.trace is not None:
            self.world.log(self.actor, event, f"unit {unit}" + (f" {detail}" if detail else ""))

    def _close_gap(self, slot: int) -> None:
        """The slot is filled again (or the contingent withdrawn): a gap of positive length is kept."""
        start, now = self.gap_open[slot], self.world.env.now
        self.gap_open[slot] = None
        if start is not None and now > start:
            self.gaps.append((start, now))
            self.world.log(self.actor, "gap", f"slot {slot} empty from day {start:g}")

    def open_gaps(self, end: float) -> list[tuple[float, float]]:
        """Closed gaps plus those still open at ``end``."""
        return self.gaps + [(g, end) for g in self.gap_open if g is not None]
