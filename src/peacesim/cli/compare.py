"""``peacesim compare``: paired differences between stored runs, or between a file's variants."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from peacesim.errors import UsageError

from . import complete
from .db import DB_HELP, complete_db, db_default
from .jobs import executor_options
from .jsonout import json_output
from .run import (
    check_work,
    command_line,
    open_store,
    print_comparison,
    print_summary,
    progress_bar,
)
from .tables import select_metrics, variant_line

if TYPE_CHECKING:
    from peacesim.experiment.results import Comparison, RunResult
    from peacesim.experiment.store import Store


@click.command("compare")
@click.argument("targets", nargs=-1, required=True, metavar="RUN_ID RUN_ID... | FILE", shell_complete=complete.scenario_or_run)
@click.option("--variant", "variants", multiple=True, metavar="NAME", help="With FILE: variants to run and compare.", shell_complete=complete.variants)
@click.option("--all-variants", is_flag=True, help="With FILE: every variant.")
@click.option("--set", "sets", multiple=True, metavar="KEY.PATH=VALUE", help="With FILE: override a value in every run (repeatable).")
@click.option("--scale", "scales", multiple=True, metavar="PATH_GLOB=FACTOR", help="With FILE: multiply matched values (repeatable).")
@click.option("--reference", metavar="LABEL", help="Reference run: a label (scenario:variant) or run id (default: the first).")
@click.option("--metric", "metrics", multiple=True, metavar="M", shell_complete=complete.metrics,
              help="Print this metric (repeatable; patterns like 'leakers.*'). Default: the headline metrics.")
@click.option("--all-metrics", is_flag=True, help="Print every metric (compare.csv always has every metric).")
@click.option("--out", metavar="DIR", help="Folder for compare.csv (default reports/<scenario>/compare-<run ids>/).")
@click.option("--replications", "-n", type=click.IntRange(min=1), help="With FILE: replications per run.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="With FILE: root seed shared by all runs.")
@executor_options
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True)
@click.option("--db", callback=db_default, metavar="PATH", help=DB_HELP, shell_complete=complete_db)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--allow-large", is_flag=True, help="With FILE: run even above the work estimate's ceiling.")
@json_output("compare")
def command(targets: tuple[str, ...], variants: tuple[str, ...], all_variants: bool, sets: tuple[str, ...],
            scales: tuple[str, ...], reference: str | None,
            metrics: tuple[str, ...], all_metrics: bool, out: str | None, replications: int | None, seed: int | None, executor: str,
            workers: int | None, scheduler: str | None, confidence: float, db: str, quiet: bool,
            allow_large: bool, as_json: bool = False) -> dict[str, Any]:
    """Compare stored runs (RUN_ID ...) or run FILE's base and variants, and show paired differences."""
    from peacesim.experiment import outputs
    from peacesim.experiment.compare import common_random_numbers, compare

    is_file = len(targets) == 1 and Path(targets[0]).is_file()
    if is_file:
        from .tables import check_patterns

        check_patterns(metrics)
    with open_store(db, readonly=not is_file) as store:
        if is_file:
            results = _run_file(store, targets[0], variants, all_variants, replications, seed, executor, workers,
                                scheduler, confidence, quiet, metrics, all_metrics, allow_large, sets, scales)
        else:
            if variants or all_variants or sets or scales:
                raise UsageError("--variant/--all-variants/--set/--scale go with a scenario FILE, not with run ids")
            if len(targets) < 2:
                raise UsageError(f"give two or more run ids, or one scenario FILE (no file {targets[0]!r})")
            results = [store.load_run(t) for t in targets]
    if len(results) < 2:
        raise UsageError("nothing to compare: give --variant NAME or --all-variants")
    ref = _pick_reference(results, reference)
    others = [r for r in results if r is not ref]
    comparison = compare(ref, others, confidence)
    if not common_random_numbers(ref, others):
        click.echo("note: the runs do not share a seed, so pairs are independent (wider intervals)", err=True)
    select_metrics({m for r in results for m in r.summary}, metrics, all_metrics)  # a bad --metric fails first
    if not is_file:
        for r in results:
            click.echo(("reference: " if r is ref else "") + variant_line(r))
    print_comparison(comparison, metrics, all_metrics)
    if out is not None:
        folder = outputs.check_out_dir(Path(out), explicit=True)
    else:
        reports = outputs.project_reports(db, targets[0]) if is_file else outputs.Reports()
        folder = outputs.check_out_dir(outputs.comparison_folder(comparison, reports.folder), explicit=False,
                                       cwd=reports.root)
    click.echo(f"\ncomparison: {outputs.write_comparison(comparison, folder)}")
    _charts(comparison, folder)
    from peacesim.experiment.documents import comparison_doc, run_doc

    return {"folder": str(folder), "runs": [run_doc(r) for r in results], "comparison": comparison_doc(comparison)}


