"""A streaming tar reader that hashes every byte it reads.

Reading a layer means hashing all of it (the diff_id is the sha256 of the uncompressed
tar) and parsing its headers. Doing both in one pass over large chunks keeps a read of a
real archive close to the speed of hashing it; ``tarfile`` would read it in small pieces
and could not hash the padding and end blocks that the digest covers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from layerlab.i18n import _

from .errors import ArchiveError, LimitExceeded

BLOCK = 512
CHUNK = 1 << 20

REGULAR_TYPES = (b"0", b"\x00", b"7")
TYPE_NAMES = {
    b"0": "file",
    b"\x00": "file",
    b"7": "file",
    b"1": "hardlink",
    b"2": "symlink",
    b"3": "char",
    b"4": "block",
    b"5": "dir",
    b"6": "fifo",
}


@dataclass(frozen=True)
class TarMember:
    """One header of a tar stream; ``offset`` is where its data starts in the stream."""

    name: str
    type: str
    size: int
    mode: int
    uid: int
    gid: int
    mtime: int
    linkname: str
    devmajor: int
    devminor: int
    offset: int


def _number(raw: bytes, what: str) -> int:
    if raw and raw[0] & 0x80:  # base-256, used for large sizes and ids
        value = int.from_bytes(raw[1:], "big")
        return value - (1 << (8 * (len(raw) - 1) - 1)) * 2 if raw[0] & 0x40 else value
    text = raw.split(b"\x00", 1)[0].strip(b" ")
    if not text:
        return 0
    try:
        return int(text, 8)
    except ValueError:
        raise ArchiveError(_("corrupt tar header: {what} field {raw!r} is not a number", what=what, raw=raw)) from None


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")


def _pax_records(data: bytes) -> dict[str, str]:
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space < 0:
            break
        try:
            length = int(data[pos:space])
        except ValueError:
            raise ArchiveError(_("corrupt tar: malformed pax header")) from None
        if length <= 0 or pos + length > len(data):
            raise ArchiveError(_("corrupt tar: malformed pax header"))
        key, _sep, value = data[space + 1 : pos + length - 1].partition(b"=")
        records[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        pos += length
    return records


class TarReader:
    """Iterate over the members of a tar stream, hashing the whole stream on the way.

    Call ``data()`` during iteration to stream the current member's bytes; anything not
    read is skipped. After iteration, ``digest`` is the sha256 of every byte of the stream
    (trailing padding included) and ``size`` its length.
    """

    def __init__(
        self,
        raw: BinaryIO,
        *,
        max_bytes: int | None = None,
        max_entries: int | None = None,
        label: str = "tar",
    ) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self._buf = b""
        self._pos = 0
        self.size = 0  # bytes consumed from raw so far
        self._max_bytes = max_bytes
        self._max_entries = max_entries
        self._label = label
        self._pending = 0  # unread data + padding of the current member
        self._data_left = 0

    # -- low level -------------------------------------------------------
    def _read_raw(self) -> bytes:
        try:
            chunk = self._raw.read(CHUNK)
        except EOFError:
            raise ArchiveError(_("{label}: compressed data ends early (truncated)", label=self._label)) from None
        except OSError as err:  # gzip.BadGzipFile, zlib/zstd errors surface as OSError
            raise ArchiveError(_("{label}: cannot decompress: {err}", label=self._label, err=err)) from None
        except Exception as err:  # zstandard.ZstdError and zlib.error are not OSErrors
            if type(err).__name__ in ("ZstdError", "error"):
                raise ArchiveError(_("{label}: cannot decompress: {err}", label=self._label, err=err)) from None
            raise
        if chunk:
            self._hash.update(chunk)
            self.size += len(chunk)
            if self._max_bytes is not None and self.size > self._max_bytes:
                raise LimitExceeded(_(
                    "{label}: more than {limit:,} bytes uncompressed; refusing "
                    "(a decompression bomb?). Raise the limit if the image is really this big.",
                    label=self._label, limit=self._max_bytes,
                ))
        return chunk

    def _take(self, n: int) -> bytes | None:
        """Exactly n bytes, or None at a clean end of stream."""
        while len(self._buf) - self._pos < n:
            chunk = self._read_raw()
            if not chunk:
                if self._pos == len(self._buf):
                    return None
                raise ArchiveError(_("{label}: tar ends in the middle of an entry (truncated)", label=self._label))
            self._buf = self._buf[self._pos :] + chunk
            self._pos = 0
        out = self._buf[self._pos : self._pos + n]
        self._pos += n
        return out

    def _skip(self, n: int) -> None:
        have = len(self._buf) - self._pos
        if n <= have:
            self._pos += n
            return
        n -= have
        self._buf, self._pos = b"", 0
        while n > 0:
            chunk = self._read_raw()
            if not chunk:
                raise ArchiveError(_("{label}: tar ends in the middle of an entry (truncated)", label=self._label))
            if len(chunk) > n:
                self._buf, self._pos = chunk, n
                return
            n -= len(chunk)

    def _finish_member(self) -> None:
        if self._pending:
            self._skip(self._pending)
            self._pending = self._data_left = 0

    def data(self) -> Iterator[bytes]:
        """The current member's bytes, in chunks."""
        while self._data_left > 0:
            have = len(self._buf) - self._pos
            if have == 0:
                chunk = self._read_raw()
                if not chunk:
                    raise ArchiveError(_("{label}: tar ends in the middle of a file (truncated)", label=self._label))
                self._buf, self._pos, have = chunk, 0, len(chunk)
            n = min(have, self._data_left)
            piece = self._buf[self._pos : self._pos + n]
            self._pos += n
            self._data_left -= n
            self._pending -= n
            yield piece

    # -- headers ---------------------------------------------------------
    def __iter__(self) -> Iterator[TarMember]:
        extensions = _Extensions()
        count = 0
        while True:
            self._finish_member()
            header = self._take(BLOCK)
            if header is None:
                raise ArchiveError(_("{label}: tar has no end-of-archive marker (truncated)", label=self._label))
            if header == bytes(BLOCK):
                self._drain()
                return
            self._check_sum(header)
            typeflag = header[156:157]
            size = _number(header[124:136], "size")
            if size < 0:
                raise ArchiveError(_("{label}: corrupt tar header: negative size", label=self._label))
            start = self.size - (len(self._buf) - self._pos)
            if typeflag in EXTENSION_TYPES:
                extensions.add(typeflag, self._extension_data(size))
                continue
            if typeflag not in TYPE_NAMES:
                raise ArchiveError(_(
                    "{label}: unsupported tar entry type {typeflag!r} "
                    "(supported: files, directories, symlinks, hard links, devices, fifos)",
                    label=self._label, typeflag=typeflag,
                ))
            count += 1
            if self._max_entries is not None and count > self._max_entries:
                raise LimitExceeded(_("{label}: more than {limit:,} entries", label=self._label, limit=self._max_entries))
            member = _member(header, typeflag, size, start, extensions)
            extensions.used()
            self._pending = -(-member.size // BLOCK) * BLOCK if typeflag in REGULAR_TYPES else 0
            self._data_left = member.size
            yield member

    def _extension_data(self, size: int) -> bytes:
        """The body of a long-name or pax header (bounded: these are read into memory)."""
        if size > 1 << 20:
            raise ArchiveError(_("{label}: tar extension header of {size} bytes", label=self._label, size=size))
        padded = -(-size // BLOCK) * BLOCK
        data = self._take(padded) if padded else b""
        if data is None:
            raise ArchiveError(_("{label}: tar ends in a header (truncated)", label=self._label))
        return data[:size]

    def _check_sum(self, header: bytes) -> None:
        stored = _number(header[148:156], "checksum")
        rest = header[:148] + header[156:]
        unsigned = sum(rest) + 8 * 32  # the checksum field counts as eight spaces
        if stored == unsigned:
            return
        signed = unsigned - 256 * len(rest.translate(None, bytes(range(128))))
        if stored != signed:
            raise ArchiveError(_("{label}: corrupt tar header (checksum mismatch); not a tar?", label=self._label))

    def _drain(self) -> None:
        """Hash whatever follows the end marker (the second zero block, record padding)."""
        self._buf, self._pos = b"", 0
        while self._read_raw():
            pass

    @property
    def digest(self) -> str:
        return "sha256:" + self._hash.hexdigest()


#: GNU long name (``L``) and long link (``K``), pax for the next member (``x``) and for all (``g``).
EXTENSION_TYPES = (b"L", b"K", b"x", b"g")


@dataclass
class _Extensions:
    """What extension headers say about the members after them."""

    long_name: str | None = None
    long_link: str | None = None
    pax: dict[str, str] = field(default_factory=dict)
    global_pax: dict[str, str] = field(default_factory=dict)

    def add(self, typeflag: bytes, data: bytes) -> None:
        if typeflag == b"L":
            self.long_name = data.split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")
        elif typeflag == b"K":
            self.long_link = data.split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")
        elif typeflag == b"x":
            self.pax.update(_pax_records(data))
        else:
            self.global_pax.update(_pax_records(data))

    def used(self) -> None:
        """A member came: what was said only about it is forgotten (global pax stays)."""
        self.long_name = self.long_link = None
        self.pax = {}


def _member(header: bytes, typeflag: bytes, size: int, start: int, extensions: _Extensions) -> TarMember:
    """A member from its ustar header, with what the extension headers before it say."""
    fields = {**extensions.global_pax, **extensions.pax}
    name = _text(header[0:100])
    if header[257:263] == b"ustar\x00" and header[345] != 0:
        name = _text(header[345:500]) + "/" + name
    if "size" in fields:
        size = int(fields["size"])
    return TarMember(
        name=fields.get("path", extensions.long_name or name),
        type=TYPE_NAMES[typeflag],
        size=size if typeflag in REGULAR_TYPES else 0,
        mode=_number(header[100:108], "mode") & 0o7777,
        uid=int(fields.get("uid", 0)) if "uid" in fields else _number(header[108:116], "uid"),
        gid=int(fields.get("gid", 0)) if "gid" in fields else _number(header[116:124], "gid"),
        mtime=int(float(fields["mtime"])) if "mtime" in fields else _number(header[136:148], "mtime"),
        linkname=fields.get("linkpath", extensions.long_link or _text(header[157:257])),
        devmajor=_number(header[329:337], "devmajor"),
        devminor=_number(header[337:345], "devminor"),
        offset=start,
    )
