"""The data root with the containerd image store (Engine 28.5 measured; the default of fresh
Engine 29 installs).

Images then live in containerd (:mod:`.containerd_root`: the content store and numbered
overlayfs snapshots), not in ``/var/lib/docker``: there is no ``image/`` and no
``overlay2/`` directory. Docker keeps containers, volumes, BuildKit's records and the
network there still, and mounts each running container's root filesystem at
``rootfs/overlayfs/<id>``. The image id shown is the digest of what the image's name
points to: BuildKit's index for a build, the archive's for a load.

A host that plays a classic engine can still be shown this way (``store="containerd"``):
its images are then named as containerd's importer names a legacy ``docker save``
archive (:func:`~layerlab.model.oci.imported_manifest`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from layerlab.engine.profile import PROFILES
from layerlab.engine.storage_ids import StorageIds
from layerlab.i18n import _
from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.oci import ImageTarget, imported_manifest

from .classic_containers import config_v2
from .container_logs import log_nodes
from .containerd_root import CONTENT, SNAPSHOTTER, containerd_root, snapshot_dir
from .identity import ImageIdentity, LayerIdentity
from .nodeset import NodeSet
from .skeleton import daemon_skeleton
from .volumes import volumes_layout

if TYPE_CHECKING:
    from layerlab.engine.host import Host

__all__ = ["CONTENT", "SNAPSHOTTER", "containerd_layout", "manifest_bytes", "manifest_digest", "snapshot_dir"]


def manifest_bytes(image: Image) -> bytes:
    """The manifest containerd's importer writes for a legacy archive of ``image``."""
    target = imported_manifest(image)
    return target.document(target.manifest.digest)


def manifest_digest(image: Image) -> str:
    return imported_manifest(image).manifest.digest


def targets_of(host: Host) -> dict[str, ImageTarget]:
    """What each image's name points to (a classic host's images: as if loaded from archives)."""
    return {image_id: record.target or imported_manifest(record.image) for image_id, record in host.images.items()}


def containerd_layout(host: Host, ids: StorageIds, root: str, ctrd: str) -> tuple[NodeSet, list[ImageIdentity]]:
    """Every node of the data root and of containerd's root, and each image's identity chain."""
    out = NodeSet()
    profile = host.profile if host.profile.containerd else PROFILES["28-containerd"]
    daemon_skeleton(out, root, None, profile=profile, rro_probe=ids.rro_probe)
    if ids.had_containers:  # made with the first container, then kept (Engine 28.5)
        made = _("the first docker run / create")
        out.dir(f"{root}/rootfs", _("containers' root filesystems, mounted from containerd snapshots"), made)
        out.dir(f"{root}/rootfs/overlayfs", _("one mount point per running container (the snapshotter's name)"), made)
    targets = targets_of(host)
    blobs = containerd_root(out, host, ids, ctrd, targets, profile)
    for c in sorted(host.containers.values(), key=lambda c: c.created):
        _container(out, c, root)
        log_nodes(out, host, c, root, f"docker run / create ({c.name})")
    volumes_layout(out, host, root)
    return out, _identities(host, ids, blobs, ctrd, targets)


def _identities(host: Host, ids: StorageIds, blobs: str, ctrd: str,
                targets: dict[str, ImageTarget]) -> list[ImageIdentity]:
    """Each image's identity chain: the target's digest is its id, snapshots hold its layers."""
    identities = []
    for image_id, record in host.images.items():
        image = record.image
        layers = tuple(
            LayerIdentity(i, diff, chain, str(ids.snapshot_number(chain)),
                          snapshot_dir(ctrd, ids.snapshot_number(chain)), None, None, layer.size)
            for i, (diff, chain, layer) in enumerate(zip(image.diff_ids, image.chain_ids, image.layers))
        )
        target = targets[image_id]
        identities.append(ImageIdentity(target.image_id, tuple(host.tags_of(image_id)),
                                        f"{blobs}/{target.config.digest[7:]}", layers,
                                        "index digest" if target.is_index else "manifest digest"))
    return identities


def _container(out: NodeSet, c: Container, root: str) -> None:
    """``containers/<id>`` (as with the classic store) and, while it runs, its rootfs mount point."""
    made = f"docker run / create ({c.name})"
    if c.running:
        out.dir(f"{root}/rootfs/overlayfs/{c.id}", _("{name}'s mounted root filesystem (only while it runs)", name=c.name),
                "docker start")
        out.merged_view(f"{root}/rootfs/overlayfs/{c.id}", c.rw, _("{name}'s mounted root filesystem", name=c.name),
                        "docker start")
    cdir = f"{root}/containers/{c.id}"
    out.dir(cdir, _("container {name}: configuration, log, /etc files (as with the classic store)", name=c.name), made)
    config = config_v2(c, root, driver="overlayfs", image_id=getattr(c, "image_id", None))
    out.file(f"{cdir}/config.v2.json", _("its configuration and state (excerpt: the fields that teach)"), made,
             json.dumps(config, indent=1))
    for name, what in (
        ("hostconfig.json", _("how it was started")),
        ("hostname", _("bind-mounted over /etc/hostname")),
        ("hosts", _("bind-mounted over /etc/hosts")),
        ("resolv.conf", _("bind-mounted over /etc/resolv.conf")),
        ("resolv.conf.hash", _("a hash to tell whether the user edited resolv.conf")),
    ):
        out.file(f"{cdir}/{name}", what, made)
    out.dir(f"{cdir}/mounts", _("the container's private mounts"), made)
    out.dir(f"{cdir}/checkpoints", _("checkpoints (experimental)"), made)
