"""What ``docker system df`` counts with the containerd image store (Engine 28.5).

moby ``daemon/containerd`` counts disk, not file bytes (:mod:`.sizes`):

- Images SIZE: every snapshot the snapshotter holds (moby ``ImageService.ImageDiskUsage``
  walks them all: the images' unpacked layers, the layers BuildKit's cache keeps as
  snapshots of its own, BuildKit's copies of the build contexts, the containers' ``-init``
  and writable snapshots) plus every blob of every image once (indexes, manifests,
  configs, attestations, compressed layers). So it is bigger than the images' sizes put
  together: ``7.109MB`` after building ``scenarios/builds/base`` (a ``3.1MB`` image), and
  ``3.099MB`` after ``docker builder prune -af``.
- per image (``-v``): its ``docker images`` size; SHARED: its snapshots that another image
  uses too; RECLAIMABLE: Images SIZE minus the unique size of every image a container uses.
- Containers: the writable snapshots (block usage), reclaimable those not running.
- Build Cache: BuildKit's records no image holds: snapshot plus compressed blob each.

Checked against Engine 28.5: one image with two containers and no build cache gives
``3.363MB`` / ``82.78kB (2%)``, the numbers :func:`containerd_system_df` gives for it.
BuildKit's records of build contexts (``source.local``) are not modelled (as classic).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from layerlab.model.compression import gzip_blob
from layerlab.model.layer import Layer
from layerlab.model.reference import tags_of
from layerlab.model.volume import Volume

from .images import ImageRecord
from .processes import HostContainer
from .sizes import cache_record_size, container_size, content_slack, image_size, init_snapshot, snapshot_size
from .targets import content_of
from .usage import ImageUsage, SystemDf, Usage, volumes_usage


def containerd_system_df(records: Mapping[str, ImageRecord], tags: Mapping[str, str],
                         containers: Sequence[HostContainer], volumes: Sequence[Volume],
                         cached: Iterable[Layer | None], buildkit: Sequence[int] | None = None) -> SystemDf:
    """The four rows and the per-image table, by the containerd store's rules (module doc);
    ``buildkit``: the disk of each snapshot BuildKit keeps (:func:`.sizes.buildkit_snapshots`;
    None: each cached layer's, as unpacked)."""
    per_image = _per_image(records, tags, containers)
    cache_layers = [layer for layer in cached if layer is not None]
    if buildkit is None:
        buildkit = [snapshot_size(layer) for layer in cache_layers]
    snapshots = {chain: snapshot_size(layer) for r in records.values()
                 for chain, layer in zip(r.image.chain_ids, r.image.layers)}
    inits = {id(c.init_layer): init_snapshot(c) for c in containers}  # a commit's -init stays under its image
    inits |= {id(layer): layer for r in records.values() for layer in r.image.extra_snapshots}
    disk = (sum(snapshots.values()) + sum(buildkit)
            + sum(container_size(c, True) for c in containers) + sum(snapshot_size(x) for x in inits.values())
            + sum(d.size for d in content_of([r.target for r in records.values() if r.target]).values()))
    in_use = sum(i.unique for i in per_image if i.containers)
    less, more = _disk_slack(records)
    used_less = sum(i.slack[0] for i in per_image if i.containers)
    used_more = sum(i.slack[1] for i in per_image if i.containers)
    held = {diff_id for r in records.values() for diff_id in r.image.diff_ids}
    unshared = [layer for layer in cache_layers if layer.diff_id not in held]
    cache_size = sum(cache_record_size(layer, True) for layer in unshared)
    sizes = [container_size(c, True) for c in containers]
    return SystemDf(
        images=Usage(len(records), sum(1 for i in per_image if i.containers), disk, disk - in_use,
                     (less, more), (less + used_more, more + used_less)),
        containers=Usage(len(containers), sum(c.running for c in containers), sum(sizes),
                         sum(s for s, c in zip(sizes, containers) if not c.running)),
        volumes=volumes_usage(volumes, containers),
        build_cache=Usage(len(cache_layers), 0, cache_size, cache_size),
        per_image=per_image,
    )


def _disk_slack(records: Mapping[str, ImageRecord]) -> tuple[int, int]:
    """:func:`.sizes.content_slack` of every image's content, each layer blob once."""
    blobs: dict[str, tuple[int, int]] = {}
    less = more = 0
    for record in records.values():
        if record.target is None:
            continue
        for layer, desc in zip(record.image.layers, record.target.layers):
            blob = gzip_blob(layer)
            if desc.digest == blob.digest:
                low, high = blob.engine_bounds
                blobs[desc.digest] = (blob.size - low, high - blob.size)
        own_less, own_more = content_slack(record)
        layers_less = sum(blobs.get(d.digest, (0, 0))[0] for d in record.target.layers)
        layers_more = sum(blobs.get(d.digest, (0, 0))[1] for d in record.target.layers)
        less, more = less + own_less - layers_less, more + own_more - layers_more  # its times
    return less + sum(b[0] for b in blobs.values()), more + sum(b[1] for b in blobs.values())


def _per_image(records: Mapping[str, ImageRecord], tags: Mapping[str, str],
               containers: Sequence[HostContainer]) -> tuple[ImageUsage, ...]:
    """Each image's size, the snapshots it shares with another image, its containers."""
    holders = Counter(chain for r in records.values() for chain in set(r.image.chain_ids))
    users = Counter(c.image_id for c in containers)
    out = []
    for image_id, record in records.items():
        layers = dict(zip(record.image.chain_ids, record.image.layers))
        shared = sum(snapshot_size(layer) for chain, layer in layers.items() if holders[chain] > 1)
        out.append(ImageUsage(image_id, tuple(tags_of(tags, image_id)), image_size(record), shared,
                              users[image_id], content_slack(record)))
    return tuple(out)
