"""Building blocks shared by every part of the scenario language."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, model_validator

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
    Field(description="Identifier: lower-case letters, digits and underscores, starting with a letter."),
]
ClaimId = Annotated[
    str,
    StringConstraints(pattern=r"^C\d{2,3}$"),
    Field(description="Id of a claim in the claims register (seeds/claims.yaml), e.g. C01."),
]
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def _web_address(value: str) -> str:
    # Reports turn these into links: a javascript: or file: address must never get there.
    if value and not _WEB_ADDRESS.fullmatch(value):
        raise ValueError("url must be a web address starting with http:// or https://, with no spaces, "
                         "quotes or angle brackets (write them %-encoded: %20, %22, %3C, %3E)")
    return value


Url = Annotated[str, Field(max_length=500), AfterValidator(_web_address)]
"""A web address (http or https), or empty."""
Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Day = Annotated[float, Field(ge=0.0, allow_inf_nan=False, description="Simulation day (day 0 is the start).")]

ZONE_KINDS = (
    "capital",
    "city",
    "port",
    "infrastructure",
    "logistics_hub",
    "border",
    "ceasefire_line",
    "training_area",
    "airspace",
)
THREAT_TYPES = ("drone", "cruise", "ballistic")
TASKS = ("guard", "patrol", "monitoring", "quick_reaction", "training", "engineering", "medical")
#: Tasks whose troops count towards a zone's coverage.
COVERAGE_TASKS = ("guard", "patrol", "monitoring")
#: Tasks that a non-lethal-only contingent may not take.
LETHAL_TASKS = ("guard", "patrol", "quick_reaction")


class Spec(BaseModel):
    """Base of every scenario model: unknown keys are errors, values are immutable, NaN/inf refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Cited(Spec):
    """The source states the number; the quote (copied from it) must contain it."""

    kind: Literal["cited"] = Field(description="cited: the source states the number.")
    source: Id = Field(description="Id of the entry in metadata.sources.")
    quote: str = Field(min_length=1, max_length=2000, description="The words of the source that state the number.")


class Derived(Spec):
    """Arithmetic on cited numbers (and, where said, assumptions); the arithmetic must show the result."""

    kind: Literal["derived"] = Field(description="derived: arithmetic on cited numbers.")
    inputs: list[Id] = Field(default_factory=list, alias="from", description="Ids of the sources the inputs come from.")
    arithmetic: str = Field(min_length=1, max_length=2000, description="The arithmetic, ending in the number it gives.")


class Assumed(Spec):
    """The author's judgement, with the range the sources allow (e.g. "hundreds" is 200-900)."""

    kind: Literal["assumption"] = Field(description="assumption: the author's judgement.")
    range: list[float] | None = Field(
        default=None, min_length=2, max_length=2, description="[low, high] the sources allow, if they bound it."
    )
    basis: Id | None = Field(default=None, description="Id of a source the judgement leans on, if any.")
    note: str = Field(default="", max_length=2000, description="Why this value (in a few words).")

    @model_validator(mode="after")
    def _ordered(self) -> "Assumed":
        if self.range is not None and not self.range[0] <= self.range[1]:
            raise ValueError(f"range must be [low, high] with low <= high (got {list(self.range)})")
        return self


def _tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "short"
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind if kind in ("cited", "derived", "assumption") else None
    return getattr(value, "kind", None)


SourceRef = Annotated[
    Union[
        Annotated[str, Tag("short")],
        Annotated[Cited, Tag("cited")],
        Annotated[Derived, Tag("derived")],
        Annotated[Assumed, Tag("assumption")],
    ],
    Discriminator(
        _tag,
        custom_error_type="source_kind",
        custom_error_message=(
            "a source entry is 'assumption', a source id, or a mapping with kind cited (source, quote), "
            "derived (from, arithmetic) or assumption (range, basis, note)"
        ),
    ),
]
"""Where one number comes from: a short form (``assumption`` or a source id) or a full entry."""

#: Tags pydantic puts in error locations for the members of :data:`SourceRef`.
REF_TAGS = ("short", "cited", "derived", "assumption")


class Traced(Spec):
    """An element that names the claims it encodes and where its numbers come from."""

    claims: list[ClaimId] = Field(
        default_factory=list, description="Claims from seeds/claims.yaml that this element encodes."
    )
    sources: dict[str, SourceRef] = Field(
        default_factory=dict,
        description=(
            "Provenance of this element's numbers: field name (or field.key inside a mapping) -> "
            "'assumption', an id of an entry in metadata.sources, or {kind: cited|derived|assumption, ...}."
        ),
    )
