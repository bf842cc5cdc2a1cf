"""The SQLite results store: round trips, status of dead runs, concurrent writers, exports."""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import synthetic
from peacesim.errors import StoreError
from peacesim.experiment import outputs, runner, scenarios
from peacesim.experiment.store import Store
from scenarios.mini import mini_text

MINI = mini_text(horizon_days=12)


@pytest.fixture
def mini_path(tmp_path: Path) -> Path:
    p = tmp_path / "mini.yaml"
    p.write_text(MINI)
    return p


def test_load_run_round_trip(tmp_path, mini_path):
    """A stored run loads back with the same metrics (NaN included), summary and series bands."""
    sc = scenarios.load(mini_path)
    with Store(tmp_path / "r.db") as st:
        r = runner.replicate(sc, replications=25, seed=4, executor="serial", simulate=synthetic.known_answer, store=st)
        back = st.load_run(r.run_id)
        rec = st.get_run(r.run_id[:17])  # a unique prefix is enough
    assert rec.status == "complete" and rec.done == 25 and rec.scenario_hash == r.scenario_hash
    assert outputs.summary_dict(back) == outputs.summary_dict(r)
    assert np.isnan(back.metrics["sometimes"]).sum() == np.isnan(r.metrics["sometimes"]).sum() > 0
    assert np.array_equal(back.series["level"].mean, r.series["level"].mean)
    assert scenarios.from_text(back.scenario_text) == sc
    assert rec.versions["peacesim"] and rec.options["model"] == "synthetic:known_answer"


def test_unknown_run_is_a_store_error(tmp_path):
    """Asking for a run that is not there names the store and how to list runs."""
    with Store(tmp_path / "r.db") as st, pytest.raises(StoreError, match="no run 'nope'.*peacesim runs"):
        st.get_run("nope")


def test_running_with_dead_pid_is_incomplete(tmp_path, mini_path):
    """A run left 'running' by a process that no longer exists is reported as incomplete."""
    with Store(tmp_path / "r.db") as st:
        rid = st.create_run(scenario="mini", variant=None, scenario_text=MINI, scenario_hash="h", seed=1,
                            replications=5, confidence=0.95)
        assert st.get_run(rid).status == "running"  # this process is alive
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        st._db.execute("UPDATE runs SET pid = ? WHERE run_id = ?", (int(dead.stdout), rid))
        assert st.get_run(rid).status == "incomplete"
        assert st.get_run(rid).stored_status == "running"


WRITER = """
import sys
sys.path.insert(0, sys.argv[3])  # tests/, for the synthetic model
import synthetic
from peacesim.experiment import runner, scenarios
from peacesim.experiment.store import Store
runner.COMMIT_EVERY_S = 0.0  # commit every chunk, so the two writers interleave many transactions
sc = scenarios.load(sys.argv[2])
with Store(sys.argv[1]) as st:
    for k in range(3):
        runner.replicate(sc, replications=300, seed=k, executor="serial", simulate=synthetic.known_answer, store=st)
"""


def test_concurrent_writers(tmp_path, mini_path):
    """Two processes writing runs into one store at once: every run complete, database intact."""
    db = tmp_path / "shared.db"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(mini_path), str(Path(__file__).parent)]) for _ in range(2)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    with Store(db) as st:
        runs = st.list_runs()
        assert len(runs) == 6 and all(r.status == "complete" and r.done == 300 for r in runs)
        a = [st.load_run(r.run_id) for r in runs if r.seed == 1]
        assert outputs.summary_dict(a[0])["metrics"] == outputs.summary_dict(a[1])["metrics"]
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_export_csv_and_parquet(tmp_path, mini_path):
    """Tidy tables: one metrics row per replication and metric (NaN empty), series per day."""
    sc = scenarios.load(mini_path)
    with Store(tmp_path / "r.db") as st:
        r = runner.replicate(sc, replications=6, seed=4, executor="serial", simulate=synthetic.known_answer, store=st)
        tables = st.tables(r.run_id)
    paths = outputs.export_tables(tables, tmp_path / "csv", "csv")
    lines = (tmp_path / "csv" / "metrics.csv").read_text().splitlines()
    assert lines[0] == "run_id,label,variant,replication,metric,value" and len(lines) == 1 + 6 * 3
    assert all(line.startswith(f"{r.run_id},mini,,") for line in lines[1:])
    series = (tmp_path / "csv" / "series.csv").read_text().splitlines()
    assert series[0] == "run_id,label,variant,series,day,mean,p10,p90" and len(series) == 1 + 12
    assert [p.name for p in paths] == ["runs.csv", "metrics.csv", "series.csv"]
    pq = pytest.importorskip("pyarrow.parquet")
    outputs.export_tables(tables, tmp_path / "pq", "parquet")
    t = pq.read_table(tmp_path / "pq" / "metrics.parquet")
    assert t.num_rows == 18 and t.column_names == ["run_id", "label", "variant", "replication", "metric", "value"]
    assert sum(math.isnan(v) if v is not None else 1 for v in t.column("value").to_pylist()) == int(
        np.isnan(r.metrics["sometimes"]).sum())


