"""A layer: the set of changes one build step makes, and its tar form.

The tar follows the OCI layer spec: added and changed entries whole, a deleted path as an
empty file ``.wh.<name>``, a directory whose lower contents are hidden as
``<dir>/.wh..wh..opq``, a second name of a file as a hard link (typeflag ``1``). The tar
is deterministic, so the diff_id (sha256 of the uncompressed tar) is a true identity.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import BinaryIO

from layerlab.i18n import _

from .content import Content, LazyContent, as_content
from .digest import Sha256Writer
from .errors import ArchiveError, InvalidPath, UnsafeArchive
from .fs import Device, Dir, Entry, File, Hardlink, Symlink, ancestors, normalize_path, walk_key
from .tarstream import TarMember, TarReader

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"


class Layer:
    """An immutable changeset: entries added or changed, paths deleted, directories made opaque.

    A layer read from an archive also remembers its original tar (``source``) so that
    exporting it writes the very same bytes and the diff_id never changes.
    """

    def __init__(
        self,
        entries: Mapping[str, Entry] | None = None,
        whiteouts: Iterable[str] = (),
        opaque: Iterable[str] = (),
        *,
        source: LayerSource | None = None,
        timed: Iterable[str] = (),
        copied_up: Iterable[str] = (),
    ) -> None:
        normalized: dict[str, Entry] = {}
        for path, entry in (entries or {}).items():
            path = normalize_path(path)
            if path in normalized:
                raise InvalidPath(_("duplicate entry {path!r} in layer", path=path))
            normalized[path] = entry
        self.entries: Mapping[str, Entry] = dict(sorted(normalized.items(), key=lambda kv: walk_key(kv[0])))
        self.whiteouts: frozenset[str] = frozenset(normalize_path(p) for p in whiteouts)
        self.opaque: frozenset[str] = frozenset(normalize_path(p) for p in opaque)
        for path in self.whiteouts & set(self.entries):
            raise InvalidPath(_("{path!r} is both deleted and added in one layer", path=path))
        self.source = source
        #: entries written or touched where the layer was made (their real mtime is new)
        self.timed: frozenset[str] = frozenset(normalize_path(p) for p in timed)
        #: paths copied up where the layer was made, also those deleted or moved away later
        #: (the kernel's overlay xattrs on the upper directory follow from them)
        self.copied_up: frozenset[str] = frozenset(normalize_path(p) for p in copied_up)

    @classmethod
    def _trusted(cls, entries: dict[str, Entry], whiteouts: set[str], opaque: set[str]) -> Layer:
        """For paths a parser has already checked: skips re-normalising tens of thousands."""
        layer = cls.__new__(cls)
        layer.entries, layer.whiteouts, layer.opaque = entries, frozenset(whiteouts), frozenset(opaque)
        layer.source = None
        layer.timed = layer.copied_up = frozenset()
        return layer

    # -- construction helpers ---------------------------------------------
    @classmethod
    def from_files(
        cls,
        files: Mapping[str, Content | bytes | str | Entry],
        *,
        delete: Iterable[str] = (),
        mtime: int = 0,
    ) -> Layer:
        """A layer from ``{path: bytes | Content | Entry}``, adding the parent directories.

        Real layer tars list the parent directories of every changed path (they are copied
        up too), so this does the same.
        """
        entries: dict[str, Entry] = {}
        for path, value in files.items():
            path = normalize_path(path)
            entry = value if isinstance(value, Entry) else File(content=as_content(value), mtime=mtime)
            entries[path] = entry
        for path in list(entries) + [normalize_path(p) for p in delete]:
            for parent in ancestors(path):
                entries.setdefault(parent, Dir(mtime=mtime))
        return cls(entries, whiteouts=delete)

    # -- identity ------------------------------------------------------------
    @cached_property
    def _tar_identity(self) -> tuple[str, int]:
        if self.source is not None:
            return self.source.diff_id, self.source.tar_size
        sink = Sha256Writer()
        for chunk in self.tar_chunks():
            sink.write(chunk)
        return sink.digest, sink.size

    @property
    def diff_id(self) -> str:
        """sha256 of the uncompressed tar."""
        return self._tar_identity[0]

    @property
    def tar_size(self) -> int:
        return self._tar_identity[1]

    @cached_property
    def size(self) -> int:
        """Bytes the layer stores as the engine counts them (``docker history``, the layer
        store's ``size``): regular files only; symlinks, hard links and directories add 0."""
        return sum(e.size for e in self.entries.values() if isinstance(e, File))

    @property
    def is_empty(self) -> bool:
        return not (self.entries or self.whiteouts or self.opaque)

    def __len__(self) -> int:
        return len(self.entries) + len(self.whiteouts) + len(self.opaque)

    def __repr__(self) -> str:
        whiteouts = f"{len(self.whiteouts)} whiteout{'s' * (len(self.whiteouts) != 1)}"
        opaque = f"{len(self.opaque)} opaque director{'y' if len(self.opaque) == 1 else 'ies'}"
        entries = f"{len(self.entries)} entr{'y' if len(self.entries) == 1 else 'ies'}"
        return f"layer {self.diff_id[7:19]}: {entries}, {whiteouts}, {opaque}, {self.size:,} bytes"

    # -- tar form ------------------------------------------------------------
    def tar_chunks(self) -> Iterator[bytes]:
        """The layer's tar, streamed (original bytes for a layer read from an archive)."""
        if self.source is not None:
            yield from self.source.open_chunks()
            return
        yield from _write_tar(self)

    def write_tar(self, out: BinaryIO) -> None:
        for chunk in self.tar_chunks():
            out.write(chunk)

    @classmethod
    def from_tar(cls, data: bytes | BinaryIO, *, label: str = "layer") -> Layer:
        """Parse a layer tar held in memory or readable once (e.g. a test fixture)."""
        raw = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
        reader = TarReader(raw, label=label)
        blob = data if isinstance(data, (bytes, bytearray)) else None
        layer = parse_layer(reader, content_opener=None if blob is None else _bytes_opener(bytes(blob)))
        return Layer(
            layer.entries,
            layer.whiteouts,
            layer.opaque,
            source=LayerSource(reader.digest, reader.size, _replay(bytes(blob)) if blob else None),
        )


class LayerSource:
    """Where an archived layer's original tar bytes can be read again."""

    def __init__(self, diff_id: str, tar_size: int, open_chunks: Callable[[], Iterator[bytes]] | None) -> None:
        self.diff_id = diff_id
        self.tar_size = tar_size
        self._open_chunks = open_chunks

    def open_chunks(self) -> Iterator[bytes]:
        if self._open_chunks is None:
            raise ArchiveError(_("this layer's original bytes were streamed once and are not kept"))
        return self._open_chunks()


def _replay(blob: bytes) -> Callable[[], Iterator[bytes]]:
    return lambda: iter((blob,))


def _bytes_opener(blob: bytes) -> Callable[[int, int], Iterator[bytes]]:
    return lambda offset, size: iter((blob[offset : offset + size],))


def parse_layer(
    reader: TarReader,
    *,
    content_opener: Callable[[int, int], Iterator[bytes]] | None = None,
    on_member: Callable[[TarMember], None] | None = None,
) -> Layer:
    """Read a layer's changeset from a tar stream, refusing paths a layer may not hold.

    ``content_opener(offset, size)`` re-reads a file's bytes later; without it, files get
    content that can only tell its size.
    """
    entries: dict[str, Entry] = {}
    whiteouts: set[str] = set()
    opaque: set[str] = set()
    seen: set[str] = set()
    for member in reader:
        if on_member is not None:
            on_member(member)
        path = member_path(member.name, reader)
        if path is None:
            continue  # the root directory itself ("./")
        if path in seen:
            raise ArchiveError(_("{label}: duplicate entry {path!r}", label=reader_label(reader), path=path))
        seen.add(path)
        parent, _unused, base = path.rpartition("/")
        if base == OPAQUE_MARKER:
            if not parent:
                raise UnsafeArchive(_("{label}: opaque marker for the root directory", label=reader_label(reader)))
            opaque.add(parent)
            continue
        if base.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):
            continue  # aufs bookkeeping (.wh..wh.plnk etc.): not part of the image
        if base.startswith(WHITEOUT_PREFIX):
            name = base[len(WHITEOUT_PREFIX) :]
            if name in ("", ".", ".."):
                raise UnsafeArchive(_("{label}: malformed whiteout {name!r}", label=reader_label(reader), name=member.name))
            whiteouts.add(f"{parent}/{name}" if parent else name)
            continue
        entries[path] = _entry(member, content_opener, reader)
    for path in whiteouts & entries.keys():
        raise ArchiveError(_("{label}: {path!r} is both deleted and added in one layer", label=reader_label(reader), path=path))
    return Layer._trusted(entries, whiteouts, opaque)


