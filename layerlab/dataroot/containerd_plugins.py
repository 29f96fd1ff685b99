"""What containerd makes in its root at its first start, before any image: one directory per
plugin that keeps state. Every engine has a containerd root, also with the classic image
store (dockerd's containerd runs the containers); only the containerd image store fills it
with blobs and snapshots (:mod:`.containerd_root`).

Measured with ``find`` on never-used private daemons (``scripts/private-dockerd``):

- Engine 20.10 (Debian's containerd 1.6): ``io.containerd.content.v1.content/ingest``,
  ``io.containerd.metadata.v1.bolt/meta.db``, ``io.containerd.runtime.v1.linux``,
  ``io.containerd.runtime.v2.task``, the snapshotters ``btrfs``, ``native/snapshots`` and
  ``overlayfs/snapshots``, ``opt/{bin,lib}``, ``tmpmounts``;
  ``io.containerd.runtime.v2.task/moby`` after the first build or container.
- Engine 28.5 (its containerd 2.1): no ``runtime.v1.linux``; also
  ``io.containerd.sandbox.controller.v1.shim`` and the snapshotters ``blockfile`` and
  ``erofs/snapshots``; the content store only once something writes a blob (so never with
  the classic store); ``io.containerd.grpc.v1.introspection/uuid`` with the containerd
  image store (dockerd asks for containerd's server uuid); ``overlayfs/metadata.db`` with
  the first snapshot; ``runtime.v2.task/moby`` with the first container.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layerlab.i18n import N_, Texts, _

from .nodeset import NodeSet

if TYPE_CHECKING:
    from layerlab.engine.profile import EngineProfile

CONTENT = "io.containerd.content.v1.content"
SNAPSHOTTER = "io.containerd.snapshotter.v1.overlayfs"
TASKS = "io.containerd.runtime.v2.task"
STARTED = N_("containerd (at its first start)")
#: The first engine release measured with containerd 2.x's plugin directories (28.5: 2.1).
CONTAINERD_2_SINCE = "28.0"

_TEXT = Texts({
    "root": "containerd's root: its plugins keep their state here",
    "root_images": "containerd's root: with the containerd image store, images live here",
    "bolt": "containerd's metadata plugin (bolt)",
    "meta": "containerd's metadata (bolt db): images by name, namespaces moby and moby_history, leases",
    "content": "the content store: every blob by its digest",
    "ingest": "blobs being written (a pull or load in progress)",
    "blobs": "indexes, manifests, configs, layer blobs, attestations: each named by its sha256",
    "v1": "containerd 1.x's old runtime (v1 shims): empty, Docker uses the v2 task runtime",
    "tasks": "running containers' tasks (the v2 runtime), one folder per namespace",
    "moby": "running containers' tasks (namespace moby)",
    "sandbox": "sandboxes of pods (Kubernetes): empty under Docker",
    "introspection": "containerd's server uuid, made when dockerd first asks for it",
    "snapshotter": "the {} snapshotter: empty unless an image store uses it",
    "overlayfs": "the overlayfs snapshotter: unpacked layers and containers' writable layers",
    "snapshots": "one numbered directory per snapshot; the number counts up, it is no id",
    "snapshot_db": "snapshot keys (chain ids, container ids, BuildKit ids), parents, numbers",
    "opt": "where containerd's opt plugin installs binaries and libraries (empty)",
    "tmpmounts": "where containerd mounts snapshots for a moment (unpacking)",
})


def containerd_plugins(
    out: NodeSet, ctrd: str, profile: EngineProfile, *, images: bool, content: bool, snapshots: bool,
    tasks: bool,
) -> None:
    """The plugin directories of ``profile``'s containerd (module doc). ``images``: the
    containerd image store; ``content``: a blob was ever written; ``snapshots``: a snapshot
    was ever made; ``tasks``: the ``moby`` namespace of tasks exists."""
    v2 = profile.at_least(CONTAINERD_2_SINCE)
    out.dir(ctrd, _TEXT["root_images" if images else "root"], STARTED)
    out.dir(f"{ctrd}/io.containerd.metadata.v1.bolt", _TEXT["bolt"], STARTED)
    out.file(f"{ctrd}/io.containerd.metadata.v1.bolt/meta.db", _TEXT["meta"], STARTED)
    if content or not v2:
        out.dir(f"{ctrd}/{CONTENT}", _TEXT["content"], STARTED if not v2 else _("the first blob"))
        out.dir(f"{ctrd}/{CONTENT}/ingest", _TEXT["ingest"], STARTED if not v2 else _("the first blob"))
    if content:
        out.dir(f"{ctrd}/{CONTENT}/blobs", _TEXT["blobs"], _("the first blob"))
        out.dir(f"{ctrd}/{CONTENT}/blobs/sha256", _TEXT["blobs"], _("the first blob"))
    if not v2:
        out.dir(f"{ctrd}/io.containerd.runtime.v1.linux", _TEXT["v1"], STARTED)
    out.dir(f"{ctrd}/{TASKS}", _TEXT["tasks"], STARTED)
    if tasks:
        out.dir(f"{ctrd}/{TASKS}/moby", _TEXT["moby"], _("the first container"))
    if v2:
        out.dir(f"{ctrd}/io.containerd.sandbox.controller.v1.shim", _TEXT["sandbox"], STARTED)
        if images:
            out.dir(f"{ctrd}/io.containerd.grpc.v1.introspection", _TEXT["introspection"], STARTED)
            out.file(f"{ctrd}/io.containerd.grpc.v1.introspection/uuid", _TEXT["introspection"], STARTED)
    for name in ("blockfile", "btrfs", "erofs", "native") if v2 else ("btrfs", "native"):
        out.dir(f"{ctrd}/io.containerd.snapshotter.v1.{name}", _TEXT["snapshotter"].format(name), STARTED)
        if name in ("erofs", "native"):
            out.dir(f"{ctrd}/io.containerd.snapshotter.v1.{name}/snapshots", _TEXT["snapshots"], STARTED)
    out.dir(f"{ctrd}/{SNAPSHOTTER}", _TEXT["overlayfs"], STARTED)
    out.dir(f"{ctrd}/{SNAPSHOTTER}/snapshots", _TEXT["snapshots"], STARTED)
    if snapshots:
        out.file(f"{ctrd}/{SNAPSHOTTER}/metadata.db", _TEXT["snapshot_db"], _("the first snapshot"))
    for sub in ("opt", "opt/bin", "opt/lib"):
        out.dir(f"{ctrd}/{sub}", _TEXT["opt"], STARTED)
    out.dir(f"{ctrd}/tmpmounts", _TEXT["tmpmounts"], STARTED)
