"""What a lookup in an overlay mount finds: read-only layers under one upper layer.

Lookup is top-down: an upper entry hides the lower one, and so does a whiteout; an opaque
directory in the upper layer hides the lower directory's children; a directory present
in both merges their children. :class:`MergedView` holds the state and answers lookups;
:class:`~layerlab.model.overlay.Overlay` adds the changes (copy-up, whiteouts, opaque
directories). Its public reads (``entry``, ``children``, ``lower_entry``, ``upper``...)
take *layer paths*: no leading ``/``, symlinks already resolved (:meth:`MergedView.resolve`).

With the kernel's ``redirect_dir`` (:mod:`.kernel_options`) an upper directory may carry a
redirect: the lower directory its children are looked up in is the one it was renamed from
(a name in the same parent, or a ``/``-rooted path), not the one at its own name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from layerlab.i18n import _

from .content import Content
from .fs import Dir, Entry, File, Hardlink, ancestors, content_bytes, walk_key
from .kernel_options import COMMON_KERNEL, KernelOverlay
from .layer import Layer
from .pathwalk import FsError, PathQueries, resolve_path
from .tree import Tree


class Whiteout:
    """The upper layer's mark for a deleted lower entry (a 0/0 character device on disk)."""

    def __repr__(self) -> str:
        return "WHITEOUT"


WHITEOUT = Whiteout()


def join(parent: str, name: str) -> str:
    """A child's layer path (the root is ``""``)."""
    return f"{parent}/{name}" if parent else name


