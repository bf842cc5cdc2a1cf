"""Where an exploration is remembered: three tables beside the runs in the results store's SQLite file.

``explorations`` holds the plan (the base tree as plain data, the uncertain parameters, sampler,
seed, replications, targets); ``explore_points`` one row per point (its values and the hash of its
scenario); ``explore_reps`` one row per finished replication (its metrics as JSON). A point's
replications are written in one transaction with the rest of its batch, so a killed exploration
keeps whole batches and :func:`~.explore.run` runs only the points still missing. The store's
SQLite conventions (WAL, busy timeout, ``BEGIN IMMEDIATE``) come from :mod:`.sqlite`.
"""

from __future__ import annotations

import json
import math
import sqlite3
from typing import Any

from .ledger import JobLedger
from .sqlite import here, now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS explorations (
    explore_id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    variant TEXT,
    file TEXT NOT NULL,
    spec TEXT NOT NULL,
    command TEXT,
    host TEXT,
    pid INTEGER,
    created TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'incomplete', 'complete'))
);
CREATE TABLE IF NOT EXISTS explore_points (
    explore_id TEXT NOT NULL REFERENCES explorations(explore_id) ON DELETE CASCADE,
    point INTEGER NOT NULL,
    unit TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    PRIMARY KEY (explore_id, point)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS explore_reps (
    explore_id TEXT NOT NULL REFERENCES explorations(explore_id) ON DELETE CASCADE,
    point INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (explore_id, point, replication)
) WITHOUT ROWID;
"""


def _json(value: Any) -> str:
    """JSON with NaN kept as null (metrics are NaN when undefined)."""
    if isinstance(value, dict):
        return json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in value.items()})
    return json.dumps(value)


class ExploreLedger(JobLedger):
    """The exploration tables of one results store file."""

    schema, table, key, noun, prefix = _SCHEMA, "explorations", "explore_id", "exploration", "ex"
    list_command = "peacesim explore --list"

    def create(self, scenario: str, variant: str | None, file: str, spec: dict[str, Any],
               points: list[tuple[list[float], str]], command: str | None) -> str:
        """Store a planned exploration in status ``running``; return its id (``ex`` + time + hex)."""
        def write(db: sqlite3.Connection, explore_id: str) -> None:
            db.execute(
                "INSERT INTO explorations (explore_id, scenario, variant, file, spec, command, host, pid, created,"
                " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (explore_id, scenario, variant, file, json.dumps(spec), command, *here(), now()),
            )
            db.executemany(
                "INSERT INTO explore_points (explore_id, point, unit, scenario_hash) VALUES (?, ?, ?, ?)",
                [(explore_id, k, json.dumps(unit), digest) for k, (unit, digest) in enumerate(points)],
            )

        return self._insert(write)

    def get(self, explore_id: str) -> dict[str, Any]:
        """A stored exploration as plain data: its plan and its points (a unique id prefix is enough)."""
        eid, scenario, variant, file, spec, command, host, pid, created, ended, status = self._resolve(
            explore_id, "scenario, variant, file, spec, command, host, pid, created, ended, status")
        points = [(json.loads(u), h) for u, h in self._db.execute(
            "SELECT unit, scenario_hash FROM explore_points WHERE explore_id = ? ORDER BY point", (eid,))]
        status = self.status(status, host, pid)
        return {"explore_id": eid, "scenario": scenario, "variant": variant, "file": file, "spec": json.loads(spec),
                "command": command, "created": created, "ended": ended, "status": status, "points": points}

    def add(self, explore_id: str, rows: list[tuple[int, int, dict[str, float]]]) -> None:
        """Store finished replications ``(point, replication, metrics)`` in one transaction."""
        with self._tx() as db:
            db.executemany("INSERT OR REPLACE INTO explore_reps (explore_id, point, replication, metrics) VALUES (?, ?, ?, ?)",
                           [(explore_id, p, r, _json(m)) for p, r, m in rows])

    def replications(self, explore_id: str) -> dict[tuple[int, int], dict[str, float]]:
        """Every stored replication: (point, replication) -> metrics (None read back as NaN)."""
        out: dict[tuple[int, int], dict[str, float]] = {}
        for p, r, text in self._db.execute(
                "SELECT point, replication, metrics FROM explore_reps WHERE explore_id = ?", (explore_id,)):
            out[(int(p), int(r))] = {k: (math.nan if v is None else float(v)) for k, v in json.loads(text).items()}
        return out

    def list(self) -> list[dict[str, Any]]:
        """Every exploration, oldest first, with its point count and replications stored."""
        out = []
        for eid, scenario, variant, created, status, host, pid, spec in self._db.execute(
                "SELECT explore_id, scenario, variant, created, status, host, pid, spec FROM explorations"
                " ORDER BY created, explore_id").fetchall():
            (points,) = self._db.execute("SELECT COUNT(*) FROM explore_points WHERE explore_id = ?", (eid,)).fetchone()
            (reps,) = self._db.execute("SELECT COUNT(*) FROM explore_reps WHERE explore_id = ?", (eid,)).fetchone()
            status = self.status(status, host, pid)
            s = json.loads(spec)
            out.append({"explore_id": eid, "scenario": scenario, "variant": variant, "created": created, "status": status,
                        "sampler": s.get("sampler"), "points": int(points), "replications": int(reps),
                        "target": int(points) * int(s.get("replications", 0))})
        return out
