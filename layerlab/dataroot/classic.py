"""``/var/lib/docker`` with the overlay2 graph driver and the classic image store, as
Docker Engine 20.10 lays it out (checked by tests/engine/test_dataroot_engine.py).

Three stores that only meet through ids: the image store (``image/overlay2``: configs by
image id, layers by chain id, tags), the driver's directories (``overlay2/``: one random
cache-id per layer, one random mount-id per container) and the container store
(``containers/``). Volumes live apart in ``volumes/`` so they outlive containers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from layerlab.engine.storage_ids import StorageIds, StoredLayer
from layerlab.model.container import Container, Mount

from .identity import ImageIdentity, LayerIdentity
from .nodeset import NodeSet

if TYPE_CHECKING:
    from layerlab.engine.host import Host

DAEMON = "dockerd (at its first start)"
BUILD_OR_LOAD = "docker build / pull / load / commit (the first image with this layer)"

HOSTS_FILE = (
    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
    "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
)


def repositories_json(host: Host) -> str:
    """``{"Repositories":{"repo":{"repo:tag":"sha256:<id>"}}}`` with Go's sorted keys."""
    repos: dict[str, dict[str, str]] = {}
    for tag, image_id in host.tags.items():
        repos.setdefault(tag.rpartition(":")[0], {})[tag] = image_id
    return json.dumps({"Repositories": repos}, separators=(",", ":"), sort_keys=True)


def daemon_skeleton(
    out: NodeSet, root: str, image_dir: str | None, *, had_containers: bool = False
) -> None:
    """What dockerd creates at its first start, and ``layerdb/mounts`` once a container existed."""
    out.dir(root, "Docker's data root (--data-root): everything the daemon keeps", DAEMON)
    out.dir(
        f"{root}/buildkit",
        "BuildKit's state: its cache records and the build contexts it received",
        DAEMON,
    )
    for name, what in (
        ("cache.db", "build cache records (bolt db)"),
        ("containerdmeta.db", "BuildKit's content metadata (bolt db)"),
        ("metadata_v2.db", "cache record metadata (bolt db)"),
        ("snapshots.db", "BuildKit's snapshot records (bolt db)"),
    ):
        out.file(f"{root}/buildkit/{name}", what, DAEMON)
    out.dir(
        f"{root}/buildkit/content",
        "BuildKit's content store (blobs of pulled images, build exports)",
        DAEMON,
    )
    out.dir(f"{root}/buildkit/executor", "scratch space for RUN steps", DAEMON)
    out.dir(
        f"{root}/containers", "one directory per container: its config, logs and /etc files", DAEMON
    )
    if image_dir:
        out.dir(f"{root}/image", "the image store, one directory per storage driver", DAEMON)
        base = f"{root}/image/{image_dir}"
        out.dir(base, "the image store for the overlay2 driver", DAEMON)
        out.dir(
            f"{base}/distribution",
            "which registry blob digest is which diff-id (filled by pull and push)",
            DAEMON,
        )
        out.dir(f"{base}/imagedb", "image configs by image id", DAEMON)
        out.dir(f"{base}/imagedb/content", "image configs", DAEMON)
        out.dir(
            f"{base}/imagedb/content/sha256",
            "one file per image, named by the sha256 of its bytes (the image id)",
            DAEMON,
        )
        out.dir(f"{base}/imagedb/metadata", "per-image facts that are not in the config", DAEMON)
        out.dir(
            f"{base}/imagedb/metadata/sha256",
            "per image: lastUpdated (when tagged), parent (docker commit)",
            DAEMON,
        )
        out.dir(
            f"{base}/layerdb",
            "the layer store: layers by chain id, containers' layers by container id",
            DAEMON,
        )
        if had_containers:  # made with the first container, never removed
            out.dir(
                f"{base}/layerdb/mounts",
                "one directory per container: which driver directories are its layers",
                DAEMON,
            )
        out.dir(f"{base}/layerdb/sha256", "one directory per layer, named by its chain id", DAEMON)
        out.dir(f"{base}/layerdb/tmp", "scratch space while a layer is being registered", DAEMON)
    out.dir(f"{root}/network", "libnetwork's state", DAEMON)
    out.file(f"{root}/network/files/local-kv.db", "networks and endpoints (bolt db)", DAEMON)
    out.dir(f"{root}/plugins", "managed plugins (docker plugin install)", DAEMON)
    out.dir(f"{root}/plugins/storage/ingest", "plugin blobs being downloaded", DAEMON)
    out.dir(f"{root}/plugins/tmp", "plugin scratch space", DAEMON)
    out.dir(f"{root}/runtimes", "OCI runtimes configured in daemon.json", DAEMON)
    out.dir(f"{root}/swarm", "swarm mode state (empty unless docker swarm init)", DAEMON)
    out.dir(f"{root}/tmp", "the daemon's scratch space (docker load unpacks archives here)", DAEMON)
    out.dir(f"{root}/trust", "Docker Content Trust data (only engines before 23.0 make it)", DAEMON)
    out.dir(f"{root}/volumes", "the local volume driver: one directory per volume", DAEMON)
    out.file(
        f"{root}/volumes/metadata.db", "volume names, drivers, labels and options (bolt db)", DAEMON
    )
    out.add(
        f"{root}/volumes/backingFsBlockDev",
        "device",
        "a block device node the local driver uses to set volume quotas",
        DAEMON,
    )


