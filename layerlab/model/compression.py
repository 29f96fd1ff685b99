"""A layer's gzip blob: what BuildKit stores and pushes, and what the containerd store keeps.

BuildKit (v0.25 in Engine 28.5) and containerd compress layers with Go's ``compress/gzip``
at ``gzip.DefaultCompression`` (level 6), a header with no name and mtime 0 (``1f8b 0800
0000 0000 00ff``). Python's zlib writes the same header and trailer at the same level,
but its deflate is another implementation than Go's ``compress/flate``, so the bytes, and
with them every digest of a compressed blob, differ from the engine's.

How far the sizes land, measured by recompressing the layer tars Engine 28.5.2 wrote (built
with Go 1.27, whose compress/flate is a newer implementation than zlib's deflate): 59
distinct blobs of the scenario images, the course images and zero-filled, random, text and
many-file layers from 1 KiB to 64 MiB (``tests/test_compression_bound.py`` holds them):

- small layers (under 1 KiB of gzip): -9 to +9 bytes;
- busybox (1.98 MB of tar): +4.7%; text (``seq``): +0.7%; random bytes: +0.02%; 300 small
  files: -10%;
- zero-filled files: Go's deflate writes about twice zlib's, about one byte more per 1,000
  zeros (4 MiB of zeros: 4,173 B vs 8,301 B; 64 MiB: 65,325 B vs 131,650 B).

The rule layerlab adopts: a compressed size is zlib's at level 6, and it is known only
within :attr:`GzipBlob.engine_bounds`: 12% smaller to 6% bigger, 16 bytes either way, plus
one byte per 900 bytes of zeros in the tar; every measured blob lies within. Porting Go's
deflate is not an option (pure Python would be far too slow for layers of hundreds of MB).
A compressed blob's digest is layerlab's own. Uncompressed tars (diff ids) stay exact.

One shortcut keeps builds fast: a chunk of 16 KiB or more whose first 4 KiB do not
shrink (the catalogue's synthetic file contents, like real binaries of compressed data)
is written as stored deflate blocks, as deflate itself ends up writing such data, without
searching it for matches (1 GB/s instead of 30 MB/s; the size differs from zlib's by a
few bytes per 64 KiB).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .digest import Sha256Writer
from .layer import Layer

#: Go's gzip.DefaultCompression
LEVEL = 6
#: the 10-byte header Go's gzip.Writer and Python's gzip module write with mtime 0
_HEADER = bytes.fromhex("1f8b08000000000000ff")
_CACHE: dict[str, GzipBlob] = {}
_CACHE_SIZE = 512


#: How far Engine 28.5's gzip of a tar can be from layerlab's (module doc): at most 12% smaller
#: and 6% bigger, 16 bytes either way, and one byte more per ``_ZEROS_PER_BYTE`` bytes of zeros
_LOWEST, _HIGHEST, _BYTES = 0.88, 1.06, 16
_ZEROS_PER_BYTE = 900
#: zeros are counted in tar blocks of 512 bytes
_ZERO_BLOCK = bytes(512)


@dataclass(frozen=True)
class GzipBlob:
    """The digest and size of a layer's tar, gzip-compressed; ``zeros``: bytes of the tar in
    512-byte blocks of zeros (where Go's deflate writes about twice what zlib writes)."""

    digest: str
    size: int
    zeros: int = 0

    @property
    def engine_bounds(self) -> tuple[int, int]:
        """The smallest and the biggest size a Docker Engine's gzip of the same tar has
        (Go's compress/flate, not zlib; the module doc): the size is known within these."""
        low = int(self.size * _LOWEST) - _BYTES
        high = -(-int(self.size * _HIGHEST * 100) // 100) + self.zeros // _ZEROS_PER_BYTE + _BYTES
        return max(low, 0), high


#: chunks this big are tested for compressibility, on their first _SAMPLE bytes
_TESTED = 1 << 14
_SAMPLE = 1 << 12
_STORED_MAX = 0xFFFF


def gzip_chunks(layer: Layer, zeros: list[int] | None = None) -> Iterator[bytes]:
    """The gzip bytes of the layer's tar, in chunks (level 6, mtime 0, no name; incompressible
    chunks stored: the module doc); ``zeros`` gets the tar's bytes in zero blocks added."""
    yield _HEADER
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc, size = 0, 0
    for chunk in layer.tar_chunks():
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        if zeros is not None:
            zeros[0] += chunk.count(_ZERO_BLOCK) * len(_ZERO_BLOCK)
        if len(chunk) >= _TESTED and _incompressible(chunk):
            yield deflate.flush(zlib.Z_FULL_FLUSH)  # byte-aligned: stored blocks may follow
            yield from _stored(chunk)
            deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
            continue
        out = deflate.compress(chunk)
        if out:
            yield out
    yield deflate.flush()
    yield crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")


def _incompressible(chunk: bytes) -> bool:
    sample = chunk[:_SAMPLE]
    return len(zlib.compress(sample, 1)) >= len(sample)


def _stored(data: bytes) -> Iterator[bytes]:
    """Non-final stored deflate blocks holding ``data`` (RFC 1951 3.2.4)."""
    view = memoryview(data)
    for start in range(0, len(data), _STORED_MAX):
        part = view[start:start + _STORED_MAX]
        n = len(part)
        yield b"\x00" + n.to_bytes(2, "little") + (n ^ 0xFFFF).to_bytes(2, "little")
        yield bytes(part)


def gzip_blob(layer: Layer) -> GzipBlob:
    """The layer's gzip blob (digest and size), computed once per diff id."""
    found = _CACHE.get(layer.diff_id)
    if found is None:
        sink, zeros = Sha256Writer(), [0]
        for chunk in gzip_chunks(layer, zeros):
            sink.write(chunk)
        found = GzipBlob(sink.digest, sink.size, zeros[0])
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[layer.diff_id] = found
    return found
