"""What goes into a step's layer, per image store: the upper directory, or what really changed.

With the classic store (Engine 20.10 and 28, overlay2) a step's layer is its upper directory
as it is: a file copied up without a change (``ln`` to a file below, ``chmod`` to the mode
it had) is in the layer. With the containerd image store BuildKit compares the upper
directory with the layers below (containerd's differ) and leaves out what is the same: an
entry of the same kind, mode, owner, time and bytes (or link target), and a directory
nothing below changed. Measured on Engine 28.5: ``RUN ln /data/keep/k.txt /data/hard``
gives ``data/keep/`` and ``data/keep/k.txt`` in the classic store's layer, only ``data/`` and
``data/hard`` (a plain file) in the containerd store's; a directory removed and made again
is an opaque directory in the first, a whiteout for each name it had below in the second
(``tests/build/test_shell.py`` runs such steps on both).

A file COPY or ADD takes from a build context keeps the context file's mtime, so the same
bytes copied again after a ``touch`` of the context file are a changed file. The model
knows that time for such copies only (:attr:`~layerlab.model.fs.File.real_mtime`) and
compares it where both sides have one.
"""

from __future__ import annotations

from collections.abc import Sequence

from layerlab.model.fs import Dir, Entry, File, Hardlink, Symlink, ancestors
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay
from layerlab.model.pathwalk import FsError


def _same(entry: Entry, lower: Entry | None) -> bool:
    """Whether ``entry`` is what the layers below already hold at its path."""
    if lower is None or type(entry) is not type(lower):
        return False
    if (entry.mode, entry.uid, entry.gid) != (lower.mode, lower.uid, lower.gid):
        return False
    if isinstance(entry, Dir):
        return True
    if isinstance(entry, File) and isinstance(lower, File):
        if None not in (entry.real_mtime, lower.real_mtime) and entry.real_mtime != lower.real_mtime:
            return False  # copies of build context files, which keep their mtimes
        return entry.mtime == lower.mtime and entry.content.same_bytes(lower.content)
    if isinstance(entry, Symlink) and isinstance(lower, Symlink):
        return entry.target == lower.target
    return False


def _below(below: Overlay, path: str) -> Entry | None:
    """What the layers below hold at ``path``; nothing where a file below stands in for one
    of its directories (a directory moved over a deleted file: ``rm f; mv d f``)."""
    try:
        return below.lstat("/" + path)
    except FsError:
        return None


def compared_with_lower(layer: Layer, lower: Sequence[Layer]) -> Layer:
    """``layer`` without what the layers below already hold (the containerd store's differ).
    Directories stay where something below them stays; a hard link whose first name goes
    becomes the file itself; a file the layer's step wrote or touched stays (its real mtime
    is new, though the model keeps none)."""
    below = Overlay(lower)
    resolved = {p: layer.entries[e.target] if isinstance(e, Hardlink) else e for p, e in layer.entries.items()}
    changed = {p for p, e in resolved.items() if p in layer.timed or not _same(e, _below(below, p))}
    # an opaque directory becomes a whiteout for each name below it that is gone
    whiteouts = set(layer.whiteouts)
    for path in layer.opaque:
        if below.is_dir("/" + path):
            whiteouts |= {f"{path}/{n}" for n in below.listdir("/" + path) if f"{path}/{n}" not in layer.entries}
        changed.add(path)
    for path in [*changed, *whiteouts]:
        changed.update(a for a in ancestors(path) if a in layer.entries)
    entries: dict[str, Entry] = {}
    first: dict[int, str] = {}
    for path in layer.entries:  # walk order: a first name comes first
        if path not in changed:
            continue
        inode = resolved[path]
        if isinstance(inode, File) and id(inode) in first:
            entries[path] = Hardlink(target=first[id(inode)], mode=inode.mode, uid=inode.uid, gid=inode.gid,
                                     mtime=inode.mtime)
            continue
        if isinstance(inode, File):
            first[id(inode)] = path
        entries[path] = inode
    return Layer(entries, whiteouts)
