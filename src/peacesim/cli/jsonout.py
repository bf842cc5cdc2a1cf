"""``--json`` for every command that prints results: one JSON document on stdout, nothing else there.

A command decorated with :func:`json_output` returns its document (a dict) when ``--json`` is
given; whatever human text the command writes to stdout meanwhile is dropped, so stdout holds
exactly one JSON document (progress and warnings stay on stderr). A document with ``"ok": false``
(``validate`` with problems) exits 2. Errors under ``--json`` are one JSON object on stderr
(:func:`error_doc`), written by :func:`peacesim.cli.main`. The shapes: :mod:`.shapes`, docs/json.md.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

JSON_HELP = "Print one JSON document on stdout instead of text (shape: docs/json.md); errors as JSON on stderr."


def dumps(doc: Any) -> str:
    """Strict JSON (no NaN), two-space indent."""
    return json.dumps(doc, indent=2, allow_nan=False, ensure_ascii=False)


def json_output(command: str) -> Callable[[F], F]:
    """Add ``--json`` to a click callback that returns its document (``command`` is its ``"command"`` field)."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> int | None:
            as_json = bool(kwargs.get("as_json"))
            if not as_json:
                fn(*args, **kwargs)
                return None
            real = sys.stdout
            with contextlib.redirect_stdout(io.StringIO()):
                doc = fn(*args, **kwargs)
            if not isinstance(doc, dict):
                raise TypeError(f"{command} --json returned no document")
            real.write(dumps({"command": command, **doc}) + "\n")
            real.flush()
            return 2 if doc.get("ok") is False else None

        opt = click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
        return opt(wrapper)  # type: ignore[return-value]

    return wrap


def problem_doc(p: Any) -> dict[str, Any]:
    """One located problem (a :class:`peacesim.errors.Problem`) as JSON; ``text`` is the one-line form."""
    return {"message": p.message, "file": p.file, "line": p.line, "column": p.column, "path": p.path,
            "got": p.got, "hint": p.hint, "text": p.render()}


def error_doc(message: str, exit_code: int, kind: str, problems: list[Any] | None = None) -> str:
    """The one JSON object written to stderr when a command given ``--json`` fails."""
    items = [problem_doc(p) for p in problems or []]
    return dumps({"error": {"kind": kind, "message": message, "exit_code": exit_code, "problems": items}})
