"""``peacesim report``: charts and a self-contained HTML report for runs already in the store.

The first run is the reference; with several runs the report also holds their paired
comparison. The report package (matplotlib) is imported only when the command runs.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from peacesim.errors import UsageError

DEFAULT_STORE = "reports/peacesim.db"


def default_out(run_id: str) -> Path:
    """``reports/report-<run id>/`` with the id reduced to a safe single path component."""
    from peacesim.experiment.outputs import REPORTS, safe_component

    return REPORTS / f"report-{safe_component(run_id)}"


@click.command("report")
@click.argument("run_ids", nargs=-1, required=True, metavar="RUN_ID...")
@click.option("--out", metavar="DIR", help="Folder for report.html and the charts (default reports/report-<first run id>/).")
@click.option("--store", "--db", "store_path", default=DEFAULT_STORE, show_default=True, metavar="PATH",
              help="Results store to read the runs from.")
@click.option("--claims", "claims_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="Claims register (default: seeds/claims.yaml found from here).")
def command(run_ids: tuple[str, ...], out: str | None, store_path: str, claims_path: str | None) -> None:
    """Write the HTML report (and PNG/SVG charts) for stored runs; the first is the reference."""
    from peacesim.experiment.compare import compare
    from peacesim.experiment.outputs import check_out_dir
    from peacesim.report import write_report

    from .run import open_store

    if len(set(run_ids)) != len(run_ids):
        raise UsageError(f"run ids repeat: {' '.join(run_ids)}")
    if not Path(store_path).is_file():
        raise UsageError(f"no results store at {store_path}; run a scenario first (peacesim run FILE) or pass --store PATH")
    with open_store(store_path, readonly=True) as store:
        results = [store.load_run(r) for r in run_ids]
    claims = None
    if claims_path is not None:
        from peacesim.scenario.claims import load_claims

        claims = load_claims(Path(claims_path))
    comparison = compare(results[0], results[1:], results[0].confidence) if len(results) > 1 else None
    folder = check_out_dir(Path(out), explicit=True) if out else check_out_dir(default_out(results[0].run_id or run_ids[0]), explicit=False)
    cmd = "peacesim report " + " ".join(shlex.quote(r) for r in run_ids)
    cmd += f" --store {shlex.quote(store_path)}" if store_path != DEFAULT_STORE else ""
    cmd += f" --out {shlex.quote(out)}" if out else ""
    path = write_report(results, folder, comparison=comparison, command=cmd, claims=claims)
    click.echo(str(path))
