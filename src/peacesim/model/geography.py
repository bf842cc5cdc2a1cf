"""Great-circle geometry: distances between places and points along line zones.

A line zone (a border, the ceasefire line) is a polyline of great-circle segments. A point spread
uniformly along it is found from one uniform number ``u``: the point at distance ``u x length``
from the first end, walking the segments in order. Within a segment the point is the spherical
interpolation of its ends, which moves at constant speed, so the point is uniform in length.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088

Vector = tuple[float, float, float]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class Origins:
    """Fixed places (quick-reaction bases) from which distances to many points are measured.

    Each place's radians and cosine are computed once; :meth:`km` then gives, for every place, the
    same float as :func:`distance_km` from it (the same operations in the same order), about twice
    as fast. ``None`` is a place everywhere at distance 0 (a team without a base).
    """

    def __init__(self, places: Sequence[tuple[float, float] | None]) -> None:
        self._places = [None if p is None else (p[1], math.radians(p[0]), math.cos(math.radians(p[0]))) for p in places]

    def km(self, lat: float, lon: float) -> list[float]:
        """Great-circle distance from each place to (lat, lon), in degrees, as :func:`distance_km` gives it."""
        p2 = math.radians(lat)
        c2 = math.cos(p2)
        sin, radians = math.sin, math.radians
        out = []
        for place in self._places:
            if place is None:
                out.append(0.0)
                continue
            lon1, p1, c1 = place
            h = sin((p2 - p1) / 2) ** 2 + c1 * c2 * sin(radians(lon - lon1) / 2) ** 2
            out.append(_TWO_R * math.asin(min(1.0, math.sqrt(h))))
        return out


_TWO_R = 2 * EARTH_RADIUS_KM


def _vector(lat: float, lon: float) -> Vector:
    p, q = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p))


class Line:
    """A polyline of great-circle segments through ``points`` ([lat, lon] in degrees)."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        if len(points) < 2:
            raise ValueError(f"a line needs at least two points (got {len(points)})")
        self.points = [(float(a), float(b)) for a, b in points]
        self._ends = [_vector(*p) for p in self.points]
        self._angles = [distance_km(*a, *b) / EARTH_RADIUS_KM for a, b in zip(self.points, self.points[1:])]
        self._starts: list[float] = []  # distance from the first point to the start of each segment, km
        total = 0.0
        for angle in self._angles:
            self._starts.append(total)
            total += angle * EARTH_RADIUS_KM
        self.length_km = total

    def point_at(self, u: float) -> tuple[float, float]:
        """The point (lat, lon) at the share ``u`` (0-1) of the line's length from its first point."""
        walked = min(max(u, 0.0), 1.0) * self.length_km
        i = min(max(bisect_right(self._starts, walked) - 1, 0), len(self._angles) - 1)
        angle = self._angles[i]
        f = min((walked - self._starts[i]) / (angle * EARTH_RADIUS_KM), 1.0) if angle > 0 else 0.0
        a, b = self._ends[i], self._ends[i + 1]
        s = math.sin(angle)
        wa, wb = (math.sin((1 - f) * angle) / s, math.sin(f * angle) / s) if s > 0 else (1 - f, f)
        x, y, z = wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2]
        return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))
