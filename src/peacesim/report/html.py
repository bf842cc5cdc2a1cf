"""The self-contained HTML report: findings, claims, assumptions, metrics, charts, reproduction.

One file a reader can mail or archive: charts are embedded as base64 PNG, styles are inline, and
nothing is fetched from the network. The same charts are written beside it as PNG and SVG for
briefs. Every text that comes from a scenario file goes through jinja2 autoescaping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peacesim._version import __version__
from peacesim.catalog import lookup, pattern_of, threat_rises
from peacesim.errors import PeacesimError, ReportError
from peacesim.experiment.outputs import atomic_write_text
from peacesim.experiment.results import Comparison, Difference, RunResult

from .assumptions import assumptions_table, changed_rows
from .context import scenario_of
from .findings import findings
from .gallery import Chart, Job, overview_jobs, risk_jobs, run_jobs, slug, start_drawing
from .labels import fmt, fmt_interval, metric_label
from .phrasing import headline_order, is_headline_of, multiple_interval, sig, signed, unit_of
from .studies import exploration_study, sizing_study, sweep_study
from .summary import limitations, summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from peacesim.experiment.explore_analysis import Answers
    from peacesim.experiment.sizing import SizingResult
    from peacesim.experiment.sweep import SweepResult

REPORT_NAME = "report.html"


@dataclass(frozen=True)
class ClaimRow:
    """A claim the scenario names, as the register states it, and the elements that encode it."""

    id: str
    actor: str
    commitment: str
    quantity: str
    firmness: str
    encoded_by: list[str]
    known: bool


def _register_index(register: Any) -> dict[str, Any]:
    """Claim id -> entry, from a ClaimsRegister (``.claims``) or a plain mapping/list."""
    if register is None:
        return {}
    items = getattr(register, "claims", register)
    if isinstance(items, Mapping):
        return dict(items)
    return {getattr(c, "id", None) or c["id"]: c for c in items}


def _field(entry: Any, name: str) -> str:
    value = entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name, None)
    return "" if value is None else str(value)


def claim_rows(results: Sequence[RunResult], register: Any) -> list[ClaimRow]:
    """Every claim any run's scenario names, looked up in the register (ids only without one)."""
    encoders: dict[str, list[str]] = {}
    for run in results:
        scenario = scenario_of(run)
        if scenario is None:
            continue
        for cid in scenario.metadata.claims:
            encoders.setdefault(cid, []).append("the scenario as a whole")
        for path, el in scenario.traced_elements():
            for cid in el.claims:
                encoders.setdefault(cid, []).append(path)
        for name, variant in scenario.variants.items():
            for cid in variant.claims:
                encoders.setdefault(cid, []).append(f"variant {name}")
    index = _register_index(register)
    rows = []
    for cid in sorted(encoders, key=lambda c: int(c[1:])):
        entry = index.get(cid)
        seen = list(dict.fromkeys(encoders[cid]))
        if entry is None:
            rows.append(ClaimRow(cid, "", "", "", "", seen, False))
        else:
            rows.append(ClaimRow(cid, _field(entry, "actor"), _field(entry, "commitment"), _field(entry, "quantity"),
                                 _field(entry, "firmness"), seen, True))
    return rows


def _default_register() -> tuple[Any, str]:
    """The claims register from seeds/claims.yaml, or None and why it could not be read."""
    try:
        from peacesim.scenario.claims import load_claims
    except ImportError:
        return None, "the claims register reader is not installed; showing claim ids only"
    try:
        return load_claims(), ""
    except (PeacesimError, OSError) as e:
        return None, f"claims register not read ({e}); showing claim ids only"


def _unit(name: str, runs: Sequence[RunResult]) -> str:
    """The unit column: '%' for shares, a non-lethal element's own output unit, else the catalog's."""
    lab = metric_label(name)
    if lab.share:
        return "%"
    if lab.unit == "output":
        return next((u for r in runs if (u := unit_of(name, r))), lab.unit)
    return lab.unit


def metric_rows(run: RunResult, headline: bool | None = None) -> list[dict[str, str]]:
    """The run's metrics formatted with their intervals: headline ones first, in headline order.

    ``headline`` True keeps only headline metrics, False only the others, None all of them.
    """
    names = headline_order(set(run.summary), run)
    names += sorted(set(run.summary) - set(names))
    rows = []
    for name in names:
        if headline is not None and is_headline_of(name, run) != headline:
            continue
        s = run.summary[name]
        lab = metric_label(name)
        rows.append({
            "name": name, "label": lab.text, "unit": _unit(name, [run]), "mean": fmt(s.mean, name),
            "ci": fmt_interval(s.ci_low, s.ci_high, name), "range": fmt_interval(s.p10, s.p90, name),
            "n": f"{s.n} of {run.replications}",
        })
    return rows


