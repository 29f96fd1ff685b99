"""zfs: each layer a clone of a snapshot of its parent's dataset; COW per 128 KiB record."""

from __future__ import annotations

from layerlab.i18n import N_
from layerlab.model.units import KiB

from .base import FileState, StorageDriver, round_up
from .facts import Fact, Translated
from .status import DriverStatus

#: ZFS allocates small files in one block of their size rounded up to the pool's sector (ashift=12)
SECTOR = 4 * KiB


class Zfs(StorageDriver):
    name = "zfs"
    cow_unit = "block"
    block_size = 128 * KiB  # the default recordsize
    status = DriverStatus(
        added="1.7", note=N_("first on zfs before 23.0; since 23.0 opt-in (overlay2 first where it works)"), source="DSEL"
    )
    backing_filesystems = ("zfs",)
    incompatible_filesystems = ()
    max_layers = 125
    page_cache_sharing = True  # ARC caches a block shared by clones once
    layout_note = Translated(N_(
        "datasets <pool>/<dataset of the data root>/<cache-id>: the base layer a filesystem, each "
        "later layer a clone of a snapshot of its parent; mounted under zfs/graph/<id>"
    ))
    facts = (
        Fact("a layer is a ZFS clone of a snapshot of its parent's dataset", "DSD"),
        Fact("COW per record (recordsize 128 KiB by default): a write rewrites the records it touches", "DSD"),
        Fact("files smaller than a record use one block of their own size (rounded to the sector)", "DSD"),
        Fact("needs a zfs backing filesystem; not supported in rootless mode", "DSEL"),
    )

    def file_disk(self, size: int) -> int:
        assert self.block_size
        if size <= self.block_size:
            return round_up(size, SECTOR)
        return round_up(size, self.block_size)

    def _own_disk(self, st: FileState) -> int:
        assert self.block_size
        if st.size <= self.block_size:
            return round_up(st.size, SECTOR) if st.blocks else 0
        return len(st.blocks) * self.block_size

    def _block_write_cost(self, file_size: int, at: int, nbytes: int, end: int) -> int:
        assert self.block_size
        if end <= self.block_size:  # still one small block: all of it is rewritten
            return round_up(end, SECTOR) if nbytes else 0
        return super()._block_write_cost(file_size, at, nbytes, end)