def reader_label(reader: TarReader) -> str:
    return reader._label  # noqa: SLF001 - same package


def member_path(name: str, reader: TarReader) -> str | None:
    """A tar member's layer path; ``None`` for the root; refuses absolute and ``..`` paths."""
    if name.startswith("/"):
        raise UnsafeArchive(_("{label}: absolute path {name!r} (layer paths are relative)", label=reader_label(reader), name=name))
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchive(_("{label}: path {name!r} climbs out with '..'", label=reader_label(reader), name=name))
    if "\x00" in name:
        raise UnsafeArchive(_("{label}: path with a NUL byte", label=reader_label(reader)))
    return "/".join(parts) or None


def _entry(member: TarMember, opener: Callable[[int, int], Iterator[bytes]] | None, reader: TarReader) -> Entry:
    meta = {"mode": member.mode, "uid": member.uid, "gid": member.gid, "mtime": member.mtime}
    if member.type == "file":
        offset, size = member.offset, member.size
        if opener is None:
            content: Content = LazyContent(size, _unavailable, label=member.name)
        else:
            content = LazyContent(size, lambda: opener(offset, size), label=member.name)
        return File(content=content, **meta)
    if member.type == "dir":
        return Dir(**meta)
    if member.type == "symlink":
        return Symlink(target=member.linkname, **meta)
    if member.type == "hardlink":
        target = member_path(member.linkname, reader)
        if target is None:
            raise UnsafeArchive(_("{label}: hard link {name!r} to the root", label=reader_label(reader), name=member.name))
        return Hardlink(target=target, **meta)
    return Device(device=member.type, major=member.devmajor, minor=member.devminor, **meta)  # type: ignore[arg-type]


