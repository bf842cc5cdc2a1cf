"""The files shipped with peacesim: example scenarios, their JSON Schema and the claims register.

A wheel carries them as package data under ``peacesim/_data/`` (see ``pyproject.toml``); a source
checkout (editable install, ``PYTHONPATH=src``) has them at its root. Both lay them out the same
way, ``scenarios/``, ``schema/``, ``seeds/claims.yaml``, so ``peacesim init`` and the claims
fallback read one layout whichever way peacesim was installed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: what ``peacesim init`` copies, relative to the data root
PROJECT_FILES: tuple[str, ...] = ("scenarios", "schema/peacesim.schema.json", "seeds/claims.yaml")


def data_root() -> Path | None:
    """The folder holding ``scenarios/``, ``schema/`` and ``seeds/``: packaged copy first, else the checkout."""
    packaged = files("peacesim").joinpath("_data")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "seeds" / "claims.yaml").is_file() and (checkout / "scenarios").is_dir():
        return checkout
    return None


def bundled_claims() -> Path | None:
    """The claims register shipped with this install, or None if it has none."""
    root = data_root()
    path = root / "seeds" / "claims.yaml" if root is not None else None
    return path if path is not None and path.is_file() else None


def is_packaged() -> bool:
    """Whether the shipped files come from the installed package (a wheel), not a source checkout."""
    return files("peacesim").joinpath("_data").is_dir()
