"""Where a sizing is remembered: two small tables beside the runs in the results store's file.

``sizings`` holds the question (the varied key paths and ranges, the target, the confidence, the
base scenario as resolved YAML, the seed, the replication schedule) and ``sizing_probes`` one row
per value tried: its overrides (JSON, also the row's key) and its run id. Each probe is an
ordinary run of the store (``group_id`` = the sizing id), extended batch by batch, so a killed
sizing keeps every replication it finished and a resumed one replays the same search.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .sqlite import connect, here, process_alive, transaction

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


class SizingLedger:
    """The ``sizings`` and ``sizing_probes`` tables of one results store file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = connect(self.path, _SCHEMA, "the sizing tables")

    def close(self) -> None:
        self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self.path)

    def create(self, *, scenario: str, variant: str | None, file: str, spec: dict[str, Any], base_text: str,
               command: str | None) -> str:
        """Store a new sizing in status ``running``; return its id (``sz`` + time + hex)."""
        for _ in range(5):
            sizing_id = "sz" + time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
            try:
                with self._tx() as db:
                    db.execute(
                        "INSERT INTO sizings (sizing_id, scenario, variant, file, spec, base_text, command, host, pid,"
                        " created, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                        (sizing_id, scenario, variant, file, json.dumps(spec), base_text, command, *here(),
                         time.strftime("%Y-%m-%dT%H:%M:%S%z")),
                    )
                return sizing_id
            except sqlite3.IntegrityError:
                continue
        raise StoreError("could not allocate a unique sizing id")

    def _resolve(self, sizing_id: str) -> tuple[Any, ...]:
        rows = self._db.execute(
            "SELECT sizing_id, scenario, variant, file, spec, base_text, command, host, pid, created, ended, status"
            " FROM sizings WHERE substr(sizing_id, 1, ?) = ? ORDER BY sizing_id", (len(sizing_id), sizing_id),
        ).fetchall()
        rows = [r for r in rows if r[0] == sizing_id] or rows
        if not rows:
            raise StoreError(f"{self.path}: no sizing {sizing_id!r}; list sizings with: peacesim size --list")
        if len(rows) > 1:
            raise StoreError(f"sizing id {sizing_id!r} is ambiguous: {', '.join(r[0] for r in rows[:5])}")
        return tuple(rows[0])

    def get(self, sizing_id: str) -> dict[str, Any]:
        """A stored sizing as plain data, with its probes' run ids (a unique id prefix is enough)."""
        sid, scenario, variant, file, spec, base_text, command, host, pid, created, ended, status = self._resolve(sizing_id)
        probes = dict(self._db.execute("SELECT probe, run_id FROM sizing_probes WHERE sizing_id = ?", (sid,)).fetchall())
        if status == "running" and not process_alive(host, pid):
            status = "incomplete"
        return {"sizing_id": sid, "scenario": scenario, "variant": variant, "file": file, "spec": json.loads(spec),
                "base_text": base_text, "command": command, "created": created, "ended": ended, "status": status,
                "probes": probes}

    def claim(self, sizing_id: str) -> None:
        """Mark the sizing as worked on by this process; refuse if another live process has it."""
        sid, *_, host, pid, _created, _ended, status = self._resolve(sizing_id)
        if status == "running" and pid != os.getpid() and process_alive(host, pid):
            raise StoreError(f"sizing {sid} is still running (pid {pid} on {host}); cannot resume it twice")
        with self._tx() as db:
            db.execute("UPDATE sizings SET status = 'running', host = ?, pid = ?, ended = NULL WHERE sizing_id = ?",
                       (*here(), sid))

    def set_probe(self, sizing_id: str, key: str, run_id: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO sizing_probes VALUES (?, ?, ?)", (sizing_id, key, run_id))

    def finish(self, sizing_id: str, status: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE sizings SET status = ?, ended = ? WHERE sizing_id = ?",
                       (status, time.strftime("%Y-%m-%dT%H:%M:%S%z"), sizing_id))

    def list(self) -> list[dict[str, Any]]:
        """Every sizing, oldest first: id, scenario, variant, target, probes, status."""
        out = []
        for sid, scenario, variant, spec, created, status, host, pid in self._db.execute(
            "SELECT sizing_id, scenario, variant, spec, created, status, host, pid FROM sizings ORDER BY created, sizing_id"
        ).fetchall():
            probes = self._db.execute("SELECT COUNT(*) FROM sizing_probes WHERE sizing_id = ?", (sid,)).fetchone()[0]
            if status == "running" and not process_alive(host, pid):
                status = "incomplete"
            out.append({"sizing_id": sid, "scenario": scenario, "variant": variant, "created": created,
                        "target": json.loads(spec).get("target"), "probes": int(probes), "status": status})
        return out
