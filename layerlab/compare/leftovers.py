"""What a comparison made on an engine, removed again when it ends, however it ends.

``layerlab compare``, ``%%docker --beside`` and the recordings run a user's docker lines on
a real engine: containers, images and volumes appear there, and the real side keeps saved
archives and build contexts in a ``layerlab-real-*`` temp folder. :class:`EngineObjects` is what an engine holds;
what is new since a snapshot is what the lines made, and :func:`remove` takes it away, so
the engine is left as it was found (apart from the build cache, which compare prunes
first). ``compare`` snapshots once, around a whole scenario; ``%%docker --beside``, whose
session may last an afternoon on the learner's own engine, around each line (so nothing
the learner did meanwhile counts). Callers remove in a ``finally``: also after an error or
Ctrl-C.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["EngineObjects", "remove", "remove_made"]

#: Committed images are children of their container's image: removing takes a few rounds.
IMAGE_ROUNDS = 3


@dataclass(frozen=True)
class EngineObjects:
    """The containers, images and volumes an engine holds, by full id (volumes by name)."""

    containers: frozenset[str]
    images: frozenset[str]
    volumes: frozenset[str]

    @classmethod
    def of(cls, engine: Any) -> EngineObjects:
        def words(*args: str) -> frozenset[str]:
            return frozenset(engine.docker(list(args)).stdout.split())

        return cls(
            words("ps", "-aq", "--no-trunc"),
            words("images", "-aq", "--no-trunc"),
            words("volume", "ls", "-q"),
        )

    @classmethod
    def none(cls) -> EngineObjects:
        return cls(frozenset(), frozenset(), frozenset())

    def __sub__(self, other: EngineObjects) -> EngineObjects:
        return EngineObjects(
            self.containers - other.containers, self.images - other.images, self.volumes - other.volumes
        )

    def __or__(self, other: EngineObjects) -> EngineObjects:
        return EngineObjects(
            self.containers | other.containers, self.images | other.images, self.volumes | other.volumes
        )

    def __bool__(self) -> bool:
        return bool(self.containers or self.images or self.volumes)


def remove(engine: Any, objects: EngineObjects) -> None:
    """Remove these containers (with their anonymous volumes), images and volumes.

    Best effort: an object already gone, or still used by something else, stays without an
    error (what else is on the engine is the user's, not ours to force)."""
    from layerlab.real.errors import EngineError  # compare never loads an engine client itself

    def quietly(*args: str) -> None:
        try:
            engine.docker(list(args))
        except EngineError:
            pass

    if objects.containers:
        quietly("rm", "-f", "-v", *sorted(objects.containers))
    left = set(objects.images)
    for _ in range(IMAGE_ROUNDS):
        for image in sorted(left):
            quietly("image", "rm", "-f", image)
        left &= EngineObjects.of(engine).images
        if not left:
            break
    if objects.volumes:
        quietly("volume", "rm", "-f", *sorted(objects.volumes))


def remove_made(engine: Any, before: EngineObjects) -> EngineObjects:
    """Remove what ``engine`` holds now and did not ``before``; returns what that was."""
    made = EngineObjects.of(engine) - before
    remove(engine, made)
    return made
