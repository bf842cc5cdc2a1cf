"""The ``peacesim`` command: a thin face over the library.

Sub-commands live in their own modules and are imported only when called, so ``peacesim
validate`` never pays for matplotlib or Dask. Every module exposes a click command named
``command``. Errors derived from :class:`peacesim.errors.PeacesimError` are printed as
``error: message`` with exit code 2 (1 for internal failures); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from peacesim._version import __version__

#: command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("peacesim.cli.init", "Start a project folder with the example scenarios and the claims register."),
    "validate": ("peacesim.cli.validate", "Check scenario files; one line per problem."),
    "explain": ("peacesim.cli.explain", "Show a scenario as resolved, and where each value came from."),
    "schema": ("peacesim.cli.schema", "Write the JSON Schema of the scenario language."),
    "metrics": ("peacesim.cli.metrics", "List the metrics a run produces, with units."),
    "run": ("peacesim.cli.run", "Run replications of a scenario (and variants); store and summarise."),
    "runs": ("peacesim.cli.runs", "List the runs in the results store."),
    "export": ("peacesim.cli.export", "Export a stored run as tidy CSV or Parquet tables."),
    "compare": ("peacesim.cli.compare", "Compare runs or variants: paired differences with intervals."),
    "sweep": ("peacesim.cli.sweep", "Sweep parameters (grid, Latin hypercube, one-at-a-time)."),
    "size": ("peacesim.cli.size", "Find the smallest value of a key path that meets a target with a given confidence."),
    "report": ("peacesim.cli.report", "Write charts and a self-contained HTML report for stored runs."),
    "explore": ("peacesim.cli.explore", "Explore vague commitments over their ranges: P(target met), what matters, where it holds."),
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        cmd: click.Command = module.command
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise click.UsageError(f"No such command {name!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="peacesim")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """peacesim: test security commitments for Ukraine as simulated scenarios."""
    ctx.ensure_object(dict)["debug"] = debug


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning expected errors into one line and an exit code.

    With ``--json`` an error is one JSON object on stderr instead (see :mod:`.jsonout`).
    """
    from peacesim.errors import PeacesimError, ScenarioError

    from .messages import bad_argument, shorten

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    as_json = "--json" in args

    def fail(message: str, code: int, kind: str, problems: list[Any] | None = None) -> int:
        if as_json:
            from .jsonout import error_doc

            click.echo(error_doc(message.removeprefix("error: "), code, kind, problems), err=True)
        else:
            click.echo(message if kind == "usage" else shorten(message), err=True)
        return code

    if (why := bad_argument(args)) is not None:
        return fail(f"error: {why}", 2, "usage")
    try:
        rc = cli.main(args=args, prog_name="peacesim", standalone_mode=False, obj={"argv": list(args)})
        if isinstance(rc, int) and rc:
            return rc
    except click.exceptions.Abort:
        return fail("Aborted.", 130, "interrupted")
    except click.exceptions.Exit as e:
        return int(e.exit_code)
    except click.ClickException as e:
        if not as_json:
            e.show()
            return 2
        return fail(e.format_message(), 2, "usage")
    except PeacesimError as e:
        if debug:
            raise
        return fail(f"error: {e}", e.exit_code, _kind(e), e.problems if isinstance(e, ScenarioError) else None)
    except KeyboardInterrupt:
        return fail("Interrupted.", 130, "interrupted")
    except OSError as e:  # a file the command had to read or write: say which, and why
        if debug:
            raise
        return fail(f"error: {e.filename or 'a file'}: {e.strerror or e} (check the path, permissions and free space)", 2, "file")
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if debug:
            raise
        return fail(f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)", 1, "internal")
    return 0


def _kind(e: Exception) -> str:
    """``scenario``, ``usage``, ``store``, ``simulation``, ``report`` or ``output``: what kind of error it is."""
    name = type(e).__name__
    return name[: -len("Error")].lower() if name.endswith("Error") and name != "PeacesimError" else "error"


if __name__ == "__main__":
    sys.exit(main())
