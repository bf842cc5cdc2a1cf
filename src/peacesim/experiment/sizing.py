"""Sizing: the smallest value of a key path for which a target is met with a stated confidence.

The question "how many troops per rotation make us 90% sure of FOC by day 120?" is answered by a
search over the values ``LOW, LOW+STEP, ..., HIGH`` of one (glob) key path. At each value tried
(a *probe*) replications run in batches (``first``, twice that, ... up to ``cap``) and after each
batch a sequential test looks at P(met), the share of replications meeting the target:

* **meets** when the interval of P(met) lies wholly at or above the confidence,
* **fails** when it lies wholly below,
* **inconclusive** when the cap is reached first (P(met) is too close to the confidence to tell).

Each look uses the interval at ``1 - (1 - level) / looks`` (Bonferroni over the planned looks), so
repeated looking does not erode the stated level. Every probe uses the same replication seeds
(replication ``i`` has the same stream at every value: common random numbers), so values differ
by the parameter, not by luck. The search bisects between the largest value that fails and the
smallest that meets; inconclusive probes split the bracket, and both edges of the inconclusive
stretch are refined until they are one step wide. The answer is the smallest value shown to
meet; its interval runs from just above the largest value shown to fail. If P(met) grows with
the value (checked: a warning says when it does not), the true smallest value lies in that
interval, at the stated level.

A value the scenario refuses by a rule across keys (``troops_per_unit`` below the contingent's
``sub_units``, a tour no longer than its handover) is no package at all: the search counts it as
failing the target, with the scenario's reason in the evidence, and goes on. HIGH must be a valid
scenario, and a value outside its field's bounds (negative troops) is an error before anything runs.

With two varied paths the result is a frontier: for each value of the first, the smallest of the
second. A sizing is stored like a sweep: each probe is a run of the store (``group_id`` = the
sizing id) and the search is replayed on resume from the stored replications, so a killed and
resumed sizing gives the same answer as an uninterrupted one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem, ScenarioError, UsageError
from ..scenario.schema import Scenario
from . import runner, scenarios, targets
from .executors import Executor, Simulate
from .ledger import working
from .sizing_ledger import SizingLedger
from .store import Store

DEFAULT_FIRST, DEFAULT_CAP, DEFAULT_LEVEL = 20, 320, 0.95
#: Values of the first --vary a frontier may have (each one is a whole search of the second).
FRONTIER_MAX_VALUES = 25
#: Steps a range is cut into when no --step is given (at least 1 for whole numbers).
DEFAULT_STEPS = 1000
Say = Callable[[str], None]


class RefusedValue(ScenarioError):
    """The scenario refuses a probe's value by a rule across keys; ``reason`` says which."""

    def __init__(self, problems: list[Problem], reason: str) -> None:
        super().__init__(problems)
        self.reason = reason


class SizingInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sizing: finished replications are kept; says how to resume."""

    def __init__(self, sizing_id: str) -> None:
        super().__init__(f"sizing {sizing_id} interrupted")
        self.sizing_id = sizing_id


@dataclass(frozen=True)
class Vary:
    """One varied (glob) key path: the values ``low, low + step, ...`` and ``high`` itself."""

    path: str
    low: float
    high: float
    step: float
    integer: bool

    @property
    def count(self) -> int:
        n = int(math.floor((self.high - self.low) / self.step + 1e-9)) + 1
        return n + (1 if self.low + (n - 1) * self.step < self.high - 1e-9 * abs(self.step) else 0)

    def value(self, k: int) -> int | float:
        x = min(self.high, self.low + k * self.step) if k < self.count - 1 else self.high
        return int(round(x)) if self.integer else float(x)

    @property
    def text(self) -> str:
        return f"{self.path}={show_value(self.low)}:{show_value(self.high)} (step {show_value(self.step)})"


def parse_vary(text: str, step: float | None = None, integer: bool = False) -> Vary:
    """Parse ``PATH=LOW:HIGH`` or ``PATH=LOW:HIGH:STEP``.

    Without a step the range is cut into :data:`DEFAULT_STEPS` steps; integer fields (or
    ``integer``) get whole-number steps, at least 1.
    """
    from .design import _field_kind

    path, eq, rhs = text.partition("=")
    path = path.strip()
    parts = [p.strip() for p in rhs.split(":")]
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        nums = []
    if not eq or not path or len(nums) not in (2, 3) or not all(math.isfinite(x) for x in nums):
        raise UsageError(f"--vary expects PATH=LOW:HIGH or PATH=LOW:HIGH:STEP with numbers (got {text!r})")
    field_int, numeric = _field_kind(Scenario, path)
    if numeric is False:
        raise UsageError(f"--vary {path}: the field is not a number")
    integer = integer or field_int
    low, high = nums[0], nums[1]
    if not high > low:
        raise UsageError(f"--vary {path}: needs LOW < HIGH (got {show_value(low)}:{show_value(high)})")
    s = nums[2] if len(nums) == 3 else step
    if s is None:  # a resolution finer than the noise costs probes and says nothing more
        s = (high - low) / DEFAULT_STEPS
        s = float(max(1, round(s))) if integer else s
    if not s > 0:
        raise UsageError(f"--vary {path}: the step must be positive (got {show_value(s)})")
    if integer and (low != int(low) or high != int(high) or s != int(s)):
        raise UsageError(f"--vary {path}: an integer search needs integer LOW, HIGH and step (got {text!r}, step {show_value(s)})")
    return Vary(path, low, high, float(s), integer)


def schedule(first: int, cap: int) -> list[int]:
    """Replication counts at which a probe is looked at: first, 2 x first, ..., cap."""
    out, n = [], first
    while n < cap:
        out.append(n)
        n *= 2
    return out + [cap]


@dataclass
class Sizing:
    """The question: vary these paths, meet this target with this confidence, on this base."""

    file: str
    scenario: str
    variant: str | None
    base_text: str
    varies: list[Vary]
    target: str
    confidence: float = 0.9
    level: float = DEFAULT_LEVEL
    method: targets.Method = "wilson"
    first: int = DEFAULT_FIRST
    cap: int = DEFAULT_CAP
    seed: int = 0
    model: str | None = None
    sizing_id: str = ""
    probes: dict[str, str] = field(default_factory=dict)

    @property
    def look_level(self) -> float:
        """The interval level of each look (Bonferroni over the planned looks)."""
        return 1.0 - (1.0 - self.level) / len(schedule(self.first, self.cap))

    def spec(self) -> dict[str, Any]:
        return {"varies": [v.__dict__ for v in self.varies], "target": self.target, "confidence": self.confidence,
                "level": self.level, "method": self.method, "first": self.first, "cap": self.cap, "seed": self.seed,
                "model": self.model}

    def frontier_values(self) -> list[int | float]:
        """Values of the first varied path a frontier fixes (empty for a one-path sizing)."""
        if len(self.varies) < 2:
            return []
        v = self.varies[0]
        return [v.value(k) for k in range(v.count)]


@dataclass
class Probe:
    """One value tried: replications, how many met the target, the interval and the decision."""

    overrides: dict[str, Any]
    x: float
    n: int
    met: int
    undefined: int
    low: float
    high: float
    state: str
    run_id: str
    refused: str | None = None  # why the scenario refuses this value (then it fails, with no replications)

    @property
    def p(self) -> float:
        return self.met / self.n if self.n else math.nan


@dataclass
class Answer:
    """The smallest value shown to meet the target (None if none), with its interval and evidence.

    ``status``: ``found``, ``met_at_low`` (LOW already meets), ``not_met`` (HIGH fails) or ``open``
    (HIGH is inconclusive). ``lower``..``value`` is the interval: values not shown to fail or meet.
    """

    fixed: dict[str, Any]
    status: str
    value: int | float | None
    lower: int | float | None
    estimate: int | float | None
    probes: list[Probe]
    warning: str | None = None

    @property
    def best(self) -> Probe:
        """The probe with the highest P(met) (the highest value refused when every value is refused)."""
        ran = [p for p in self.probes if p.refused is None]
        return max(ran, key=lambda p: (p.p, -p.x)) if ran else max(self.probes, key=lambda p: p.x)


@dataclass
class SizingResult:
    sizing: Sizing
    answers: list[Answer]


def plan(file: str, varies: Sequence[str], target: str, *, variant: str | None = None, sets: Sequence[str] = (),
         scales: Sequence[str] = (), step: float | None = None, integer: bool = False, confidence: float = 0.9,
         level: float = DEFAULT_LEVEL, method: str = "wilson", first: int | None = None, cap: int = DEFAULT_CAP,
         seed: int | None = None, simulate: Simulate | None = None) -> Sizing:
    """Parse and check the question; the lowest and highest values are validated before anything runs.

    ``first`` (the first batch at each value) defaults to 20, or ``cap`` when that is smaller.

    Raises:
        UsageError: malformed options (``TargetError`` for the target).
        ScenarioError: a bad scenario, or a varied path or value the scenario refuses (at ``--vary``).
    """
    if not varies or len(varies) > 2:
        raise UsageError("give one --vary PATH=LOW:HIGH (or two for a frontier)")
    if not 0 < confidence < 1 or not 0 < level < 1:
        raise UsageError("--confidence and --level must be between 0 and 1")
    if method not in targets.METHODS:
        raise UsageError(f"unknown interval method {method!r}; expected one of {', '.join(targets.METHODS)}")
    first = min(DEFAULT_FIRST, cap) if first is None else first
    if not 1 <= first <= cap:
        raise UsageError(f"the first batch (--first {first}) must be from 1 to the most replications at one value "
                         f"(-n {cap}): give -n {max(first, 1)} or more, or --first {cap} or less")
    parsed_target = targets.parse(target)
    vs = [parse_vary(t) for t in varies[:-1]] + [parse_vary(varies[-1], step, integer)]
    if len(vs) == 2:
        if vs[0].path == vs[1].path:
            raise UsageError(f"--vary {vs[0].path} is given twice")
        if vs[0].count > FRONTIER_MAX_VALUES:
            raise UsageError(f"--vary {vs[0].path}: a frontier takes at most {FRONTIER_MAX_VALUES} values of the first "
                             f"path (this range has {vs[0].count}); give LOW:HIGH:STEP with a larger STEP")
    sets = list(sets)
    base = scenarios.load(file, variant, sets, list(scales))
    needed = targets.windows_needed(parsed_target)
    if needed:  # windowed metrics in the target: ask the model for those windows
        days = [(w.start_day, w.end_day) for w in base.metrics.windows]
        for a, b in needed:
            if a != int(a) or b != int(b):
                raise targets.TargetError(f"target {target!r}: day windows are whole days (got [{a:g},{b:g}])")
            if (int(a), int(b)) not in days:
                days.append((int(a), int(b)))
        sets.append("metrics.windows=[" + ", ".join(f"{{start_day: {a}, end_day: {b}}}" for a, b in days) + "]")
        base = scenarios.load(file, variant, sets, list(scales))
    sizing = Sizing(file=str(file), scenario=base.metadata.name, variant=base.metadata.variant,
                    base_text=scenarios.resolved_text(base), varies=vs, target=str(parsed_target.text),
                    confidence=confidence, level=level, method=method,  # type: ignore[arg-type]
                    first=first, cap=cap, seed=int(seed if seed is not None else base.metadata.seed),
                    model=runner.model_spec(simulate))
    build(sizing, {v.path: v.value(v.count - 1) for v in vs})  # HIGH must make a valid scenario
    try:  # LOW too, unless a rule across keys refuses it: then it fails the target
        build(sizing, {v.path: v.value(0) for v in vs})
    except RefusedValue:
        pass
    return sizing


def build(sizing: Sizing, overrides: dict[str, Any], raw: dict[str, Any] | None = None) -> Scenario:
    """A probe's scenario: the stored base (``raw``: already parsed) with the overrides; errors at ``--vary``.

    Raises:
        RefusedValue: only rules across keys refuse the values (see :func:`refusal`).
        ScenarioError: anything else.
    """
    from ..scenario.paths import apply_overrides

    if raw is None:
        raw = yaml.safe_load(sizing.base_text)
    data = apply_overrides(raw, overrides)
    try:
        return scenarios.from_data(data, "--vary")
    except ScenarioError as e:
        shown = ", ".join(f"{k}={show_value(v)}" for k, v in overrides.items())
        problems = [Problem(p.message, file="--vary", path=p.path, got=p.got, hint=f"at {shown}") for p in e.problems]
        reason = refusal(e, data)
        if reason is not None:
            raise RefusedValue(problems, reason) from None
        raise ScenarioError(problems) from None


def refusal(e: ScenarioError, data: Any) -> str | None:
    """The reason when only rules across keys refuse the scenario ``data`` (``forces.uk: sub_units cannot
    exceed troops_per_unit``), None when a value is out of its field's bounds or the error is another kind."""
    from pydantic import ValidationError

    cause = e.__cause__
    errors = cause.errors() if isinstance(cause, ValidationError) else []
    if not errors or any(err["type"] != "value_error" or not isinstance(err.get("input"), dict) for err in errors):
        return None
    return "; ".join(f"{_by_id(data, err['loc'])}: {err['msg'].removeprefix('Value error, ')}" for err in errors)


