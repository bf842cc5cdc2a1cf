"""Where a sweep is remembered: two small tables beside the runs in the results store's SQLite file.

``sweeps`` holds the design (parameters, mode, seed, replications, the base scenario as resolved
YAML) and ``sweep_points`` one row per point: its role, its overrides (JSON), the hash of its
scenario and, once known, its run id. The runs themselves stay in the store's own tables (each
run's ``group_id`` is the sweep id). This module opens its own connection to the same file with
the store's settings (WAL, busy timeout) and writes in short ``BEGIN IMMEDIATE`` transactions.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .ledger import JobLedger
from .sqlite import here, now

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


class Ledger(JobLedger):
    """The ``sweeps`` and ``sweep_points`` tables of one results store file."""

    schema, table, key, noun, prefix = _SCHEMA, "sweeps", "sweep_id", "sweep", "sw"
    list_command = "peacesim sweep --list"

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
        def write(db: sqlite3.Connection, sweep_id: str) -> None:
            db.execute(
                "INSERT INTO sweeps (sweep_id, scenario, variant, file, mode, spec, base_text, command, host,"
                " pid, created, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (sweep_id, sweep.scenario, sweep.variant, sweep.file, sweep.mode, json.dumps(spec),
                 sweep.base_text, command, *here(), now()),
            )
            db.executemany(
                "INSERT INTO sweep_points (sweep_id, point, role, param, overrides, scenario_hash)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(sweep_id, *row) for row in points],
            )

        return self._insert(write)

    def get(self, sweep_id: str) -> dict[str, Any]:
        """A stored sweep as plain data, with its points (a unique prefix of the id is enough)."""
        (sid, scenario, variant, file, mode, spec, base_text, command, host, pid, created, ended,
         status) = self._resolve(sweep_id, "scenario, variant, file, mode, spec, base_text, command, host, pid, created,"
                                 " ended, status")
        points = [
            {"point": p, "role": role, "param": param, "overrides": json.loads(ov), "scenario_hash": h, "run_id": rid}
            for p, role, param, ov, h, rid in self._db.execute(
                "SELECT point, role, param, overrides, scenario_hash, run_id FROM sweep_points WHERE sweep_id = ?"
                " ORDER BY point", (sid,))
        ]
        status = self.status(status, host, pid)
        return {"sweep_id": sid, "scenario": scenario, "variant": variant, "file": file, "mode": mode,
                "spec": json.loads(spec), "base_text": base_text, "command": command, "created": created,
                "ended": ended, "status": status, "points": points}

    def set_run(self, sweep_id: str, point: int, run_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE sweep_points SET run_id = ? WHERE sweep_id = ? AND point = ?", (run_id, sweep_id, point))

    def list(self) -> list[dict[str, Any]]:
        """Every sweep, oldest first, with how many of its points have a complete run."""
        out = []
        for sid, scenario, variant, mode, created, status, host, pid in self._db.execute(
            "SELECT sweep_id, scenario, variant, mode, created, status, host, pid FROM sweeps ORDER BY created, sweep_id"
        ).fetchall():
            total, done = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(r.status = 'complete'), 0) FROM sweep_points p"
                " LEFT JOIN runs r ON r.run_id = p.run_id WHERE p.sweep_id = ?", (sid,)).fetchone()
            status = self.status(status, host, pid)
            out.append({"sweep_id": sid, "scenario": scenario, "variant": variant, "mode": mode, "created": created,
                        "status": status, "points": int(total), "done": int(done)})
        return out
