"""Restarting the daemon with another daemon.json: a new data root, driver or image store.

Nothing is migrated (docs ``storage/drivers/select-storage-driver.md``: "any existing
images and containers become inaccessible ... If you revert your changes, you can access the
old images and containers again"; ``storage/containerd.md``: "Switching storage backends
temporarily hides images and containers created with the other backend"):

- images live where their store keeps them: the classic store under the data root, per
  graph driver (``overlay2/``, ``image/overlay2/``); the containerd store in containerd's
  root (``/var/lib/containerd`` on a usual install), per snapshotter, which ``data-root``
  does not move. A daemon shows only the images of its own store, driver and root;
- containers belong to the driver (or snapshotter) that made their layers: the daemon loads
  only those (moby ``daemon/daemon.go`` ``restore``); their logs are in the data root;
- volumes and BuildKit's cache are in the data root: volumes show whatever the driver or
  store, and stay behind when the data root moves.

Switching back shows everything again: what was hidden was never deleted, and still takes
disk space that ``docker system df`` no longer counts (:meth:`Restarts.hidden`).
Running containers are stopped by the restart (SIGKILL after the grace period: exit 137).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from layerlab.build.builder import BuildCache
from layerlab.i18n import _
from layerlab.model.kernel_options import KernelOverlay

from .containers import ContainerStore
from .daemon_config import DaemonConfig
from .errors import HostError
from .images import ImageStore
from .names import NameSource
from .profile import CONTAINERD_DEFAULT_SINCE, EngineProfile, profile_for
from .storage import HostStorage, host_storage
from .storage_ids import StorageIds
from .volumes import VolumeStore

__all__ = ["CONTAINERD_ROOT", "Hidden", "Restarts", "configured_profile"]

#: Where containerd keeps the containerd image store's content and snapshots (a usual install).
CONTAINERD_ROOT = "/var/lib/containerd"


@dataclass
class _Images:
    """What one store (root, kind, driver) holds: images, their layers' ids, BuildKit's cache."""

    image_store: ImageStore
    storage_ids: StorageIds
    build_cache: BuildCache


@dataclass(frozen=True)
class Hidden:
    """What a daemon no longer shows after a restart: where it is and how much."""

    where: str
    images: int
    containers: int
    volumes: int


class Restarts:
    """``Host.restart`` (a mixin: it swaps the host's stores)."""

    profile: EngineProfile
    storage: HostStorage
    daemon: DaemonConfig
    seed: int | None
    image_store: ImageStore
    storage_ids: StorageIds
    build_cache: BuildCache
    container_store: ContainerStore
    volume_store: VolumeStore
    host_dirs: dict[str, Any]

    def _observe(self) -> None:
        raise NotImplementedError

    _hidden_stores: dict[tuple[str, ...], Any] | None = None

    def _stores(self) -> dict[tuple[str, ...], Any]:
        """What earlier configurations hold, by where it lives (made on the first restart)."""
        if self._hidden_stores is None:
            self._hidden_stores = {}
        return self._hidden_stores

    def _keys(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """Where the images, the containers and the volumes of the running daemon live."""
        store, driver, root = self.profile.image_store, self.profile.storage_driver, self.daemon.data_root
        image_root = CONTAINERD_ROOT if self.profile.containerd else root
        return ("images", image_root, store, driver), ("containers", root, store, driver), ("volumes", root)

    def restart(self, *, daemon: DaemonConfig | Mapping[str, Any] | str | None = None,
                storage_driver: str | None = None, image_store: str | None = None, data_root: str | None = None,
                kernel: KernelOverlay | None = None) -> list[str]:
        """``systemctl restart docker`` after editing daemon.json (``daemon``: its new content;
        the other arguments override single keys). Returns what a learner should notice."""
        config = daemon if isinstance(daemon, DaemonConfig) else DaemonConfig.from_json(daemon) if daemon else self.daemon
        if data_root is not None:
            config = dataclasses.replace(config, data_root=data_root)
        wanted = config.containerd_snapshotter  # false switches back to the classic store, unset keeps the store
        chosen = None if wanted is None else "containerd" if wanted else "classic"
        store = image_store or chosen or self.profile.image_store
        if store not in ("classic", "containerd"):
            raise HostError(_("image_store: 'classic' or 'containerd', not {store!r}", store=image_store))
        driver = storage_driver or config.storage_driver
        if store != self.profile.image_store and storage_driver is None and config.storage_driver is None:
            driver = None  # the new store's default driver or snapshotter
        elif driver is None:
            driver = self.profile.storage_driver
        profile, storage = host_storage(profile_for(self.profile.version, store, driver), driver,
                                        self.storage.backing_fs, kernel or self.storage.kernel)
        for c in self.container_store.by_id.values():
            c.stop()  # the daemon stops its containers when it shuts down
        before = self._keys()
        self._stores().update(zip(before, (_Images(self.image_store, self.storage_ids, self.build_cache),
                                           self.container_store, self.volume_store)))
        self.profile, self.storage, self.daemon = profile, storage, config
        images, containers, volumes = self._keys()
        found = self._stores()
        self.volume_store = found.pop(volumes, None) or VolumeStore(NameSource(self.seed))
        kept = found.pop(images, None) or _Images(ImageStore(_clock(), containerd=profile.containerd),
                                                  StorageIds(self.seed), BuildCache())
        self.image_store, self.storage_ids, self.build_cache = kept.image_store, kept.storage_ids, kept.build_cache
        self.container_store = found.pop(containers, None) or ContainerStore(
            NameSource(self.seed), _clock(), self.volume_store, self.host_dirs)
        self.container_store.kernel = storage.kernel
        self._observe()
        return self._notices(before)

    def _notices(self, before: tuple[tuple[str, ...], ...]) -> list[str]:
        now = self._keys()
        notes = [_("now: {engine}, data root {root}", engine=self.profile.describe(), root=self.daemon.data_root)]
        if before[0] != now[0]:
            notes.append(_("images of {before} are hidden (not deleted): `docker images` shows "
                           "{n} image(s) of {now}", before=_where(before[0]), n=len(self.image_store.records),
                           now=_where(now[0])))
        if before[1] != now[1]:
            notes.append(_("containers of {before} are hidden (not deleted)", before=_where(before[1])))
        if before[2] != now[2]:
            notes.append(_("volumes of {root} are hidden (not deleted)", root=before[2][1]))
        if self.profile.containerd and not self.profile.at_least(CONTAINERD_DEFAULT_SINCE):
            notes.append(_("the containerd image store is opt-in on this engine (daemon.json features)"))
        return notes

    def hidden(self) -> list[Hidden]:
        """What earlier configurations left on disk that this daemon does not show."""
        out = []
        for key, value in self._stores().items():
            if key[0] == "images" and value.image_store.records:
                out.append(Hidden(_where(key), len(value.image_store.records), 0, 0))
            elif key[0] == "containers" and value.by_id:
                out.append(Hidden(_where(key), 0, len(value.by_id), 0))
            elif key[0] == "volumes" and value.by_name:
                out.append(Hidden(key[1], 0, 0, len(value.by_name)))
        return out


def configured_profile(profile: EngineProfile, config: DaemonConfig) -> EngineProfile:
    """The profile a daemon plays once daemon.json's ``features.containerd-snapshotter`` and
    ``storage-driver`` are applied (a Host made with a daemon.json)."""
    store = profile.image_store
    if config.containerd_snapshotter is not None:
        store = "containerd" if config.containerd_snapshotter else "classic"
    if store == profile.image_store and config.storage_driver is None:
        return profile
    return profile_for(profile.version, store, config.storage_driver)


def _where(key: tuple[str, ...]) -> str:
    _what, root, store, driver = key
    kind = _("classic store") if store == "classic" else _("containerd store") if store == "containerd" else store
    return _("{root} ({store}, {driver})", root=root, store=kind, driver=driver)


def _clock() -> Iterator[int]:
    return itertools.count(1_000_000)  # after anything the earlier stores numbered