def test_parquet_columns_are_typed_even_when_empty_in_every_row(tmp_path):
    """A run not ended yet and a metric never defined still load as text and numbers, not as null columns."""
    pq = pytest.importorskip("pyarrow.parquet")
    from peacesim.experiment.store import TABLE_TYPES

    with Store(tmp_path / "r.db") as st:
        run_id = st.create_run(scenario="mini", variant=None, scenario_text="", scenario_hash="h", seed=1,
                               replications=2, confidence=0.95)
        tables = st.tables(run_id)
    tables["metrics"] = (tables["metrics"][0], [(run_id, "mini", None, k, "stockout_day.x", None) for k in (0, 1)])
    outputs.export_tables(tables, tmp_path / "pq", "parquet", TABLE_TYPES)
    runs = pq.read_table(tmp_path / "pq" / "runs.parquet").schema
    assert str(runs.field("ended").type) == "string" and str(runs.field("variant").type) == "string"
    assert str(runs.field("seed").type) == "int64"
    assert str(pq.read_table(tmp_path / "pq" / "metrics.parquet").schema.field("value").type) == "double"
    assert str(pq.read_table(tmp_path / "pq" / "series.parquet").schema.field("p90").type) == "double"
    outputs.export_tables({"t": (["a", "b", "c"], [(None, 1, "x"), (None, 2.5, "y")])}, tmp_path / "inferred", "parquet")
    t = pq.read_table(tmp_path / "inferred" / "t.parquet").schema
    assert [str(t.field(c).type) for c in "abc"] == ["double", "double", "string"]


def test_a_run_id_made_twice_in_one_second_is_drawn_again(tmp_path, monkeypatch):
    """Two runs in the same second whose 4 random hex digits collide: the second gets a fresh id, not an error
    (the retry used to catch an IntegrityError that the transaction had already turned into a StoreError)."""
    from peacesim.experiment import sqlite as conventions
    from peacesim.experiment.sweep_ledger import Ledger

    digits = iter(["aaaa", "aaaa", "bbbb", "cccc", "cccc", "dddd"])
    monkeypatch.setattr(conventions.secrets, "token_hex", lambda n: next(digits))
    monkeypatch.setattr(conventions.time, "strftime", lambda fmt: "20261202-120000-")
    with Store(tmp_path / "r.db") as st:
        ids = [st.create_run(scenario="mini", variant=None, scenario_text=MINI, scenario_hash="h", seed=1,
                             replications=1, confidence=0.95) for _ in range(2)]
    assert ids == ["20261202-120000-aaaa", "20261202-120000-bbbb"]
    ledger = Ledger(tmp_path / "r.db")
    ledger._db.execute("CREATE TABLE jobs (job TEXT PRIMARY KEY)")
    made = [ledger._insert(lambda db, job: db.execute("INSERT INTO jobs VALUES (?)", (job,))) for _ in range(2)]
    assert made == [f"{ledger.prefix}20261202-120000-cccc", f"{ledger.prefix}20261202-120000-dddd"]
