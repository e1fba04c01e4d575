"""Random streams: one ``numpy`` Generator per purpose, all from one seed.

Each stream is keyed by its name (``"tours/US"``), not by its position, so
adding a stream never shifts the numbers of the others, and two scenarios run
with the same seed share their draws wherever they share mechanics (common
random numbers: what-ifs differ by their moves, not by noise).

Draws are taken from numpy in blocks: one scalar draw from numpy costs more
than the rest of a model event, a value from a block almost nothing.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

BLOCK = 256


class Stream:
    """A generator with cheap scalar draws, each kind from its own block."""

    def __init__(self, generator: np.random.Generator):
        self.generator = generator
        self._blocks: dict[str, list[float]] = {}

    def _next(self, kind: str) -> float:
        block = self._blocks.get(kind)
        if not block:
            draw = {"uniform": self.generator.random,
                    "normal": self.generator.standard_normal,
                    "gamma4": lambda n: self.generator.standard_gamma(4.0, n)}[kind]
            block = self._blocks[kind] = draw(BLOCK).tolist()[::-1]
        return block.pop()

    def random(self) -> float:
        """Uniform on [0, 1)."""
        return self._next("uniform")

    def normal(self) -> float:
        """Standard normal."""
        return self._next("normal")

    def exponential(self, mean: float) -> float:
        """Exponential with the given mean."""
        return -mean * math.log1p(-self._next("uniform"))

    def gamma4(self, mean: float) -> float:
        """Gamma with shape 4 and the given mean: a waiting time that is rarely tiny."""
        return self._next("gamma4") * mean / 4.0

    def triangular(self, low: float, mode: float, high: float) -> float:
        """Triangular on [low, high] peaking at ``mode``, by the inverse CDF."""
        u = self._next("uniform")
        if high == low:
            return low
        split = (mode - low) / (high - low)
        if u < split:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))


class Streams:
    """Named random streams spawned from one ``SeedSequence``."""

    def __init__(self, seed: int | np.random.SeedSequence):
        self.root = seed if isinstance(seed, np.random.SeedSequence) else (
            np.random.SeedSequence(seed))
        self._streams: dict[str, Stream] = {}

    def __call__(self, *name: str) -> Stream:
        """The stream for a purpose, e.g. ``streams("visas", "US")``."""
        key = "/".join(name)
        if key not in self._streams:
            child = np.random.SeedSequence(
                entropy=self.root.entropy,
                spawn_key=(*self.root.spawn_key, zlib.crc32(key.encode())),
            )
            self._streams[key] = Stream(np.random.Generator(np.random.PCG64(child)))
        return self._streams[key]
