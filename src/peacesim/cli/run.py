"""``peacesim run``: replications of a scenario (and its variants), stored, summarised, written.

Heavy imports (the model, SciPy, Dask, the report) happen inside the command, only when needed.
"""

from __future__ import annotations

import secrets
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from peacesim.errors import UsageError

if TYPE_CHECKING:
    from peacesim.experiment.results import Comparison, RunResult

DEFAULT_DB = "reports/peacesim.db"


@contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar with ETA on stderr; silent when quiet or stderr is not a terminal."""
    from tqdm import tqdm

    bar = tqdm(desc=label, total=0, unit="rep", file=sys.stderr, disable=quiet or not sys.stderr.isatty(),
               dynamic_ncols=True, leave=False)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


def fmt(x: float) -> str:
    """A number in 4 significant figures; NaN as '-'."""
    return "-" if x != x else f"{x:.4g}"


def print_summary(result: RunResult) -> None:
    """The metric table: mean and confidence interval, n where defined."""
    pct = round(result.confidence * 100)
    click.echo(f"\n{result.label}  (run {result.run_id or '-'}, seed {result.seed}, {result.replications} replications)")
    width = max([len("metric"), *(len(m) for m in result.summary)])
    click.echo(f"  {'metric':<{width}}  {'mean':>10}  {f'{pct}% CI':>23}  {'n':>6}")
    for name, s in result.summary.items():
        ci = f"[{fmt(s.ci_low)}, {fmt(s.ci_high)}]" if s.n > 1 else "-"
        click.echo(f"  {name:<{width}}  {fmt(s.mean):>10}  {ci:>23}  {s.n:>6}")


def print_comparison(comparison: Comparison) -> None:
    """Paired differences against the reference; '*' marks intervals that exclude zero."""
    pct = round(comparison.confidence * 100)
    for label, diffs in comparison.differences.items():
        click.echo(f"\n{label} vs {comparison.reference.label}  (paired differences, {pct}% CI; * excludes 0)")
        width = max([len("metric"), *(len(d.metric) for d in diffs)])
        click.echo(f"  {'metric':<{width}}  {'reference':>10}  {'other':>10}  {'difference':>10}  {'CI':>23}")
        for d in diffs:
            ci = f"[{fmt(d.ci_low)}, {fmt(d.ci_high)}]" if d.n > 1 else "-"
            mark = " *" if d.distinguishable else ""
            click.echo(f"  {d.metric:<{width}}  {fmt(d.reference_mean):>10}  {fmt(d.other_mean):>10}  "
                       f"{fmt(d.mean):>10}  {ci:>23}{mark}")


def write_outputs(result: RunResult, out: str | None, variant_subdir: bool) -> Path:
    """Write the run's files to ``--out`` (variants in sub-folders) or ``reports/<scenario>/...``."""
    from peacesim.experiment import outputs

    if out is not None:
        path = Path(out)
        if variant_subdir and result.variant:
            path = path / outputs.safe_component(result.variant)
        path = outputs.check_out_dir(path, explicit=True)
    else:
        path = outputs.check_out_dir(outputs.default_out_dir(result), explicit=False)
    outputs.write_run(result, path)
    return path


def maybe_report(results: list[RunResult], out_dir: Path, comparison: Comparison | None, command: str) -> None:
    """Call the report writer if the report package provides it; otherwise say it was skipped."""
    try:
        from peacesim.report import write_report
    except ImportError:
        click.echo("report skipped: peacesim.report.write_report is not available in this build", err=True)
        return
    path = write_report(results, out_dir, comparison=comparison, command=command)
    click.echo(f"report: {path}")


def command_line() -> str:
    return "peacesim " + " ".join(shlex.quote(a) for a in sys.argv[1:])


