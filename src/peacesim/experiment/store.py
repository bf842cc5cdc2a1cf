"""The results store: every run kept in one SQLite file, safe to share and to resume.

Tables: ``runs`` (manifest: resolved scenario and hash, seed, variant, versions, command line,
start/end, status), ``replications`` (one row per finished replication), ``metrics`` (tidy:
run, replication, metric, value; NaN is stored as NULL), ``replication_series`` (the daily series
of the first replications, float32, zlib-compressed; kept only until the run completes, to resume
it) and ``series_summary`` (tidy daily mean/p10/p90, written when a run completes).

Replications are written in transactions as they arrive, so a killed run keeps what it finished
and is never marked complete. A run whose status is ``running`` but whose process is gone is
reported as ``incomplete``. WAL mode and a busy timeout let several runs write at once.
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
import zlib
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError
from .collect import Collector
from .executors import RepOutput
from .outputs import IDENTITY_COLUMNS
from .results import RunResult, SeriesBand, run_label
from .sqlite import STORE_VERSION, connect, here, insert_new, now, process_alive, transaction

DEFAULT_PATH = Path("reports") / "peacesim.db"
#: Environment variable naming the results store when none is given.
DB_ENV = "PEACESIM_DB"


def locate(db: str | Path | None = None, scenario_file: str | Path | None = None) -> Path:
    """The results store to use: ``db``, else ``$PEACESIM_DB``, else the store of the scenario's project
    (the nearest folder above the scenario file holding ``reports/peacesim.db``), else
    ``reports/peacesim.db`` of the working folder (relative). So a notebook in another folder finds the
    project's runs."""
    import os

    if db:
        return Path(db)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    found = project_store(scenario_file) if scenario_file else None
    if found is not None:
        return DEFAULT_PATH if found.parents[1] == Path.cwd().resolve() else found
    return DEFAULT_PATH


def project_store(scenario_file: str | Path) -> Path | None:
    """The ``reports/peacesim.db`` of the nearest folder above the scenario file that has one (absolute)."""
    try:
        for folder in Path(scenario_file).resolve().parents:
            if (folder / DEFAULT_PATH).is_file():
                return folder / DEFAULT_PATH
    except OSError:
        pass
    return None
