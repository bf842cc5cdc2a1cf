"""The SQLite conventions every table of the results store shares.

One file, WAL journal, a long busy timeout, and short ``BEGIN IMMEDIATE`` write transactions, so
several processes (two runs, a run and a sweep) can write to it at once without corrupting it.
Commands that only read (``runs``, ``export``, ``report``, ``compare`` of stored runs) open it
read-only, so a store on a read-only disk or shared read-only can still be read. A failed write (a
full disk, a locked or read-only file) is a :class:`~peacesim.errors.StoreError` naming the file.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreError


def connect(path: Path, schema: str, what: str, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) the store file and make sure ``schema``'s tables exist.

    With ``readonly``, open an existing file for reading only (nothing is created or changed).
    """
    if readonly:
        return _connect_readonly(path, what)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 60000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        with transaction(db, path) as tx:
            for stmt in filter(str.strip, schema.split(";")):
                tx.execute(stmt)
    except (sqlite3.DatabaseError, OSError) as e:
        raise StoreError(f"{path}: cannot open {what}: {_reason(e)}") from e
    return db


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
