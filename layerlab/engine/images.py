"""The daemon's image store: images by id, tags naming them, lookups as the CLI makes them.

An image is stored once, however many tags name it; a tag names one image. A reference is
looked up as a tag first (``app`` meaning ``app:latest``), then as an image id or an
unambiguous id prefix. Missing images are reported in the words of whoever looks them up:
the CLI (``docker rmi``, ``docker image inspect``) or the daemon (``history``, ``tag``,
``save``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from layerlab.build.catalogue import CatalogueError, base_image
from layerlab.model.container import Container
from layerlab.model.digest import short_id
from layerlab.model.image import Image
from layerlab.model.reference import full_ref, is_id_of, tags_of

from .errors import HostError


@dataclass
class ImageRecord:
    image: Image
    created: int  # a logical clock: which image was made after which


class ImageStore:
    """Images by id (``records``) and tags (``tags``: ``repo:tag`` -> image id)."""

    def __init__(self, clock: Iterator[int]) -> None:
        self.records: dict[str, ImageRecord] = {}
        self.tags: dict[str, str] = {}
        self._clock = clock

    # -- lookups ----------------------------------------------------------------------------
    def find(self, ref: str) -> Image | None:
        """The image a tag, an id or an unambiguous id prefix names; None if none does."""
        if full_ref(ref) in self.tags:
            return self.records[self.tags[full_ref(ref)]].image
        matches = [i for i in self.records if is_id_of(ref, i)]
        return self.records[matches[0]].image if len(matches) == 1 else None

    def image(self, ref: str) -> Image:
        """An image by tag or id; missing: the 20.10 CLI's own wording (``docker rmi``,
        ``docker image inspect`` look the name up before asking the daemon)."""
        found = self.find(ref)
        if found is None:
            raise HostError(f"Error: No such image: {ref}")
        return found

    def daemon_image(self, ref: str, name: str | None = None) -> Image:
        """An image the daemon looks up itself (``history``, ``tag``, ``save``): missing, the
        daemon's wording, with the name as it parsed it (``x`` -> ``x:latest``)."""
        found = self.find(ref)
        if found is None:
            raise HostError(f"Error response from daemon: No such image: {name or full_ref(ref)}")
        return found

    def base_image(self, ref: str, *, use_catalogue: bool) -> Image | None:
        """What ``FROM ref`` builds on: an image here, else (``use_catalogue``) the catalogue's."""
        found = self.find(ref)
        if found is not None or not use_catalogue:
            return found
        try:
            return base_image(ref)
        except CatalogueError as err:
            raise HostError(f"FROM {ref}: no such image here, and {err}") from None

    def tags_of(self, image_id: str) -> list[str]:
        return tags_of(self.tags, image_id)

    def images(self) -> list[Image]:
        return [record.image for record in self.records.values()]

    def newest_first(self) -> list[tuple[str, ImageRecord]]:
        return sorted(self.records.items(), key=lambda kv: -kv[1].created)

    # -- changes ----------------------------------------------------------------------------
    def add(self, image: Image, tag: str | None = None) -> Image:
        """Store an image (once) and tag it."""
        if image.image_id not in self.records:
            self.records[image.image_id] = ImageRecord(image, next(self._clock))
        if tag:
            self.tags[full_ref(tag)] = image.image_id
        return image

    def tag(self, source: str, target: str) -> None:
        self.tags[full_ref(target)] = self.daemon_image(source).image_id

    def untag(self, ref: str, *, force: bool, users: Sequence[Container]) -> tuple[list[str], bool]:
        """``docker rmi``'s rules for names: the ``Untagged:`` lines, and whether the image
        lost its last name (then the caller deletes it).

        A name of an image with other names goes alone; the last name (or any, with
        ``force``) takes every name with it. An image a container (running or not) was
        made from keeps its last name unless ``force``."""
        image = self.image(ref)
        tags = self.tags_of(image.image_id)
        if users and not force and len(tags) <= 1:
            raise HostError(
                f'Error response from daemon: conflict: unable to remove repository reference "{ref}" '
                f"(must force) - container {users[0].id[:12]} is using its referenced image "
                f"{short_id(image.image_id)}")
        if full_ref(ref) in tags and len(tags) > 1 and not force:
            del self.tags[full_ref(ref)]
            return [f"Untagged: {full_ref(ref)}"], False
        for tag in tags:
            del self.tags[tag]
        return [f"Untagged: {tag}" for tag in tags], True

    def delete(self, image_id: str) -> list[str]:
        del self.records[image_id]
        return [f"Deleted: {image_id}"]

    # -- what the daemon reports ------------------------------------------------------------
    def inspect(self, ref: str) -> dict[str, Any]:
        """``docker image inspect``: the fields the course reads."""
        image = self.image(ref)
        return {
            "Id": image.image_id,
            "RepoTags": self.tags_of(image.image_id),
            "Size": image.size,
            "RootFS": {"Type": "layers", "Layers": image.diff_ids},
            "Config": image.config.get("config") or {},
            "Architecture": image.config.get("architecture"),
            "Os": image.config.get("os"),
        }
