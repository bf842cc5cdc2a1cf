"""What the stored-job commands (``size``, ``explore``, ``sweep``) share: their options and the resume hint.

Each of them runs a job that the results store remembers: where its replications run
(``--executor``, ``--workers``, ``--scheduler``), where it is stored (``--db``), how to finish an
interrupted one (``--resume``) or list them (``--list``), where it writes (``--out``). One
decorator declares these options so their names, help and behaviour cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .db import DB_HELP, DEFAULT_DB, complete_db, db_default

F = TypeVar("F", bound=Callable[..., Any])


def executor_options(f: F) -> F:
    """``--executor``, ``--workers`` and ``--scheduler``: where replications run (also on ``run`` and ``compare``)."""
    for option in reversed([
        click.option("--executor", type=click.Choice(["serial", "local", "dask"]), default="local", show_default=True,
                     help="Where replications run: this process, worker processes on this machine, or a Dask cluster."),
        click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: all cores)."),
        click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler to join (with --executor dask)."),
    ]):
        f = option(f)
    return f


def job_options(noun: str, plural: str, prefix: str, id_metavar: str, kept: str,
                quiet_help: str = "No progress bar.") -> Callable[[F], F]:
    """The options of a stored-job command, after its own: executor, output folder, resume, list, store, quiet.

    Args:
        noun, plural: the job as the help names it (``sizing``, ``sizings``).
        prefix: its output folder's prefix (``size`` for ``reports/<scenario>/size-<id>/``).
        id_metavar: the metavar of its id (``SIZING_ID``).
        kept: what a resume does not rerun (``replications``, ``points``).
    """
    options = [
        click.option("--out", metavar="DIR", help=f"Output folder (default reports/<scenario>/{prefix}-<id>/)."),
        click.option("--resume", metavar=id_metavar, help=f"Finish an interrupted {noun}; finished {kept} are not rerun."),
        click.option("--list", "list_", is_flag=True, help=f"List the {plural} in the results store."),
        click.option("--db", callback=db_default, metavar="PATH", help=DB_HELP, shell_complete=complete_db),
        click.option("--quiet", "-q", is_flag=True, help=quiet_help),
    ]

    def decorate(f: F) -> F:
        for option in reversed(options):
            f = option(f)
        return executor_options(f)

    return decorate


def exit_interrupted(ctx: click.Context, command: str, message: str, job_id: str, db: str, kept: str) -> None:
    """After Ctrl-C: what was kept and the command that resumes the job; exit code 130."""
    extra = f" --db {db}" if db != DEFAULT_DB else ""
    click.echo(f"\n{message}; finished {kept} are kept in {db}", err=True)
    click.echo(f"resume with: peacesim {command} --resume {job_id}{extra}", err=True)
    ctx.exit(130)
