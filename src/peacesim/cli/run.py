"""``peacesim run``: replications of a scenario (and its variants), stored, summarised, written.

Heavy imports (the model, SciPy, Dask, the report) happen inside the command, only when needed.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from peacesim.errors import UsageError

from . import complete
from .db import DB_HELP, DEFAULT_DB, complete_db, db_default
from .jobs import executor_options
from .jsonout import json_output

if TYPE_CHECKING:
    from peacesim.experiment.outputs import Reports
    from peacesim.experiment.results import Comparison, RunResult
    from peacesim.experiment.store import Store
    from peacesim.scenario.schema import Scenario

@contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar with ETA on stderr, erased when done; nothing at all when quiet or stderr is not a terminal."""
    stream = sys.stderr
    if quiet or not stream.isatty():
        yield lambda done, total: None
        return
    from tqdm import tqdm

    bar = tqdm(desc=label, total=None, unit="rep", file=stream, dynamic_ncols=True, leave=False)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()  # leave=False: the line is cleared, so tables print on a clean line
        stream.flush()


def echo_lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


def print_summary(result: RunResult, patterns: tuple[str, ...] = (), all_metrics: bool = False) -> None:
    """The run's table: headline metrics (or the selected ones) with unit, mean, interval and n."""
    from . import tables

    names = tables.select_metrics(result.summary, patterns, all_metrics, strict=False,
                                  context=result.context_elements)
    echo_lines(tables.summary_lines(result, names))


def print_comparison(comparison: Comparison, patterns: tuple[str, ...] = (), all_metrics: bool = False) -> None:
    """One table of paired differences against the reference, with unchanged rows folded."""
    import shutil

    from peacesim.experiment.compare import unpaired

    from . import tables

    runs = [comparison.reference, *comparison.others]
    names = tables.select_metrics({m for r in runs for m in r.summary}, patterns, all_metrics,
                                  context=comparison.reference.context_elements)
    if not patterns and not all_metrics:
        names = sorted([*names, *tables.windowed_changes(comparison)], key=tables.sort_key)
    columns = shutil.get_terminal_size().columns
    echo_lines(tables.comparison_lines(comparison, names, columns, unpaired(comparison)))


def out_path(out: str | None, result: RunResult, group: Path | None = None, reports: Reports | None = None) -> Path:
    """Where a run's files go: in its group's folder for a variant; else ``--out`` or its own folder.

    Without ``--out`` that is ``reports/<scenario>/<run-id>/`` (in ``reports``, default the working
    folder's), so no run overwrites another's files.
    """
    from peacesim.experiment import outputs

    if group is not None:
        return group / outputs.safe_component(result.variant or "base")
    if out is not None:
        if not out.strip():
            raise UsageError("--out is empty; give a folder name, e.g. --out results")
        return Path(out)
    return outputs.run_folder(result.scenario_name, result.run_id or "memory", (reports or outputs.Reports()).folder)


def check_outputs(out: str | None, scenarios: list[str], reports: Reports | None = None) -> None:
    """Check where the runs' files will go before the first replication (a bad --out fails at once)."""
    from peacesim.experiment import outputs

    if out is not None:
        if not out.strip():
            raise UsageError("--out is empty; give a folder name, e.g. --out results")
        outputs.check_out_dir(Path(out), explicit=True, replaces=True)
        return
    where = reports or outputs.Reports()
    for scenario in scenarios:  # the run's own folder does not exist yet: check its parent takes it
        outputs.check_out_dir(where.folder / outputs.safe_component(scenario) / "new-run", explicit=False,
                              cwd=where.root, replaces=True)


def write_outputs(result: RunResult, out: str | None, group: Path | None = None, reports: Reports | None = None) -> Path:
    """Write the run's files (see :func:`out_path`); a run of its own also becomes the scenario's ``latest``."""
    from peacesim.experiment import outputs

    path = out_path(out, result, group, reports)
    root = None if out is not None else (reports or outputs.Reports()).root  # --out is the user's, from here
    path = outputs.check_out_dir(path, explicit=out is not None, cwd=root, replaces=True)
    outputs.write_run(result, path)
    if out is None and group is None:
        outputs.write_latest(path)
    return path


def open_store(db: str, readonly: bool = False) -> Store:
    """The results store; the default one must stay inside the working tree, like output files."""
    from peacesim.experiment.store import Store

    if db == DEFAULT_DB:
        here = Path.cwd().resolve()
        where = (here / db).resolve()
        if not where.is_relative_to(here):
            raise UsageError(f"the results store {db} resolves to {where}, outside the working tree "
                             "(is reports/ a link?); pass --db to use it there")
    return Store(db, readonly=readonly)


def maybe_report(results: list[RunResult], out_dir: Path, comparison: Comparison | None, command: str) -> Path | None:
    """Call the report writer if the report package provides it; otherwise say it was skipped."""
    try:
        from peacesim.report import write_report
    except ImportError:
        click.echo("report skipped: peacesim.report.write_report is not available in this build", err=True)
        return None
    path = write_report(results, out_dir, comparison=comparison, command=command)
    click.echo(f"report: {path}")
    return Path(path)


