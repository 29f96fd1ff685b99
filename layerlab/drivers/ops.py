"""What a container does to its files, as the cost model reads it: append, write, create,
delete, chmod. An :class:`~layerlab.model.overlay.Overlay`'s copy-ups translate into them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from layerlab.i18n import _
from layerlab.model.fs import File
from layerlab.model.overlay import Overlay
from layerlab.model.tree import Tree

from .errors import DriverError

#: How the overlay names a metadata-only copy-up, and the data copy-up that may follow it.
METACOPY = "(metacopy: metadata only)"
DATA_AFTER_METACOPY = "the data of a metadata-only copy"

OpKind = Literal["append", "write_at", "create", "delete", "chmod", "metacopy"]


@dataclass(frozen=True)
class Op:
    """One thing a container does to its filesystem.

    ``append``: add ``nbytes`` at the end of a file; ``write_at``: overwrite ``nbytes`` at
    ``offset`` in place (no truncation); ``create``: a new file of ``nbytes`` (or replace a
    file, ``>``: O_TRUNC copies no data); ``delete``: remove a file; ``chmod``: change
    metadata only; ``metacopy``: change metadata on a kernel with metacopy on (no data is
    copied up: the file's data stays the image's until a write).
    """

    kind: OpKind
    path: str
    nbytes: int = 0
    offset: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("append", "write_at", "create", "delete", "chmod", "metacopy"):
            raise DriverError(_("unknown operation {kind!r}", kind=self.kind))
        if self.nbytes < 0 or self.offset < 0:
            raise DriverError(_("byte counts and offsets must be >= 0"))
        object.__setattr__(self, "path", self.path.strip("/"))


def append(path: str, nbytes: int) -> Op:
    return Op("append", path, nbytes)


def write_at(path: str, offset: int, nbytes: int) -> Op:
    return Op("write_at", path, nbytes, offset)


def create(path: str, nbytes: int) -> Op:
    return Op("create", path, nbytes)


def delete(path: str) -> Op:
    return Op("delete", path)


def chmod(path: str) -> Op:
    return Op("chmod", path)


def ops_from_overlay(overlay: Overlay) -> list[Op]:
    """Turn a :class:`layerlab.model.overlay.Overlay`'s history into operations.

    Its ``copy_ups`` say which lower files were opened for append or write (O_TRUNC) and
    which only had metadata changed; its upper layer says what each file ends as.
    """
    if not isinstance(overlay, Overlay):
        raise DriverError(_("expected an Overlay, got {type}", type=type(overlay).__name__))
    diff = overlay.diff()
    lower = Tree.from_layers(overlay.layers)
    ops: list[Op] = []
    done: set[str] = set()
    for cu in overlay.copy_ups:
        path = cu.path.strip("/")
        old, new = lower.get(path), diff.entries.get(path)
        data_later = cu.reason.endswith(DATA_AFTER_METACOPY)
        if not isinstance(old, File) or (path in done and not data_later):
            continue
        done.add(path)
        reason = cu.reason.removesuffix(DATA_AFTER_METACOPY).removesuffix(": ")
        if METACOPY in cu.reason:
            ops.append(Op("metacopy", path))  # metadata only; a data record may follow
        elif not isinstance(new, File):
            ops.append(chmod(path))  # renamed/linked away: metadata only here
        elif reason == "open for append":
            ops.append(append(path, max(0, new.size - old.size)))
        elif reason in ("open for write (O_TRUNC)",):
            ops.append(create(path, new.size))
        elif reason == "truncate":
            ops.append(create(path, new.size) if new.size <= old.size else append(path, new.size - old.size))
        else:
            ops.append(chmod(path))
    grown = {op.path for op in ops if op.kind in ("append", "create")}
    for path in sorted(done - grown):  # copied up for its metadata, then appended to
        old, new = lower.get(path), diff.entries.get(path)
        if isinstance(old, File) and isinstance(new, File) and new.size > old.size:
            ops.append(append(path, new.size - old.size))
    for path, entry in diff.entries.items():
        if isinstance(entry, File) and path not in done and not isinstance(lower.get(path), File):
            ops.append(create(path, entry.size))
    for path in sorted(diff.whiteouts):  # a deleted directory: every image file below it
        ops += [delete(p) for p, e in lower.items() if isinstance(e, File) and (p == path or p.startswith(path + "/"))]
    return ops


def as_ops(writes: Iterable[Op] | Overlay) -> list[Op]:
    """A list of :class:`Op` as given, or an Overlay's history turned into one."""
    if isinstance(writes, Overlay):
        return ops_from_overlay(writes)
    ops = list(writes)  # type: ignore[call-overload]
    for op in ops:
        if not isinstance(op, Op):
            raise DriverError(_("writes must be Op values or an Overlay, got {type}", type=type(op).__name__))
    return ops
