"""Every driver by name, and which one a Docker Engine picks when none is configured.

The rule ``choose_driver`` implements (moby ``daemon/graphdriver/driver.go`` ``New`` and
``driver_linux.go``):

1. A prior driver wins: a non-empty ``<data-root>/<driver>/`` dir of exactly one driver
   other than vfs (several: the daemon refuses to start). A removed prior driver is an error.
2. Otherwise the priority list, first driver whose init succeeds on the backing fs:
   Engine >= 23.0 (moby#42661): overlay2, fuse-overlayfs, btrfs, zfs, vfs;
   before: btrfs, zfs, overlay2, fuse-overlayfs, aufs, overlay, devicemapper, vfs.
   Deprecated drivers (aufs, overlay, devicemapper) are never picked here: aufs needs an
   aufs kernel, devicemapper a configured thin pool, and overlay always loses to overlay2.
3. btrfs / zfs init only on their own filesystem; overlay2 refuses aufs, ecryptfs, overlay,
   zfs (< OpenZFS 2.2), nfs and xfs without ftype=1, needs kernel >= 4.0 and, rootless,
   >= 5.11; fuse-overlayfs needs its binary (by default: assumed present when rootless)
   and kernel >= 4.18; zfs is not available rootless; vfs always works.

Checked against Debian's dockerd 20.10: ext4 -> overlay2, btrfs -> btrfs.
With the containerd image store (fresh 29.0 installs) the answer is the snapshotter
``overlayfs`` instead: this function answers for the classic graph-driver store.
"""

from __future__ import annotations

from collections.abc import Iterable

from .aufs import Aufs
from .base import DriverError, StorageDriver, version_at_least
from .btrfs import Btrfs
from .devicemapper import Devicemapper
from .fuse_overlayfs import FuseOverlayfs
from .overlay import Overlay
from .overlay2 import Overlay2
from .vfs import Vfs
from .zfs import Zfs

DRIVERS: dict[str, StorageDriver] = {
    d.name: d
    for d in (Overlay2(), FuseOverlayfs(), Btrfs(), Zfs(), Vfs(), Overlay(), Aufs(), Devicemapper())
}

#: moby's priority lists (driver_linux.go)
PRIORITY = ("overlay2", "fuse-overlayfs", "btrfs", "zfs", "vfs")
PRIORITY_BEFORE_23 = ("btrfs", "zfs", "overlay2", "fuse-overlayfs", "aufs", "overlay", "devicemapper", "vfs")


def get_driver(name: str) -> StorageDriver:
    try:
        return DRIVERS[name]
    except KeyError:
        raise DriverError(f"unknown storage driver {name!r}; known: {', '.join(DRIVERS)}") from None


def priority_list(engine_version: str) -> tuple[str, ...]:
    return PRIORITY if version_at_least(engine_version, "23.0") else PRIORITY_BEFORE_23


def _normal_fs(backing_fs: str) -> str:
    fs = backing_fs.strip().lower()
    return {"extfs": "ext4", "ext3": "ext4", "ext2": "ext4", "overlayfs": "overlay"}.get(fs, fs)


def works_on(
    name: str, backing_fs: str, *, kernel: str = "6.1", rootless: bool = False, fuse_overlayfs: bool | None = None
) -> tuple[bool, str]:
    """Whether ``name``'s init would succeed on ``backing_fs``, and why not."""
    fs = _normal_fs(backing_fs)
    if name == "vfs":
        return True, "vfs works on any filesystem"
    if name in ("btrfs", "zfs"):
        if fs != name:
            return False, f"{name} needs a {name} backing filesystem, not {fs}"
        if name == "zfs" and rootless:
            return False, "zfs is not supported in rootless mode"
        return True, f"{name} on {fs}"
    if name == "overlay2":
        drv = DRIVERS["overlay2"]
        if fs in drv.incompatible_filesystems:
            return False, f"overlay2 is not supported over {fs}"
        if not version_at_least(kernel, "4.0"):
            return False, f"overlay2 needs kernel >= 4.0 (have {kernel})"
        if rootless and not version_at_least(kernel, "5.11"):
            return False, f"rootless overlay2 needs kernel >= 5.11 (have {kernel})"
        return True, f"overlay2 on {fs}"
    if name == "fuse-overlayfs":
        installed = rootless if fuse_overlayfs is None else fuse_overlayfs
        if not installed:
            return False, "the fuse-overlayfs binary is not installed"
        if not version_at_least(kernel, "4.18"):
            return False, f"fuse-overlayfs needs kernel >= 4.18 (have {kernel})"
        return True, "fuse-overlayfs (FUSE)"
    if name in ("aufs", "overlay", "devicemapper"):
        return False, f"{name} is deprecated: never chosen automatically here"
    raise DriverError(f"unknown storage driver {name!r}; known: {', '.join(DRIVERS)}")


def choose_driver(
    backing_fs: str,
    *,
    engine_version: str = "29.0",
    kernel: str = "6.1",
    rootless: bool = False,
    existing: Iterable[str] = (),
    fuse_overlayfs: bool | None = None,
) -> str:
    """The graph driver an engine picks with no ``--storage-driver`` (see the module doc).

    ``existing``: driver dirs already present (non-empty) under the data root.
    """
    prior = sorted({e for e in existing if e != "vfs"})
    if len(prior) > 1:
        raise DriverError(
            f"the data root contains several graphdrivers: {', '.join(prior)}; "
            "clean up or choose one with --storage-driver"
        )
    if prior:
        driver = get_driver(prior[0])
        avail = driver.status.available_in(engine_version)
        if not avail:
            raise DriverError(f"prior storage driver {driver.name}: {avail.reason} (Engine {engine_version})")
        return driver.name
    reasons = []
    for name in priority_list(engine_version):
        driver = DRIVERS[name]
        if not driver.status.supported or not driver.status.available_in(engine_version):
            continue
        ok, why = works_on(name, backing_fs, kernel=kernel, rootless=rootless, fuse_overlayfs=fuse_overlayfs)
        if ok:
            return name
        reasons.append(why)
    raise DriverError("no supported storage backend found: " + "; ".join(reasons))
