"""fuse-overlayfs: overlayfs semantics in user space (FUSE), for rootless Docker on old kernels."""

from __future__ import annotations

from layerlab.i18n import N_

from .base import StorageDriver
from .facts import Fact, Translated
from .status import DriverStatus


class FuseOverlayfs(StorageDriver):
    name = "fuse-overlayfs"
    cow_unit = "file"
    block_size = None
    status = DriverStatus(added="20.10", note=N_("for rootless mode on kernels < 5.11"), source="DSEL")
    backing_filesystems = Translated((N_("any (needs /dev/fuse and the fuse-overlayfs binary)"),))
    incompatible_filesystems = ()
    max_layers = 125
    page_cache_sharing = True
    min_kernel = "4.18"
    layout_note = Translated(N_(
        "fuse-overlayfs/<cache-id>/{diff/,link,lower,work/,merged/} and fuse-overlayfs/l/: "
        "the overlay2 layout, mounted by the fuse-overlayfs program"
    ))
    facts = (
        Fact("file-level COW like overlay2 (copy-up of the whole file; by analogy, not stated in the docs)", "DSEL"),
        Fact("used by rootless Docker when the kernel (< 5.11) cannot mount overlayfs unprivileged", "DSEL"),
        Fact("second in the priority list; only works when the fuse-overlayfs binary is installed", "M"),
    )
