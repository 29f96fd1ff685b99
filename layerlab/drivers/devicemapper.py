"""devicemapper: thin-provisioned snapshots of block devices; copy-on-write per 64 KiB chunk."""

from __future__ import annotations

from layerlab.i18n import N_
from layerlab.model.units import KiB

from .base import StorageDriver
from .facts import Fact, Translated
from .status import DriverStatus


class Devicemapper(StorageDriver):
    name = "devicemapper"
    cow_unit = "block"
    block_size = 64 * KiB  # the thin pool's block (chunk) size
    status = DriverStatus(deprecated="18.09", disabled_by_default="23.0", removed="25.0", source="DEP", replaced_by="overlay2")
    backing_filesystems = Translated((N_("direct-lvm thin pool (block device)"), N_("loop-lvm files (testing only)")))
    incompatible_filesystems = ()
    max_layers = 125
    page_cache_sharing = False
    layout_note = Translated(N_(
        "devicemapper/devicemapper/{data,metadata} (the thin pool: sparse loop files in loop-lvm "
        "mode), devicemapper/metadata/<cache-id> (device id, size), devicemapper/mnt/<cache-id>/ "
        "(each layer a thin snapshot device holding an ext4/xfs filesystem)"
    ))
    facts = (
        Fact("deprecated in 18.09, off by default in 23.0, removed in 25.0", "DEP"),
        Fact("each layer is a thin snapshot of its parent's device: COW per 64 KiB block", "DSD"),
        Fact("the first write to a shared block allocates and copies the whole 64 KiB block", "DSD"),
        Fact("no page-cache sharing: each device caches its own pages", "DSD"),
    )
