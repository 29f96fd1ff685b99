"""Which storage driver an engine picks when none is configured, and why.

The rule (moby ``daemon/graphdriver/driver.go`` ``New`` and ``driver_linux.go``):

1. A prior driver wins: a non-empty ``<data-root>/<driver>/`` dir of exactly one driver
   the engine still has, other than vfs (several: the daemon refuses to start). The scan sees
   only the engine's own drivers, so a removed driver's dir is ignored: the engine starts on
   the list's choice and the old images are not shown (25.0 with devicemapper/). Since 23.0 a
   prior *deprecated* driver (aufs, overlay, devicemapper) refuses the start unless configured.
2. Otherwise the priority list, first driver whose init succeeds on the backing fs:
   Engine >= 23.0 (moby#42661): overlay2, fuse-overlayfs, btrfs, zfs, vfs;
   before: btrfs, zfs, overlay2, fuse-overlayfs, aufs, overlay, devicemapper, vfs.
   Deprecated drivers (aufs, overlay, devicemapper) are never picked here: aufs needs an
   aufs kernel, devicemapper a configured thin pool, and overlay always loses to overlay2.
3. btrfs / zfs init only on their own filesystem; overlay2's test mount fails on aufs, ecryptfs,
   overlay, zfs (< OpenZFS 2.2), nfs and xfs without ftype=1, needs kernel >= 4.0 and, rootless,
   >= 5.11; fuse-overlayfs needs its binary (by default: assumed present when rootless)
   and kernel >= 4.18; zfs is not available rootless; vfs always works.

Checked against Debian's dockerd 20.10: ext4 -> overlay2, btrfs -> btrfs.
With the containerd image store (fresh 29.0 installs) the answer is the snapshotter
``overlayfs`` instead: this module answers for the classic graph-driver store.

:func:`walk_priority` walks the list once and keeps each candidate's verdict;
:func:`choose_driver` gives its answer, :func:`explain_choice` its reasons, so a learner
sees *why* overlay2 wins on ext4 and btrfs wins on btrfs with Engine 20.10 but not with 23.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from layerlab.i18n import N_, _, translate

from .errors import DriverError
from .registry import DRIVERS, get_driver
from .status import version_at_least

__all__ = [
    "PRIORITY", "PRIORITY_BEFORE_23", "Candidate", "Choice", "check_version", "choose_driver",
    "explain_choice", "priority_list", "walk_priority", "works_on",
]  # fmt: skip

#: moby's priority lists (driver_linux.go)
PRIORITY = ("overlay2", "fuse-overlayfs", "btrfs", "zfs", "vfs")
PRIORITY_BEFORE_23 = ("btrfs", "zfs", "overlay2", "fuse-overlayfs", "aufs", "overlay", "devicemapper", "vfs")
#: From this Engine on a fresh data root gets the containerd image store (image_store_choice.go).
CONTAINERD_DEFAULT_SINCE = "29.0"
CONTAINERD_FIRST = N_(
    ". That is the classic image store's choice: a fresh Engine 29 or later uses the containerd image "
    "store and its overlayfs snapshotter instead, and walks this list only on a host that already has "
    "a graph driver's directory or is configured for the classic store"
)
#: Since 23.0 a deprecated driver found in the data root needs explicit configuration (driver.go New).
DEPRECATED_PRIOR_REFUSED_SINCE = "23.0"


@dataclass(frozen=True)
class Candidate:
    """One driver of the priority list and what the engine found when it tried it."""

    driver: str
    verdict: str  #: "chosen", "skipped" (cannot work here) or "not tried" (a winner came first)
    reason: str
    #: Whether the engine ran the driver's init here (not for a driver it never picks by itself).
    tried: bool = field(default=True, repr=False)


@dataclass(frozen=True)
class Choice:
    driver: str
    backing_fs: str
    engine_version: str
    kernel: str
    rootless: bool
    candidates: tuple[Candidate, ...]

    @property
    def why(self) -> str:
        """One sentence: the winner's place in the priority list and what it beat."""
        skipped = [c for c in self.candidates if c.verdict == "skipped"]
        order = " > ".join(c.driver for c in self.candidates)
        before = "; ".join(f"{c.driver}: {c.reason}" for c in skipped)
        return (
            _("Engine {version} tries {order} in that order and takes the first that works on {fs}: {driver}",
              version=self.engine_version, order=order, fs=self.backing_fs, driver=self.driver)
            + (_(" (skipped {before})", before=before) if before else "")
            + (translate(CONTAINERD_FIRST) if version_at_least(self.engine_version, CONTAINERD_DEFAULT_SINCE) else "")
        )


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
        return True, _("vfs works on any filesystem")
    if name in ("btrfs", "zfs"):
        if fs != name:
            return False, _("{name} needs a {name} backing filesystem, not {fs}", name=name, fs=fs)
        if name == "zfs" and rootless:
            return False, _("zfs is not supported in rootless mode")
        return True, _("{name} on {fs}", name=name, fs=fs)
    if name == "overlay2":
        if fs in DRIVERS["overlay2"].incompatible_filesystems:
            return False, _("overlay2 is not supported over {fs}", fs=fs)
        if not version_at_least(kernel, "4.0"):
            return False, _("overlay2 needs kernel >= 4.0 (have {kernel})", kernel=kernel)
        if rootless and not version_at_least(kernel, "5.11"):
            return False, _("rootless overlay2 needs kernel >= 5.11 (have {kernel})", kernel=kernel)
        return True, _("{name} on {fs}", name="overlay2", fs=fs)
    if name == "fuse-overlayfs":
        installed = rootless if fuse_overlayfs is None else fuse_overlayfs
        if not installed:
            return False, _("the fuse-overlayfs binary is not installed")
        if not version_at_least(kernel, "4.18"):
            return False, _("fuse-overlayfs needs kernel >= 4.18 (have {kernel})", kernel=kernel)
        return True, "fuse-overlayfs (FUSE)"
    if name in ("aufs", "overlay", "devicemapper"):
        return False, _("{name} is deprecated: never chosen automatically here", name=name)
    raise DriverError(_("unknown storage driver {name!r}; known: {known}", name=name, known=", ".join(DRIVERS)))


