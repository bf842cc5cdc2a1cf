"""The store's layout version (PRAGMA user_version): stamped on create, checked on open, older files migrated."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

import synthetic
from peacesim.cli import main
from peacesim.errors import StoreError
from peacesim.experiment import runner, scenarios
from peacesim.experiment import sqlite as sqlite_conventions
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


def _as_version_1(db: Path) -> None:
    """Make a current store look like one written by version 1: band ``low/high``, offsets ``+0000``."""
    with sqlite3.connect(db) as con:
        con.execute("ALTER TABLE series_summary RENAME COLUMN p10 TO low")
        con.execute("ALTER TABLE series_summary RENAME COLUMN p90 TO high")
        con.execute("UPDATE runs SET started = '2026-11-30T09:15:02+0000', ended = '2026-11-30T09:16:40+0100'")
        con.execute("PRAGMA user_version = 1")


def test_version_1_store_is_migrated_on_open_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The band is p10/p90 in the store as in every export, and old timestamps gain the offset's colon."""
    db, run_id = _stored_run(tmp_path)
    with Store(db, readonly=True) as st:
        before = st.load_run(run_id).series["level"]
    _as_version_1(db)
    capsys.readouterr()
    with Store(db, readonly=True) as st:
        after = st.load_run(run_id).series["level"]
        assert st.tables(run_id)["series"][0][-2:] == ["p10", "p90"]
    assert "migrated in place from layout version 1 to 2" in capsys.readouterr().err
    for a, b in ((before.mean, after.mean), (before.p10, after.p10), (before.p90, after.p90)):
        assert a.tolist() == b.tolist()
    assert _version(db) == STORE_VERSION == 2
    with sqlite3.connect(db) as con:
        assert {"p10", "p90"} <= {r[1] for r in con.execute("PRAGMA table_info(series_summary)")}
        assert not {"low", "high"} & {r[1] for r in con.execute("PRAGMA table_info(series_summary)")}
        assert con.execute("SELECT started, ended, datetime(started), datetime(ended) FROM runs").fetchone() == (
            "2026-11-30T09:15:02+00:00", "2026-11-30T09:16:40+01:00", "2026-11-30 09:15:02", "2026-11-30 08:16:40")
    Store(db).close()
    assert capsys.readouterr().err == ""  # migrated once


def test_version_0_store_with_the_old_band_names_keeps_its_bands(tmp_path: Path) -> None:
    """Version 0 gains p10/p90 (step 0), then version 1 -> 2 moves low/high into them and drops the old names."""
    db, run_id = _stored_run(tmp_path)
    with Store(db, readonly=True) as st:
        before = st.load_run(run_id).series["level"]
    _as_version_1(db)
    with sqlite3.connect(db) as con:
        con.execute("ALTER TABLE runs DROP COLUMN group_id")
        con.execute("PRAGMA user_version = 0")
    with Store(db) as st:
        after = st.load_run(run_id).series["level"]
    assert before.p10.tolist() == after.p10.tolist() and before.p90.tolist() == after.p90.tolist()
    with sqlite3.connect(db) as con:
        assert [r[1] for r in con.execute("PRAGMA table_info(series_summary)")] == [
            "run_id", "series", "day", "mean", "p10", "p90"]


def test_version_1_store_first_opened_by_a_ledger_is_migrated(tmp_path: Path) -> None:
    db, run_id = _stored_run(tmp_path)
    _as_version_1(db)
    SizingLedger(db).close()
    assert _version(db) == STORE_VERSION
    with Store(db, readonly=True) as st:
        assert st.load_run(run_id).series["level"].p90.size > 0


def test_version_1_store_that_cannot_be_written_is_read_as_it_is(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only old store (a shared disk) is still read, with its own band column names."""
    db, run_id = _stored_run(tmp_path)
    _as_version_1(db)
    monkeypatch.setattr(sqlite_conventions.os, "access", lambda *_: False)
    with Store(db, readonly=True) as st:
        band = st.load_run(run_id).series["level"]
        assert band.p90.size > 0 and st.tables(run_id)["series"][0][-2:] == ["p10", "p90"]
    assert _version(db) == 1


def test_timestamps_are_iso_8601_that_sqlite_reads(tmp_path: Path) -> None:
    """Every stored time has a colon in its offset, so SQLite's datetime() parses it (not NULL)."""
    db, run_id = _stored_run(tmp_path)
    ledger = SizingLedger(db)
    ledger.finish(ledger.create(scenario="mini", variant=None, file="mini.yaml", spec={}, base_text="", command=None),
                  "complete")
    ledger.close()
    with sqlite3.connect(db) as con:
        started, ended, parsed_start, parsed_end = con.execute(
            "SELECT started, ended, datetime(started), datetime(ended) FROM runs").fetchone()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", started)
        assert parsed_start is not None and parsed_end is not None and ended is not None
        assert None not in con.execute("SELECT datetime(created), datetime(ended) FROM sizings").fetchone()
