"""Zones to cover, the lift that moves units, and the national contingents that cover them."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from .base import COVERAGE_TASKS, ZONE_KINDS, Id, Probability, Spec, Traced
from .distributions import Distribution, Fixed

ZoneKind = Literal[ZONE_KINDS]  # type: ignore[valid-type]
Task = Literal["guard", "patrol", "monitoring", "quick_reaction", "training", "engineering", "medical"]
LiftMode = Literal["air", "sea", "rail", "road"]
Stagger = Literal["staggered", "lockstep"]
Latitude = Annotated[float, Field(ge=-90, le=90, description="Degrees north.")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="Degrees east.")]


def _two_numbers(value: object) -> object:
    """A YAML ``[lat, lon]`` list as the tuple the field holds (strict validation refuses a list)."""
    if isinstance(value, (list, tuple)) and len(value) != 2:
        raise ValueError(f"a point is [lat, lon], two numbers, not {len(value)}")
    return tuple(value) if isinstance(value, list) else value


LinePoint = Annotated[tuple[Latitude, Longitude], BeforeValidator(_two_numbers)]
#: Shortest distance between consecutive points of a line zone, in degrees (about 1 m).
MIN_LINE_STEP_DEG = 1e-5


class Zone(Traced):
    """A place or line the package must cover: a city, port, border segment, the ceasefire line, airspace."""

    id: Id = Field(description="Zone id, used by forces, sensors, threats.")
    name: str = Field(min_length=1, max_length=200, description="Human-readable name.")
    kind: ZoneKind = Field(description="What sort of place this is; caveats refer to kinds.")
    lat: float = Field(ge=-90, le=90, description="Latitude of the zone's centre, degrees north.")
    lon: float = Field(ge=-180, le=180, description="Longitude of the zone's centre, degrees east.")
    troops_required: int = Field(ge=0, le=1_000_000, description="Troops its tasks need for full coverage.")
    priority: int = Field(default=1, ge=1, le=10, description="1 is served first when troops are short.")
    weight: float = Field(default=1.0, gt=0, le=1000, description="Weight in the overall coverage average.")
    length_km: float | None = Field(
        default=None, gt=0, le=5000, description="Length of a line zone as published, km (for reports; the model uses line)."
    )
    line: list[LinePoint] | None = Field(
        default=None,
        min_length=2,
        max_length=1000,
        description=(
            "Points [lat, lon] in degrees along a line zone (a border, the ceasefire line), in order "
            "(lat -90 to 90, lon -180 to 180). Incidents "
            "happen at points spread uniformly along it and teams travel to that point; without it "
            "the zone is the point lat/lon."
        ),
    )
    needs_air_defence: bool = Field(default=False, description="Raids may target it; air defence matters.")
    needs_surveillance: bool = Field(default=False, description="Incidents here depend on ISR to be seen.")

    @field_validator("line")
    @classmethod
    def _distinct_points(cls, line: list[tuple[float, float]] | None) -> list[tuple[float, float]] | None:
        """Consecutive points must differ and be less than a quarter of the globe apart.

        A segment of length zero has no direction, and the shorter great circle between nearly
        antipodal points is ill-defined.
        """
        for n, (a, b) in enumerate(zip(line or [], (line or [])[1:])):
            if abs(a[0] - b[0]) < MIN_LINE_STEP_DEG and abs(a[1] - b[1]) < MIN_LINE_STEP_DEG:
                raise ValueError(f"points {n} and {n + 1} are the same place {list(a)}; consecutive points of a line must differ")
            p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
            cos_angle = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
            if cos_angle < 0:
                raise ValueError(
                    f"points {n} {list(a)} and {n + 1} {list(b)} are more than a quarter of the globe apart; "
                    "add points in between"
                )
        return line


class LiftPool(Traced):
    """Strategic lift of one mode: how many unit moves can be under way at once."""

    mode: LiftMode = Field(description="Lift mode this pool serves (air, sea, rail, road).")
    capacity_units: int = Field(ge=1, le=1000, description="Unit moves (deploy or return) served at the same time.")


class Caveats(Spec):
    """National restrictions on where and how a contingent may serve."""

    excluded_zone_kinds: list[ZoneKind] = Field(
        default_factory=list, description="Zone kinds this nation will not serve in."
    )
    non_lethal_only: bool = Field(
        default=False, description="May not guard, patrol or act as quick reaction (lethal tasks)."
    )


class Force(Traced):
    """A national contingent: units that rotate through theatre, recovery and training."""

    id: Id = Field(description="Contingent id.")
    nation: str = Field(min_length=1, max_length=100, description="Contributing nation (or group of nations).")
    troops_per_unit: int = Field(ge=1, le=200_000, description="Troops in one rotation (one unit), persons.")
    rotation_depth: int = Field(
        default=3, ge=1, le=12, description="Units in the cycle; one deployed at a time (rule of thirds = 3)."
    )
    units_deployed: int = Field(
        default=1, ge=1, le=100, description="Units the contingent keeps in theatre at once."
    )
    sub_units: int = Field(
        default=1,
        ge=1,
        le=12,
        description=(
            "Sub-units (companies) each unit splits into; each carries troops_per_unit / sub_units "
            "troops and rotates on its own schedule."
        ),
    )
    stagger: Stagger = Field(
        default="staggered",
        description=(
            "How sub-units rotate: 'staggered' sets sub-unit k k/sub_units of a rotation period ahead, "
            "so reliefs and gaps are spread; 'lockstep' moves them together, as one unit."
        ),
    )
    tour_days: float = Field(gt=0, le=3650, description="Length of a tour in theatre, days.")
    recovery_days: float = Field(default=0.0, ge=0, le=3650, description="Post-tour recovery, days.")
    training_days: float = Field(default=0.0, ge=0, le=3650, description="Pre-deployment training, days.")
    handover_days: float = Field(
        default=0.0, ge=0, le=365, description="Overlap in theatre with the relieving unit, days."
    )
    readiness_day: float = Field(default=0.0, ge=0, le=36500, description="First day the first unit may move.")
    deployment_delay_days: Distribution = Field(
        default=Fixed(value=0.0), description="Time to move a unit into (or out of) theatre, days."
    )
    lift: LiftMode = Field(default="air", description="Lift pool the contingent's moves draw on.")
    availability: Probability = Field(default=1.0, description="Share of troops fit for duty in theatre.")
    tasks: list[Task] = Field(min_length=1, description="What its troops do in theatre.")
    task_shares: dict[Task, float] | None = Field(
        default=None,
        description=(
            "Share of the contingent's strength on each task (0-1, summing to 1); none splits it "
            "equally over its tasks. Only guard, patrol and monitoring shares cover zones."
        ),
    )
    zones: list[Id] | None = Field(
        default=None, description="Zones it is tasked to (ids); empty means any zone its caveats allow."
    )
    base_zone: Id | None = Field(default=None, description="Zone where its quick-reaction teams are based.")
    qrf_teams: int = Field(
        default=0, ge=0, le=100, description="Quick-reaction teams it provides while a unit is in theatre."
    )
    caveats: Caveats = Field(default_factory=Caveats, description="National restrictions on zones and tasks.")

    @model_validator(mode="after")
    def _consistent(self) -> "Force":
        if self.handover_days >= self.tour_days:
            raise ValueError(
                f"handover_days must be shorter than tour_days (got handover {self.handover_days}, tour {self.tour_days})"
            )
        if self.units_deployed > self.rotation_depth:
            raise ValueError(
                f"units_deployed cannot exceed rotation_depth (got {self.units_deployed} > {self.rotation_depth})"
            )
        if self.sub_units > self.troops_per_unit:
            raise ValueError(
                f"sub_units cannot exceed troops_per_unit (got {self.sub_units} sub-units of {self.troops_per_unit} troops)"
            )
        if self.caveats.non_lethal_only:
            lethal = sorted(set(self.tasks) & {"guard", "patrol", "quick_reaction"})
            if lethal:
                raise ValueError(f"a non_lethal_only contingent cannot take lethal tasks {lethal}")
        if self.task_shares is not None:
            unknown = sorted(set(self.task_shares) - set(self.tasks))
            if unknown:
                raise ValueError(f"task_shares names tasks the contingent does not have: {unknown} (tasks: {self.tasks})")
            if any(not 0 <= v <= 1 for v in self.task_shares.values()) or abs(sum(self.task_shares.values()) - 1) > 1e-6:
                raise ValueError(f"task_shares must be between 0 and 1 and sum to 1 (got {self.task_shares})")
        if self.qrf_teams and "quick_reaction" not in self.tasks:
            raise ValueError("qrf_teams needs 'quick_reaction' in tasks")
        if self.qrf_teams and self.base_zone is None:
            raise ValueError("qrf_teams needs base_zone (the zone its teams travel from)")
        return self

    @property
    def coverage_share(self) -> float:
        """Share of its strength on tasks that cover zones (guard, patrol, monitoring)."""
        if self.task_shares is not None:
            return sum(v for t, v in self.task_shares.items() if t in COVERAGE_TASKS)
        return sum(t in COVERAGE_TASKS for t in self.tasks) / len(self.tasks)

    @property
    def rotating_sub_units(self) -> int:
        """Sub-units that rotate on schedules of their own (lock-step sub-units move as one)."""
        return self.sub_units if self.stagger == "staggered" else 1

    @property
    def cycle_days(self) -> float:
        """Tour plus dwell: one full turn of a unit through the cycle (excluding moves)."""
        return self.tour_days + self.recovery_days + self.training_days
