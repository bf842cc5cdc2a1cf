"""``peacesim validate FILE...``: check scenario files, every variant, and the claims they cite."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .jsonout import json_output

if TYPE_CHECKING:
    from peacesim.errors import Problem


def validate_file(path: Path, known_claims: set[str] | None) -> tuple[int, list[Problem]]:
    """Check one file and all its variants: (number of variants, problems).

    Beyond the schema, each number's source entry must support it (a cited number is in its
    quote, a derived one in its arithmetic, an assumption in its range). A problem the base
    scenario already has is reported once, not again for every variant; when the base is broken,
    only problems the variant itself introduces are added.
    """
    from peacesim.errors import Problem, ScenarioError
    from peacesim.scenario.claims import unknown_claims
    from peacesim.scenario.loader import load_tree, resolve_tree, validate_tree
    from peacesim.scenario.locate import locate_source_entry
    from peacesim.scenario.provenance import support_problems

    def unsupported(tree: Any, scenario: Any, variant: str | None) -> list[Problem]:
        found = [locate_source_entry(tree, *problem) for problem in support_problems(scenario)]
        if variant is None:
            return found
        return [Problem(p.message, p.file, p.line, p.column, p.path, p.got, p.hint or f"in variant {variant!r}")
                for p in found]

    try:
        base = load_tree(path)
    except ScenarioError as e:
        return 0, list(e.problems)
    variants = base.get("variants")
    names: list[str] = list(variants.value) if variants is not None and variants.is_map else []
    problems: list[Problem] = []
    seen: set[tuple[object, ...]] = set()
    base_ok = True
    trees = [base]

    def add(found: list[Problem], own: bool) -> None:
        for p in found:
            key = (p.file, p.line, p.column, p.path, p.message)
            if key not in seen and (own or base_ok or (p.hint or "").startswith("set by")):
                seen.add(key)
                problems.append(p)

    try:
        add(unsupported(base, validate_tree(base), None), own=True)
    except ScenarioError as e:
        add(e.problems, own=True)
        base_ok = False
    for name in names:
        try:
            tree = resolve_tree(base, name)
        except ScenarioError as e:  # a key path in the variant does not exist
            add(e.problems, own=True)
            continue
        trees.append(tree)
        try:
            add(unsupported(tree, validate_tree(tree, name), name), own=True)
        except ScenarioError as e:
            add(e.problems, own=False)
    if known_claims is not None:
        for tree in trees:
            add(unknown_claims(tree, known_claims), own=True)
    return len(names), problems


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--claims", "claims_path", type=click.Path(path_type=Path), default=None,
              help="Claims register to check claim ids against (default: the nearest seeds/claims.yaml).")
@json_output("validate")
def command(files: tuple[Path, ...], claims_path: Path | None, as_json: bool = False) -> dict[str, Any]:
    """Check scenario FILES: schema, cross-references, every variant, claim ids.

    Prints "ok: FILE (N variants)" for each valid file; otherwise one line per problem,
    FILE:LINE:COL: key.path: message (got VALUE), on stderr, and exits with status 2.
    """
    from peacesim.errors import ScenarioError
    from peacesim.scenario.claims import find_claims_file, load_claims, project_claims_file

    from .jsonout import problem_doc
    from .messages import shorten

    count = 0
    known: set[str] | None = None
    register = claims_path or find_claims_file(files[0])
    from peacesim.bundled import is_packaged

    source = ("option" if claims_path else "project" if project_claims_file(files[0])
              else "packaged" if is_packaged() else "checkout")
    warnings: list[str] = []
    register_problems: list[Problem] = []
    if register is not None:
        try:
            known = load_claims(register).ids
        except ScenarioError as e:
            register_problems = list(e.problems)
            for p in e.problems if not as_json else ():
                click.echo(shorten(p.render()), err=True)
            count += len(e.problems)
    else:
        warnings.append("no claims register found (seeds/claims.yaml); claim ids not checked")
        if not as_json:
            click.echo(f"warning: {warnings[-1]}", err=True)
    bad_files = 0
    reports: list[dict[str, Any]] = []
    for path in files:
        variants, problems = validate_file(path, known)
        if not as_json:
            for p in problems:
                click.echo(shorten(p.render()), err=True)
        reports.append({"file": str(path), "ok": not problems, "variants": variants,
                        "problems": [problem_doc(p) for p in problems]})
        if problems:
            bad_files += 1
            count += len(problems)
        else:
            click.echo(f"ok: {path} ({variants} variant{'s' if variants != 1 else ''})")
    if register is not None and source == "packaged" and not as_json:  # last, after the problems
        click.echo(f"note: no seeds/claims.yaml in this project; used the claims register shipped with peacesim "
                   f"({register})", err=True)
    doc = {"ok": count == 0, "claims_register": None if register is None else str(register),
           "claims_register_source": None if register is None else source,
           "claims_register_problems": [problem_doc(p) for p in register_problems], "warnings": warnings,
           "files": reports, "problems": count}
    if count and not as_json:
        raise ScenarioError(f"{count} problem(s) found in {bad_files} of {len(files)} file(s)")
    return doc
