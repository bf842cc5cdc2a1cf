"""Air-defence measures over a window of days, from the raid logs and the interceptor stocks.

What an analyst quotes about air defence is what the package adds where it matters, so the
measures are built around two fixed sets, neither of which moves when a capability is removed:

* **Defended zones** are the zones the scenario marks ``needs_air_defence: true``, whether or not
  a system protects them. The set does not depend on which systems exist, so removing a system
  can never shrink it and hide its leakers (were "defended" to mean "protected by some system",
  removing the only system would leave no defended zone and no defended leakers). A zone a system
  protects but the scenario does not mark is not defended: its kills still count in the system's
  and the package's kills, its leakers only in the per-zone measures.
* **Missiles** are the threat types in :data:`~.airdefence.MISSILE_TYPES` (cruise and ballistic:
  every type but the drone).

Package and context systems are told apart by their ``role``; context systems engage first, so
``package_kills`` is exactly what the package adds to the same raids (see :mod:`.airdefence`).

Window convention: a raid counts if its time is in [start, end); cover days are the part of
[start, end) in which the system is active and has interceptors; the stock-out day is the first
time in [start, end) at which the stock is empty.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .airdefence import MISSILE_TYPES, System

if TYPE_CHECKING:
    from .world import World


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def cover_days(system: System, start: float, end: float) -> float:
    """Days of [start, end) in which ``system`` is active and its stock is above zero."""
    a, b = max(start, system.start), min(end, system.end)
    if b <= a:
        return 0.0
    t = np.asarray(system.level.times, dtype=float)
    v = np.asarray(system.level.values, dtype=float)
    until = np.append(t[1:], math.inf)
    spans = np.clip(np.minimum(until, b) - np.maximum(t, a), 0.0, None)
    return float(spans[v > 0].sum())


def stockout_day(system: System, start: float, end: float) -> float:
    """First time in [start, end) at which the stock is empty (NaN if it never is)."""
    if end <= start:
        return math.nan
    levels = system.level
    i = int(np.searchsorted(levels.times, start, side="right")) - 1
    if levels.values[max(i, 0)] <= 0:
        return float(start)
    return next((t for t in system.stockouts if start <= t < end), math.nan)


def airdefence_metrics(world: "World", start: float, end: float) -> dict[str, float]:
    """Every air-defence scalar over the day window [start, end)."""
    air, zones = world.air, world.scenario.zones
    nz = len(zones)
    defended = np.asarray([z.needs_air_defence for z in zones], dtype=bool)
    threats = {t: np.zeros(nz, dtype=np.int64) for t in air.types}
    engaged = {t: np.zeros(nz, dtype=np.int64) for t in air.types}
    killed = {t: np.zeros(nz, dtype=np.int64) for t in air.types}
    targeted = {t: np.zeros(nz, dtype=bool) for t in air.types}
    by_system = {sid: np.zeros(3, dtype=np.int64) for sid in air.systems}  # engaged, killed, shots
    for log in air.logs:
        idx = np.asarray(log.zones, dtype=np.int64)
        targeted[log.kind][idx] = True
        if not log.times:
            continue
        times, raid_threats, outcomes = log.rows()
        sel = (times >= start) & (times < end)
        threats[log.kind][idx] += raid_threats[sel].sum(axis=0)
        if outcomes is not None:
            total = outcomes[sel].sum(axis=0)
            k = len(log.zones)
            engaged[log.kind][idx] += total[0 : 2 * k : 2]
            killed[log.kind][idx] += total[1 : 2 * k : 2]
            for j, sid in enumerate(log.systems):
                by_system[sid] += total[2 * k + 3 * j : 2 * k + 3 * j + 3]

    m: dict[str, float] = {}
    all_threats = sum((threats[t] for t in air.types), np.zeros(nz, dtype=np.int64))
    all_killed = sum((killed[t] for t in air.types), np.zeros(nz, dtype=np.int64))
    m["threats"] = float(all_threats.sum())
    m["intercept_rate"] = _ratio(float(all_killed.sum()), float(all_threats.sum()))
    m["leakers"] = float((all_threats - all_killed).sum())
    for i, zone in enumerate(zones):
        m[f"leakers.{zone.id}"] = float(all_threats[i] - all_killed[i])
    for t in air.types:
        m[f"intercept_rate.{t}"] = _ratio(float(killed[t].sum()), float(threats[t].sum()))
        for j in np.flatnonzero(targeted[t]).tolist():
            z = zones[j].id
            m[f"threats.{t}.{z}"] = float(threats[t][j])
            m[f"engaged.{t}.{z}"] = float(engaged[t][j])
            m[f"killed.{t}.{z}"] = float(killed[t][j])
            m[f"leakers.{t}.{z}"] = float(threats[t][j] - killed[t][j])
    m["leakers_defended"] = float((all_threats - all_killed)[defended].sum())
    missiles = [t for t in air.types if t in MISSILE_TYPES]
    m["missiles_defended"] = float(sum(threats[t][defended].sum() for t in missiles))
    m["missiles_leaked_defended"] = m["missiles_defended"] - float(sum(killed[t][defended].sum() for t in missiles))

    m["package_kills"] = float(sum(by_system[sid][1] for sid, s in air.systems.items() if s.package))
    m["context_kills"] = float(sum(by_system[sid][1] for sid, s in air.systems.items() if not s.package))
    m["interceptors_used"] = float(sum(v[2] for v in by_system.values()))
    start, end = max(start, 0.0), min(end, float(world.horizon))  # cover exists only inside the run
    length = end - start
    for sid, system in air.systems.items():
        m[f"engagements.{sid}"] = float(by_system[sid][0])
        m[f"kills.{sid}"] = float(by_system[sid][1])
        m[f"interceptors_used.{sid}"] = float(by_system[sid][2])
        days = cover_days(system, start, end)
        m[f"cover_days.{sid}"] = days
        m[f"cover_share.{sid}"] = _ratio(days, length)
        m[f"stockout_day.{sid}"] = stockout_day(system, start, end)
    return m