def classic_layout(host: Host, ids: StorageIds, root: str) -> tuple[NodeSet, list[ImageIdentity]]:
    out = NodeSet()
    daemon_skeleton(out, root, "overlay2", had_containers=ids.had_containers)
    store = ids.layer_store(host)
    image_base = f"{root}/image/overlay2"
    out.file(
        f"{image_base}/repositories.json",
        "every tag and the image id it points to; docker tag/rmi edit it",
        "docker build -t / tag / load / rmi",
        repositories_json(host),
    )
    drv = f"{root}/overlay2"
    out.dir(
        drv,
        "the overlay2 driver: one directory per layer (random cache-id), two per container",
        DAEMON,
    )
    out.dir(
        f"{drv}/l",
        "short names (26 chars) for layer diff dirs: they keep the mount options within one page",
        DAEMON,
    )
    _images(out, host, ids, image_base)
    _layers(out, ids, store, image_base, drv)
    for container in sorted(host.containers.values(), key=lambda c: c.created):
        _container(out, ids, store, container, root, image_base, drv)
    _volumes(out, host, root)
    identities = [_identity(host, ids, image_id, image_base, drv) for image_id in host.images]
    return out, identities


def _images(out: NodeSet, host: Host, ids: StorageIds, base: str) -> None:
    for image_id, record in host.images.items():
        hexid = image_id.removeprefix("sha256:")
        tags = ", ".join(host.tags_of(image_id)) or "no tag"
        out.file(
            f"{base}/imagedb/content/sha256/{hexid}",
            f"the image config ({tags}): rootfs.diff_ids, history, Env, Cmd...; its name is its sha256",
            "docker build / pull / load / commit",
            record.image.config_bytes.decode("utf-8", "replace"),
        )
        parent = record.image.config.get("container") and _commit_parent(host, record.image)
        if image_id in ids.tagged or parent:
            out.dir(
                f"{base}/imagedb/metadata/sha256/{hexid}",
                "what the daemon knows about this image besides its config",
                "docker tag (any command that tags)",
            )
        if image_id in ids.tagged:
            out.file(
                f"{base}/imagedb/metadata/sha256/{hexid}/lastUpdated",
                "when the image was last tagged (RFC 3339)",
                "docker build -t / tag / load",
            )
        if parent:
            out.file(
                f"{base}/imagedb/metadata/sha256/{hexid}/parent",
                "the image this one was committed from",
                "docker commit",
                parent,
            )


def _commit_parent(host: Host, image: object) -> str | None:
    """A committed image's parent: the image whose layers are all but its last."""
    chains = image.chain_ids[:-1]  # type: ignore[attr-defined]
    for image_id, record in host.images.items():
        if record.image.chain_ids == chains:
            return image_id
    return None


def _lower(
    ids: StorageIds, store: dict[str, StoredLayer], chain: str | None, extra: tuple[str, ...] = ()
) -> str:
    parts = list(extra)
    while chain is not None:
        parts.append(f"l/{ids.link(ids.cache_id(chain))}")
        chain = store[chain].parent if chain in store else None
    return ":".join(parts)


