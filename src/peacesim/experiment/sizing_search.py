"""The search of a sizing: sequential tests at each value tried (probes) and the bisection between
them, replayed from stored replications on resume (see :mod:`.sizing` for the method)."""

from __future__ import annotations

from typing import Any

import yaml

from ..scenario.schema import Scenario
from . import scenarios, targets
from .collect import Collector
from .executors import Executor, Simulate, run_chunks
from .sizing import (
    Answer,
    Probe,
    RefusedValue,
    Say,
    Sizing,
    Vary,
    build,
    json_text,
    monotone_warning,
    schedule,
    show_value,
)
from .sizing_ledger import SizingLedger, probe_key
from .store import Store


class Search:
    """One process working on a sizing: runs probes (sequential tests) and the bisection."""

    def __init__(self, sizing: Sizing, store: Store, ledger: SizingLedger, ex: Executor, simulate: Simulate | None,
                 say: Say | None, command: str | None) -> None:
        self.sizing, self.store, self.ledger, self.ex, self.simulate = sizing, store, ledger, ex, simulate
        self.say, self.command = say, command
        self.target = targets.parse(sizing.target)
        self.done: dict[str, Probe] = {}
        self.open_run: str | None = None
        self.raw = yaml.safe_load(sizing.base_text)

    def abandon(self) -> None:
        if self.open_run is not None:
            self.store.mark_incomplete(self.open_run)

    def probe(self, overrides: dict[str, Any], x: float) -> Probe:
        """Run the sequential test at one value (continuing from stored replications)."""
        key = probe_key(overrides)
        if key in self.done:
            return self.done[key]
        s = self.sizing
        try:
            scenario = build(s, overrides, self.raw)
        except RefusedValue as e:
            return self._refused(overrides, x, key, e.reason)
        text, digest = scenarios.resolved_text(scenario), scenarios.scenario_hash(scenario)
        run_id = s.probes.get(key)
        collector = self._open(run_id, scenario, key, text, digest)
        run_id = s.probes[key]
        self.open_run = run_id
        level, state = s.look_level, "inconclusive"
        for n in schedule(s.first, s.cap):
            missing = collector.missing(n)
            if missing:
                self.store.set_replications(run_id, n)
                self._simulate(scenario, collector, missing, run_id)
            arrays = collector.metric_arrays(n)
            met = self.target.met(arrays)
            k = int(met.sum())
            low, high = targets.interval(k, n, level, s.method)
            if low >= s.confidence or high < s.confidence:
                state = "meets" if low >= s.confidence else "fails"
                break
        result = collector.result(scenario_name=scenario.metadata.name, variant=scenario.metadata.variant, seed=s.seed,
                                  n=n, confidence=s.level, scenario_text=text, scenario_hash=digest, run_id=run_id)
        self.store.complete(run_id, result)
        self.open_run = None
        probe = Probe(overrides, float(x), n, k, self.target.undefined(arrays), low, high, state, run_id)
        self.done[key] = probe
        if self.say:
            where = ", ".join(f"{p}={show_value(v)}" for p, v in overrides.items())
            self.say(f"{where}: P(met) {probe.p:.3f} [{low:.3f}, {high:.3f}] over {n} replications: {state}")
        return probe

    def _refused(self, overrides: dict[str, Any], x: float, key: str, reason: str) -> Probe:
        """A value the scenario refuses fails the target without a replication (the same on resume)."""
        probe = Probe(overrides, float(x), 0, 0, 0, 0.0, 0.0, "fails", "", reason)
        self.done[key] = probe
        if self.say:
            where = ", ".join(f"{p}={show_value(v)}" for p, v in overrides.items())
            self.say(f"{where}: refused by the scenario ({reason}): fails")
        return probe

    def _open(self, run_id: str | None, scenario: Scenario, key: str, text: str, digest: str) -> Collector:
        from ..errors import StoreError

        if run_id is not None:
            try:
                rec = self.store.get_run(run_id)
            except StoreError:
                rec = None  # deleted from the store: run the probe again
            if rec is not None:
                self.store.claim(rec.run_id, reopen=True)  # a value tried again gets more replications
                return self.store.load_collector(rec.run_id, 0)
        s = self.sizing
        new = self.store.create_run(
            scenario=scenario.metadata.name, variant=scenario.metadata.variant,
            scenario_text=text, scenario_hash=digest, seed=s.seed, replications=s.first, confidence=s.level,
            options={"series_cap": 0, "model": s.model, "sizing": s.sizing_id, "target": s.target},
            command=f"{self.command or 'peacesim size'} [sizing {s.sizing_id}: {json_text(key)}]", group_id=s.sizing_id)
        self.ledger.set_probe(s.sizing_id, key, new)
        s.probes[key] = new
        return Collector(0)

    def _simulate(self, scenario: Scenario, collector: Collector, missing: list[int], run_id: str) -> None:
        from ..errors import SimulationError

        for chunk in run_chunks(self.ex, self.simulate, scenario, self.sizing.seed, missing, 0):
            for out in chunk:
                if out.error is not None:
                    raise SimulationError(scenario.metadata.name, out.index, self.sizing.seed, out.error)
                collector.add(out.index, out.metrics, None, out.events)
            self.store.add_replications(run_id, chunk)

    def search(self, fixed: dict[str, Any], v: Vary) -> Answer:
        """Bisection on the grid of ``v`` with ``fixed`` overrides (see the module docstring)."""
        probes: dict[int, Probe] = {}

        def at(k: int) -> Probe:
            if k not in probes:
                probes[k] = self.probe({**fixed, v.path: v.value(k)}, v.value(k))
            return probes[k]

        top = v.count - 1
        if at(top).state == "fails":
            return self._answer(fixed, v, probes, "not_met", None, None)
        if at(0).state == "meets":
            return self._answer(fixed, v, probes, "met_at_low", 0, 0)
        while True:
            upper = min((k for k, p in probes.items() if p.state == "meets"), default=top + 1)
            lower = max((k for k, p in probes.items() if p.state == "fails" and k < upper), default=-1)
            inc = sorted(k for k, p in probes.items() if p.state == "inconclusive" and lower < k < upper)
            gaps = [(lower, inc[0]), (inc[-1], upper)] if inc else [(lower, upper)]
            a, b = max(gaps, key=lambda g: g[1] - g[0])
            if b - a <= 1:
                break
            at((a + b) // 2)
        status = "open" if upper > top else "found"
        return self._answer(fixed, v, probes, status, upper if upper <= top else None, lower + 1)

    def _answer(self, fixed: dict[str, Any], v: Vary, probes: dict[int, Probe], status: str, upper: int | None,
                lower: int | None) -> Answer:
        ordered = [probes[k] for k in sorted(probes)]
        estimate = None
        if lower is not None:
            hi = upper if upper is not None else v.count - 1
            above = [k for k in sorted(probes) if lower <= k <= hi]
            ok = [k for k in above if all(probes[j].p >= self.sizing.confidence for j in above if j >= k)]
            estimate = v.value(ok[0]) if ok else None
        return Answer(fixed, status, v.value(upper) if upper is not None else None,
                      v.value(lower) if lower is not None else None, estimate, ordered, monotone_warning(ordered, v.path))
