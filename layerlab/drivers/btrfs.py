"""btrfs: each layer a subvolume snapshot of its parent; copy-on-write per 4 KiB block."""

from __future__ import annotations

from layerlab.i18n import N_
from layerlab.model.units import KiB

from .base import StorageDriver
from .facts import Fact, Translated
from .status import DriverStatus


class Btrfs(StorageDriver):
    name = "btrfs"
    cow_unit = "block"
    block_size = 4 * KiB  # the sector size (= page size on x86-64)
    status = DriverStatus(
        note=N_("first on btrfs before 23.0; since 23.0 (moby#42661) opt-in: overlay2 comes first"), source="DSEL"
    )
    backing_filesystems = ("btrfs",)
    incompatible_filesystems = ()
    max_layers = 125
    page_cache_sharing = False
    layout_note = Translated(N_(
        "btrfs/subvolumes/<cache-id>: one subvolume per layer, a snapshot of its parent's; "
        "a container: btrfs/subvolumes/<mount-id>-init and btrfs/subvolumes/<mount-id>"
    ))
    facts = (
        Fact("a layer is a btrfs subvolume snapshot of its parent: no data copied when it is made", "DSD"),
        Fact("COW per block: a write allocates new blocks only for the extent it touches", "DSD"),
        Fact("appending 1 byte to a 5 MB image file in a container: 4096 exclusive bytes (one block)", "ENGINE"),
        Fact("no page-cache sharing between containers: each snapshot's pages are cached separately", "DSD"),
        Fact("needs a btrfs backing filesystem (the data root on btrfs)", "DSEL"),
    )