def _by_id(data: Any, loc: Sequence[int | str]) -> str:
    """A pydantic location as a key path, list items named by their ``id`` (``forces.uk``, not ``forces.0``)."""
    parts = []
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            data = None
        named = isinstance(part, int) and isinstance(data, dict) and isinstance(data.get("id"), str)
        parts.append(data["id"] if named else str(part))
    return ".".join(parts)


def start(store: Store, sizing: Sizing, command: str | None = None) -> Sizing:
    """Record a planned sizing in the store and give it its id."""
    with SizingLedger(store.path) as ledger:
        sizing.sizing_id = ledger.create(scenario=sizing.scenario, variant=sizing.variant, file=sizing.file,
                                         spec=sizing.spec(), base_text=sizing.base_text, command=command)
    return sizing


def load(store: Store, sizing_id: str) -> Sizing:
    """A stored sizing, ready to :func:`run` again (finished probes are read, not rerun)."""
    with SizingLedger(store.path) as ledger:
        rec = ledger.get(sizing_id)
    spec = rec["spec"]
    return Sizing(file=rec["file"], scenario=rec["scenario"], variant=rec["variant"], base_text=rec["base_text"],
                  varies=[Vary(**v) for v in spec["varies"]], target=spec["target"], confidence=spec["confidence"],
                  level=spec["level"], method=spec["method"], first=spec["first"], cap=spec["cap"], seed=spec["seed"],
                  model=spec.get("model"), sizing_id=rec["sizing_id"], probes=rec["probes"])


