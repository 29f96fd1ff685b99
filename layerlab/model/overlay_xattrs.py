"""The xattrs overlayfs writes in a container's upper directory, and when they cost a block.

A container's writable snapshot is written through a live overlayfs mount, so the kernel
marks what it copies up (``fs/overlayfs/copy_up.c``, Linux 6.x, Docker's ``index=off``):

- ``trusted.overlay.origin`` on every copied-up directory, and on a copied-up file with one
  link: a file handle of the lower inode (29 bytes on ext4);
- ``trusted.overlay.impure`` (``y``) on the directory a copy-up lands in (also when the
  copied-up child is deleted later), and on the directory a renamed copied-up entry
  moves to;
- ``trusted.overlay.opaque`` (``y``) on a directory made where a lower one was deleted.

ext4 keeps xattrs inside a 256-byte inode while they fit in its 92 free bytes (each
entry 16 bytes plus its name without ``trusted.`` and its value, both rounded up to 4,
and 4 bytes ending the list); more takes an external block of 4 KiB. ``origin`` alone
(68 bytes) fits, ``origin`` and ``impure`` together (104) do not: a copied-up directory
in which something was copied up takes 8 KiB instead of 4 KiB. BuildKit's own snapshot of
a build step is written through such a mount too (Engine 28.5: 20 KiB for ``COPY api.py
/opt/source-code/`` over a layer holding ``/opt/source-code/requirements.txt``, whose image
snapshot, unpacked from the layer's tar, takes 16 KiB). Engine 28.5's containerd
store shows it (``docker ps -s``: ``24.6kB`` after ``echo more >> /d/sub/two``: the snapshot's
root 4 KiB, ``d`` and ``d/sub`` 8 KiB each, ``two`` 4 KiB). Snapshots unpacked from layer
tars carry no ``origin`` or ``impure``: image sizes do not change.

Read from the overlay's end state and its copy-up records (:func:`upper_xattrs`), so two
things are inferred: removing a lower directory that has lower children copies it up first
(``rm -r`` deletes the children one by one), which makes its parent impure; and a renamed
copied-up entry's new parent is not marked (the records do not say where it went). A build
step's layer carries its step's copy-up records (:attr:`~.layer.Layer.copied_up`), so its
snapshot is read by the same rules: a lower file the step moved away (``mv /data/f /app/``)
was copied up into ``/data`` first, which leaves ``/data`` impure though the end state shows
only a whiteout there, as deleting the file would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set

from .disk_blocks import BLOCK
from .fs import Dir, Entry
from .layer import Layer
from .merged import WHITEOUT, MergedView, Whiteout
from .overlay import Overlay

#: the length of ``trusted.overlay.origin``'s value on ext4 (struct ovl_fb: 21 bytes plus the 8-byte ext4 fid)
ORIGIN_SIZE = 29
#: what ext4 keeps inside a 256-byte inode for xattrs: 256 - 128 - 32 (extra isize) - 4 (magic)
INODE_XATTR_ROOM = 92
_ENTRY = 16
_END = 4


def _round4(n: int) -> int:
    return (n + 3) & ~3


def inline_bytes(xattrs: Mapping[str, int]) -> int:
    """Bytes ext4 needs inside the inode for these xattrs (``trusted.`` names -> value lengths)."""
    used = sum(_ENTRY + _round4(len(name.removeprefix("trusted."))) + _round4(size) for name, size in xattrs.items())
    return used + _END if xattrs else 0


def xattr_block(xattrs: Mapping[str, int]) -> int:
    """The bytes of the external block these xattrs need (0 while they fit in the inode)."""
    return BLOCK if inline_bytes(xattrs) > INODE_XATTR_ROOM else 0


def upper_xattrs(upper: Mapping[str, Entry | Whiteout], opaque: Set[str], copied_up: Iterable[str],
                 below: MergedView) -> dict[str, dict[str, int]]:
    """The overlay xattrs of each directory of an upper directory over the layers ``below``:
    layer path -> {name: value length}. ``upper`` is its end state (entries and
    :data:`~.merged.WHITEOUT` marks), ``opaque`` its opaque directories, ``copied_up`` the
    layer paths copied up into it (also those deleted or moved away since)."""
    copied = {path.strip("/") for path in copied_up}
    impure: set[str] = set()
    for path in copied:
        impure.add(path.rpartition("/")[0])
    for path, entry in upper.items():
        if entry is WHITEOUT and isinstance(below.lower_entry(path), Dir) and below.lower_children(path):
            impure.add(path.rpartition("/")[0])  # rm -r copied it up to delete its children
    out: dict[str, dict[str, int]] = {}
    for path in {"", *(p for p, e in upper.items() if isinstance(e, Dir))}:
        xattrs: dict[str, int] = {}
        if path in copied and path not in opaque:
            xattrs["trusted.overlay.origin"] = ORIGIN_SIZE
        if path in impure:
            xattrs["trusted.overlay.impure"] = 1
        if path in opaque:
            xattrs["trusted.overlay.opaque"] = 1
        if xattrs:
            out[path] = xattrs
    return out


def directory_xattrs(view: Overlay) -> dict[str, dict[str, int]]:
    """The overlay xattrs of each upper directory of a live overlay: layer path -> {name: value length}."""
    return upper_xattrs(view.upper, view.opaque_dirs, (record.path for record in view.copy_ups), view)


def xattr_blocks(view: Overlay) -> int:
    """Bytes the upper directory's xattrs take outside the inodes (see the module doc)."""
    return sum(xattr_block(xattrs) for xattrs in directory_xattrs(view).values())


def step_xattr_blocks(upper: Layer, lower: Sequence[Layer]) -> int:
    """The same for a build step's upper directory (BuildKit keeps it as a snapshot of its
    own), known by the step's layer over ``lower``: its end state and the copy-ups it made
    (:attr:`~.layer.Layer.copied_up`)."""
    state: dict[str, Entry | Whiteout] = {**upper.entries, **dict.fromkeys(upper.whiteouts, WHITEOUT)}
    xattrs = upper_xattrs(state, upper.opaque, upper.copied_up, MergedView(lower))
    return sum(xattr_block(found) for found in xattrs.values())
