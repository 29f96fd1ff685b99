"""Which Docker Engine the simulator plays: its version, its image store, its storage driver.

What ``docker images``, ``history``, ``system df``, ``inspect``, ``save`` and the data root
show depends on all three: Engine 20.10 and Engine 28 keep images in the classic store
(config digests as image ids, ``/var/lib/docker/overlay2``); with the containerd image
store (the default of fresh Engine 29 installs, opt-in on 24-28) images are named by their
manifest or index digest, sizes are disk usage, and layers live in containerd's snapshots.
A learner picks a profile once (``LAYERLAB_ENGINE``, ``--engine``, ``Host(engine=...)``),
and the course can tell them which one their own host runs, from ``docker info``.

Each profile is data: what the engine measured on this machine does differently
(``/tmp/engine-findings`` in the issue, the captures quoted by ``tests/test_profile.py``).

=========================  ==============  ==============  ===================
                           ``20.10``       ``28``          ``28-containerd``
=========================  ==============  ==============  ===================
image id                   config digest   config digest   index digest
``history`` CREATED BY     BuildKit 0.8    BuildKit 0.25   BuildKit 0.25
sizes                      file bytes      file bytes      4 KiB blocks + blobs
``docker save``            legacy          OCI + legacy    OCI, gzip layers
``inspect``                ContainerConfig no legacy keys  Descriptor, no paths
``builder prune``          list of ids     table           table
``docker info`` storage    overlay2        + metacopy      overlayfs snapshotter
=========================  ==============  ==============  ===================

Engine facts that do not depend on a profile: BuildKit is the default builder since 23.0
(20.10 needs ``DOCKER_BUILDKIT=1``); overlay2 is first in the driver priority on every
backing filesystem since 23.0; aufs and overlay were removed in 24.0, devicemapper in
25.0 (:mod:`layerlab.drivers` holds those, and a Host refuses a removed driver); the
containerd image store is opt-in from 24.0 and the default of fresh installs from 29.0.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from layerlab.build.dockerfile import BUILDKIT_0_8, BUILDKIT_0_25, BuildKit
from layerlab.drivers.status import version_at_least
from layerlab.i18n import _
from layerlab.model.errors import LayerlabError

ImageStoreKind = Literal["classic", "containerd"]
SaveFormat = Literal["docker-archive", "oci+docker-archive", "oci"]

#: ``docker info``'s DriverStatus entry that marks the containerd image store
CONTAINERD_DRIVER_TYPE = "io.containerd.snapshotter.v1"
#: the snapshotters the containerd image store runs, and the graph driver each behaves like
SNAPSHOTTERS: dict[str, str] = {"overlayfs": "overlay2", "native": "vfs"}
#: the first engines with the containerd image store (opt-in), and with it by default
CONTAINERD_STORE_SINCE = "24.0"
CONTAINERD_DEFAULT_SINCE = "29.0"
BUILDKIT_DEFAULT_SINCE = "23.0"


class ProfileError(LayerlabError, ValueError):
    """An engine profile name or a ``docker info`` that layerlab does not know."""


@dataclass(frozen=True)
class EngineProfile:
    """One engine as the simulator plays it.

    ``version`` is the engine's release (``20.10``, ``28.5``); ``image_store`` is
    ``classic`` (graph drivers, ``/var/lib/docker/image``) or ``containerd`` (snapshotters,
    ``/var/lib/containerd``); ``storage_driver`` the graph driver (classic) or the
    snapshotter (containerd: ``overlayfs``, ``native``) ``docker info`` names. The other
    fields say what this engine prints differently (the table in the module doc).
    """

    name: str
    version: str
    image_store: ImageStoreKind
    storage_driver: str
    buildkit: BuildKit = BUILDKIT_0_25
    save_format: SaveFormat = "oci+docker-archive"
    #: image inspect still has Container, ContainerConfig, VirtualSize (dropped in API 1.44)
    inspect_legacy: bool = False
    #: ``docker info`` lists ``Using metacopy`` for overlay2
    metacopy_line: bool = True
    #: ``docker builder prune`` prints a table (the 28 client) instead of a list of ids
    prune_table: bool = True
    #: ``system df -v`` prints an image's SIZE with 4 significant digits (3 from 28 on)
    df_image_digits: int = 3

    @property
    def containerd(self) -> bool:
        return self.image_store == "containerd"

    @property
    def layer_driver(self) -> str:
        """The graph driver whose disk costs this engine's storage has (overlayfs: overlay2)."""
        return SNAPSHOTTERS.get(self.storage_driver, self.storage_driver) if self.containerd else self.storage_driver

    def at_least(self, version: str) -> bool:
        return version_at_least(self.version, version)

    def describe(self) -> str:
        """One line for a learner: ``Docker Engine 28.5, containerd image store (overlayfs)``."""
        store = _("containerd image store") if self.containerd else _("classic image store")
        return _("Docker Engine {version}, {store} ({driver})", version=self.version, store=store, driver=self.storage_driver)


