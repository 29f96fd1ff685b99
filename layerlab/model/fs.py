"""Filesystem entries as a layer records them, and the paths that name them.

Paths are layer paths: relative to the image root, no leading ``/``, no ``.`` or ``..``
components, ``/`` separated (``etc/passwd``). The root itself is never an entry.
"""

from __future__ import annotations

import posixpath
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from layerlab.i18n import _

from .content import Content, as_content
from .errors import InvalidPath


def normalize_path(path: str) -> str:
    """Turn ``/etc//hosts``, ``./etc/hosts`` or ``etc/hosts/`` into ``etc/hosts``.

    A leading ``/`` is accepted (paths inside the image root); ``..`` is refused because a
    layer path can never climb out of the root.
    """
    if not isinstance(path, str) or "\x00" in path:
        raise InvalidPath(_("not a path: {path!r}", path=path))
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise InvalidPath(_("path {path!r} climbs out of the image root with '..'", path=path))
    if not parts:
        raise InvalidPath(_("path {path!r} names the root, not an entry", path=path))
    return "/".join(parts)


def parent_of(path: str) -> str:
    """``etc`` for ``etc/hosts``; ``""`` (the root) for a top-level entry."""
    return posixpath.dirname(path)


def ancestors(path: str) -> list[str]:
    """Every parent directory of a layer path, outermost first (``a``, ``a/b`` for ``a/b/c``)."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def is_within(path: str, directory: str) -> bool:
    """True for ``directory`` itself and anything below it."""
    return path == directory or path.startswith(directory + "/")


def walk_key(path: str) -> tuple[str, ...]:
    """Sort key giving a depth-first walk order: a directory just before its children."""
    return tuple(path.split("/"))


@dataclass(frozen=True, kw_only=True)
class Entry:
    """Metadata every entry has. ``mode`` holds permission bits only (and suid/sgid/sticky)."""

    mode: int
    uid: int = 0
    gid: int = 0
    mtime: int = 0

    kind: ClassVar[str] = "entry"

    @property
    def size(self) -> int:
        """Bytes this entry adds to a layer's size, as Docker counts it (lstat size, no dirs)."""
        return 0

    def mode_string(self) -> str:
        return stat.filemode(self._type_bits | self.mode)

    _type_bits: ClassVar[int] = 0


@dataclass(frozen=True, kw_only=True)
class File(Entry):
    content: Content
    mode: int = 0o644
    #: the file's mtime on an engine, in ns, where the model knows it: a build context file's,
    #: which COPY and ADD keep (``mtime`` stays what the model writes in its tars: 0 there)
    real_mtime: int | None = field(default=None, compare=False, repr=False)
    kind: ClassVar[str] = "file"
    _type_bits: ClassVar[int] = stat.S_IFREG

    def __post_init__(self) -> None:
        object.__setattr__(self, "content", as_content(self.content))

    @property
    def size(self) -> int:
        return self.content.size


@dataclass(frozen=True, kw_only=True)
class Dir(Entry):
    mode: int = 0o755
    kind: ClassVar[str] = "dir"
    _type_bits: ClassVar[int] = stat.S_IFDIR


@dataclass(frozen=True, kw_only=True)
class Symlink(Entry):
    target: str
    mode: int = 0o777
    kind: ClassVar[str] = "symlink"
    _type_bits: ClassVar[int] = stat.S_IFLNK

    @property
    def size(self) -> int:
        return len(self.target.encode())


@dataclass(frozen=True, kw_only=True)
class Hardlink(Entry):
    """A second name for a regular file stored earlier in the same layer (tar typeflag ``1``)."""

    target: str
    mode: int = 0o644
    kind: ClassVar[str] = "hardlink"
    _type_bits: ClassVar[int] = stat.S_IFREG

    def __post_init__(self) -> None:
        object.__setattr__(self, "target", normalize_path(self.target))


@dataclass(frozen=True, kw_only=True)
class Device(Entry):
    """A character or block device or a fifo; layer tars may carry them, unpack refuses them."""

    device: Literal["char", "block", "fifo"]
    major: int = 0
    minor: int = 0
    mode: int = 0o644
    kind: ClassVar[str] = "device"

    @property
    def _type_bits(self) -> int:  # type: ignore[override]
        return {"char": stat.S_IFCHR, "block": stat.S_IFBLK, "fifo": stat.S_IFIFO}[self.device]


def content_bytes(entries: Iterable[Entry]) -> int:
    """Bytes as ``du`` counts content: regular files (one inode once, however many names it
    has) and symlinks (their target's length)."""
    seen: set[int] = set()
    total = 0
    for entry in entries:
        if isinstance(entry, File) and id(entry) not in seen:
            seen.add(id(entry))
            total += entry.size
        elif isinstance(entry, Symlink):
            total += entry.size
    return total
