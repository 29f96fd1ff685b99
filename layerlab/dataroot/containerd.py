"""The containerd image store (default for fresh Docker Engine 29+ installs).

Images then live in containerd, not in ``/var/lib/docker``: blobs (manifest, config,
layers) in containerd's content store, unpacked layers as numbered overlayfs snapshots
(``snapshots/<N>/fs``, N counting up as snapshots are made, keyed by chain id), all in
namespace ``moby``. Docker keeps containers, volumes, BuildKit and the network there still,
and mounts each running container's root filesystem at ``rootfs/overlayfs/<id>``. There is
no ``image/`` and no ``overlay2/`` directory. The image id shown is the manifest's digest.

Layer blobs are named here by their diff-id: what ``docker load`` / ``ctr images import``
of an uncompressed archive store. Pulled or built images keep gzip blobs, whose digests
differ from the diff-ids (and their snapshots too: both copies use disk).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from layerlab.engine.storage_ids import StorageIds, StoredLayer
from layerlab.model.container import Container
from layerlab.model.image import Image

from .identity import ImageIdentity, LayerIdentity
from .nodeset import NodeSet
from .skeleton import DAEMON, daemon_skeleton
from .volumes import volumes_layout

if TYPE_CHECKING:
    from layerlab.engine.host import Host

NAMESPACE = "moby"
CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar"
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
CONTENT = "io.containerd.content.v1.content"
SNAPSHOTTER = "io.containerd.snapshotter.v1.overlayfs"
CTRD = "containerd (image store)"


def manifest_bytes(image: Image) -> bytes:
    """The image manifest as containerd's importer writes it (Go's json.Marshal field order)."""

    def desc(media_type: str, digest: str, size: int) -> dict[str, object]:
        return {"mediaType": media_type, "digest": digest, "size": size}

    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": desc(CONFIG_TYPE, image.image_id, len(image.config_bytes)),
        "layers": [desc(LAYER_TYPE, layer.diff_id, layer.tar_size) for layer in image.layers],
    }
    return json.dumps(manifest, separators=(",", ":")).encode()


def manifest_digest(image: Image) -> str:
    return "sha256:" + hashlib.sha256(manifest_bytes(image)).hexdigest()


def snapshot_dir(ctrd: str, number: int) -> str:
    return f"{ctrd}/{SNAPSHOTTER}/snapshots/{number}"


def containerd_layout(
    host: Host, ids: StorageIds, root: str, ctrd: str
) -> tuple[NodeSet, list[ImageIdentity]]:
    """Every node of the data root and of containerd's root, and each image's identity chain."""
    out = NodeSet()
    daemon_skeleton(out, root, None)
    out.dir(
        f"{root}/rootfs", "containers' root filesystems, mounted from containerd snapshots", DAEMON
    )
    out.dir(
        f"{root}/rootfs/overlayfs", "one mount point per container (the snapshotter's name)", DAEMON
    )
    out.dir(ctrd, "containerd's root: with the containerd image store, images live here", CTRD)
    out.file(
        f"{ctrd}/io.containerd.metadata.v1.bolt/meta.db",
        "containerd's metadata (bolt db): images by name, namespaces (moby), leases, snapshot keys",
        CTRD,
    )
    blobs = _content_store(out, host, ctrd)
    _snapshots(out, ids, ids.layer_store(host), ctrd)
    for c in sorted(host.containers.values(), key=lambda c: c.created):
        _container(out, ids, c, root, ctrd)
    volumes_layout(out, host, root)
    return out, _identities(host, ids, blobs, ctrd)


def _identities(host: Host, ids: StorageIds, blobs: str, ctrd: str) -> list[ImageIdentity]:
    """Each image's identity chain: the manifest digest is its id, snapshots hold its layers."""
    identities = []
    for image_id, record in host.images.items():
        image = record.image
        layers = tuple(
            LayerIdentity(
                i,
                diff,
                chain,
                str(ids.snapshot_number(chain)),
                snapshot_dir(ctrd, ids.snapshot_number(chain)),
                None,
                None,
                layer.size,
            )
            for i, (diff, chain, layer) in enumerate(
                zip(image.diff_ids, image.chain_ids, image.layers)
            )
        )
        identities.append(
            ImageIdentity(
                manifest_digest(image),
                tuple(host.tags_of(image_id)),
                f"{blobs}/{image.image_id[7:]}",
                layers,
            )
        )
    return identities


