"""The SQLite conventions every table of the results store shares.

One file, WAL journal, a long busy timeout, and short ``BEGIN IMMEDIATE`` write transactions, so
several processes (two runs, a run and a sweep) can write to it at once without corrupting it.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreError


def connect(path: Path, schema: str, what: str) -> sqlite3.Connection:
    """Open (creating if needed) the store file and make sure ``schema``'s tables exist."""
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
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: cannot open {what}: {e}") from e
    return db


@contextmanager
def transaction(db: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction, taking the write lock at once (no upgrade deadlocks)."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise StoreError(f"{path}: the results store is busy or locked: {e}") from e
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


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
