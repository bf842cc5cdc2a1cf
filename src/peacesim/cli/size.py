"""``peacesim size``: the smallest value of a key path that meets a target, with the confidence it is met.

Prints the answer first (the smallest value shown to meet the target, and the interval of values
where the evidence is not conclusive), then the evidence: every value tried, its replications and
P(met) with its interval. Heavy imports happen inside the command.
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
from .run import command_line

if TYPE_CHECKING:
    from peacesim.experiment.sizing import Answer, SizingResult


@click.command("size")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--vary", "varies", multiple=True, metavar="PATH=LOW:HIGH[:STEP]",
              help="The (glob) key path to size; twice for a frontier (for each value of the first, the smallest second).")
@click.option("--target", metavar="EXPR", help="What a replication must achieve, e.g. 'foc_day <= 120 and coverage_mean >= 0.9'.")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.9, show_default=True,
              help="Required probability that the target is met.")
@click.option("--step", type=click.FloatRange(min=0, min_open=True), help="Resolution of the searched value.")
@click.option("--integer", is_flag=True, help="Search whole numbers only (automatic for integer fields).")
@click.option("--variant", metavar="NAME", help="Size a variant instead of the base scenario.", shell_complete=complete.variants)
@click.option("--set", "sets", multiple=True, metavar="KEY.PATH=VALUE", help="Override a scenario value (repeatable).")
@click.option("--scale", "scales", multiple=True, metavar="PATH_GLOB=FACTOR", help="Multiply matched values (repeatable).")
@click.option("--replications", "-n", type=click.IntRange(min=1), default=320, show_default=True,
              help="Most replications at one value (where P(met) is too close to the confidence to tell).")
@click.option("--first", type=click.IntRange(min=1), help="First batch at each value (default 20, or -n if smaller).")
@click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True,
              help="Statistical level of the decisions (split over the looks at each value).")
@click.option("--method", type=click.Choice(["wilson", "clopper-pearson"]), default="wilson", show_default=True,
              help="Interval of P(met).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Root seed shared by every value (default: the scenario's).")
@job_options("sizing", "sizings", "size", "SIZING_ID", "replications", quiet_help="No line per value tried while searching.")
@click.pass_context
@json_output("size")
def command(ctx: click.Context, file: str | None, varies: tuple[str, ...], target: str | None, confidence: float,
            step: float | None, integer: bool, variant: str | None, sets: tuple[str, ...], scales: tuple[str, ...],
            replications: int, first: int | None, level: float, method: str, seed: int | None, executor: str,
            workers: int | None, scheduler: str | None, out: str | None, resume: str | None, list_: bool, db: str,
            quiet: bool, as_json: bool = False) -> dict[str, Any] | None:
    """Find the smallest value of a key path of FILE for which TARGET is met with P >= CONFIDENCE.

    \b
    Examples:
      peacesim size scenarios/baseline.yaml --vary 'forces.{uk,france}.troops_per_unit=100:20000' \\
          --target 'foc_day <= 90 and coverage_mean >= 0.9'
      peacesim size scenarios/baseline.yaml --vary enablers.air_defence.us_patriot.stock=0:2000:20 \\
          --target 'stockout_day.us_patriot >= 365' --confidence 0.8
      peacesim size --resume sz20250819-101500-3fa2
    """
    from peacesim.experiment import sizing as sz
    from peacesim.experiment.store import Store

    if list_:
        with Store(db) as store:
            items = sz.list_sizings(store)
            _print_list(items)
        return {"sizings": [{k: plain(v) for k, v in item.items()} for item in items]}
    if resume and (file or varies or target or variant or sets or scales or seed is not None):
        raise UsageError("--resume SIZING_ID takes the sizing's own scenario and question; drop FILE, --vary and --target")
    if not resume:
        if not file or not varies or not target:
            raise UsageError("give a scenario FILE, --vary PATH=LOW:HIGH and --target EXPR (or --resume SIZING_ID)")
        if step is not None and integer:
            raise UsageError("use either --step or --integer, not both")
    cmd = command_line()
    if resume:
        store = Store(db)
        sizing = sz.load(store, resume)
    else:
        assert file is not None and target is not None
        sizing = sz.plan(file, varies, target, variant=variant, sets=sets, scales=scales, step=step, integer=integer,
                         confidence=confidence, level=level, method=method, first=first, cap=replications, seed=seed)
        store = Store(db)  # only once the question is valid: bad input leaves no trace
        sz.start(store, sizing, cmd)
    label = sizing.scenario + (f":{sizing.variant}" if sizing.variant else "")
    click.echo(f"sizing {sizing.sizing_id}: {label}, target {sizing.target!r} with P(met) >= {sizing.confidence:g}, "
               f"varying {', '.join(v.text for v in sizing.varies)}")
    say = None if quiet else (lambda text: click.echo("  tried " + text, err=True))
    try:
        result = sz.run(sizing, store, executor=executor, workers=workers, scheduler=scheduler, say=say, command=cmd)
    except sz.SizingInterrupted as e:
        exit_interrupted(ctx, "size", str(e), e.sizing_id, db, "replications")
    finally:
        store.close()
    _print_result(result)
    out_dir = _out_dir(result, out)
    written = [_write_csv(result, out_dir / "sizing.csv"), *_charts(result, out_dir)]
    click.echo(f"\nwritten to {out_dir}: " + ", ".join(p.name for p in written))
    from peacesim.experiment.documents import sizing_doc as to_doc

    return {**to_doc(result), "folder": str(out_dir), "written": [str(p) for p in written]}


def answer_text(answer: Answer, path: str, confidence: float) -> str:
    """One sentence: the answer and its interval, or why there is none."""
    from peacesim.experiment.design import show_value

    at = {p.x: p for p in answer.probes}
    if answer.status == "not_met":
        b = answer.best
        if b.refused is not None:
            return f"not met within range: the scenario refuses every value tried, up to {path} = {show_value(b.x)} ({b.refused})"
        return (f"not met within range: best P(met) = {b.p:.2f} [{b.low:.2f}, {b.high:.2f}] at {path} = {show_value(b.x)}"
                f" (required {confidence:g})")
    if answer.status == "open":
        top = max(answer.probes, key=lambda p: p.x)
        return (f"not shown within range: at the highest value {show_value(top.x)}, P(met) = {top.p:.2f} "
                f"[{top.low:.2f}, {top.high:.2f}] is too close to {confidence:g} to tell; the answer is at least "
                f"{show_value(answer.lower)}")
    assert answer.value is not None
    p = at[float(answer.value)]
    head = "met at the lowest value already: " if answer.status == "met_at_low" else ""
    text = (f"{head}{path} = {show_value(answer.value)} (P(met) = {p.p:.2f} [{p.low:.2f}, {p.high:.2f}], "
            f"{p.n} replications)")
    if answer.lower is not None and answer.lower != answer.value:
        text += (f"; the smallest value lies in [{show_value(answer.lower)}, {show_value(answer.value)}]"
                 " (below it the target is shown to fail; inside, the evidence is not conclusive)")
    elif answer.status == "found":
        text += "; exact to one step: the value below is shown to fail"
    return text


def _print_result(result: SizingResult) -> None:
    from peacesim.experiment.design import show_value

    s = result.sizing
    path = s.varies[-1].path
    if len(s.varies) == 1:
        a = result.answers[0]
        click.echo("\nanswer: " + answer_text(a, path, s.confidence))
        if a.warning:
            click.echo(f"warning: {a.warning}")
        _evidence(a.probes, s.look_level)
        return
    click.echo(f"\nfrontier: for each {s.varies[0].path}, the smallest {path} with P(met) >= {s.confidence:g}")
    rows = [["value", "smallest", "interval", "status"]]
    for a in result.answers:
        x = next(iter(a.fixed.values()))
        interval = f"[{show_value(a.lower)}, {show_value(a.value)}]" if a.value is not None and a.lower is not None else "-"
        rows.append([show_value(x), show_value(a.value) if a.value is not None else "-", interval, a.status])
    _table(rows)
    for a in result.answers:
        if a.warning:
            click.echo(f"warning at {show_value(next(iter(a.fixed.values())))}: {a.warning}")
    click.echo(f"\nevidence ({sum(len(a.probes) for a in result.answers)} values tried, "
               f"{sum(p.n for a in result.answers for p in a.probes)} replications): see sizing.csv")


def _evidence(probes: list[Any], look_level: float) -> None:
    from peacesim.experiment.design import show_value

    ordered = sorted(probes, key=lambda p: p.x)
    click.echo(f"\nevidence: {len(ordered)} values tried, {sum(p.n for p in ordered)} replications "
               f"(same seeds at every value; intervals at {look_level:.2%} per look)")
    rows = [["value", "replications", "met", "P(met)", "interval", "decision"]]
    for p in ordered:
        if p.refused is not None:
            rows.append([show_value(p.x), "0", "-", "-", "-", f"{p.state} (refused by the scenario: {p.refused})"])
            continue
        rows.append([show_value(p.x), str(p.n), str(p.met), f"{p.p:.3f}", f"[{p.low:.3f}, {p.high:.3f}]", p.state
                     + (f" ({p.undefined} undefined)" if p.undefined else "")])
    _table(rows)


def _table(rows: list[list[str]]) -> None:
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    for r in rows:
        click.echo("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


def _write_csv(result: SizingResult, path: Path) -> Path:
    """``sizing.csv``: one row per value tried (and per value of the first path in a frontier), starting with
    the identity of the value's run (run id, label, variant; no run id for a value the scenario refused)."""
    from peacesim.experiment.outputs import IDENTITY_COLUMNS, atomic_open
    from peacesim.experiment.results import run_label

    s = result.sizing
    label = run_label(s.scenario, s.variant)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, newline="") as f:
        w = csv.writer(f)
        w.writerow([*IDENTITY_COLUMNS, *(v.path for v in s.varies), "replications", "met", "p_met", "low", "high",
                    "decision", "undefined", "answer", "answer_low", "status", "refused"])
        for a in result.answers:
            for p in sorted(a.probes, key=lambda q: q.x):
                w.writerow([p.run_id, label, s.variant or "", *(p.overrides[v.path] for v in s.varies), p.n, p.met,
                            repr(p.p), repr(p.low), repr(p.high), p.state, p.undefined, "" if a.value is None else a.value,
                            "" if a.lower is None else a.lower, a.status, p.refused or ""])
    return path


