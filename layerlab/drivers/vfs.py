"""vfs: no copy-on-write at all; every layer and container is a deep copy."""

from __future__ import annotations

from layerlab.i18n import N_

from .base import StorageDriver
from .facts import Fact, Translated
from .status import DriverStatus


class Vfs(StorageDriver):
    name = "vfs"
    cow_unit = "none"
    block_size = None
    status = DriverStatus(note=N_("for testing only; works on any filesystem"), source="DSD")
    backing_filesystems = Translated((N_("any"),))
    incompatible_filesystems = ()
    max_layers = 125
    page_cache_sharing = False
    layout_note = Translated(N_(
        "vfs/dir/<cache-id>/: a plain directory holding the WHOLE filesystem of that layer "
        "(its parent copied, then its changes applied); a container: vfs/dir/<mount-id>-init/ "
        "and vfs/dir/<mount-id>/, both full copies"
    ))
    facts = (
        Fact("no copy-on-write: each layer is a deep copy of its parent plus its changes", "DSD"),
        Fact("no whiteouts: deleted paths are removed from the copy", "DSD"),
        Fact("a container's -init layer and writable layer are each a full copy of the image (2x its size; "
             "on XFS with reflink or btrfs the copies share blocks)", "ENGINE"),
        Fact("writes after the copy are native: appending 1 byte costs 1 byte", "DSD"),
        Fact("last in the priority list; a prior vfs dir does not make the daemon keep vfs", "M"),
    )
