"""DataRoot: a snapshot of what the daemon keeps on disk, generated from a Host."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from layerlab.i18n import _
from layerlab.model.errors import LayerlabError
from layerlab.model.reference import full_ref, is_id_of

from .changes import RootDiff
from .identity import ImageIdentity
from .node import Node
from .text import tree_text

if TYPE_CHECKING:
    from layerlab.engine.host import Host

Store = Literal["overlay2", "containerd"]
STORES: tuple[str, ...] = ("overlay2", "containerd")
DEFAULT_ROOT = "/var/lib/docker"
CONTAINERD_ROOT = "/var/lib/containerd"


class DataRootError(LayerlabError):
    """A path that is not in the data root, or a store the model does not know."""


class DataRoot:
    """The data root after the host's commands so far. Immutable: take a new one after the
    next command and ``diff_since`` the old one."""

    def __init__(
        self,
        nodes: dict[str, Node],
        store: Store,
        identities: list[ImageIdentity],
        info: list[str],
        roots: tuple[str, ...],
    ) -> None:
        self.nodes = nodes
        self.store = store
        self.identities = identities
        self.roots = roots
        self._info = info
        self._children: dict[str, list[Node]] = {}
        for node in nodes.values():
            self._children.setdefault(node.parent, []).append(node)
        for kids in self._children.values():
            kids.sort(key=lambda n: n.name)

    @classmethod
    def from_host(
        cls, host: Host, store: str | None = None, *, root: str = DEFAULT_ROOT,
        containerd_root: str | None = None,
    ) -> DataRoot:
        """The data root a real engine would have after the same commands: the host's own
        image store (its profile), or ``store``: ``"overlay2"`` (the classic store) or
        ``"containerd"`` (the containerd image store, the default of fresh Engine 29+
        installs). ``containerd_root``: where containerd keeps its root (images, with that store):
        ``/var/lib/containerd`` (None; dockerd using the system's containerd), ``"managed"``
        (``<root>/containerd/daemon``: dockerd running its own containerd) or a path."""
        store = store or ("containerd" if host.profile.containerd else "overlay2")
        if store not in STORES:
            raise DataRootError(_("unknown image store {store!r} (supported: {supported})", store=store, supported=", ".join(STORES)))
        root = "/" + root.strip("/")
        ctrd = _containerd_root(root, containerd_root)
        if store == "overlay2":
            from .classic import classic_layout

            if host.storage_driver != "overlay2":
                raise DataRootError(_(
                    "the classic data-root layout is modelled for the overlay2 driver; this host "
                    "runs {driver} (use Host(storage_driver='overlay2') or store='containerd')",
                    driver=host.storage_driver,
                ))

            nodes, identities = classic_layout(host, host.storage_ids, root, ctrd)
            return cls(nodes.nodes, "overlay2", identities, _info(host, store, root), (root,))
        from .containerd import containerd_layout

        nodes, identities = containerd_layout(host, host.storage_ids, root, ctrd)
        roots = (root,) if ctrd.startswith(root + "/") else (root, ctrd)
        return cls(nodes.nodes, "containerd", identities, _info(host, store, root), roots)

    # -- reading ----------------------------------------------------------------------------
    def _path(self, path: str) -> str:
        path = path.rstrip("/") or "/"
        if not path.startswith("/"):
            path = f"{self.roots[0]}/{path}"
        return path

    def node(self, path: str) -> Node:
        """A node by absolute path or by path relative to the data root."""
        full = self._path(path)
        if full not in self.nodes:
            raise DataRootError(_(
                "no such path in the data root: {path} (top: {top})", path=full, top=", ".join(self.roots)
            ))
        return self.nodes[full]

    def __contains__(self, path: str) -> bool:
        return self._path(path) in self.nodes

    def children(self, path: str) -> list[Node]:
        """The entries of a directory, sorted by name (empty for a file)."""
        return list(self._children.get(self.node(path).path, []))

    def paths(self) -> list[str]:
        return sorted(self.nodes)

    def tree(self, max_depth: int | None = None, path: str | None = None) -> str:
        """What ``tree [-L max_depth] PATH`` prints (PATH: the data root by default)."""
        if max_depth is not None and max_depth < 1:
            raise DataRootError(_("tree -L needs a depth of at least 1, got {depth}", depth=max_depth))
        return tree_text(self.node(path or self.roots[0]), self.children, max_depth)

    def diff_since(self, other: DataRoot) -> RootDiff:
        """Paths added, removed and changed (kind or content) since ``other``."""
        mine, theirs = set(self.nodes), set(other.nodes)
        changed = sorted(
            p
            for p in mine & theirs
            if (self.nodes[p].kind, self.nodes[p].content)
            != (other.nodes[p].kind, other.nodes[p].content)
        )
        return RootDiff(tuple(sorted(mine - theirs)), tuple(sorted(theirs - mine)), tuple(changed))

    def docker_info(self) -> list[str]:
        """The storage lines of ``docker info``."""
        return list(self._info)

    def identity(self, ref: str) -> ImageIdentity:
        """One image's identity chain, by image id, id prefix or tag."""
        for ident in self.identities:
            if full_ref(ref) in ident.tags or is_id_of(ref, ident.image_id):
                return ident
        raise DataRootError(_(
            "no image {ref!r} in the data root (images: {images})",
            ref=ref, images=", ".join(t for i in self.identities for t in i.tags) or _("none"),
        ))

    def __repr__(self) -> str:
        return f"<DataRoot {self.store} {len(self.nodes)} nodes>"


def _containerd_root(root: str, wanted: str | None) -> str:
    """Where containerd keeps its root: the system's, dockerd's own, or a path given."""
    if wanted is None:
        return CONTAINERD_ROOT
    if wanted == "managed":
        return f"{root}/containerd/daemon"
    if not wanted.startswith("/"):
        raise DataRootError(_("containerd_root: an absolute path or 'managed', not {wanted!r}", wanted=wanted))
    return "/" + wanted.strip("/")


def _info(host: Host, store: str, root: str) -> list[str]:
    lines = host.docker_info_lines(root)
    if store == "overlay2" or host.profile.containerd:
        return lines
    # the containerd image store: the snapshotter replaces the graph driver
    start = lines.index(f"Storage Driver: {host.storage_driver}")
    end = lines.index(f"Docker Root Dir: {root}")
    return (
        lines[:start]
        + ["Storage Driver: overlayfs", " driver-type: io.containerd.snapshotter.v1"]
        + lines[end:]
    )
