"""One pass up an image's layers: what each layer did to the paths below it, and the fate
of every stored copy of a file (kept by the final filesystem, or lost to a later layer).

The layers are applied with :class:`layerlab.model.tree.Tree` itself, so the merge rules
(whiteouts, opaque directories, a directory replaced by a file) are exactly the ones the
rest of layerlab uses; a recording dict underneath notes every entry that is replaced or
removed, and by which layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from layerlab.model.fs import Device, Entry, File, Hardlink, Symlink, ancestors
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.tree import Tree

Mark = Literal["A", "M", "D", ""]
#: What happened to a stored copy that the final filesystem does not use.
Fate = Literal["deleted", "rewritten", "metadata"]

#: A stored copy of a file: (layer index, path inside that layer).
CopyKey = tuple[int, str]


class Change(NamedTuple):
    """One path a layer touches. ``mark``: A added, M modified (type, content, mode, uid or
    gid differ from what the layers below gave), D removed, "" listed but identical
    (a parent directory a real layer tar lists because something inside it changed)."""

    path: str
    mark: Mark
    kind: str
    size: int  #: bytes this layer stores for it (0 for a removal)
    removed_bytes: int = 0  #: for D: file bytes of lower layers that disappear with it


@dataclass(frozen=True)
class LostCopy:
    """A file copy some layer stores but the final filesystem does not use."""

    layer: int
    path: str
    size: int
    removed_by: int | None  #: the layer that replaced or removed its last name
    fate: Fate


@dataclass
class StackWalk:
    changes: list[list[Change]] = field(default_factory=list)  #: per layer, walk order
    lost: list[LostCopy] = field(default_factory=list)
    final: Tree = field(default_factory=Tree)
    final_origin: dict[str, CopyKey] = field(default_factory=dict)  #: final file path -> its copy


def same_entry(old: Entry, new: Entry) -> bool:
    """Equal as far as the image is concerned: type, content, mode, uid and gid (not mtime)."""
    if type(old) is not type(new) or (old.mode, old.uid, old.gid) != (new.mode, new.uid, new.gid):
        return False
    if isinstance(old, File):
        assert isinstance(new, File)
        a, b = old.content, new.content
        if a is b:
            return True
        if a.size != b.size:
            return False
        if type(a) is type(b) and type(a).__eq__ is not object.__eq__:
            return bool(a == b)  # in-memory and synthetic contents compare without hashing
        return a.sha256 == b.sha256
    if isinstance(old, (Symlink, Hardlink)):
        return old.target == new.target  # type: ignore[attr-defined]
    if isinstance(old, Device):
        return (old.device, old.major, old.minor) == (new.device, new.major, new.minor)  # type: ignore[attr-defined]
    return True


def entry_kind(entry: Entry) -> str:
    return entry.device if isinstance(entry, Device) else entry.kind


class _Recorder(dict):  # type: ignore[type-arg]
    """The Tree's path -> entry dict, noting which stored copy each path holds and what is lost."""

    def __init__(self) -> None:
        super().__init__()
        self.origin: dict[str, CopyKey] = {}
        self.refs: dict[CopyKey, int] = {}
        self.removed_by: dict[CopyKey, int] = {}
        self.layer: Layer | None = None
        self.index = -1
        self.dropped: list[tuple[str, Entry]] = []  #: removed (not replaced) while applying a layer

    def _release(self, path: str) -> None:
        key = self.origin.pop(path, None)
        if key is not None:
            self.refs[key] -= 1
            if self.refs[key] == 0:
                self.removed_by[key] = self.index

    def __setitem__(self, path: str, entry: Entry) -> None:
        if path in self:
            self._release(path)
        super().__setitem__(path, entry)
        if not isinstance(entry, File):
            return
        assert self.layer is not None
        stored = self.layer.entries.get(path)
        if stored is entry:
            key: CopyKey | None = (self.index, path)
        elif isinstance(stored, Hardlink):  # the tree shares the File its target names
            key = self.origin.get(stored.target)
        else:
            key = None
        if key is not None:
            self.origin[path] = key
            self.refs[key] = self.refs.get(key, 0) + 1

    def pop(self, path: str, default: Entry | None = None) -> Entry | None:  # type: ignore[override]
        if path not in self:
            return default
        entry = super().pop(path)
        self._release(path)
        self.dropped.append((path, entry))
        return entry

    def __delitem__(self, path: str) -> None:
        entry = self[path]
        super().__delitem__(path)
        self._release(path)
        self.dropped.append((path, entry))


