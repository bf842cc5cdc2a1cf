"""``peacesim explore``: the vague commitments of a scenario over their ranges; how likely the target is met.

Prints P(target met) over the space with its interval, the spread per point, the PRIM boxes where
the target is and is not met, and (with ``--sampler sobol``) the Sobol' indices of each headline
metric and target labelled by claim; writes per-point CSV and charts. Heavy imports happen inside.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from peacesim.errors import ReportError, UsageError
from peacesim.experiment.documents import plain

from . import complete
from .jobs import exit_interrupted, job_options
from .jsonout import json_output
from .run import command_line, progress_bar

if TYPE_CHECKING:
    from peacesim.experiment.explore_analysis import Answers, Discovery

#: Sobol' base points below which the indices are flagged as rough.
ROUGH_BELOW = 64


@click.command("explore")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--variant", metavar="NAME", help="Explore around this variant instead of the base scenario.", shell_complete=complete.variants)
@click.option("--set", "sets", multiple=True, metavar="KEY.PATH=VALUE",
              help="Override a scenario value (repeatable); setting an uncertain value fixes it.")
@click.option("--samples", type=click.IntRange(min=2), default=100, show_default=True,
              help="Points (Latin hypercube), or base points N of the Sobol' design (N (d + 2) points, N a power of 2).")
@click.option("--sampler", type=click.Choice(["lhs", "sobol"]), default="lhs", show_default=True,
              help="lhs: Latin hypercube; sobol: Saltelli design, also gives sensitivity indices.")
@click.option("--replications", "-n", type=click.IntRange(min=1), help="Replications per point (default: the scenario's).")
@click.option("--target", "target_texts", multiple=True, metavar="EXPR",
              help="What the package must achieve, e.g. 'coverage_mean >= 0.9 and foc_day <= 120' (repeatable).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Root seed (default: the scenario's).")
@job_options("exploration", "explorations", "explore", "EXPLORE_ID", "points")
@click.pass_context
@json_output("explore")
def command(ctx: click.Context, file: str | None, variant: str | None, sets: tuple[str, ...], samples: int, sampler: str, replications: int | None,
            target_texts: tuple[str, ...], seed: int | None, executor: str, workers: int | None, scheduler: str | None,
            out: str | None, resume: str | None, list_: bool, db: str, quiet: bool, as_json: bool = False) -> dict[str, Any] | None:
    """Draw the uncertain values of FILE over their ranges, replicate each point, and say how likely TARGET is met.

    \b
    Examples:
      peacesim explore scenarios/baseline.yaml --samples 200 -n 20 --target 'coverage_mean >= 0.9'
      peacesim explore scenarios/baseline.yaml --sampler sobol --samples 64 -n 10 --target 'foc_day <= 120'
      peacesim explore --resume ex20250819-101500-3fa2
    """
    from peacesim.experiment import explore
    from peacesim.experiment.explore_analysis import Answers
    from peacesim.experiment.store import Store

    if list_:
        with Store(db) as store:
            items = explore.list_explorations(store)
            _print_list(items)
        return {"explorations": [{k: plain(v) for k, v in item.items()} for item in items]}
    if resume and (file or variant or sets or replications or seed is not None or target_texts):
        raise UsageError("--resume EXPLORE_ID takes the exploration's own scenario, design and targets; drop FILE and options")
    if not resume and not file:
        raise UsageError("give a scenario FILE with uncertain values (or --resume EXPLORE_ID)")
    if resume:
        store = Store(db)
        ex = explore.load(store, resume)
    else:
        assert file is not None
        ex = explore.plan(file, variant=variant, samples=samples, sampler=sampler, replications=replications, seed=seed,
                          target_texts=target_texts, sets=sets)
        store = Store(db)  # only once every point is valid: bad input leaves no trace
        explore.start(store, ex, command_line())
    label = ex.scenario + (f":{ex.variant}" if ex.variant else "")
    click.echo(f"exploration {ex.explore_id}: {label}, {ex.points} points ({_sampler_text(ex.design.sampler)}) x "
               f"{ex.replications} replications, seed {ex.seed}")
    try:
        with progress_bar(f"explore {ex.explore_id}", quiet) as bar:
            stored = explore.run(ex, store, executor=executor, workers=workers, scheduler=scheduler, progress=bar)
    except explore.ExploreInterrupted as e:
        exit_interrupted(ctx, "explore", str(e), e.explore_id, db, "points")
    finally:
        store.close()
    if ex.ran and ex.seconds > 0:
        click.echo(f"{ex.ran} replications in {ex.seconds:.1f} s ({ex.ran / ex.seconds:.1f} replications/s)")
    answers = Answers(ex, stored)
    _print_space(answers)
    boxes = {t: _print_target(answers, t) for t in ex.targets}
    if ex.design.sampler == "sobol":
        _print_indices(answers)
    out_dir = _out_dir(ex, out)
    written = [_write_points(answers, out_dir / "points.csv")]
    written += _charts(answers, boxes, out_dir)
    click.echo(f"\nwritten to {out_dir}: " + ", ".join(p.name for p in written))
    from peacesim.experiment.documents import explore_doc as to_doc

    return {**to_doc(answers, boxes), "folder": str(out_dir), "written": [str(p) for p in written]}


def _sampler_text(sampler: str) -> str:
    return {"lhs": "Latin hypercube", "sobol": "Sobol'-Saltelli design"}[sampler]


def _print_space(a: Answers) -> None:
    click.echo("\nUncertain values (claim, key path: range; the point value a plain run uses):")
    for u in a.ex.space.params:
        click.echo(f"  {u.label}: {u.describe()}; point value {u.point}")


def _print_target(a: Answers, target: str) -> tuple[Discovery, Discovery]:
    pct = 95
    c = a.chance(target)
    p, _, _ = a.per_point(target)
    click.echo(f"\nTarget {target!r}:")
    click.echo(f"  P(met) over the space: {c.p:.1%} ({pct}% CI {c.low:.1%}-{c.high:.1%}, {c.n} points x {a.ex.replications} replications)")
    click.echo(f"  per point: {int((p >= 0.9).sum())} of {len(p)} points meet it in at least 90% of replications, "
               f"{int((p <= 0.1).sum())} in at most 10%")
    from peacesim.experiment.explore_analysis import box_text

    met, not_met = a.discover(target, True), a.discover(target, False)
    click.echo(f"  where it is met:     {box_text(met)}")
    click.echo(f"  where it is not met: {box_text(not_met)}")
    return met, not_met


def _print_indices(a: Answers) -> None:
    labels = [u.label for u in a.ex.space.params]
    width = max(len(x) for x in labels)
    click.echo("\nWhich vagueness matters (Sobol' indices: first-order S1 and total ST, 95% bootstrap intervals):")
    if a.ex.design.base < ROUGH_BELOW:
        click.echo(f"  (rough: {a.ex.design.base} base points; indices outside 0-1 and narrow intervals are estimator noise;"
                   f" use --samples {ROUGH_BELOW} or more)")
    for idx in a.indices():
        click.echo(f"  {idx.output}:")
        for j in sorted(range(len(labels)), key=lambda j: -idx.total[j]):
            click.echo(f"    {labels[j]:<{width}}  S1 {idx.first[j]:6.2f} [{idx.first_ci[j, 0]:.2f}, {idx.first_ci[j, 1]:.2f}]"
                       f"  ST {idx.total[j]:6.2f} [{idx.total_ci[j, 0]:.2f}, {idx.total_ci[j, 1]:.2f}]")


def _out_dir(ex: object, out: str | None) -> Path:
    from peacesim.experiment import outputs

    if out is not None:
        return outputs.check_out_dir(Path(out), explicit=True)
    base = outputs.REPORTS / outputs.safe_component(getattr(ex, "scenario"))
    if getattr(ex, "variant"):
        base = base / outputs.safe_component(getattr(ex, "variant"))
    return outputs.check_out_dir(base / f"explore-{outputs.safe_component(getattr(ex, 'explore_id'))}", explicit=False)


def _write_points(a: Answers, path: Path) -> Path:
    """``points.csv``: one row per point: the exploration's identity (explore id, label, variant: its points are
    no runs of their own), the point's values, P(met) per target with interval, headline metric means."""
    import numpy as np

    from peacesim.experiment.outputs import atomic_open
    from peacesim.experiment.results import run_label
    from peacesim.model.metrics import HEADLINE_METRICS

    metrics = [m for m in HEADLINE_METRICS if m in a.metrics]
    per = {t: a.per_point(t) for t in a.ex.targets}
    ident = [a.ex.explore_id, run_label(a.ex.scenario, a.ex.variant), a.ex.variant or ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, newline="") as f:
        w = csv.writer(f)
        w.writerow(["explore_id", "label", "variant", "point", *(u.name for u in a.ex.space.params),
                    *(f"P({t}).{k}" for t in a.ex.targets for k in ("p", "ci_low", "ci_high")), *(f"{m}.mean" for m in metrics)])
        means = {m: a.point_means(m) for m in metrics}
        for k, v in enumerate(a.ex.values):
            w.writerow([*ident, k, *(v[u.name] for u in a.ex.space.params),
                        *(repr(float(per[t][i][k])) for t in a.ex.targets for i in range(3)),
                        *("" if np.isnan(means[m][k]) else repr(float(means[m][k])) for m in metrics)])
    return path


