"""The daemon's image store: images by id, tags naming them, lookups as the CLI makes them.

An image is stored once, however many tags name it; a tag names one image. A reference is
looked up as a tag first (``app`` meaning ``app:latest``), then as an image id or an
unambiguous id prefix. Missing images are reported in the words of whoever looks them up:
the CLI (``docker rmi``, ``docker image inspect``) or the daemon (``history``, ``tag``,
``save``).

The two image stores differ in what an id is and in what happens to an image whose tag
moves to another (Engine 28.5, moby ``daemon/containerd/image_tag.go`` and the captures):

- classic: the id is the config digest; the old image stays, untagged (``<none>``);
- containerd: the id is the digest of the index or manifest the name points to
  (:class:`~layerlab.model.oci.ImageTarget`); ``docker tag`` and ``docker load`` keep the
  old image as a dangling one, a ``docker build`` drops it (nothing else names it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from layerlab.build.catalogue import CatalogueError, base_image
from layerlab.i18n import _
from layerlab.model.container import Container
from layerlab.model.digest import MAX_CHAIN_DEPTH, short_id
from layerlab.model.errors import LimitExceeded
from layerlab.model.image import Image
from layerlab.model.oci import ImageTarget
from layerlab.model.reference import full_ref, is_id_of, tags_of

from .errors import HostError

#: What becomes of an image whose last tag a new image takes (containerd store only).
Replaced = Literal["dangling", "dropped"]


@dataclass
class ImageRecord:
    """One stored image: the model's image, when it came (a logical clock), and with the
    containerd store what its name points to. ``made_here``: built or committed on this
    host (``docker images`` says it was created less than a second ago)."""

    image: Image
    created: int
    target: ImageTarget | None = None
    made_here: bool = False

    @property
    def image_id(self) -> str:
        """The id ``docker images`` shows: the config digest, or the target's digest."""
        return self.target.image_id if self.target is not None else self.image.image_id


