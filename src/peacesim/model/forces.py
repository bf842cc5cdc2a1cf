"""Rotation of national contingents: ready -> in transit -> in theatre -> in transit -> recovering -> training.

Each contingent keeps ``units_deployed`` slots filled in theatre from ``rotation_depth`` units.
Every slot is a SimPy process. The first unit leaves at ``readiness_day``. While a unit serves its
tour, the slot sends its relief so that it lands ``handover_days`` before the tour ends, planning
with the *mean* move time. The relief takes the unit that has been ready longest (a SimPy
``Store``), waits for a place in its lift pool (:class:`LiftPool`, first come first served; a mode with no pool is
unconstrained) and flies or sails in. The outgoing unit leaves when its tour ends, whether or not
the relief has arrived. If the relief is late the slot is empty: a rotation gap. Going home uses
lift too; then the unit recovers and trains before it is ready again.

Headcounts (``troops.*`` series) count every soldier of a unit in its state. Effective strength,
which allocation and quick reaction use, counts each *occupied slot* once. So the handover
overlap does not double coverage, and a gap in one slot is not hidden by an overlap in another.
Effective strength is ``troops_per_unit * availability``.

A contingent whose units split into staggered sub-units runs one such rotation per sub-unit
(a *line*: its own ready queue of ``rotation_depth`` sub-units and its own ``units_deployed``
positions), each position carrying ``troops_per_unit / sub_units`` troops; :mod:`.rotation` sets
where in its cycle each line starts. Lock-step sub-units move together, as one unit.

A unit whose tour ends leaves at once unless its relief is due within :data:`.rotation.EPS` days,
so a relief planned to land exactly at the end of a tour never leaves a float-noise gap.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from peacesim.scenario.forces import Force
from peacesim.scenario.schema import Scenario

from .recorder import Level
from .rotation import EPS, line_start
from .timeline import withdraw_day

if TYPE_CHECKING:
    from .world import World

STATES = ("ready", "in_transit", "deployed", "recovering", "training")

Proc = Generator[simpy.events.Event, Any, Any]


class LiftPool:
    """Strategic lift of one mode, in parts of a unit move: a sub-unit of s moves with 1/s of a place.

    A SimPy ``Container`` of ``capacity_units x parts`` whole parts (``parts`` is the least common
    multiple of the sub-units that move on it), so shares add up exactly; its queue is first come,
    first served, as a ``Resource`` of ``capacity_units`` places is for whole units.
    """

    def __init__(self, env: simpy.Environment, capacity_units: int, parts: int) -> None:
        self.parts = parts
        self.places = simpy.Container(env, capacity=capacity_units * parts, init=capacity_units * parts)


def lift_pools(env: simpy.Environment, scenario: Scenario) -> dict[str, LiftPool]:
    """One pool per lift mode of the scenario; a mode with no pool is unconstrained."""
    parts = {p.mode: math.lcm(1, *(f.rotating_sub_units for f in scenario.forces if f.lift == p.mode)) for p in scenario.lift}
    return {p.mode: LiftPool(env, p.capacity_units, parts[p.mode]) for p in scenario.lift}


class Contingent:
    """One nation's contingent: its lines of (sub-)units, its positions in theatre and its presence."""

    def __init__(self, world: "World", force: Force, lift: LiftPool | None) -> None:
        self.world = world
        self.force = force
        self.actor = f"force.{force.id}"
        self.lift = lift
        env = world.env
        lines, slots = force.rotating_sub_units, force.units_deployed
        self.slots = slots
        self.sub_troops = force.troops_per_unit / lines
        #: Quick-reaction teams carried by a sub-unit of each line (a unit's teams spread over its sub-units).
        self.line_teams = [force.qrf_teams // lines + (k < force.qrf_teams % lines) for k in range(lines)]
        self.ready: list[simpy.Store] = [simpy.Store(env) for _ in range(lines)]
        world.troops["ready"].add(0.0, force.rotation_depth * force.troops_per_unit)
        self.moves = world.streams.stream(f"force.{force.id}.moves", force.deployment_delay_days.sample)
        self.mean_move = force.deployment_delay_days.mean
        #: Units in each position (line k, slot i is position k * slots + i).
        self.in_theatre: list[list[str]] = [[] for _ in range(lines * slots)]
        self.occupied_slots = 0  # positions with a unit in theatre; kept by _enter/_exit, read on every change
        self.teams_in_theatre = 0
        self.present = Level(0.0)  # troops in theatre, each occupied position once
        self.first_arrival: list[float | None] = [None] * (lines * slots)
        self.gap_open: list[float | None] = [None] * (lines * slots)
        self.gaps: list[tuple[float, float]] = []
        self.due = [math.inf] * (lines * slots)  # when the relief moving into each position lands
        self.arrivals = 0
        self.arrived_at: dict[str, float] = {}
        self.withdrawn = False
        self._pending: list[simpy.resources.store.StoreGet] = []
        self.coverage_share = force.coverage_share
        self.withdraw_day = withdraw_day(world.scenario, force.id)
        self.planned_start = force.readiness_day + self.mean_move
        self.planned_troops = float(force.troops_per_unit * slots)
        self.first_tour: list[float | None] = []
        for k in range(lines):
            start = line_start(force, k)
            self.first_tour.append(start.first_tour)
            for number, after in start.ready:
                unit = str(number) if lines == 1 else f"{number}.{k + 1}"
                if after > 0:
                    self._change(unit, "ready", "training", "stagger")
                    env.process(self._ready_later(k, unit, force.readiness_day + after))
                else:
                    self.ready[k].put(unit)
            for slot in range(slots):
                env.process(self._hold_slot(k, slot))
        if math.isfinite(self.withdraw_day):
            env.process(self._withdraw_at(self.withdraw_day))

    # --- what other processes read -------------------------------------------------------
    @property
    def coverage_troops(self) -> float:
        """Effective troops on coverage tasks (guard, patrol, monitoring) now in theatre."""
        f = self.force
        return self.occupied_slots * self.sub_troops * f.availability * self.coverage_share

    @property
    def qrf_teams(self) -> int:
        return self.teams_in_theatre

    # --- the processes ---------------------------------------------------------------------
    def _hold_slot(self, line: int, slot: int) -> Proc:
        """Keep one position in theatre filled, tour after tour, until the contingent is withdrawn."""
        f, env = self.force, self.world.env
        pos = line * self.slots + slot
        if f.readiness_day > 0:
            yield env.timeout(f.readiness_day)
        if self.withdrawn:
            return
        unit = yield env.process(self._bring_unit(line, pos))
        tour = self.first_tour[line] or f.tour_days
        while unit is not None and not self.withdrawn:
            tour_end = self.arrived_at[unit] + tour
            tour = f.tour_days
            send_at = tour_end - f.handover_days - self.mean_move
            if send_at > env.now:
                yield env.timeout(send_at - env.now)
                if self.withdrawn:
                    return
            relief = env.process(self._bring_unit(line, pos))
            if tour_end > env.now:
                yield env.timeout(tour_end - env.now)
                if self.withdrawn:
                    return
            if not relief.triggered and 0.0 <= self.due[pos] - env.now <= EPS:
                yield relief  # due now: a relief is not late by float noise
                if self.withdrawn:
                    return
            self._leave(line, pos, unit)
            unit = yield relief

    def _ready_later(self, line: int, unit: str, day: float) -> Proc:
        """A staggered line's unit that its plan has at home at the start: ready on ``day``."""
        yield self.world.env.timeout(day)
        self._change(unit, "training", "ready", "ready")
        if not self.withdrawn:
            yield self.ready[line].put(unit)

    def _bring_unit(self, line: int, pos: int) -> Proc:
        """Take the line's longest-ready unit, move it into theatre and put it in the position (None if withdrawn)."""
        get = self.ready[line].get()
        self._pending.append(get)
        unit = yield get
        self._pending.remove(get)
        if unit is None:
            return None
        self._change(unit, "ready", "in_transit", "depart")
        yield from self._move(pos)
        if self.withdrawn:
            self.world.env.process(self._go_home(line, unit))
            return None
        now = self.world.env.now
        self.due[pos] = math.inf
        self._enter(line, pos, unit)
        self.arrived_at[unit] = now
        self.arrivals += 1
        self._change(unit, "in_transit", "deployed", "arrive", f"slot {pos % self.slots}")
        if self.first_arrival[pos] is None:
            self.first_arrival[pos] = now
        elif self.gap_open[pos] is not None:
            self._close_gap(pos)
        self.world.forces_changed()
        return unit

    def _leave(self, line: int, pos: int, unit: str) -> None:
        """A unit's tour ends: it leaves the position and starts home."""
        now = self.world.env.now
        self._exit(line, pos, unit)
        self._change(unit, "deployed", "in_transit", "tour_end", f"slot {pos % self.slots}")
        if not self.in_theatre[pos]:
            self.gap_open[pos] = now
        self.world.env.process(self._go_home(line, unit))
        self.world.forces_changed()

    def _go_home(self, line: int, unit: str) -> Proc:
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
            yield self.ready[line].put(unit)

    def _move(self, into: int | None = None) -> Proc:
        """One strategic move of a unit or sub-unit (into position ``into``, or home), holding a lift place."""
        env = self.world.env
        duration = self.moves.next()
        if self.lift is None:
            if into is not None:
                self.due[into] = env.now + duration
            yield env.timeout(duration)
            return
        share = self.lift.parts // self.force.rotating_sub_units
        yield self.lift.places.get(share)
        if into is not None:
            self.due[into] = env.now + duration
        yield env.timeout(duration)
        self.lift.places.put(share)  # never waits: the parts were taken above

    def _withdraw_at(self, day: float) -> Proc:
        """The nation withdraws: units in theatre go home and no more rotations start."""
        yield self.world.env.timeout(day)
        self.withdrawn = True
        self.world.log(self.actor, "withdraw")
        for get in list(self._pending):
            if not get.triggered:
                get.cancel()
                get.succeed(None)
        for pos, units in enumerate(self.in_theatre):
            if self.gap_open[pos] is not None:
                self._close_gap(pos)
            line = pos // self.slots
            for unit in list(units):
                self._exit(line, pos, unit)
                self._change(unit, "deployed", "in_transit", "tour_end", f"slot {pos % self.slots} (withdrawal)")
                self.world.env.process(self._go_home(line, unit))
        self.world.forces_changed()

    # --- book-keeping ----------------------------------------------------------------------
    def _enter(self, line: int, pos: int, unit: str) -> None:
        units = self.in_theatre[pos]
        if not units:
            self.occupied_slots += 1
            self.teams_in_theatre += self.line_teams[line]
            self.present.set(self.world.env.now, self.occupied_slots * self.sub_troops)
        units.append(unit)

    def _exit(self, line: int, pos: int, unit: str) -> None:
        units = self.in_theatre[pos]
        units.remove(unit)
        if not units:
            self.occupied_slots -= 1
            self.teams_in_theatre -= self.line_teams[line]
            self.present.set(self.world.env.now, self.occupied_slots * self.sub_troops)

    def _change(self, unit: str, old: str, new: str, event: str, detail: str = "") -> None:
        now, n = self.world.env.now, self.sub_troops
        self.world.troops[old].add(now, -n)
        self.world.troops[new].add(now, n)
        if self.world.trace is not None:
            self.world.log(self.actor, event, f"unit {unit}" + (f" {detail}" if detail else ""))

    def _close_gap(self, pos: int) -> None:
        """The position is filled again (or the contingent withdrawn): a gap longer than EPS is kept for the trace."""
        start, now = self.gap_open[pos], self.world.env.now
        self.gap_open[pos] = None
        if start is not None and now - start > EPS:
            self.gaps.append((start, now))
            self.world.log(self.actor, "gap", f"slot {pos % self.slots} empty from day {start:g}")
