"""Allocation of deployed troops to zones, and the coverage that results.

Zones are served in order of priority (1 first), then by weight (heavier first), then in scenario
order. Each zone takes troops from the contingents allowed to serve there. A contingent may serve
in the zones it is tasked to (all zones if none are listed), less the zone kinds its caveats
exclude. The most constrained contingents give first, so troops who could serve anywhere stay
free for later zones. A contingent with several tasks puts an equal share of its effective
strength on each task, and only the guard, patrol and monitoring shares count towards coverage.
The allocation is greedy, not an optimum. It is recomputed whenever a unit arrives or leaves, not
on a clock tick.

Coverage of a zone is filled/required, capped at 1 (a zone that requires no troops is covered).
Overall coverage is the mean over zones weighted by ``weight``.
"""

from __future__ import annotations

from collections.abc import Sequence

from peacesim.scenario.forces import Force, Zone


def eligible_zones(force: Force, zones: Sequence[Zone]) -> list[int]:
    """Indices of the zones a contingent may serve in, honouring its tasking and caveats."""
    tasked = set(force.zones) if force.zones else None
    excluded = set(force.caveats.excluded_zone_kinds)
    return [i for i, z in enumerate(zones) if (tasked is None or z.id in tasked) and z.kind not in excluded]


def service_order(zones: Sequence[Zone]) -> list[int]:
    """Zone indices in the order they are served: priority, then weight (heavier first), then listing."""
    return sorted(range(len(zones)), key=lambda i: (zones[i].priority, -zones[i].weight, i))


def givers(eligible: Sequence[Sequence[int]], zones: int) -> list[list[int]]:
    """Per zone, the contingents that may serve there, most constrained first.

    Fixed for a scenario, so the model computes it once and calls :func:`fill` on every change.
    """
    out: list[list[int]] = [[] for _ in range(zones)]
    for c in sorted(range(len(eligible)), key=lambda c: (len(eligible[c]), c)):
        for z in eligible[c]:
            out[z].append(c)
    return out


def fill(required: Sequence[float], order: Sequence[int], givers: Sequence[Sequence[int]], supply: Sequence[float]) -> list[float]:
    """Troops filled per zone, given the :func:`givers` of each zone."""
    filled = [0.0] * len(required)
    left = list(supply)
    for z in order:
        need = required[z]
        for c in givers[z]:
            if need <= 0:
                break
            take = min(need, left[c])
            if take > 0:
                left[c] -= take
                filled[z] += take
                need -= take
    return filled


def allocate(
    required: Sequence[float],
    order: Sequence[int],
    eligible: Sequence[Sequence[int]],
    supply: Sequence[float],
) -> list[float]:
    """Troops filled per zone.

    Args:
        required: troops each zone needs.
        order: zone indices in service order.
        eligible: per contingent, the zone indices it may serve.
        supply: per contingent, effective coverage troops available now.
    """
    return fill(required, order, givers(eligible, len(required)), supply)


def coverage(required: Sequence[float], filled: Sequence[float]) -> list[float]:
    """Filled/required per zone, capped at 1; a zone that needs nobody is covered."""
    return [1.0 if r <= 0 else min(1.0, f / r) for r, f in zip(required, filled)]


def overall(cov: Sequence[float], weights: Sequence[float]) -> float:
    """Weighted mean coverage."""
    return sum(c * w for c, w in zip(cov, weights)) / sum(weights)
