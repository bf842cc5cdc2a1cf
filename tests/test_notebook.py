"""The notebook example in docs/ runs from top to bottom (without Jupyter) and its committed outputs are current."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebook", DOCS / "run_notebook.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebook_runs_in_a_fresh_folder(tmp_path: Path) -> None:
    """Every code cell runs in order in one namespace, with 2 replications, without an exception."""
    pytest.importorskip("pandas")
    runner = _runner()
    notebook = json.loads((DOCS / "notebook.ipynb").read_text())
    outputs = runner.run_cells(notebook, tmp_path, replace={"REPLICATIONS = 10": "REPLICATIONS = 2"})
    shown = ["".join(o["data"]["text/plain"]) for cell in outputs for o in cell if o["output_type"] == "execute_result"]
    assert any(s.startswith("<RunResult baseline: not stored, 2 replications") for s in shown)
    assert any(s.startswith("<Comparison baseline:no_us_air_defence vs baseline") for s in shown)
    assert any(s.startswith("<Figure") for s in shown)
    assert list(tmp_path.iterdir()) == []  # nothing written into the working folder


def test_committed_notebook_has_its_outputs() -> None:
    """The notebook in docs/ is committed executed (python docs/run_notebook.py), so it reads well unopened."""
    notebook = json.loads((DOCS / "notebook.ipynb").read_text())
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert cells and all(c["outputs"] for c in cells)
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    assert any("REPLICATIONS = 10" in "".join(c["source"]) for c in cells)
