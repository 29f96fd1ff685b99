"""What keeps a blob in containerd's content store (the containerd image store), so that a
prune frees exactly what the engine's garbage collector frees.

containerd deletes a blob once nothing refers to it (``content/`` + ``gc/``). Three things
do here:

- an image: its index or manifest, config and layers;
- an image a build used for ``FROM``: BuildKit leases its whole tree for five minutes after
  the build, until ``builder prune`` (BuildKit ``util/imageutil/config.go``:
  ``leases.WithExpiration(5*time.Minute)``, "deleted after 5 min deadline or on pruning
  inactive builder"; ``ctr leases ls`` on the engine lists it as ``buildkit/lease.temporary``
  with ``gc.expire`` five minutes on, and a ``builder prune`` ends it); and BuildKit's cache
  records of its layers keep its index, manifest and config (not its attestation) until
  they are pruned: seen on Engine 28.5 with ``ctr content ls`` after ``docker rmi``;
- BuildKit's cache: a layer it built or used keeps its blob, so ``image prune -a`` after a
  build frees only the image's own documents (index, manifest, config, attestation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from layerlab.model.layer import Layer
from layerlab.model.oci import Descriptor, ImageTarget

from .targets import content_of, layer_diff_ids

__all__ = ["LEASE", "ContentHolds"]

#: How long BuildKit's temporary lease on a resolved base image lasts.
LEASE = timedelta(minutes=5)


@dataclass
class ContentHolds:
    """The leases and layer blobs a containerd-store host keeps besides its images."""

    #: image id -> (until when, the leased image's tree)
    leases: dict[str, tuple[datetime, ImageTarget]] = field(default_factory=dict)
    #: image id -> an image builds used for FROM, whose platform blobs BuildKit's records hold
    used: dict[str, ImageTarget] = field(default_factory=dict)
    #: the first blob the store held for each layer (by diff id), for the build cache's layers
    blobs: dict[str, Descriptor] = field(default_factory=dict)

    def remember(self, targets: Iterable[ImageTarget | None]) -> None:
        """Note the layer blobs of images as they arrive."""
        for target in targets:
            if target is not None:
                for diff_id, blob in zip(layer_diff_ids(target), target.layers):
                    self.blobs.setdefault(diff_id, blob)

    def resolved(self, target: ImageTarget | None, started: datetime) -> None:
        """A build that started at ``started`` used ``target`` for ``FROM``."""
        if target is not None:
            self.leases[target.image_id] = (started + LEASE, target)
            self.used[target.image_id] = target

    def pruned(self, kept: set[str] | None) -> None:
        """``docker builder prune`` ends BuildKit's temporary leases and drops its records
        of the FROM images whose layers are not all in ``kept`` (diff ids images hold; None:
        ``--all``, every record)."""
        self.leases.clear()
        self.used = {i: t for i, t in self.used.items() if kept is not None and set(layer_diff_ids(t)) <= kept}

    def held(self, targets: Iterable[ImageTarget], cached: Iterable[Layer | None],
             now: datetime) -> dict[str, Descriptor]:
        """Every blob something holds at ``now``: images, live leases, BuildKit's records."""
        live = [target for until, target in self.leases.values() if until > now]
        out = content_of([*targets, *live])
        for target in self.used.values():
            for blob in target.platform_blobs():
                out.setdefault(blob.digest, blob)
        for layer in cached:
            blob = self.blobs.get(layer.diff_id) if layer is not None else None
            if blob is not None:
                out.setdefault(blob.digest, blob)
        return out
