"""``peacesim sweep``: grid, Latin hypercube and one-at-a-time sweeps over scenario key paths.

Every point is a stored run with the same seed (common random numbers), so differences between
points come from the parameters, not from luck. Heavy imports happen inside the command.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from peacesim.errors import ReportError, UsageError
from peacesim.experiment.documents import plain

from . import complete
from .jobs import exit_interrupted, job_options
from .jsonout import json_output
from .run import command_line, open_store, progress_bar
from .tables import fmt

if TYPE_CHECKING:
    from peacesim.experiment.sweep import SweepResult

#: Metrics shown (table and charts) when --metric is not given, when the model reports them.
DEFAULT_METRICS = ("coverage_mean", "troops_in_theatre_min", "time_to_answer_capped_mean_hours", "missiles_leaked_defended")


@click.command("sweep")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--variant", metavar="NAME", help="Sweep around this variant instead of the base scenario.", shell_complete=complete.variants)
@click.option("--param", "params", multiple=True, metavar="KEY.PATH=SPEC",
              help="Swept parameter (repeatable): V1,V2,... or LOW:HIGH (LOW:HIGH:STEPS in a grid).")
@click.option("--set", "sets", multiple=True, metavar="KEY.PATH=VALUE", help="Override a base value (repeatable).")
@click.option("--lhs", type=click.IntRange(min=1), metavar="N", help="Latin hypercube of N points over the ranges.")
@click.option("--oat", is_flag=True, help="One-at-a-time: base, then each parameter at its low and high value.")
@click.option("--replications", "-n", type=click.IntRange(min=1), help="Replications per point (default: the scenario's).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Root seed shared by every point (default: the scenario's).")
@click.option("--metric", "metrics", multiple=True, metavar="NAME", shell_complete=complete.metrics, help="Metric to show and chart (repeatable).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True,
              help="Level of the confidence intervals of each point's metrics.")
@job_options("sweep", "sweeps", "sweep", "SWEEP_ID", "points")
@click.pass_context
@json_output("sweep")
def command(ctx: click.Context, file: str | None, variant: str | None, params: tuple[str, ...], sets: tuple[str, ...],
            lhs: int | None,
            oat: bool, replications: int | None, seed: int | None, executor: str, workers: int | None,
            scheduler: str | None, metrics: tuple[str, ...], confidence: float, out: str | None,
            resume: str | None, list_: bool, db: str, quiet: bool, as_json: bool = False) -> dict[str, Any] | None:
    """Sweep parameters of FILE: a grid (default), --lhs N or --oat; store every point as a run.

    \b
    Examples:
      peacesim sweep scenarios/baseline.yaml --param forces.uk.rotation_depth=2,3,4
      peacesim sweep scenarios/baseline.yaml --lhs 20 --param forces.uk.troops_per_unit=200:800 \\
          --param enablers.air_defence.us_patriot.stock=20:120
      peacesim sweep scenarios/baseline.yaml --oat --param forces.uk.rotation_depth=2:4 \\
          --param forces.france.tour_days=120:240 --metric coverage_mean
      peacesim sweep --resume sw20250819-101500-3fa2
    """
    from peacesim.experiment import sweep as sweeps

    if list_:
        with open_store(db) as store:
            items = sweeps.list_sweeps(store)
            _print_list(items)
        return {"sweeps": [{k: plain(v) for k, v in item.items()} for item in items]}
    if resume and (file or params or sets or lhs or oat or variant or replications or seed is not None):
        raise UsageError("--resume SWEEP_ID takes the sweep's own scenario and design; drop FILE, --param and design options")
    if not resume:
        if not file:
            raise UsageError("give a scenario FILE and at least one --param (or --resume SWEEP_ID)")
        if not params:
            raise UsageError("give at least one --param KEY.PATH=V1,V2,... or KEY.PATH=LOW:HIGH")
        if lhs and oat:
            raise UsageError("use either --lhs N or --oat, not both")
    cmd = command_line()
    if resume:
        store = open_store(db)
        sweep = sweeps.load(store, resume)
    else:
        assert file is not None
        sweeps.check_metrics(metrics)  # a typo costs no point and leaves no sweep behind
        mode = "lhs" if lhs else "oat" if oat else "grid"
        sweep = sweeps.plan(file, params, variant=variant, mode=mode, lhs_points=lhs, replications=replications,
                            seed=seed, confidence=confidence, sets=sets)
        store = open_store(db)  # only once every point is valid: bad input leaves no trace
        sweeps.start(store, sweep, cmd)
    label = sweep.scenario + (f":{sweep.variant}" if sweep.variant else "")
    click.echo(f"sweep {sweep.sweep_id}: {label}, {_mode_text(sweep.mode)}, {len(sweep.points)} points x "
               f"{sweep.replications} replications, seed {sweep.seed}")
    try:
        with progress_bar(f"sweep {sweep.sweep_id}", quiet) as bar:
            result = sweeps.run(sweep, store, executor=executor, workers=workers, scheduler=scheduler, progress=bar,
                                command=cmd, metrics=metrics)
    except sweeps.SweepInterrupted as e:
        exit_interrupted(ctx, "sweep", str(e), e.sweep_id, db, "points")
    finally:
        store.close()
    shown = list(metrics) or _default_metrics(result)
    _print_table(result, shown)
    out_dir = _out_dir(result, out)
    written = [sweeps.write_csv(result, out_dir / "sweep.csv")]
    written += _charts(result, shown, out_dir)
    click.echo(f"\nwritten to {out_dir}: " + ", ".join(p.name for p in written))
    from peacesim.experiment.documents import sweep_doc as to_doc

    return {**to_doc(result), "folder": str(out_dir), "written": [str(p) for p in written]}


def _mode_text(mode: str) -> str:
    return {"grid": "full grid", "lhs": "Latin hypercube", "oat": "one-at-a-time"}[mode]


def _default_metrics(result: SweepResult) -> list[str]:
    names = result.metrics()
    preferred = [m for m in DEFAULT_METRICS if m in names]
    return preferred or names[:3]


def _out_dir(result: SweepResult, out: str | None) -> Path:
    from peacesim.experiment import outputs

    if out is not None:
        return outputs.check_out_dir(Path(out), explicit=True)
    base = outputs.REPORTS / outputs.safe_component(result.sweep.scenario)
    if result.sweep.variant:
        base = base / outputs.safe_component(result.sweep.variant)
    return outputs.check_out_dir(base / f"sweep-{outputs.safe_component(result.sweep.sweep_id)}", explicit=False)


def _charts(result: SweepResult, metrics: list[str], out_dir: Path) -> list[Path]:
    """Tornado charts for --oat, the metric-against-parameter line for a one-parameter sweep."""
    from peacesim.experiment.design import show_value
    from peacesim.report.charts_compare import TornadoBar, plot_sweep, plot_tornado
    from peacesim.report.style import save_figure

    sw, paths = result.sweep, []
    for m in metrics:
        try:
            if sw.mode == "oat":
                effects = result.oat_summaries(m)
                if any(s is None or math.isnan(s.mean) for _, *sums in effects for s in sums):
                    raise ReportError("the metric is undefined (NaN) at some points")
                bars = [TornadoBar.from_summaries(f"{p.path} ({show_value(p.ends()[0])} to {show_value(p.ends()[1])})",
                                                  lo, hi, base)
                        for p, lo, hi, base in effects if lo is not None and hi is not None and base is not None]
                fig = plot_tornado(bars, m)
                paths += save_figure(fig, out_dir / f"tornado-{_file_part(m)}")
            line = result.line(m) if sw.mode != "oat" else None
            if line is not None:
                if all(math.isnan(s.mean) for s in line[1]):
                    raise ReportError("the metric is undefined (NaN) at every point")
                fig = plot_sweep(line[0], line[1], sw.params[0].path, m, confidence=sw.confidence)
                paths += save_figure(fig, out_dir / f"sweep-{_file_part(m)}")
        except ReportError as e:
            click.echo(f"chart for {m} skipped: {e}", err=True)
    return paths


def _file_part(metric: str) -> str:
    from peacesim.experiment.outputs import safe_component

    return safe_component(metric)


def _print_table(result: SweepResult, metrics: list[str]) -> None:
    """One row per point: parameter values, then each metric's mean and interval."""
    from peacesim.experiment.design import show_value

    sw = result.sweep
    pct = round(sw.confidence * 100)
    head = ["point"] + (["role"] if sw.mode == "oat" else []) + [p.path for p in sw.params]
    head += [f"{m} (mean [{pct}% CI])" for m in metrics]
    rows = []
    for pt, res in zip(sw.points, result.results):
        values = sw.values(pt)
        row = [str(pt.index)] + ([pt.role] if sw.mode == "oat" else []) + [show_value(values[p.path]) for p in sw.params]
        for m in metrics:
            s = res.summary.get(m)
            row.append("-" if s is None else fmt(s.mean) + (f" [{fmt(s.ci_low)}, {fmt(s.ci_high)}]" if s.n > 1 else ""))
        rows.append(row)
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(len(head))]
    click.echo("")
    for r in [head, *rows]:
        click.echo("  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())


def _print_list(items: list[dict[str, object]]) -> None:
    if not items:
        click.echo("no sweeps in the store")
        return
    click.echo(f"  {'sweep':<24}  {'scenario':<24}  {'mode':<5}  {'points':>9}  status")
    for s in items:
        label = str(s["scenario"]) + (f":{s['variant']}" if s["variant"] else "")
        click.echo(f"  {s['sweep_id']!s:<24}  {label:<24}  {s['mode']!s:<5}  {s['done']!s:>4}/{s['points']!s:<4}  {s['status']}")
