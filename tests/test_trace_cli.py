"""`peacesim run --trace I` replays replication I with tracing and changes none of its numbers."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from peacesim.cli import main
from peacesim.experiment.seeds import replication_seed
from peacesim.model import simulate
from peacesim.scenario.loader import load_scenario

SMALL = Path(__file__).parent / "data" / "sweep" / "small.yaml"


def test_trace_is_the_stored_replication(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rc = main(["run", str(SMALL), "-n", "3", "--seed", "7", "--trace", "2", "--out", str(out), "-q",
               "--executor", "serial", "--db", str(tmp_path / "store.db")])
    assert rc == 0
    with (out / "trace-2.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and list(rows[0]) == ["run_id", "label", "variant", "replication", "day", "actor", "event", "detail"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert {(r["run_id"], r["label"], r["variant"], r["replication"]) for r in rows} == {
        (manifest["run_id"], manifest["label"], "", "2")}
    assert [float(r["day"]) for r in rows] == sorted(float(r["day"]) for r in rows)
    traced = simulate(load_scenario(SMALL), replication_seed(7, 2), trace=True)
    assert len(rows) == len(traced.trace or [])
    with (out / "replications.csv").open(encoding="utf-8") as fh:
        stored = [r for r in csv.DictReader(fh) if r["replication"] == "2"][0]
    for name, value in traced.metrics.items():
        cell = stored[name]
        assert (math.isnan(value) and cell in ("", "nan")) or math.isclose(float(cell), value, rel_tol=1e-9), name


def test_help_names_the_trace_columns() -> None:
    """The help lists the columns trace-I.csv has, identity columns first."""
    import re

    from click.testing import CliRunner

    from peacesim.cli import run

    text = " ".join(CliRunner().invoke(run.command, ["--help"]).output.split())
    assert "trace-I.csv (run_id, label, variant, replication, day, actor, event, detail)" in text
    assert not re.search(r"trace \(day", text)
