"""``docker diff``: the engine's naive diff of a container's RW layer, on overlay2.

The engine compares the merged view of the RW layer with the merged view of its parent
(the -init layer), entry by entry, by stat: type, mode, owner; for non-directories also
size and mtime. So a copy-up that changes nothing visible (``chmod 644`` of a 0644 file)
shows nothing; a directory shows ``C`` when its mode or owner changed or anything inside
it changed; a deleted directory is one ``D`` (its children are not listed); a directory
deleted and re-created is ``C`` plus ``D`` for each old child that is gone.

The engine prints the lines in Go map order (it changes from call to call);
:func:`naive_diff` gives the same tree walk with names sorted, changed and added entries
of a directory before its deleted ones.
"""

from __future__ import annotations

from collections.abc import Callable

from .fs import Dir, Entry, File, Hardlink
from .merged import join
from .overlay import Overlay

#: One line of ``docker diff``: ``A``, ``C`` or ``D``, and the container path.
Change = tuple[str, str]


def naive_diff(rw: Overlay) -> list[Change]:
    """The changes of ``rw`` (a container's RW overlay) against its read-only layers."""
    changes: list[Change] = []
    upper = rw.upper

    def add_all(path: str) -> None:
        for name in rw.children(path):
            child = join(path, name)
            changes.append(("A", child))
            if isinstance(rw.entry(child), Dir):
                add_all(child)

    def walk(path: str, reported: bool) -> None:
        start = len(changes)
        new_names = rw.children(path)
        old_names = rw.lower_children(path)
        for name in new_names:
            child = join(path, name)
            new = rw.entry(child)
            if name not in old_names:
                changes.append(("A", child))
                if isinstance(new, Dir):
                    add_all(child)
                continue
            if child not in upper:
                continue
            old = rw.lower_entry(child)
            changed = _stat_different(old, new, rw.lower_entry)  # type: ignore[arg-type]
            if changed:
                changes.append(("C", child))
            if isinstance(new, Dir):
                if isinstance(old, Dir):
                    walk(child, changed)
                else:
                    add_all(child)
        for name in sorted(old_names - set(new_names)):
            changes.append(("D", join(path, name)))
        if len(changes) > start and not reported and path != "":
            changes.insert(start, ("C", path))

    walk("", True)
    return [(kind, "/" + path) for kind, path in changes]


def _kind(entry: Entry) -> str:
    return "file" if isinstance(entry, (File, Hardlink)) else entry.kind


def _size(entry: Entry, lower_entry: Callable[[str], Entry | None]) -> int:
    if isinstance(entry, Hardlink):
        target = lower_entry(entry.target)
        return target.size if isinstance(target, File) else 0
    return entry.size


def _stat_different(old: Entry, new: Entry, lower_entry: Callable[[str], Entry | None]) -> bool:
    """The engine's statDifferent: type, mode, owner; for non-directories size and mtime
    (a rewritten file in the model also differs by its content object)."""
    if _kind(old) != _kind(new) or old.mode != new.mode or old.uid != new.uid or old.gid != new.gid:
        return True
    if isinstance(new, Dir):
        return False
    if old.mtime != new.mtime or _size(old, lower_entry) != _size(new, lower_entry):
        return True
    return isinstance(old, File) and isinstance(new, File) and old.content is not new.content
