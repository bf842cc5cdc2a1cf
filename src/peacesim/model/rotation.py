"""Staggered sub-units and the rotation measures: how much of its planned strength each contingent kept in theatre.

**Stagger.** A staggered contingent's sub-units (companies) each rotate on their own line of
``rotation_depth`` sub-units. Line k is set k/s of a rotation period ahead of line 0 (s sub-units),
so their reliefs, and any gaps, are spread evenly instead of falling together. The period is the
time after which a line's planned pattern repeats: the relief interval ``tour - handover`` when the
line has units enough (``depth x (tour - handover) >= slots x cycle``), else the full cycle of a unit,
``tour + recovery + training + 2 x mean move``. Line k starts at readiness in the state its plan
(mean moves, no lift limit) reaches at that phase: the sub-units then in theatre move in and serve
what is left of their tour; sub-units then at home are ready when the plan says. So with units enough
every line deploys at once and line k's first tour is cut by k/s of the relief interval; with too few,
some lines wait, because staggering is what keeps the force from emptying all at once later.

**Measures**, over any day window [start, end), each contingent measured against its own plan: it
should hold ``troops_per_unit x units_deployed`` troops in theatre from its planned first arrival
(readiness day + mean move) until its withdrawal. Troops in theatre count each occupied position
once (a handover overlap does not count twice). None of the measures counts an empty slot of one
contingent against another, so having fewer contingents is not rewarded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from peacesim.scenario.forces import Force

from .recorder import Level

if TYPE_CHECKING:
    from .forces import Contingent
    from .world import World

#: Times closer than this (days) are the same time: float noise never makes a gap.
EPS = 1e-9


@dataclass(frozen=True)
class LineStart:
    """How one line of sub-units starts at readiness.

    ``first_tour`` is what is left of the tour of the sub-units in theatre at the line's phase (None:
    nobody is, the first relief serves a full tour). ``ready`` lists (unit number, days after
    readiness it is first ready) in the order the units join the line's ready queue.
    """

    first_tour: float | None
    ready: tuple[tuple[int, float], ...]


def rotation_period(force: Force) -> float:
    """Time after which a line's planned pattern of tours repeats (see the module docstring)."""
    f = force
    tour, handover, move = f.tour_days, f.handover_days, f.deployment_delay_days.mean
    cycle = tour + f.recovery_days + f.training_days + 2 * move
    short = f.rotation_depth * (tour - handover) < f.units_deployed * cycle
    return cycle if short else tour - handover


def line_start(force: Force, line: int) -> LineStart:
    """The start of ``line`` (0-based) of a staggered contingent: its plan at phase line/s of the period.

    The plan replays the slot logic with mean moves: the slots of a line are relieved together,
    each relief lands ``tour - handover`` after the last unless its units are not yet ready (then
    a move after they are), and a unit is ready again ``cycle - move`` after it arrived.
    """
    f, depth = force, force.rotation_depth
    if line == 0:
        return LineStart(None, tuple((j + 1, 0.0) for j in range(depth)))
    tour, handover, move = f.tour_days, f.handover_days, f.deployment_delay_days.mean
    cycle = tour + f.recovery_days + f.training_days + 2 * move
    phase = line * rotation_period(f) / f.rotating_sub_units
    ready = [-move] * depth  # phase each unit is ready; the first relief lands at phase 0
    queued = list(range(depth))  # order in the ready queue (ties among ready units go first-in, first-out)
    last, present, wave = 0.0, list(range(f.units_deployed)), 0.0
    seq = depth
    while True:
        for j in present:
            ready[j], queued[j] = wave + cycle - move, seq
            seq += 1
        last = wave
        chosen = sorted(range(depth), key=lambda j: (ready[j], queued[j]))[: f.units_deployed]
        wave = max(last + tour - handover, max(ready[j] for j in chosen) + move)
        if wave > phase + EPS:
            break
        present = chosen
    in_theatre = phase < last + tour - EPS
    first_tour = last + tour - phase if in_theatre else None
    lead = present if in_theatre else []
    rest = sorted((j for j in range(depth) if j not in lead), key=lambda j: (ready[j], queued[j]))
    start = [(j + 1, 0.0) for j in lead] + [(j + 1, max(0.0, ready[j] + move - phase)) for j in rest]
    return LineStart(first_tour, tuple(start))


# --- measures ------------------------------------------------------------------------------------

def _segments(level: Level) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.asarray(level.times, dtype=float)
    return t, np.append(t[1:], math.inf), np.asarray(level.values, dtype=float)


def integral(level: Level, start: float, end: float) -> float:
    """Integral of a level over [start, end)."""
    if end <= start:
        return 0.0
    a, b, v = _segments(level)
    overlap = np.clip(np.minimum(b, end) - np.maximum(a, start), 0.0, None)
    return float((v * overlap).sum())


def longest_empty(level: Level, start: float, end: float) -> float:
    """Longest stretch of [start, end) during which the level is zero (stretches under EPS ignored)."""
    a, b, v = _segments(level)
    longest, run_start = 0.0, None
    for lo, hi, empty in zip(a, b, v <= EPS):
        if empty and run_start is None:
            run_start = lo
        if not empty and run_start is not None:
            longest = max(longest, min(lo, end) - max(run_start, start))
            run_start = None
    if run_start is not None:
        longest = max(longest, end - max(run_start, start))
    return float(longest) if longest > EPS else 0.0


def planned_window(c: "Contingent", start: float, end: float) -> tuple[float, float]:
    """Part of [start, end) in which contingent ``c`` should be in theatre (empty if lo >= hi)."""
    return max(start, c.planned_start), min(end, c.withdraw_day)


def built_up_day(world: "World") -> int:
    """First whole day on which every contingent should be in theatre (0 without contingents)."""
    days = [c.planned_start for c in world.contingents if c.planned_start < c.withdraw_day]
    return math.ceil(max(days) - EPS) if days else 0


def rotation_metrics(world: "World", start: float, end: float) -> dict[str, float]:
    """Presence of each contingent against its plan, and troops in theatre, over [start, end)."""
    end = min(end, float(world.horizon))
    m: dict[str, float] = {}
    present_total = planned_total = 0.0
    shares: list[float] = []
    longest = math.nan
    for c in world.contingents:
        lo, hi = planned_window(c, start, end)
        share = math.nan
        if hi > lo:
            present, planned = integral(c.present, lo, hi), c.planned_troops * (hi - lo)
            share = min(1.0, present / planned)
            present_total, planned_total = present_total + present, planned_total + planned
            shares.append(share)
            gap = longest_empty(c.present, lo, hi)
            longest = gap if math.isnan(longest) else max(longest, gap)
        m[f"presence_share.{c.force.id}"] = share
    m["presence_share"] = min(1.0, present_total / planned_total) if planned_total else math.nan
    m["worst_presence_share"] = min(shares) if shares else math.nan
    m["longest_gap_days"] = longest
    span = end - start
    total = sum(integral(c.present, start, end) for c in world.contingents)
    m["troops_in_theatre_mean"] = total / span if span > 0 else math.nan
    first, last = max(math.ceil(start - EPS), built_up_day(world)), math.floor(end + EPS)
    if last > first and world.contingents:
        daily = sum(c.present.daily_mean(last)[first:last] for c in world.contingents)
        m["troops_in_theatre_min"] = float(np.min(daily))
    else:
        m["troops_in_theatre_min"] = math.nan
    return m
