"""``/var/lib/docker`` with the overlay2 graph driver and the classic image store, as
Docker Engine 20.10 and 28 lay it out (checked by tests/engine/test_dataroot_engine.py;
what differs between the two: :mod:`.skeleton`).

Three stores that only meet through ids: the image store (``image/overlay2``: configs by
image id, layers by chain id, tags), the driver's directories (``overlay2/``: one random
cache-id per layer, one random mount-id per container) and the container store
(``containers/``). Volumes live apart in ``volumes/`` so they outlive containers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from layerlab.engine.storage_ids import StorageIds, StoredLayer
from layerlab.i18n import N_, _

from .classic_containers import container_layout, lower_links
from .container_logs import log_nodes
from .containerd_plugins import CONTAINERD_2_SINCE, containerd_plugins
from .containerd_root import running_tasks
from .identity import ImageIdentity, LayerIdentity
from .nodeset import NodeSet
from .skeleton import DAEMON, daemon_skeleton
from .volumes import volumes_layout

if TYPE_CHECKING:
    from layerlab.engine.host import Host

BUILD_OR_LOAD = N_("docker build / pull / load / commit (the first image with this layer)")


def repositories_json(host: Host) -> str:
    """``{"Repositories":{"repo":{"repo:tag":"sha256:<id>"}}}`` with Go's sorted keys."""
    repos: dict[str, dict[str, str]] = {}
    for tag, image_id in host.tags.items():
        repos.setdefault(tag.rpartition(":")[0], {})[tag] = image_id
    return json.dumps({"Repositories": repos}, separators=(",", ":"), sort_keys=True)


def classic_layout(host: Host, ids: StorageIds, root: str, ctrd: str) -> tuple[NodeSet, list[ImageIdentity]]:
    """Every node of the classic data root, and each image's identity chain; containerd's
    root (``ctrd``) as dockerd's containerd keeps it (it runs the containers: plugin folders
    and running tasks, no images)."""
    out = NodeSet()
    daemon_skeleton(out, root, "overlay2", had_containers=ids.had_containers, profile=host.profile,
                    rro_probe=ids.rro_probe)
    store = ids.layer_store(host)
    image_base = f"{root}/image/overlay2"
    out.file(
        f"{image_base}/repositories.json",
        _("every tag and the image id it points to; docker tag/rmi edit it"),
        "docker build -t / tag / load / rmi",
        repositories_json(host),
    )
    drv = f"{root}/overlay2"
    out.dir(
        drv,
        _("the overlay2 driver: one directory per layer (random cache-id), two per container"),
        DAEMON,
    )
    out.dir(
        f"{drv}/l",
        _("short names (26 chars) for layer diff dirs: they keep the mount options within one page"),
        DAEMON,
    )
    _images(out, host, ids, image_base)
    _layers(out, ids, store, image_base, drv)
    for container in sorted(host.containers.values(), key=lambda c: c.created):
        container_layout(out, ids, store, container, root, image_base, drv)
        log_nodes(out, host, container, root, f"docker run / create ({container.name})")
    volumes_layout(out, host, root)
    containerd_plugins(out, ctrd, host.profile, images=False, content=False, snapshots=False,
                       tasks=ids.had_containers or (not host.profile.at_least(CONTAINERD_2_SINCE) and ids.made_snapshots))
    running_tasks(out, host, ctrd)
    identities = [_identity(host, ids, image_id, image_base, drv) for image_id in host.images]
    return out, identities


def _images(out: NodeSet, host: Host, ids: StorageIds, base: str) -> None:
    for image_id, record in host.images.items():
        hexid = image_id.removeprefix("sha256:")
        tags = ", ".join(host.tags_of(image_id)) or _("no tag")
        out.file(
            f"{base}/imagedb/content/sha256/{hexid}",
            _("the image config ({tags}): rootfs.diff_ids, history, Env, Cmd...; its name is its sha256", tags=tags),
            "docker build / pull / load / commit",
            record.image.config_bytes.decode("utf-8", "replace"),
        )
        parent = record.image.config.get("container") and _commit_parent(host, record.image)
        if image_id in ids.tagged or parent:
            out.dir(
                f"{base}/imagedb/metadata/sha256/{hexid}",
                _("what the daemon knows about this image besides its config"),
                _("docker tag (any command that tags)"),
            )
        if image_id in ids.tagged:
            out.file(
                f"{base}/imagedb/metadata/sha256/{hexid}/lastUpdated",
                _("when the image was last tagged (RFC 3339)"),
                "docker build -t / tag / load",
            )
        if parent:
            out.file(
                f"{base}/imagedb/metadata/sha256/{hexid}/parent",
                _("the image this one was committed from"),
                "docker commit",
                parent,
            )
        if parent and host.profile.at_least("26.0"):  # moby image/store.go SetBuiltLocally (26.0+)
            out.file(
                f"{base}/imagedb/metadata/sha256/{hexid}/builtLocally",
                _("one byte (0x01): made on this host, so the classic builder may use it as its cache"),
                "docker commit",
                "\x01",
            )