def _layers(
    out: NodeSet, ids: StorageIds, store: dict[str, StoredLayer], base: str, drv: str
) -> None:
    for chain, stored in store.items():
        hexc = chain.removeprefix("sha256:")
        cache = ids.cache_id(chain)
        link = ids.link(cache)
        made = "docker build (BuildKit)" if stored.built else BUILD_OR_LOAD
        d = f"{base}/layerdb/sha256/{hexc}"
        out.dir(
            d,
            "one layer in the layer store, named by its chain id (this layer and all below it)",
            made,
        )
        out.file(
            f"{d}/diff",
            "the layer's diff-id: sha256 of its uncompressed tar",
            made,
            stored.layer.diff_id,
        )
        out.file(
            f"{d}/size",
            "bytes of the files this layer adds or changes",
            made,
            str(stored.layer.size),
        )
        out.file(
            f"{d}/cache-id",
            "the driver directory that holds the files: overlay2/<cache-id> (random, not a digest)",
            made,
            cache,
        )
        if stored.parent:
            out.file(f"{d}/parent", "the chain id of the layer below", made, stored.parent)
        out.file(
            f"{d}/tar-split.json.gz",
            "the tar headers and padding, so docker save rebuilds the exact tar (same diff-id)",
            made,
        )
        layer_dir = f"{drv}/{cache}"
        keeper = (
            " BuildKit's cache keeps it after docker rmi, until docker builder prune."
            if stored.built
            else ""
        )
        out.dir(layer_dir, f"the layer's directory; its name is the random cache-id.{keeper}", made)
        out.dir(
            f"{layer_dir}/diff", "the layer's own files (deleted paths as whiteout devices)", made
        )
        out.layer_files(f"{layer_dir}/diff", stored.layer, "this layer", made)
        out.file(f"{layer_dir}/link", "this directory's short name in overlay2/l", made, link)
        if stored.parent:
            out.file(
                f"{layer_dir}/lower",
                "the short names of every layer below, uppermost first (the lowerdir list)",
                made,
                _lower(ids, store, stored.parent),
            )
            out.dir(
                f"{layer_dir}/work",
                "overlayfs's workdir, needed to mount this layer over its parents",
                made,
            )
            if stored.built:
                out.dir(
                    f"{layer_dir}/work/work",
                    "made by the kernel when BuildKit mounted the layer to run a step",
                    made,
                )
        if cache in ids.committed:
            out.file(
                f"{layer_dir}/committed",
                "empty marker: a layer was created on top of this one (it is never removed)",
                "the first layer or container created on top of it",
                "",
            )
        out.symlink(
            f"{drv}/l/{link}", f"../{cache}/diff", "a short name for a layer's diff directory", made
        )


