"""The SimPy event loop of a replication, with SimPy's own ``step`` inlined.

``Environment.run(until=t)`` calls ``step()`` once per event: a Python frame, a ``try`` and
attribute look-ups per event, on the order of a tenth of a replication. :func:`run_until` does
exactly what ``run(until=t)`` does (the same stop event, the same order of events and callbacks,
the same failure handling, the same event ids) in one loop. A test checks it against
``Environment.run`` event by event.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority, Timeout


def call_later(env: simpy.Environment, delay: float, callback: Callable[[Any], None]) -> Timeout:
    """``env.timeout(delay)`` with ``callback`` as its one callback, made without two Python frames.

    The same event as SimPy's: a ``Timeout`` with the same fields, queued at ``now + delay`` with the
    next event id. For the timeouts made once per incident, the most frequent events of a run.
    """
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    ev = Timeout.__new__(Timeout)
    ev.env, ev.callbacks, ev._value, ev._delay, ev._ok = env, [callback], None, delay, True
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), ev))
    return ev


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
