"""The store's layout version (PRAGMA user_version): stamped on create, checked on open, older files migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import synthetic
from peacesim.cli import main
from peacesim.errors import StoreError
from peacesim.experiment import runner, scenarios
from peacesim.experiment.sizing_ledger import SizingLedger
from peacesim.experiment.sqlite import STORE_VERSION
from peacesim.experiment.store import Store
from scenarios.mini import mini_text


def _version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def _stored_run(tmp_path: Path) -> tuple[Path, str]:
    mini = tmp_path / "mini.yaml"
    mini.write_text(mini_text(horizon_days=12))
    db = tmp_path / "r.db"
    with Store(db) as st:
        r = runner.replicate(scenarios.load(mini), replications=3, seed=1, executor="serial",
                             simulate=synthetic.known_answer, store=st)
    return db, r.run_id


def test_new_store_is_stamped(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    Store(db).close()
    assert _version(db) == STORE_VERSION >= 1
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(STORE_VERSION)


def test_newer_store_is_refused_with_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = _stored_run(tmp_path)
    with sqlite3.connect(db) as con:
        con.execute(f"PRAGMA user_version = {STORE_VERSION + 1}")
    for readonly in (False, True):
        with pytest.raises(StoreError, match=rf"layout version {STORE_VERSION + 1}, newer than .*upgrade peacesim"):
            Store(db, readonly=readonly)
    assert main(["runs", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "newer than this peacesim" in err and "Traceback" not in err
    assert _version(db) == STORE_VERSION + 1  # left as it was


@pytest.mark.parametrize("readonly", [False, True])
def test_version_0_store_is_migrated(tmp_path: Path, readonly: bool) -> None:
    """A store from before versions (user_version 0) lacking newer columns gains them and keeps its runs."""
    db, run_id = _stored_run(tmp_path)
    with sqlite3.connect(db) as con:
        con.execute("ALTER TABLE runs DROP COLUMN group_id")
        con.execute("ALTER TABLE runs DROP COLUMN command")
        con.execute("PRAGMA user_version = 0")
    with Store(db, readonly=readonly) as st:
        rec = st.get_run(run_id)
        assert rec.status == "complete" and rec.done == 3 and rec.group_id is None and rec.command is None
        assert st.load_run(run_id).replications == 3
    assert _version(db) == STORE_VERSION
    with sqlite3.connect(db) as con:
        assert {"group_id", "command"} <= {r[1] for r in con.execute("PRAGMA table_info(runs)")}


def test_ledger_tables_join_a_versioned_store(tmp_path: Path) -> None:
    db, run_id = _stored_run(tmp_path)
    SizingLedger(db).close()
    assert _version(db) == STORE_VERSION
    with Store(db, readonly=True) as st:
        assert st.get_run(run_id).done == 3


def test_a_column_that_cannot_be_added_is_a_store_error(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY)")
    with pytest.raises(StoreError, match="lacks column scenario"):
        Store(db)
