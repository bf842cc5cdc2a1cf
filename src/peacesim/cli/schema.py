"""``peacesim schema``: write the JSON Schema of the scenario language."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("schema")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File to write (default: standard output).")
def command(out: Path | None) -> None:
    """Write the JSON Schema that scenario files follow (for editors and other tools).

    Point a scenario at it with: # yaml-language-server: $schema=../schema/peacesim.schema.json
    """
    from peacesim.errors import UsageError
    from peacesim.scenario.schema_export import json_schema_text

    text = json_schema_text()
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {out}: {e.strerror}") from e
    click.echo(f"wrote {out}", err=True)
