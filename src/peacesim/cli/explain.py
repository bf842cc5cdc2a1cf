"""``peacesim explain FILE``: the resolved scenario, with where each value came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import complete
from .jsonout import json_output


@click.command("explain")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--variant", "variant", default=None, help="Explain this variant instead of the base.", shell_complete=complete.variants)
@click.option("--diff", "diff", is_flag=True, help="List what the variant (default: every variant) changes vs the base.")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="Override a value (repeatable).")
@json_output("explain")
def command(file: Path, variant: str | None, diff: bool, overrides: tuple[str, ...], as_json: bool = False) -> dict[str, Any]:
    """Show FILE as resolved (extends, variant, --set) with each value's origin.

    Origins are FILE:LINE, "variant NAME (FILE:LINE)", "--set", or "default".
    With --diff, print "path: old -> new" for each value a variant changes.
    """
    from peacesim.experiment.documents import plain
    from peacesim.scenario.explain import diff_lines, explain_text, explain_values
    from peacesim.scenario.loader import load_resolved, load_tree, resolve_tree, validate_tree

    doc: dict[str, Any] = {"file": str(file), "variant": variant, "overrides": list(overrides)}
    if not diff:
        resolved = load_resolved(file, variant, overrides)
        if as_json:
            uncertain = [{"name": u.name, "label": u.label, "claim": u.claim, "point": plain(u.point), "range": u.describe()}
                         for u in (resolved.space.params if resolved.space else [])]
            return {**doc, "values": [{**v, "value": plain(v["value"])} for v in explain_values(resolved)],
                    "uncertain": uncertain}
        click.echo(explain_text(resolved), nl=False)
        return doc
    base_tree = load_tree(file)
    base = validate_tree(resolve_tree(base_tree, None, overrides))
    variants = base_tree.get("variants")
    names = [variant] if variant else (list(variants.value) if variants is not None and variants.is_map else [])
    if not names:
        click.echo(f"{file}: no variants to compare")
    changes = []
    for name in names:
        other = validate_tree(resolve_tree(base_tree, name, overrides), name)
        lines = diff_lines(base, other)
        changes.append({"variant": name, "changes": lines})
        click.echo(f"variant {name}:")
        for line in lines or ["(no change)"]:
            click.echo(f"  {line}")
    return {**doc, "diff": changes}
