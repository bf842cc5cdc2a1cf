"""Intelligence and surveillance: whether an incident is seen, and with how much warning.

A sensor watches its zones from ``start_day`` until the earlier of ``end_day`` and its withdrawal.
While it is active, it sees each incident in a watched zone with probability
``detection_probability * availability``, independently of the other sensors. So a zone's chance
of detection is ``1 - prod(1 - p_i a_i)`` over the sensors active there, and that is the
``surveillance.<zone>`` series. The warning of a detected incident is the largest warning drawn
among the sensors that saw it.

In a zone that does not need surveillance (``needs_surveillance: false``), an incident is always
noticed (by troops on the ground, police, locals). Sensors can still add warning there.
Every sensor draws for every incident in its zones, active or not, so a variant that removes or
withdraws one sensor leaves every other draw unchanged.

The windows are fixed before the run, so this module schedules no SimPy events.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from peacesim.scenario.enablers import Sensor
from peacesim.scenario.schema import Scenario

from .recorder import Level
from .streams import Stream, Streams
from .timeline import active_window

#: A sensor's part in detecting one threat in one zone: hit and warning streams, p, window.
Watch = tuple[Stream, Stream, float, float, float]
#: Whether an incident at time t is noticed, and the warning in hours (NaN if no sensor saw it).
Detector = Callable[[float], tuple[bool, float]]


class Surveillance:
    """Detection by the sensors watching each zone."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self.scenario = scenario
        self.streams = streams
        self.watching: dict[str, list[tuple[Sensor, float, float]]] = {z.id: [] for z in scenario.zones}
        for s in scenario.enablers.isr:
            start, end = active_window(scenario, s.id, s.start_day, s.end_day)
            for z in s.zones:
                self.watching[z].append((s, start, end))
        self.needs = {z.id: z.needs_surveillance for z in scenario.zones}
        self._draws: dict[tuple[str, str], list[Watch]] = {}
        self._detectors: dict[tuple[str, str], Detector] = {}

    def probability(self, zone: str, t: float) -> float:
        """Chance that the sensors active at ``t`` see an incident in ``zone``."""
        miss = 1.0
        for s, start, end in self.watching[zone]:
            if start <= t < end:
                miss *= 1.0 - s.detection_probability * s.availability
        return 1.0 - miss

    def detect(self, threat_id: str, zone: str, t: float) -> tuple[bool, float]:
        """Is an incident of ``threat_id`` in ``zone`` at ``t`` noticed, and the ISR warning in hours (NaN if no sensor saw it)."""
        return self.detector(threat_id, zone)(t)

    def detector(self, threat_id: str, zone: str) -> Detector:
        """:meth:`detect` for one (threat, zone), its sensors resolved once: what an incident stream calls per incident."""
        key = (threat_id, zone)
        found = self._detectors.get(key)
        if found is None:
            watch = [(hit.next, warn.next, p, start, end) for hit, warn, p, start, end in self._watch(threat_id, zone)]
            needed, isnan = self.needs[zone], math.isnan

            def detect_at(t: float) -> tuple[bool, float]:
                warning = math.nan
                for hit, warn, p, start, end in watch:
                    u, w = hit(), warn()
                    if start <= t < end and u < p:
                        warning = w if isnan(warning) else max(warning, w)
                return not isnan(warning) or not needed, warning

            found = self._detectors[key] = detect_at
        return found

    def _watch(self, threat_id: str, zone: str) -> list[Watch]:
        """The sensors over ``zone`` with their streams for ``threat_id``, resolved on first use.

        Kept per (threat, zone) so an incident does not look up each sensor's streams by name.
        """
        key = (threat_id, zone)
        watch = self._draws.get(key)
        if watch is None:
            watch = []
            for s, start, end in self.watching[zone]:
                base = f"isr.{s.id}.{threat_id}.{zone}"
                hit = self.streams.uniform(base + ".detect")
                warn = self.streams.stream(base + ".warning", s.warning_time_hours.sample)
                watch.append((hit, warn, s.detection_probability * s.availability, start, end))
            self._draws[key] = watch
        return watch

    def series(self, horizon: int) -> dict[str, np.ndarray]:
        """Daily mean detection probability per zone (``surveillance.<zone>``)."""
        out: dict[str, np.ndarray] = {}
        for zone, sensors in self.watching.items():
            level = Level(self.probability(zone, 0.0))
            changes = sorted({t for _, a, b in sensors for t in (a, b) if 0 < t < horizon})
            for t in changes:
                level.set(t, self.probability(zone, t))
            out[f"surveillance.{zone}"] = level.daily_mean(horizon)
        return out
