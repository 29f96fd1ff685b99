"""The storage-driver interface: what a driver is, and its disk-cost model.

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

On a backing filesystem with reflink (:mod:`.reflink`: XFS, btrfs), :meth:`StorageDriver.on`
gives the driver whose copies are clones: a copy-up or a vfs copy adds no data blocks, and
a write to a cloned file owns the 4 KiB blocks it touches (what ``df`` sees).

Images are taken as pulled or loaded: every file a layer's tar holds is written whole when
the layer is applied (a locally built ``RUN`` on a block driver may write fewer blocks).
Each driver is one small module that sets the class attributes and overrides what differs.
"""

from __future__ import annotations

import copy
from abc import ABC
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from layerlab.i18n import _
from layerlab.model.fs import File
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay
from layerlab.model.tree import Tree

from .errors import DriverError
from .facts import Fact
from .ops import Op, as_ops
from .reflink import REFLINK_BLOCK, shares_blocks
from .status import DriverStatus

#: The layer store refuses chains this deep ("max depth exceeded") whatever the driver. [M]
LAYER_STORE_MAX_DEPTH = 125

CowUnit = Literal["file", "block", "none"]


@dataclass(frozen=True)
class ContainerCost:
    """What a container's layers hold and what its writes cost."""

    disk: int  #: bytes its layers (-init and writable) use
    copied: int  #: bytes copied from lower layers (copy-up, partial-block copy, vfs deep copy)
    written: int  #: bytes the container's processes wrote


