"""Allocation of deployed troops to zones, and the ground coverage that results.

Ground zones. A zone with ``troops_required > 0`` is a ground zone. Its coverage is
filled/required, capped at 1, and it has a ``coverage.<zone>`` series. A zone that needs no troops
(airspace) has no ground task: it has no coverage series and is left out of the overall figure,
so it can neither prop coverage up nor pull it down. Overall coverage is the mean of the ground
zones' coverage weighted by ``weight``; with nobody in theatre it is 0, and it is undefined (NaN)
in a scenario with no ground zone at all.

The rule. Contingent c has s_c effective coverage troops in theatre now and may serve the zones it
is tasked to, less the kinds its caveats exclude. The allocation sends them where they raise
weighted coverage most: lexicographically by ``priority`` (1 first), it maximises
``sum(w_z * min(1, y_z / r_z))`` over the zones of that priority (y_z troops filled, r_z
required), holding every higher priority at its own optimum. So ``weight`` is importance and only
importance: a troop in zone z is worth w_z / r_z until z is full, and raising w_z never lowers z's
coverage. ``priority`` keeps its scenario meaning, "served first when troops are short": a
priority-1 zone is never left short to fill a priority-2 zone, even a heavier one. With every
zone at the default priority 1 the allocation maximises overall coverage outright.

The method is exact. The fill vectors y that the contingents can supply form a polymatroid (a
transportation problem's supplies reach sets of zones), and Edmonds' greedy algorithm maximises a
linear function over a polymatroid. Zones are taken in order of (priority, value per troop
w_z / r_z, highest first); each takes the most it can get on top of the zones before it, by
shortest augmenting paths in the flow network source -> contingents -> zones -> sink. A path may
move an earlier zone's troops to another contingent but never lowers its fill. Zones of equal
priority and value per troop are indifferent to the objective. They are filled together to the
lexicographically max-min coverage (water-filling by Fujishige's decomposition: equal coverage
where caveats allow, the zones that cannot reach the common level held at their best), so two
alike zones end at 0.5 and 0.5, not at 1.0 and 0.0 by listing order. A zone of higher value per
troop is still filled before a lower one: that is what the objective says.

Speed. The allocation depends only on the supply vector, which takes few values in a run, so it is
memoised on it. It is recomputed whenever a unit arrives or leaves, not on a clock tick.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from peacesim.scenario.forces import Force, Zone

#: Relative tolerance: flows and capacities closer than this (times the problem's scale) are equal.
REL_TOL = 1e-9

#: Memoised supply vectors kept per allocator before the memo is cleared (bounds memory).
MEMO_SIZE = 4096


def eligible_zones(force: Force, zones: Sequence[Zone]) -> list[int]:
    """Indices of the zones a contingent may serve in, honouring its tasking and caveats."""
    tasked = set(force.zones) if force.zones else None
    excluded = set(force.caveats.excluded_zone_kinds)
    return [i for i, z in enumerate(zones) if (tasked is None or z.id in tasked) and z.kind not in excluded]


def service_groups(required: Sequence[float], weights: Sequence[float], priorities: Sequence[int]) -> list[list[int]]:
    """Ground zones in the order they are filled, grouped where priority and value per troop tie.

    The order is priority (1 first), then value per troop ``weight / required`` (highest first),
    then listing; values within a relative ``REL_TOL`` count as equal.
    """
    ground = [z for z, r in enumerate(required) if r > 0]
    value = {z: weights[z] / required[z] for z in ground}
    order = sorted(ground, key=lambda z: (priorities[z], -value[z], z))
    groups: list[list[int]] = []
    for z in order:
        if groups:
            head = groups[-1][0]
            if priorities[head] == priorities[z] and value[head] - value[z] <= REL_TOL * value[head]:
                groups[-1].append(z)
                continue
        groups.append([z])
    return groups


class _Flow:
    """A flow source -> contingents -> zones -> sink; zone z takes at most ``cap[z]``."""

    __slots__ = ("cap", "eligible", "eps", "filled", "givers", "supply", "used", "x")

    def __init__(self, supply: list[float], eligible: list[list[int]], givers: list[list[int]], eps: float) -> None:
        self.supply, self.eligible, self.givers, self.eps = supply, eligible, givers, eps
        zones = len(givers)
        self.used = [0.0] * len(supply)
        self.x = [[0.0] * zones for _ in supply]  # x[c][z]: troops of contingent c in zone z
        self.filled = [0.0] * zones
        self.cap = [0.0] * zones

    def copy(self) -> _Flow:
        new = _Flow.__new__(_Flow)
        new.supply, new.eligible, new.givers, new.eps = self.supply, self.eligible, self.givers, self.eps
        new.used, new.filled, new.cap = self.used[:], self.filled[:], self.cap[:]
        new.x = [row[:] for row in self.x]
        return new

    def augment(self) -> list[bool]:
        """Push flow along shortest augmenting paths until none is left (Edmonds-Karp).

        Returns, per zone, whether the last search reached it: zones not reached are the
        bottleneck, whose fill cannot grow whatever the reachable zones give up.
        """
        supply, used, x, filled, cap, eps = self.supply, self.used, self.x, self.filled, self.cap, self.eps
        while True:
            via_zone = [-2] * len(supply)  # -2 unseen, -1 reached from the source, else the zone it came back from
            via_giver = [-1] * len(filled)  # the contingent that reached the zone
            queue = [c for c in range(len(supply)) if supply[c] - used[c] > eps]
            for c in queue:
                via_zone[c] = -1
            end, i = -1, 0
            while i < len(queue) and end < 0:
                c = queue[i]
                i += 1
                for z in self.eligible[c]:
                    if via_giver[z] >= 0:
                        continue
                    via_giver[z] = c
                    if cap[z] - filled[z] > eps:
                        end = z
                        break
                    for c2 in self.givers[z]:
                        if via_zone[c2] == -2 and x[c2][z] > eps:
                            via_zone[c2] = z
                            queue.append(c2)
            if end < 0:
                return [c >= 0 for c in via_giver]
            room = cap[end] - filled[end]
            d, z = room, end
            while True:
                c = via_giver[z]
                back = via_zone[c]
                if back < 0:
                    d = min(d, supply[c] - used[c])
                    break
                d = min(d, x[c][back])
                z = back
            filled[end] = cap[end] if d == room else filled[end] + d
            z = end
            while True:
                c = via_giver[z]
                x[c][z] += d
                back = via_zone[c]
                if back < 0:
                    used[c] = supply[c] if d == supply[c] - used[c] else used[c] + d
                    break
                x[c][back] = 0.0 if d == x[c][back] else x[c][back] - d
                z = back


class Allocator:
    """The allocation rule of one scenario: fixed zones and eligibility, memoised on the supply vector."""

    def __init__(
        self,
        required: Sequence[float],
        weights: Sequence[float],
        priorities: Sequence[int],
        eligible: Sequence[Sequence[int]],
    ) -> None:
        """Fix the zones and who may serve where.

        Args:
            required: troops each zone needs (0: not a ground zone).
            weights: importance of each zone in overall coverage.
            priorities: per zone, 1 is served first.
            eligible: per contingent, the zone indices it may serve.
        """
        self.required = [float(r) for r in required]
        self.weights = [float(w) for w in weights]
        self.ground = [z for z, r in enumerate(self.required) if r > 0]
        self.groups = service_groups(self.required, self.weights, priorities)
        self.eligible = [[z for z in sorted(set(e)) if self.required[z] > 0] for e in eligible]
        self.givers: list[list[int]] = [[] for _ in self.required]
        for c, zones in enumerate(self.eligible):
            for z in zones:
                self.givers[z].append(c)
        self._ground_weight = sum(self.weights[z] for z in self.ground)
        self._memo: dict[tuple[float, ...], tuple[tuple[float, ...], float]] = {}

    @classmethod
    def for_scenario(cls, zones: Sequence[Zone], forces: Sequence[Force]) -> Allocator:
        """The allocator of these zones and forces, shared by the replications a process runs.

        Sharing carries the memo from one replication to the next; it holds only results of a
        deterministic function of its key, so no number depends on which replications ran before.
        """
        return _shared(
            tuple(float(z.troops_required) for z in zones),
            tuple(z.weight for z in zones),
            tuple(z.priority for z in zones),
            tuple(tuple(eligible_zones(f, zones)) for f in forces),
        )

    def fill(self, supply: Sequence[float]) -> list[float]:
        """Troops filled per zone (every zone; 0 in zones that need none), given each contingent's supply."""
        eps = REL_TOL * max(1.0, *self.required, *supply)
        flow = _Flow([max(0.0, float(s)) for s in supply], self.eligible, self.givers, eps)
        for group in self.groups:
            self._fill_level(flow, group)
        return flow.filled

    def _fill_level(self, flow: _Flow, zones: list[int]) -> None:
        """Fill ``zones`` (empty so far, equal in priority and value per troop) as far as they go,
        to the lexicographically max-min coverage, then close them to further flow."""
        req, eps = self.required, flow.eps
        if len(zones) == 1:
            flow.cap[zones[0]] = req[zones[0]]
            flow.augment()
            self._settle(flow, flow, zones)
            return
        full = flow.copy()
        for z in zones:
            full.cap[z] = req[z]
        full.augment()
        if all(req[z] - full.filled[z] <= eps for z in zones):
            self._settle(flow, full, zones)
            return
        level = sum(full.filled[z] for z in zones) / sum(req[z] for z in zones)
        even = flow.copy()
        for z in zones:
            even.cap[z] = level * req[z]
        reached = even.augment()
        low = [z for z in zones if not reached[z]]
        if len(low) in (0, len(zones)) or all(even.cap[z] - even.filled[z] <= eps for z in zones):
            self._settle(flow, even, zones)
            return
        # The unreached zones cannot all reach the common level: they share what they can get
        # among themselves, and the others share the rest (restriction, then contraction).
        self._fill_level(flow, low)
        self._fill_level(flow, [z for z in zones if reached[z]])

    @staticmethod
    def _settle(flow: _Flow, result: _Flow, zones: list[int]) -> None:
        """Adopt ``result`` and close ``zones`` at their fill: later zones may move their troops, never take them."""
        for z in zones:
            result.cap[z] = result.filled[z]
        flow.used, flow.x, flow.filled, flow.cap = result.used, result.x, result.filled, result.cap

    def coverage(self, supply: Sequence[float]) -> tuple[tuple[float, ...], float]:
        """Coverage of each ground zone (in :attr:`ground` order) and the weighted overall coverage."""
        key = tuple(supply)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        filled = self.fill(supply)
        eps = REL_TOL * max(1.0, *self.required, *supply)  # as in fill: a zone short by less is full
        cov = tuple(1.0 if self.required[z] - filled[z] <= eps else filled[z] / self.required[z] for z in self.ground)
        total = sum(self.weights[z] * c for z, c in zip(self.ground, cov))
        overall = total / self._ground_weight if self.ground else math.nan
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = (cov, overall)
        return cov, overall


@functools.lru_cache(maxsize=16)
def _shared(
    required: tuple[float, ...], weights: tuple[float, ...], priorities: tuple[int, ...], eligible: tuple[tuple[int, ...], ...]
) -> Allocator:
    return Allocator(required, weights, priorities, eligible)
