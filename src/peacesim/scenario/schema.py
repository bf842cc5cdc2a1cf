"""The root of the scenario language and its cross-reference rules.

A :class:`Scenario` is what every other layer consumes. It is built only from plain data that the
loader has already merged (``extends``) and patched (variant, ``--set``); see :mod:`.loader`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .base import ClaimId, Id, Spec, Traced, Url
from .enablers import Active, Enablers
from .forces import Force, LiftPool, Zone
from .provenance import cited_ids, field_value
from .threats import ScaleThreat, Threats, TimelineChange, Withdraw

#: What a variant is: a package one could choose (option) or something that could happen to it (stress).
VariantKind = Literal["option", "stress"]


class Source(Spec):
    """A public source that numbers in the scenario cite."""

    title: str = Field(min_length=1, max_length=500, description="Title of the article, report or page.")
    publisher: str = Field(default="", max_length=200, description="Outlet or author; say when it is a mirror.")
    date: str = Field(default="", max_length=40, description="Publication date as published (YYYY-MM or YYYY-MM-DD).")
    url: Url = Field(default="", description="Address as published (http or https).")
    note: str = Field(default="", max_length=2000, description="Quote or how the figure was derived.")


class Metadata(Spec):
    """What the scenario is, how long it runs and where its content comes from."""

    name: Id = Field(description="Short name; used in file names and the results store.")
    title: str = Field(min_length=1, max_length=200, description="One-line title shown in reports.")
    description: str = Field(default="", max_length=20_000, description="What the scenario represents, in plain words.")
    question: str = Field(
        default="", max_length=500,
        description="The question the scenario asks, in one sentence; the report's summary opens with it.")
    leaves_out: list[str] = Field(
        default_factory=list, max_length=50,
        description="What the scenario does not model, one item a line; the report lists them as limitations.")
    horizon_days: int = Field(ge=1, le=36_500, description="Length of one replication, days.")
    replications: int = Field(default=30, ge=1, le=1_000_000, description="Default number of replications.")
    seed: int = Field(default=20250819, ge=0, le=2**63 - 1, description="Root seed of all random streams.")
    claims: list[ClaimId] = Field(default_factory=list, description="Claims the scenario as a whole encodes.")
    sources: dict[Id, Source] = Field(default_factory=dict, description="Sources that elements cite by id.")
    variant: str | None = Field(default=None, description="Set by the loader: the variant this scenario is.")
    variant_kind: VariantKind | None = Field(
        default=None, description="Set by the loader: the variant's kind (stress if any combined variant is one).")


class Variant(Spec):
    """A named what-if: changes applied to the base before validation."""

    description: str = Field(default="", max_length=5000, description="What the what-if changes and why.")
    kind: VariantKind = Field(
        default="option",
        description="option: what the package could be (fewer nations, no US air defence); stress: what could "
                    "happen to it (a failed ceasefire, a withdrawal). The report's summary weighs options against "
                    "each other and states stress cases apart.")
    claims: list[ClaimId] = Field(default_factory=list, description="Claims this variant encodes.")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Key path -> new value, e.g. forces.uk.rotation_depth: 2."
    )
    remove: list[str] = Field(default_factory=list, description="Key paths of list items to delete.")
    append: dict[str, list[Any]] = Field(default_factory=dict, description="List key path -> items to add.")


class Window(Spec):
    """A day window over which the scalar metrics are computed again (``detection_rate[180,730]``)."""

    start_day: int = Field(ge=0, description="First day of the window (included).")
    end_day: int = Field(ge=1, description="Day the window ends (excluded); at most the horizon.")

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.end_day <= self.start_day:
            raise ValueError(f"end_day must be after start_day (got {self.start_day} to {self.end_day})")
        return self


class MetricsSpec(Spec):
    """What to measure beyond the whole-run metrics."""

    windows: list[Window] = Field(
        default_factory=list, max_length=20,
        description="Day windows: each windowed scalar metric is also reported over each window, e.g. "
        "{start_day: 180, end_day: 730} gives detection_rate[180,730].",
    )


class Scenario(Spec):
    """A complete, validated scenario: the input of the model."""

    extends: str | None = Field(default=None, description="Parent scenario file (relative path); merged by the loader.")
    metadata: Metadata = Field(description="Name, horizon, replications, seed, claims and sources.")
    zones: list[Zone] = Field(min_length=1, description="What must be covered.")
    lift: list[LiftPool] = Field(default_factory=list, description="Lift pools; a mode with no pool is unconstrained.")
    forces: list[Force] = Field(default_factory=list, description="National contingents.")
    enablers: Enablers = Field(default_factory=Enablers, description="ISR, air defence, armaments, non-lethal support.")
    threats: Threats = Field(default_factory=Threats, description="Incidents, air raids and how incidents are answered.")
    timeline: list[Annotated[TimelineChange, Field(discriminator="change")]] = Field(
        default_factory=list, description="Dated changes inside a run (withdrawals, escalation)."
    )
    metrics: MetricsSpec = Field(default_factory=MetricsSpec, description="Day windows to measure over.")
    variants: dict[Id, Variant] = Field(default_factory=dict, description="Named what-ifs, applied by the loader.")

    @model_validator(mode="after")
    def _cross_references(self) -> "Scenario":
        problems = _reference_problems(self)
        if problems:
            raise CrossReferenceError(problems)
        return self

    # Convenience look-ups used by the model and reports.
    def zone(self, zone_id: str) -> Zone:
        return next(z for z in self.zones if z.id == zone_id)

    def traced_elements(self) -> list[tuple[str, Traced]]:
        """Every element that carries claims and sources, with its key path."""
        out: list[tuple[str, Traced]] = []
        groups: tuple[tuple[str, Sequence[Traced]], ...] = (("zones", self.zones), ("lift", self.lift), ("forces", self.forces))
        for name, items in groups:
            out += [(f"{name}.{getattr(i, 'id', None) or getattr(i, 'mode')}", i) for i in items]
        e = self.enablers
        enablers: tuple[tuple[str, Sequence[Active]], ...] = (
            ("isr", e.isr), ("air_defence", e.air_defence), ("armaments", e.armaments), ("non_lethal", e.non_lethal),
        )
        for name, actives in enablers:
            out += [(f"enablers.{name}.{a.id}", a) for a in actives]
        out += [(f"threats.incidents.{i.id}", i) for i in self.threats.incidents]
        out += [(f"threats.air_raids.{i.id}", i) for i in self.threats.air_raids]
        out += [(f"timeline[{n}]", t) for n, t in enumerate(self.timeline)]
        return out

    def all_claims(self) -> set[str]:
        """Every claim id the scenario (elements, metadata and variants) names."""
        ids = set(self.metadata.claims)
        for _, el in self.traced_elements():
            ids.update(el.claims)
        for v in self.variants.values():
            ids.update(v.claims)
        return ids


class CrossReferenceError(ValueError):
    """Cross-reference rules broken; ``problems`` holds (key path, message) pairs for the loader."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


