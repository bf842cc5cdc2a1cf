"""Seeds for replications: one root seed, one independent stream per replication index.

Replication ``i`` always gets ``SeedSequence(seed, spawn_key=(i,))``, which is exactly
``SeedSequence(seed).spawn(n)[i]`` for any ``n > i``. Because the stream depends only on the root
seed and the index, results do not depend on the executor, the number of workers, the order in
which replications finish, or how many replications are asked for: the first 50 of 200 are the
same 50 as a run of 50.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def replication_seed(seed: int, index: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``index`` under root ``seed``."""
    if index < 0:
        raise ValueError(f"replication index must be >= 0 (got {index})")
    return np.random.SeedSequence(int(seed), spawn_key=(int(index),))


def replication_seeds(seed: int, indices: Iterable[int]) -> list[np.random.SeedSequence]:
    """Seed sequences for several replication indices (in the order given)."""
    return [replication_seed(seed, i) for i in indices]