class MergedView(PathQueries):
    """Read-only layers (bottom first) plus one upper layer, as lookups see them."""

    def __init__(self, layers: Sequence[Layer] = (), *, kernel: KernelOverlay = COMMON_KERNEL) -> None:
        self.layers = tuple(layers)
        #: the kernel's overlay features this mount has (redirect_dir, metacopy)
        self.kernel = kernel
        tree = Tree()
        self._origin: dict[str, int] = {}  # lower path -> index of the layer that last set it
        for index, layer in enumerate(self.layers):
            tree.apply(layer)
            for path in layer.entries:
                self._origin[path] = index
        self._lower: dict[str, Entry] = dict(tree.items())
        self._lower_children: dict[str, set[str]] = defaultdict(set)
        for path in self._lower:
            parent, _unused, name = path.rpartition("/")
            self._lower_children[parent].add(name)
        self._upper: dict[str, Entry | Whiteout] = {}
        #: the root directory itself (``""``): never in the upper dict, but chmod and chown change it
        self._root: Dir = Dir()
        self._opaque: set[str] = set()
        #: upper directory -> its ``trusted.overlay.redirect``, as the kernel writes it
        self._redirect: dict[str, str] = {}
        #: upper files that hold metadata only (metacopy): their data is still the lower file's
        self._metacopy: set[str] = set()
        #: lower files a write or a touch changed: a kernel sets their mtime to now, which the
        #: model, keeping no clock, does not (a differ that compares mtimes needs to know)
        self.timed: set[str] = set()
        #: what the changes so far copied up, oldest first (:class:`~.overlay.CopyUp` records,
        #: also of entries deleted or moved away since): the upper directory's xattrs follow them
        self.copy_ups: list[Any] = []

    # -- lookup by layer path -------------------------------------------------------------
    def entry(self, path: str) -> Entry | None:
        """The entry visible at a layer path, or None (a missing or whited-out name)."""
        if path == "":
            return self._root
        upper = self._upper.get(path)
        if upper is WHITEOUT:
            return None
        if upper is not None:
            return upper  # type: ignore[return-value]
        below = self._lower_name(path)
        return None if below is None else self._lower.get(below)

    def _change_root(self, **changes: int) -> None:
        """chmod or chown of the root itself (a volume's, where it is mounted): the directory
        is the mount's, never copied up."""
        self._root = replace(self._root, **changes)  # type: ignore[arg-type]

    def children(self, path: str) -> list[str]:
        """The names visible in the directory at a layer path, sorted."""
        names: set[str] = set()
        below = self._lower_dir(path)
        if below is not None:
            names |= {n for n in self._lower_children.get(below, ()) if self.entry(join(path, n)) is not None}
        prefix = path + "/" if path else ""
        for upper_path, upper in self._upper.items():
            if upper_path.startswith(prefix) and "/" not in upper_path[len(prefix) :] and upper is not WHITEOUT:
                names.add(upper_path[len(prefix) :])
        return sorted(names)

    def lower_entry(self, path: str) -> Entry | None:
        """The entry the read-only layers alone hold at a layer path (what a container started with)."""
        return self._lower.get(path)

    def lower_children(self, path: str) -> set[str]:
        """The names the read-only layers alone hold in a directory."""
        return set(self._lower_children.get(path, ()))

    @property
    def upper(self) -> Mapping[str, Entry | Whiteout]:
        """The upper directory, read-only: layer path -> entry or :data:`WHITEOUT`."""
        return MappingProxyType(self._upper)

    @property
    def opaque_dirs(self) -> frozenset[str]:
        return frozenset(self._opaque)

    @property
    def redirects(self) -> Mapping[str, str]:
        """Upper directories renamed from a lower one (redirect_dir): path -> redirect xattr."""
        return MappingProxyType(self._redirect)

    @property
    def metacopy_files(self) -> frozenset[str]:
        """Upper files copied up without their data (metacopy): the data is still below."""
        return frozenset(self._metacopy)

    def upper_paths(self) -> list[str]:
        return sorted(self._upper, key=walk_key)

    def upper_size(self) -> int:
        """Bytes of the upper directory as ``du`` counts content: regular files (a hard-linked
        inode once) and symlinks (their target's length). ``docker ps -s`` and
        ``docker system df`` count a container's RW layer and a volume this way."""
        return content_bytes(self._upper.values())

    def _lower_dir(self, path: str) -> str | None:
        """Where the kernel looks up the children of the directory at ``path`` in the lower
        layers (following redirects), or None: an opaque, whited-out or non-directory entry."""
        if path == "":
            return ""
        upper = self._upper.get(path)
        if upper is WHITEOUT or (upper is not None and not isinstance(upper, Dir)) or path in self._opaque:
            return None
        return self._lower_name(path)

    def _lower_name(self, path: str) -> str | None:
        """The lower path a lookup of ``path`` lands on: its parent's lower directory and its
        name, or its own redirect (a ``/``-rooted one from the root, whatever its parent)."""
        if not self._redirect:  # the common case: the same path, unless something above hides it
            for parent in ancestors(path):
                upper = self._upper.get(parent)
                if upper is WHITEOUT or (upper is not None and not isinstance(upper, Dir)) or parent in self._opaque:
                    return None
            return path
        redirect = self._redirect.get(path)
        if redirect is not None and redirect.startswith("/"):
            return redirect[1:]
        parent, _unused, name = path.rpartition("/")
        below = self._lower_dir(parent)
        return None if below is None else join(below, redirect or name)

    def _check_parent(self, real: str) -> str:
        """The parent directory of ``real``, as path lookup finds it (no copy-up)."""
        parent = real.rpartition("/")[0]
        entry = self.entry(parent)
        if entry is None:
            raise FsError("ENOENT", parent or "/")
        if not isinstance(entry, Dir):
            raise FsError("ENOTDIR", parent)
        return parent

    def _has_lower(self, path: str) -> bool:
        """Whether the entry visible at ``path`` has a lower one under it (merged or lower)."""
        below = None if path in self._opaque else self._lower_name(path)
        return below is not None and below in self._lower

    def _is_merged(self, real: str) -> bool:
        """Whether the directory at ``real`` merges an upper and a lower directory."""
        return real == "" or (self._has_lower(real) and isinstance(self._lower[self._lower_name(real) or ""], Dir))

    def _subtree(self, real: str) -> Iterator[str]:
        for name in self.children(real):
            child = join(real, name)
            yield child
            if isinstance(self.entry(child), Dir):
                yield from self._subtree(child)

    def _redirect_for_move(self, old: str, new: str) -> str:
        """The redirect the kernel writes on a merged or lower directory moved from ``old`` to
        ``new`` (fs/overlayfs/dir.c ovl_set_redirect): the old name within one directory, a
        ``/``-rooted path into another; a redirect it has already is kept unless relative
        and moving to another directory."""
        samedir = old.rpartition("/")[0] == new.rpartition("/")[0]
        current = self._redirect.get(old)
        if current is not None and (samedir or current.startswith("/")):
            return current
        return old.rpartition("/")[2] if samedir else "/" + self._redirect_path(old)

    def _redirect_path(self, path: str) -> str:
        """The path the kernel writes as an absolute redirect: each name, or its redirect."""
        redirect = self._redirect.get(path)
        if redirect is not None and redirect.startswith("/"):
            return redirect[1:]
        parent, _unused, name = path.rpartition("/")
        return join(self._redirect_path(parent) if parent else "", redirect or name)

    def _lower_positive(self, path: str) -> bool:
        """Whether the lower layers hold this name in its parent (a delete must leave a whiteout)."""
        parent, _unused, name = path.rpartition("/")
        below = self._lower_dir(parent)
        return below is not None and join(below, name) in self._lower

    # -- lookup by container path -----------------------------------------------------------
    def resolve(self, path: str, *, cwd: str = "/", follow: bool = True) -> str:
        """Resolve symlinks in the merged view, inside the container root (as the kernel would)."""
        return resolve_path(path, self.entry, cwd=cwd, follow=follow)

    def lstat(self, path: str, *, cwd: str = "/") -> Entry | None:
        """The entry at ``path`` without following a final symlink; None if missing."""
        return self.entry(self.resolve(path, cwd=cwd, follow=False))

    def stat(self, path: str, *, cwd: str = "/") -> Entry | None:
        return self.entry(self.resolve(path, cwd=cwd))

    def listdir(self, path: str = "/", *, cwd: str = "/") -> list[str]:
        real = self.resolve(path, cwd=cwd)
        entry = self.entry(real)
        if entry is None:
            raise FsError("ENOENT", real)
        if not isinstance(entry, Dir):
            raise FsError("ENOTDIR", real)
        return self.children(real)

    def read(self, path: str, *, cwd: str = "/") -> Content:
        real = self.resolve(path, cwd=cwd)
        entry = self.entry(real)
        if entry is None:
            raise FsError("ENOENT", real)
        if isinstance(entry, Dir):
            raise FsError("EISDIR", real)
        if not isinstance(entry, File):
            raise FsError("EINVAL", real, _("not a regular file"))
        return entry.content

    def source_of(self, path: str, *, cwd: str = "/") -> str | int | None:
        """Which layer serves ``path``: ``"upper"``, a lower layer index, or None if absent."""
        real = self.resolve(path, cwd=cwd, follow=False)
        if self.entry(real) is None:
            return None
        if real in self._upper:
            return "upper"
        return self._origin.get(self._lower_name(real) or real, 0)

    # -- the upper layer as a changeset ------------------------------------------------------
    def diff(self) -> Layer:
        """The upper layer as a changeset; a second name of one inode becomes a hard link.

        What ``docker commit`` and a build step's layer are made of."""
        entries: dict[str, Entry] = {}
        first_name: dict[int, str] = {}
        for path in sorted(self._upper, key=walk_key):
            entry = self._upper[path]
            if isinstance(entry, Whiteout):
                continue
            if isinstance(entry, File):
                if id(entry) in first_name:
                    entries[path] = Hardlink(target=first_name[id(entry)], mode=entry.mode, uid=entry.uid,
                                             gid=entry.gid, mtime=entry.mtime)
                    continue
                first_name[id(entry)] = path
            entries[path] = entry
        whiteouts = [p for p, e in self._upper.items() if e is WHITEOUT]
        return Layer(entries, whiteouts, self._opaque, timed=self.timed & set(entries),
                     copied_up=(record.path for record in self.copy_ups))

    def __repr__(self) -> str:
        changed = sum(1 for e in self._upper.values() if e is not WHITEOUT)
        deleted = sum(1 for e in self._upper.values() if e is WHITEOUT)
        return (f"<{type(self).__name__} over {len(self.layers)} layers: {changed} upper entries, "
                f"{deleted} whiteouts, {len(self._opaque)} opaque>")
