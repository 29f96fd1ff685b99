"""What dockerd creates in its data root at its first start, before any image or container.

Per engine (``find DIR/root`` on Engine 20.10 and 28.5, both stores): Engine 28 adds
``engine-id`` and BuildKit's ``history.db`` and drops ``trust/`` and ``plugins/storage``;
with the containerd image store there is no ``image/`` (nor ``overlay2/``), and BuildKit
keeps ``cache.db``, ``history_c8d.db`` and ``containerd-overlayfs/`` (its metadata; its
snapshots are containerd's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layerlab.i18n import N_, _

from .nodeset import NodeSet

if TYPE_CHECKING:
    from layerlab.engine.profile import EngineProfile

DAEMON = N_("dockerd (at its first start)")
RRO_PROBE = N_("docker run with a read-only volume or bind mount (the first one)")
#: The release that mounts read-only volumes and binds recursively read-only, probing the kernel first.
RRO_PROBE_SINCE = "25.0"


def daemon_skeleton(
    out: NodeSet, root: str, image_dir: str | None, *, had_containers: bool = False,
    profile: EngineProfile | None = None, rro_probe: str | None = None,
) -> None:
    """What dockerd creates at its first start, and ``layerdb/mounts`` once a container existed.

    ``image_dir`` names the classic image store's directory (``image/overlay2``); None with
    the containerd image store, which keeps images outside the data root. ``profile``: the
    engine (None: Engine 20.10). ``rro_probe``: the digits of Engine 25+'s
    ``tmp/moby-detect-rro<digits>``, once a container had a read-only volume or bind mount.
    """
    modern = profile is not None and profile.at_least("23.0")
    out.dir(root, _("Docker's data root (--data-root): everything the daemon keeps"), DAEMON)
    if profile is not None and profile.containerd:
        _buildkit_containerd(out, root)
    else:
        _buildkit(out, root, history=modern)
    out.dir(
        f"{root}/containers", _("one directory per container: its config, logs and /etc files"), DAEMON
    )
    if image_dir:
        _image_store(out, root, image_dir, had_containers)
    if modern:
        out.file(f"{root}/engine-id", _("this daemon's id (docker info ID), made at its first start"), DAEMON)
    _the_rest(out, root, old=not modern)
    if rro_probe and profile is not None and profile.at_least(RRO_PROBE_SINCE):
        out.dir(f"{root}/tmp/moby-detect-rro{rro_probe}",
                _("made when the first read-only mount was asked for: the daemon tried whether the kernel can "
                  "make a mount read-only recursively (the folder stays)"), RRO_PROBE)


def _buildkit(out: NodeSet, root: str, *, history: bool) -> None:
    """BuildKit's state: cache records, content store, scratch space for RUN steps."""
    out.dir(
        f"{root}/buildkit",
        _("BuildKit's state: its cache records and the build contexts it received"),
        DAEMON,
    )
    for name, what in (
        ("cache.db", _("build cache records (bolt db)")),
        ("containerdmeta.db", _("BuildKit's content metadata (bolt db)")),
        ("metadata_v2.db", _("cache record metadata (bolt db)")),
        ("snapshots.db", _("BuildKit's snapshot records (bolt db)")),
        *([("history.db", _("build history: docker buildx history ls (bolt db)"))] if history else []),
    ):
        out.file(f"{root}/buildkit/{name}", what, DAEMON)
    out.dir(
        f"{root}/buildkit/content",
        _("BuildKit's content store (blobs of pulled images, build exports)"),
        DAEMON,
    )
    out.dir(f"{root}/buildkit/executor", _("scratch space for RUN steps"), DAEMON)


