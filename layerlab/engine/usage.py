"""What ``docker system df`` counts: images, containers, volumes and the build cache.

Sizes are docker's: layer contents and writable-layer files, the same on every driver
(what a driver really uses on disk is :func:`~layerlab.engine.storage.disk_usage`).
Engine 20.10's rules: images' reclaimable = all layers minus the unique size of every
image a container (running or not) uses; containers' = the writable layers of those not
running; volumes' = the volumes no container mounts; the build cache's = the cached
layers no image holds (BuildKit's unshared records; its records of build contexts are
not modelled).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.reference import tags_of
from layerlab.model.volume import Volume


class _HasImage(Protocol):
    @property
    def image(self) -> Image: ...


@dataclass(frozen=True)
class Usage:
    """One row of ``docker system df``: how many, how many in use, bytes, bytes reclaimable."""

    total: int
    active: int
    size: int
    reclaimable: int
    #: bytes the engine may count less and more than ``size`` (compressed content:
    #: :func:`~layerlab.engine.sizes.content_slack`); ``reclaimable_slack`` alike
    slack: tuple[int, int] = (0, 0)
    reclaimable_slack: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class ImageUsage:
    """One image in ``docker system df -v``: its layers' bytes, those other images share too."""

    image_id: str
    tags: tuple[str, ...]
    size: int
    shared: int
    containers: int
    #: bytes the engine may count less and more than ``size`` (and so ``unique``)
    slack: tuple[int, int] = (0, 0)

    @property
    def unique(self) -> int:
        return self.size - self.shared


@dataclass(frozen=True)
class SystemDf:
    """What ``docker system df`` counts, per kind (Engine 20.10's rules: the module doc)."""

    images: Usage
    containers: Usage
    volumes: Usage
    build_cache: Usage
    per_image: tuple[ImageUsage, ...]


def layer_usage(images: Iterable[Image]) -> dict[str, int]:
    """Bytes per stored layer, keyed by chain id: a layer shared by images counts once."""
    usage: dict[str, int] = {}
    for image in images:
        for chain, layer in zip(image.chain_ids, image.layers):
            usage[chain] = layer.size
    return usage


def system_df(records: Mapping[str, _HasImage], tags: Mapping[str, str], containers: Sequence[Container],
              volumes: Sequence[Volume], cached: Iterable[Layer | None]) -> SystemDf:
    """The four rows and the per-image table, from what a host holds (image records by id,
    ``tags`` naming them, ``cached``: the build cache's layers)."""
    images = {image_id: record.image for image_id, record in records.items()}
    per_image = per_image_usage(images, tags, containers)
    return SystemDf(
        images=_images_usage(images, per_image),
        containers=Usage(len(containers), sum(c.running for c in containers), sum(c.size() for c in containers),
                         sum(c.size() for c in containers if not c.running)),
        volumes=volumes_usage(volumes, containers),
        build_cache=_cache_usage(images, cached),
        per_image=per_image,
    )


def per_image_usage(images: Mapping[str, Image], tags: Mapping[str, str],
                    containers: Sequence[Container]) -> tuple[ImageUsage, ...]:
    """Each image's size, the part of it other images hold too, and how many containers use it."""
    holders = Counter(chain for image in images.values() for chain in set(image.chain_ids))
    users = Counter(c.image.image_id for c in containers)
    out = []
    for image_id, image in images.items():
        chains = dict(zip(image.chain_ids, image.layers))
        shared = sum(layer.size for chain, layer in chains.items() if holders[chain] > 1)
        out.append(ImageUsage(image_id, tuple(tags_of(tags, image_id)), image.size, shared, users[image_id]))
    return tuple(out)


def _images_usage(images: Mapping[str, Image], per_image: Sequence[ImageUsage]) -> Usage:
    size = sum(layer_usage(images.values()).values())
    in_use = sum(i.unique for i in per_image if i.containers)
    return Usage(len(images), sum(1 for i in per_image if i.containers), size, size - in_use)


def volumes_usage(volumes: Sequence[Volume], containers: Sequence[Container]) -> Usage:
    mounted = {v.name for c in containers for v in c.volumes}
    return Usage(len(volumes), sum(1 for v in volumes if v.name in mounted), sum(v.size() for v in volumes),
                 sum(v.size() for v in volumes if v.name not in mounted))


def _cache_usage(images: Mapping[str, Image], cached: Iterable[Layer | None]) -> Usage:
    held = {diff_id for image in images.values() for diff_id in image.diff_ids}
    layers = [layer for layer in cached if layer is not None]
    size = sum(layer.size for layer in layers if layer.diff_id not in held)
    return Usage(len(layers), 0, size, size)
