"""A plain install works: the wheel, in a clean venv, starts a project and runs it with its claims register.

Builds the wheel from this checkout, installs it (dependencies from the package index) into a new
venv without this checkout on the path, then ``peacesim init demo && cd demo && peacesim run``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300) -> tuple[str, str]:
    """(stdout, stderr) of a command that must succeed."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout, done.stderr


@pytest.mark.slow
def test_wheel_in_a_clean_venv_inits_and_runs_a_project(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", ROOT, "-w", wheels, "--no-deps", "-q"], tmp_path, env)
    (wheel,) = wheels.glob("peacesim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"peacesim/_data/scenarios/{p.name}" for p in (ROOT / "scenarios").glob("*.yaml")}
    assert shipped | {"peacesim/_data/seeds/claims.yaml", "peacesim/_data/schema/peacesim.schema.json"} <= names

    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")  # a clean venv: no system site-packages
    bin_ = tmp_path / "venv" / "bin"
    _run([bin_ / "python", "-m", "pip", "install", "-q", wheel], tmp_path, env)
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"
    where, _ = _run([bin_ / "python", "-c", "import peacesim; print(peacesim.__file__)"], tmp_path, env)
    assert str(tmp_path / "venv") in where and str(ROOT) not in where

    _run([bin_ / "peacesim", "init", "demo"], tmp_path, env)
    demo = tmp_path / "demo"
    out, err = _run([bin_ / "peacesim", "validate", "scenarios/baseline.yaml"], demo, env)
    assert out.startswith("ok: scenarios/baseline.yaml") and "claims register" not in err and "warning" not in err
    doc = json.loads(_run([bin_ / "peacesim", "validate", "--json", "scenarios/baseline.yaml"], demo, env)[0])
    assert doc["claims_register"] == str((demo / "seeds" / "claims.yaml").resolve())
    assert doc["claims_register_source"] == "project" and doc["warnings"] == []
    out, err = _run([bin_ / "peacesim", "run", "scenarios/baseline.yaml", "-n", "5", "--executor", "serial"], demo, env)
    (folder,) = [p for p in (demo / "reports" / "baseline").iterdir() if p.is_dir()]
    assert folder.name in out and (demo / "reports" / "peacesim.db").is_file()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary
