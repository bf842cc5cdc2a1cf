"""The one-zone scenario the experiment-layer tests run: no dynamics, so it is fast and exact."""

from __future__ import annotations


def mini_text(horizon_days: int = 20, replications: int = 10, seed: int = 7, variant: bool = False) -> str:
    """YAML of the mini scenario; with ``variant`` it has a variant ``more`` (+10 troops required)."""
    text = (
        f"metadata: {{name: mini, title: Mini, horizon_days: {horizon_days}, replications: {replications}, seed: {seed}}}\n"
        "zones:\n"
        "  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100, weight: 10}\n"
    )
    if variant:
        text += "variants:\n  more:\n    set: {zones.kyiv.troops_required: 110}\n"
    return text
