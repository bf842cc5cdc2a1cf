"""``peacesim runs``: list the runs in the results store."""

from __future__ import annotations

from typing import Any

import click

from .db import DB_HELP, complete_db, db_default
from .jsonout import json_output


@click.command("runs")
@click.option("--scenario", metavar="NAME", help="Only runs of this scenario.")
@click.option("--status", type=click.Choice(["running", "incomplete", "complete"]), help="Only runs in this status.")
@click.option("--db", callback=db_default, metavar="PATH", help=DB_HELP, shell_complete=complete_db)
@json_output("runs")
def command(scenario: str | None, status: str | None, db: str, as_json: bool = False) -> dict[str, Any]:
    """List stored runs: id, scenario:variant, seed, replications done/asked, status, start."""
    from pathlib import Path

    from peacesim.errors import StoreError

    if not Path(db).exists():
        raise StoreError(f"no results store at {db}; run a scenario first (peacesim run FILE)")
    from .run import open_store

    with open_store(db, readonly=True) as store:
        runs = [r for r in store.list_runs(scenario) if status is None or r.status == status]
    from peacesim.experiment.documents import record_doc

    doc = {"db": str(db), "runs": [record_doc(r) for r in runs]}
    if not runs:
        click.echo("no runs")
        return doc
    width = max(len("scenario"), *(len(r.label) for r in runs))
    click.echo(f"{'run id':<20}  {'scenario':<{width}}  {'seed':>10}  {'reps':>11}  {'status':<10}  started")
    for r in runs:
        reps = f"{r.done}/{r.replications}"
        click.echo(f"{r.run_id:<20}  {r.label:<{width}}  {r.seed:>10}  {reps:>11}  {r.status:<10}  {r.started}")
    stale = [r for r in runs if r.status == "incomplete"]
    if stale:
        click.echo(f"\n{len(stale)} incomplete; finish one with: peacesim run --resume RUN_ID", err=True)
    return doc