SCHEMA_VERSION = STORE_VERSION  # also in PRAGMA user_version, which is the one checked (sqlite.py)
STATUSES = ("running", "incomplete", "complete")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    variant TEXT,
    scenario_text TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    seed INTEGER NOT NULL,
    replications INTEGER NOT NULL,
    confidence REAL NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    versions TEXT NOT NULL DEFAULT '{}',
    command TEXT,
    group_id TEXT,
    host TEXT,
    pid INTEGER,
    started TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'incomplete', 'complete'))
);
CREATE TABLE IF NOT EXISTS replications (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    replication INTEGER NOT NULL,
    events INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, replication)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metrics (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    replication INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (run_id, replication, metric)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS replication_series (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    replication INTEGER NOT NULL,
    series TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, replication, series)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS series_summary (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    series TEXT NOT NULL,
    day INTEGER NOT NULL,
    mean REAL, p10 REAL, p90 REAL,
    PRIMARY KEY (run_id, series, day)
) WITHOUT ROWID;
"""


@dataclass
class RunRecord:
    """One row of the run manifest, with the number of replications finished."""

    run_id: str
    scenario: str
    variant: str | None
    scenario_text: str
    scenario_hash: str
    seed: int
    replications: int
    confidence: float
    options: dict[str, Any]
    versions: dict[str, str]
    command: str | None
    group_id: str | None
    host: str | None
    pid: int | None
    started: str
    ended: str | None
    status: str
    done: int = 0
    stored_status: str = field(default="", repr=False)

    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``--set``/``--scale`` the run was made with, as typed."""
        return tuple(str(o) for o in self.options.get("overrides") or ())

    @property
    def label(self) -> str:
        return run_label(self.scenario, self.variant, self.overrides)


def versions() -> dict[str, str]:
    """Versions of peacesim, Python and the libraries that shape results."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for pkg in ("peacesim", "numpy", "scipy", "simpy", "pydantic"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


def _encode(values: np.ndarray) -> bytes:
    return zlib.compress(np.asarray(values, dtype="<f4").tobytes(), 1)


def _decode(blob: bytes) -> np.ndarray:
    return np.frombuffer(zlib.decompress(blob), dtype="<f4")


class Store:
    """The SQLite results store (default ``reports/peacesim.db``)."""

    def __init__(self, path: str | Path = DEFAULT_PATH, readonly: bool = False) -> None:
        """Open the store; ``readonly`` for commands that only read (works on read-only files and disks)."""
        self.path = Path(path)
        self.readonly = readonly
        self._db = connect(self.path, _SCHEMA, "the results store", readonly=readonly)
        # an older store that could not be migrated (read-only) is read with its own band names
        have = {r[1] for r in self._db.execute("PRAGMA table_info(series_summary)")}
        self._band = "p10, p90" if "p10" in have or not have else "low, high"
        if not readonly:
            with self._tx() as db:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self.path)

    # -- writing -----------------------------------------------------------------------------
    def create_run(
        self,
        *,
        scenario: str,
        variant: str | None,
        scenario_text: str,
        scenario_hash: str,
        seed: int,
        replications: int,
        confidence: float,
        options: dict[str, Any] | None = None,
        command: str | None = None,
        group_id: str | None = None,
    ) -> str:
        """Add a run in status ``running`` and return its new id."""
        def write(db: sqlite3.Connection, run_id: str) -> None:
            db.execute(
                "INSERT INTO runs (run_id, scenario, variant, scenario_text, scenario_hash, seed,"
                " replications, confidence, options, versions, command, group_id, host, pid, started, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (run_id, scenario, variant, scenario_text, scenario_hash, int(seed), int(replications),
                 float(confidence), json.dumps(options or {}, sort_keys=True), json.dumps(versions()),
                 command, group_id, *here(), now()),
            )

        return insert_new(self._db, self.path, "", write)

    def add_replications(self, run_id: str, outputs: Iterable[RepOutput]) -> None:
        """Store finished replications (metrics and series) in one transaction."""
        reps, metrics, series = [], [], []
        for o in outputs:
            reps.append((run_id, o.index, o.events))
            metrics += [(run_id, o.index, k, None if math.isnan(v) else v) for k, v in o.metrics.items()]
            if o.series:
                series += [(run_id, o.index, k, _encode(v)) for k, v in o.series.items()]
        if not reps:
            return
        with self._tx() as db:
            db.executemany("INSERT OR REPLACE INTO replications VALUES (?, ?, ?)", reps)
            db.executemany("INSERT OR REPLACE INTO metrics VALUES (?, ?, ?, ?)", metrics)
            db.executemany("INSERT OR REPLACE INTO replication_series VALUES (?, ?, ?, ?)", series)

    def claim(self, run_id: str, *, reopen: bool = False) -> None:
        """Mark a run as being worked on by this process (used when resuming).

        With ``reopen``, a complete run may be claimed too, to add replications to it (a sizing
        extends the run of a value it tries again).

        Atomic: the check that no live process works on the run and the update are one write
        transaction, so of two ``--resume`` of one run at once, exactly one goes ahead.

        Raises:
            StoreError: the run is complete, or another live process is running it.
        """
        with self._tx() as db:
            row = db.execute("SELECT status, host, pid FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no run {run_id!r}; list runs with: peacesim runs")
            status, host, pid = row
            if status == "complete" and not reopen:
                raise StoreError(f"run {run_id} is already complete")
            if status == "running" and process_alive(host, pid) and (host, pid) != here():
                raise StoreError(f"run {run_id} is being run by another process (pid {pid} on {host}); "
                                 "cannot resume it twice")
            db.execute(
                "UPDATE runs SET status = 'running', host = ?, pid = ?, ended = NULL WHERE run_id = ?",
                (*here(), run_id),
            )

    def set_replications(self, run_id: str, replications: int) -> None:
        """Change the number of replications asked for (sequential stopping)."""
        with self._tx() as db:
            db.execute("UPDATE runs SET replications = ? WHERE run_id = ?", (int(replications), run_id))

    def mark_incomplete(self, run_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE runs SET status = 'incomplete', ended = ? WHERE run_id = ?", (now(), run_id))

    def complete(self, run_id: str, result: RunResult) -> None:
        """Write the daily series summary and mark the run complete, atomically."""
        rows = []
        for name, band in result.series.items():
            for day in range(band.mean.size):
                rows.append((run_id, name, day, *(_num(a[day]) for a in (band.mean, band.p10, band.p90))))
        with self._tx() as db:
            db.execute("DELETE FROM series_summary WHERE run_id = ?", (run_id,))
            db.executemany("INSERT INTO series_summary VALUES (?, ?, ?, ?, ?, ?)", rows)
            # Per-replication series are only needed to resume; the summary replaces them.
            db.execute("DELETE FROM replication_series WHERE run_id = ?", (run_id,))
            db.execute(
                "UPDATE runs SET status = 'complete', ended = ?, replications = ? WHERE run_id = ?",
                (now(), int(result.replications), run_id),
            )

    # -- reading -----------------------------------------------------------------------------
    def _record(self, row: sqlite3.Row | tuple[Any, ...], done: int) -> RunRecord:
        (run_id, scenario, variant, text, hash_, seed, reps, conf, options, vers, command, group_id,
         host, pid, started, ended, status) = row
        effective = status
        if status == "running" and not process_alive(host, pid):
            effective = "incomplete"
        return RunRecord(run_id, scenario, variant, text, hash_, int(seed), int(reps), float(conf),
                         json.loads(options or "{}"), json.loads(vers or "{}"), command, group_id, host, pid,
                         started, ended, effective, done, status)

    _COLUMNS = ("run_id, scenario, variant, scenario_text, scenario_hash, seed, replications, confidence, options,"
                " versions, command, group_id, host, pid, started, ended, status")

    def get_run(self, run_id: str) -> RunRecord:
        """The manifest of one run; a unique prefix of the id is enough."""
        rows = self._db.execute(
            f"SELECT {self._COLUMNS} FROM runs WHERE substr(run_id, 1, ?) = ? ORDER BY run_id",
            (len(run_id), run_id),
        ).fetchall()
        exact = [r for r in rows if r[0] == run_id]
        rows = exact or rows
        if not rows:
            raise StoreError(f"{self.path}: no run {run_id!r}; list runs with: peacesim runs")
        if len(rows) > 1:
            raise StoreError(f"run id {run_id!r} is ambiguous: {', '.join(r[0] for r in rows[:5])}")
        done = self._db.execute("SELECT COUNT(*) FROM replications WHERE run_id = ?", (rows[0][0],)).fetchone()[0]
        return self._record(rows[0], done)

    def list_runs(self, scenario: str | None = None) -> list[RunRecord]:
        """All runs, oldest first (optionally only one scenario's)."""
        sql = f"SELECT {self._COLUMNS} FROM runs"
        args: tuple[Any, ...] = ()
        if scenario:
            sql += " WHERE scenario = ?"
            args = (scenario,)
        rows = self._db.execute(sql + " ORDER BY started, run_id", args).fetchall()
        counts = dict(self._db.execute("SELECT run_id, COUNT(*) FROM replications GROUP BY run_id").fetchall())
        return [self._record(r, counts.get(r[0], 0)) for r in rows]

    def load_collector(self, run_id: str, series_cap: int) -> Collector:
        """The finished replications of a run, as a :class:`Collector` (to resume or summarise)."""
        col = Collector(series_cap)
        metrics: dict[int, dict[str, float]] = {}
        for rep, events in self._db.execute("SELECT replication, events FROM replications WHERE run_id = ?", (run_id,)):
            metrics[rep] = {}
            col.events += events
        for rep, name, value in self._db.execute(
            "SELECT replication, metric, value FROM metrics WHERE run_id = ?", (run_id,)
        ):
            if rep in metrics:
                metrics[rep][name] = math.nan if value is None else float(value)
        series: dict[int, dict[str, np.ndarray]] = {}
        for rep, name, blob in self._db.execute(
            "SELECT replication, series, data FROM replication_series WHERE run_id = ? AND replication < ?",
            (run_id, series_cap),
        ):
            series.setdefault(rep, {})[name] = _decode(blob)
        for rep in sorted(metrics):
            col.add(rep, metrics[rep], series.get(rep))
        return col

    def load_run(self, run_id: str) -> RunResult:
        """A stored run as a :class:`RunResult` (summaries recomputed from the stored replications)."""
        rec = self.get_run(run_id)
        cap = int(rec.options.get("series_cap", 100))
        col = self.load_collector(rec.run_id, cap)
        result = col.result(
            scenario_name=rec.scenario, variant=rec.variant, seed=rec.seed, n=rec.replications,
            confidence=rec.confidence, scenario_text=rec.scenario_text, scenario_hash=rec.scenario_hash,
            run_id=rec.run_id,
        )
        result.overrides = rec.overrides
        if rec.status == "complete":
            result.series = self._bands(rec.run_id)
            result.extra["series_replications"] = min(rec.replications, cap)
        result.extra.update(
            status=rec.status, started=rec.started, ended=rec.ended, command=rec.command,
            version=(rec.versions or {}).get("peacesim") if isinstance(rec.versions, dict) else None,
        )
        return result

    def _bands(self, run_id: str) -> dict[str, SeriesBand]:
        """Daily bands of a complete run, from ``series_summary``."""
        cols: dict[str, list[tuple[float, ...]]] = {}
        for name, mean, low, high in self._db.execute(
            f"SELECT series, mean, {self._band} FROM series_summary WHERE run_id = ? ORDER BY series, day", (run_id,)
        ):
            cols.setdefault(name, []).append(tuple(math.nan if v is None else float(v) for v in (mean, low, high)))
        out = {}
        for name, rows in cols.items():
            arr = np.array(rows, dtype=np.float64).reshape(-1, 3)
            out[name] = SeriesBand(mean=arr[:, 0].copy(), p10=arr[:, 1].copy(), p90=arr[:, 2].copy())
        return out

    def tables(self, run_id: str) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
        """Tidy tables of a run for export: name -> (columns, rows).

        Every row starts with the run's identity (run_id, label, variant), as in a run folder's CSVs.
        """
        rec = self.get_run(run_id)
        rid = rec.run_id
        ident = (rid, rec.label, rec.variant)
        run_cols = ["run_id", "label", "variant", "scenario", "overrides", "scenario_hash", "seed", "replications",
                    "done", "confidence", "status", "started", "ended", "command", "versions", "options"]
        run_row = (*ident, rec.scenario, json.dumps(list(rec.overrides)), rec.scenario_hash, rec.seed,
                   rec.replications, rec.done, rec.confidence, rec.status, rec.started, rec.ended, rec.command,
                   json.dumps(rec.versions, sort_keys=True), json.dumps(rec.options, sort_keys=True))
        metrics = self._db.execute(
            "SELECT replication, metric, value FROM metrics WHERE run_id = ? ORDER BY replication, metric", (rid,),
        ).fetchall()
        series = self._db.execute(
            f"SELECT series, day, mean, {self._band} FROM series_summary WHERE run_id = ? ORDER BY series, day", (rid,),
        ).fetchall()
        return {
            "runs": (run_cols, [run_row]),
            "metrics": ([*IDENTITY_COLUMNS, "replication", "metric", "value"], [(*ident, *r) for r in metrics]),
            "series": ([*IDENTITY_COLUMNS, "series", "day", "mean", "p10", "p90"], [(*ident, *r) for r in series]),
        }


#: The type of every column of :meth:`Store.tables` (``float64``, ``int64`` or ``string``), so that a
#: column empty in every row (no run ended yet, a metric never defined) keeps its type in Parquet.
TABLE_TYPES: dict[str, dict[str, str]] = {
    "runs": {"run_id": "string", "label": "string", "variant": "string", "scenario": "string", "overrides": "string",
             "scenario_hash": "string", "seed": "int64", "replications": "int64", "done": "int64",
             "confidence": "float64", "status": "string", "started": "string", "ended": "string",
             "command": "string", "versions": "string", "options": "string"},
    "metrics": {"run_id": "string", "label": "string", "variant": "string", "replication": "int64",
                "metric": "string", "value": "float64"},
    "series": {"run_id": "string", "label": "string", "variant": "string", "series": "string", "day": "int64",
               "mean": "float64", "p10": "float64", "p90": "float64"},
}


def _num(x: float) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x