@click.command("run")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--variant", "variants", multiple=True, metavar="NAME", help="Run this variant too (repeatable); the base always runs.")
@click.option("--all-variants", is_flag=True, help="Run the base and every variant, with common random numbers.")
@click.option("--replications", "-n", type=click.IntRange(min=1), help="Replications (default: the scenario's).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Root seed (default: the scenario's).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--executor", type=click.Choice(["serial", "local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler to join (with --executor dask).")
@click.option("--set", "sets", multiple=True, metavar="KEY.PATH=VALUE", help="Override a scenario value (repeatable).")
@click.option("--out", metavar="DIR", help="Output folder (default reports/<scenario>/).")
@click.option("--resume", metavar="RUN_ID", help="Finish an interrupted run: only its missing replications.")
@click.option("--precision", metavar="METRIC=REL", help="Add replications until METRIC's CI half-width <= REL*|mean|.")
@click.option("--max-replications", type=click.IntRange(min=1), help="Cap for --precision (default 1000).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, metavar="PATH", help="Results store.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--report", is_flag=True, help="Also write the HTML report and charts.")
@click.option("--model", hidden=True, metavar="MODULE:FUNCTION", help="Model function (testing).")
def command(file: str | None, variants: tuple[str, ...], all_variants: bool,
            replications: int | None, seed: int | None, workers: int | None, executor: str, scheduler: str | None,
            sets: tuple[str, ...], out: str | None, resume: str | None, precision: str | None,
            max_replications: int | None, confidence: float, db: str, quiet: bool, report: bool,
            model: str | None) -> None:
    """Run replications of FILE (and its variants); store, summarise and write the results."""
    from peacesim.experiment import runner, scenarios
    from peacesim.experiment.store import Store

    if resume and (file or variants or all_variants or sets or replications or seed is not None or precision):
        raise UsageError("--resume RUN_ID takes the run's own scenario and settings; drop FILE and scenario options")
    if not resume and not file:
        raise UsageError("give a scenario FILE (or --resume RUN_ID)")
    if variants and all_variants:
        raise UsageError("use either --variant or --all-variants, not both")
    rule = runner.Precision.parse(precision) if precision else None
    simulate = runner.resolve_model(model)
    cmd = command_line()
    store = Store(db)
    results: list[RunResult] = []
    try:
        from peacesim.experiment.executors import make_executor

        if resume:
            rec = store.get_run(resume)
            ex = make_executor(executor, workers, scheduler)
            try:
                with progress_bar(rec.label, quiet) as bar:
                    results.append(runner.resume(store, rec.run_id, executor=ex, progress=bar))
            finally:
                ex.close()
        else:
            assert file is not None
            overrides = list(sets)
            names = scenarios.list_variants(file) if all_variants else list(variants)
            loaded = [scenarios.load(file, None, overrides)]
            loaded += [scenarios.load(file, v, overrides) for v in names]  # validate all before running any
            root = seed if seed is not None else loaded[0].metadata.seed
            group = secrets.token_hex(4) if len(loaded) > 1 else None
            ex = make_executor(executor, workers, scheduler)
            try:
                for sc in loaded:
                    label = sc.metadata.name + (f":{sc.metadata.variant}" if sc.metadata.variant else "")
                    with progress_bar(label, quiet) as bar:
                        results.append(runner.replicate(
                            sc, replications=replications, seed=root, executor=ex, progress=bar,
                            confidence=confidence, simulate=simulate, store=store, precision=rule,
                            max_replications=max_replications, command=cmd, group_id=group))
                    _after_run(results[-1], out, len(loaded) > 1)
            finally:
                ex.close()
        if resume:
            _after_run(results[-1], out, False)
    except runner.RunInterrupted as e:
        click.echo(f"\ninterrupted after {e.done} of {e.target} replications; kept in {db}", err=True)
        if e.run_id:
            click.echo(f"resume with: peacesim run --resume {e.run_id}" + (f" --db {db}" if db != DEFAULT_DB else ""), err=True)
        raise SystemExit(130) from None  # like Ctrl-C anywhere else; exit status 130
    finally:
        store.close()
    comparison = None
    base_dir = Path(results[0].extra["out_dir"])  # type: ignore[arg-type]
    if len(results) > 1:
        from peacesim.experiment import outputs
        from peacesim.experiment.compare import compare

        comparison = compare(results[0], results[1:], confidence)
        print_comparison(comparison)
        click.echo(f"\ncomparison: {outputs.write_comparison(comparison, base_dir)}")
    if report:
        maybe_report(results, base_dir, comparison, cmd)


def _after_run(result: RunResult, out: str | None, several: bool) -> None:
    print_summary(result)
    stopped = result.extra.get("stopped")
    if stopped in ("precision", "cap"):
        rule = result.extra.get("precision", {})
        why = "precision reached" if stopped == "precision" else "the replication cap was reached first"
        click.echo(f"  sequential stopping on {rule.get('metric')} (REL {rule.get('relative')}): {why} "  # type: ignore[union-attr]
                   f"after {result.replications} replications")
    path = write_outputs(result, out, several)
    result.extra["out_dir"] = str(path)
    click.echo(f"  written to {path}")
