"""What the package must deter or absorb: incidents on the ground and air raids."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Id, Spec, Traced
from .distributions import Distribution, Fixed
from .enablers import ThreatType


class IncidentStream(Traced):
    """Incidents of one kind arriving at random (Poisson) in each of some zones."""

    id: Id = Field(description="Incident stream id.")
    kind: Literal["ceasefire_violation", "incursion", "sabotage"] = Field(description="Kind of incident.")
    zones: list[Id] = Field(min_length=1, description="Zones where these incidents happen (ids).")
    rate_per_day: float = Field(ge=0, le=1000, description="Mean incidents per day in each listed zone.")
    on_scene_hours: Distribution = Field(
        default=Fixed(value=2.0), description="Time a quick-reaction team spends resolving one, hours."
    )


#: Shortest mean time between raids of one stream (about 1.4 minutes); below it a run cannot end.
MIN_RAID_INTERVAL_DAYS = 0.001


class AirRaid(Traced):
    """Raids of one threat type: time between raids, threats per raid, which zones they aim at."""

    id: Id = Field(description="Raid stream id.")
    threat_type: ThreatType = Field(description="drone, cruise or ballistic.")
    interval_days: Distribution = Field(description="Time between raids, days.")
    raid_size: Distribution = Field(description="Threats (drones or missiles) per raid.")
    target_weights: dict[Id, float] = Field(
        min_length=1, description="Zone id -> relative weight of being targeted."
    )

    @model_validator(mode="after")
    def _weights(self) -> "AirRaid":
        if any(w < 0 for w in self.target_weights.values()) or sum(self.target_weights.values()) <= 0:
            raise ValueError("target_weights must be >= 0 and not all zero")
        if self.interval_days.mean < MIN_RAID_INTERVAL_DAYS:
            raise ValueError(
                f"interval_days must have a mean of at least {MIN_RAID_INTERVAL_DAYS} days (got mean "
                f"{self.interval_days.mean:g}): raids with no time between them would never let the clock move"
            )
        return self


class Response(Spec):
    """How quick-reaction teams answer detected incidents."""

    target_hours: float = Field(default=2.0, gt=0, le=240, description="Response time counted as on target, hours.")
    speed_kmh: float = Field(default=60.0, gt=0, le=2000, description="Travel speed from base to zone, km/h.")
    mobilise_hours: float = Field(default=0.25, ge=0, le=48, description="Time from call to departure, hours.")
    give_up_hours: float | None = Field(
        default=None,
        gt=0,
        le=8760,
        description=(
            "A noticed incident still waiting for a team after this long is left to others (e.g. "
            "Ukrainian forces) and counts as unanswered, hours; none means it waits as long as it takes."
        ),
    )


class Threats(Traced):
    """All threats in the scenario."""

    incidents: list[IncidentStream] = Field(default_factory=list, description="Incident streams on the ground.")
    air_raids: list[AirRaid] = Field(default_factory=list, description="Air-raid streams.")
    response: Response = Field(default_factory=Response, description="Quick-reaction response settings.")


class Withdraw(Traced):
    """A contingent or enabler leaves on a given day (units in theatre go home)."""

    day: float = Field(ge=0, allow_inf_nan=False, description="Day the change happens.")
    change: Literal["withdraw"] = Field(description="Kind of change.")
    target: Id = Field(description="Id of a force or enabler.")


class ScaleThreat(Traced):
    """Threat intensity changes from a given day (rates and raid frequency multiplied by factor)."""

    day: float = Field(ge=0, allow_inf_nan=False, description="Day the change happens.")
    change: Literal["scale_threat"] = Field(description="Kind of change.")
    target: Id | Literal["all"] = Field(default="all", description="Threat id, or 'all'.")
    factor: float = Field(ge=0, le=100, description="Multiplier on incident rates and raid frequency.")


TimelineChange = Withdraw | ScaleThreat