def _run_file(store: Store, file: str, variants: tuple[str, ...], all_variants: bool, replications: int | None,
              seed: int | None, executor: str, workers: int | None, scheduler: str | None, confidence: float,
              quiet: bool, metrics: tuple[str, ...], all_metrics: bool,
              allow_large: bool = False, sets: tuple[str, ...] = (), scales: tuple[str, ...] = ()) -> list[RunResult]:
    """Run the file's base and variants with one seed; summarise the base, one line per variant."""
    from peacesim.experiment import runner, scenarios
    from peacesim.experiment.variants import load_variants, run_variants

    if variants and all_variants:
        raise UsageError("use either --variant or --all-variants, not both")
    names = scenarios.list_variants(file) if all_variants else list(variants)
    if not names:
        # checked before any replication runs: one run alone has nothing to be compared with
        raise UsageError(f"nothing to compare: {file} has no variants; add one under variants: or compare run ids"
                         if all_variants else "nothing to compare: give --variant NAME or --all-variants")
    loaded = load_variants(file, names, sets, scales)
    check_work(loaded, replications, allow_large)

    def show(i: int, result: RunResult) -> None:
        if i == 0:
            print_summary(result, metrics, all_metrics)
        else:
            click.echo(variant_line(result))

    typed = [f"--scale {t}" for t in scales] + [f"--set {t}" for t in sets]
    try:
        return run_variants(loaded, replications=replications, seed=seed, executor=executor, workers=workers,
                            scheduler=scheduler, confidence=confidence, store=store, command=command_line(),
                            overrides=typed, progress=lambda label: progress_bar(label, quiet), each=show)
    except runner.RunInterrupted as e:
        raise UsageError(f"interrupted after {e.done} of {e.target} replications"
                         + (f"; resume with: peacesim run --resume {e.run_id}" if e.run_id else "")) from None


def _pick_reference(results: list[RunResult], reference: str | None) -> RunResult:
    if reference is None:
        return results[0]
    hits = [r for r in results if reference in (r.label, r.run_id, r.variant) or (r.run_id or "").startswith(reference)]
    if len(hits) != 1:
        labels = ", ".join(f"{r.label} ({r.run_id})" for r in results)
        raise UsageError(f"--reference {reference!r} matches {len(hits)} runs; choose one of: {labels}")
    return hits[0]


def _charts(comparison: Comparison, folder: Path) -> None:
    """Comparison chart from the report package, when it offers one."""
    try:
        from peacesim.report import charts_compare
    except ImportError:
        return
    plot = getattr(charts_compare, "plot_difference_forest", None)
    if plot is None:
        return
    from peacesim.errors import ReportError

    try:
        fig = plot(comparison)
    except ReportError as e:
        click.echo(f"chart skipped: {e}", err=True)
        return
    for ext in ("png", "svg"):
        fig.savefig(folder / f"compare.{ext}")
    click.echo(f"chart: {folder / 'compare.png'}")
