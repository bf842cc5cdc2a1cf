"""Where a sizing is remembered: two small tables beside the runs in the results store's file.

``sizings`` holds the question (the varied key paths and ranges, the target, the confidence, the
base scenario as resolved YAML, the seed, the replication schedule) and ``sizing_probes`` one row
per value tried: its overrides (JSON, also the row's key) and its run id. Each probe is an
ordinary run of the store (``group_id`` = the sizing id), extended batch by batch, so a killed
sizing keeps every replication it finished and a resumed one replays the same search.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .ledger import JobLedger
from .sqlite import here, now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sizings (
    sizing_id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    variant TEXT,
    file TEXT NOT NULL,
    spec TEXT NOT NULL,
    base_text TEXT NOT NULL,
    command TEXT,
    host TEXT,
    pid INTEGER,
    created TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'incomplete', 'complete'))
);
CREATE TABLE IF NOT EXISTS sizing_probes (
    sizing_id TEXT NOT NULL REFERENCES sizings(sizing_id) ON DELETE CASCADE,
    probe TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (sizing_id, probe)
) WITHOUT ROWID;
"""


def probe_key(overrides: dict[str, Any]) -> str:
    """The canonical text of a probe's overrides (its key in ``sizing_probes``)."""
    return json.dumps(overrides, sort_keys=True, separators=(",", ":"))


class SizingLedger(JobLedger):
    """The ``sizings`` and ``sizing_probes`` tables of one results store file."""

    schema, table, key, noun, prefix = _SCHEMA, "sizings", "sizing_id", "sizing", "sz"
    list_command = "peacesim size --list"

    def create(self, *, scenario: str, variant: str | None, file: str, spec: dict[str, Any], base_text: str,
               command: str | None) -> str:
        """Store a new sizing in status ``running``; return its id (``sz`` + time + hex)."""
        def write(db: sqlite3.Connection, sizing_id: str) -> None:
            db.execute(
                "INSERT INTO sizings (sizing_id, scenario, variant, file, spec, base_text, command, host, pid,"
                " created, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (sizing_id, scenario, variant, file, json.dumps(spec), base_text, command, *here(), now()),
            )

        return self._insert(write)

    def get(self, sizing_id: str) -> dict[str, Any]:
        """A stored sizing as plain data, with its probes' run ids (a unique id prefix is enough)."""
        sid, scenario, variant, file, spec, base_text, command, host, pid, created, ended, status = self._resolve(
            sizing_id, "scenario, variant, file, spec, base_text, command, host, pid, created, ended, status")
        probes = dict(self._db.execute("SELECT probe, run_id FROM sizing_probes WHERE sizing_id = ?", (sid,)).fetchall())
        status = self.status(status, host, pid)
        return {"sizing_id": sid, "scenario": scenario, "variant": variant, "file": file, "spec": json.loads(spec),
                "base_text": base_text, "command": command, "created": created, "ended": ended, "status": status,
                "probes": probes}

    def set_probe(self, sizing_id: str, key: str, run_id: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO sizing_probes VALUES (?, ?, ?)", (sizing_id, key, run_id))

    def list(self) -> list[dict[str, Any]]:
        """Every sizing, oldest first: id, scenario, variant, target, probes, status."""
        out = []
        for sid, scenario, variant, spec, created, status, host, pid in self._db.execute(
            "SELECT sizing_id, scenario, variant, spec, created, status, host, pid FROM sizings ORDER BY created, sizing_id"
        ).fetchall():
            probes = self._db.execute("SELECT COUNT(*) FROM sizing_probes WHERE sizing_id = ?", (sid,)).fetchone()[0]
            status = self.status(status, host, pid)
            out.append({"sizing_id": sid, "scenario": scenario, "variant": variant, "created": created,
                        "target": json.loads(spec).get("target"), "probes": int(probes), "status": status})
        return out
