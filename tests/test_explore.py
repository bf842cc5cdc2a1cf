"""peacesim explore: known answers (a value that does not matter, a troop threshold, an analytic share), PRIM, resume."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from peacesim.cli import main
from peacesim.experiment import explore, prim
from peacesim.experiment.explore_analysis import Answers
from peacesim.experiment.store import Store

# One zone needing 100 troops, one contingent that never rotates within the horizon: coverage is
# exactly troops/100 (capped at 1), the same in every replication. recovery_days cannot matter.
ONE_ZONE = """\
metadata: {name: onezone, title: One zone, horizon_days: 20, replications: 3, seed: 11}
zones:
  - {id: kyiv, name: Kyiv, kind: capital, lat: 50.45, lon: 30.52, troops_required: 100}
forces:
  - id: uk
    nation: United Kingdom
    troops_per_unit: {explore: [20, 200], value: 80, claim: C01}
    recovery_days: {explore: [0, 300], value: 100}
    rotation_depth: 1
    tour_days: 1000
    tasks: [guard]
"""
TARGET = "coverage_mean >= 0.7"
THRESHOLD = 70  # troops: the target holds exactly from here


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "onezone.yaml"
    path.write_text(ONE_ZONE)
    return path


def _explore(path: Path, store: Store, **kw: object) -> tuple[explore.Exploration, Answers]:
    ex = explore.start(store, explore.plan(path, target_texts=[TARGET], **kw))  # type: ignore[arg-type]
    return ex, Answers(ex, explore.run(ex, store, executor="serial"))


def test_a_value_that_does_not_enter_the_model_has_total_index_zero(scenario: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        ex, a = _explore(scenario, store, samples=32, sampler="sobol", replications=2)
    assert ex.points == 32 * (2 + 2)
    idx = {i.output: i for i in a.indices()}
    for name in ("coverage_mean", f"P({TARGET})"):
        troops, recovery = 0, 1
        assert idx[name].total_ci[recovery, 0] <= 0.0 <= idx[name].total_ci[recovery, 1]
        assert abs(idx[name].total[recovery]) < 1e-9  # common random numbers: not even noise
        assert idx[name].total[troops] > 0.5 and idx[name].total_ci[troops, 0] > 0.0


def test_discovered_box_edge_lies_within_one_sample_spacing_of_the_threshold(scenario: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        _, a = _explore(scenario, store, samples=40, replications=2)
    box = a.discover(TARGET)
    assert [u.name for u, _, _ in box.limits] == ["forces.uk.troops_per_unit"]
    (_, low, high), = box.limits
    assert high is None and low is not None
    troops = np.sort(a.x[:, 0])
    below, above = troops[troops < THRESHOLD].max(), troops[troops >= THRESHOLD].min()
    assert below < THRESHOLD <= low and low - below <= above - below  # between the two samples around the threshold
    assert box.density == 1.0 and box.coverage == 1.0
    not_met = a.discover(TARGET, met=False)
    (_, low2, high2), = not_met.limits
    assert low2 is None and high2 is not None and below <= high2 < THRESHOLD


def test_p_met_over_a_uniform_range_matches_the_analytic_share(scenario: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        _, a = _explore(scenario, store, samples=60, replications=2)
    share = (200 - THRESHOLD + 1) / (200 - 20 + 1)  # integer troops 20..200, equally likely
    c = a.chance(TARGET)
    assert c.low <= share <= c.high
    assert abs(c.p - share) <= 1 / 60 + 1 / 181  # a Latin hypercube puts one point in each 1/60 stratum


def test_prim_finds_the_box_a_brute_force_search_finds() -> None:
    """On a two-value case, PRIM's box is the brute-force best box: density 1, all the coverage, the most points."""
    rng = np.random.default_rng(3)
    x = rng.random((120, 2))
    y = ((x[:, 0] >= 0.6) & (x[:, 1] <= 0.3)).astype(float)
    box = prim.discover(x, y, min_coverage=0.5)
    best = None
    c0, c1 = np.unique(x[:, 0]), np.unique(x[:, 1])
    for lo0, hi1 in itertools.product(c0, c1):  # boxes reaching the far edges: the only shape that can be best here
        lo, hi = np.array([lo0, 0.0]), np.array([1.0, hi1])
        cov, dens, support = prim.stats(x, y, lo, hi)
        if dens == 1.0 and (best is None or (cov, support) > best[0]):
            best = ((cov, support), lo0, hi1)
    assert best is not None and best[0][0] == 1.0
    assert box.density == 1.0 and (box.coverage, box.support) == best[0]
    same = prim.inside(x, np.array([best[1], 0.0]), np.array([1.0, best[2]]))
    assert (prim.inside(x, box.low, box.high) == same).all()  # the same points (limits may differ in empty space)


