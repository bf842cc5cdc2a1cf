"""Each run folder says what made it, and its `reproduce` line gives the same numbers again."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import sqlite3
from pathlib import Path

from peacesim.cli import main

SMALL = Path(__file__).parent / "data" / "sweep" / "small.yaml"


def test_manifest_reproduces_the_run(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    assert main(["run", str(SMALL), "-n", "3", "--seed", "99", "-q", "--executor", "serial",
                 "--out", str(tmp_path / "first"), "--db", db]) == 0
    first = tmp_path / "first"
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["seed"] == 99 and manifest["replications"] == 3 and len(manifest["scenario_hash"]) == 64
    assert manifest["versions"]["peacesim"] and manifest["command"].startswith("peacesim run ")
    written = manifest["written"]  # ISO 8601 with a colon in the offset: SQLite's datetime() and fromisoformat read it
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", written)
    assert sqlite3.connect(":memory:").execute("SELECT datetime(?)", (written,)).fetchone()[0] is not None
    assert dt.datetime.fromisoformat(written).tzinfo is not None
    again = shlex.split(manifest["reproduce"])[1:]  # drop the program name
    cwd = Path.cwd()
    os.chdir(first)
    try:
        assert main([*again, "-q", "--executor", "serial", "--out", str(tmp_path / "again"), "--db", db]) == 0
    finally:
        os.chdir(cwd)
    a, b = (json.loads((tmp_path / d / "summary.json").read_text()) for d in ("first", "again"))
    assert a["metrics"] == b["metrics"]
    assert json.loads((tmp_path / "again" / "manifest.json").read_text())["scenario_hash"] == manifest["scenario_hash"]


def test_summary_csv_is_summary_json_in_long_form(tmp_path: Path) -> None:
    """summary.csv: one row per (metric, statistic) with the run's identity; the same numbers as summary.json."""
    import csv

    assert main(["run", str(SMALL), "-n", "3", "-q", "--executor", "serial", "--out", str(tmp_path / "r"),
                 "--db", str(tmp_path / "s.db")]) == 0
    doc = json.loads((tmp_path / "r" / "summary.json").read_text())
    with (tmp_path / "r" / "summary.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["run_id", "label", "variant", "metric", "statistic", "value"]
    assert {r["run_id"] for r in rows} == {doc["run_id"]} and {r["label"] for r in rows} == {doc["label"]}
    got = {(r["metric"], r["statistic"]): (float(r["value"]) if r["value"] else None) for r in rows}
    want = {(m, k): v for m, stats in doc["metrics"].items() for k, v in stats.items()}
    assert got == want
