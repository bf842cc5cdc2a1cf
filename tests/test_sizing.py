"""``peacesim size`` checked against answers known in closed form, and stored like a sweep.

Each closed-form case states the smallest value that meets the target; the search promises that,
at its level (95% here) and for a P(met) that grows with the value, this value lies in the
answer's interval ``[lower, value]``. Where P(met) jumps from near 0 to near 1 (deterministic
cases, or bounds far from the boundary in standard errors) the interval is one value wide.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from peacesim.errors import ScenarioError, UsageError
from peacesim.experiment import scenarios, sizing
from peacesim.experiment.store import Store
from peacesim.scenario.schema import Scenario
from scenarios.model_builders import air_defence, mmc, rotation

#: Deterministic cases: P(met) is 0 or 1 at every value, so the confidence only sets how many
#: replications a decision takes (4 to show a failure, 8 to show P >= 0.5 at the 95% level).
QUICK: dict[str, Any] = {"confidence": 0.5, "first": 4, "cap": 8}


def _file(tmp_path: Path, sc: Scenario, name: str = "case.yaml") -> str:
    p = tmp_path / name
    p.write_text(scenarios.resolved_text(sc))
    return str(p)


def _size(tmp_path: Path, sc: Scenario, vary: str, target: str, **kw: Any) -> sizing.SizingResult:
    store = Store(tmp_path / "t.db")
    try:
        planned = sizing.start(store, sizing.plan(_file(tmp_path, sc), [vary], target, **kw))
        return sizing.run(planned, store, executor="serial")
    finally:
        store.close()


def _contains(a: sizing.Answer, truth: float) -> None:
    assert a.lower is not None and a.value is not None, a
    assert a.lower <= truth <= a.value, (a.lower, truth, a.value)
    assert a.warning is None


def test_rotation_depth_without_gap_is_ceil_of_cycle_over_tour(tmp_path: Path) -> None:
    """Tour 100, recovery 100, training 150: a slot stays filled from ceil(350/100) = 4 units."""
    tour, recovery, training = 100.0, 100.0, 150.0
    truth = math.ceil((tour + recovery + training) / tour)
    res = _size(tmp_path, rotation(1, tour, recovery, training, horizon=1000), "forces.uk.rotation_depth=1:12",
                "coverage_min >= 1", **QUICK)
    a = res.answers[0]
    assert (a.status, a.lower, a.value) == ("found", truth, truth)
    assert {p.x for p in a.probes if p.state == "fails"} >= {truth - 1}


def _erlang_c(c: int, a: float) -> float:
    head = sum(a**k / math.factorial(k) for k in range(c))
    last = a**c / math.factorial(c) * c / (c - a)
    return last / (head + last)


@pytest.mark.slow
def test_qrf_teams_for_a_mean_wait_bound_is_erlang_c(tmp_path: Path) -> None:
    """M/M/c, 20 incidents a day, 2 h on scene, no travel: the smallest c with Wq(c) <= 1.5 h.

    Wq(2) = 4.5 h and Wq(3) = 0.45 h: the bound sits far (several standard errors of a 10-day mean)
    from both, so P(met) is near 0 at c = 2 and near 1 at c = 3.
    """
    lam, mu, bound = 20.0 / 24, 0.5, 1.5
    truth = next(c for c in range(1, 10) if c > lam / mu and _erlang_c(c, lam / mu) / (c * mu - lam) <= bound)
    assert truth == 3
    res = _size(tmp_path, mmc(1, 20.0, 2.0, 10), "forces.qrf.qrf_teams=1:8", f"response_time_mean_hours <= {bound}",
                confidence=0.8, first=10, cap=40)
    a = res.answers[0]
    _contains(a, truth)
    assert a.value == truth


def _poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(-mean) * mean**j / math.factorial(j) for j in range(k + 1))


@pytest.mark.slow
def test_interceptor_stock_for_no_stockout_before_a_day_under_poisson_raids(tmp_path: Path) -> None:
    """Raids at rate 1/day, 10 threats, 2 shots each: stock 20m runs out at the m-th raid, a Gamma(m, 1) day.

    P(no stock-out before day D) = P(Poisson(D) <= m - 1); the smallest stock with P >= 0.9 at D = 10
    is 20 m* with m* the smallest m meeting it (a stock-out after the horizon is "never" and meets).
    """
    day, q = 10, 0.9
    m_star = next(m for m in range(1, 100) if _poisson_cdf(m - 1, day) >= q)
    truth = 20 * m_star
    sc = air_defence(0.5, 2, "salvo", stock=20, raid_size=10, interval={"dist": "exponential", "mean": 1.0}, horizon=40)
    res = _size(tmp_path, sc, "enablers.air_defence.patriot.stock=20:600:20", f"stockout_day.patriot >= {day}",
                confidence=q, cap=160)
    a = res.answers[0]
    _contains(a, truth)
    # Inconclusive where P(met) is within ~2.6 standard errors (0.06 at 160 replications) of 0.9: m = 14 to 16.
    assert a.value - a.lower <= 60
    for p in a.probes:  # the estimates agree with the closed form within their intervals' width
        exact = _poisson_cdf(int(p.x) // 20 - 1, day)
        assert p.low - 0.02 <= exact <= p.high + 0.02, (p.x, p.p, exact)


def test_troops_per_rotation_for_a_coverage_target(tmp_path: Path) -> None:
    """One zone needing 1,000, availability 0.8, no gaps: coverage = 0.8 T / 1000 >= 0.9 from T = 1,125."""
    sc = rotation(4, 100, 100, 100, horizon=300)
    data = scenarios.loader.canonical_data(sc)
    data["forces"][0]["availability"] = 0.8
    data["zones"][0]["troops_required"] = 1000
    sc = Scenario.model_validate(data)
    truth = math.ceil(0.9 * 1000 / 0.8)
    res = _size(tmp_path, sc, "forces.uk.troops_per_unit=1:5000:1", "coverage_mean >= 0.9", **QUICK)
    a = res.answers[0]
    assert (a.status, a.lower, a.value) == ("found", truth, truth)


def test_met_at_low_and_not_met_within_range(tmp_path: Path) -> None:
    sc = rotation(4, 100, 100, 100, horizon=300)
    low = _size(tmp_path, sc, "forces.uk.troops_per_unit=100:500", "coverage_mean >= 0.5", **QUICK).answers[0]
    assert (low.status, low.value, len(low.probes)) == ("met_at_low", 100, 2)
    never = _size(tmp_path, sc, "forces.uk.troops_per_unit=1:50", "coverage_mean >= 0.9", **QUICK).answers[0]
    assert never.status == "not_met" and never.value is None and never.best.x == 50


def test_frontier_gives_the_smallest_second_for_each_first(tmp_path: Path) -> None:
    """Coverage = availability x T / 100: for availability a the smallest T is ceil(90 / a)."""
    sc = rotation(4, 100, 100, 100, horizon=200)
    store = Store(tmp_path / "t.db")
    planned = sizing.start(store, sizing.plan(_file(tmp_path, sc), ["forces.uk.availability=0.5:1:0.25",
                                                                  "forces.uk.troops_per_unit=1:400"], "coverage_mean >= 0.9",
                                                    **QUICK))
    res = sizing.run(planned, store, executor="serial")
    store.close()
    assert [(a.fixed["forces.uk.availability"], a.value) for a in res.answers] == [(0.5, 180), (0.75, 120), (1.0, 90)]


# -- stored, interrupted, resumed --------------------------------------------------------------
INTERRUPT_AFTER: list[int] = []


def interrupting_model(scenario: Any, seed: Any, *, trace: bool = False) -> Any:
    """The real model, but Ctrl-C once after a set number of replications while armed."""
    from peacesim.model import simulate

    if INTERRUPT_AFTER:
        INTERRUPT_AFTER[0] -= 1
        if INTERRUPT_AFTER[0] < 0:
            INTERRUPT_AFTER.clear()
            raise KeyboardInterrupt
    return simulate(scenario, seed, trace=trace)


def test_killed_and_resumed_sizing_gives_the_same_answer(tmp_path: Path) -> None:
    sc = rotation(4, 100, 100, 100, horizon=200)
    path = _file(tmp_path, sc)
    args: tuple[Any, ...] = (path, ["forces.uk.troops_per_unit=1:400"], "coverage_mean >= 0.9")
    with Store(tmp_path / "plain.db") as store:
        plain = sizing.run(sizing.start(store, sizing.plan(*args, **QUICK)), store, executor="serial").answers[0]
    store = Store(tmp_path / "killed.db")
    planned = sizing.start(store, sizing.plan(*args, simulate=interrupting_model, **QUICK))
    INTERRUPT_AFTER[:] = [30]  # three probes of 8 done; the fourth has stored its first batch of 4
    with pytest.raises(sizing.SizingInterrupted):
        sizing.run(planned, store, executor="serial")
    assert sizing.list_sizings(store)[0]["status"] == "incomplete"
    assert any(r.status == "incomplete" and 0 < r.done for r in store.list_runs()), [(r.status, r.done, r.replications) for r in store.list_runs()]
    again = sizing.load(store, planned.sizing_id[:14])
    resumed = sizing.run(again, store, executor="serial").answers[0]
    assert (resumed.value, resumed.lower) == (plain.value, plain.lower) == (90, 90)
    assert [(p.x, p.n, p.met) for p in resumed.probes] == [(p.x, p.n, p.met) for p in plain.probes]
    assert sizing.list_sizings(store)[0]["status"] == "complete"
    assert all(r.status == "complete" and r.group_id == planned.sizing_id for r in store.list_runs())
    store.close()


# -- input errors ------------------------------------------------------------------------------
@pytest.mark.parametrize(("vary", "target", "error", "message"), [
    ("forces.uk.troops_per_unit=10", "coverage_mean >= 0.9", UsageError, "PATH=LOW:HIGH"),
    ("forces.uk.troops_per_unit=50:10", "coverage_mean >= 0.9", UsageError, "LOW < HIGH"),
    ("forces.uk.troops_per_unit=1.5:10", "coverage_mean >= 0.9", UsageError, "integer"),
    ("forces.uk.tasks=1:10", "coverage_mean >= 0.9", UsageError, "not a number"),
    ("forces.x*.troops_per_unit=1:10", "coverage_mean >= 0.9", ScenarioError, "the glob 'forces.x\\*.troops_per_unit' matches nothing"),
    ("forces.uk.troops_per_unit=-5:10", "coverage_mean >= 0.9", ScenarioError, "--vary"),
    ("forces.uk.troops_per_unit=1:10", "covrage_mean >= 0.9", UsageError, "did you mean 'coverage_mean'"),
])
def test_bad_questions_are_refused_before_running(tmp_path: Path, vary: str, target: str, error: type, message: str) -> None:
    path = _file(tmp_path, rotation(4, 100, 100, 100, horizon=50))
    with pytest.raises(error, match=message):
        sizing.plan(path, [vary], target)


def test_cli_prints_the_answer_first_then_the_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from peacesim.cli import main

    monkeypatch.chdir(tmp_path)
    path = _file(tmp_path, rotation(4, 100, 100, 100, horizon=100))
    rc = main(["size", path, "--vary", "forces.uk.troops_per_unit=1:200", "--target", "coverage_mean >= 0.9",
               "--confidence", "0.5", "--first", "4", "-n", "8", "--executor", "serial", "-q", "--db", "s.db", "--out", "out"])
    assert rc == 0
    assert (tmp_path / "out" / "sizing.csv").exists() and (tmp_path / "out" / "sizing.png").exists()
    runner = CliRunner()
    from peacesim.cli import cli

    res = runner.invoke(cli, ["size", "--list", "--db", "s.db"])
    assert "coverage_mean >= 0.9" in res.output and "complete" in res.output
    assert main(["size", path, "--vary", "forces.uk.troops_per_unit=1:200", "--target", "foc_dya <= 3"]) == 2


def test_a_small_n_caps_the_first_batch_and_a_too_big_first_names_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """-n 2 alone works (the first batch is 2, not the default 20); --first above -n is refused with the options
    to change, exit 2, no traceback."""
    from peacesim.cli import main

    monkeypatch.chdir(tmp_path)
    path = _file(tmp_path, rotation(4, 100, 100, 100, horizon=50))
    planned = sizing.plan(path, ["forces.uk.troops_per_unit=1:200"], "coverage_mean >= 0.9", cap=2)
    assert (planned.first, planned.cap) == (2, 2)
    assert sizing.plan(path, ["forces.uk.troops_per_unit=1:200"], "coverage_mean >= 0.9").first == 20
    args = ["size", path, "--vary", "forces.uk.troops_per_unit=1:200", "--target", "coverage_mean >= 0.9",
            "--confidence", "0.5", "--executor", "serial", "-q", "--db", "s.db"]
    assert main([*args, "-n", "2", "--out", "out"]) == 0
    capsys.readouterr()
    assert main([*args, "-n", "2", "--first", "5"]) == 2
    err = capsys.readouterr().err
    assert "--first 5" in err and "-n 2" in err and "give -n 5 or more, or --first 2 or less" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_vary_values_and_default_step() -> None:
    """LOW:HIGH is cut into 1,000 steps (whole numbers for integer fields); HIGH is always a value."""
    v = sizing.parse_vary("forces.{uk,france}.troops_per_unit=1:20000")
    assert (v.integer, v.step, v.value(0), v.value(1), v.value(v.count - 1)) == (True, 20.0, 1, 21, 20000)
    f = sizing.parse_vary("forces.uk.availability=0.5:1:0.3")
    assert [f.value(k) for k in range(f.count)] == [0.5, 0.8, 1.0]
    assert sizing.schedule(20, 320) == [20, 40, 80, 160, 320] and sizing.schedule(5, 5) == [5]


def test_a_windowed_target_asks_the_model_for_its_window(tmp_path: Path) -> None:
    """Coverage over days 0-50 only: the first 50 days are covered whatever the later gaps."""
    sc = rotation(1, 60, 100, 100, horizon=300)
    planned = sizing.plan(_file(tmp_path, sc), ["forces.uk.troops_per_unit=10:200:10"], "coverage_mean[0,50] >= 0.9",
                          **QUICK)
    assert [(w.start_day, w.end_day) for w in sizing.build(planned, {}).metrics.windows] == [(0, 50)]
    with Store(tmp_path / "w.db") as store:
        a = sizing.run(sizing.start(store, planned), store, executor="serial").answers[0]
    assert (a.status, a.value) == ("found", 90)


def test_values_below_the_sub_units_fail_the_target_and_say_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The UK's three companies need three troops: LOW 1 and 2 are refused by the scenario, counted as failing
    (reason in the table, the CSV and the JSON), and the search goes on to find 3; a negative LOW is still an error."""
    import csv
    import json

    from peacesim.cli import main

    monkeypatch.chdir(tmp_path)
    baseline = str(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml")
    args = ["size", baseline, "--target", "coverage_mean >= 0", "--confidence", "0.2", "--first", "2", "-n", "2",
            "--executor", "serial", "-q", "--db", "s.db"]
    assert main([*args, "--vary", "forces.uk.troops_per_unit=1:8", "--out", "out"]) == 0
    out = capsys.readouterr().out
    assert "answer: forces.uk.troops_per_unit = 3 " in out and "the value below is shown to fail" in out
    refused = "fails (refused by the scenario: forces.uk: sub_units cannot exceed troops_per_unit (got 3 sub-units of 2 troops))"
    assert any(line.split()[0] == "2" and line.endswith(refused) for line in out.splitlines() if line.strip()), out
    with open(tmp_path / "out" / "sizing.csv", newline="") as f:
        rows = {r["forces.uk.troops_per_unit"]: r for r in csv.DictReader(f)}
    assert rows["1"]["decision"] == "fails" and rows["1"]["replications"] == "0" and "sub_units" in rows["1"]["refused"]
    assert rows["3"]["decision"] == "meets" and rows["3"]["refused"] == ""
    assert list(rows["3"])[:4] == ["run_id", "label", "variant", "forces.uk.troops_per_unit"]  # identity first
    assert rows["3"]["run_id"] and rows["1"]["run_id"] == ""  # a refused value has no run
    assert {(r["label"], r["variant"]) for r in rows.values()} == {("baseline", "")}
    assert main([*args, "--vary", "forces.uk.troops_per_unit=1:8", "--out", "j", "--json"]) == 0
    probes = json.loads(capsys.readouterr().out)["answers"][0]["probes"]
    assert [p["refused"] is not None for p in probes][:2] == [True, True]
    assert main([*args, "--vary", "forces.uk.troops_per_unit=-5:8"]) == 2
    assert "greater than or equal to 1" in capsys.readouterr().err
