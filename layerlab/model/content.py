"""File contents: real bytes, or large synthetic data that is streamed, never held whole."""

from __future__ import annotations

import hashlib
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from functools import cached_property, lru_cache

CHUNK = 1 << 20


class Content(ABC):
    """The bytes of a regular file, readable as a stream of chunks."""

    size: int

    @abstractmethod
    def chunks(self) -> Iterator[bytes]:
        """Yield the bytes in order; the total length is ``size``."""

    def read(self) -> bytes:
        """All the bytes at once; for small files (notebook display, tests)."""
        return b"".join(self.chunks())

    @cached_property
    def sha256(self) -> str:
        h = hashlib.sha256()
        for chunk in self.chunks():
            h.update(chunk)
        return "sha256:" + h.hexdigest()

    def same_bytes(self, other: Content) -> bool:
        """True when both hold the same bytes (cheap when sizes differ)."""
        return self.size == other.size and (self is other or self.sha256 == other.sha256)


class BytesContent(Content):
    """Content held in memory."""

    def __init__(self, data: bytes | str) -> None:
        self.data = data.encode() if isinstance(data, str) else bytes(data)
        self.size = len(self.data)

    def chunks(self) -> Iterator[bytes]:
        if self.data:
            yield self.data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BytesContent) and other.data == self.data

    def __hash__(self) -> int:
        return hash(self.data)

    def __repr__(self) -> str:
        shown = self.data[:24]
        more = "..." if self.size > 24 else ""
        return f"BytesContent({shown!r}{more}, size={self.size})"


class SyntheticContent(Content):
    """``size`` pseudo-random bytes derived from ``seed``: a big file that costs no memory.

    The same (size, seed) always gives the same bytes, so digests are reproducible. The
    stream is a seeded 1 MiB block, rotated per chunk: as fast as copying memory, and not
    compressible by gzip's 32 KiB window, like real binaries.
    """

    def __init__(self, size: int, seed: int | str = 0) -> None:
        if size < 0:
            raise ValueError(f"size must be >= 0, got {size}")
        self.size = size
        self.seed = seed

    @property
    def _block(self) -> bytes:
        return _seeded_block(self.seed)

    def chunks(self) -> Iterator[bytes]:
        block, left, i = self._block, self.size, 0
        while left > 0:
            shift = (i * 7919) % CHUNK
            chunk = block[shift:] + block[:shift]
            yield chunk[:left] if left < CHUNK else chunk
            left -= CHUNK
            i += 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SyntheticContent) and (other.size, other.seed) == (
            self.size,
            self.seed,
        )

    def __hash__(self) -> int:
        return hash((self.size, self.seed))

    def __repr__(self) -> str:
        return f"SyntheticContent(size={self.size}, seed={self.seed!r})"


@lru_cache(maxsize=32)
def _seeded_block(seed: int | str) -> bytes:
    """One 1 MiB block per seed, shared by every content with that seed (and few kept)."""
    return random.Random(f"layerlab:{seed}").randbytes(CHUNK)


class LazyContent(Content):
    """Content stored elsewhere (inside an archive), read back only when asked for."""

    def __init__(self, size: int, open_chunks: Callable[[], Iterator[bytes]], label: str = "") -> None:
        self.size = size
        self._open_chunks = open_chunks
        self.label = label

    def chunks(self) -> Iterator[bytes]:
        return self._open_chunks()

    def __repr__(self) -> str:
        return f"LazyContent(size={self.size}, from={self.label!r})"


def as_content(value: Content | bytes | str) -> Content:
    """Accept plain bytes or text wherever content is expected."""
    return value if isinstance(value, Content) else BytesContent(value)


class ZeroContent(Content):
    """``size`` zero bytes (``dd if=/dev/zero``, a file extended by ``truncate``)."""

    _ZEROS = bytes(CHUNK)

    def __init__(self, size: int) -> None:
        self.size = size

    def chunks(self) -> Iterator[bytes]:
        left = self.size
        while left > 0:
            yield self._ZEROS if left >= CHUNK else bytes(left)
            left -= CHUNK

    def __repr__(self) -> str:
        return f"ZeroContent(size={self.size})"


class ConcatContent(Content):
    """One content after another: an append never copies the bytes it appends to."""

    def __init__(self, *parts: Content) -> None:
        self.parts = tuple(p for part in parts for p in (part.parts if isinstance(part, ConcatContent) else (part,)))
        self.size = sum(p.size for p in self.parts)

    def chunks(self) -> Iterator[bytes]:
        for part in self.parts:
            yield from part.chunks()

    def __repr__(self) -> str:
        return f"ConcatContent({', '.join(map(repr, self.parts))})"


class PrefixContent(Content):
    """The first ``size`` bytes of another content, zero-padded if it is shorter (truncate)."""

    def __init__(self, content: Content, size: int) -> None:
        self.content, self.size = content, size

    def chunks(self) -> Iterator[bytes]:
        left = self.size
        for chunk in self.content.chunks():
            if left <= 0:
                return
            piece = chunk[:left]
            left -= len(piece)
            yield piece
        yield from ZeroContent(left).chunks()

    def __repr__(self) -> str:
        return f"PrefixContent({self.content!r}, size={self.size})"
