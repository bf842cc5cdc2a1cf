"""Incidents on the ground and the quick-reaction teams that answer them.

Each incident stream produces Poisson arrivals in each of its zones at ``rate_per_day``, scaled by
the timeline, with one chain of timeouts per (stream, zone) (``_Arrivals``). An incident in a
point zone happens at the zone's centre; in a line zone (``line``: a border, the ceasefire line)
at a point uniform along the line, drawn from the stream's own ``.place`` stream. Surveillance
decides whether an incident is noticed.

A noticed incident calls a quick-reaction team. The teams of all contingents in theatre form one
pool, a SimPy ``PriorityResource``; when a call is granted, the pool sends the free team whose
base (``base_zone``) is nearest to the incident, and the team travels from that base. The pool
keeps, per contingent, the teams in theatre and the teams busy. Places of the pool that have no
free team behind them are held by *blocker* requests at a higher priority: their number is
``capacity - busy - sum over contingents of max(0, in theatre - busy)``. So a team whose unit
has left finishes its job before it goes home, and its place is blocked again when it does.

Response time (hours) = wait for a team + ``mobilise_hours`` + travel (great-circle distance from
the team's base to the incident, divided by ``speed_kmh``). The team is busy for mobilise + travel
+ on scene + travel back.

With ``response.give_up_hours`` set, a noticed incident that has waited that long for a team is
left to others (reneging, as in an Erlang-A queue) and is never answered (response ``inf``).
Incidents nobody notices are never answered either (response NaN, ``seen`` False). Noticed
incidents still waiting at the horizon have response NaN: their time to answer is censored at
their wait. :mod:`.response` turns these records into measures over all incidents.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import URGENT, Event
from simpy.resources.resource import PriorityRequest

from peacesim.scenario.forces import Zone
from peacesim.scenario.threats import IncidentStream

from .engine import call_later
from .geography import Line, Origins, distance_km
from .timeline import Intensity

if TYPE_CHECKING:
    from collections.abc import Callable

    from .forces import Contingent
    from .world import World

Proc = Generator[simpy.events.Event, Any, Any]


def haversine_km(a: Zone, b: Zone) -> float:
    """Great-circle distance between two zone centres."""
    return distance_km(a.lat, a.lon, b.lat, b.lon)


class Call(PriorityRequest):
    """An incident's request for a team; ``km`` is the distance to it from each contingent's base.

    ``team`` is the index of the contingent whose team was sent, set when the call is granted.
    ``announce=False`` (for a caller that never waits on the call) grants a call that finds a free
    place without an event: the event's only effect, when SimPy processed it, was to look at the
    pool's get queue, which only ever holds a release while it is being made, so is empty.
    """

    def __init__(self, pool: "_Pool", km: Sequence[float], *, announce: bool = True) -> None:
        self.km = km
        self.team = -1
        if pool.put_queue or len(pool.users) >= pool.capacity:
            super().__init__(pool, priority=0)  # SimPy queues the call by priority and time
            return
        # Nobody waits and a place is free: the grant that SimPy's request would make (queue the call,
        # try the head of the queue, grant it, take it off), step for step, without sorting the queue.
        env = pool._env
        Event.__init__(self, env)
        now = env._now  # env.now and env.active_process, read without their property calls
        self.priority, self.preempt, self.time = 0, True, now
        self.key = (0, now, False)
        self.resource = pool
        self.proc = env._active_proc
        pool.users.append(self)
        self.usage_since = now
        if announce:
            self.callbacks.append(pool._trigger_get)
            self.succeed()
        else:
            self._ok, self._value = True, None
        pool.on_grant(self)


class _Pool(simpy.PriorityResource):
    """A priority resource that tells its owner at the moment a call is granted."""

    def __init__(self, env: simpy.Environment, capacity: int, on_grant: "Callable[[Call], None]") -> None:
        super().__init__(env, capacity=capacity)
        self.on_grant = on_grant

    def _do_put(self, event: simpy.resources.resource.Request) -> None:
        super()._do_put(event)
        if event.triggered and isinstance(event, Call):
            self.on_grant(event)

    def release_now(self, request: simpy.resources.resource.Request) -> None:
        """``release(request)`` without building SimPy's ``Release``: the same steps and the same event.

        The release takes the request off the users and schedules an event that, when processed,
        grants the head of the queue (SimPy's ``Release`` does exactly this, through its get queue).
        """
        try:
            self.users.remove(request)
        except ValueError:
            pass
        done = Event(self._env)
        done.callbacks.append(self._trigger_put)
        done._ok, done._value = True, None
        self._env.schedule(done)


class QuickReaction:
    """The quick-reaction teams of the contingents in theatre, sent nearest-free-team first.

    Args:
        env: the environment.
        max_teams: per contingent, the most teams it can have in theatre at once.
    """

    def __init__(self, env: simpy.Environment, max_teams: Sequence[int]) -> None:
        self.capacity = max(1, sum(max_teams))
        self.resource = _Pool(env, self.capacity, self._send)
        self.teams = [0] * len(max_teams)
        self.busy = [0] * len(max_teams)
        self.blockers: list[PriorityRequest] = []
        self._rebalance()

    def call(self, km: Sequence[float], *, announce: bool = True) -> Call:
        """Ask for a team for an incident at distances ``km`` from the contingents' bases.

        ``announce=False``: the caller does not wait on a call granted at once (see :class:`Call`).
        """
        return Call(self.resource, km, announce=announce)

    def set_teams(self, teams: Sequence[int]) -> None:
        """The contingents now have ``teams`` teams in theatre (busy ones included)."""
        self.teams = list(teams)
        self._rebalance()

    def finish(self, call: Call) -> None:
        """The team of ``call`` is back at base and free (or goes home if its unit has left).

        While its contingent still has the team in theatre, one more free team and one fewer busy
        leave the number of blocked places as it was: no rebalance is needed.
        """
        i = call.team
        self.busy[i] -= 1
        self.resource.release_now(call)
        if self.teams[i] <= self.busy[i]:
            self._rebalance()

    def _send(self, call: Call) -> None:
        """A call was granted: the nearest contingent with a free team sends one (ties: scenario order)."""
        best, best_km = -1, math.inf
        for i, km in enumerate(call.km):
            if self.teams[i] > self.busy[i] and km < best_km:
                best, best_km = i, km
        if best < 0:  # the blockers make this impossible; a broken invariant must not pass silently
            raise RuntimeError(f"a call was granted with no free team (teams {self.teams}, busy {self.busy})")
        call.team = best
        self.busy[best] += 1

    def _rebalance(self) -> None:
        """Hold with blockers every place of the pool that has no free team behind it."""
        free = sum(t - b for t, b in zip(self.teams, self.busy) if t > b)
        target = self.capacity - sum(self.busy) - free
        blockers, resource = self.blockers, self.resource
        while len(blockers) < target:
            blockers.append(resource.request(priority=-1))
        while len(blockers) > target:
            waiting = [b for b in blockers if not b.triggered]
            blocker = waiting[-1] if waiting else blockers[-1]
            blockers.remove(blocker)
            if blocker.triggered:
                resource.release(blocker)
            else:
                blocker.cancel()


class Incidents:
    """All incident streams of a scenario, their detection and the response to them.

    Per incident: ``times`` (day), ``seen``, ``warnings`` (hours, NaN if no sensor saw it),
    ``responses`` (hours; NaN if unseen or still waiting, inf if given up), ``travel_km`` and
    ``sent`` (index in ``qrf_forces`` of the contingent whose team went, -1 if none).
    """

    def __init__(self, world: "World", contingents: list["Contingent"]) -> None:
        self.world = world
        s = world.scenario
        self.response = s.threats.response
        zones = {z.id: z for z in s.zones}
        self.qrf_forces = [c for c in contingents if c.force.qrf_teams > 0]
        self.pool = QuickReaction(world.env, [c.force.qrf_teams * c.force.units_deployed for c in self.qrf_forces])
        self.bases = [zones[c.force.base_zone] if c.force.base_zone else None for c in self.qrf_forces]
        self.lines = {z.id: Line(z.line) for z in s.zones if z.line}
        self.origins = Origins([None if b is None else (b.lat, b.lon) for b in self.bases])
        self.km_to_centre = {z.id: self.origins.km(z.lat, z.lon) for z in s.zones}
        self.times: list[float] = []
        self.seen: list[bool] = []
        self.warnings: list[float] = []
        self.responses: list[float] = []
        self.travel_km: list[float] = []
        self.sent: list[int] = []
        for stream in s.threats.incidents:
            if stream.rate_per_day > 0:
                intensity = Intensity.for_threat(s, stream.id)
                for zone in stream.zones:
                    _Arrivals(self, stream, zone, intensity)

    def teams_changed(self) -> None:
        self.pool.set_teams([c.qrf_teams for c in self.qrf_forces])

    def _call(self, idx: int, zone: str, on_scene_hours: float, km: Sequence[float]) -> None:
        """A noticed incident calls for a team now.

        A call granted at once is answered here, and the team's return is a timeout callback: no
        process, which cost three resumes and two events per incident (most calls find a free
        team); nothing waits on the call, so it is granted without an event (:class:`Call`). The
        outcome is what a process started now would give: nothing else happens at the incident's
        instant between the call and its grant.
        """
        call = self.pool.call(km, announce=False)
        if call.triggered:
            env = self.world.env
            finish = self.pool.finish
            call_later(env, self._answer(idx, zone, call, km, on_scene_hours, env._now), lambda _e: finish(call))
        else:
            self.world.env.process(self._wait(idx, zone, call, km, on_scene_hours))

    def _wait(self, idx: int, zone: str, call: Call, km: Sequence[float], on_scene_hours: float) -> Proc:
        """A noticed incident that found no free team waits for one (or gives up), which then goes out."""
        env, r, w = self.world.env, self.response, self.world
        called = env.now
        if r.give_up_hours is None:
            yield call
        else:
            yield call | env.timeout(r.give_up_hours / 24.0)
            if not call.triggered:  # nobody came in time: left to others, never answered
                call.cancel()
                self.responses[idx] = math.inf
                if w.trace is not None:
                    w.log("qrf", "give up", f"incident {idx} in {zone}")
                return
        yield env.timeout(self._answer(idx, zone, call, km, on_scene_hours, called))
        self.pool.finish(call)

    def _answer(self, idx: int, zone: str, call: Call, km: Sequence[float], on_scene_hours: float, called: float) -> float:
        """Record the response of a granted call; returns how long (days) its team is busy."""
        env, r, w = self.world.env, self.response, self.world
        travel_km = km[call.team]
        travel = travel_km / r.speed_kmh
        self.responses[idx] = (env.now - called) * 24.0 + r.mobilise_hours + travel
        self.travel_km[idx] = travel_km
        self.sent[idx] = call.team
        if w.trace is not None:
            team = self.qrf_forces[call.team].force.id
            w.log("qrf", "respond", f"incident {idx} in {zone}: team of {team}, {travel_km:.0f} km")
        return (r.mobilise_hours + 2 * travel + on_scene_hours) / 24.0


class _Arrivals:
    """Poisson incidents of one stream in one zone, each placed, then checked by surveillance.

    A chain of timeouts, each of whose callback handles its incident and schedules the next. It
    is what a process looping over ``yield env.timeout(...)`` does, event for event, without a
    generator resume per incident: it starts the way a process starts (an urgent event now, so
    at the same place in the order of events), and it draws each arrival's values before waiting
    for it, as the process did. Only the process's own end event, which nothing waited on, is gone.
    """

    __slots__ = ("detect", "env", "gaps", "horizon", "incidents", "intensity", "line", "name", "next_at", "on_scene",
                 "place", "rate", "scene", "u", "zone", "_stream")

    def __init__(self, incidents: Incidents, stream: IncidentStream, zone: str, intensity: Intensity) -> None:
        self.incidents, self._stream, self.zone, self.intensity = incidents, stream, zone, intensity
        self.env = incidents.world.env
        start = Event(self.env)
        start._ok, start._value = True, None
        start.callbacks.append(self._start)
        self.env.schedule(start, URGENT)

    def _start(self, _event: Event) -> None:
        w, stream, zone = self.incidents.world, self._stream, self.zone
        self.name = name = f"incidents.{stream.id}.{zone}"
        self.rate, self.horizon = stream.rate_per_day, w.horizon
        self.gaps = w.streams.unit_exponential(name + ".arrivals").next
        self.scene = w.streams.stream(name + ".on_scene", stream.on_scene_hours.sample).next
        self.line = self.incidents.lines.get(zone)
        self.place = w.streams.uniform(name + ".place").next if self.line is not None else None
        self.detect = w.surveillance.detector(stream.id, zone)
        self._wait_next()

    def _wait_next(self) -> None:
        """Draw the next incident (time, time on scene, place on the line) and wait for it."""
        env = self.env
        t = self.intensity.advance(env._now, self.gaps() / self.rate)
        self.on_scene = self.scene()
        self.u = self.place() if self.place is not None else 0.0
        if t >= self.horizon:
            return
        self.next_at = t
        call_later(env, t - env._now, self._arrive)

    def _arrive(self, _event: Event) -> None:
        """The incident is now: recorded, checked by surveillance, answered if seen; then the next one."""
        inc, t = self.incidents, self.next_at
        seen, warning = self.detect(t)
        idx = len(inc.times)
        inc.times.append(t)
        inc.seen.append(seen)
        inc.warnings.append(warning)
        inc.responses.append(math.nan)
        inc.travel_km.append(math.nan)
        inc.sent.append(-1)
        if inc.world.trace is not None:
            inc.world.log(self.name, "incident", "seen" if seen else "unseen")
        if seen:
            line = self.line
            km = inc.km_to_centre[self.zone] if line is None else inc.origins.km(*line.point_at(self.u))
            inc._call(idx, self.zone, self.on_scene, km)
        self._wait_next()
