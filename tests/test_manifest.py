"""Each run folder says what made it, and its `reproduce` line gives the same numbers again."""

from __future__ import annotations

import json
import os
import shlex
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
