"""What :func:`peacesim.sweep`, :func:`peacesim.size` and :func:`peacesim.explore` return.

Thin views over the experiment layer's results, made for notebooks: a one-line repr, a small
HTML table for Jupyter, ``to_dict()`` in the shape ``--json`` prints (``docs/json.md``) and tidy
tables (``*_rows()`` as plain dicts, ``*_frame()`` as pandas DataFrames) that carry ``run_id``
and ``variant`` in every row, with values in long form (``metric``, ``statistic``, ``value``).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from .experiment.outputs import SUMMARY_STATISTICS
from .experiment.results import RunResult, _frame

if TYPE_CHECKING:
    import pandas as pd

    from .experiment.explore_analysis import Answers
    from .experiment.sizing import SizingResult
    from .experiment.sweep import SweepResult

#: Statistics of a metric in the long tables (``n`` counts replications where it was defined).
STATISTICS = (*SUMMARY_STATISTICS, "n")


def _table(head: list[str], rows: list[list[Any]]) -> str:
    """A plain HTML table (Jupyter styles it)."""
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(_text(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _text(x: Any) -> str:
    from .catalog import number

    return number(float(x)) if isinstance(x, float) else str(x)


def _headline(names: list[str], k: int = 3) -> list[str]:
    from .catalog import is_headline

    return ([m for m in names if is_headline(m)] or names)[:k]


@dataclass(repr=False)
class SweepResults:
    """A sweep: one stored run per point of the design (grid, Latin hypercube or one-at-a-time)."""

    result: SweepResult

    @property
    def sweep_id(self) -> str:
        return self.result.sweep.sweep_id

    @property
    def runs(self) -> list[RunResult]:
        """The points' runs, in point order."""
        return self.result.results

    @property
    def parameters(self) -> list[str]:
        return [p.path for p in self.result.sweep.params]

    def points(self) -> list[dict[str, Any]]:
        """One row per point: point, role, run_id, variant and each parameter's value."""
        sw = self.result.sweep
        return [{"point": pt.index, "role": pt.role, "run_id": r.run_id, "variant": r.variant, **sw.values(pt)}
                for pt, r in zip(sw.points, self.runs, strict=True)]

    def summary_rows(self) -> list[dict[str, Any]]:
        """Long form: the point's identity and parameter values, then metric, statistic, value."""
        return [{**point, "metric": m, "statistic": k, "value": float(getattr(s, k))}
                for point, r in zip(self.points(), self.runs, strict=True)
                for m, s in sorted(r.summary.items()) for k in STATISTICS]

    def summary_frame(self) -> pd.DataFrame:
        """:meth:`summary_rows` as a DataFrame; ``frame[frame.statistic == "mean"].pivot(...)`` for a wide view."""
        return _frame(self.summary_rows())

    def to_dict(self) -> dict[str, Any]:
        """The sweep as ``peacesim sweep --json`` prints it."""
        from .experiment.documents import sweep_doc

        return sweep_doc(self.result)

    def __repr__(self) -> str:
        sw = self.result.sweep
        label = sw.scenario + (f":{sw.variant}" if sw.variant else "")
        return (f"<SweepResults {sw.sweep_id}: {label}, {sw.mode}, {len(sw.points)} points x {sw.replications} "
                f"replications, {len(self.parameters)} parameters>")

    def _repr_html_(self) -> str:
        """Each point's parameter values and the means of (up to three) headline metrics."""
        names = _headline(self.result.metrics())
        rows = [[*(p[k] for k in self.parameters), *(_mean(r, m) for m in names)]
                for p, r in zip(self.points(), self.runs, strict=True)]
        return f"<p><b>{escape(repr(self)[1:-1])}</b></p>" + _table([*self.parameters, *(f"{m} (mean)" for m in names)], rows)


def _mean(run: RunResult, metric: str) -> float:
    s = run.summary.get(metric)
    return float("nan") if s is None else float(s.mean)


