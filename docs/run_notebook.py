"""Run a notebook's code cells in order, in one namespace, and store their text outputs in it.

Enough of Jupyter for the examples in ``docs/`` without Jupyter: printed text becomes a ``stream``
output, and a cell's last expression an ``execute_result`` (its repr, and its HTML table when it
has one), as a notebook server would show them. Images are not stored. The tests use
:func:`run_cells` to check that the example runs; ``python docs/run_notebook.py`` refreshes the
outputs committed with it.

    python docs/run_notebook.py [docs/notebook.ipynb]
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def code_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else str(text)


def run_cells(notebook: dict[str, Any], cwd: Path, replace: dict[str, str] | None = None) -> list[list[dict[str, Any]]]:
    """Execute every code cell in ``cwd``; return each cell's outputs. Any exception propagates.

    ``replace`` maps a line of a cell to the line to run instead (a test's smaller replication count).
    """
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    outputs: list[list[dict[str, Any]]] = []
    before = Path.cwd()
    os.chdir(cwd)
    try:
        for count, cell in enumerate(code_cells(notebook), start=1):
            text = source(cell)
            for old, new in (replace or {}).items():
                text = text.replace(old, new)
            outputs.append(_run(text, namespace, count))
    finally:
        os.chdir(before)
    return outputs


def _run(text: str, namespace: dict[str, Any], count: int) -> list[dict[str, Any]]:
    tree = ast.parse(text)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(tree, f"<cell {count}>", "exec"), namespace)  # noqa: S102 - our own example notebook
        value = eval(compile(ast.Expression(last.value), f"<cell {count}>", "eval"), namespace) if last else None  # noqa: S307
    out: list[dict[str, Any]] = []
    if printed.getvalue():
        out.append({"output_type": "stream", "name": "stdout", "text": _lines(printed.getvalue())})
    if value is not None:
        data = {"text/plain": _lines(repr(value))}
        html = getattr(value, "_repr_html_", None)
        if callable(html) and not isinstance(value, type):
            data["text/html"] = _lines(str(html()))
        out.append({"output_type": "execute_result", "execution_count": count, "data": data, "metadata": {}})
    return out


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def main(path: Path) -> None:
    notebook = json.loads(path.read_text())
    results = run_cells(notebook, path.parent)
    for count, (cell, out) in enumerate(zip(code_cells(notebook), results, strict=True), start=1):
        cell["outputs"], cell["execution_count"] = out, count
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    print(f"{path}: {len(results)} code cells run, outputs stored")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "notebook.ipynb")