def _reference_problems(s: Scenario) -> list[tuple[str, str]]:
    """Cross-reference rules pydantic's field checks cannot see, as (key path, message) pairs."""
    out: list[tuple[str, str]] = []
    zone_ids = {z.id for z in s.zones}
    zone_kind = {z.id: z.kind for z in s.zones}
    e, t = s.enablers, s.threats
    first_use: dict[str, str] = {}
    named_lists: list[tuple[str, list[Any]]] = [
        ("forces", s.forces), ("enablers.isr", e.isr), ("enablers.air_defence", e.air_defence),
        ("enablers.armaments", e.armaments), ("enablers.non_lethal", e.non_lethal),
        ("threats.incidents", t.incidents), ("threats.air_raids", t.air_raids),
    ]
    keyed: list[tuple[str, Sequence[Traced], str]] = [("zones", s.zones, "id"), ("lift", s.lift, "mode")]
    for label, elements, key in keyed:
        for n, name in _repeats([getattr(i, key) for i in elements]):
            out.append((f"{label}[{n}]", f"duplicate {'lift mode' if key == 'mode' else 'zone id'} {name!r}"))
    for label, items in named_lists:
        for n, item in enumerate(items):
            if item.id in first_use:
                out.append((f"{label}[{n}]", f"duplicate id {item.id!r} (also used at {first_use[item.id]})"))
            else:
                first_use[item.id] = f"{label}.{item.id}"
    element_ids = [f.id for f in s.forces] + [x.id for x in [*e.isr, *e.air_defence, *e.armaments, *e.non_lethal]]
    threat_ids = [x.id for x in t.incidents] + [x.id for x in t.air_raids]

    def unknown_zones(where: str, refs: list[str]) -> None:
        bad = sorted(set(refs) - zone_ids)
        if bad:
            out.append((where, f"names unknown zone(s) {bad}; known zones: {sorted(zone_ids)}"))

    for f in s.forces:
        unknown_zones(f"forces.{f.id}.zones", f.zones or [])
        if f.base_zone:
            unknown_zones(f"forces.{f.id}.base_zone", [f.base_zone])
        allowed = [z for z in (f.zones or sorted(zone_ids)) if zone_kind.get(z) not in f.caveats.excluded_zone_kinds]
        if (f.zones or zone_ids) and not allowed:
            out.append((
                f"forces.{f.id}.caveats",
                f"excludes every zone the contingent is tasked to (excluded kinds {f.caveats.excluded_zone_kinds})",
            ))
    for x in e.isr:
        unknown_zones(f"enablers.isr.{x.id}.zones", x.zones)
    for a in e.air_defence:
        unknown_zones(f"enablers.air_defence.{a.id}.zones", a.zones)
    ad_ids = {a.id for a in e.air_defence}
    for d in e.armaments:
        if d.into_system and d.into_system not in ad_ids:
            out.append((f"enablers.armaments.{d.id}.into_system", f"names unknown air-defence element {d.into_system!r}; known: {sorted(ad_ids)}"))
    for i in t.incidents:
        unknown_zones(f"threats.incidents.{i.id}.zones", i.zones)
    for r in t.air_raids:
        unknown_zones(f"threats.air_raids.{r.id}.target_weights", list(r.target_weights))
    for n, c in enumerate(s.timeline):
        if isinstance(c, Withdraw) and c.target not in element_ids:
            out.append((f"timeline[{n}].target", f"names unknown force or enabler {c.target!r}; known: {sorted(element_ids)}"))
        if isinstance(c, ScaleThreat) and c.target != "all" and c.target not in threat_ids:
            out.append((f"timeline[{n}].target", f"names unknown threat {c.target!r}; known: {sorted(threat_ids)} or 'all'"))
        if c.day > s.metadata.horizon_days:
            out.append((f"timeline[{n}].day", f"day {c.day} is after the horizon ({s.metadata.horizon_days} days)"))
    for n, w in enumerate(s.metrics.windows):
        if w.end_day > s.metadata.horizon_days:
            out.append((f"metrics.windows[{n}].end_day",
                        f"day {w.end_day} is after the horizon ({s.metadata.horizon_days} days)"))
    source_ids = set(s.metadata.sources)
    containers: list[tuple[str, Traced]] = [("enablers", s.enablers), ("threats", s.threats)]
    for path, el in [*s.traced_elements(), *containers]:
        for key, ref in el.sources.items():
            if not field_value(el, key)[0]:
                out.append((f"{path}.sources.{key}", f"names {key!r}, which is not a field of this element"
                            " (or a key of one of its mappings)"))
            for sid in cited_ids(ref):
                if sid not in source_ids:
                    out.append((f"{path}.sources.{key}", f"cites unknown source {sid!r}; add it to metadata.sources or write 'assumption'"))
    return out


def _repeats(names: list[str]) -> list[tuple[int, str]]:
    """(index, name) of every item whose name already appeared earlier in the list."""
    seen: set[str] = set()
    out = []
    for n, name in enumerate(names):
        if name in seen:
            out.append((n, name))
        seen.add(name)
    return out
