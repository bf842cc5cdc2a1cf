"""``peacesim explain FILE``: the resolved scenario, with where each value came from."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("explain")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--variant", "variant", default=None, help="Explain this variant instead of the base.")
@click.option("--diff", "diff", is_flag=True, help="List what the variant (default: every variant) changes vs the base.")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="Override a value (repeatable).")
def command(file: Path, variant: str | None, diff: bool, overrides: tuple[str, ...]) -> None:
    """Show FILE as resolved (extends, variant, --set) with each value's origin.

    Origins are FILE:LINE, "variant NAME (FILE:LINE)", "--set", or "default".
    With --diff, print "path: old -> new" for each value a variant changes.
    """
    from peacesim.scenario.explain import diff_lines, explain_text
    from peacesim.scenario.loader import load_resolved, load_tree, resolve_tree, validate_tree

    if not diff:
        click.echo(explain_text(load_resolved(file, variant, overrides)), nl=False)
        return
    base_tree = load_tree(file)
    base = validate_tree(resolve_tree(base_tree, None, overrides))
    variants = base_tree.get("variants")
    names = [variant] if variant else (list(variants.value) if variants is not None and variants.is_map else [])
    if not names:
        click.echo(f"{file}: no variants to compare")
    for name in names:
        other = validate_tree(resolve_tree(base_tree, name, overrides), name)
        click.echo(f"variant {name}:")
        for line in diff_lines(base, other) or ["(no change)"]:
            click.echo(f"  {line}")
