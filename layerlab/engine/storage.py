"""Which storage driver a simulated host runs, on which engine version, and what it costs.

A simulated host runs on one driver (overlay2 on ext4 with Engine 20.10 unless
told otherwise). The driver is checked the way a daemon checks it at start-up: an unknown
name or one the engine version no longer has is refused (saying when it was removed and
what replaced it); a deprecated one starts, with the warning ``docker info`` prints.

What the driver changes that a user can see is the disk the host uses
(:func:`disk_usage`): the same image and the same container writes cost whole-file
copy-ups on overlay2, changed blocks on btrfs and full copies on vfs. ``docker ps -s`` and
``docker system df`` do not show this: they report the *content* of layers (the size of
each layer's changes, the files in a container's writable layer), identical on every driver.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from layerlab.drivers import DriverError, StorageDriver, choose_driver, get_driver, works_on
from layerlab.drivers.choice import check_version
from layerlab.drivers.status import version_at_least
from layerlab.i18n import N_, _
from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.kernel_options import COMMON_KERNEL, KernelOverlay

from .profile import SNAPSHOTTERS, EngineProfile

DEFAULT_ENGINE = "20.10"
DEFAULT_BACKING_FS = "extfs"

#: The filesystem a driver that only runs on its own needs under the data root.
_OWN_FS = {"btrfs": "btrfs", "zfs": "zfs"}


@dataclass(frozen=True)
class HostStorage:
    """A host's storage driver, engine version and backing filesystem, already validated;
    ``kernel``: the overlay features its kernel mounts containers with."""

    driver: StorageDriver
    engine_version: str
    backing_fs: str
    warnings: tuple[str, ...] = ()
    kernel: KernelOverlay = COMMON_KERNEL

    @classmethod
    def configure(
        cls,
        driver: str | None = None,
        engine_version: str = DEFAULT_ENGINE,
        backing_fs: str | None = None,
    ) -> HostStorage:
        """The driver as ``dockerd --storage-driver`` would take it, or (``driver`` None)
        the one the engine picks on ``backing_fs`` (:func:`~layerlab.drivers.choose_driver`)."""
        check_version(engine_version, N_("Engine version"), N_("'20.10' or '24.0'"))
        if driver is None:
            fs = backing_fs or DEFAULT_BACKING_FS
            driver = choose_driver(fs, engine_version=engine_version)
        if not isinstance(driver, str):
            raise DriverError(_("storage driver: give a name, not {type}", type=type(driver).__name__))
        found = get_driver(driver)
        fs = backing_fs or _OWN_FS.get(found.name, DEFAULT_BACKING_FS)
        available = found.status.available_in(engine_version)
        if not available:
            raise DriverError(_(
                "Engine {version} cannot use the {driver} storage driver: {reason}",
                version=engine_version, driver=found.name, reason=available.reason,
            ))
        if backing_fs is not None and found.name in ("overlay2", "btrfs", "zfs"):
            ok, why = works_on(found.name, backing_fs)
            if not ok:
                raise DriverError(_("the {driver} storage driver does not start here: {why}", driver=found.name, why=why))
        return cls(found, engine_version, fs, _warnings(found, engine_version))

    @classmethod
    def for_profile(cls, profile: EngineProfile, driver: str | None = None,
                    backing_fs: str | None = None) -> HostStorage:
        """The storage of a host playing ``profile``: ``driver`` as :meth:`configure` takes it
        (classic store), or a snapshotter (containerd store), checked and costed as the graph
        driver it implements (``overlayfs``: overlay2, ``native``: vfs)."""
        if not profile.containerd:
            return cls.configure(driver, profile.version, backing_fs)
        snapshotter = driver or profile.storage_driver
        if snapshotter not in SNAPSHOTTERS:
            raise DriverError(_(
                "the containerd image store runs a snapshotter, not a graph driver: {snapshotter!r} "
                "(supported: {supported})",
                snapshotter=snapshotter, supported=", ".join(SNAPSHOTTERS),
            ))
        return cls.configure(SNAPSHOTTERS[snapshotter], profile.version, backing_fs)

    @property
    def name(self) -> str:
        return self.driver.name

    @property
    def on_disk(self) -> StorageDriver:
        """The driver as its backing filesystem makes it: copies are clones on XFS and btrfs."""
        return self.driver.on(self.backing_fs)

    def info_lines(self, root: str = "/var/lib/docker", *, layers: int = 0, containers: int = 0) -> list[str]:
        """The storage part of ``docker info`` (Engine 20.10's lines; the daemon's warnings
        come after everything, as the CLI prints them). aufs counts its directories: one
        per stored layer, two (-init and RW) per container."""
        lines = [f"Storage Driver: {self.name}"]
        fs = "extfs" if self.backing_fs in ("ext4", "ext3", "ext2") else self.backing_fs
        if self.name == "overlay2":
            lines += [
                f" Backing Filesystem: {fs}",
                " Supports d_type: true",
                f" Native Overlay Diff: {str(self.kernel.native_diff).lower()}",
                " userxattr: false",
            ]
        elif self.name == "overlay":
            lines += [f" Backing Filesystem: {fs}", " Supports d_type: true"]
        elif self.name == "aufs":
            dirs = layers + 2 * containers
            lines += [
                f" Root Dir: {root}/aufs",
                f" Backing Filesystem: {fs}",
                f" Dirs: {dirs}",
                " Dirperm1 Supported: true",
            ]
        # vfs prints no status lines; btrfs, zfs, devicemapper print build- and pool-specific
        # ones (library versions, pool names) that the model does not invent
        return lines


def host_storage(profile: EngineProfile, driver: str | None = None, backing_fs: str | None = None,
                 kernel: KernelOverlay = COMMON_KERNEL) -> tuple[EngineProfile, HostStorage]:
    """The profile a host plays with the driver it runs, and that driver checked.

    ``driver`` (``dockerd --storage-driver``; None: the one the engine picks on
    ``backing_fs``, overlay2 on ext4; with the containerd store the snapshotter,
    ``overlayfs`` or ``native``) is checked as the daemon checks it: an unknown or removed
    driver raises :class:`~layerlab.drivers.DriverError` (with the version that removed it
    and what replaced it), a deprecated one records the warning ``docker info`` prints.
    """
    storage = dataclasses.replace(HostStorage.for_profile(profile, driver, backing_fs), kernel=kernel)
    if not profile.containerd:
        return dataclasses.replace(profile, storage_driver=storage.name), storage
    return dataclasses.replace(profile, storage_driver=driver or profile.storage_driver), storage


def _warnings(driver: StorageDriver, engine_version: str) -> tuple[str, ...]:
    """What the daemon adds to ``docker info`` for a deprecated driver (moby daemon/info.go)."""
    status = driver.status
    if not status.deprecated or not version_at_least(engine_version, status.deprecated):
        return ()
    if version_at_least(engine_version, "23.0"):
        out = [
            f"WARNING: The {driver.name} storage-driver is deprecated, and will be removed in a future release.\n"
            "         Refer to the documentation for more information: https://docs.docker.com/go/storage-driver/"
        ]
    else:
        out = [
            f"WARNING: the {driver.name} storage-driver is deprecated, and will be removed in a future release."
        ]
    if driver.name == "devicemapper":  # the default configuration is loop-lvm
        out.append(
            "WARNING: devicemapper: usage of loopback devices is strongly discouraged for production use.\n"
            "         Use `--storage-opt dm.thinpooldev` to specify a custom block storage device."
        )
    return tuple(out)


@dataclass(frozen=True)
class DiskUsage:
    """Bytes the host's driver keeps on disk: per stored layer (by chain id) and per
    container (by name: its -init and writable layers). Volumes are not the driver's."""

    driver: str
    layers: dict[str, int]
    containers: dict[str, int]

    @property
    def images(self) -> int:
        return sum(self.layers.values())

    @property
    def containers_total(self) -> int:
        return sum(self.containers.values())

    @property
    def total(self) -> int:
        return self.images + self.containers_total


def disk_usage(images: Iterable[Image], containers: Iterable[Container], driver: StorageDriver) -> DiskUsage:
    """What ``du`` under the data root's driver directory would count on ``driver``: each
    stored layer once however many images share it, and each container's layers after the
    writes its copy-up records show."""
    layers: dict[str, int] = {}
    for image in images:
        missing = [c for c in image.chain_ids if c not in layers]
        if missing:
            layers.update(zip(image.chain_ids, driver.layer_disk(image)))
    return DiskUsage(driver.name, layers, {c.name: driver.container_disk(c.image, c.rw) for c in containers})
