"""Made-up files with real-looking names and sizes: what the catalogue's packages and bases hold.

The bytes are synthetic (:class:`CatalogueContent`, never stored), the names follow a
pattern per directory (``lib{}.so.1``, ``{}.py``) and the sizes are spread unevenly but
deterministically, so a total chosen to match a real image comes out exactly.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Mapping, Sequence
from functools import cache

from layerlab.model.content import CHUNK, SyntheticContent
from layerlab.model.fs import File


class CatalogueContent(SyntheticContent):
    """Synthetic bytes for catalogue files: a window into one shared 1 MiB random block.

    ``SyntheticContent`` makes (and keeps) a 1 MiB block per instance, ~3 ms each; a base
    image has hundreds of files, so that cost ~1 s per image and hundreds of MiB of memory.
    Here every file reads the same process-wide block from an offset derived from its
    seed, rotated per chunk like SyntheticContent: deterministic, as fast as copying, and
    still incompressible within gzip's window. It equals only another CatalogueContent
    with the same (size, seed): the bytes differ from ``SyntheticContent(size, seed)``.
    """

    def chunks(self) -> Iterator[bytes]:
        block = _shared_block()
        start = int.from_bytes(hashlib.sha256(f"{self.seed}".encode()).digest()[:8], "big") % CHUNK
        left, i = self.size, 0
        while left > 0:
            shift = (start + i * 7919) % CHUNK
            want = min(left, CHUNK)
            if shift + want <= CHUNK:
                yield block[shift : shift + want]
            else:
                yield block[shift:] + block[: want - (CHUNK - shift)]
            left -= want
            i += 1

    def __eq__(self, other: object) -> bool:
        return type(other) is CatalogueContent and (other.size, other.seed) == (self.size, self.seed)

    def __hash__(self) -> int:
        return hash(("catalogue", self.size, self.seed))

    def __repr__(self) -> str:
        return f"CatalogueContent(size={self.size}, seed={self.seed!r})"


@cache
def _shared_block() -> bytes:
    return random.Random("layerlab:catalogue").randbytes(CHUNK)


def _weights(keys: Sequence[str]) -> list[int]:
    """Deterministic, uneven weights (1..64) so generated files don't all look alike."""
    return [1 + hashlib.sha256(k.encode()).digest()[0] % 64 for k in keys]


def spread(total: int, paths: Sequence[str]) -> dict[str, int]:
    """Split ``total`` bytes over ``paths`` with uneven deterministic weights; sums exactly."""
    if not paths:
        if total:
            raise ValueError("no paths to spread bytes over")
        return {}
    weights = _weights(paths)
    whole = sum(weights)
    sizes = [total * w // whole for w in weights]
    sizes[0] += total - sum(sizes)
    return dict(zip(paths, sizes))


_STEMS = (
    "core util types config io net parse format cache errors log data codec text path hash "
    "sync time crypt compress locale term proc signal socket thread memory string list map "
    "table tree queue event stream file dir user group auth policy plugin"
).split()


def names(directory: str, count: int, pattern: str) -> list[str]:
    """``count`` real-looking file names in ``directory``; ``pattern`` like ``lib{}.so.1``."""
    out = []
    for i in range(count):
        stem = _STEMS[i % len(_STEMS)] + ("" if i < len(_STEMS) else str(i // len(_STEMS)))
        out.append(f"{directory}/{pattern.format(stem)}")
    return out


def layout(total: int, named: Mapping[str, int], groups: Sequence[tuple[str, int, str, float]]) -> dict[str, int]:
    """Named files with their sizes, and the rest of ``total`` spread over generated
    files: each group is (directory, count, name pattern, share of the rest)."""
    rest = total - sum(named.values())
    if rest < 0:
        raise ValueError(f"named files ({sum(named.values())}) exceed the total {total}")
    files = dict(named)
    shares = sum(g[3] for g in groups) or 1.0
    left = rest
    for i, (directory, count, pattern, share) in enumerate(groups):
        part = left if i == len(groups) - 1 else int(rest * share / shares)
        left -= part
        files.update(spread(part, names(directory, count, pattern)))
    return files


def file_mode(path: str) -> int:
    """0755 for what is executable (in a ``bin/`` or ``sbin/`` directory, ``libexec``, shared
    objects), else 0644."""
    executable = "/bin/" in f"/{path}" or "/sbin/" in f"/{path}" or ".so" in path or "libexec" in path
    return 0o755 if executable else 0o644


def synthetic_file(size: int, seed: str, path: str) -> File:
    """A file of ``size`` synthetic bytes seeded by ``seed``, with the mode its path suggests."""
    return File(content=CatalogueContent(size, seed), mode=file_mode(path))
