"""overlay2: overlayfs with up to 128 lower dirs; whole-file copy-up on the first change."""

from __future__ import annotations

from layerlab.i18n import N_

from .base import StorageDriver
from .facts import Fact, Translated
from .status import DriverStatus

#: overlay2 mounts at most this many lower directories (the mount data must fit one page). [M]
OVERLAY2_MAX_LOWERS = 128


class Overlay2(StorageDriver):
    name = "overlay2"
    cow_unit = "file"
    block_size = None
    status = DriverStatus(
        added="1.12",
        default_since="17.09",
        note=N_("first in the priority list on every backing fs since 23.0; legacy once the containerd image store is used"),
        source="DSEL",
    )
    backing_filesystems = Translated(("ext4", N_("xfs (ftype=1)"), N_("btrfs (since 20.10)"), "tmpfs"))
    incompatible_filesystems = ("aufs", "ecryptfs", "overlay", "zfs", "nfs", "xfs-ftype0")
    # the layer store's limit (125) is reached before overlay2's 128 lowers (+ -init + rw)
    max_layers = 125
    page_cache_sharing = True
    min_kernel = "4.0"
    rootless_min_kernel = "5.11"
    layout_note = Translated(N_(
        "overlay2/<cache-id>/{diff/,link,lower,work/,merged/ (while mounted),committed}; "
        "overlay2/l/<26-char id> -> ../<cache-id>/diff (short names for mount options); "
        "a container: overlay2/<mount-id>-init/ and overlay2/<mount-id>/ (upper = diff/)"
    ))
    facts = (
        Fact("COW unit is the file: the first open for write, chmod or chown copies the whole file up "
             "(unless the kernel has metacopy on; on XFS with reflink or btrfs the copy shares blocks)", "KOV"),
        Fact("copy-up happens once per file; later writes go to the upper copy", "KOV"),
        Fact("at most 128 lower layers per mount", "M"),
        Fact("the classic store's layer store takes at most 125 layers; the 126th is refused ('max depth exceeded')", "M"),
        Fact("supported on ext4 and xfs with ftype=1 (the docs' list); it starts wherever the kernel mounts "
             "overlayfs there with d_type (btrfs too) and fails where it does not (e.g. nfs, overlay, aufs)", "M"),
        Fact("files of one image are shared in the page cache by all containers", "DOV"),
        Fact("on btrfs, Engine 20.10 still picks the btrfs driver when none is configured", "ENGINE"),
    )