def headline_table(results: Sequence[RunResult]) -> list[dict[str, Any]]:
    """Headline metrics as rows and runs as columns: each cell the mean and its interval."""
    names = headline_order(set().union(*(r.summary for r in results)), results[0])
    rows = []
    for name in names:
        lab = metric_label(name)
        cells = []
        for r in results:
            s = r.summary.get(name)
            if s is None:
                cells.append({"mean": "—", "ci": "not in this run"})
            elif s.n == 0:
                cells.append({"mean": "never" if name.endswith("_day") or "_day." in name else "n/a", "ci": ""})
            else:
                part = "" if s.n == r.replications else f" · {s.n}/{r.replications} reps"
                ci = fmt_interval(s.ci_low, s.ci_high, name)
                cells.append({"mean": fmt(s.mean, name), "ci": ("" if ci == "n/a" else ci) + part})
        rows.append({"name": name, "label": lab.text, "unit": _unit(name, results), "cells": cells})
    return rows


#: Run columns per headline table: more would scroll sideways at 1,300 px and lose columns in print.
RUNS_PER_TABLE = 5


def column_groups(count: int, per: int = RUNS_PER_TABLE) -> list[list[int]]:
    """Run indices per table: the reference (0) heads every group, the others follow ``per - 1`` at a time."""
    if count <= per:
        return [list(range(count))]
    others = list(range(1, count))
    step = per - 1
    return [[0, *others[k:k + step]] for k in range(0, len(others), step)]


#: The P(beats reference) cell of a threat-driven metric (kills) in a run whose threat rises; the
#: comparison table's footnote (marked with the same sign) says why.
MORE_TO_KILL = "n/a\u2020"


def _more_to_kill(d: Difference, more_threat: bool) -> bool:
    """Whether ``d`` rises only because there is more to kill: a threat-driven metric under a heavier threat."""
    return more_threat and pattern_of(d.metric) is not None and lookup(d.metric).threat_driven


def _p_better_text(d: Difference, more_threat: bool = False) -> str:
    """'62% (48–74%)': the share of paired replications in which this run does better; '—' without a
    direction; 'equal in all 40' when every pair ties (not '50%'); ``MORE_TO_KILL`` for kills in a run facing more threats (no kill it adds is a gain)."""
    better = lookup(d.metric).better if pattern_of(d.metric) else "neither"
    if better == "neither" or d.n == 0:
        return "—"
    if _more_to_kill(d, more_threat):
        return MORE_TO_KILL
    if d.mean == 0 and d.ci_low == 0 and d.ci_high == 0:  # every paired difference is zero: no one beats anyone
        return f"equal in all {d.n}"
    p, lo, hi = d.p_better(better)
    if not (p == p and lo == lo and hi == hi):
        return "—"
    return f"{round(100 * p)}% ({round(100 * lo)}–{round(100 * hi)}%)"


def _level(x: float, name: str) -> str:
    """A run's mean in the comparison table: 'never' for an event that never happened (no stock-out), not 'n/a'."""
    if x != x and pattern_of(name) is not None and lookup(name).event is not None:
        return "never"
    return fmt(x, name)


def _relative_text(d: Difference) -> str:
    """'+39.0%', or '60.2×' for a rise the findings give as a multiple; '—' when there is none, and for
    the day of an event (a per cent of a day number means nothing; the findings give it in days)."""
    if d.n == 0 or d.relative != d.relative or d.mean == 0:
        return "—"
    if pattern_of(d.metric) is not None and lookup(d.metric).event is not None:
        return "—"
    times = multiple_interval(d)
    return f"{sig(times[0])}\u00d7" if times else signed(100 * d.relative) + "%"


def difference_rows(comparison: Comparison, headline: bool | None = None) -> list[dict[str, Any]]:
    """The comparison table: each metric of each run against the reference (headline filter as above).

    A threat-driven metric (kills) of a run facing distinguishably more threats gets no
    P(beats reference): its rise is more to kill, not a gain (``more_to_kill`` marks the row).
    """
    rows = []
    for other, diffs in comparison.differences.items():
        more_threat = threat_rises(diffs)
        ordered = {d.metric: d for d in diffs}
        names = headline_order(set(ordered), comparison.reference)
        names += sorted(set(ordered) - set(names))
        for d in (ordered[m] for m in names):
            if headline is not None and is_headline_of(d.metric, comparison.reference) != headline:
                continue
            share = metric_label(d.metric).share
            scale, pts = (100.0, " pts") if share else (1.0, "")
            defined = d.n > 0
            has_ci = defined and d.ci_low == d.ci_low
            rows.append({
                "other": other, "metric": d.metric, "label": metric_label(d.metric).text,
                "reference": _level(d.reference_mean, d.metric), "value": _level(d.other_mean, d.metric),
                "diff": signed(scale * d.mean) + pts if defined else "n/a",
                "ci": f"{signed(scale * d.ci_low)} to {signed(scale * d.ci_high)}" if has_ci else "n/a",
                "relative": _relative_text(d),
                "distinguishable": d.distinguishable,
                "p_better": _p_better_text(d, more_threat),
                "more_to_kill": _more_to_kill(d, more_threat),
            })
    return rows