class ImageStore:
    """Images by id (``records``) and tags (``tags``: ``repo:tag`` -> image id)."""

    def __init__(self, clock: Iterator[int], *, containerd: bool = False) -> None:
        self.records: dict[str, ImageRecord] = {}
        self.tags: dict[str, str] = {}
        self.containerd = containerd
        #: every build's index (containerd store): BuildKit's build history keeps its documents
        self.history: list[ImageTarget] = []
        self._clock = clock

    # -- lookups ----------------------------------------------------------------------------
    def record(self, ref: str) -> ImageRecord | None:
        """The record a tag, an id or an unambiguous id prefix names; None if none does."""
        if full_ref(ref) in self.tags:
            return self.records[self.tags[full_ref(ref)]]
        matches = [i for i in self.records if is_id_of(ref, i)]
        return self.records[matches[0]] if len(matches) == 1 else None

    def find(self, ref: str) -> Image | None:
        """The image a tag, an id or an unambiguous id prefix names; None if none does."""
        found = self.record(ref)
        return found.image if found is not None else None

    def id_of(self, ref: str) -> str:
        """The id of the image ``ref`` names (the CLI's missing-image wording otherwise)."""
        found = self.record(ref)
        if found is None:
            raise HostError(f"Error: No such image: {ref}")
        return found.image_id

    def image(self, ref: str) -> Image:
        """An image by tag or id; missing: the 20.10 CLI's own wording (``docker rmi``,
        ``docker image inspect`` look the name up before asking the daemon)."""
        found = self.find(ref)
        if found is None:
            raise HostError(f"Error: No such image: {ref}")
        return found

    def daemon_record(self, ref: str, name: str | None = None) -> ImageRecord:
        """A record the daemon looks up itself (``history``, ``tag``, ``save``): missing, the
        daemon's wording, with the name as it parsed it (``x`` -> ``x:latest``)."""
        found = self.record(ref)
        if found is None:
            raise HostError(f"Error response from daemon: No such image: {name or full_ref(ref)}")
        return found

    def daemon_image(self, ref: str, name: str | None = None) -> Image:
        return self.daemon_record(ref, name).image

    def base_image(self, ref: str, *, use_catalogue: bool) -> Image | None:
        """What ``FROM ref`` builds on: an image here, else (``use_catalogue``) the catalogue's."""
        found = self.find(ref)
        if found is not None or not use_catalogue:
            return found
        try:
            return base_image(ref)
        except CatalogueError as err:
            raise HostError(_("FROM {ref}: no such image here, and {err}", ref=ref, err=err)) from None

    def tags_of(self, image_id: str) -> list[str]:
        return tags_of(self.tags, image_id)

    def images(self) -> list[Image]:
        return [record.image for record in self.records.values()]

    def targets(self) -> list[ImageTarget]:
        return [r.target for r in self.records.values() if r.target is not None]

    def newest_first(self) -> list[tuple[str, ImageRecord]]:
        return sorted(self.records.items(), key=lambda kv: -kv[1].created)

    # -- changes ----------------------------------------------------------------------------
    def remember_build(self, image: Image) -> None:
        """An image BuildKit built on an engine and this store loaded: BuildKit's build
        history keeps its documents as for a build made here."""
        for record in self.records.values():
            target = record.target
            if (record.image.image_id == image.image_id and target is not None and target.attestation
                    and target not in self.history):
                self.history.append(target)

    def add(self, image: Image, tag: str | None = None, *, target: ImageTarget | None = None,
            made_here: bool = False, replaced: Replaced = "dangling",
            in_use: Sequence[str] = ()) -> ImageRecord:
        """Store an image (once) and tag it. With the containerd store, an image whose last
        tag this one takes is ``replaced`` (kept dangling, or dropped unless a container
        in ``in_use``, a list of image ids, still uses it)."""
        if not self.containerd and len(image.layers) > MAX_CHAIN_DEPTH:  # the classic layer store's limit
            raise LimitExceeded(_("{n} layers: deeper than the classic image store allows "
                                  "(max {max}, 'max depth exceeded'; the containerd store has no limit)",
                                  n=len(image.layers), max=MAX_CHAIN_DEPTH))
        record = ImageRecord(image, next(self._clock), target, made_here)
        record = self.records.setdefault(record.image_id, record)
        if made_here and target is not None and target.attestation and target not in self.history:
            self.history.append(target)
        if tag:
            before = self.tags.get(full_ref(tag))
            self.tags[full_ref(tag)] = record.image_id
            if (self.containerd and before and before != record.image_id and replaced == "dropped"
                    and not self.tags_of(before) and before not in in_use):
                del self.records[before]
        return record

    def tag(self, source: str, target: str) -> None:
        self.tags[full_ref(target)] = self.daemon_record(source).image_id

    def untag(self, ref: str, *, force: bool, users: Sequence[Container]) -> tuple[list[str], bool]:
        """``docker rmi``'s rules for names: the ``Untagged:`` lines, and whether the image
        is to be deleted (the caller deletes it).

        A name of an image with other names goes alone, also with ``force`` (``rmi -f``
        forces past containers, not past other names); the last name takes the image with
        it. An image a container (running or not) was made from keeps its last name unless
        ``force``; with the containerd store a forced removal only untags it (it stays,
        dangling, for the container)."""
        image_id = self.id_of(ref)
        tags = self.tags_of(image_id)
        if users and not force and len(tags) <= 1:
            raise HostError(_in_use(ref, users[0].id, image_id, containerd=self.containerd))
        if full_ref(ref) in tags and len(tags) > 1:
            del self.tags[full_ref(ref)]
            return [f"Untagged: {full_ref(ref)}"], False
        for tag in tags:
            del self.tags[tag]
        return [f"Untagged: {tag}" for tag in tags], not (self.containerd and users)

    def delete(self, image_id: str) -> list[str]:
        del self.records[image_id]
        return [f"Deleted: {image_id}"]


def _in_use(ref: str, container_id: str, image_id: str, *, containerd: bool) -> str:
    """The daemon's refusal to remove the last name of an image a container uses."""
    if containerd:  # moby daemon/containerd/image_delete.go
        what = f"unable to delete {full_ref(ref)} (must be forced)"
    else:
        what = f'unable to remove repository reference "{ref}" (must force)'
    return (f"Error response from daemon: conflict: {what} - container {container_id[:12]} is using its "
            f"referenced image {short_id(image_id)}")
