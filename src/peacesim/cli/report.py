"""``peacesim report``: charts and a self-contained HTML report for runs already in the store.

The first run is the reference; with several runs the report also holds their paired
comparison. The report package (matplotlib) is imported only when the command runs.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

from peacesim.errors import UsageError

from .db import DB_HELP, complete_db, db_default

if TYPE_CHECKING:
    from peacesim.experiment.sizing import SizingResult

DEFAULT_STORE = "reports/peacesim.db"


def default_out(*ids: str) -> Path:
    """``reports/report-<id>-<id>.../``: one folder per set of reported ids (a report of A and B and one
    of A and C never share a folder), each id reduced to a safe path component; a long list is the
    first id and a hash of all."""
    import hashlib

    from peacesim.experiment.outputs import REPORTS, safe_component

    name = "-".join(safe_component(i) for i in ids)
    if len(name) > 120:
        name = f"{safe_component(ids[0])}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"
    return REPORTS / f"report-{name}"


#: Id prefixes of the studies a report can include (runs have none).
STUDY_PREFIXES = {"sw": "sweep", "ex": "exploration", "sz": "sizing"}


def kind_of(ident: str) -> str:
    """``sweep``, ``exploration``, ``sizing`` or ``run``, from the id's prefix (``sw…``, ``ex…``, ``sz…``;
    a run id starts with a digit)."""
    return next((kind for prefix, kind in STUDY_PREFIXES.items() if ident.startswith(prefix)), "run")


@click.command("report")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option("--out", metavar="DIR", help="Folder for report.html and the charts (default reports/report-<ids>/).")
@click.option("--db", "--store", "store_path", callback=db_default, metavar="PATH", help=DB_HELP, shell_complete=complete_db)
@click.option("--claims", "claims_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="Claims register (default: seeds/claims.yaml found from here).")
def command(ids: tuple[str, ...], out: str | None, store_path: str, claims_path: str | None) -> None:
    """Write the HTML report (and PNG/SVG charts) for stored runs, sweeps (sw…), sizings (sz…) and explorations (ex…).

    The first run is the reference; each sweep, sizing and exploration adds its section. Given only
    sweeps, the first sweep's base point is the reference run.
    """
    from peacesim.experiment import explore, sweep
    from peacesim.experiment.compare import compare
    from peacesim.experiment.explore_analysis import Answers
    from peacesim.experiment.outputs import check_out_dir
    from peacesim.report import write_report
    from peacesim.report.studies import reference_of

    from .run import open_store

    if len(set(ids)) != len(ids):
        raise UsageError(f"run ids repeat: {' '.join(ids)}")
    if not Path(store_path).is_file():
        raise UsageError(f"no results store at {store_path}; run a scenario first (peacesim run FILE) or pass --db PATH")
    with open_store(store_path, readonly=True) as store:
        results = [store.load_run(r) for r in ids if kind_of(r) == "run"]
        sweeps = []
        for sid in (i for i in ids if kind_of(i) == "sweep"):
            sw = sweep.load(store, sid)
            missing = [pt.index for pt in sw.points if pt.index not in sw.run_ids]
            if missing:
                raise UsageError(f"sweep {sw.sweep_id} is not finished ({len(missing)} of {len(sw.points)} points missing); "
                                 f"finish it with: peacesim sweep --resume {sw.sweep_id}")
            sweeps.append(sweep.SweepResult(sw, [store.load_run(sw.run_ids[pt.index]) for pt in sw.points]))
        explorations = []
        for eid in (i for i in ids if kind_of(i) == "exploration"):
            ex = explore.load(store, eid)
            if len(ex.done) < ex.points:
                raise UsageError(f"exploration {ex.explore_id} is not finished ({ex.points - len(ex.done)} of {ex.points} "
                                 f"points missing); finish it with: peacesim explore --resume {ex.explore_id}")
            explorations.append(Answers(ex, explore.stored_replications(store, ex.explore_id)))
    sizings = [_sizing(store_path, i) for i in ids if kind_of(i) == "sizing"]
    if not results:
        base = reference_of(sweeps)
        if base is None:
            raise UsageError("a report needs a run or a sweep to stand on; give a run id too "
                             "(e.g. a run of the scenario explored: peacesim run FILE)")
        results = [base]
    claims = None
    if claims_path is not None:
        from peacesim.scenario.claims import load_claims

        claims = load_claims(Path(claims_path))
    comparison = compare(results[0], results[1:], results[0].confidence) if len(results) > 1 else None
    run_ids = iter([r.run_id or "" for r in results])  # the full ids of the runs named by a prefix
    named = [next(run_ids) if kind_of(i) == "run" else i for i in ids]
    folder = check_out_dir(Path(out), explicit=True) if out else check_out_dir(default_out(*named), explicit=False)
    cmd = "peacesim report " + " ".join(shlex.quote(r) for r in ids)
    cmd += f" --db {shlex.quote(store_path)}" if store_path != DEFAULT_STORE else ""
    cmd += f" --out {shlex.quote(out)}" if out else ""
    path = write_report(results, folder, comparison=comparison, command=cmd, claims=claims,
                        sweeps=sweeps, explorations=explorations, sizings=sizings)
    click.echo(str(path))


def _sizing(store_path: str, sizing_id: str) -> SizingResult:
    """A finished sizing's answers, replayed from its stored probes (nothing is simulated again)."""
    from peacesim.experiment import sizing as sz
    from peacesim.experiment.sizing_ledger import SizingLedger
    from peacesim.experiment.store import Store

    ledger = SizingLedger(store_path)
    try:
        status = ledger.get(sizing_id)["status"]
    finally:
        ledger.close()
    if status != "complete":
        raise UsageError(f"sizing {sizing_id} is {status}; finish it with: peacesim size --resume {sizing_id}")
    with Store(store_path) as store:
        return sz.run(sz.load(store, sizing_id), store, executor="serial")
