"""A container in the classic store: its layers in the layer store (``layerdb/mounts``), its two
overlay2 directories (``<mount-id>-init`` and ``<mount-id>``) and ``containers/<id>``."""

from __future__ import annotations

import json

from layerlab.engine.storage_ids import StorageIds, StoredLayer
from layerlab.i18n import _
from layerlab.model.container import Container

from .nodeset import NodeSet
from .volumes import mount_source

HOSTS_FILE = (
    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
    "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
)


def lower_links(
    ids: StorageIds, store: dict[str, StoredLayer], chain: str | None, extra: tuple[str, ...] = ()
) -> str:
    """A ``lower`` file's text: ``extra`` then the short links of ``chain`` and every layer
    below it, uppermost first."""
    parts = list(extra)
    while chain is not None:
        parts.append(f"l/{ids.link(ids.cache_id(chain))}")
        chain = store[chain].parent if chain in store else None
    return ":".join(parts)


def container_layout(
    out: NodeSet,
    ids: StorageIds,
    store: dict[str, StoredLayer],
    c: Container,
    root: str,
    base: str,
    drv: str,
) -> None:
    """Everything one container adds to the data root (all of it goes with ``docker rm``)."""
    made = f"docker run / create ({c.name})"
    _layer_store_entry(out, ids, c, base, made)
    _driver_dirs(out, ids, store, c, drv, made)
    _container_dir(out, c, root, made)


def _layer_store_entry(out: NodeSet, ids: StorageIds, c: Container, base: str, made: str) -> None:
    """``layerdb/mounts/<container id>``: which driver directories are the container's layers."""
    mount = ids.mount_id(c.id)
    top = c.image.chain_ids[-1] if c.image.chain_ids else None
    m = f"{base}/layerdb/mounts/{c.id}"
    out.dir(m, _("container {name}'s layers in the layer store (named by the container id)", name=c.name), made)
    out.file(
        f"{m}/mount-id",
        _("the driver directory of the container's writable layer (random, not the container id)"),
        made,
        mount,
    )
    out.file(f"{m}/init-id", _("the driver directory of the container's -init layer"), made, mount + "-init")
    if top:
        out.file(f"{m}/parent", _("the chain id of the image's top layer"), made, top)


def _driver_dirs(
    out: NodeSet, ids: StorageIds, store: dict[str, StoredLayer], c: Container, drv: str, made: str
) -> None:
    """``overlay2/<mount-id>-init`` and ``overlay2/<mount-id>``, each with its short link."""
    mount = ids.mount_id(c.id)
    init = mount + "-init"
    top = c.image.chain_ids[-1] if c.image.chain_ids else None
    for name, layer, what in (
        (init, c.init_layer, _("the -init layer (/etc/hosts, /etc/resolv.conf, /.dockerenv...)")),
        (mount, c.rw.diff(), _("{name}'s writable layer", name=c.name)),
    ):
        d = f"{drv}/{name}"
        link = ids.link(name)
        out.dir(d, _("{what}; removed by docker rm", what=what), made)
        out.dir(
            f"{d}/diff",
            _("the overlay upperdir: files the container created, changed or copied up")
            if name == mount
            else _("what Docker's initlayer makes so every container has these paths"),
            made,
        )
        out.layer_files(f"{d}/diff", layer, what, made)
        out.file(f"{d}/link", _("this directory's short name in overlay2/l"), made, link)
        lower = lower_links(ids, store, top, (f"l/{ids.link(init)}",) if name == mount else ())
        if lower:
            out.file(f"{d}/lower", _("the lowerdir list, uppermost first"), made, lower)
        out.dir(f"{d}/work", _("overlayfs's workdir"), made)
        out.dir(f"{d}/work/work", _("made by the kernel at mount time"), made)
        if name in ids.committed:
            out.file(
                f"{d}/committed",
                _("empty marker: the container's writable layer was created on top of this one"),
                made,
                "",
            )
        if name == mount and c.running:
            out.dir(
                f"{d}/merged",
                _("the mounted union (the container's /); only while it runs"),
                "docker start",
            )
            out.merged_view(f"{d}/merged", c.rw, _("{name}'s mounted root filesystem", name=c.name), "docker start")
        out.symlink(
            f"{drv}/l/{link}",
            f"../{name}/diff",
            _("a short name for a container layer's diff directory"),
            made,
        )


def _container_dir(out: NodeSet, c: Container, root: str, made: str) -> None:
    """``containers/<id>``: configuration, log, and the files bind-mounted into /etc."""
    cdir = f"{root}/containers/{c.id}"
    out.dir(
        cdir,
        _("container {name}: its configuration, log and the files bind-mounted into /etc", name=c.name),
        made,
    )
    out.file(
        f"{cdir}/config.v2.json",
        _("the container's configuration and state (excerpt: the fields that teach)"),
        made,
        json.dumps(_config(c, root), indent=1),
    )
    out.file(
        f"{cdir}/hostconfig.json",
        _("how it was started: mounts, network mode, restart policy..."),
        made,
    )
    # its log files (<id>-json.log, rotations, local-logs/): container_logs.log_nodes, from classic.py
    out.file(f"{cdir}/hostname", _("bind-mounted over /etc/hostname"), made, c.id[:12] + "\n")
    out.file(f"{cdir}/hosts", _("bind-mounted over /etc/hosts"), made, HOSTS_FILE)
    out.file(f"{cdir}/resolv.conf", _("bind-mounted over /etc/resolv.conf"), made)
    out.file(f"{cdir}/resolv.conf.hash", _("a hash to tell whether the user edited resolv.conf"), made)
    out.dir(
        f"{cdir}/mounts",
        _("the container's private mounts (a /dev/shm here with --ipc=shareable)"),
        made,
    )
    out.dir(f"{cdir}/checkpoints", _("checkpoints (docker checkpoint, experimental)"), made)


def _config(c: Container, root: str) -> dict[str, object]:
    return config_v2(c, root)


def config_v2(c: Container, root: str, *, driver: str = "overlay2", image_id: str | None = None) -> dict[str, object]:
    """The fields of ``config.v2.json`` that teach: image, command, state, mount points
    (the same file in both image stores: the containerd store's driver is its snapshotter,
    its image id the digest the image's name points to)."""
    return {
        "ID": c.id,
        "Name": "/" + c.name,
        "Image": image_id or c.image.image_id,
        "Driver": driver,
        "Path": c.command[0] if c.command else "",
        "Args": c.command[1:],
        "State": {"Running": c.running, "ExitCode": c.exit_code or 0},
        "MountPoints": {
            m.destination: {
                "Type": m.type,
                "Name": m.source if m.type == "volume" else "",
                "Source": mount_source(root, m),
                "RW": not m.read_only,
            }
            for m in c.mounts
        },
    }