def _run_context(run: RunResult, index: int, reference_rows: list[Any] | None, charts: list[Chart]) -> dict[str, Any]:
    scenario = scenario_of(run)
    rows = assumptions_table(scenario) if scenario else []
    return {
        "index": index, "run": run, "scenario": scenario, "metrics": metric_rows(run),
        "charts": charts, "assumptions": rows,
        "changes": changed_rows(reference_rows, rows) if reference_rows is not None and scenario else [],
        "command": run.extra.get("command", ""),
    }


def _given(fig: Figure) -> Callable[[], Figure]:
    """A job that hands back a figure the caller drew."""
    return lambda: fig


def render(context: dict[str, Any]) -> str:
    """Fill the report template (autoescaped)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("peacesim.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**context)


def write_report(
    results: list[RunResult],
    out_dir: Path,
    *,
    comparison: Comparison | None = None,
    command: str | None = None,
    claims: Any = None,
    extra_figures: Mapping[str, Figure] | None = None,
    sweeps: Sequence[SweepResult] = (),
    explorations: Sequence[Answers] = (),
    sizings: Sequence[SizingResult] = (),
) -> Path:
    """Write ``out_dir/report.html`` and the charts as PNG and SVG beside it; return the HTML path.

    The first run is the reference: its detail charts (map, zones, forces, stocks, leakers) are
    drawn; other runs appear in the overlay and comparison charts, which keeps the report small. ``claims`` is a ClaimsRegister (read from seeds/claims.yaml
    when None); ``extra_figures`` maps a caption to a figure (a tornado, a sweep line). ``sweeps``,
    ``explorations`` and ``sizings`` each add a section, their charts and a line of the summary.

    Raises:
        ReportError: no runs, or the output directory cannot be written.
    """
    if not results:
        raise ReportError("a report needs at least one run")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReportError(f"cannot create report directory {out_dir}: {e.strerror}") from e
    claims_note = ""
    if claims is None:
        claims, claims_note = _default_register()
    reference_scenario = scenario_of(results[0])
    reference_rows = assumptions_table(reference_scenario) if reference_scenario else None
    studies = ([sizing_study(s) for s in sizings] + [exploration_study(a) for a in explorations]
               + [sweep_study(s) for s in sweeps])
    groups: dict[str, list[Job]] = {
        "risk": risk_jobs(results), "overview": overview_jobs(results, comparison), "detail": run_jobs(results[0], 1),
        "extra": [(f"extra-{i + 1}-{slug(t)}", t, _given(f)) for i, (t, f) in enumerate((extra_figures or {}).items())],
        **{f"study-{k}": st.jobs for k, st in enumerate(studies)},
    }
    wait = start_drawing([job for jobs in groups.values() for job in jobs], out_dir)  # drawn while we go on
    runs = [_run_context(r, i + 1, None if i == 0 else reference_rows, []) for i, r in enumerate(results)]
    facts = [st.fact for st in studies if st.fact is not None]
    tables = {
        "title": reference_scenario.metadata.title if reference_scenario else results[0].label,
        "description": reference_scenario.metadata.description if reference_scenario else "",
        "results": results, "reference": results[0], "runs": runs,
        "summary": summary(results, comparison, facts, reference_rows or []),
        "limitations": limitations(results, reference_rows or []),
        "findings": findings(results, comparison), "comparison": comparison,
        "headline": headline_table(results), "column_groups": column_groups(len(results)),
        "differences": difference_rows(comparison, headline=True) if comparison else [],
        "other_differences": difference_rows(comparison, headline=False) if comparison else [],
        "claims": claim_rows(results, claims), "claims_note": claims_note,
        "command": command or "", "version": __version__,
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "confidence": round(100 * results[0].confidence), "studies": studies,
    }
    drawn = iter(wait())
    charts = {name: [next(drawn) for _ in jobs] for name, jobs in groups.items()}
    runs[0]["charts"] = charts["detail"]
    for k, st in enumerate(studies):
        st.charts = charts[f"study-{k}"]
    context = {**tables, "risk": charts["risk"], "overview": charts["overview"], "extra": charts["extra"]}
    path = out_dir / REPORT_NAME
    try:
        atomic_write_text(path, render(context))
    except OSError as e:
        raise ReportError(f"cannot write {path}: {e.strerror}") from e
    return path