# -- interruption and resume ------------------------------------------------------------------
CALLS = {"left": -1}


def interrupting(scenario, seed, *, trace=False):  # type: ignore[no-untyped-def]
    """The real model, but Ctrl-C after a number of replications while armed."""
    from peacesim.model import simulate

    if CALLS["left"] == 0:
        CALLS["left"] = -1
        raise KeyboardInterrupt
    CALLS["left"] -= 1 if CALLS["left"] > 0 else 0
    return simulate(scenario, seed, trace=trace)


def test_killed_exploration_resumes_to_the_same_results(scenario: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        ex = explore.start(store, explore.plan(scenario, samples=12, replications=3, simulate=interrupting))
        CALLS["left"] = 20
        with pytest.raises(explore.ExploreInterrupted) as info:
            explore.run(ex, store, executor="serial")
        assert 0 < info.value.done < 12
        assert explore.list_explorations(store)[0]["status"] == "incomplete"
        again = explore.load(store, ex.explore_id[:14])
        assert again.values == ex.values and again.done == ex.done
        resumed = explore.run(again, store, executor="serial")
        whole = explore.run(explore.start(store, explore.plan(scenario, samples=12, replications=3)), store, executor="serial")
        assert sorted(resumed) == sorted(whole) and len(whole) == 36
        np.testing.assert_equal([resumed[k] for k in sorted(whole)], [whole[k] for k in sorted(whole)])  # NaN == NaN here
        assert [e["status"] for e in explore.list_explorations(store)] == ["complete", "complete"]


def test_cli_prints_the_answer_and_refuses_bad_targets(scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, out = str(tmp_path / "s.db"), str(tmp_path / "out")
    assert main(["explore", str(scenario), "--samples", "20", "-n", "2", "--target", TARGET, "--executor", "serial",
                 "--db", db, "--out", out, "-q"]) == 0
    text = capsys.readouterr().out
    assert "P(met) over the space:" in text and "where it is met:     C01 forces.uk.troops_per_unit >=" in text
    assert (Path(out) / "points.csv").read_text().count("\n") == 21
    assert (Path(out) / "box-target1.png").exists() and (Path(out) / "outcome-target1.png").exists()
    assert main(["explore", str(scenario), "--target", "coverage_mena >= 0.7", "--db", db]) == 2
    assert "coverage_mean" in capsys.readouterr().err


def test_set_fixes_a_value_as_on_the_other_commands(scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--set applies after the variant, like run/sweep/size; setting an uncertain value takes it out of the space."""
    ex = explore.plan(scenario, samples=4, sets=["forces.uk.troops_per_unit=100", "zones.kyiv.troops_required=50"])
    assert [u.name for u in ex.space.params] == ["forces.uk.recovery_days"]
    assert {(sc.forces[0].troops_per_unit, sc.zones[0].troops_required) for sc in ex.scenarios} == {(100, 50)}
    db, out = str(tmp_path / "s.db"), tmp_path / "out"
    assert main(["explore", str(scenario), "--set", "forces.uk.troops_per_unit=100", "--samples", "4", "-n", "1",
                 "--target", TARGET, "--executor", "serial", "--db", db, "--out", str(out), "-q"]) == 0
    header, *points = (out / "points.csv").read_text().splitlines()
    assert "forces.uk.recovery_days" in header and "forces.uk.troops_per_unit" not in header
    assert header.startswith("explore_id,label,variant,point,forces.uk.recovery_days,")  # identity first
    assert len(points) == 4 and all(p.startswith("ex") and ",onezone,,"  in p for p in points)
    capsys.readouterr()
    assert main(["explore", str(scenario), "--set", "forces.uk.nope=1", "--db", db]) == 2
    assert "--set" in capsys.readouterr().err
    assert main(["explore", "--resume", "ex1", "--set", "forces.uk.troops_per_unit=100", "--db", db]) == 2
