"""Targets: what a replication must achieve (``foc_day <= 120 and coverage_mean >= 0.9``).

A target is one or more clauses ``METRIC OP NUMBER`` joined by ``and``; ``OP`` is one of ``<=``,
``<``, ``>=``, ``>``. ``METRIC`` is a scalar metric name of the catalog
(:data:`peacesim.catalog.CATALOG`), per-element ones included (``stockout_day.us_patriot``),
optionally with a day window ``[START,END]`` (``response_within_target_share[180,730]``: the metric
computed over days START to END only). A replication meets the target when every clause holds.

Undefined values (NaN) follow the metric:

* **day metrics** (day-of-event: ``ioc_day``, ``foc_day``, ``stockout_day.<system_id>``) are NaN
  when the event never happened within the horizon, which is read as "later than any day": the
  clause holds for ``>=``/``>`` (a stock-out that never happens is not before day 365) and fails
  for ``<=``/``<`` (an FOC never reached is not by day 120);
* **every other metric** is NaN when it has nothing to measure (no incident answered, no threat):
  the clause fails, so a target is never met by default. :meth:`Target.undefined` counts those
  replications so a report can say so.

Over replications, P(met) is estimated with a Wilson score or Clopper-Pearson (exact) interval.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..catalog import CATALOG, lookup, pattern_of, window_name
from ..errors import UsageError

Op = Literal["<=", "<", ">=", ">"]
Method = Literal["wilson", "clopper-pearson"]
METHODS: tuple[str, ...] = ("wilson", "clopper-pearson")

_CLAUSE = re.compile(
    r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_.]*)\s*"
    r"(?:\[\s*(?P<start>[^,\]]*?)\s*,\s*(?P<end>[^\]]*?)\s*\])?\s*"
    r"(?P<op><=|>=|<|>|==|=|!=)?\s*(?P<value>.*?)\s*$"
)
_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


class TargetError(UsageError):
    """A target expression that cannot be understood (exit 2)."""


@dataclass(frozen=True)
class Clause:
    """``metric[window] op value``; ``metric`` is the base name, without the window."""

    metric: str
    op: Op
    value: float
    window: tuple[float, float] | None = None

    @property
    def name(self) -> str:
        """The metric's full name in a replication's metrics: ``name`` or ``name[start,end]``."""
        if self.window is None:
            return self.metric
        return window_name(self.metric, *self.window)

    @property
    def never_is_late(self) -> bool:
        """True for day metrics, whose NaN means "never happened" (later than any day)."""
        m = lookup(self.metric)
        return m.event is not None or m.unit in ("day", "days")

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Per replication: does the clause hold? (NaN handled as the module docstring says)."""
        x = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            if self.op == "<=":
                ok = x <= self.value
            elif self.op == "<":
                ok = x < self.value
            elif self.op == ">=":
                ok = x >= self.value
            else:
                ok = x > self.value
        if self.never_is_late and self.op in (">=", ">"):
            ok = ok | np.isnan(x)
        return np.asarray(ok, dtype=bool)

    def __str__(self) -> str:
        return f"{self.name} {self.op} {_num(self.value)}"


