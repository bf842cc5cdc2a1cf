"""The SimPy event loop of a replication, with SimPy's own ``step`` inlined.

``Environment.run(until=t)`` calls ``step()`` once per event: a Python frame, a ``try`` and
attribute look-ups per event, on the order of a tenth of a replication. :func:`run_until` does
exactly what ``run(until=t)`` does (the same stop event, the same order of events and callbacks,
the same failure handling, the same event ids) in one loop. A test checks it against
``Environment.run`` event by event.
"""

from __future__ import annotations

from heapq import heappop

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import URGENT, Event, EventPriority


def run_until(env: simpy.Environment, until: float) -> None:
    """Process every event before ``until`` (as ``env.run(until=until)`` does for a number)."""
    at = until if isinstance(until, int) else float(until)
    if at <= env.now:
        raise ValueError(f"until ({at}) must be greater than the current simulation time")
    stop = Event(env)
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, at - env.now)
    stop.callbacks.append(StopSimulation.callback)
    queue = env._queue
    try:
        while True:
            try:
                env._now, _, _, event = heappop(queue)
            except IndexError:
                raise EmptySchedule from None
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            try:
                for callback in callbacks:
                    callback(event)
            except StopSimulation:
                event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                env.schedule(event, EventPriority(-1))
                raise
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
    except StopSimulation:
        return
    except EmptySchedule:  # cannot happen while the stop event is queued; as Environment.run says
        raise RuntimeError(f'No scheduled events left but "until" event was not triggered: {stop}') from None