def _unavailable() -> Iterator[bytes]:
    raise ArchiveError(_("file contents were not kept when this layer was read"))


# -- writing ----------------------------------------------------------------------


def _header(path: str, entry: Entry | None, kind: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(path)
    info.uname = info.gname = ""
    if entry is not None:
        info.mode, info.uid, info.gid, info.mtime = entry.mode, entry.uid, entry.gid, entry.mtime
    else:
        info.mode, info.mtime = 0, 0
    info.type = {
        "file": tarfile.REGTYPE,
        "dir": tarfile.DIRTYPE,
        "symlink": tarfile.SYMTYPE,
        "hardlink": tarfile.LNKTYPE,
        "char": tarfile.CHRTYPE,
        "block": tarfile.BLKTYPE,
        "fifo": tarfile.FIFOTYPE,
    }[kind]
    return info


def _tar_items(layer: Layer) -> list[tuple[tuple[str, ...], str, str]]:
    """(walk key, tar name, what) in the order Docker walks a directory: lexical, dirs first."""
    items = [(walk_key(p), p, "entry") for p in layer.entries]
    items += [(walk_key(p), _whiteout_name(p), "whiteout") for p in layer.whiteouts]
    items += [(walk_key(p) + ("",), f"{p}/{OPAQUE_MARKER}", "opaque") for p in layer.opaque]
    items.sort(key=lambda item: item[0])
    return items


def _whiteout_name(path: str) -> str:
    parent, _unused, base = path.rpartition("/")
    return f"{parent}/{WHITEOUT_PREFIX}{base}" if parent else WHITEOUT_PREFIX + base


def _block_padding(size: int) -> bytes:
    return bytes(-size % tarfile.BLOCKSIZE)


def _write_tar(layer: Layer) -> Iterator[bytes]:
    """Headers by ``tarfile``, the stream by hand: Go's archive/tar ends a tar with exactly
    two zero blocks (no 10 KiB record padding), which the empty-layer diff_id depends on."""
    for _unused, path, what in _tar_items(layer):
        if what == "whiteout":
            yield _encode(_header(path, None, "file"))
            continue
        if what == "opaque":
            yield _encode(_header(path, layer.entries.get(path.rpartition("/")[0]), "file"))
            continue
        entry = layer.entries[path]
        if isinstance(entry, File):
            info = _header(path, entry, "file")
            info.size = entry.content.size
            yield _encode(info)
            yield from entry.content.chunks()
            yield _block_padding(info.size)
        elif isinstance(entry, Dir):
            yield _encode(_header(path + "/", entry, "dir"))
        elif isinstance(entry, (Symlink, Hardlink)):
            info = _header(path, entry, entry.kind)
            info.linkname = entry.target
            yield _encode(info)
        elif isinstance(entry, Device):
            info = _header(path, entry, entry.device)
            info.devmajor, info.devminor = entry.major, entry.minor
            yield _encode(info)
    yield bytes(2 * tarfile.BLOCKSIZE)


def _encode(info: tarfile.TarInfo) -> bytes:
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
