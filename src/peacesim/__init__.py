"""peacesim: security commitments for Ukraine as scenario files and a discrete-event simulation.

The Python API (:mod:`peacesim.api`): ``load``, ``run``, ``compare``, ``sweep``, ``size``, ``explore``,
``open_store``, ``runs``.
It is imported lazily so that ``import peacesim`` stays cheap; type checkers see the real
signatures (``peacesim.run(path, replications="ten")`` is a type error under ``mypy --strict``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .api import compare, explore, load, open_store, run, runs, size, sweep

__all__ = ["__version__", "load", "run", "compare", "sweep", "size", "explore", "open_store", "runs"]
_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'peacesim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"api"})
