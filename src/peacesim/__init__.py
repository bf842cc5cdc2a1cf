"""peacesim: security commitments for Ukraine as scenario files and a discrete-event simulation.

The Python API (``load``, ``run``, ``compare``) is imported lazily so that ``import peacesim``
stays cheap.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__

__all__ = ["__version__", "load", "run", "compare"]


def __getattr__(name: str) -> Any:
    if name in ("load", "run", "compare"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'peacesim' has no attribute {name!r}")
