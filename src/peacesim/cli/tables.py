"""Terminal tables for ``run`` and ``compare``: headline metrics first, numbers people can read.

A run has about forty metrics, many of them per zone; a reader wants the dozen that answer the
usual questions (:data:`peacesim.model.HEADLINE_METRICS`), with units and plain numbers. The
files (summary.json, replications.csv, series.csv, compare.csv) keep every metric; these tables
only choose what to print. Functions return lines, so the commands echo them and tests read them.
"""

from __future__ import annotations

import fnmatch
import math
import textwrap
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from peacesim.errors import UsageError

if TYPE_CHECKING:
    from peacesim.experiment.compare import Unpaired
    from peacesim.experiment.results import Comparison, Difference, RunResult

DASH = "\u2013"  # undefined in every replication
NEVER = "never"  # a day-of-event metric (catalog `event`) that did not happen in any replication


def fmt(x: float | None) -> str:
    """A number as the catalog writes it (:func:`peacesim.catalog.number`); undefined as an en dash."""
    from peacesim.catalog import number

    if x is None or math.isnan(x):
        return DASH
    return number(x)


def fmt_signed(x: float) -> str:
    """A difference: ``+190``, ``−0.0120``, ``0``."""
    text = fmt(x)
    return "+" + text if x > 0 and not math.isinf(x) else text


def sort_key(name: str) -> tuple[int, int, str]:
    """Headline metrics first in their documented order, then the rest as documented, then by name."""
    from peacesim.catalog import CATALOG as METRICS
    from peacesim.catalog import HEADLINE_METRICS, pattern_of

    key = pattern_of(name)
    if key in HEADLINE_METRICS:
        return (0, HEADLINE_METRICS.index(key), name)
    keys = list(METRICS)
    return (1, keys.index(key) if key in keys else len(keys), name)


def check_patterns(patterns: Sequence[str]) -> None:
    """Refuse a ``--metric`` pattern that cannot match any documented metric, before anything runs."""
    from peacesim.catalog import CATALOG as METRICS
    from peacesim.catalog import pattern_of, suggest

    scalars = [k for k, doc in METRICS.items() if doc.kind == "scalar"]
    for pat in patterns:
        concrete = pattern_of(pat)
        if pat in scalars or (concrete in scalars) or any(fnmatch.fnmatchcase(k, pat) for k in scalars):
            continue
        raise UsageError(f"--metric {pat!r} matches no metric{suggest(pat, scalars)}; expected a name or pattern "
                         f"such as leakers.* (see peacesim metrics), got {pat!r}")


def windowed_changes(comparison: Comparison) -> list[str]:
    """Windowed headline metrics that some compared run changes distinguishably (what a dated change costs)."""
    from peacesim.catalog import is_headline, split_window

    context = comparison.reference.context_elements
    return sorted({d.metric for diffs in comparison.differences.values() for d in diffs
                   if d.distinguishable and split_window(d.metric)[1] is not None and is_headline(d.metric, context)})


def select_metrics(names: Iterable[str], patterns: Sequence[str] = (), all_metrics: bool = False,
                   strict: bool = True, context: Collection[str] = ()) -> list[str]:
    """The metrics to print, headline first.

    Args:
        names: every metric the runs have.
        patterns: ``--metric`` values: names, shell patterns (``leakers.*``) or documented
            patterns (``leakers.<zone_id>``); with ``strict`` each must match at least one name.
        all_metrics: every name. Otherwise, without patterns, the headline metrics (or every
            name when none is a headline metric, as with the synthetic test models).
        context: ids of the scenario's context elements (``RunResult.context_elements``), whose
            metrics are no headlines.
    """
    from peacesim.catalog import is_headline, pattern_of, split_window

    pool = sorted(set(names))
    if all_metrics:
        chosen = pool
    elif patterns:
        chosen = []
        for pat in patterns:
            hits = [n for n in pool if n == pat or fnmatch.fnmatchcase(n, pat) or pattern_of(n) == pat]
            if not hits and strict:
                from peacesim.experiment.compare import unknown_metrics

                raise UsageError(f"--metric: {unknown_metrics([pat], pool)}")
            chosen += [n for n in hits if n not in chosen]
    else:
        # windowed headlines only in comparisons, and there only where they move (see windowed_changes)
        chosen = [n for n in pool if is_headline(n, context) and split_window(n)[1] is None] or pool
    return sorted(chosen, key=sort_key)


def _unit(name: str, element_units: dict[str, str]) -> str:
    from peacesim.catalog import lookup as describe

    if name.startswith("nonlethal_output.") and name.split(".", 1)[1] in element_units:
        return element_units[name.split(".", 1)[1]]
    try:
        return describe(name).unit
    except KeyError:
        return ""


def element_units(result: RunResult) -> dict[str, str]:
    """``output_unit`` of each non-lethal element of the run's scenario (``{}`` if unreadable)."""
    from peacesim.errors import PeacesimError

    try:
        scenario = result.scenario
    except PeacesimError:
        return {}
    return {e.id: e.output_unit for e in scenario.enablers.non_lethal} if scenario else {}