def round_up(n: int, unit: int) -> int:
    """``n`` rounded up to a whole number of ``unit``."""
    return -(-n // unit) * unit


@dataclass
class FileState:
    """One regular file as a container sees it while its writes are counted."""

    size: int
    lower: bool  #: still the image's copy (nothing copied or written yet)
    blocks: set[int] = field(default_factory=set)  #: block-level: blocks this container owns
    cloned: bool = False  #: a reflink copy of an image file: it owns only ``blocks``


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
    #: copies on this host's backing filesystem are reflink clones (:meth:`on`)
    reflink: bool = False
    backing_fs: str = "ext4"

    def __repr__(self) -> str:
        clone = ", copies share blocks (reflink)" if self.reflink else ""
        return f"<StorageDriver {self.name}: cow={self.cow_unit}{clone}, {self.status}>"

    def on(self, backing_fs: str) -> StorageDriver:
        """This driver on ``backing_fs``: its copies are clones where the filesystem has
        reflink (XFS, btrfs); block-level drivers already share blocks."""
        placed = copy.copy(self)
        placed.backing_fs = backing_fs
        placed.reflink = shares_blocks(backing_fs) and self.cow_unit != "block"
        return placed

    def _cow_block(self) -> int | None:
        """The unit a write to a copy of an image file owns: the driver's block, a 4 KiB
        block of a reflink clone, or None (file-level copy-up, vfs deep copy on ext4)."""
        if self.cow_unit == "block":
            return self.block_size
        return REFLINK_BLOCK if self.reflink else None

    # -- what one file costs --------------------------------------------------------
    def file_disk(self, size: int) -> int:
        """Bytes a regular file of ``size`` bytes occupies in a layer of this driver."""
        if self.cow_unit == "block":
            assert self.block_size
            return round_up(size, self.block_size)
        return size

    def blocks_of(self, size: int) -> set[int]:
        """Block numbers a file of ``size`` bytes spans (block-level drivers)."""
        block = self._cow_block()
        assert block
        return set(range(round_up(size, block) // block))

    def touched_blocks(self, offset: int, nbytes: int) -> set[int]:
        if nbytes == 0:
            return set()
        block = self._cow_block()
        assert block
        return set(range(offset // block, (offset + nbytes - 1) // block + 1))

    def first_write_cost(self, file_size: int, bytes_written: int, offset: int | None = None) -> int:
        """Bytes copied plus written by the first write to a file of ``file_size`` bytes
        that lives in an image layer (``offset`` None: an append at the end).

        file-level: the whole file is copied up, then the write lands in the copy;
        block-level: each touched block is written anew (a partly written block is
        copied first); none (vfs): the container already has its own copy, so only the
        write itself; with reflink a file-level copy is a clone: like block-level, 4 KiB.
        """
        if file_size < 0 or bytes_written < 0:
            raise DriverError(_("sizes must be >= 0"))
        at = file_size if offset is None else offset
        end = max(file_size, at + bytes_written)  # the file's size after the write
        if self.cow_unit == "file" and not self.reflink:
            return file_size + bytes_written
        if self.cow_unit == "none" and not self.reflink:
            return bytes_written
        return self._block_write_cost(file_size, at, bytes_written, end)

    def _block_write_cost(self, file_size: int, at: int, nbytes: int, end: int) -> int:
        block = self._cow_block()
        assert block
        return len(self.touched_blocks(at, nbytes)) * block

    # -- layers and images ----------------------------------------------------------
    def layer_disk(self, image: Image | Sequence[Layer]) -> list[int]:
        """Disk used by each image layer (bottom first) once the image is pulled/loaded."""
        layers = image_layers(image)
        self.check_depth(len(layers))
        if self.cow_unit == "none" and not self.reflink:  # with reflink each copy of the parent is a clone
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
                _("{driver} cannot stack {n} layers (at most {max})", driver=self.name, n=n_layers, max=self.max_layers)
            )

    # -- containers -----------------------------------------------------------------
    def container_disk(self, image: Image | Sequence[Layer], writes: Iterable[Op] | Overlay = ()) -> int:
        """Disk used by a container of ``image`` (its -init and writable layers) after
        ``writes`` (a list of :class:`Op`, or an Overlay whose copy-ups say what it did)."""
        return self.container_cost(image, writes).disk

    def container_cost(self, image: Image | Sequence[Layer], writes: Iterable[Op] | Overlay = ()) -> ContainerCost:
        """What a container of ``image`` holds on disk, copies and writes after ``writes``."""
        layers = image_layers(image)
        self.check_depth(len(layers) + 2)  # a container stacks -init and its writable layer on the image
        rootfs = Tree.from_layers(layers)
        # vfs: the -init layer is a full copy of the image, the writable layer a full copy of -init
        disk = copied = 2 * self.tree_disk(rootfs) if self.cow_unit == "none" and not self.reflink else 0
        written = 0
        files: dict[str, FileState] = {}
        for op in as_ops(writes):
            written += op.nbytes
            st = files.get(op.path) or _image_file(rootfs, op.path)
            if op.kind == "create":
                disk -= self.held(st) if st is not None else 0
                st = files[op.path] = self._new_file(op.nbytes)
                disk += self.held(st)
            elif st is None:
                raise DriverError(_("{kind} of /{path}: no such file in the image or container", kind=op.kind, path=op.path))
            elif op.kind == "delete":
                disk -= self.held(st)
                files.pop(op.path, None)
            else:
                files[op.path] = st
                before = self.held(st)
                copied += self._change(st, op)
                disk += self.held(st) - before
        return ContainerCost(disk=disk, copied=copied, written=written)

    def held(self, st: FileState) -> int:
        """Bytes the container's own layers hold for a file (none while it is the image's copy,
        except with vfs, whose container layers are full copies)."""
        if st.lower and (self.cow_unit != "none" or self.reflink):
            return 0
        return self._own_disk(st)

    def _new_file(self, size: int) -> FileState:
        new = FileState(size, lower=False)
        if self.cow_unit == "block":
            new.blocks = self.blocks_of(size)
        return new

    def _change(self, st: FileState, op: Op) -> int:
        """Apply an append, write or chmod to ``st``; the bytes copy-on-write copied for it."""
        if op.kind == "metacopy":  # the kernel copied up metadata only: the data is still the image's
            return 0
        at = st.size if op.kind == "append" else op.offset
        if self.cow_unit == "block" or (self.reflink and (st.lower or st.cloned)):
            st.cloned = st.cloned or self.cow_unit != "block"  # a reflink clone of the image's file
            st.lower = False
            if op.kind == "chmod":  # metadata only: no data block is written (a clone shares them all)
                return 0
            touched = self.touched_blocks(at, op.nbytes)
            copied = self._partial_copy(st.size, at, op.nbytes, touched - st.blocks)
            st.blocks |= touched
        else:  # file level: the whole file is copied up once, even for a chmod; vfs copies nothing
            copied = st.size if self.cow_unit == "file" and st.lower else 0
        st.size = max(st.size, at + op.nbytes)
        st.lower = False
        return copied

    def _own_disk(self, st: FileState) -> int:
        block = self._cow_block()
        if self.cow_unit == "block" or st.cloned:
            assert block
            return len(st.blocks) * block
        return self.file_disk(st.size)

    def _partial_copy(self, size: int, at: int, nbytes: int, touched: set[int]) -> int:
        """Old bytes that must be copied into newly written blocks (read-modify-write)."""
        block = self._cow_block()
        assert block
        old = 0
        for b in touched:
            lo, hi = b * block, (b + 1) * block
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
            "reflink": self.reflink,
            "status": str(self.status),
            "backing_filesystems": list(self.backing_filesystems),
            "max_layers": self.max_layers,
            "page_cache_sharing": self.page_cache_sharing,
            "layout": self.layout_note,
            "facts": [(f.text, f.source) for f in self.facts],
        }


def image_layers(image: Image | Sequence[Layer]) -> tuple[Layer, ...]:
    """The layers of an image, or the sequence of layers given instead of one."""
    return image.layers if isinstance(image, Image) else tuple(image)


def _image_file(rootfs: Tree, path: str) -> FileState | None:
    """A regular file of the image as the container first sees it (None: no such file)."""
    entry = rootfs.get(path)
    return FileState(entry.size, lower=True) if isinstance(entry, File) else None