def window_override(scenario: Scenario, windows: Sequence[str]) -> str:
    """``--set`` text that adds the ``--window START:END`` values to the scenario's own windows."""
    days = [[w.start_day, w.end_day] for w in scenario.metrics.windows]
    for text in windows:
        start, colon, end = text.partition(":")
        try:
            pair = [int(start), int(end)]
        except ValueError:
            raise UsageError(f"--window expects START:END in whole days, such as 180:730 (got {text!r})") from None
        if not colon or pair in days:
            continue
        days.append(pair)
    items = ", ".join(f"{{start_day: {a}, end_day: {b}}}" for a, b in days)
    return f"metrics.windows=[{items}]"


def command_line() -> str:
    """The command as typed (the arguments given to ``peacesim.cli.main``), for the run's record."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root().obj if ctx is not None else None
    argv = root.get("argv") if isinstance(root, dict) else None
    return "peacesim " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))


@click.command("run")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--variant", "variants", multiple=True, metavar="NAME", help="Run this variant too (repeatable); the base always runs.", shell_complete=complete.variants)
@click.option("--all-variants", is_flag=True, help="Run the base and every variant, with common random numbers.")
@click.option("--replications", "-n", type=click.IntRange(min=1), help="Replications (default: the scenario's).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Root seed (default: the scenario's).")
@executor_options
@click.option("--set", "sets", multiple=True, metavar="KEY.PATH=VALUE", help="Override a scenario value (repeatable).")
@click.option("--window", "windows", multiple=True, metavar="START:END",
              help="Also report every windowed metric over days START to END, as name[START,END] (repeatable).")
@click.option("--scale", "scales", multiple=True, metavar="PATH_GLOB=FACTOR",
              help="Multiply every value the (glob) key path matches by FACTOR (repeatable; before --set).")
@click.option("--out", metavar="DIR", help="Output folder (default reports/<scenario>/<run-id>/, variants inside).")
@click.option("--resume", metavar="RUN_ID", shell_complete=complete.run_ids, help="Finish an interrupted run: only its missing replications.")
@click.option("--precision", metavar="METRIC=REL", help="Add replications until METRIC's CI half-width <= REL*|mean|.")
@click.option("--max-replications", type=click.IntRange(min=1), help="Cap for --precision (default 1000).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True)
@click.option("--db", callback=db_default, metavar="PATH", help=DB_HELP, shell_complete=complete_db)
@click.option("--metric", "metrics", multiple=True, metavar="M", shell_complete=complete.metrics,
              help="Print this metric (repeatable; patterns like 'leakers.*'). Default: the headline metrics.")
@click.option("--all-metrics", is_flag=True, help="Print every metric (the files always have every metric).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--report", is_flag=True, help="Also write the HTML report and charts.")
@click.option("--trace", "trace_index", type=click.IntRange(min=0), metavar="I",
              help="Also write the event trace of replication I as trace-I.csv (run_id, label, variant, replication, "
                   "day, actor, event, detail).")
@click.option("--allow-large", is_flag=True,
              help="Run even when the work estimate is above the ceiling (10 million events per replication or 2 GB).")
@json_output("run")
def command(file: str | None, variants: tuple[str, ...], all_variants: bool,
            replications: int | None, seed: int | None, workers: int | None, executor: str, scheduler: str | None,
            sets: tuple[str, ...], windows: tuple[str, ...], scales: tuple[str, ...], out: str | None, resume: str | None,
            precision: str | None,
            max_replications: int | None, confidence: float, db: str, metrics: tuple[str, ...], all_metrics: bool,
            quiet: bool, report: bool, trace_index: int | None, allow_large: bool,
            as_json: bool = False) -> dict[str, Any]:
    """Run replications of FILE (and its variants); store, summarise and write the results."""
    from peacesim.experiment import runner, scenarios
    from peacesim.experiment.variants import load_variants, run_variants

    if resume and (file or variants or all_variants or sets or scales or replications or seed is not None or precision):
        raise UsageError("--resume RUN_ID takes the run's own scenario and settings; drop FILE and scenario options")
    if not resume and not file:
        raise UsageError("give a scenario FILE (or --resume RUN_ID)")
    if variants and all_variants:
        raise UsageError("use either --variant or --all-variants, not both")
    from .tables import check_patterns

    check_patterns(metrics)
    show = Show(metrics, all_metrics)
    rule = runner.Precision.parse(precision) if precision else None
    cmd = command_line()
    store = open_store(db)
    results: list[RunResult] = []
    try:
        from peacesim.experiment.executors import make_executor
        from peacesim.experiment.outputs import project_reports

        if resume:
            rec = store.get_run(resume)
            reports = project_reports(db, None)  # beside the store, as the interrupted run's folders were
            check_outputs(out, [rec.scenario], reports)
            ex = make_executor(executor, workers, scheduler)
            try:
                with progress_bar(rec.label, quiet) as bar:
                    results.append(runner.resume(store, rec.run_id, executor=ex, progress=bar))
                _after_run(results[-1], out, None, show, reports=reports)
            finally:
                ex.close()
        else:
            assert file is not None
            overrides = list(sets)
            if windows:
                overrides.append(window_override(scenarios.load(file, None, overrides, scales), windows))
            names = scenarios.list_variants(file) if all_variants else list(variants)
            loaded = load_variants(file, names, overrides, scales)  # validate all before running any
            if rule is not None:
                rule.check_windows(loaded)
            check_claims(file, [None, *names], overrides)
            check_work(loaded, replications, allow_large)
            reports = project_reports(db, file)  # beside the project's store, not the working folder's
            check_outputs(out, [loaded[0].metadata.name], reports)
            typed = [f"--scale {t}" for t in scales] + [f"--set {t}" for t in sets]
            folder: list[Path] = []

            def after(i: int, result: RunResult) -> None:
                results.append(result)
                path = _after_run(result, out, folder[0] if folder else None, show, brief=i > 0, reports=reports)
                folder.append(path)

            run_variants(loaded, replications=replications, seed=seed, executor=executor, workers=workers,
                         scheduler=scheduler, progress=lambda label: progress_bar(label, quiet),
                         confidence=confidence, store=store, precision=rule,
                         max_replications=max_replications, command=cmd, overrides=typed, each=after)
    except runner.RunInterrupted as e:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # on the way out: more Ctrl-C must not hide the hint
        click.echo(f"\ninterrupted after {e.done} of {e.target} replications; kept in {db}", err=True)
        if e.run_id:
            click.echo(f"resume with: peacesim run --resume {e.run_id}" + (f" --db {db}" if db != DEFAULT_DB else ""), err=True)
        raise SystemExit(130) from None  # like Ctrl-C anywhere else; exit status 130
    finally:
        store.close()
    comparison = None
    base_dir = Path(str(results[0].extra["out_dir"]))
    if len(results) > 1:
        from peacesim.experiment import outputs
        from peacesim.experiment.compare import compare

        comparison = compare(results[0], results[1:], confidence)
        print_comparison(comparison, metrics, all_metrics)
        click.echo(f"\ncomparison: {outputs.write_comparison(comparison, base_dir)}")
    traces: list[str] = []
    if trace_index is not None:
        from peacesim.experiment.trace import write_trace

        for r in results:
            sc = r.scenario
            assert sc is not None  # runs made here keep their scenario
            traces.append(str(write_trace(sc, r.seed, trace_index, Path(str(r.extra['out_dir'])))))
            click.echo(f"trace: {traces[-1]}")
    written = maybe_report(results, base_dir, comparison, cmd) if report else None
    from peacesim.experiment.documents import comparison_doc, run_doc

    return {"folder": str(base_dir), "runs": [run_doc(r, str(r.extra["out_dir"])) for r in results],
            "comparison": comparison_doc(comparison) if comparison is not None else None,
            "report": None if written is None else str(written), "traces": traces}


def check_claims(file: str, variants: list[str | None], overrides: list[str]) -> None:
    """The claim ids the runs cite must be in the claims register, as ``validate`` requires."""
    from peacesim.errors import ScenarioError
    from peacesim.scenario.claims import find_claims_file, load_claims, unknown_claims
    from peacesim.scenario.loader import load_tree, resolve_tree

    register = find_claims_file(Path(file))
    if register is None:
        return
    known = load_claims(register).ids
    base = load_tree(file)
    problems = [p for v in variants for p in unknown_claims(resolve_tree(base, v, overrides), known)]
    if problems:
        raise ScenarioError(list({p.render(): p for p in problems}.values()))


def check_work(loaded: list[Scenario], replications: int | None, allow_large: bool) -> None:
    """Refuse (or warn about) scenarios whose runs would exhaust the machine, before running any."""
    from peacesim.experiment.budget import check

    for sc in loaded:
        warning = check(sc, replications, allow_large)
        if warning:
            click.echo(warning, err=True)


@dataclass(frozen=True)
class Show:
    """What the tables print: ``--metric`` patterns, or every metric."""

    patterns: tuple[str, ...] = ()
    all_metrics: bool = False


def _after_run(result: RunResult, out: str | None, group: Path | None, show: Show, brief: bool = False,
               reports: Reports | None = None) -> Path:
    """Write the run's files (a variant's into its ``group`` folder) and summarise it: a table, or one line."""
    path = write_outputs(result, out, group, reports)
    result.extra["out_dir"] = str(path)
    if brief:
        from .tables import variant_line

        click.echo(variant_line(result, path))
    else:
        print_summary(result, show.patterns, show.all_metrics)
    stopped = result.extra.get("stopped")
    if stopped in ("precision", "cap"):
        rule = result.extra.get("precision")
        if not isinstance(rule, dict):
            rule = {}
        why = "precision reached" if stopped == "precision" else "the replication cap was reached first"
        click.echo(f"  sequential stopping on {rule.get('metric')} (REL {rule.get('relative')}): {why} "
                   f"after {result.replications} replications")
    if not brief:
        click.echo(f"  written to {path}")
    return path
