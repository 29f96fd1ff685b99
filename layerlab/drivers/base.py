"""The storage-driver interface: facts, status by engine version, and a disk-cost model.

A storage (graph) driver decides how an image's layers and a container's writable layer
are kept on disk. What the drivers differ in, and what this module models:

- the copy-on-write unit: a whole *file* (overlay2, overlay, aufs, fuse-overlayfs copy a
  file up on its first change), a *block* (btrfs, zfs, devicemapper snapshot and rewrite
  only the blocks a write touches) or *none* (vfs copies every layer whole);
- so the disk a layer, an image and a container use, and what the first write to a big
  file in a lower layer costs.

Units: file-level drivers and vfs are counted as ``du -sb`` counts (the sum of regular
file sizes, hard links once: what a real engine's layer dirs show); block-level drivers
round each file up to whole blocks (what ``btrfs filesystem du`` shows as exclusive
bytes). Metadata (inodes, directory blocks, btrfs/zfs tree nodes, journals) is ignored.

Images are taken as pulled or loaded: every file a layer's tar holds is written whole when
the layer is applied (a locally built ``RUN`` on a block driver may write fewer blocks).
"""

from __future__ import annotations

import re
from abc import ABC
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from layerlab.model.errors import LayerlabError
from layerlab.model.fs import File
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.tree import Tree

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

#: The layer store refuses chains this deep ("max depth exceeded") whatever the driver. [M]
LAYER_STORE_MAX_DEPTH = 125

#: Source keys (see docker-storage-facts.md): a fact always names where it comes from.
SOURCES: dict[str, str] = {
    "DOV": "docker/docs engine/storage/drivers/overlayfs-driver.md",
    "DSD": "docker/docs engine/storage/drivers/_index.md",
    "DSEL": "docker/docs engine/storage/drivers/select-storage-driver.md",
    "DCTD": "docker/docs engine/storage/containerd.md",
    "DEP": "docker/cli docs/deprecated.md",
    "KOV": "linux Documentation/filesystems/overlayfs.rst",
    "M": "moby/moby source (daemon/graphdriver/...)",
    "ENGINE": "observed on a real Docker Engine (tests/engine/test_driver_engines.py)",
}


class DriverError(LayerlabError):
    """An unknown storage driver, or one an engine version cannot use."""


CowUnit = Literal["file", "block", "none"]


# -- versions -----------------------------------------------------------------------------


def parse_version(version: str) -> tuple[int, ...]:
    """``"20.10.24+dfsg1"`` -> ``(20, 10, 24)``; refuses text without a leading number."""
    match = re.match(r"^v?(\d+(?:\.\d+)*)", version.strip())
    if not match:
        raise DriverError(f"not an engine or kernel version: {version!r} (expected e.g. '24.0' or '5.11')")
    return tuple(int(p) for p in match.group(1).split("."))


def version_at_least(version: str, minimum: str) -> bool:
    have, want = parse_version(version), parse_version(minimum)
    width = max(len(have), len(want))
    return have + (0,) * (width - len(have)) >= want + (0,) * (width - len(want))


@dataclass(frozen=True)
class Fact:
    """One statement about a driver and the source key it comes from."""

    text: str
    source: str

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise DriverError(f"unknown source key {self.source!r} (known: {', '.join(SOURCES)})")


