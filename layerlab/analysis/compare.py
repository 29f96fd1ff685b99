"""Images side by side: which layers they share (by chain id), what sharing saves, what differs.

A chain id names a layer *and everything below it*, so two images share a stored layer
exactly when they have the same chain id; the engine keeps it once.
"""

from __future__ import annotations

from dataclasses import dataclass

from layerlab.model.fs import File
from layerlab.model.image import Image

from .stack import StackWalk, entry_kind, same_entry


@dataclass(frozen=True)
class SharedLayer:
    chain_id: str
    index: int  #: its position (the same in every image: a chain id fixes the depth)
    size: int
    created_by: str
    images: tuple[int, ...]  #: which of the compared images hold it


@dataclass(frozen=True)
class PathDifference:
    path: str
    mark: str  #: A only in the other image, D only in the first, M different
    kind: str
    size_first: int
    size_other: int


@dataclass(frozen=True)
class Comparison:
    names: tuple[str, ...]
    shared: tuple[SharedLayer, ...]
    separate_bytes: int  #: the images' sizes added up, as if nothing were shared
    stored_bytes: int  #: what the engine stores: each distinct layer once
    saved_bytes: int  #: separate_bytes - stored_bytes
    own_layers: tuple[tuple[int, ...], ...]  #: per image, its layers no other image has
    differences: tuple[
        tuple[PathDifference, ...], ...
    ]  #: per image after the first, against the first


def compare(
    names: list[str], images: list[Image], walks: list[StackWalk], created_by: list[list[str]]
) -> Comparison:
    holders: dict[str, list[int]] = {}
    first_seen: dict[str, tuple[int, int]] = {}
    for n, image in enumerate(images):
        for i, chain in enumerate(image.chain_ids):
            if n not in holders.setdefault(chain, []):
                holders[chain].append(n)
            first_seen.setdefault(chain, (n, i))
    shared = []
    for chain, who in holders.items():
        if len(who) >= 2:
            n, i = first_seen[chain]
            steps = created_by[n]
            shared.append(
                SharedLayer(
                    chain,
                    i,
                    images[n].layers[i].size,
                    steps[i] if i < len(steps) else "",
                    tuple(who),
                )
            )
    shared.sort(key=lambda s: s.index)
    separate = sum(image.size for image in images)
    stored = sum(images[n].layers[i].size for n, i in first_seen.values())
    own = tuple(
        tuple(i for i, chain in enumerate(image.chain_ids) if len(holders[chain]) == 1)
        for image in images
    )
    diffs = tuple(
        _differences(images[0], walks[0], images[k], walks[k]) for k in range(1, len(images))
    )
    return Comparison(tuple(names), tuple(shared), separate, stored, separate - stored, own, diffs)


def _differences(a: Image, wa: StackWalk, b: Image, wb: StackWalk) -> tuple[PathDifference, ...]:
    """The final filesystems compared path by path. Entries that come from the same stored
    layer (equal diff_id, same path) are equal without reading their bytes."""
    ea, eb = dict(wa.final.items()), dict(wb.final.items())
    out = []
    for path in sorted(ea.keys() | eb.keys(), key=lambda p: p.split("/")):
        x, y = ea.get(path), eb.get(path)
        if x is None:
            assert y is not None
            out.append(PathDifference(path, "A", entry_kind(y), 0, _size(y)))
        elif y is None:
            out.append(PathDifference(path, "D", entry_kind(x), _size(x), 0))
        elif not _same_source(a, wa, b, wb, path) and not same_entry(x, y):
            out.append(PathDifference(path, "M", entry_kind(y), _size(x), _size(y)))
    return tuple(out)


def _same_source(a: Image, wa: StackWalk, b: Image, wb: StackWalk, path: str) -> bool:
    ka, kb = wa.final_origin.get(path), wb.final_origin.get(path)
    return (
        ka is not None
        and kb is not None
        and ka[1] == kb[1]
        and a.layers[ka[0]].diff_id == b.layers[kb[0]].diff_id
    )


def _size(entry: object) -> int:
    return entry.size if isinstance(entry, File) else 0
