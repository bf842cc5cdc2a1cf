"""``peacesim export``: a stored run as tidy CSV or Parquet tables."""

from __future__ import annotations

import click

from . import complete
from .db import DB_HELP, complete_db, db_default


@click.command("export")
@click.argument("run_id", shell_complete=complete.run_ids)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--out", metavar="DIR", help="Folder (default reports/exports/<run id>/).")
@click.option("--db", callback=db_default, metavar="PATH", help=DB_HELP, shell_complete=complete_db)
def command(run_id: str, fmt: str, out: str | None, db: str) -> None:
    """Write RUN_ID's tables: runs (manifest), metrics (per replication) and series (daily bands)."""
    from pathlib import Path

    from peacesim.errors import StoreError
    from peacesim.experiment import outputs

    if not Path(db).exists():
        raise StoreError(f"no results store at {db}; run a scenario first (peacesim run FILE)")
    from .run import open_store

    with open_store(db, readonly=True) as store:
        rec = store.get_run(run_id)
        tables = store.tables(rec.run_id)
    if out is not None:
        folder = outputs.check_out_dir(Path(out), explicit=True)
    else:
        folder = outputs.check_out_dir(outputs.REPORTS / "exports" / outputs.safe_component(rec.run_id), explicit=False)
    from peacesim.experiment.store import TABLE_TYPES

    for path in outputs.export_tables(tables, folder, fmt, TABLE_TYPES):
        click.echo(str(path))
