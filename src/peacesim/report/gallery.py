"""Which charts a report holds, drawn and saved as PNG and SVG, ready to embed.

A chart whose inputs a run lacks (no air defence, so no stock series) is listed with the reason
instead of failing the whole report: the reader sees what is missing and why.
"""

from __future__ import annotations

import base64
import functools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from peacesim.errors import ReportError
from peacesim.experiment.results import Comparison, RunResult

from . import charts_airdefence, charts_compare, charts_coverage, charts_forces, charts_response, charts_risk
from . import map as zone_map
from .labels import metric_label
from .phrasing import headline_order
from .style import save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    """A drawn chart (``files`` and ``png_base64`` set) or one that could not be drawn (``missing``)."""

    key: str
    title: str
    files: tuple[Path, ...] = ()
    png_base64: str = ""
    missing: str = ""


def slug(text: str) -> str:
    """A safe file-name stem: lower-case letters, digits, '-' and '_' only (no path parts)."""
    s = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_.")
    return s[:80] or "chart"


def _draw(key: str, title: str, make: Callable[[], Figure], out_dir: Path) -> Chart:
    try:
        fig = make()
    except ReportError as e:
        return Chart(key, title, missing=str(e))
    return _saved(key, title, fig, out_dir)


def _saved(key: str, title: str, fig: Figure, out_dir: Path) -> Chart:
    files = save_figure(fig, out_dir / key)
    png = next(p for p in files if p.suffix == ".png")
    return Chart(key, title, tuple(files), base64.b64encode(png.read_bytes()).decode("ascii"))


#: A chart to draw: its file key, its caption and the function that makes the figure.
Job = tuple[str, str, Callable[[], "Figure"]]


def risk_jobs(results: Sequence[RunResult]) -> list[Job]:
    """The risk-and-error figures: spread and error of each headline metric, option by option."""
    return [(key, "Risk and error: spread of outcomes (10th–90th percentile) and confidence interval of the mean — "
             + ", ".join(metric_label(m).text for m in names),
             functools.partial(charts_risk.plot_risk_error, results, names))
            for key, names in charts_risk.risk_figures(results)]


def overview_jobs(results: Sequence[RunResult], comparison: Comparison | None) -> list[Job]:
    """Charts across all runs: coverage and leakers overlaid, response times, and the comparison.

    Several runs are drawn on shared axes rather than chart by chart: a reader compares them at a
    glance, and the report stays small (detail charts are drawn for the reference only).
    """
    several = len(results) > 1
    jobs: list[Job] = [
        ("coverage", "Overall coverage over time, all runs" if several else "Coverage of required troops over time",
         lambda: charts_coverage.plot_coverage(results)),
    ]
    if several:
        jobs.append(("leakers-all", "Cumulative leakers over time, all runs",
                     lambda: charts_airdefence.plot_leakers_overlay(results)))
    jobs.append(("response-times", "Incident response time across replications",
                 lambda: charts_response.plot_response_times(results)))
    if comparison is not None:
        names = {d.metric for diffs in comparison.differences.values() for d in diffs}
        jobs.append(("differences", "Paired differences of the headline metrics against the reference",
                     lambda: charts_compare.plot_difference_forest(comparison, headline_order(names, comparison.reference))))
    return jobs


def overview_charts(results: Sequence[RunResult], comparison: Comparison | None, out_dir: Path) -> list[Chart]:
    """The risk-and-error and overview charts, drawn (see :func:`draw_all`)."""
    return draw_all(risk_jobs(results) + overview_jobs(results, comparison), out_dir)


def run_jobs(result: RunResult, index: int) -> list[Job]:
    """Detail charts of one run (the report draws them for the reference only).

    Files are prefixed ``run<index>-`` so charts of different runs never overwrite each other.
    """
    p = f"run{index}-"
    makers: list[tuple[str, str, Callable[[], Figure]]] = [
        ("map", "Zones on the map by mean coverage", lambda: zone_map.plot_zone_map(result)),
        ("coverage-zones", "Coverage by zone over time", lambda: charts_coverage.plot_zone_coverage(result)),
        ("coverage-heatmap", "Coverage by zone and day", lambda: charts_coverage.plot_coverage_heatmap(result)),
        ("force-flow", "Where the committed troops are", lambda: charts_forces.plot_force_flow(result)),
        ("interceptor-stocks", "Interceptor stocks by system", lambda: charts_airdefence.plot_interceptor_stocks(result)),
        ("leakers", "Threats that got through, by zone", lambda: charts_airdefence.plot_leakers(result)),
    ]
    return [(p + key, title, make) for key, title, make in makers]


def run_charts(result: RunResult, index: int, out_dir: Path) -> list[Chart]:
    """The detail charts of one run, drawn."""
    return draw_all(run_jobs(result, index), out_dir)


_PENDING: list[Job] = []


def _draw_pending(i: int, out_dir: Path) -> Chart:
    """In a forked worker: draw the i-th pending job (inherited from the parent, never pickled)."""
    key, title, make = _PENDING[i]
    return _draw(key, title, make, out_dir)


def workers(jobs: int) -> int:
    """Processes to draw with: the usable cores (``PEACESIM_REPORT_WORKERS`` overrides), at most one per job."""
    env = os.environ.get("PEACESIM_REPORT_WORKERS", "")
    cores = int(env) if env.isdigit() and int(env) > 0 else len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, jobs))


def start_drawing(jobs: Sequence[Job], out_dir: Path) -> Callable[[], list[Chart]]:
    """Start drawing and saving every job; return a function that waits for the charts, in job order.

    Forked worker processes draw in parallel while the caller goes on (tables, findings): matplotlib
    holds the GIL, so threads would not help; the workers inherit the jobs (closures over the
    results) without pickling them and send back only the small :class:`Chart`. Where fork is not
    available, or there is one core, the jobs are drawn when the charts are asked for. Either way
    the files are the same.
    """
    import multiprocessing

    n = workers(len(jobs))
    if n == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return lambda: [_draw(key, title, make, out_dir) for key, title, make in jobs]
    from concurrent.futures import ProcessPoolExecutor

    global _PENDING
    _PENDING = list(jobs)
    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"))
    try:
        futures = [pool.submit(_draw_pending, i, out_dir) for i in range(len(jobs))]
    finally:
        _PENDING = []  # the workers forked with their copy; the parent lets go of the closures

    def wait() -> list[Chart]:
        try:
            return [f.result() for f in futures]
        finally:
            pool.shutdown(cancel_futures=True)

    return wait


def draw_all(jobs: Sequence[Job], out_dir: Path) -> list[Chart]:
    """Draw and save every job (in parallel where the platform can fork; see :func:`start_drawing`)."""
    return start_drawing(jobs, out_dir)()


def extra_charts(figures: Mapping[str, Figure], out_dir: Path) -> list[Chart]:
    """Figures handed in by the caller (a tornado or sweep line), keyed by their caption."""
    return [_saved(f"extra-{i + 1}-{slug(title)}", title, fig, out_dir) for i, (title, fig) in enumerate(figures.items())]
