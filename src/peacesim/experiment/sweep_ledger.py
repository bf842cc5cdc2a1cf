"""Where a sweep is remembered: two small tables beside the runs in the results store's SQLite file.

``sweeps`` holds the design (parameters, mode, seed, replications, the base scenario as resolved
YAML) and ``sweep_points`` one row per point: its role, its overrides (JSON), the hash of its
scenario and, once known, its run id. The runs themselves stay in the store's own tables (each
run's ``group_id`` is the sweep id). This module opens its own connection to the same file with
the store's settings (WAL, busy timeout) and writes in short ``BEGIN IMMEDIATE`` transactions.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from .sqlite import connect, here, process_alive, transaction

if TYPE_CHECKING:
    from .sweep import Sweep

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sweeps (
    sweep_id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    variant TEXT,
    file TEXT NOT NULL,
    mode TEXT NOT NULL,
    spec TEXT NOT NULL,
    base_text TEXT NOT NULL,
    command TEXT,
    host TEXT,
    pid INTEGER,
    created TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'incomplete', 'complete'))
);
CREATE TABLE IF NOT EXISTS sweep_points (
    sweep_id TEXT NOT NULL REFERENCES sweeps(sweep_id) ON DELETE CASCADE,
    point INTEGER NOT NULL,
    role TEXT NOT NULL,
    param TEXT,
    overrides TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    run_id TEXT,
    PRIMARY KEY (sweep_id, point)
) WITHOUT ROWID;
"""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")




class Ledger:
    """The ``sweeps`` and ``sweep_points`` tables of one results store file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = connect(self.path, _SCHEMA, "the sweep tables")

    def close(self) -> None:
        self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self.path)

    def create(self, sweep: Sweep, command: str | None) -> str:
        """Store a planned sweep in status ``running``; return its new id (``sw`` + time + hex)."""
        from . import scenarios

        spec = {
            "params": [asdict(p) for p in sweep.params],
            "replications": sweep.replications,
            "seed": sweep.seed,
            "confidence": sweep.confidence,
            "lhs_points": sweep.lhs_points,
            "model": sweep.model,
            "base_values": sweep.base_values,
        }
        points = [
            (pt.index, pt.role, pt.param, json.dumps(pt.overrides), scenarios.scenario_hash(sc))
            for pt, sc in zip(sweep.points, sweep.scenarios)
        ]
        for _ in range(5):
            sweep_id = "sw" + time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
            try:
                with self._tx() as db:
                    db.execute(
                        "INSERT INTO sweeps (sweep_id, scenario, variant, file, mode, spec, base_text, command, host,"
                        " pid, created, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                        (sweep_id, sweep.scenario, sweep.variant, sweep.file, sweep.mode, json.dumps(spec),
                         sweep.base_text, command, *here(), _now()),
                    )
                    db.executemany(
                        "INSERT INTO sweep_points (sweep_id, point, role, param, overrides, scenario_hash)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        [(sweep_id, *row) for row in points],
                    )
                return sweep_id
            except sqlite3.IntegrityError:
                continue
        raise StoreError("could not allocate a unique sweep id")

    def _resolve(self, sweep_id: str) -> tuple[Any, ...]:
        rows = self._db.execute(
            "SELECT sweep_id, scenario, variant, file, mode, spec, base_text, command, host, pid, created, ended,"
            " status FROM sweeps WHERE substr(sweep_id, 1, ?) = ? ORDER BY sweep_id",
            (len(sweep_id), sweep_id),
        ).fetchall()
        rows = [r for r in rows if r[0] == sweep_id] or rows
        if not rows:
            raise StoreError(f"{self.path}: no sweep {sweep_id!r}; list sweeps with: peacesim sweep --list")
        if len(rows) > 1:
            raise StoreError(f"sweep id {sweep_id!r} is ambiguous: {', '.join(r[0] for r in rows[:5])}")
        return tuple(rows[0])

    def get(self, sweep_id: str) -> dict[str, Any]:
        """A stored sweep as plain data, with its points (a unique prefix of the id is enough)."""
        (sid, scenario, variant, file, mode, spec, base_text, command, host, pid, created, ended,
         status) = self._resolve(sweep_id)
        points = [
            {"point": p, "role": role, "param": param, "overrides": json.loads(ov), "scenario_hash": h, "run_id": rid}
            for p, role, param, ov, h, rid in self._db.execute(
                "SELECT point, role, param, overrides, scenario_hash, run_id FROM sweep_points WHERE sweep_id = ?"
                " ORDER BY point", (sid,))
        ]
        if status == "running" and not process_alive(host, pid):
            status = "incomplete"
        return {"sweep_id": sid, "scenario": scenario, "variant": variant, "file": file, "mode": mode,
                "spec": json.loads(spec), "base_text": base_text, "command": command, "created": created,
                "ended": ended, "status": status, "points": points}

    def claim(self, sweep_id: str) -> None:
        """Mark the sweep as worked on by this process; refuse if another live process has it."""
        sid, *_, host, pid, _created, _ended, status = self._resolve(sweep_id)
        if status == "running" and pid != os.getpid() and process_alive(host, pid):
            raise StoreError(f"sweep {sid} is still running (pid {pid} on {host}); cannot resume it twice")
        with self._tx() as db:
            db.execute("UPDATE sweeps SET status = 'running', host = ?, pid = ?, ended = NULL WHERE sweep_id = ?",
                       (*here(), sid))

    def set_run(self, sweep_id: str, point: int, run_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE sweep_points SET run_id = ? WHERE sweep_id = ? AND point = ?", (run_id, sweep_id, point))

    def finish(self, sweep_id: str, status: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE sweeps SET status = ?, ended = ? WHERE sweep_id = ?", (status, _now(), sweep_id))

    def list(self) -> list[dict[str, Any]]:
        """Every sweep, oldest first, with how many of its points have a complete run."""
        out = []
        for sid, scenario, variant, mode, created, status, host, pid in self._db.execute(
            "SELECT sweep_id, scenario, variant, mode, created, status, host, pid FROM sweeps ORDER BY created, sweep_id"
        ).fetchall():
            total, done = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(r.status = 'complete'), 0) FROM sweep_points p"
                " LEFT JOIN runs r ON r.run_id = p.run_id WHERE p.sweep_id = ?", (sid,)).fetchone()
            if status == "running" and not process_alive(host, pid):
                status = "incomplete"
            out.append({"sweep_id": sid, "scenario": scenario, "variant": variant, "mode": mode, "created": created,
                        "status": status, "points": int(total), "done": int(done)})
        return out