@dataclass(frozen=True)
class Availability:
    """Whether an engine version can use a driver, and why (truthy when it can)."""

    ok: bool
    reason: str

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class DriverStatus:
    """A driver's life cycle in Docker Engine versions (``None``: never happened)."""

    added: str | None = None
    default_since: str | None = None
    deprecated: str | None = None
    disabled_by_default: str | None = None  #: still there, but needs an explicit opt-in
    removed: str | None = None
    note: str = ""
    source: str = "DEP"
    replaced_by: str | None = None  #: the driver the engine's docs send users to instead

    @property
    def supported(self) -> bool:
        """Supported in current engines: not deprecated, not removed."""
        return self.deprecated is None and self.removed is None

    def available_in(self, engine_version: str) -> Availability:
        if self.added and not version_at_least(engine_version, self.added):
            return Availability(False, f"added in Engine {self.added}, after {engine_version}")
        if self.removed and version_at_least(engine_version, self.removed):
            instead = f"; replaced by {self.replaced_by}" if self.replaced_by else ""
            return Availability(False, f"removed in Engine {self.removed} (deprecated in {self.deprecated}){instead}")
        if self.disabled_by_default and version_at_least(engine_version, self.disabled_by_default):
            return Availability(
                True,
                f"deprecated in {self.deprecated}; disabled by default since {self.disabled_by_default} "
                f"(opt-in only), removed in {self.removed}",
            )
        if self.deprecated and version_at_least(engine_version, self.deprecated):
            return Availability(True, f"deprecated since Engine {self.deprecated}; removed in {self.removed or 'a later release'}")
        return Availability(True, "supported" + (f" ({self.note})" if self.note else ""))

    def __str__(self) -> str:
        parts = []
        if self.added:
            parts.append(f"added {self.added}")
        if self.default_since:
            parts.append(f"default since {self.default_since}")
        if self.deprecated:
            parts.append(f"deprecated {self.deprecated}")
        if self.disabled_by_default:
            parts.append(f"off by default {self.disabled_by_default}")
        if self.removed:
            parts.append(f"removed {self.removed}")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts) or "supported"


# -- what a container does ----------------------------------------------------------------

OpKind = Literal["append", "write_at", "create", "delete", "chmod"]


@dataclass(frozen=True)
class Op:
    """One thing a container does to its filesystem.

    ``append``: add ``nbytes`` at the end of a file; ``write_at``: overwrite ``nbytes`` at
    ``offset`` in place (no truncation); ``create``: a new file of ``nbytes`` (or replace a
    file, ``>``: O_TRUNC copies no data); ``delete``: remove a file; ``chmod``: change
    metadata only.
    """

    kind: OpKind
    path: str
    nbytes: int = 0
    offset: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("append", "write_at", "create", "delete", "chmod"):
            raise DriverError(f"unknown operation {self.kind!r}")
        if self.nbytes < 0 or self.offset < 0:
            raise DriverError("byte counts and offsets must be >= 0")
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


def ops_from_overlay(overlay: object) -> list[Op]:
    """Turn a :class:`layerlab.model.overlay.Overlay`'s history into operations.

    Its ``copy_ups`` say which lower files were opened for append or write (O_TRUNC) and
    which only had metadata changed; its upper layer says what each file ends as.
    """
    from layerlab.model.overlay import Overlay

    if not isinstance(overlay, Overlay):
        raise DriverError(f"expected an Overlay, got {type(overlay).__name__}")
    diff = overlay.diff()
    lower = Tree.from_layers(overlay.layers)
    ops: list[Op] = []
    done: set[str] = set()
    for cu in overlay.copy_ups:
        path = cu.path.strip("/")
        old, new = lower.get(path), diff.entries.get(path)
        if not isinstance(old, File) or path in done:
            continue
        done.add(path)
        if not isinstance(new, File):
            ops.append(chmod(path))  # renamed/linked away: metadata only here
        elif cu.reason == "open for append":
            ops.append(append(path, max(0, new.size - old.size)))
        elif cu.reason in ("open for write (O_TRUNC)",):
            ops.append(create(path, new.size))
        elif cu.reason == "truncate":
            ops.append(create(path, new.size) if new.size <= old.size else append(path, new.size - old.size))
        else:
            ops.append(chmod(path))
    for path, entry in diff.entries.items():
        if isinstance(entry, File) and path not in done and not isinstance(lower.get(path), File):
            ops.append(create(path, entry.size))
    for path in sorted(diff.whiteouts):
        if lower.get(path) is not None:
            ops.append(delete(path))
    return ops


@dataclass(frozen=True)
class ContainerCost:
    """What a container's layers hold and what its writes cost."""

    disk: int  #: bytes its layers (-init and writable) use
    copied: int  #: bytes copied from lower layers (copy-up, partial-block copy, vfs deep copy)
    written: int  #: bytes the container's processes wrote


# -- the driver ---------------------------------------------------------------------------


