"""``peacesim metrics``: print the metric catalog (name, unit, direction, meaning) users script against."""

from __future__ import annotations

from typing import Any

import click

from .jsonout import json_output


@click.command("metrics")
@click.option(
    "--kind", type=click.Choice(["all", "scalar", "series"]), default="all", show_default=True,
    help="Only per-replication scalars or only daily series.",
)
@click.option("--headline", is_flag=True, help="Only the headline metrics.")
@json_output("metrics")
def command(kind: str, headline: bool, as_json: bool = False) -> dict[str, Any] | None:
    """List the metrics a run produces: name, unit, which way is better, meaning.

    <zone_id>, <system_id>, <threat_type>, <force_id> and <element_id> stand for ids in the
    scenario. A windowed scalar (W) is also reported over each day window of the scenario's
    metrics.windows or of run --window, as name[start,end]. Headline metrics are marked H.
    """
    from peacesim.catalog import CATALOG, catalog_json

    rows = {n: m for n, m in CATALOG.items() if kind in ("all", m.kind) and (m.headline is not None or not headline)}
    if as_json:
        data = catalog_json()
        return {"metrics": {n: data[n] for n in rows}}
    width = max(len(n) for n in rows)
    unit_width = max(len(m.unit) for m in rows.values())
    for section in ("scalar", "series"):
        names = [n for n, m in rows.items() if m.kind == section]
        if not names:
            continue
        click.echo("Per replication (scalars):" if section == "scalar" else "Daily series (one value per day):")
        for n in names:
            m = rows[n]
            better = {"higher": "↑", "lower": "↓"}.get(m.better, " ")
            marks = ("H" if m.headline is not None else " ") + ("W" if m.kind == "scalar" and m.windowed else " ")
            click.echo(f"  {n:<{width}}  {m.unit:<{unit_width}}  {better} {marks} {m.meaning}")
        click.echo("")
    click.echo("↑ higher is better, ↓ lower is better; H headline; W also over day windows (name[start,end]).")
    return None
