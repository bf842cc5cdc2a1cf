"""Named random streams: one independent generator per stochastic process and purpose.

Every draw in a replication comes from a stream keyed by a stable name (``force.uk.lift``,
``incidents.violations.donetsk.arrivals``). The stream's seed is the replication seed with the
CRC-32 of the name appended to its spawn key, so:

* two variants that differ in one element still share every other draw (common random numbers);
* adding a process or an element never shifts the draws of the others;
* the result does not depend on the order in which processes first ask for their streams.

Values are drawn in blocks (``BLOCK`` at a time) so the model makes one numpy call per block,
not one per value.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import numpy as np

#: Values drawn per numpy call.
BLOCK = 256

Sampler = Callable[[np.random.Generator, int], np.ndarray]


def stream_seed(seed: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """The seed of stream ``name`` under a replication seed (stable across runs and versions)."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.SeedSequence(entropy=seed.entropy, spawn_key=tuple(seed.spawn_key) + (key,))


#: Stream seeds already made, by (entropy, spawn key, name): the points of an exploration (and the
#: variants of a comparison) use the same replication seeds, so a worker makes the same seeds
#: again and again, and a seed costs about half of a new generator. Emptied when it grows large.
_SEEDS: dict[tuple[object, tuple[int, ...], str], np.random.SeedSequence] = {}
_SEEDS_MAX = 20_000


def _cached_seed(seed: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """:func:`stream_seed`, remembered (a generator only reads its seed, never spawns from it)."""
    entropy = seed.entropy
    if not isinstance(entropy, int):
        return stream_seed(seed, name)
    key = (entropy, tuple(seed.spawn_key), name)
    found = _SEEDS.get(key)
    if found is None:
        if len(_SEEDS) >= _SEEDS_MAX:
            _SEEDS.clear()
        found = _SEEDS[key] = stream_seed(seed, name)
    return found


class Stream:
    """One purpose's supply of random values, refilled a block at a time.

    ``next`` is the ``__next__`` of a generator over the blocks (a C-level call per value, where a
    Python method cost a frame: streams serve several thousand values per replication).
    """

    __slots__ = ("next",)

    def __init__(self, rng: np.random.Generator, sampler: Sampler) -> None:
        self.next: Callable[[], float] = _values(rng, sampler).__next__


def _values(rng: np.random.Generator, sampler: Sampler) -> Iterator[float]:
    """The values of a stream: ``BLOCK`` drawn at a time, the first block on the first request."""
    while True:
        yield from np.asarray(sampler(rng, BLOCK), dtype=float).tolist()


class Streams:
    """Factory of the named streams of one replication."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self._seed = seed
        self._generators: dict[str, np.random.Generator] = {}
        self._streams: dict[str, Stream] = {}

    def generator(self, name: str) -> np.random.Generator:
        """A raw generator for vector draws (one call per raid, one per run)."""
        rng = self._generators.get(name)
        if rng is None:
            rng = np.random.Generator(np.random.PCG64(_cached_seed(self._seed, name)))
            self._generators[name] = rng
        return rng

    def stream(self, name: str, sampler: Sampler) -> Stream:
        """The block-drawn stream ``name``; ``sampler(rng, size)`` fills a block."""
        s = self._streams.get(name)
        if s is None:
            s = Stream(self.generator(name), sampler)
            self._streams[name] = s
        return s

    def uniform(self, name: str) -> Stream:
        """Uniform(0, 1) values."""
        return self.stream(name, lambda rng, n: rng.random(n))

    def unit_exponential(self, name: str) -> Stream:
        """Exponential values with mean 1 (Poisson arrivals in operational time)."""
        return self.stream(name, lambda rng, n: rng.standard_exponential(n))