def walk_priority(
    backing_fs: str,
    *,
    engine_version: str = "29.0",
    kernel: str = "6.1",
    rootless: bool = False,
    fuse_overlayfs: bool | None = None,
) -> tuple[Candidate, ...]:
    """The engine's walk down its priority list on a fresh data root: every driver's verdict.

    At most one candidate is ``"chosen"``; none when no driver works here.
    """
    candidates: list[Candidate] = []
    found = False
    for name in priority_list(engine_version):
        status = DRIVERS[name].status
        if found:
            candidates.append(Candidate(name, "not tried", _("a driver earlier in the list already works"), tried=False))
        elif not status.supported or not status.available_in(engine_version):
            candidates.append(Candidate(name, "skipped", _("never chosen automatically ({status})", status=status), tried=False))
        else:
            found, why = works_on(name, backing_fs, kernel=kernel, rootless=rootless, fuse_overlayfs=fuse_overlayfs)
            candidates.append(Candidate(name, "chosen" if found else "skipped", why))
    return tuple(candidates)


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
    # the scan only sees drivers this engine has: a removed driver's directory is ignored
    prior = sorted({e for e in existing if e != "vfs" and get_driver(e).status.available_in(engine_version)})
    if len(prior) > 1:
        raise DriverError(_(
            "the data root contains several graphdrivers: {drivers}; clean up or choose one with --storage-driver",
            drivers=", ".join(prior),
        ))
    if prior:
        driver = get_driver(prior[0])
        if driver.status.deprecated and version_at_least(engine_version, DEPRECATED_PRIOR_REFUSED_SINCE):
            raise DriverError(
                f"prior storage driver {driver.name} is deprecated and will be removed in a future release; "
                "update the daemon configuration and explicitly choose this storage driver to continue "
                f"using it (Engine {engine_version})"
            )
        return driver.name
    candidates = walk_priority(
        backing_fs, engine_version=engine_version, kernel=kernel, rootless=rootless, fuse_overlayfs=fuse_overlayfs
    )
    return _winner(candidates)


def _winner(candidates: tuple[Candidate, ...]) -> str:
    """The chosen candidate's driver; with none, the error dockerd stops with, and why."""
    for candidate in candidates:
        if candidate.verdict == "chosen":
            return candidate.driver
    reasons = [c.reason for c in candidates if c.tried]
    raise DriverError("no supported storage backend found: " + "; ".join(reasons))


#: A release number, then optionally a distribution suffix: 20.10.24+dfsg1, 5.10.0-28-amd64.
_VERSION = re.compile(r"v?\d+(\.\d+){0,3}([-+~][0-9A-Za-z.+~-]*)?")


def check_version(text: str, what: str, examples: str) -> None:
    """Refuse what is not a version (``"24.x"``, ``"latest"``): the choice depends on the number."""
    if not _VERSION.fullmatch(text.strip()):
        raise DriverError(_("{what}: {text!r} is not a version number; type e.g. {examples}",
                            what=translate(what), text=text, examples=translate(examples)))


def explain_choice(
    backing_fs: str, *, engine_version: str = "29.0", kernel: str = "6.1", rootless: bool = False
) -> Choice:
    """The driver a fresh engine (no ``--storage-driver``, empty data root) picks, and why.

    Raises :class:`DriverError` for a version that is not one, or when nothing works.
    """
    check_version(engine_version, N_("Engine version"), N_("'29.0' or '20.10.24'"))
    check_version(kernel, N_("kernel version"), N_("'6.1' or '5.10.0-28-amd64'"))
    candidates = walk_priority(backing_fs, engine_version=engine_version, kernel=kernel, rootless=rootless)
    return Choice(_winner(candidates), backing_fs, engine_version, kernel, rootless, candidates)
