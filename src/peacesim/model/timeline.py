"""Scheduled changes: withdrawals, enabler windows and threat intensity over time.

The timeline of a scenario is known before the run starts, so most of it is turned into plain
numbers here (an enabler's active window, a threat's intensity as a step function) and only force
withdrawals need events inside the simulation (units in theatre must go home).

Threat scaling is cumulative: each ``scale_threat`` change multiplies the intensity in force at its
day, so "double from day 365" then "halve from day 500" returns to the base rate.
"""

from __future__ import annotations

import bisect
import math

from peacesim.scenario.schema import Scenario
from peacesim.scenario.threats import ScaleThreat, Withdraw


def withdraw_day(scenario: Scenario, element_id: str) -> float:
    """First day the timeline withdraws ``element_id`` (inf if never)."""
    days = [c.day for c in scenario.timeline if isinstance(c, Withdraw) and c.target == element_id]
    return min(days) if days else math.inf


def active_window(scenario: Scenario, element_id: str, start_day: float, end_day: float | None) -> tuple[float, float]:
    """When an enabler is active: from its start to the earlier of its end and its withdrawal."""
    end = math.inf if end_day is None else end_day
    return start_day, min(end, withdraw_day(scenario, element_id))


class Intensity:
    """A threat's intensity factor over time and the clock that runs at that speed.

    Arrival processes draw their gaps in *operational time* (at the base rate) and
    :meth:`advance` maps them to calendar time, so a doubled rate halves the gaps and a zero factor
    stops arrivals, while each process still consumes exactly one draw per arrival.
    """

    def __init__(self, changes: list[tuple[float, float]]) -> None:
        self.days: list[float] = [0.0]
        self.factors: list[float] = [1.0]
        for day, factor in sorted(changes):
            if day == self.days[-1]:
                self.factors[-1] *= factor
            else:
                self.days.append(day)
                self.factors.append(self.factors[-1] * factor)
        # One positive factor for the whole run (the usual case): advance needs no segment walk.
        self._flat = self.factors[0] if len(self.days) == 1 and self.factors[0] > 0 else None

    @classmethod
    def for_threat(cls, scenario: Scenario, threat_id: str) -> "Intensity":
        return cls(
            [
                (c.day, c.factor)
                for c in scenario.timeline
                if isinstance(c, ScaleThreat) and c.target in ("all", threat_id)
            ]
        )

    def factor(self, t: float) -> float:
        return self.factors[bisect.bisect_right(self.days, t) - 1]

    def advance(self, t: float, work: float) -> float:
        """Calendar time at which ``work`` units of base-rate time have passed after ``t``."""
        if self._flat is not None and (end := t + work / self._flat) <= math.inf:
            return end
        i = bisect.bisect_right(self.days, t) - 1
        while True:
            f = self.factors[i]
            seg_end = self.days[i + 1] if i + 1 < len(self.days) else math.inf
            if f > 0:
                needed = work / f
                if t + needed <= seg_end:
                    return t + needed
                work -= (seg_end - t) * f
            if math.isinf(seg_end):
                return math.inf
            t = seg_end
            i += 1