def _out_dir(result: SizingResult, out: str | None) -> Path:
    from peacesim.experiment import outputs

    if out is not None:
        return outputs.check_out_dir(Path(out), explicit=True)
    s = result.sizing
    base = outputs.REPORTS / outputs.safe_component(s.scenario)
    if s.variant:
        base = base / outputs.safe_component(s.variant)
    return outputs.check_out_dir(base / f"size-{outputs.safe_component(s.sizing_id)}", explicit=False)


def _charts(result: SizingResult, out_dir: Path) -> list[Path]:
    from peacesim.report.charts_sizing import plot_frontier, plot_sizing
    from peacesim.report.style import save_figure

    s = result.sizing
    try:
        if len(s.varies) == 1:
            fig = plot_sizing(result.answers[0], s.varies[0].path, s.target, s.confidence, s.look_level)
            return save_figure(fig, out_dir / "sizing")
        fig = plot_frontier(result.answers, s.varies[0].path, s.varies[1].path, s.target, s.confidence)
        return save_figure(fig, out_dir / "frontier")
    except ReportError as e:
        click.echo(f"chart skipped: {e}", err=True)
        return []


def _print_list(items: list[dict[str, Any]]) -> None:
    if not items:
        click.echo("no sizings in the store")
        return
    rows = [["sizing", "scenario", "target", "values tried", "status"]]
    rows += [[str(s["sizing_id"]), str(s["scenario"]) + (f":{s['variant']}" if s["variant"] else ""), str(s["target"]),
              str(s["probes"]), str(s["status"])] for s in items]
    _table(rows)