@dataclass(frozen=True)
class Target:
    """Clauses joined by ``and``: a replication meets the target when every clause holds."""

    clauses: tuple[Clause, ...]
    text: str

    @property
    def metrics(self) -> list[str]:
        """Full metric names the target reads (windowed ones with their window)."""
        return list(dict.fromkeys(c.name for c in self.clauses))

    def met(self, metrics: Mapping[str, np.ndarray | float]) -> np.ndarray:
        """Per replication, whether the target is met; ``metrics`` maps full names to values.

        Raises:
            TargetError: a metric the replications do not report, with a suggestion.
        """
        self.check(metrics.keys())
        ok: np.ndarray | None = None
        for c in self.clauses:
            holds = c.holds(np.atleast_1d(np.asarray(metrics[c.name], dtype=np.float64)))
            ok = holds if ok is None else ok & holds
        assert ok is not None
        return ok

    def undefined(self, metrics: Mapping[str, np.ndarray | float]) -> int:
        """Replications where some clause's metric is NaN and that NaN makes the clause fail."""
        bad: np.ndarray | None = None
        for c in self.clauses:
            x = np.isnan(np.atleast_1d(np.asarray(metrics[c.name], dtype=np.float64)))
            if c.never_is_late:
                continue
            bad = x if bad is None else bad | x
        return 0 if bad is None else int(bad.sum())

    def check(self, available: Iterable[str]) -> None:
        """Refuse metric names the replications do not report (``stockout_day.us_patriott``)."""
        names = [str(n) for n in available]
        have = set(names)
        for c in self.clauses:
            if c.name in have:
                continue
            if c.window is not None and c.metric in have:
                raise TargetError(
                    f"target {self.text!r}: the replications have no windowed metric {c.name!r}; "
                    f"add the window {{start_day: {_num(c.window[0])}, end_day: {_num(c.window[1])}}} to metrics.windows "
                    "in the scenario (peacesim size adds it itself), or drop the window"
                )
            close = difflib.get_close_matches(c.name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TargetError(f"target {self.text!r}: this scenario reports no metric {c.name!r}{hint}")

    def __str__(self) -> str:
        return " and ".join(str(c) for c in self.clauses)


def parse(text: str) -> Target:
    """Parse a target expression; raises :class:`TargetError` saying what is wrong and where."""
    if not text or not text.strip():
        raise TargetError("empty target: give e.g. 'foc_day <= 120' or 'coverage_mean >= 0.9'")
    parts = _AND.split(text.strip())
    clauses = tuple(_clause(part, text) for part in parts)
    return Target(clauses, text.strip())


def windows_needed(target: Target | str) -> list[tuple[float, float]]:
    """The day windows the target's metrics need, in order of first use (no duplicates)."""
    t = parse(target) if isinstance(target, str) else target
    return list(dict.fromkeys(c.window for c in t.clauses if c.window is not None))


def interval(met: int, n: int, level: float = 0.95, method: Method = "wilson") -> tuple[float, float]:
    """Two-sided ``level`` interval of a probability from ``met`` successes in ``n`` trials.

    ``wilson`` is the Wilson score interval; ``clopper-pearson`` the exact (conservative) one from
    beta quantiles. With ``n == 0`` the interval is (0, 1).
    """
    if not 0 <= met <= n:
        raise ValueError(f"need 0 <= met <= n (got met={met}, n={n})")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1 (got {level})")
    if n == 0:
        return 0.0, 1.0
    alpha = 1.0 - level
    if method == "clopper-pearson":
        from scipy.stats import beta

        lo = 0.0 if met == 0 else float(beta.ppf(alpha / 2, met, n - met + 1))
        hi = 1.0 if met == n else float(beta.ppf(1 - alpha / 2, met + 1, n - met))
        return lo, hi
    if method != "wilson":
        raise ValueError(f"unknown interval method {method!r}; expected one of {', '.join(METHODS)}")
    from statistics import NormalDist  # no SciPy import for the common case: sizing looks often

    z = NormalDist().inv_cdf(1.0 - alpha / 2)
    p = met / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


# -- parsing -----------------------------------------------------------------------------------
def _clause(part: str, whole: str) -> Clause:
    where = f"target {whole.strip()!r}"
    if not part.strip():
        raise TargetError(f"{where}: an 'and' with nothing on one side")
    m = _CLAUSE.match(part)
    if m is None or not m.group("metric"):
        raise TargetError(f"{where}: cannot read {part.strip()!r}; expected METRIC OP NUMBER, e.g. 'foc_day <= 120'")
    metric, op, value = m.group("metric"), m.group("op"), m.group("value")
    _check_metric(metric, where)
    if op is None:
        raise TargetError(f"{where}: {part.strip()!r} has no comparison; use <=, <, >= or >")
    if op in ("==", "=", "!="):
        raise TargetError(f"{where}: {op!r} is not a target comparison; use <=, <, >= or > "
                          "(a simulated value is rarely exactly equal to a number)")
    number = _number(value, f"{where}: {metric} {op}")
    window = None
    if m.group("start") is not None:
        start = _number(m.group("start"), f"{where}: window start of {metric}")
        end = _number(m.group("end"), f"{where}: window end of {metric}")
        if not 0 <= start < end:
            raise TargetError(f"{where}: the window of {metric} needs 0 <= START < END (got [{_num(start)},{_num(end)}])")
        window = (start, end)
        if not CATALOG[pattern_of(metric) or metric].windowed:
            raise TargetError(f"{where}: {metric} is computed over the whole run only; it has no day windows")
    return Clause(metric, op, number, window)  # type: ignore[arg-type]


def _check_metric(name: str, where: str) -> None:
    key = pattern_of(name)
    if key is not None:
        if CATALOG[key].kind == "series":
            scalars = [k for k, d in CATALOG.items() if d.kind == "scalar" and k.split(".")[0].startswith(key.split(".")[0])]
            hint = f"; use a scalar such as {scalars[0]!r}" if scalars else ""
            raise TargetError(f"{where}: {name!r} is a daily series, not one number per replication{hint}")
        return
    raise TargetError(f"{where}: unknown metric {name!r}{_suggest(name)}; list them with: peacesim metrics")


def _suggest(name: str) -> str:
    """``; did you mean 'foc_day'?`` from the scalar metrics (per-element ones keep the given id)."""
    scalars = [k for k, d in CATALOG.items() if d.kind == "scalar"]
    plain = [k for k in scalars if "<" not in k]
    close = difflib.get_close_matches(name, plain, n=1, cutoff=0.6)
    head, dot, tail = name.partition(".")
    if dot:
        prefixes = {k.partition(".")[0]: k for k in scalars if "<" in k}
        near = difflib.get_close_matches(head, list(prefixes), n=1, cutoff=0.6)
        if near:
            return f"; did you mean {near[0] + '.' + tail!r} ({prefixes[near[0]]})?"
    if close:
        return f"; did you mean {close[0]!r}?"
    return ""


def _number(text: str | None, where: str) -> float:
    raw = (text or "").strip()
    try:
        x = float(raw)
    except ValueError:
        raise TargetError(f"{where}: expected a number (got {raw!r})" if raw else f"{where}: a number is missing") from None
    if not math.isfinite(x):
        raise TargetError(f"{where}: the number must be finite (got {raw!r})")
    return x


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
