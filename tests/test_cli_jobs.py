"""The options ``size``, ``explore`` and ``sweep`` share (and ``run`` and ``compare`` their executor options) are
declared once (peacesim.cli.jobs)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from peacesim.cli import compare, explore, run, size, sweep
from peacesim.cli.jobs import exit_interrupted, job_options

COMMANDS = {"size": size.command, "explore": explore.command, "sweep": sweep.command}
SHARED = ("executor", "workers", "scheduler", "out", "resume", "list_", "db", "quiet")


def _options(command: click.Command) -> dict[str, click.Option]:
    return {p.name: p for p in command.params if isinstance(p, click.Option) and p.name}


def test_the_job_options_have_one_shape_in_every_command() -> None:
    """Same flags, types, defaults and help; only the job's own words (its name, id, folder) differ."""
    shapes = {}
    for name, command in COMMANDS.items():
        opts = _options(command)
        assert set(SHARED) <= set(opts), (name, set(SHARED) - set(opts))
        shapes[name] = [(o.opts, o.secondary_opts, o.type.name, o.default, o.hidden, o.is_flag,
                         o.help if o.name in ("executor", "workers", "scheduler", "db") else None)
                        for o in (opts[k] for k in SHARED)]
        assert opts["executor"].help and opts["resume"].help and opts["resume"].help.startswith("Finish an interrupted ")
        assert opts["out"].help == f"Output folder (default reports/<scenario>/{name}-<id>/)."
    assert shapes["size"] == shapes["explore"] == shapes["sweep"]


def test_run_and_compare_take_the_same_executor_options() -> None:
    """Where replications run is asked the same way by every command that runs them."""
    def shape(command: click.Command) -> list[object]:
        opts = _options(command)
        return [(o.opts, o.type.name, getattr(o.type, "choices", None), o.default, o.help, o.metavar)
                for o in (opts[k] for k in ("executor", "workers", "scheduler"))]

    assert shape(run.command) == shape(compare.command) == shape(size.command)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_command_has_a_model_option(name: str) -> None:
    """Synthetic models are the tests' business (tests/synthetic.py), not an option of the CLI."""
    assert "model" not in _options(COMMANDS[name])
    res = CliRunner().invoke(COMMANDS[name], ["--model", "synthetic:known_answer"])
    assert res.exit_code == 2 and "No such option '--model'" in res.output


@pytest.mark.parametrize(("db", "extra"), [("reports/peacesim.db", ""), ("other.db", " --db other.db")])
def test_an_interrupted_job_says_how_to_resume_and_exits_130(db: str, extra: str) -> None:
    @click.command()
    @job_options("sizing", "sizings", "size", "SIZING_ID", "replications")
    @click.pass_context
    def stopped(ctx: click.Context, **_: object) -> None:
        exit_interrupted(ctx, "size", "sizing sz1 interrupted", "sz1", db, "replications")

    res = CliRunner().invoke(stopped, [])
    assert res.exit_code == 130
    assert res.output == (f"\nsizing sz1 interrupted; finished replications are kept in {db}\n"
                          f"resume with: peacesim size --resume sz1{extra}\n")