def walk(
    image: Image | list[Layer] | tuple[Layer, ...], tick: Callable[[int], None] = lambda n: None
) -> StackWalk:
    """Apply the layers bottom up, recording each layer's changes and every copy's fate
    (``tick`` is told each layer's size when it is done: a progress bar)."""
    layers = image.layers if isinstance(image, Image) else tuple(image)
    tree = Tree()
    rec = _Recorder()
    tree._entries = rec  # noqa: SLF001 - same package: record what Tree.apply does
    out = StackWalk(final=tree)
    replaced_same: set[CopyKey] = set()  # copies replaced by an identical-content copy
    for index, layer in enumerate(layers):
        rec.layer, rec.index, rec.dropped = layer, index, []
        marks: dict[str, Change] = {}
        for path, entry in layer.entries.items():
            new = _resolved(layer, entry)
            old = dict.get(rec, path)
            if old is None:
                mark: Mark = "A"
            elif same_entry(old, new):
                mark = ""
            else:
                mark = "M"
                key = rec.origin.get(path)
                if key is not None and isinstance(new, File) and _same_bytes(old, new):
                    replaced_same.add(key)
            marks[path] = Change(
                path, mark, entry_kind(entry), entry.size if isinstance(entry, File) else 0
            )
        tree.apply(layer)
        tick(layer.size)
        removed = _removals(rec.dropped, marks) if rec.dropped else []
        listed = list(marks.values())  # a layer's entries are already in walk order
        out.changes.append(
            sorted(listed + removed, key=lambda c: c.path.split("/")) if removed else listed
        )
    rec.layer = None
    for index, layer in enumerate(layers):
        for path, entry in layer.entries.items():
            if isinstance(entry, File) and rec.refs.get((index, path), 0) == 0:
                key = (index, path)
                by = rec.removed_by.get(key)
                fate: Fate = "deleted"
                if by is not None and path in layers[by].entries:
                    fate = "metadata" if key in replaced_same else "rewritten"
                out.lost.append(LostCopy(index, path, entry.size, by, fate))
    out.final_origin = dict(rec.origin)
    plain: dict[str, Entry] = dict(rec)
    tree._entries = plain  # noqa: SLF001 - hand back an ordinary tree
    return out


def _resolved(layer: Layer, entry: Entry) -> Entry:
    """A hard link compares as the regular file it names (same inode, same bytes)."""
    if isinstance(entry, Hardlink):
        target = layer.entries.get(entry.target)
        if isinstance(target, File):
            return File(content=target.content, mode=entry.mode, uid=entry.uid, gid=entry.gid)
    return entry


def _same_bytes(old: Entry, new: File) -> bool:
    return isinstance(old, File) and same_entry(
        File(content=old.content, mode=new.mode, uid=new.uid, gid=new.gid), new
    )


def _removals(dropped: list[tuple[str, Entry]], marks: dict[str, Change]) -> list[Change]:
    """D marks: removed paths this layer does not re-add, each with the file bytes that go
    with it (a directory: every file below it)."""
    gone = {path: entry for path, entry in dropped if path not in marks}
    bytes_under = {path: 0 for path in gone}
    for path, entry in gone.items():
        if isinstance(entry, File):
            bytes_under[path] += entry.size
            for parent in ancestors(path):
                if parent in bytes_under:
                    bytes_under[parent] += entry.size
    return [
        Change(path, "D", entry_kind(entry), 0, bytes_under[path]) for path, entry in gone.items()
    ]