PROFILES: dict[str, EngineProfile] = {
    p.name: p
    for p in (
        EngineProfile("20.10", "20.10", "classic", "overlay2", BUILDKIT_0_8, "docker-archive",
                      inspect_legacy=True, metacopy_line=False, prune_table=False, df_image_digits=4),
        EngineProfile("28", "28.5", "classic", "overlay2"),
        EngineProfile("28-containerd", "28.5", "containerd", "overlayfs", save_format="oci"),
    )
}
#: The profile of a ``Host()`` given none (and of ``LAYERLAB_ENGINE`` unset): the containerd image
#: store, as a fresh Engine 29 install has (moby ``daemon/image_store_choice.go`` at v29.0.0).
DEFAULT_PROFILE = "28-containerd"


def get_profile(name: str | EngineProfile | None = None) -> EngineProfile:
    """A profile by name; None: ``$LAYERLAB_ENGINE``, else :data:`DEFAULT_PROFILE`."""
    if isinstance(name, EngineProfile):
        return name
    wanted = name or os.environ.get("LAYERLAB_ENGINE") or DEFAULT_PROFILE
    found = PROFILES.get(wanted.strip())
    if found is None:
        raise ProfileError(_(
            "unknown engine profile {wanted!r}: layerlab plays {profiles}",
            wanted=wanted, profiles=", ".join(repr(n) for n in PROFILES),
        ))
    return found


def profile_for(version: str, image_store: ImageStoreKind = "classic", storage_driver: str | None = None) -> EngineProfile:
    """The profile that plays Engine ``version`` with this store: its behaviour is that of
    20.10 before 23.0, of 28 from 23.0 on; the version and driver are the ones given."""
    number = ".".join(version.split("+")[0].split(".")[:2])
    if _major(number) is None:
        raise ProfileError(_("not an engine version: {version!r} (expected e.g. '20.10' or '28.5')", version=version))
    if image_store == "containerd":
        if not version_at_least(number, CONTAINERD_STORE_SINCE):
            raise ProfileError(_("Engine {version} has no containerd image store: it came with Engine "
                                 "{since} (opt-in) and is the default of fresh installs from {default}",
                                 version=number, since=CONTAINERD_STORE_SINCE, default=CONTAINERD_DEFAULT_SINCE))
        base = PROFILES["28-containerd"]
    else:
        base = PROFILES["28" if version_at_least(number, BUILDKIT_DEFAULT_SINCE) else "20.10"]
    return dataclasses.replace(base, version=number, storage_driver=storage_driver or base.storage_driver)


def resolve_profile(engine: str | EngineProfile | None = None, engine_version: str | None = None) -> EngineProfile:
    """The profile a Host plays: ``engine`` (default :func:`get_profile`), or the classic
    profile of ``engine_version`` alone; both: the profile at that version, which must be
    one the profile plays (20.10's rules before 23.0, 28's after)."""
    if engine is None and engine_version is not None:
        return profile_for(engine_version)
    profile = get_profile(engine)
    if engine_version is None:
        return profile
    other = profile_for(engine_version, profile.image_store, profile.storage_driver)
    if other.buildkit != profile.buildkit:
        raise ProfileError(_("engine_version {version!r} is not an engine profile {profile!r} plays "
                             "({describe}); pick engine={other!r}",
                             version=engine_version, profile=profile.name, describe=profile.describe(), other=other.name))
    return other


def profile_from_info(info: Mapping[str, Any]) -> EngineProfile:
    """The profile that plays the engine whose ``docker info --format '{{json .}}'`` is ``info``.

    The containerd image store shows as ``Driver`` ``overlayfs`` (or another snapshotter)
    with ``DriverStatus`` ``[["driver-type", "io.containerd.snapshotter.v1"]]``; the major
    version picks between the classic profiles (20.10 for anything before 23, 28 after).
    """
    version = str(info.get("ServerVersion") or "")
    driver = str(info.get("Driver") or "")
    status = {str(k): str(v) for k, v in (info.get("DriverStatus") or [])}
    containerd = status.get("driver-type") == CONTAINERD_DRIVER_TYPE
    if _major(version) is None:
        raise ProfileError(_("docker info names no engine version layerlab can read: {version!r}", version=version))
    return profile_for(version, "containerd" if containerd else "classic", driver or None)


def _major(version: str) -> int | None:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else None