def _container(
    out: NodeSet,
    ids: StorageIds,
    store: dict[str, StoredLayer],
    c: Container,
    root: str,
    base: str,
    drv: str,
) -> None:
    made = f"docker run / create ({c.name})"
    mount = ids.mount_id(c.id)
    init = mount + "-init"
    top = c.image.chain_ids[-1] if c.image.chain_ids else None
    m = f"{base}/layerdb/mounts/{c.id}"
    out.dir(m, f"container {c.name}'s layers in the layer store (named by the container id)", made)
    out.file(
        f"{m}/mount-id",
        "the driver directory of the container's writable layer (random, not the container id)",
        made,
        mount,
    )
    out.file(f"{m}/init-id", "the driver directory of the container's -init layer", made, init)
    if top:
        out.file(f"{m}/parent", "the chain id of the image's top layer", made, top)
    for name, layer, what in (
        (init, c.init_layer, "the -init layer (/etc/hosts, /etc/resolv.conf, /.dockerenv...)"),
        (mount, c.rw.diff(), f"{c.name}'s writable layer"),
    ):
        d = f"{drv}/{name}"
        link = ids.link(name)
        out.dir(d, f"{what}; removed by docker rm", made)
        out.dir(
            f"{d}/diff",
            "the overlay upperdir: files the container created, changed or copied up"
            if name == mount
            else "what Docker's initlayer makes so every container has these paths",
            made,
        )
        out.layer_files(f"{d}/diff", layer, what, made)
        out.file(f"{d}/link", "this directory's short name in overlay2/l", made, link)
        lower = _lower(ids, store, top, (f"l/{ids.link(init)}",) if name == mount else ())
        if lower:
            out.file(f"{d}/lower", "the lowerdir list, uppermost first", made, lower)
        out.dir(f"{d}/work", "overlayfs's workdir", made)
        out.dir(f"{d}/work/work", "made by the kernel at mount time", made)
        if name in ids.committed:
            out.file(
                f"{d}/committed",
                "empty marker: the container's writable layer was created on top of this one",
                made,
                "",
            )
        if name == mount and c.running:
            out.dir(
                f"{d}/merged",
                "the mounted union (the container's /); only while it runs",
                "docker start",
            )
        out.symlink(
            f"{drv}/l/{link}",
            f"../{name}/diff",
            "a short name for a container layer's diff directory",
            made,
        )
    cdir = f"{root}/containers/{c.id}"
    out.dir(
        cdir,
        f"container {c.name}: its configuration, log and the files bind-mounted into /etc",
        made,
    )
    config = {
        "ID": c.id,
        "Name": "/" + c.name,
        "Image": c.image.image_id,
        "Driver": "overlay2",
        "Path": c.command[0] if c.command else "",
        "Args": c.command[1:],
        "State": {"Running": c.running, "ExitCode": c.exit_code or 0},
        "MountPoints": {
            m.destination: {
                "Type": m.type,
                "Name": m.source if m.type == "volume" else "",
                "Source": _mount_source(root, m),
                "RW": not m.read_only,
            }
            for m in c.mounts
        },
    }
    out.file(
        f"{cdir}/config.v2.json",
        "the container's configuration and state (excerpt: the fields that teach)",
        made,
        json.dumps(config, indent=1),
    )
    out.file(
        f"{cdir}/hostconfig.json",
        "how it was started: mounts, network mode, restart policy...",
        made,
    )
    log = "".join(
        json.dumps({"log": line + "\n", "stream": "stdout", "time": "<when>"}) + "\n"
        for r in c.output
        for line in r.stdout.splitlines()
    )
    out.file(
        f"{cdir}/{c.id}-json.log",
        "its output, one JSON object per line (what docker logs reads)",
        made,
        log,
    )
    out.file(f"{cdir}/hostname", "bind-mounted over /etc/hostname", made, c.id[:12] + "\n")
    out.file(f"{cdir}/hosts", "bind-mounted over /etc/hosts", made, HOSTS_FILE)
    out.file(f"{cdir}/resolv.conf", "bind-mounted over /etc/resolv.conf", made)
    out.file(f"{cdir}/resolv.conf.hash", "a hash to tell whether the user edited resolv.conf", made)
    out.dir(
        f"{cdir}/mounts",
        "the container's private mounts (a /dev/shm here with --ipc=shareable)",
        made,
    )
    out.dir(f"{cdir}/checkpoints", "checkpoints (docker checkpoint, experimental)", made)


def _mount_source(root: str, mount: Mount) -> str:
    return f"{root}/volumes/{mount.source}/_data" if mount.type == "volume" else mount.source


def _volumes(out: NodeSet, host: Host, root: str) -> None:
    for name, volume in sorted(host.volumes.items()):
        made = (
            "docker run -v / --mount (an anonymous volume)"
            if volume.anonymous
            else "docker volume create / run -v NAME:..."
        )
        d = f"{root}/volumes/{name}"
        kind = (
            "an anonymous volume (random name): docker rm -v removes it"
            if volume.anonymous
            else "a named volume: it outlives every container; only docker volume rm / prune remove it"
        )
        out.dir(d, kind, made)
        out.dir(
            f"{d}/_data",
            "the volume's files: mounted into containers as they are (no layers, no copy-up)",
            made,
        )
        out.layer_files(
            f"{d}/_data",
            volume.data.diff(),
            f"volume {name}",
            "processes in containers that mount it",
            whiteouts_as_devices=False,
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
