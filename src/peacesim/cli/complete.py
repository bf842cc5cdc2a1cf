"""Dynamic shell completion: variants of the scenario on the line, run ids in the store, metric names.

Enable it once per shell (bash; zsh and fish likewise with ``zsh_source``/``fish_source``)::

    eval "$(_PEACESIM_COMPLETE=bash_source peacesim)"

Completion never fails loudly: a scenario that does not load or a missing store completes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem


def _scenario_file(ctx: click.Context) -> str | None:
    """The command's scenario FILE; while an option's value is being completed click has not parsed the
    arguments, so it is then read from the line being completed (``COMP_WORDS``, set by every shell script)."""
    import os
    import shlex

    file = ctx.params.get("file") or next(iter(ctx.params.get("targets") or ()), None)
    if file and Path(str(file)).is_file():
        return str(file)
    try:
        words = shlex.split(os.environ.get("COMP_WORDS", ""))
    except ValueError:
        return None
    return next((w for w in words if w.endswith((".yaml", ".yml")) and Path(w).is_file()), None)


def variants(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The variants of the command's FILE (after ``+``, the variants to combine with)."""
    file = _scenario_file(ctx)
    if file is None:
        return []
    try:
        from peacesim.scenario.loader import list_variants

        names = list_variants(str(file))
    except Exception:  # noqa: BLE001 - completion must not break the shell
        return []
    head, plus, last = incomplete.rpartition("+")
    prefix = head + plus
    return [CompletionItem(prefix + n) for n in names if n.startswith(last) and n not in head.split("+")]


def run_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Run ids in the results store (``--db`` or the default), newest first, with their label as help."""
    from .db import resolve_db

    db = ctx.params.get("db") or ctx.params.get("store_path") or resolve_db(None)
    if not Path(str(db)).is_file():
        return []
    try:
        from peacesim.experiment.store import Store

        with Store(str(db), readonly=True) as store:
            runs = store.list_runs()
    except Exception:  # noqa: BLE001 - completion must not break the shell
        return []
    return [CompletionItem(r.run_id, help=f"{r.label} ({r.status})") for r in reversed(runs) if r.run_id.startswith(incomplete)]


def metrics(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Scalar metric names of the catalog (patterns such as ``leakers.*`` are typed by hand)."""
    from peacesim.catalog import CATALOG

    return [CompletionItem(n, help=m.unit) for n, m in CATALOG.items() if m.kind == "scalar" and n.startswith(incomplete)]


def scenario_or_run(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """``compare``: a run id, or a scenario file."""
    return [*run_ids(ctx, param, incomplete), CompletionItem(incomplete, type="file")]
