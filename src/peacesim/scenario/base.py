"""Building blocks shared by every part of the scenario language."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

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
        raise ValueError("url must be a web address starting with http:// or https://")
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


class Traced(Spec):
    """An element that names the claims it encodes and where its numbers come from."""

    claims: list[ClaimId] = Field(
        default_factory=list, description="Claims from seeds/claims.yaml that this element encodes."
    )
    sources: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Provenance of this element's numbers: field name -> id of an entry in metadata.sources, "
            "or the word 'assumption'."
        ),
    )
