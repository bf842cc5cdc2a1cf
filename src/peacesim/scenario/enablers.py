"""Enablers: intelligence and surveillance, air defence, armaments and non-lethal support."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import THREAT_TYPES, Day, Id, Probability, Traced
from .distributions import Distribution, Fixed

ThreatType = Literal[THREAT_TYPES]  # type: ignore[valid-type]


class Active(Traced):
    """Something that starts and may stop inside a run."""

    id: Id = Field(description="Element id.")
    provider: str = Field(min_length=1, max_length=100, description="Nation or coalition providing it.")
    start_day: Day = Field(default=0.0, description="Day it starts.")
    end_day: Day | None = Field(default=None, description="Day it stops; none means it lasts the whole run.")

    @model_validator(mode="after")
    def _window(self) -> "Active":
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError(f"end_day must not precede start_day (got {self.start_day} .. {self.end_day})")
        return self


class Sensor(Active):
    """An ISR or border-surveillance asset that may see incidents coming in the zones it watches."""

    detection_probability: Probability = Field(description="Chance it detects an incident in a watched zone.")
    availability: Probability = Field(default=1.0, description="Share of time it is on station.")
    warning_time_hours: Distribution = Field(
        default=Fixed(value=0.0), description="Warning it gives before an incident it detects, hours."
    )
    zones: list[Id] = Field(min_length=1, description="Zones it watches (ids).")


class AirDefence(Active):
    """Air-defence systems protecting some zones, firing from a finite interceptor stock."""

    system: str = Field(min_length=1, max_length=100, description="System name (e.g. Patriot, SAMP/T).")
    role: Literal["package", "context"] = Field(
        default="package",
        description=(
            "package: part of the commitments being assessed; context: a defence already there (e.g. "
            "Ukraine's own). Context systems engage first, so package_kills is what the package adds to them."
        ),
    )
    batteries: int = Field(ge=0, le=1000, description="Batteries deployed.")
    engagements_per_battery: int = Field(
        default=16, ge=1, le=10_000, description="Threats one battery can engage in a single raid (saturation)."
    )
    stock: int = Field(ge=0, le=10_000_000, description="Interceptors on hand at the start.")
    kill_probability: dict[ThreatType, Probability] = Field(
        min_length=1, description="Single-shot kill probability by threat type; types not listed are not engaged."
    )
    doctrine: Literal["salvo", "shoot_look_shoot"] = Field(
        default="salvo", description="salvo: fire all shots at once; shoot_look_shoot: fire again only after a miss."
    )
    shots_per_threat: dict[ThreatType, int] = Field(
        default_factory=dict,
        description="Shots per threat by type (the salvo, or the most shots under shoot-look-shoot); default 1.",
    )
    zones: list[Id] = Field(min_length=1, description="Zones it protects (ids).")

    @model_validator(mode="after")
    def _shots_for_engaged(self) -> "AirDefence":
        extra = sorted(set(self.shots_per_threat) - set(self.kill_probability))
        if extra:
            raise ValueError(f"shots_per_threat names threat types with no kill_probability: {extra}")
        bad = {k: v for k, v in self.shots_per_threat.items() if not 1 <= v <= 10}
        if bad:
            raise ValueError(f"shots_per_threat must be between 1 and 10 (got {bad})")
        return self

    def shots(self, threat: str) -> int:
        return self.shots_per_threat.get(threat, 1)


class Delivery(Active):
    """A flow of armaments: a monthly quantity arriving after a lead time, into a stock if named."""

    item: str = Field(min_length=1, max_length=100, description="What is delivered.")
    quantity_per_month: float = Field(ge=0, le=1_000_000, description="Items shipped per 30-day month.")
    lead_time_days: Distribution = Field(default=Fixed(value=0.0), description="Shipping to arrival, days.")
    into_system: Id | None = Field(
        default=None, description="Air-defence element whose interceptor stock it refills; none = general stock."
    )


class NonLethal(Active):
    """Non-lethal support: demining, medical care, reconstruction, humanitarian aid."""

    kind: Literal["demining", "medical", "reconstruction", "humanitarian"] = Field(description="Kind of support.")
    capacity_per_day: float = Field(ge=0, le=1_000_000, description="Output per day at full capacity.")
    output_unit: str = Field(min_length=1, max_length=40, description="Unit of output (km2, patients, ...).")
    efficiency: Distribution = Field(
        default=Fixed(value=1.0), description="Daily share of capacity achieved (weather, access), 0..1 typical."
    )


class Enablers(Traced):
    """Everything that supports the troops on the ground."""

    isr: list[Sensor] = Field(default_factory=list, description="Intelligence, surveillance, reconnaissance.")
    air_defence: list[AirDefence] = Field(default_factory=list, description="Air-defence elements.")
    armaments: list[Delivery] = Field(default_factory=list, description="Armaments delivery flows.")
    non_lethal: list[NonLethal] = Field(default_factory=list, description="Non-lethal support elements.")

    @property
    def context_ids(self) -> frozenset[str]:
        """Ids of the context elements (``role: context``): inputs the package is assessed against, not part of it."""
        return frozenset(a.id for a in self.air_defence if a.role == "context")
