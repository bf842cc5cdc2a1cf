"""``peacesim init DIR``: start a project folder from the scenarios and claims shipped with peacesim.

A plain ``pip install`` has no checkout to copy from; this gives a new user the same layout as the
repository (``scenarios/``, ``schema/``, ``seeds/claims.yaml``), so scenarios find their JSON Schema
(``$schema=../schema/...``) and ``run``/``validate`` find the project's own claims register.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click

SCHEMA_COMMENT = re.compile(r"^# yaml-language-server: \$schema=.*$", re.MULTILINE)


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Write into DIR even if it is not empty (shipped files are overwritten).")
def command(directory: Path, force: bool) -> None:
    """Create project DIR with the example scenarios, their JSON Schema and the claims register.

    Refuses a DIR that exists and is not empty (exit 2) unless --force.
    """
    from peacesim.bundled import PROJECT_FILES, data_root
    from peacesim.errors import UsageError

    root = data_root()
    if root is None:
        raise UsageError("this peacesim install has no example scenarios to copy (reinstall from a wheel)")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise UsageError(f"{directory}: folder is not empty; use --force to write into it anyway")
    written: list[Path] = []
    try:
        for rel in PROJECT_FILES:
            source = root / rel
            sources = sorted(source.glob("*.yaml")) if source.is_dir() else [source]
            for path in sources:
                target = directory / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                written.append(target)
        schema_ref = "$schema=../schema/peacesim.schema.json"
        for target in written:
            if target.parent.name == "scenarios":
                text = target.read_text(encoding="utf-8")
                target.write_text(SCHEMA_COMMENT.sub(lambda _: f"# yaml-language-server: {schema_ref}", text),
                                  encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {directory}: {e.strerror}") from e
    (directory / "reports").mkdir(exist_ok=True)
    for target in written:
        click.echo(f"wrote {target}")
    click.echo(f"next: cd {directory} && peacesim run scenarios/baseline.yaml -n 20", err=True)
