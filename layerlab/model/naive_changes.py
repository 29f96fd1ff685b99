"""A container's changes as Docker counts them when it cannot read the upper directory itself.

With the kernel's redirect_dir on (or metacopy, which turns it on), the upper directory no
longer says what changed on its own: a renamed directory is an empty directory with a
redirect xattr, a chmod'ed file may hold no data. Docker sees it at start-up (moby
``overlay2/check.go``, ``docker info``: ``Native Overlay Diff: false``) and then computes,
from the naive changes (:func:`~.container_diff.naive_diff`, what ``docker diff`` prints):

- ``docker ps -s`` SIZE: the size of every added or changed non-directory, hard links once
  (moby ``graphdriver/fsdiff.go`` ``DiffSize`` -> ``archive.ChangesSize``);
- ``docker commit``'s layer: those entries whole, a whiteout for each deleted path, no
  opaque directories (``NaiveDiffDriver.Diff`` -> ``archive.ExportChanges``).
"""

from __future__ import annotations

from .container_diff import naive_diff
from .fs import Entry, File, Hardlink, content_bytes
from .layer import Layer
from .overlay import Overlay

__all__ = ["naive_layer", "naive_size"]


def _changed(rw: Overlay) -> tuple[dict[str, Entry], list[str]]:
    """(added or changed path -> its entry now, deleted paths), as layer paths."""
    entries: dict[str, Entry] = {}
    deleted: list[str] = []
    for kind, path in naive_diff(rw):
        real = path.lstrip("/")
        if kind == "D":
            deleted.append(real)
        else:
            entry = rw.entry(real)
            if entry is not None:
                entries[real] = entry
    return entries, deleted


def naive_size(rw: Overlay) -> int:
    """``docker ps -s`` SIZE without the native diff: added and changed files, symlinks by
    their target's length, each inode once."""
    def inode(entry: Entry) -> Entry:  # a second name counts its file's inode
        target = rw.lower_entry(entry.target) if isinstance(entry, Hardlink) else None
        return target if isinstance(target, File) else entry

    return content_bytes(inode(e) for e in _changed(rw)[0].values())


def naive_layer(rw: Overlay) -> Layer:
    """``docker commit``'s new layer without the native diff: every added or changed entry
    whole (a second name of one file as a hard link), a whiteout for each deleted path."""
    entries, deleted = _changed(rw)
    first_name: dict[int, str] = {}
    out: dict[str, Entry] = {}
    for path, entry in entries.items():
        if isinstance(entry, File):
            if id(entry) in first_name:
                out[path] = Hardlink(target=first_name[id(entry)], mode=entry.mode, uid=entry.uid, gid=entry.gid,
                                     mtime=entry.mtime)
                continue
            first_name[id(entry)] = path
        out[path] = entry
    return Layer(out, deleted)