def _round_up(n: int, unit: int) -> int:
    return -(-n // unit) * unit


@dataclass
class _FileState:
    size: int
    lower: bool  #: still the image's copy (nothing copied or written yet)
    blocks: set[int] = field(default_factory=set)  #: block-level: blocks this container owns


class StorageDriver(ABC):
    """A Docker storage driver: its facts and its disk-cost rules."""

    name: ClassVar[str]
    cow_unit: ClassVar[CowUnit]
    block_size: ClassVar[int | None] = None
    status: ClassVar[DriverStatus]
    backing_filesystems: ClassVar[tuple[str, ...]]
    #: Backing filesystems the driver refuses outright (ErrIncompatibleFS). [M]
    incompatible_filesystems: ClassVar[tuple[str, ...]] = ()
    max_layers: ClassVar[int] = LAYER_STORE_MAX_DEPTH
    page_cache_sharing: ClassVar[bool]
    layout_note: ClassVar[str]
    facts: ClassVar[tuple[Fact, ...]] = ()

    def __repr__(self) -> str:
        return f"<StorageDriver {self.name}: cow={self.cow_unit}, {self.status}>"

    # -- what one file costs --------------------------------------------------------
    def file_disk(self, size: int) -> int:
        """Bytes a regular file of ``size`` bytes occupies in a layer of this driver."""
        if self.cow_unit == "block":
            assert self.block_size
            return _round_up(size, self.block_size)
        return size

    def blocks_of(self, size: int) -> set[int]:
        """Block numbers a file of ``size`` bytes spans (block-level drivers)."""
        assert self.block_size
        return set(range(_round_up(size, self.block_size) // self.block_size))

    def touched_blocks(self, offset: int, nbytes: int) -> set[int]:
        if nbytes == 0:
            return set()
        assert self.block_size
        return set(range(offset // self.block_size, (offset + nbytes - 1) // self.block_size + 1))

    def first_write_cost(self, file_size: int, bytes_written: int, offset: int | None = None) -> int:
        """Bytes copied plus written by the first write to a file of ``file_size`` bytes
        that lives in an image layer (``offset`` None: an append at the end).

        file-level: the whole file is copied up, then the write lands in the copy;
        block-level: each touched block is written anew (a partly written block is
        copied first); none (vfs): the container already has its own copy, so only the
        write itself.
        """
        if file_size < 0 or bytes_written < 0:
            raise DriverError("sizes must be >= 0")
        at = file_size if offset is None else offset
        end = max(file_size, at + bytes_written)  # the file's size after the write
        if self.cow_unit == "file":
            return file_size + bytes_written
        if self.cow_unit == "none":
            return bytes_written
        return self._block_write_cost(file_size, at, bytes_written, end)

    def _block_write_cost(self, file_size: int, at: int, nbytes: int, end: int) -> int:
        assert self.block_size
        return len(self.touched_blocks(at, nbytes)) * self.block_size

    # -- layers and images ----------------------------------------------------------
    def layer_disk(self, image: Image | Sequence[Layer]) -> list[int]:
        """Disk used by each image layer (bottom first) once the image is pulled/loaded."""
        layers = _layers(image)
        self.check_depth(len(layers))
        if self.cow_unit == "none":
            tree = Tree()
            out = []
            for layer in layers:
                tree.apply(layer)
                out.append(self.tree_disk(tree))
            return out
        return [self.changes_disk(layer) for layer in layers]

    def changes_disk(self, layer: Layer) -> int:
        """Disk for the files a layer adds or changes (hard links once, whiteouts free)."""
        return sum(self.file_disk(e.size) for e in layer.entries.values() if isinstance(e, File))

    def tree_disk(self, tree: Tree) -> int:
        return sum(self.file_disk(e.size) for e in tree.files())

    def image_disk(self, image: Image | Sequence[Layer]) -> int:
        return sum(self.layer_disk(image))

    def check_depth(self, n_layers: int) -> None:
        if n_layers > self.max_layers:
            raise DriverError(
                f"{self.name} cannot stack {n_layers} layers (at most {self.max_layers})"
            )

    # -- containers -----------------------------------------------------------------
    def container_disk(self, image: Image | Sequence[Layer], writes: Iterable[Op] | object = ()) -> int:
        """Disk used by a container of ``image`` (its -init and writable layers) after
        ``writes`` (a list of :class:`Op`, or an Overlay whose copy-ups say what it did)."""
        return self.container_cost(image, writes).disk

    def container_cost(self, image: Image | Sequence[Layer], writes: Iterable[Op] | object = ()) -> ContainerCost:
        layers = _layers(image)
        # a container stacks -init and its writable layer on the image
        self.check_depth(len(layers) + 2)
        ops = _ops(writes)
        rootfs = Tree.from_layers(layers)
        base = self.tree_disk(rootfs) if self.cow_unit == "none" else 0
        # vfs: the -init layer is a full copy of the image, the writable layer a full copy of -init
        disk = copied = 2 * base
        written = 0
        files: dict[str, _FileState] = {}

        def state(path: str) -> _FileState | None:
            if path in files:
                return files[path]
            entry = rootfs.get(path)
            if isinstance(entry, File):
                files[path] = _FileState(entry.size, lower=True)
                return files[path]
            return None

        for op in ops:
            st = state(op.path)
            written += op.nbytes
            if op.kind == "create":
                if st is not None and self.cow_unit == "none":
                    disk -= self.file_disk(st.size)
                elif st is not None and not st.lower:
                    disk -= self._own_disk(st)
                new = _FileState(op.nbytes, lower=False)
                if self.cow_unit == "block":
                    new.blocks = self.blocks_of(op.nbytes)
                files[op.path] = new
                disk += self._own_disk(new)
                continue
            if st is None:
                raise DriverError(f"{op.kind} of /{op.path}: no such file in the image or container")
            if op.kind == "delete":
                if self.cow_unit == "none" or not st.lower:
                    disk -= self._own_disk(st) if self.cow_unit != "none" else self.file_disk(st.size)
                del files[op.path]
                continue
            at = st.size if op.kind == "append" else op.offset
            new_size = max(st.size, at + op.nbytes)
            if self.cow_unit == "none":
                disk += self.file_disk(new_size) - self.file_disk(st.size)
                st.size = new_size
                st.lower = False
                continue
            if self.cow_unit == "file":
                if st.lower:  # copy-up: the whole file, once, even for chmod
                    copied += st.size
                    disk += st.size
                    st.lower = False
                disk += new_size - st.size
                st.size = new_size
                continue
            # block level: metadata changes write no data blocks
            if op.kind == "chmod":
                continue
            before = self._own_disk(st) if not st.lower else 0
            touched = self._touched_for(st, at, op.nbytes)
            copied += self._partial_copy(st.size, at, op.nbytes, touched - st.blocks)
            st.blocks |= touched
            st.size = new_size
            st.lower = False
            disk += self._own_disk(st) - before
        return ContainerCost(disk=disk, copied=copied, written=written)

    def _touched_for(self, st: _FileState, at: int, nbytes: int) -> set[int]:
        return self.touched_blocks(at, nbytes)

    def _own_disk(self, st: _FileState) -> int:
        if self.cow_unit == "block":
            assert self.block_size
            return len(st.blocks) * self.block_size
        return self.file_disk(st.size)

    def _partial_copy(self, size: int, at: int, nbytes: int, touched: set[int]) -> int:
        """Old bytes that must be copied into newly written blocks (read-modify-write)."""
        assert self.block_size
        old = 0
        for b in touched:
            lo, hi = b * self.block_size, (b + 1) * self.block_size
            keep = max(0, min(hi, size) - lo) - max(0, min(hi, at + nbytes, size) - max(lo, at))
            old += max(0, keep)
        return old

    # -- description ----------------------------------------------------------------
    def describe(self) -> dict[str, object]:
        """The driver's facts as plain data (for tables and widgets)."""
        return {
            "name": self.name,
            "cow_unit": self.cow_unit,
            "block_size": self.block_size,
            "status": str(self.status),
            "backing_filesystems": list(self.backing_filesystems),
            "max_layers": self.max_layers,
            "page_cache_sharing": self.page_cache_sharing,
            "layout": self.layout_note,
            "facts": [(f.text, f.source) for f in self.facts],
        }


def _layers(image: Image | Sequence[Layer]) -> tuple[Layer, ...]:
    return image.layers if isinstance(image, Image) else tuple(image)


def _ops(writes: Iterable[Op] | object) -> list[Op]:
    from layerlab.model.overlay import Overlay

    if isinstance(writes, Overlay):
        return ops_from_overlay(writes)
    ops = list(writes)  # type: ignore[call-overload]
    for op in ops:
        if not isinstance(op, Op):
            raise DriverError(f"writes must be Op values or an Overlay, got {type(op).__name__}")
    return ops