def _charts(a: Answers, boxes: dict[str, tuple[Discovery, Discovery]], out_dir: Path) -> list[Path]:
    from peacesim.experiment.outputs import safe_component
    from peacesim.report.charts_explore import plot_box, plot_outcome_scatter, plot_sensitivity
    from peacesim.report.style import save_figure

    paths: list[Path] = []
    for n, t in enumerate(a.ex.targets, start=1):
        try:
            paths += save_figure(plot_outcome_scatter(a, t), out_dir / f"outcome-target{n}")
            paths += save_figure(plot_box(a, t, boxes[t][0]), out_dir / f"box-target{n}")
        except ReportError as e:
            click.echo(f"charts for target {t!r} skipped: {e}", err=True)
    if a.ex.design.sampler == "sobol":
        for idx in a.indices():
            paths += save_figure(plot_sensitivity(a, idx), out_dir / f"sensitivity-{safe_component(idx.output)[:60]}")
    return [p for p in paths if p.suffix == ".png"]


def _print_list(items: list[dict[str, object]]) -> None:
    if not items:
        click.echo("no explorations in the store")
        return
    click.echo(f"  {'exploration':<24}  {'scenario':<24}  {'sampler':<7}  {'points':>6}  {'replications':>13}  status")
    for s in items:
        label = str(s["scenario"]) + (f":{s['variant']}" if s["variant"] else "")
        reps = f"{s['replications']}/{s['target']}"
        click.echo(f"  {s['explore_id']!s:<24}  {label:<24}  {s['sampler']!s:<7}  {s['points']!s:>6}  {reps:>13}  {s['status']}")
