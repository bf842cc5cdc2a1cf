"""``peacesim metrics``: print the metric dictionary (name, unit, meaning) users script against."""

from __future__ import annotations

import json

import click


@click.command("metrics")
@click.option("--json", "as_json", is_flag=True, help="Print the dictionary as JSON.")
@click.option(
    "--kind", type=click.Choice(["all", "scalar", "series"]), default="all", show_default=True,
    help="Only per-replication scalars or only daily series.",
)
def command(as_json: bool, kind: str) -> None:
    """List the metrics a run produces: name, unit, which way is better, meaning.

    <zone_id>, <system_id>, <threat_type> and <element_id> stand for ids in the scenario.
    """
    from peacesim.model.metrics import METRICS

    rows = {name: doc for name, doc in METRICS.items() if kind in ("all", doc.kind)}
    if as_json:
        click.echo(json.dumps(
            {n: {"kind": d.kind, "unit": d.unit, "better": d.better, "meaning": d.meaning} for n, d in rows.items()},
            indent=2,
        ))
        return
    width = max(len(n) for n in rows)
    unit_width = max(len(d.unit) for d in rows.values())
    for section in ("scalar", "series"):
        names = [n for n, d in rows.items() if d.kind == section]
        if not names:
            continue
        click.echo("Per replication (scalars):" if section == "scalar" else "Daily series (one value per day):")
        for n in names:
            d = rows[n]
            better = {"higher": "↑", "lower": "↓"}.get(d.better, " ")
            click.echo(f"  {n:<{width}}  {d.unit:<{unit_width}}  {better} {d.meaning}")
        click.echo("")
    click.echo("↑ higher is better, ↓ lower is better.")
