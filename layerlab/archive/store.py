"""Named files inside an archive: a tar (``docker save`` output) or a directory (OCI layout).

Every name is checked before use: a manifest that points outside the archive, at a
symlink or at something that is not a regular file is refused, never followed.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path
from typing import BinaryIO

from layerlab.i18n import _
from layerlab.model.errors import ArchiveError, UnsafeArchive


def check_name(name: object, what: str) -> str:
    """A relative, normalised path inside the archive."""
    if not isinstance(name, str) or not name:
        raise ArchiveError(_("{what}: expected a path inside the archive, got {name!r}", what=what, name=name))
    if name.startswith("/") or "\x00" in name:
        raise UnsafeArchive(_("{what}: path {name!r} points outside the archive", what=what, name=name))
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts or not parts:
        raise UnsafeArchive(_("{what}: path {name!r} points outside the archive", what=what, name=name))
    return "/".join(parts)


class BlobStore:
    """Read access to the files of an archive by name."""

    label: str

    def open(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def read_small(self, name: str, limit: int = 64 << 20) -> bytes:
        """A JSON file's bytes; refuses oversized ones instead of eating memory."""
        if self.size(name) > limit:
            raise ArchiveError(_("{label}: {name} is larger than {limit:,} bytes", label=self.label, name=name, limit=limit))
        with self.open(name) as f:
            return f.read()


class _Slice(io.RawIOBase):
    """A window onto part of a file, so a blob inside a tar reads like a file of its own."""

    def __init__(self, path: Path, start: int, size: int) -> None:
        self._f = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._start, self._size, self._pos = start, size, 0
        self._f.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, min(self._size, base + offset))
        self._f.seek(self._start + self._pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self._size - self._pos)
        if n <= 0:
            return 0
        got = self._f.readinto(memoryview(buffer)[:n])
        self._pos += got
        return got

    def close(self) -> None:
        self._f.close()
        super().close()


class TarStore(BlobStore):
    """Files of an uncompressed tar, indexed once by their header offsets."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.label = self.path.name
        self._members: dict[str, tuple[int, int]] = {}
        self._others: set[str] = set()
        links: dict[str, str] = {}
        try:
            with tarfile.open(self.path, mode="r:") as tar:
                for member in tar:
                    name = member.name
                    if name.startswith("/") or ".." in name.split("/"):
                        raise UnsafeArchive(_("{label}: member {name!r} points outside the archive", label=self.label, name=name))
                    key = "/".join(p for p in name.split("/") if p not in ("", "."))
                    if key in self._members or key in self._others:
                        raise ArchiveError(_("{label}: duplicate member {name!r}", label=self.label, name=name))
                    if member.isreg():
                        self._members[key] = (member.offset_data, member.size)
                    elif member.issym() or member.islnk():
                        links[key] = member.linkname
                    else:
                        self._others.add(key)
        except tarfile.ReadError as err:
            raise ArchiveError(_("{label}: not a readable tar archive ({err})", label=self.label, err=err)) from None
        except EOFError:
            raise ArchiveError(_("{label}: archive is truncated", label=self.label)) from None
        for key, target in links.items():
            self._alias(key, target)
        end = max((start + size for start, size in self._members.values()), default=0)
        if end > self.path.stat().st_size:
            raise ArchiveError(_("{label}: archive is truncated", label=self.label))

    def _alias(self, key: str, target: str) -> None:
        """Docker 20.10's save stores a layer.tar seen twice as a symlink to the first copy.

        A link that resolves to a regular member of the archive reads as that member;
        anything else (a link leaving the archive, to a directory, to a link) stays refused.
        """
        base = key.rpartition("/")[0] if not target.startswith("/") else ""
        parts: list[str] = [p for p in base.split("/") if p]
        for part in target.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not parts:
                    self._others.add(key)
                    return
                parts.pop()
            else:
                parts.append(part)
        resolved = "/".join(parts)
        if target.startswith("/") or resolved not in self._members:
            self._others.add(key)
            return
        self._members[key] = self._members[resolved]

    def _get(self, name: str) -> tuple[int, int]:
        if name in self._members:
            return self._members[name]
        if name in self._others:
            raise UnsafeArchive(_("{label}: {name} is not a regular file (link or directory)", label=self.label, name=name))
        raise ArchiveError(_("{label}: missing {name}", label=self.label, name=name))

    def open(self, name: str) -> BinaryIO:
        start, size = self._get(name)
        return io.BufferedReader(_Slice(self.path, start, size), 1 << 20)  # type: ignore[return-value]

    def size(self, name: str) -> int:
        return self._get(name)[1]

    def exists(self, name: str) -> bool:
        return name in self._members or name in self._others


class DirStore(BlobStore):
    """Files of a directory (an OCI layout, or an unpacked ``docker save``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.label = self.root.name or str(self.root)

    def _path(self, name: str) -> Path:
        path = self.root / name
        try:
            st = path.lstat()
        except FileNotFoundError:
            raise ArchiveError(_("{label}: missing {name}", label=self.label, name=name)) from None
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeArchive(_("{label}: {name} is not a regular file (link or directory)", label=self.label, name=name))
        real = os.path.realpath(path)
        if os.path.commonpath([real, os.path.realpath(self.root)]) != os.path.realpath(self.root):
            raise UnsafeArchive(_("{label}: {name} resolves outside the layout", label=self.label, name=name))
        return path

    def open(self, name: str) -> BinaryIO:
        return open(self._path(name), "rb", buffering=1 << 20)

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def exists(self, name: str) -> bool:
        return (self.root / name).exists() or (self.root / name).is_symlink()


def open_store(path: Path) -> BlobStore:
    path = Path(path)
    if path.is_dir():
        return DirStore(path)
    if not path.exists():
        raise ArchiveError(_("{path}: no such file or directory", path=path))
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:2] == b"\x1f\x8b" or magic == b"\x28\xb5\x2f\xfd":
        raise ArchiveError(_(
            "{name}: the archive itself is compressed; decompress it first "
            "(e.g. 'gunzip -k' or 'zstd -d'), layers inside may stay compressed",
            name=path.name,
        ))
    return TarStore(path)
