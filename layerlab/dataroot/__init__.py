"""The data root (``/var/lib/docker``) generated from a simulated host's state.

API::

    from layerlab.dataroot import DataRoot
    root = DataRoot.from_host(host)                      # the host's engine: Host(engine="28-containerd")...
    root = DataRoot.from_host(host, store="containerd")  # containerd image store (Engine 29+ default)
    root = DataRoot.from_host(host, containerd_root="managed")  # dockerd's own containerd

    root.tree(max_depth=None, path=None) -> str   # like `tree -L N /var/lib/docker`
    root.node(path) -> Node      # path absolute or relative to the data root
    root.children(path) -> list[Node]   # sorted by name
    root.paths() -> list[str]; path in root; root.nodes: dict[str, Node]
    root.diff_since(older) -> RootDiff  # .added .removed .changed (path tuples), .status(path)
    root.docker_info() -> list[str]     # Containers/Images counts, Storage Driver lines, Root Dir
    root.identities -> list[ImageIdentity]; root.identity(ref) -> ImageIdentity
    root.store ("overlay2" | "containerd"); root.roots (data root, and containerd's root)

``Node``: ``path``, ``name``, ``parent``, ``kind`` ("dir", "file", "symlink", "whiteout"),
``explanation`` (one line: what it holds), ``made_by`` (which command made it) and
``content`` (the text of files that teach: link, lower, cache-id, diff, parent, size,
repositories.json, the config JSON, mount-id, init-id...; a symlink's target; else None).

``ImageIdentity``: ``image_id``, ``tags``, ``config_path``, ``layers`` (``LayerIdentity``:
``index``, ``diff_id``, ``chain_id``, ``cache_id``, ``directory``, ``link``, ``lower``,
``size``): config -> diff_ids -> chain ids -> cache-ids -> directories and short links.

What differs per engine profile: the skeleton (:mod:`.skeleton`: 28 adds ``engine-id``, drops
``trust/``), and with the containerd store everything about images (:mod:`.containerd`,
:mod:`.containerd_root`: content blobs, BuildKit's and the images' numbered snapshots).

The random ids (cache-ids, mount-ids, short links) come from ``host.storage_ids``
(:class:`StorageIds`), seeded with the host's ``seed`` and stable from command to command.
Every snapshot is a plain value: the host is never changed by reading it.
"""

from layerlab.engine.storage_ids import StorageIds

from .changes import RootDiff
from .identity import ImageIdentity, LayerIdentity
from .node import Node
from .root import STORES, DataRoot, DataRootError

__all__ = [
    "STORES",
    "DataRoot",
    "DataRootError",
    "ImageIdentity",
    "LayerIdentity",
    "Node",
    "RootDiff",
    "StorageIds",
]