def _undefined(name: str, units: dict[str, str]) -> str:
    """'never' for a day-of-event metric (the event did not happen), a dash for other undefined values."""
    from peacesim.catalog import lookup

    try:
        return NEVER if lookup(name).event is not None else DASH
    except KeyError:
        return DASH


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 2, indent: str = "  ") -> list[str]:
    """Rows as aligned text: the first ``left`` columns left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return (indent + "  ".join(parts)).rstrip()

    return [line(header), *(line(r) for r in rows)]


def run_heading(result: RunResult) -> str:
    """``label  (run ID, seed S, N replications)``."""
    return f"{result.label}  (run {result.run_id or '-'}, seed {result.seed}, {result.replications} replications)"


def summary_lines(result: RunResult, names: Sequence[str]) -> list[str]:
    """The run's table for ``names``: unit, mean, interval, and n where some replications lack a value."""
    pct = round(result.confidence * 100)
    units = element_units(result)
    names = [n for n in names if n in result.summary]
    partial = any(0 < result.summary[n].n < result.replications for n in names)
    rows, marks = [], set()
    for name in names:
        s = result.summary[name]
        if s.n == 0:
            mean, ci = _undefined(name, units), ""
            marks.add(mean)
        else:
            mean = fmt(s.mean)
            ci = f"[{fmt(s.ci_low)}, {fmt(s.ci_high)}]" if s.n > 1 else ""
        row = [name, _unit(name, units), mean, ci]
        if partial:
            row.append(f"{s.n}/{result.replications}" if 0 < s.n < result.replications else "")
        rows.append(row)
    header = ["metric", "unit", "mean", f"{pct}% CI"] + (["n"] if partial else [])
    if not rows:
        return ["", run_heading(result), "  none of the selected metrics is in this run (--all-metrics lists them all)"]
    lines = ["", run_heading(result), *_table(header, rows)]
    lines += _notes(marks, partial)
    hidden = len(result.summary) - len(names)
    if hidden > 0:
        lines.append(f"  {hidden} more metrics in summary.json (--all-metrics prints them, --metric M picks some)")
    return lines


def _notes(marks: set[str], partial: bool) -> list[str]:
    notes = []
    if NEVER in marks:
        notes.append(f"{NEVER}: did not happen in any replication")
    if DASH in marks:
        notes.append(f"{DASH}: undefined in every replication")
    if partial:
        notes.append("n: replications where the metric is defined (when not all)")
    return ["  " + "; ".join(notes)] if notes else []


def variant_line(result: RunResult, out_dir: str | Path | None = None) -> str:
    """One line for a variant when several runs are summarised by the comparison."""
    where = f"  -> {out_dir}" if out_dir else ""
    return f"{result.label}  (run {result.run_id or '-'}, {result.replications} replications){where}"


def _short(label: str, reference: RunResult) -> str:
    """A variant's column title: its variant name when it shares the reference's scenario."""
    prefix = reference.scenario_name + ":"
    return label[len(prefix):] if label.startswith(prefix) and len(label) > len(prefix) else label


def _cell(d: Difference | None, name: str, units: dict[str, str], marks: set[str]) -> str:
    if d is None:
        marks.add("absent")
        return "absent"
    if d.n == 0:
        if math.isnan(d.other_mean):
            text = _undefined(name, units)
            marks.add(text)
            return text
        marks.add("->")
        return "-> " + fmt(d.other_mean)
    return fmt_signed(d.mean) + (" *" if d.distinguishable else "")


def comparison_lines(comparison: Comparison, names: Sequence[str], columns: int,
                     unpaired: Sequence[Unpaired] = ()) -> list[str]:
    """One table of paired differences (rows = metrics, one column per run), folded where nothing changed.

    Falls back to one compact block per run when the table is wider than ``columns``. Metrics
    that only some runs have are listed below it ("only in ...").
    """
    ref = comparison.reference
    pct = round(comparison.confidence * 100)
    units = {k: v for run in [*comparison.others, ref] for k, v in element_units(run).items()}
    by_label = {label: {d.metric: d for d in diffs} for label, diffs in comparison.differences.items()}
    labels = list(by_label)
    shown = [n for n in names if n in ref.summary and any(n in diffs for diffs in by_label.values())]
    unchanged, never, rows = [], [], []
    for name in shown:
        ds = [by_label[lb].get(name) for lb in labels]
        if all(_same(d) for d in ds):
            unchanged.append(name)
        elif ref.summary[name].n == 0 and all(_undefined_in_both(d) for d in ds):
            never.append(name)
        else:
            rows.append(name)
    kind = "variant" if all(o.scenario_name == ref.scenario_name for o in comparison.others) else "run"
    legend_line = f"Paired differences ({kind} - {ref.label}) under common random numbers, {pct}% CI; * = interval excludes 0"
    lines = ["", legend_line]
    marks: set[str] = set()
    header = ["metric", "unit", ref.label, *(_short(lb, ref) for lb in labels)]
    table = [[n, _unit(n, units), _base(ref, n, units), *(_cell(by_label[lb].get(n), n, units, marks) for lb in labels)]
             for n in rows]
    wide = _table(header, table) if table else []
    if max((len(line) for line in wide), default=0) <= columns:
        lines += wide
    else:
        marks = set()
        for lb in labels:
            lines += _block(ref, lb, by_label[lb], rows, units, pct, marks)
    if unchanged:
        lines.append(f"  unchanged in every {kind}: {', '.join(unchanged)}")
    days = [n for n in never if _undefined(n, units) == NEVER]
    if days:
        lines.append(f"  {NEVER} in any run: {', '.join(days)}")
    if len(days) < len(never):
        lines.append(f"  undefined in every run: {', '.join(n for n in never if n not in days)}")
    lines += _only_in(unpaired, [*names, *_added_outputs(unpaired)], ref, units)
    legend = []
    if "->" in marks:
        legend.append("-> x: the run's mean where the reference is undefined (no pairs)")
    if "absent" in marks:
        legend.append("absent: the run does not have this metric")
    if NEVER in marks:
        legend.append(f"{NEVER}: did not happen in any replication")
    lines += ["  " + "; ".join(legend)] if legend else []
    return [wrapped for line in lines for wrapped in _wrap(line, columns)]