def _buildkit_containerd(out: NodeSet, root: str) -> None:
    """BuildKit with the containerd image store: its records here, its snapshots in containerd."""
    b = f"{root}/buildkit"
    out.dir(b, _("BuildKit's state: cache records; its layers are containerd snapshots"), DAEMON)
    out.file(f"{b}/cache.db", _("build cache records (bolt db)"), DAEMON)
    out.file(f"{b}/history_c8d.db", _("build history: docker buildx history ls (bolt db)"), DAEMON)
    out.dir(f"{b}/executor", _("scratch space for RUN steps"), DAEMON)
    w = f"{b}/containerd-overlayfs"
    out.dir(w, _("BuildKit's worker on containerd's overlayfs snapshotter"), DAEMON)
    out.file(f"{w}/metadata_v2.db", _("cache record metadata: which containerd snapshot is which step (bolt db)"),
             DAEMON)
    out.dir(f"{w}/cachemounts", _("RUN --mount=type=cache directories"), DAEMON)
    out.file(f"{w}/workerid", _("the worker's id"), DAEMON)


def _image_store(out: NodeSet, root: str, image_dir: str, had_containers: bool) -> None:
    """The classic image store: image configs, the layer store, distribution metadata."""
    out.dir(f"{root}/image", _("the image store, one directory per storage driver"), DAEMON)
    base = f"{root}/image/{image_dir}"
    out.dir(base, _("the image store for the overlay2 driver"), DAEMON)
    out.dir(
        f"{base}/distribution",
        _("which registry blob digest is which diff-id (filled by pull and push)"),
        DAEMON,
    )
    out.dir(f"{base}/imagedb", _("image configs by image id"), DAEMON)
    out.dir(f"{base}/imagedb/content", _("image configs"), DAEMON)
    out.dir(
        f"{base}/imagedb/content/sha256",
        _("one file per image, named by the sha256 of its bytes (the image id)"),
        DAEMON,
    )
    out.dir(f"{base}/imagedb/metadata", _("per-image facts that are not in the config"), DAEMON)
    out.dir(
        f"{base}/imagedb/metadata/sha256",
        _("per image: lastUpdated (when tagged), parent (docker commit)"),
        DAEMON,
    )
    out.dir(
        f"{base}/layerdb",
        _("the layer store: layers by chain id, containers' layers by container id"),
        DAEMON,
    )
    if had_containers:  # made with the first container, never removed
        out.dir(
            f"{base}/layerdb/mounts",
            _("one directory per container: which driver directories are its layers"),
            DAEMON,
        )
    out.dir(f"{base}/layerdb/sha256", _("one directory per layer, named by its chain id"), DAEMON)
    out.dir(f"{base}/layerdb/tmp", _("scratch space while a layer is being registered"), DAEMON)


def _the_rest(out: NodeSet, root: str, *, old: bool = True) -> None:
    """Networks, plugins, runtimes, swarm, scratch space, volumes (and on old engines trust)."""
    out.dir(f"{root}/network", _("libnetwork's state"), DAEMON)
    out.file(f"{root}/network/files/local-kv.db", _("networks and endpoints (bolt db)"), DAEMON)
    out.dir(f"{root}/plugins", _("managed plugins (docker plugin install)"), DAEMON)
    if old:
        out.dir(f"{root}/plugins/storage/ingest", _("plugin blobs being downloaded"), DAEMON)
    out.dir(f"{root}/plugins/tmp", _("plugin scratch space"), DAEMON)
    out.dir(f"{root}/runtimes", _("OCI runtimes configured in daemon.json"), DAEMON)
    out.dir(f"{root}/swarm", _("swarm mode state (empty unless docker swarm init)"), DAEMON)
    out.dir(f"{root}/tmp", _("the daemon's scratch space (docker load unpacks archives here)"), DAEMON)
    if old:
        out.dir(f"{root}/trust", _("Docker Content Trust data (only engines before 23.0 make it)"), DAEMON)
    out.dir(f"{root}/volumes", _("the local volume driver: one directory per volume"), DAEMON)
    out.file(
        f"{root}/volumes/metadata.db", _("volume names, drivers, labels and options (bolt db)"), DAEMON
    )
    out.add(
        f"{root}/volumes/backingFsBlockDev",
        "device",
        _("a block device node the local driver uses to set volume quotas"),
        DAEMON,
    )
