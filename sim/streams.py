"""Random streams: one ``numpy`` Generator per purpose, all from one seed.

Each stream is keyed by its name (``"tours/US"``), not by its position, so
adding a stream never shifts the numbers of the others, and two scenarios run
with the same seed share their draws wherever they share mechanics (common
random numbers: what-ifs differ by their moves, not by noise).
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """Named random streams spawned from one ``SeedSequence``."""

    def __init__(self, seed: int | np.random.SeedSequence):
        self.root = seed if isinstance(seed, np.random.SeedSequence) else (
            np.random.SeedSequence(seed))
        self._streams: dict[str, np.random.Generator] = {}

    def __call__(self, *name: str) -> np.random.Generator:
        """The generator for a purpose, e.g. ``streams("visas", "US")``."""
        key = "/".join(name)
        if key not in self._streams:
            child = np.random.SeedSequence(
                entropy=self.root.entropy,
                spawn_key=(*self.root.spawn_key, zlib.crc32(key.encode())),
            )
            self._streams[key] = np.random.Generator(np.random.PCG64(child))
        return self._streams[key]
