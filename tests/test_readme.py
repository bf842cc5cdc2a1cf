"""The README stays in step with the code: commands, claims and metric names it promises exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from peacesim.cli import COMMANDS
from peacesim.model import METRICS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_commands_come_first() -> None:
    """`make demo` and `make test` are shown before any usage section."""
    first_section = README.split("\n## ")[1]
    assert "make demo" in first_section and "make test" in first_section


def test_every_command_is_documented() -> None:
    for name in COMMANDS:
        assert f"peacesim {name}" in README, f"README does not show `peacesim {name}`"


def test_every_claim_is_listed() -> None:
    claims = yaml.safe_load((ROOT / "seeds" / "claims.yaml").read_text(encoding="utf-8"))["claims"]
    for claim in claims:
        assert f"| {claim['id']} |" in README, f"claim {claim['id']} missing from the README table"


def test_metric_names_in_readme_exist() -> None:
    section = README.split("## Metrics", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z][a-z0-9_]*(?:\.<[a-z_]+>)*)`", section))
    named.discard("peacesim")
    unknown = {n for n in named if n not in METRICS}
    assert not unknown, f"README names metrics the model does not document: {sorted(unknown)}"
    from peacesim.catalog import HEADLINE_METRICS

    # every headline is named and explained; the whole catalog is docs/metrics.md (tested to be current)
    assert set(HEADLINE_METRICS) <= named, f"README misses headline metrics: {sorted(set(HEADLINE_METRICS) - named)}"
    assert "docs/metrics.md" in section


def test_linked_docs_exist() -> None:
    for target in re.findall(r"\]\(((?:docs|seeds|scenarios)/[^)#]+)", README):
        assert (ROOT / target).exists(), f"README links to missing {target}"
