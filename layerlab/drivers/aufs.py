"""aufs: a union filesystem outside the mainline kernel; whole-file copy-up."""

from __future__ import annotations

from layerlab.i18n import N_

from .base import StorageDriver
from .facts import Fact, Translated
from .status import DriverStatus


class Aufs(StorageDriver):
    name = "aufs"
    cow_unit = "file"
    block_size = None
    status = DriverStatus(
        deprecated="19.03", removed="24.0", note=N_("default on Ubuntu 14.04 (kernel 3.13) up to 18.06"), source="DEP",
        replaced_by="overlay2",
    )
    backing_filesystems = ("ext4", "xfs")
    incompatible_filesystems = ("aufs", "btrfs", "ecryptfs")
    max_layers = 125  # aufs itself allowed 127 branches
    page_cache_sharing = True
    layout_note = Translated(N_(
        "aufs/diff/<cache-id>/ (a layer's changes), aufs/layers/<cache-id> (its parents' ids, one a line), "
        "aufs/mnt/<cache-id>/ (the union mount); whiteouts as .wh.<name> files on disk"
    ))
    facts = (
        Fact("deprecated in 19.03, removed in 24.0", "DEP"),
        Fact("COW unit is the file: copy-up of the whole file on the first write", "DSD"),
        Fact("needs a kernel patched with aufs (Ubuntu/Debian kernels only)", "DSEL"),
    )
