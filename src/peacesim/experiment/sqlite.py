"""The SQLite conventions every table of the results store shares.

One file, WAL journal, a long busy timeout, and short ``BEGIN IMMEDIATE`` write transactions, so
several processes (two runs, a run and a sweep) can write to it at once without corrupting it.
Commands that only read (``runs``, ``export``, ``report``, ``compare`` of stored runs) open it
read-only, so a store on a read-only disk or shared read-only can still be read. A failed write (a
full disk, a locked or read-only file) is a :class:`~peacesim.errors.StoreError` naming the file.

The file's layout version is ``PRAGMA user_version`` (:data:`STORE_VERSION`). A file newer than
this code is refused with a clear error; an older one is migrated in place when opened (one line on
stderr says so): version 0, a store made before versions were stamped, gains any column the current
tables have and it lacks; version 1 has its band columns renamed ``low``/``high`` -> ``p10``/``p90``
(the names of every export) and its timestamps rewritten with a colon in the UTC offset.

Timestamps are ISO 8601 with the offset written ``+00:00`` (:func:`now`), which SQLite's
``datetime()`` and every ISO parser read.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreError

#: layout version of the store file, kept in ``PRAGMA user_version``; bump it with a step in MIGRATIONS
STORE_VERSION = 2


def now() -> str:
    """The time as stored: ISO 8601 to the second with the local UTC offset, ``2026-12-02T14:53:25+00:00``."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _add_missing_columns(db: sqlite3.Connection, schema: str) -> None:
    """Give every table of ``schema`` the columns it has in ``schema`` and lacks in the file.

    A column that is NOT NULL without a default cannot be added to existing rows: that is a refusal.
    """
    model = sqlite3.connect(":memory:")
    try:
        for stmt in filter(str.strip, schema.split(";")):
            model.execute(stmt)
        tables = [r[0] for r in model.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            for _, name, kind, notnull, default, pk in model.execute(f"PRAGMA table_info({table})"):
                if name in have:
                    continue
                if pk or (notnull and default is None):
                    raise sqlite3.DatabaseError(f"table {table} lacks column {name}, which cannot be added; "
                                                "use a new --db")
                clause = f" NOT NULL DEFAULT {default}" if notnull else (f" DEFAULT {default}" if default is not None else "")
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}{clause}")
    finally:
        model.close()


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in db.execute(f"PRAGMA table_info({table})")}


def _rename_column(db: sqlite3.Connection, table: str, old: str, new: str) -> None:
    """Rename ``old`` to ``new`` (if the table has ``old``); when ``new`` was already added, move the values."""
    have = _columns(db, table)
    if old not in have:
        return
    if new in have:
        db.execute(f"UPDATE {table} SET {new} = COALESCE({new}, {old})")
        db.execute(f"ALTER TABLE {table} DROP COLUMN {old}")
    else:
        db.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")


#: table -> its timestamp columns (runs in the store; jobs of the ledgers)
TIMESTAMPS = {"runs": ("started", "ended"), "sweeps": ("created", "ended"), "sizings": ("created", "ended"),
              "explorations": ("created", "ended")}


def _band_names_and_iso_times(db: sqlite3.Connection, schema: str) -> None:
    """Version 1 -> 2: ``series_summary.low/high`` become ``p10/p90``; ``+0000`` offsets become ``+00:00``.

    Works on the tables the file has, whatever ``schema`` opened it (a ledger may be first to open it).
    """
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "series_summary" in tables:
        _rename_column(db, "series_summary", "low", "p10")
        _rename_column(db, "series_summary", "high", "p90")
    for table, cols in TIMESTAMPS.items():
        if table not in tables:
            continue
        have = _columns(db, table)
        for col in (c for c in cols if c in have):
            db.execute(f"UPDATE {table} SET {col} = substr({col}, 1, length({col}) - 2) || ':' || substr({col}, -2)"
                       f" WHERE {col} GLOB '*T*[+-][0-9][0-9][0-9][0-9]'")


#: version n -> the step that brings a store at version n (with ``schema``'s tables) to n + 1
MIGRATIONS: dict[int, Callable[[sqlite3.Connection, str], None]] = {
    0: _add_missing_columns,
    1: _band_names_and_iso_times,
}


def _file_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _refuse_newer(path: Path, version: int) -> None:
    if version > STORE_VERSION:
        raise StoreError(f"{path}: the results store has layout version {version}, newer than this peacesim "
                         f"understands ({STORE_VERSION}); upgrade peacesim (pip install -U peacesim) or use another --db")


def _migrate(db: sqlite3.Connection, path: Path, schema: str) -> int | None:
    """Create ``schema``'s tables in a new file, or bring an older file up to :data:`STORE_VERSION`.

    Returns the version an existing file was migrated from, or None when nothing was migrated.
    """
    version = _file_version(db)
    _refuse_newer(path, version)
    fresh = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    for stmt in filter(str.strip, schema.split(";")):
        db.execute(stmt)
    if not fresh:
        for step in range(version, STORE_VERSION):
            MIGRATIONS[step](db, schema)
        # another kind of table (a ledger's) may be new to this store even at the current version
        _add_missing_columns(db, schema)
    if version != STORE_VERSION:
        db.execute(f"PRAGMA user_version = {STORE_VERSION}")
    return version if not fresh and version != STORE_VERSION else None


