"""Incidents on the ground and the quick-reaction teams that answer them.

Each incident stream produces Poisson arrivals in each of its zones at ``rate_per_day``, scaled by
the timeline, with one process per (stream, zone). Surveillance decides whether an incident is
noticed. A noticed incident calls a quick-reaction team from one pool, a SimPy
``PriorityResource``. The pool's capacity follows the teams of the contingents in theatre. Places
of teams that are not in theatre are held by *blocker* requests at a higher priority. When a team
leaves, its blocker takes the next team that comes free, so a team finishes its job before it
goes home.

Response time (hours) = wait for a team + ``mobilise_hours`` + travel. Travel is the great-circle
distance from the nearest base of a contingent with teams in theatre to the zone, divided by
``speed_kmh``. A contingent without a ``base_zone`` is taken to have its teams in the zone
(no travel). The team is busy for mobilise + travel + on scene + travel back.

With ``response.give_up_hours`` set, a noticed incident that has waited that long for a team
is left to others (reneging, as in an Erlang-A queue) and counts as unanswered.
Incidents nobody notices get no response: they count in ``incidents`` and lower ``detection_rate``
but have no response time. Noticed incidents still waiting at the horizon count as missing the
target once their wait exceeds it, and are left out otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from peacesim.scenario.forces import Zone
from peacesim.scenario.threats import IncidentStream

from .timeline import Intensity

if TYPE_CHECKING:
    from .forces import Contingent
    from .world import World

Proc = Generator[simpy.events.Event, Any, Any]
EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: Zone, b: Zone) -> float:
    """Great-circle distance between two zone centres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class QuickReaction:
    """The pool of quick-reaction teams; its capacity follows the teams in theatre."""

    def __init__(self, env: simpy.Environment, max_teams: int) -> None:
        self.capacity = max(1, max_teams)
        self.resource = simpy.PriorityResource(env, capacity=self.capacity)
        self.blockers: list[simpy.resources.resource.PriorityRequest] = []
        self.teams = 0
        self.set_teams(0)

    def set_teams(self, teams: int) -> None:
        """Make ``teams`` teams available (at most the pool's capacity)."""
        self.teams = min(teams, self.capacity)
        target = self.capacity - self.teams
        while len(self.blockers) < target:
            self.blockers.append(self.resource.request(priority=-1))
        while len(self.blockers) > target:
            waiting = [b for b in self.blockers if not b.triggered]
            blocker = waiting[-1] if waiting else self.blockers[-1]
            self.blockers.remove(blocker)
            if blocker.triggered:
                self.resource.release(blocker)
            else:
                blocker.cancel()


class Incidents:
    """All incident streams of a scenario, their detection and the response to them."""

    def __init__(self, world: "World", contingents: list["Contingent"]) -> None:
        self.world = world
        s = world.scenario
        self.response = s.threats.response
        self.zones = {z.id: z for z in s.zones}
        self.qrf_forces = [c for c in contingents if c.force.qrf_teams > 0]
        self.pool = QuickReaction(world.env, sum(c.force.qrf_teams * c.force.units_deployed for c in self.qrf_forces))
        self.distance: dict[tuple[str, str], float] = {}
        self._travel: dict[str, float] = {}  # per zone, valid until the teams in theatre change
        for c in self.qrf_forces:
            base = c.force.base_zone
            if base is not None:
                for z in s.zones:
                    self.distance[(base, z.id)] = haversine_km(self.zones[base], z)
        self.times: list[float] = []
        self.seen: list[bool] = []
        self.warnings: list[float] = []
        self.responses: list[float] = []  # hours; NaN until answered
        for stream in s.threats.incidents:
            if stream.rate_per_day > 0:
                intensity = Intensity.for_threat(s, stream.id)
                for zone in stream.zones:
                    world.env.process(self._arrive(stream, zone, intensity))

    def teams_changed(self) -> None:
        self.pool.set_teams(sum(c.qrf_teams for c in self.qrf_forces))
        self._travel.clear()

    def _arrive(self, stream: IncidentStream, zone: str, intensity: Intensity) -> Proc:
        """Poisson incidents of one stream in one zone, each checked by surveillance."""
        w = self.world
        name = f"incidents.{stream.id}.{zone}"
        gaps = w.streams.unit_exponential(name + ".arrivals")
        scene = w.streams.stream(name + ".on_scene", stream.on_scene_hours.sample)
        while True:
            t = intensity.advance(w.env.now, gaps.next() / stream.rate_per_day)
            on_scene = scene.next()
            if t >= w.horizon:
                return
            yield w.env.timeout(t - w.env.now)
            seen, warning = w.surveillance.detect(stream.id, zone, t)
            idx = len(self.times)
            self.times.append(t)
            self.seen.append(seen)
            self.warnings.append(warning)
            self.responses.append(math.nan)
            w.log(name, "incident", "seen" if seen else "unseen")
            if seen:
                w.env.process(self._respond(idx, zone, on_scene))

    def _respond(self, idx: int, zone: str, on_scene_hours: float) -> Proc:
        """A noticed incident waits for a team, which travels out, resolves it and returns."""
        env, r = self.world.env, self.response
        called = env.now
        req = self.pool.resource.request(priority=0)
        if r.give_up_hours is None or req.triggered:  # a free team, or no patience: no clock needed
            yield req
        else:
            yield req | env.timeout(r.give_up_hours / 24.0)
            if not req.triggered:  # nobody came in time: left to others, counted as unanswered
                req.cancel()
                if self.world.trace is not None:
                    self.world.log("qrf", "give up", f"incident {idx} in {zone}")
                return
        travel = self._travel_km(zone) / r.speed_kmh
        self.responses[idx] = (env.now - called) * 24.0 + r.mobilise_hours + travel
        if self.world.trace is not None:
            self.world.log("qrf", "respond", f"incident {idx} in {zone}")
        yield env.timeout((r.mobilise_hours + 2 * travel + on_scene_hours) / 24.0)
        self.pool.resource.release(req)

    def _travel_km(self, zone: str) -> float:
        """Distance from the nearest base with teams in theatre (0 for teams without a base)."""
        km = self._travel.get(zone)
        if km is None:
            km = self._travel[zone] = self._nearest_km(zone)
        return km

    def _nearest_km(self, zone: str) -> float:
        best = math.inf
        for c in self.qrf_forces:
            if c.qrf_teams > 0:
                base = c.force.base_zone
                best = min(best, 0.0 if base is None else self.distance[(base, zone)])
        return 0.0 if math.isinf(best) else best
