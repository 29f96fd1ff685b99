"""Layer blobs: detect compression, decompress as a stream, verify digests, bound sizes."""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from layerlab.i18n import _
from layerlab.model.errors import ArchiveError, DigestMismatch, LimitExceeded
from layerlab.model.layer import Layer, LayerSource, parse_layer
from layerlab.model.tarstream import CHUNK, TarReader

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass(frozen=True)
class Limits:
    """What a read or unpack accepts before it calls the input hostile.

    The ratio guard catches decompression bombs early: legitimate layers rarely expand
    more than ~20x, a bomb expands 1000x.
    """

    max_layer_bytes: int = 64 << 30
    max_ratio: float = 200.0
    ratio_after_bytes: int = 256 << 20
    max_entries: int = 5_000_000
    max_json_bytes: int = 64 << 20


DEFAULT_LIMITS = Limits()


class _Counting(io.RawIOBase):
    """Counts (and optionally hashes) the compressed bytes a decompressor pulls."""

    def __init__(self, raw: BinaryIO, hashed: bool, tick: Callable[[int], None]) -> None:
        self._raw = raw
        self.count = 0
        self._hash = hashlib.sha256() if hashed else None
        self._tick = tick

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            view = memoryview(buffer)[:n]
            if self._hash is not None:
                self._hash.update(view)
            self.count += n
            self._tick(n)
        return n

    @property
    def digest(self) -> str:
        assert self._hash is not None
        return "sha256:" + self._hash.hexdigest()


class _RatioGuard(io.RawIOBase):
    """Stops a decompressed stream that grows far beyond its compressed input."""

    def __init__(self, stream: BinaryIO, counter: _Counting, limits: Limits, label: str) -> None:
        self._stream, self._counter, self._limits, self._label = stream, counter, limits, label
        self.out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.out += n
        lim = self._limits
        if self.out > lim.ratio_after_bytes and self.out > lim.max_ratio * max(self._counter.count, 1):
            raise LimitExceeded(_(
                "{label}: expands more than {ratio:.0f}x "
                "({compressed:,} -> {out:,}+ bytes); refusing a likely decompression bomb",
                label=self._label, ratio=lim.max_ratio, compressed=self._counter.count, out=self.out,
            ))
        return n


def compression_of(head: bytes) -> str:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return "none"


def _decompressor(kind: str, counter: _Counting) -> BinaryIO:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=counter, mode="rb")  # type: ignore[return-value]
    return _zstd_reader(counter)


def _zstd_reader(counter: _Counting) -> BinaryIO:
    """A zstd stream over ``counter``: with the zstandard package, imported only here (it is
    a C extension that Pyodide's browser Python, JupyterLite's, does without), else with
    Python 3.14's ``compression.zstd``."""
    try:
        import zstandard
    except ImportError:
        try:
            from compression.zstd import ZstdFile  # type: ignore[import-not-found]
        except ImportError:
            raise ArchiveError(_(
                "this layer is zstd-compressed, and neither the zstandard package nor "
                "Python 3.14's compression.zstd is here to read it"
            )) from None
        return ZstdFile(counter, mode="rb")  # type: ignore[return-value]
    return zstandard.ZstdDecompressor().stream_reader(counter, read_across_frames=True)  # type: ignore[return-value]


@dataclass
class ReadLayer:
    """A layer read from a blob, with what was learned about the blob on the way."""

    layer: Layer
    compression: str
    blob_digest: str
    blob_size: int


def read_layer_blob(
    open_blob: Callable[[], BinaryIO],
    *,
    label: str,
    limits: Limits = DEFAULT_LIMITS,
    expect_diff_id: str | None = None,
    expect_blob_digest: str | None = None,
    tick: Callable[[int], None] = lambda n: None,
) -> ReadLayer:
    """Parse a layer blob in one pass: entries, diff_id, blob digest, all verified."""
    with open_blob() as raw:
        buffered = io.BufferedReader(raw, CHUNK) if not isinstance(raw, io.BufferedReader) else raw
        kind = compression_of(buffered.peek(4)[:4])
        counter = _Counting(buffered, hashed=kind != "none", tick=tick)
        stream: BinaryIO = counter  # type: ignore[assignment]
        if kind != "none":
            stream = _RatioGuard(_decompressor(kind, counter), counter, limits, label)  # type: ignore[assignment]
        reader = TarReader(stream, max_bytes=limits.max_layer_bytes, max_entries=limits.max_entries, label=label)
        if kind == "none":
            opener = _seek_opener(open_blob)
        else:
            opener = _skip_opener(lambda: uncompressed_chunks(open_blob, label, limits))
        parsed = parse_layer(reader, content_opener=opener)
    blob_digest = counter.digest if kind != "none" else reader.digest
    if expect_blob_digest is not None and blob_digest != expect_blob_digest:
        raise DigestMismatch(_("{label}: blob hashes to {got}, but is named {want}", label=label, got=blob_digest, want=expect_blob_digest))
    if expect_diff_id is not None and reader.digest != expect_diff_id:
        raise DigestMismatch(_(
            "{label}: uncompressed layer hashes to {got}, but the config lists diff_id {want}",
            label=label, got=reader.digest, want=expect_diff_id,
        ))
    source = LayerSource(reader.digest, reader.size, lambda: uncompressed_chunks(open_blob, label, limits))
    parsed.source = source
    return ReadLayer(parsed, kind, blob_digest, counter.count)


def uncompressed_chunks(open_blob: Callable[[], BinaryIO], label: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[bytes]:
    """The layer's tar bytes again (decompressing if needed)."""
    with open_blob() as raw:
        buffered = io.BufferedReader(raw, CHUNK) if not isinstance(raw, io.BufferedReader) else raw
        kind = compression_of(buffered.peek(4)[:4])
        counter = _Counting(buffered, hashed=False, tick=lambda n: None)
        stream: BinaryIO = counter  # type: ignore[assignment]
        if kind != "none":
            stream = _RatioGuard(_decompressor(kind, counter), counter, limits, label)  # type: ignore[assignment]
        while chunk := stream.read(CHUNK):
            yield chunk


def _seek_opener(open_blob: Callable[[], BinaryIO]) -> Callable[[int, int], Iterator[bytes]]:
    def chunks(offset: int, size: int) -> Iterator[bytes]:
        with open_blob() as f:
            f.seek(offset)
            left = size
            while left > 0:
                chunk = f.read(min(CHUNK, left))
                if not chunk:
                    raise ArchiveError(_("archive changed or truncated since it was read"))
                left -= len(chunk)
                yield chunk

    return chunks


def _skip_opener(open_chunks: Callable[[], Iterator[bytes]]) -> Callable[[int, int], Iterator[bytes]]:
    """Compressed blobs cannot seek: decompress again and skip to the file."""

    def chunks(offset: int, size: int) -> Iterator[bytes]:
        pos = 0
        for chunk in open_chunks():
            start, end = max(offset - pos, 0), min(offset + size - pos, len(chunk))
            if start < end:
                yield chunk[start:end]
            pos += len(chunk)
            if pos >= offset + size:
                return

    return chunks


class ChunkStream(io.RawIOBase):
    """A readable file over an iterator of byte chunks (a model layer's generated tar)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = chunk  # an empty chunk (e.g. no tar padding) is not the end
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n