def connect(path: Path, schema: str, what: str, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) the store file and make sure ``schema``'s tables exist, at :data:`STORE_VERSION`.

    With ``readonly``, open an existing file for reading only (nothing is created or changed; an
    older file is first migrated if it can be written, else read as it is).
    """
    if readonly:
        ro = _connect_readonly(path, what)
        if _file_version(ro) < STORE_VERSION and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
            try:
                connect(path, schema, what).close()
            except StoreError:
                return ro  # busy or not writable after all: read it as it is
            ro.close()
            return _connect_readonly(path, what)
        return ro
    db: sqlite3.Connection | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 60000")
        _use_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        with transaction(db, path) as tx:
            migrated = _migrate(tx, path, schema)
        if migrated is not None:
            print(f"note: {path}: results store migrated in place from layout version {migrated} to "
                  f"{STORE_VERSION}", file=sys.stderr)
    except StoreError:
        if db is not None:
            db.close()
        raise
    except (sqlite3.DatabaseError, OSError) as e:
        if db is not None:
            db.close()
        raise StoreError(f"{path}: cannot open {what}: {_reason(e)}") from e
    return db


def _use_wal(db: sqlite3.Connection, seconds: float = 60.0) -> None:
    """Switch the file to WAL, waiting for other openers as the busy timeout would.

    Two processes opening one new store together once failed here with "database is locked" in the
    full test suite (tests/test_store.py::test_concurrent_writers) despite the busy timeout; the switch
    is retried, with growing pauses, until the same 60 s have passed. Once the file is WAL (which
    persists), the pragma is a no-op and succeeds at the first try.
    """
    deadline = time.monotonic() + seconds
    pause = 0.01
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(2 * pause, 0.5)


def _connect_readonly(path: Path, what: str) -> sqlite3.Connection:
    if not path.is_file():
        raise StoreError(f"no results store at {path}; run a scenario first (peacesim run FILE)")
    uri = path.resolve().as_uri()
    last: Exception | None = None
    # mode=ro reads a WAL store whose -shm file can be opened; immutable=1 reads one on a read-only disk.
    for query in ("mode=ro", "mode=ro&immutable=1"):
        try:
            db = sqlite3.connect(f"{uri}?{query}", uri=True, timeout=60.0, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 60000")
            _refuse_newer(path, _file_version(db))
            db.execute("SELECT COUNT(*) FROM runs").fetchone()
            return db
        except sqlite3.DatabaseError as e:
            last = e
    raise StoreError(f"{path}: cannot read {what}: {_reason(last)}")


def _reason(e: BaseException | None) -> str:
    text = str(e) if e is not None else "unknown error"
    if "disk is full" in text or "No space" in text:
        return f"{text} (free some disk space, or use another --db)"
    if "readonly" in text or "read-only" in text or "Permission denied" in text:
        return f"{text} (the file or its folder is not writable; use another --db)"
    return text


@contextmanager
def transaction(db: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction, taking the write lock at once (no upgrade deadlocks)."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: the results store is busy, locked or read-only: {_reason(e)}") from e
    try:
        yield db
    except sqlite3.DatabaseError as e:
        _rollback(db)
        raise StoreError(f"{path}: cannot write to the results store: {_reason(e)}") from e
    except BaseException:
        _rollback(db)
        raise
    else:
        try:
            db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            _rollback(db)
            raise StoreError(f"{path}: cannot write to the results store: {_reason(e)}") from e


def insert_new(db: sqlite3.Connection, path: Path, prefix: str, write: Callable[[sqlite3.Connection, str], None],
               noun: str = "run") -> str:
    """Allocate a new id (``PREFIX20261202-143015-3fa9``) and let ``write`` store its rows, in one transaction.

    Ids made in the same second differ only in their 4 random hex digits; when two collide, the
    write fails on the key's uniqueness (:func:`transaction` turns that into a :class:`StoreError`
    caused by an ``IntegrityError``) and a fresh id is tried.
    """
    for _ in range(8):
        new = prefix + time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
        try:
            with transaction(db, path) as tx:
                write(tx, new)
            return new
        except StoreError as e:
            if not isinstance(e.__cause__, sqlite3.IntegrityError):
                raise
    raise StoreError(f"{path}: could not allocate a unique {noun} id")


def _rollback(db: sqlite3.Connection) -> None:
    try:
        if db.in_transaction:
            db.execute("ROLLBACK")
    except sqlite3.DatabaseError:
        pass


def here() -> tuple[str, int]:
    """(host, pid) of this process, recorded by whoever claims a run or a sweep."""
    return socket.gethostname(), os.getpid()


def process_alive(host: str | None, pid: int | None) -> bool:
    """Whether the process that claimed a row still runs (assumed so when it is on another host)."""
    if not pid:
        return False
    if host is not None and host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