def _commit_parent(host: Host, image: object) -> str | None:
    """A committed image's parent: the image whose layers are all but its last."""
    chains = image.chain_ids[:-1]  # type: ignore[attr-defined]
    for image_id, record in host.images.items():
        if record.image.chain_ids == chains:
            return image_id
    return None


def _layers(
    out: NodeSet, ids: StorageIds, store: dict[str, StoredLayer], base: str, drv: str
) -> None:
    """Each layer twice: in the layer store by chain id, and as a driver directory by cache-id."""
    for chain, stored in store.items():
        cache = ids.cache_id(chain)
        made = _("docker build (BuildKit)") if stored.built else BUILD_OR_LOAD
        _layerdb_entry(out, chain, stored, cache, base, made)
        _layer_dir(out, ids, store, stored, cache, drv, made)


def _layerdb_entry(out: NodeSet, chain: str, stored: StoredLayer, cache: str, base: str, made: str) -> None:
    """``layerdb/sha256/<chain id>``: the layer's diff-id, size, parent and cache-id."""
    d = f"{base}/layerdb/sha256/{chain.removeprefix('sha256:')}"
    out.dir(
        d,
        _("one layer in the layer store, named by its chain id (this layer and all below it)"),
        made,
    )
    out.file(
        f"{d}/diff",
        _("the layer's diff-id: sha256 of its uncompressed tar"),
        made,
        stored.layer.diff_id,
    )
    out.file(
        f"{d}/size",
        _("bytes of the files this layer adds or changes"),
        made,
        str(stored.layer.size),
    )
    out.file(
        f"{d}/cache-id",
        _("the driver directory that holds the files: overlay2/<cache-id> (random, not a digest)"),
        made,
        cache,
    )
    if stored.parent:
        out.file(f"{d}/parent", _("the chain id of the layer below"), made, stored.parent)
    out.file(
        f"{d}/tar-split.json.gz",
        _("the tar headers and padding, so docker save rebuilds the exact tar (same diff-id)"),
        made,
    )


def _layer_dir(
    out: NodeSet, ids: StorageIds, store: dict[str, StoredLayer], stored: StoredLayer, cache: str, drv: str, made: str
) -> None:
    """``overlay2/<cache-id>``: the layer's files, its short link and its lower list."""
    link = ids.link(cache)
    layer_dir = f"{drv}/{cache}"
    keeper = (
        _(" BuildKit's cache keeps it after docker rmi, until docker builder prune.")
        if stored.built
        else ""
    )
    out.dir(layer_dir, _("the layer's directory; its name is the random cache-id.{keeper}", keeper=keeper), made)
    out.dir(
        f"{layer_dir}/diff", _("the layer's own files (deleted paths as whiteout devices)"), made
    )
    out.layer_files(f"{layer_dir}/diff", stored.layer, _("this layer"), made)
    out.file(f"{layer_dir}/link", _("this directory's short name in overlay2/l"), made, link)
    if stored.parent:
        out.file(
            f"{layer_dir}/lower",
            _("the short names of every layer below, uppermost first (the lowerdir list)"),
            made,
            lower_links(ids, store, stored.parent),
        )
        out.dir(
            f"{layer_dir}/work",
            _("overlayfs's workdir, needed to mount this layer over its parents"),
            made,
        )
        if stored.built:
            out.dir(
                f"{layer_dir}/work/work",
                _("made by the kernel when BuildKit mounted the layer to run a step"),
                made,
            )
    if cache in ids.committed:
        out.file(
            f"{layer_dir}/committed",
            _("empty marker: a layer was created on top of this one (it is never removed)"),
            _("the first layer or container created on top of it"),
            "",
        )
    out.symlink(
        f"{drv}/l/{link}", f"../{cache}/diff", _("a short name for a layer's diff directory"), made
    )


def _identity(host: Host, ids: StorageIds, image_id: str, base: str, drv: str) -> ImageIdentity:
    image = host.images[image_id].image
    layers = []
    for i, (diff, chain, layer) in enumerate(zip(image.diff_ids, image.chain_ids, image.layers)):
        cache = ids.cache_id(chain)
        lower = (
            ":".join(f"l/{ids.link(ids.cache_id(c))}" for c in reversed(image.chain_ids[:i]))
            or None
        )
        layers.append(
            LayerIdentity(
                i, diff, chain, cache, f"{drv}/{cache}", ids.link(cache), lower, layer.size
            )
        )
    return ImageIdentity(
        image_id,
        tuple(host.tags_of(image_id)),
        f"{base}/imagedb/content/sha256/{image_id.removeprefix('sha256:')}",
        tuple(layers),
    )