def _content_store(out: NodeSet, host: Host, ctrd: str) -> str:
    """The content store: each image's manifest, config and layer blobs; its blob directory."""
    blobs = f"{ctrd}/{CONTENT}/blobs/sha256"
    out.dir(f"{ctrd}/{CONTENT}", "the content store: every blob by its digest", CTRD)
    out.dir(f"{ctrd}/{CONTENT}/ingest", "blobs being written (a pull or load in progress)", CTRD)
    out.dir(blobs, "manifests, configs and layer blobs, each named by its sha256", CTRD)
    made = "docker pull / load / build (image store: containerd)"
    for image_id, record in host.images.items():
        image = record.image
        tags = ", ".join(host.tags_of(image_id)) or "no tag"
        out.file(
            f"{blobs}/{manifest_digest(image)[7:]}",
            f"the manifest of {tags}: its digest is the image id here",
            made,
            manifest_bytes(image).decode(),
        )
        out.file(
            f"{blobs}/{image.image_id[7:]}",
            f"the config of {tags} (its digest was the image id in the classic store)",
            made,
            image.config_bytes.decode("utf-8", "replace"),
        )
        for layer in image.layers:
            out.file(
                f"{blobs}/{layer.diff_id[7:]}",
                "a layer blob (a tar; kept besides its unpacked snapshot)",
                made,
            )
    return blobs


def _snapshots(out: NodeSet, ids: StorageIds, store: dict[str, StoredLayer], ctrd: str) -> None:
    """The overlayfs snapshotter: one numbered snapshot per layer, keyed by chain id."""
    snaps = f"{ctrd}/{SNAPSHOTTER}"
    out.dir(
        snaps, "the overlayfs snapshotter: unpacked layers and containers' writable layers", CTRD
    )
    out.file(
        f"{snaps}/metadata.db",
        "snapshot keys (chain ids, container ids), parents and numbers (bolt db)",
        CTRD,
    )
    out.dir(
        f"{snaps}/snapshots",
        "one numbered directory per snapshot; the number counts up, it is not an id",
        CTRD,
    )
    for chain, stored in store.items():
        d = snapshot_dir(ctrd, ids.snapshot_number(chain))
        out.dir(
            d,
            f"the committed snapshot of layer {chain[:19]}… (key: its chain id)",
            "unpacking an image",
        )
        out.dir(f"{d}/fs", "the layer's files, as overlay2's diff/ held them", "unpacking an image")
        out.layer_files(f"{d}/fs", stored.layer, "this layer", "unpacking an image")
        out.dir(
            f"{d}/work",
            "overlayfs's workdir (made while the snapshot was active)",
            "unpacking an image",
        )


def container_snapshot_keys(c: Container) -> tuple[str, str]:
    """Docker's two snapshots per container: the -init layer (committed) and the writable one."""
    return f"{c.id}-init", c.id


def _container(out: NodeSet, ids: StorageIds, c: Container, root: str, ctrd: str) -> None:
    made = f"docker run / create ({c.name})"
    init_key, rw_key = container_snapshot_keys(c)
    for key, layer, what in (
        (init_key, c.init_layer, "the -init layer"),
        (rw_key, c.rw.diff(), f"{c.name}'s writable layer"),
    ):
        d = snapshot_dir(ctrd, ids.snapshot_number(key))
        out.dir(d, f"{what} (snapshot key {key[:12]}…{'-init' if key == init_key else ''})", made)
        out.dir(
            f"{d}/fs",
            "the overlay upperdir" if key == rw_key else "what Docker's initlayer makes",
            made,
        )
        out.layer_files(f"{d}/fs", layer, what, made)
        out.dir(f"{d}/work", "overlayfs's workdir", made)
    if c.running:
        out.dir(
            f"{root}/rootfs/overlayfs/{c.id}",
            f"{c.name}'s mounted root filesystem (only while it runs)",
            "docker start",
        )
    cdir = f"{root}/containers/{c.id}"
    out.dir(
        cdir,
        f"container {c.name}: configuration, log, /etc files (as with the classic store)",
        made,
    )
    for name, what in (
        ("config.v2.json", "its configuration and state"),
        ("hostconfig.json", "how it was started"),
        (f"{c.id}-json.log", "its output (docker logs)"),
        ("hostname", "bind-mounted over /etc/hostname"),
        ("hosts", "bind-mounted over /etc/hosts"),
        ("resolv.conf", "bind-mounted over /etc/resolv.conf"),
        ("resolv.conf.hash", "a hash to tell whether the user edited resolv.conf"),
    ):
        out.file(f"{cdir}/{name}", what, made)
    out.dir(f"{cdir}/mounts", "the container's private mounts", made)
    out.dir(f"{cdir}/checkpoints", "checkpoints (experimental)", made)