def list_sizings(store: Store) -> list[dict[str, Any]]:
    with SizingLedger(store.path) as ledger:
        return ledger.list()


def run(sizing: Sizing, store: Store, *, executor: str | Executor = "local", workers: int | None = None,
        scheduler: str | None = None, say: Say | None = None, command: str | None = None) -> SizingResult:
    """Search (or finish searching) a started sizing; probes already stored are read, not rerun.

    Raises:
        SizingInterrupted: Ctrl-C; replications finished so far are kept.
    """
    if not sizing.sizing_id:
        raise UsageError("start the sizing (peacesim.experiment.sizing.start) before running it")
    ledger = SizingLedger(store.path)
    with working(ledger, sizing.sizing_id, executor, workers, scheduler, lambda: SizingInterrupted(sizing.sizing_id)) as ex:
        from .sizing_search import Search

        session = Search(sizing, store, ledger, ex, runner.resolve_model(sizing.model), say, command)
        try:
            searched = sizing.varies[-1]
            fixes = [{sizing.varies[0].path: a} for a in sizing.frontier_values()] or [{}]
            answers = [session.search(fixed, searched) for fixed in fixes]
        except BaseException:
            session.abandon()  # the probe under way stays incomplete
            raise
    return SizingResult(sizing, answers)


def monotone_warning(probes: list[Probe], path: str) -> str | None:
    """A warning when P(met) clearly falls as the value grows (a decisive reversal)."""
    for i, a in enumerate(probes):
        for b in probes[i + 1:]:
            if a.refused is not None:
                continue
            if (a.state == "meets" and b.state == "fails") or b.high < a.low:
                then = (f"the scenario refuses {show_value(b.x)} ({b.refused})" if b.refused is not None else
                        f"{b.p:.2f} [{b.low:.2f}, {b.high:.2f}] at {show_value(b.x)}")
                return (f"P(met) is not monotone in {path}: {a.p:.2f} [{a.low:.2f}, {a.high:.2f}] at {show_value(a.x)} but "
                        f"{then}; the answer is the smallest value shown to meet the target, and some larger values may not")
    return None


def json_text(key: str) -> str:
    """A probe key (JSON of the overrides) as ``path=value, ...`` for run records."""
    import json

    return ", ".join(f"{k}={show_value(v)}" for k, v in json.loads(key).items())


def probe_table(answer: Answer) -> list[Probe]:
    """The probes of an answer in value order (the evidence)."""
    return sorted(answer.probes, key=lambda p: p.x)


def show_value(x: Any) -> str:
    """A probed value as the evidence and errors print it (floats to 6 significant figures)."""
    if isinstance(x, float) and not math.isnan(x):
        return f"{x:.6g}"
    return str(x)