def _same(d: Difference | None) -> bool:
    """Paired and no change at all, or only float noise (``-2.84e-15 ± 5.75e-15`` days)."""
    return d is not None and d.n > 0 and (d.mean == 0 or d.negligible)


def _undefined_in_both(d: Difference | None) -> bool:
    """Undefined in the reference and in the run ('never' in both): no pairs, nothing changed."""
    return d is not None and d.n == 0 and math.isnan(d.other_mean) and math.isnan(d.reference_mean)


def _added_outputs(unpaired: Sequence[Unpaired]) -> list[str]:
    """Input-set metrics (a non-lethal output) of elements a run adds: no headlines, but what the run adds."""
    from peacesim.catalog import lookup, pattern_of

    return sorted({u.metric for u in unpaired if not u.in_reference and pattern_of(u.metric) is not None
                   and lookup(u.metric).input_set})


def _wrap(line: str, columns: int) -> list[str]:
    """Long list lines ("unchanged in every variant: a, b, ...") wrapped to the terminal; table rows kept."""
    if len(line) <= columns or not line.startswith("  ") or ": " not in line or "  " in line.strip():
        return [line]
    return textwrap.wrap(line, width=max(columns, 40), initial_indent="", subsequent_indent="    ",
                         break_on_hyphens=False, drop_whitespace=True) or [line]


def _base(ref: RunResult, name: str, units: dict[str, str]) -> str:
    s = ref.summary[name]
    return fmt(s.mean) if s.n else _undefined(name, units)


def _block(ref: RunResult, label: str, diffs: dict[str, Difference], rows: Sequence[str], units: dict[str, str],
           pct: int, marks: set[str]) -> list[str]:
    """One run against the reference: base mean, difference +- half-width, changed rows only."""
    table, same, never = [], [], []
    for n in rows:
        d = diffs.get(n)
        if _same(d):
            same.append(n)
            continue
        if _undefined_in_both(d):
            never.append(n)
            continue
        cell = _cell(d, n, units, marks)
        if d is not None and d.n > 1 and not math.isnan(d.ci_high):
            cell = cell.removesuffix(" *") + f" \u00b1 {fmt((d.ci_high - d.ci_low) / 2)}" + (" *" if d.distinguishable else "")
        table.append([n, _unit(n, units), _base(ref, n, units), cell])
    lines = ["", f"{label} vs {ref.label}"]
    lines += _table(["metric", "unit", ref.label, f"difference \u00b1 {pct}% CI"], table) if table else []
    if same:
        lines.append(f"  unchanged: {', '.join(same)}")
    days = [n for n in never if _undefined(n, units) == NEVER]
    if days:
        lines.append(f"  {NEVER} in either run: {', '.join(days)}")
    if len(days) < len(never):
        lines.append(f"  undefined in either run: {', '.join(n for n in never if n not in days)}")
    return lines


def _only_in(unpaired: Sequence[Unpaired], names: Sequence[str], ref: RunResult, units: dict[str, str]) -> list[str]:
    """``only in LABEL: metric mean unit, ...`` for metrics that only some runs have."""
    wanted = set(names)
    groups: dict[str, dict[str, tuple[float, int, set[str]]]] = {}
    for u in unpaired:
        if u.metric not in wanted:
            continue
        entry = groups.setdefault(u.present_in, {}).setdefault(u.metric, (u.mean, u.n, set()))
        if u.in_reference:
            entry[2].add(u.other)
    lines = []
    for present, metrics in groups.items():
        parts = []
        for m in sorted(metrics, key=sort_key):
            mean, n, missing = metrics[m]
            value = fmt(mean) if n else _undefined(m, units)
            unit = _unit(m, units)
            text = f"{m} {value}" + (f" {unit}" if unit and n else "")
            if missing:
                text += f" (not in {', '.join(_short(lb, ref) for lb in sorted(missing))})"
            parts.append(text)
        lines.append(f"  only in {present}: {'; '.join(parts)}")
    return lines