@dataclass(repr=False)
class SizingResults:
    """A sizing: the smallest value that meets the target with the required probability, and the evidence."""

    result: SizingResult

    @property
    def sizing_id(self) -> str:
        return self.result.sizing.sizing_id

    @property
    def value(self) -> int | float | None:
        """The answer of a one-path sizing (None when none was shown; see :meth:`answers`)."""
        return self.result.answers[0].value if len(self.result.answers) == 1 else None

    def answers(self) -> list[dict[str, Any]]:
        """One row per answer (one, or one per value of the first path of a frontier)."""
        s = self.result.sizing
        return [{**a.fixed, "variant": s.variant, "path": s.varies[-1].path, "status": a.status, "value": a.value,
                 "lower": a.lower, "estimate": a.estimate, "warning": a.warning} for a in self.result.answers]

    def probe_rows(self) -> list[dict[str, Any]]:
        """Long form, every value tried: run_id, variant, the values, decision, then metric (the target),
        statistic and value (``n``, ``met``, ``p_met``, ``low``, ``high``: replications, how many met the target, P(met) and its interval)."""
        s = self.result.sizing
        rows = []
        for a in self.result.answers:
            for p in sorted(a.probes, key=lambda q: q.x):
                ident = {"run_id": p.run_id, "variant": s.variant, **{v.path: p.overrides.get(v.path) for v in s.varies},
                         "decision": p.state}
                rows += [{**ident, "metric": s.target, "statistic": k, "value": float(x)}
                         for k, x in (("n", p.n), ("met", p.met), ("p_met", p.p), ("low", p.low), ("high", p.high))]
        return rows

    def probe_frame(self) -> pd.DataFrame:
        return _frame(self.probe_rows())

    def answer_frame(self) -> pd.DataFrame:
        return _frame(self.answers())

    def to_dict(self) -> dict[str, Any]:
        """The sizing as ``peacesim size --json`` prints it."""
        from .experiment.documents import sizing_doc

        return sizing_doc(self.result)

    def __repr__(self) -> str:
        s = self.result.sizing
        label = s.scenario + (f":{s.variant}" if s.variant else "")
        found = ", ".join(f"{a.status} {a.value}" for a in self.result.answers[:3])
        more = ", ..." if len(self.result.answers) > 3 else ""
        return f"<SizingResults {s.sizing_id}: {label}, {s.target!r} with P >= {s.confidence:g}: {found}{more}>"

    def _repr_html_(self) -> str:
        rows = [[*(str(v) for v in a.values())] for a in self.answers()]
        head = list(self.answers()[0]) if rows else []
        return f"<p><b>{escape(repr(self)[1:-1])}</b></p>" + _table(head, rows)


@dataclass(repr=False)
class ExploreResults:
    """An exploration: points drawn over the scenario's uncertain values, replicated, and what they answer."""

    answers: Answers

    @property
    def explore_id(self) -> str:
        return self.answers.ex.explore_id

    @property
    def parameters(self) -> list[str]:
        return [u.name for u in self.answers.ex.space.params]

    def targets(self) -> list[dict[str, Any]]:
        """P(target met) over the space with its interval, one row per target."""
        rows = []
        for t in self.answers.ex.targets:
            c = self.answers.chance(t)
            rows.append({"variant": self.answers.ex.variant, "target": t, "p_met": c.p, "ci_low": c.low,
                         "ci_high": c.high, "points": c.n})
        return rows

    def replication_rows(self) -> list[dict[str, Any]]:
        """Long form, every replication of every point: point, variant, the values, replication, metric, value."""
        ex, a = self.answers.ex, self.answers
        return [{"point": k, "variant": ex.variant, **{u: ex.values[k][u] for u in self.parameters}, "replication": r,
                 "metric": m, "value": float(arr[k, r])}
                for k in range(ex.points) for m, arr in sorted(a.metrics.items()) for r in range(ex.replications)]

    def point_rows(self) -> list[dict[str, Any]]:
        """Long form, per point: the values, then each metric's mean over its replications."""
        ex, a = self.answers.ex, self.answers
        means = {m: a.point_means(m) for m in sorted(a.metrics)}
        return [{"point": k, "variant": ex.variant, **{u: ex.values[k][u] for u in self.parameters},
                 "metric": m, "statistic": "mean", "value": float(v[k])} for k in range(ex.points) for m, v in means.items()]

    def replication_frame(self) -> pd.DataFrame:
        return _frame(self.replication_rows())

    def point_frame(self) -> pd.DataFrame:
        return _frame(self.point_rows())

    def target_frame(self) -> pd.DataFrame:
        return _frame(self.targets())

    def to_dict(self) -> dict[str, Any]:
        """The exploration as ``peacesim explore --json`` prints it (PRIM boxes and indices included)."""
        from .experiment.documents import explore_doc

        return explore_doc(self.answers)

    def __repr__(self) -> str:
        ex = self.answers.ex
        label = ex.scenario + (f":{ex.variant}" if ex.variant else "")
        return (f"<ExploreResults {ex.explore_id}: {label}, {ex.points} points ({ex.design.sampler}) x "
                f"{ex.replications} replications, {len(self.parameters)} uncertain values, {len(ex.targets)} targets>")

    def _repr_html_(self) -> str:
        rows = [[t["target"], t["p_met"], f"[{_text(t['ci_low'])}, {_text(t['ci_high'])}]", t["points"]]
                for t in self.targets()]
        return f"<p><b>{escape(repr(self)[1:-1])}</b></p>" + _table(["target", "P(met)", "interval", "points"], rows)
