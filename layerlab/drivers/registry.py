"""Every storage driver by name: one instance of each driver class."""

from __future__ import annotations

from layerlab.i18n import _

from .aufs import Aufs
from .base import StorageDriver
from .btrfs import Btrfs
from .devicemapper import Devicemapper
from .errors import DriverError
from .fuse_overlayfs import FuseOverlayfs
from .overlay import Overlay
from .overlay2 import Overlay2
from .vfs import Vfs
from .zfs import Zfs

DRIVERS: dict[str, StorageDriver] = {
    d.name: d
    for d in (Overlay2(), FuseOverlayfs(), Btrfs(), Zfs(), Vfs(), Overlay(), Aufs(), Devicemapper())
}


def get_driver(name: str) -> StorageDriver:
    """A driver by name; an unknown name raises :class:`DriverError` listing the known ones."""
    try:
        return DRIVERS[name]
    except KeyError:
        raise DriverError(_("unknown storage driver {name!r}; known: {known}", name=name, known=", ".join(DRIVERS))) from None
