"""The ``--db`` option: which results store a command reads or writes.

Every command that touches the store finds it the same way (``--db``, else ``$PEACESIM_DB``, else the
scenario's project, else the working folder), so the option's default, help and completion live here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

DEFAULT_DB = "reports/peacesim.db"
DB_HELP = "Results store (default: $PEACESIM_DB, else the reports/peacesim.db of the scenario's project, else of the working folder)."


def resolve_db(db: str | None, scenario_file: str | None = None) -> str:
    """``--db``, else ``$PEACESIM_DB``, else the scenario's project store, else the working folder's (see
    :func:`peacesim.experiment.store.locate`)."""
    from peacesim.experiment.store import locate

    return str(locate(db, scenario_file))


def db_default(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--db`` callback: fills in the default when the command's scenario FILE is known."""
    if value:
        return value
    file = ctx.params.get("file") or ctx.params.get("files") or ctx.params.get("targets")
    if isinstance(file, (tuple, list)):
        file = next((str(f) for f in file if Path(str(f)).is_file()), None)
    return resolve_db(None, str(file) if file else None)


def complete_db(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]
