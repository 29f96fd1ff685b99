"""The sizes each image store reports: ``docker history``, ``images``, ``ps -s``, ``system df``.

- classic store (20.10 and 28 alike): bytes of regular files. A layer is what its files
  hold (``WORKDIR`` 0B); an image the sum of its layers; a container its writable
  layer's files, virtually plus the image.
- containerd store: disk usage of snapshots in 4 KiB blocks
  (:func:`~layerlab.model.disk_blocks.snapshot_usage`), plus content: an image in
  ``docker images`` is its unpacked snapshots plus every manifest, config and layer blob
  (``3.28MB`` = 2,170,880 + 1,108,894 on Engine 28.5 for the course's test image); a
  container is its writable snapshot (a copied-up directory in which something was copied
  up takes an xattr block more), virtually plus its ``-init`` snapshot and the
  image's snapshots (``32.8kB (virtual 2.22MB)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from weakref import WeakKeyDictionary

from layerlab.build.builder import BuildCache
from layerlab.model.compression import gzip_blob
from layerlab.model.container import Container, init_layer
from layerlab.model.disk_blocks import snapshot_usage
from layerlab.model.image import Image
from layerlab.model.fs import Dir, ancestors
from layerlab.model.layer import Layer
from layerlab.model.oci import IN_TOTO
from layerlab.model.overlay_xattrs import xattr_blocks

from .images import ImageRecord
from .storage_ids import StorageIds, StoredLayer

_USAGE: WeakKeyDictionary[Layer, int] = WeakKeyDictionary()


def snapshot_size(layer: Layer) -> int:
    """A layer's snapshot disk usage, computed once per layer."""
    found = _USAGE.get(layer)
    if found is None:
        found = _USAGE[layer] = snapshot_usage(layer)
    return found


def layer_size(layer: Layer | None, containerd: bool) -> int:
    """A ``docker history`` row's SIZE in bytes (0 for a step that made no layer)."""
    if layer is None:
        return 0
    return snapshot_size(layer) if containerd else layer.size


def unpacked_size(image: Image) -> int:
    """The image's snapshots (containerd store), a commit's ``-init`` under it too."""
    return sum(snapshot_size(layer) for layer in (*image.layers, *image.extra_snapshots))


def image_size(record: ImageRecord) -> int:
    """``docker images`` SIZE: file bytes (classic), or snapshots plus content (containerd)."""
    if record.target is None:
        return record.image.size
    return unpacked_size(record.image) + record.target.manifests_size


#: A time an engine writes (RFC 3339 with nanoseconds, trailing zeros dropped) takes 0 to 9
#: digits and a dot: its length is not known before the engine writes it.
TIME_DIGITS = 10
#: Times in a build's provenance statement that the model writes too (start and finish).
PROVENANCE_TIMES = 2


def content_slack(record: ImageRecord) -> tuple[int, int]:
    """How many bytes less and more than the model's the engine's content of this image can
    hold (containerd store): the sum of :func:`blob_slack`."""
    slack = blob_slack(record).values()
    return sum(less for less, _ in slack), sum(more for _, more in slack)


def blob_slack(record: ImageRecord) -> dict[str, tuple[int, int]]:
    """Each blob of this image whose size the engine's may differ from, by how many bytes
    less and more (containerd store): layer blobs layerlab compressed itself (an engine's
    own blobs, loaded, are exact) within :attr:`~layerlab.model.compression.GzipBlob.engine_bounds`,
    and, for an image built here, the digits of each time in its config and provenance."""
    if record.target is None:
        return {}
    out: dict[str, tuple[int, int]] = {}
    for layer, desc in zip(record.image.layers, record.target.layers):
        blob = gzip_blob(layer)
        if desc.digest == blob.digest:
            low, high = blob.engine_bounds
            out[desc.digest] = blob.size - low, high - blob.size
    if record.made_here:
        times = record.image.config_bytes.count(b'"created":') * TIME_DIGITS
        out[record.target.config.digest] = times, times
        statements = [d for d in record.target.attestation if d.media_type == IN_TOTO]
        for statement in statements:
            out[statement.digest] = PROVENANCE_TIMES * TIME_DIGITS, PROVENANCE_TIMES * TIME_DIGITS
    return out


def image_size_range(record: ImageRecord) -> tuple[int, int]:
    """The lowest and highest ``docker images`` SIZE the engine can show for this image:
    exact in the classic store, within :func:`content_slack` in the containerd store."""
    size = image_size(record)
    less, more = content_slack(record)
    return size - less, size + more


def container_size(container: Container, containerd: bool) -> int:
    """``docker ps -s`` SIZE (``SizeRw``): the writable layer's files, or its snapshot (with
    the blocks overlayfs's xattrs take: :mod:`~layerlab.model.overlay_xattrs`)."""
    if not containerd:
        return container.size()
    return snapshot_size(container.rw.diff()) + xattr_blocks(container.rw)


def init_snapshot(container: Container) -> Layer:
    """What a container's ``-init`` snapshot holds (containerd store): the -init layer; on a
    committed image, whose chain holds another container's ``-init`` already, only the
    files moby writes again and their directories (Engine 28.5: 12 KiB, 9 inodes, where
    the first ``-init`` took 20 KiB, 11 inodes)."""
    if not container.image.extra_snapshots:
        return container.init_layer
    written = {p: e for p, e in init_layer([]).entries.items() if not isinstance(e, Dir)}
    dirs = {a: Dir(mode=0o755) for p in written for a in ancestors(p)}
    return Layer({**dirs, **written})


def container_virtual_size(container: Container, containerd: bool) -> int:
    """``(virtual ...)``: the image's layers plus the writable layer (and, with the
    containerd store, the ``-init`` snapshot)."""
    if not containerd:
        return container.virtual_size()
    return container_size(container, True) + snapshot_size(init_snapshot(container)) + unpacked_size(container.image)


def cache_record_size(layer: Layer, containerd: bool) -> int:
    """What BuildKit reports for one cache record of a built layer (``builder prune``,
    ``buildx du``): its files' bytes, or with the containerd store its snapshot plus its
    compressed blob (``24kB`` = 20,480 + 3,521 on Engine 28.5)."""
    return snapshot_size(layer) + gzip_blob(layer).size if containerd else layer.size


def cache_records(store: Mapping[str, StoredLayer], cache: BuildCache, ids: StorageIds,
                  containerd: bool) -> list[tuple[str, int]]:
    """BuildKit's records of the layers a build made and its cache holds, newest first: the
    record id (the layer's BuildKit directory id) and its size."""
    cached = {id(layer) for layer in cache.layers.values() if layer is not None}
    records = [(ids.cache_id(chain), cache_record_size(stored.layer, containerd))
               for chain, stored in store.items() if stored.built and id(stored.layer) in cached]
    return records[::-1]


def buildkit_snapshots(cache: BuildCache) -> list[int]:
    """The disk of every snapshot BuildKit keeps (containerd store): one per cached step
    (as the step left it: :attr:`~layerlab.build.builder.BuildCache.snapshots`; a layer
    built elsewhere, as unpacked) and one per local source."""
    steps = [cache.snapshots.get(key) or snapshot_size(layer) for key, layer in cache.layers.items()
             if layer is not None]
    return steps + [snapshot_size(layer) for kept in cache.sources.values() for layer in kept.values()]
