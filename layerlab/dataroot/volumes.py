"""Volumes in the data root: ``volumes/<name>/_data``, apart from every layer, so they outlive
containers (the same in the classic and the containerd image store)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from layerlab.i18n import _
from layerlab.model.container import Mount

from .nodeset import NodeSet

if TYPE_CHECKING:
    from layerlab.engine.host import Host


def volumes_layout(out: NodeSet, host: Host, root: str) -> None:
    """Every volume's directory and files; anonymous ones say that ``docker rm -v`` removes them."""
    for name, volume in sorted(host.volumes.items()):
        made = (
            _("docker run -v / --mount (an anonymous volume)")
            if volume.anonymous
            else "docker volume create / run -v NAME:..."
        )
        d = f"{root}/volumes/{name}"
        kind = (
            _("an anonymous volume (random name): docker rm -v removes it")
            if volume.anonymous
            else _("a named volume: it outlives every container; only docker volume rm / prune remove it")
        )
        out.dir(d, kind, made)
        out.dir(
            f"{d}/_data",
            _("the volume's files: mounted into containers as they are (no layers, no copy-up)"),
            made,
        )
        out.layer_files(
            f"{d}/_data",
            volume.data.diff(),
            _("volume {name}", name=name),
            _("processes in containers that mount it"),
            whiteouts_as_devices=False,
        )


def mount_source(root: str, mount: Mount) -> str:
    """Where a mount's files are on the host: a volume's ``_data``, or the bind source."""
    return f"{root}/volumes/{mount.source}/_data" if mount.type == "volume" else mount.source
