"""Which Docker Engine the simulator plays: its version, its image store, its storage driver.

What ``docker images``, ``history``, ``system df``, ``inspect``, ``save`` and the data root
show depends on all three: Engine 20.10 and Engine 28 keep images in the classic store
(config digests as image ids, ``/var/lib/docker/overlay2``); with the containerd image
store (the default of fresh Engine 29 installs, opt-in on 24-28) images are named by their
manifest or index digest, sizes are disk usage, and layers live in containerd's snapshots.
A learner picks a profile once (``LAYERLAB_ENGINE``, ``--engine``, ``Host(engine=...)``),
and the course can tell them which one their own host runs, from ``docker info``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from layerlab.model.errors import LayerlabError

ImageStoreKind = Literal["classic", "containerd"]

#: ``docker info``'s DriverStatus entry that marks the containerd image store
CONTAINERD_DRIVER_TYPE = "io.containerd.snapshotter.v1"


class ProfileError(LayerlabError, ValueError):
    """An engine profile name or a ``docker info`` that layerlab does not know."""


@dataclass(frozen=True)
class EngineProfile:
    """One engine as the simulator plays it.

    ``version`` is the engine's release (``20.10``, ``28.5``); ``image_store`` is
    ``classic`` (graph drivers, ``/var/lib/docker/image``) or ``containerd`` (snapshotters,
    ``/var/lib/containerd``); ``storage_driver`` the graph driver (classic) or the
    snapshotter (containerd: ``overlayfs``, ``native``) ``docker info`` names.
    """

    name: str
    version: str
    image_store: ImageStoreKind
    storage_driver: str

    @property
    def containerd(self) -> bool:
        return self.image_store == "containerd"

    def describe(self) -> str:
        """One line for a learner: ``Docker Engine 28.5, containerd image store (overlayfs)``."""
        store = "containerd image store" if self.containerd else "classic image store"
        return f"Docker Engine {self.version}, {store} ({self.storage_driver})"


PROFILES: dict[str, EngineProfile] = {
    p.name: p
    for p in (
        EngineProfile("20.10", "20.10", "classic", "overlay2"),
        EngineProfile("28", "28.5", "classic", "overlay2"),
        EngineProfile("28-containerd", "28.5", "containerd", "overlayfs"),
    )
}
#: The profile of a ``Host()`` given none (and of ``LAYERLAB_ENGINE`` unset).
DEFAULT_PROFILE = "20.10"


def get_profile(name: str | EngineProfile | None = None) -> EngineProfile:
    """A profile by name; None: ``$LAYERLAB_ENGINE``, else :data:`DEFAULT_PROFILE`."""
    if isinstance(name, EngineProfile):
        return name
    wanted = name or os.environ.get("LAYERLAB_ENGINE") or DEFAULT_PROFILE
    found = PROFILES.get(wanted.strip())
    if found is None:
        raise ProfileError(
            f"unknown engine profile {wanted!r}: layerlab plays {', '.join(repr(n) for n in PROFILES)}"
        )
    return found


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
    major = _major(version)
    if major is None:
        raise ProfileError(f"docker info names no engine version layerlab can read: {version!r}")
    base = PROFILES["28-containerd" if containerd else ("20.10" if major < 23 else "28")]
    number = ".".join(version.split("+")[0].split(".")[:2])
    return EngineProfile(base.name, number, base.image_store, driver or base.storage_driver)


def _major(version: str) -> int | None:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else None
