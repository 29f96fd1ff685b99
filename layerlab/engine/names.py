"""The random names a daemon hands out: container ids, generated container names, and the
names of anonymous volumes.

They come from one generator per host, seeded when the host is (``Host(seed=...)``), so
a notebook shows the same ids every run; the draws happen in the engine's order (a
container's id, then its name, then its anonymous volumes). The storage's own random ids
(cache-ids, mount-ids, links) are drawn from a separate stream: :mod:`.storage_ids`.
"""

from __future__ import annotations

import random
from collections.abc import Collection

#: Halves of the names ``docker run`` makes up (a sample of moby's namesgenerator lists).
ADJECTIVES = ["admiring", "brave", "clever", "dreamy", "eager", "focused", "gallant", "happy", "jolly",
              "keen", "loving", "modest", "nifty", "optimistic", "quirky", "relaxed", "sharp", "tender",
              "upbeat", "vibrant", "wizardly", "youthful", "zealous"]
SURNAMES = ["albattani", "babbage", "curie", "darwin", "euclid", "feynman", "galileo", "hopper", "jemison",
            "kepler", "lovelace", "meitner", "noether", "pasteur", "ritchie", "shannon", "turing",
            "wozniak", "yalow"]


class NameSource:
    """Random 64-hex ids and ``adjective_surname`` names, from the host's seed (None: random)."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng: random.Random = random.Random(seed) if seed is not None else random.SystemRandom()

    def hex_id(self) -> str:
        """A container id or an anonymous volume's name: 64 hex digits."""
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(64))

    def container_name(self, taken: Collection[str]) -> str:
        """A generated container name no container in ``taken`` has."""
        while True:
            name = f"{self._rng.choice(ADJECTIVES)}_{self._rng.choice(SURNAMES)}"
            if name not in taken:
                return name
