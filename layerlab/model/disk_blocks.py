"""What a layer takes on an ext4 disk in 4 KiB blocks: the sizes the containerd image store reports.

The classic image store counts the bytes of a layer's regular files (``docker history``
shows ``0B`` for a WORKDIR layer). The containerd image store reports what containerd's
overlayfs snapshotter measures for a snapshot: every inode under its ``fs/`` directory
once, by the blocks it holds. So directories count, small files count a whole block, and
the snapshot's own root directory counts too: Engine 28.5 shows ``8.19kB`` for
``WORKDIR /app`` (the root and ``app``), ``32.8kB`` for a 20-byte and a 20,000-byte file
copied into ``/app/``, ``20.5kB`` for 268 busybox symlinks in ``/bin`` (five directories).

The rules (ext4 with 4 KiB blocks, checked on Engine 28.5's containerd store and with
``stat`` on this machine's ext4):

- a directory: one block while its entries fit (each takes ``8 + len(name)`` bytes rounded
  up to 4; ``.`` and ``..`` 12 each; 12 bytes of checksum tail); bigger ones become an
  htree, a root block plus leaves about two-thirds full: :func:`dir_blocks` is then
  approximate (within two blocks for directories of up to 4,000 entries);
- a regular file: its size rounded up to whole blocks (an empty file takes none);
- a symlink: none while its target is shorter than 60 bytes (kept in the inode), else one;
- a hard link, a whiteout (a 0/0 character device) or an opaque marker (an xattr): none.
"""

from __future__ import annotations

from collections.abc import Iterable

from .fs import Dir, File, Symlink, ancestors
from .layer import Layer

BLOCK = 4096
#: What one directory block holds for entries (4096 minus ext4's 12-byte checksum tail).
_DIR_BLOCK_ROOM = BLOCK - 12
#: ``.`` and ``..``
_DOT_ENTRIES = 24
#: How full an htree leaf is on average after splits (measured: 61-73%).
_LEAF_FILL = 2800
#: A symlink target this long or longer needs a data block.
FAST_SYMLINK_MAX = 59


def blocks(size: int) -> int:
    """Bytes of whole 4 KiB blocks a regular file of ``size`` bytes takes."""
    return -(-size // BLOCK) * BLOCK


def dir_blocks(names: Iterable[str]) -> int:
    """Bytes of the blocks a directory with these entries takes (see the module doc)."""
    used = _DOT_ENTRIES + sum((8 + len(name.encode()) + 3) & ~3 for name in names)
    if used <= _DIR_BLOCK_ROOM:
        return BLOCK
    return BLOCK * (1 + -(-used // _LEAF_FILL))


def snapshot_usage(layer: Layer) -> int:
    """The disk usage containerd reports for a snapshot holding ``layer``'s changes:
    its root directory, every directory (those a path passes through too, as overlayfs
    copies them up), files by whole blocks, long symlinks (see the module doc)."""
    paths = {*layer.entries, *layer.whiteouts}
    dirs: set[str] = {""}
    for path in list(paths):
        dirs.update(ancestors(path))
    paths |= dirs - {""}
    children: dict[str, list[str]] = {}
    for path in paths:
        parent, _, name = path.rpartition("/")
        children.setdefault(parent, []).append(name)
    total = 0
    for path, entry in layer.entries.items():
        if isinstance(entry, Dir):
            dirs.add(path)
        elif isinstance(entry, File):
            total += blocks(entry.size)
        elif isinstance(entry, Symlink) and len(entry.target.encode()) > FAST_SYMLINK_MAX:
            total += BLOCK
    return total + sum(dir_blocks(children.get(d, [])) for d in dirs)
