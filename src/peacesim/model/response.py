"""Response measures over all incidents: an unseen or unanswered incident is a miss, not a gap.

The *time to answer* of an incident is the hours from the incident to a team on scene. It is
known for answered incidents; it is never (infinite) for incidents nobody noticed and for those
given up; for noticed incidents still waiting at the horizon it is only known to exceed their wait
(right-censored). The Kaplan-Meier estimate of ``S(x) = P(time to answer > x)`` over all incidents
uses all three, so misses weigh on every measure instead of dropping out of an average. Without
censoring it is the plain share of incidents not answered within ``x``.

Measures of the answered incidents alone (``response_time_mean_hours``...) stay available: they
say how fast teams are once they go, but they improve when fewer incidents are seen.

Every measure looks at the incidents whose arrival day is in the window ``[start, end)``, followed
to the end of the run.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from peacesim.catalog import ANSWER_CAP_HOURS

if TYPE_CHECKING:
    from .world import World

__all__ = ["ANSWER_CAP_HOURS", "Survival", "response_metrics"]


class Survival:
    """Kaplan-Meier estimate of P(time to answer > x) from answer times and censored waits.

    Args:
        times: per incident, the time to answer (answered), the wait so far (censored) or inf (never).
        answered: per incident, whether ``times`` is an answer time.
    """

    def __init__(self, times: np.ndarray, answered: np.ndarray) -> None:
        n = times.size
        ordered = np.sort(times)
        self.steps, events = np.unique(times[answered], return_counts=True)
        at_risk = n - np.searchsorted(ordered, self.steps, side="left")
        self.after: np.ndarray
        if np.all(answered | np.isinf(times)):  # nothing censored: plain shares, exact in floats
            self.after = (n - np.cumsum(events)) / n if n else np.ones(0)
        else:
            self.after = np.cumprod(1.0 - events / at_risk)

    def at(self, x: float) -> float:
        """P(time to answer > x)."""
        k = int(np.searchsorted(self.steps, x, side="right"))
        return float(self.after[k - 1]) if k else 1.0

    def answered_share(self) -> float:
        """Share of incidents ever answered (1 - S after the last answer)."""
        return 1.0 - (float(self.after[-1]) if self.after.size else 1.0)

    def quantile(self, q: float, cap: float) -> float:
        """First time by which a share ``q`` is answered, or ``cap`` if not within it."""
        k = int(np.searchsorted(-self.after, -(1.0 - q) - 1e-12, side="left"))
        return min(float(self.steps[k]), cap) if k < self.steps.size else cap

    def capped_mean(self, cap: float) -> float:
        """Mean of min(time to answer, cap): the area under S from 0 to ``cap``."""
        inside = self.steps < cap
        edges = np.concatenate(([0.0], self.steps[inside], [cap]))
        levels = np.concatenate(([1.0], self.after[inside]))
        return float(np.sum(levels * np.diff(edges)))


def response_metrics(world: "World", start: float, end: float) -> dict[str, float]:
    """Incident, detection and response measures of the incidents arriving in ``[start, end)``."""
    inc, h = world.incidents, world.horizon
    target = world.scenario.threats.response.target_hours
    times = np.asarray(inc.times, dtype=float)
    pick = (times >= start) & (times < end)
    times = times[pick]
    seen = np.asarray(inc.seen, dtype=bool)[pick]
    warnings = np.asarray(inc.warnings, dtype=float)[pick]
    responses = np.asarray(inc.responses, dtype=float)[pick]
    n = times.size
    answered = np.isfinite(responses)
    pending = seen & np.isnan(responses)
    # Time to answer: the response if answered, the wait so far if pending, never otherwise.
    to_answer = np.where(answered, responses, np.where(pending, (h - times) * 24.0, math.inf))
    m: dict[str, float] = {"incidents": float(n)}
    nan = math.nan
    m["detection_rate"] = float(seen.sum()) / n if n else nan
    sensed = warnings[np.isfinite(warnings)]
    m["warning_time_mean_hours"] = float(sensed.mean()) if sensed.size else nan
    quick = responses[answered]
    m["response_time_mean_hours"] = float(quick.mean()) if quick.size else nan
    m["response_time_p90_hours"] = float(np.percentile(quick, 90)) if quick.size else nan
    noticed = Survival(to_answer[seen], answered[seen])
    m["response_within_target_share"] = 1.0 - noticed.at(target) if seen.any() else nan
    if n:
        every = Survival(to_answer, answered)
        m["incidents_answered_on_target_share"] = 1.0 - every.at(target)
        m["incidents_answered_share"] = every.answered_share()
        m["time_to_answer_median_hours"] = every.quantile(0.5, ANSWER_CAP_HOURS)
        m["time_to_answer_p90_hours"] = every.quantile(0.9, ANSWER_CAP_HOURS)
        m["time_to_answer_capped_mean_hours"] = every.capped_mean(ANSWER_CAP_HOURS)
    else:
        for key in ("incidents_answered_on_target_share", "incidents_answered_share", "time_to_answer_median_hours",
                    "time_to_answer_p90_hours", "time_to_answer_capped_mean_hours"):
            m[key] = nan
    return m
