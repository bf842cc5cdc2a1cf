"""Armaments deliveries and non-lethal support.

Deliveries ship a batch every 30-day month from ``start_day`` while the element is active. Each
batch arrives after its own lead-time draw (batches may overtake each other) and refills the named
air-defence stock, or a general armaments counter. Interceptors come in whole numbers: a batch
carries the whole items shipped up to that month, so fractional monthly rates add up over time.

Non-lethal output interacts with nothing else, so it is computed with numpy after the run:
day d yields ``capacity_per_day * efficiency_d * (share of day d the element is active)``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from peacesim.scenario.enablers import Delivery, NonLethal

from .timeline import active_window

if TYPE_CHECKING:
    from .airdefence import System
    from .world import World

Proc = Generator[simpy.events.Event, Any, Any]

#: Days in a delivery month.
MONTH_DAYS = 30.0


class Deliveries:
    """Every armaments flow of the scenario."""

    def __init__(self, world: "World", systems: dict[str, "System"]) -> None:
        self.world = world
        self.systems = systems
        self.delivered = 0.0
        self.general = 0.0
        for d in world.scenario.enablers.armaments:
            if d.quantity_per_month > 0:
                world.env.process(self._ship(d))

    def _ship(self, d: Delivery) -> Proc:
        """Ship a batch every month while the flow is active."""
        w = self.world
        start, end = active_window(w.scenario, d.id, d.start_day, d.end_day)
        lead = w.streams.stream(f"armaments.{d.id}.lead_time", d.lead_time_days.sample)
        month, shipped = 0, 0.0
        while True:
            t = start + month * MONTH_DAYS
            if t >= end or t >= w.horizon:
                return
            if t > w.env.now:
                yield w.env.timeout(t - w.env.now)
            month += 1
            amount = d.quantity_per_month
            if d.into_system is not None:
                amount = math.floor(month * d.quantity_per_month) - math.floor(shipped)
            shipped += amount
            arrival = w.env.timeout(lead.next())
            arrival.callbacks.append(functools.partial(self._land, d, amount))

    def _land(self, d: Delivery, amount: float, _event: simpy.events.Event) -> None:
        """Callback of a batch's arrival timeout."""
        self._arrive(d, amount)

    def _arrive(self, d: Delivery, amount: float) -> None:
        now = self.world.env.now
        self.delivered += amount
        if d.into_system is not None:
            self.systems[d.into_system].refill(now, amount)
        else:
            self.general += amount
        self.world.log(f"armaments.{d.id}", "delivered", f"{amount:g} {d.item}")


def nonlethal_output(element: NonLethal, window: tuple[float, float], rng: np.random.Generator, horizon: int) -> float:
    """Total output of one non-lethal element over the run (vectorised over days)."""
    start, end = window
    days = np.arange(horizon, dtype=float)
    share = np.clip(np.minimum(days + 1, end) - np.maximum(days, start), 0.0, 1.0)
    efficiency = element.efficiency.sample(rng, horizon)
    return float(np.sum(element.capacity_per_day * efficiency * share))


def nonlethal_outputs(world: "World") -> dict[str, float]:
    """``nonlethal_output.<id>`` for every non-lethal element."""
    out: dict[str, float] = {}
    for e in world.scenario.enablers.non_lethal:
        window = active_window(world.scenario, e.id, e.start_day, e.end_day)
        rng = world.streams.generator(f"non_lethal.{e.id}.efficiency")
        out[f"nonlethal_output.{e.id}"] = nonlethal_output(e, window, rng, world.horizon)
    return out
