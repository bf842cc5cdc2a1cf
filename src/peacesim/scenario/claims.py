"""The claims register (``seeds/claims.yaml``): who committed to what, as the source article states.

Scenario elements name the claims they encode (``claims: [C01]``); ``peacesim validate`` checks
that every id named exists here, so a scenario cannot cite a commitment nobody made.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationError, model_validator

from ..bundled import bundled_claims
from ..errors import Problem, ScenarioError
from .base import Spec, Url
from .locate import problems_from
from .tracked import Node, to_plain
from .yamlsafe import load_file

ClaimKey = Annotated[str, StringConstraints(pattern=r"^C\d{2,3}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class ArticleRef(Spec):
    """The article the claims are taken from."""

    outlet: Text
    title: Text
    date: dt.date
    file: str = Field(default="", max_length=500, description="File name of the article under seeds/.")


class ClaimSource(Spec):
    """Who reported the claim, and when."""

    outlet: Text
    date: dt.date
    url: Url = Field(default="")


class Claim(Spec):
    """One commitment by one actor, in our words, with its firmness as stated."""

    id: ClaimKey
    actor: Text
    commitment: Text
    quantity: str | int | float | None = Field(default=None, description="As stated in the source, or null.")
    firmness: Literal["stated", "conditional", "potential"]
    date: dt.date
    source: ClaimSource
    note: str = Field(default="", max_length=5000)


class ClaimsRegister(Spec):
    """All claims; ids are unique."""

    source: ArticleRef
    claims: list[Claim] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "ClaimsRegister":
        seen: set[str] = set()
        for claim in self.claims:
            if claim.id in seen:
                raise ValueError(f"duplicate claim id {claim.id!r}")
            seen.add(claim.id)
        return self

    @property
    def ids(self) -> set[str]:
        return {c.id for c in self.claims}

    def get(self, claim_id: str) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)


def project_claims_file(start: Path | None = None) -> Path | None:
    """Walk up from ``start`` (default: the working directory) to a ``seeds/claims.yaml``; None if none."""
    here = Path(start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "seeds" / "claims.yaml"
        if candidate.is_file():
            return candidate
    return None


def find_claims_file(start: Path | None = None) -> Path | None:
    """The project's register (:func:`project_claims_file`), else the one shipped with peacesim.

    None only if peacesim was installed without its data (:func:`peacesim.bundled.bundled_claims`).
    """
    return project_claims_file(start) or bundled_claims()


def load_claims(path: Path | None = None) -> ClaimsRegister:
    """Read and validate a claims register (by default the one :func:`find_claims_file` finds)."""
    if path is None:
        path = find_claims_file()
        if path is None:
            raise ScenarioError(Problem("no claims register found (seeds/claims.yaml); pass --claims PATH"))
    tree = load_file(path)
    try:
        return ClaimsRegister.model_validate(to_plain(tree))
    except ValidationError as err:
        raise ScenarioError(problems_from(err, tree, ClaimsRegister)) from None


def unknown_claims(tree: Node, known: set[str]) -> list[Problem]:
    """A problem for every claim id in a scenario tree that the register does not hold."""
    out: list[Problem] = []

    def visit(node: Node, path: str) -> None:
        if node.is_map:
            for key, child in node.value.items():
                sub = f"{path}.{key}" if path else key
                if key == "claims" and child.is_list:
                    for item in child.value:
                        if isinstance(item.value, str) and item.value not in known:
                            o = item.origin
                            out.append(Problem(f"unknown claim id {item.value!r}; not in the claims register",
                                               o.file, o.line, o.column, sub))
                else:
                    visit(child, sub)
        elif node.is_list:
            for n, child in enumerate(node.value):
                name = child.get("id") or child.get("mode")
                visit(child, f"{path}.{name.value}" if name is not None else f"{path}[{n}]")

    visit(tree, "")
    return out
