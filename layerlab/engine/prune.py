"""``docker container / image / volume / builder / system prune``, as each engine does them.

What each removes (moby ``daemon/prune.go``, ``daemon/images/image_prune.go``; BuildKit's
``cache/manager.go``; docker/cli ``system/prune.go``):

- ``container prune``: every container that is not running, with its writable layer and its
  ``containers/<id>`` directory, so its log too (the log's bytes are not counted);
- ``image prune``: dangling images only (no tag); ``-a``: every image no container (running
  or not) was made from. Layers the build cache still holds stay (classic store: a prune
  after a build frees ``0B``);
- ``volume prune``: volumes no container uses. Engine 23+ removes only anonymous ones unless
  ``-a``/``--all`` (moby#44259, API 1.42); Engine 20.10 removes named ones too and has no
  ``--all``;
- ``builder prune``: BuildKit's records no image layer holds (build contexts, cache of
  layers no image has now); ``-a``: every record;
- ``system prune``: containers, networks, dangling images and build cache; ``-a``: every
  unused image and all build cache; ``--volumes``: volumes as ``volume prune`` removes them.

Each prints what it deleted and ``Total reclaimed space``; without ``-f`` the CLI first asks
(:func:`warning`). Networks are not modelled (the CLI prints nothing when none are deleted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from layerlab.i18n import N_, translate
from layerlab.model.oci import INDEX_TYPES, MANIFEST_TYPES, Descriptor
from layerlab.model.units import human_size

from . import cli_text
from .errors import HostError
from .images import ImageStore
from .processes import HostContainer
from .profile import EngineProfile
from .sizes import cache_records, container_size
from .content_store import ContentHolds

__all__ = ["Prunes", "warning"]

#: What moby's containerd image prune names in ``deleted:`` lines (configs and layers it only counts).
_DOCUMENTS = INDEX_TYPES | MANIFEST_TYPES
#: Engine 23 made ``volume prune`` anonymous-only and gave the CLI ``--all``.
ANONYMOUS_ONLY_SINCE = "23.0"
#: The CLI's questions (docker/cli ``*/prune.go``), by what is pruned.
WARNINGS = {
    "container": "WARNING! This will remove all stopped containers.",
    "image": "WARNING! This will remove all dangling images.",
    "image -a": "WARNING! This will remove all images without at least one container associated to them.",
    "volume": "WARNING! This will remove anonymous local volumes not used by at least one container.",
    "volume -a": "WARNING! This will remove all local volumes not used by at least one container.",
    "builder": "WARNING! This will remove all dangling build cache. Are you sure you want to continue?",
    "builder -a": "WARNING! This will remove all build cache. Are you sure you want to continue?",
}
SYSTEM_ITEMS = {
    "containers": "all stopped containers",
    "networks": "all networks not used by at least one container",
    "volumes": "all anonymous volumes not used by at least one container",
    "volumes 20.10": "all volumes not used by at least one container",
    "images": "all dangling images",
    "images -a": "all images without at least one container associated to them",
    "cache": "unused build cache",
    "cache 20.10": "all dangling build cache",
    "cache -a": "all build cache",
}
ASK = "Are you sure you want to continue? [y/N]"
NO_ALL_FLAG = "unknown shorthand flag: 'a' in -a"
#: What layerlab adds to NO_ALL_FLAG.
NO_ALL_NOTE = N_(" (Engine {version}'s CLI: volume prune removes named volumes too)")


def warning(what: str, profile: EngineProfile, *, all: bool = False, volumes: bool = False) -> str:  # noqa: A002
    """The question ``docker WHAT prune`` asks before it removes anything (without ``-f``)."""
    anonymous_only = profile.at_least(ANONYMOUS_ONLY_SINCE)
    if what == "system":
        old = "" if anonymous_only else " 20.10"
        items = ["containers", "networks", *([f"volumes{old}"] if volumes else []),
                 "images -a" if all else "images", "cache -a" if all else f"cache{old}"]
        body = "\n".join(f"  - {SYSTEM_ITEMS[i]}" for i in items)
        return f"WARNING! This will remove:\n{body}\n\n{ASK}"
    key = f"{what} -a" if all or (what == "volume" and not anonymous_only) else what
    text = WARNINGS[key]
    return text if what == "builder" else f"{text}\n{ASK}"


def _report(heading: str, names: Sequence[str], reclaimed: int) -> str:
    lines = [heading, *names, ""] if names else []
    return "\n".join([*lines, f"Total reclaimed space: {human_size(reclaimed, 4)}"])


class Prunes:
    """The prune verbs of :class:`~.host.Host` (a mixin: it uses the host's stores)."""

    profile: EngineProfile
    image_store: ImageStore
    containers: Mapping[str, HostContainer]
    storage_ids: Any
    build_cache: Any
    content: ContentHolds
    now: Any
    container_store: Any
    volume_store: Any

    def rm(self, container: Any, *, force: bool = False, volumes: bool = False) -> str:
        raise NotImplementedError

    def rmi(self, ref: str, *, force: bool = False) -> list[str]:
        raise NotImplementedError

    def _observe(self) -> None:
        raise NotImplementedError

    # -- each kind ------------------------------------------------------------------------------
    def _prune_containers(self) -> tuple[list[str], int]:
        gone = [c for c in self.container_store.newest_first() if not c.running]
        reclaimed = sum(container_size(c, self.profile.containerd) for c in gone)
        for c in gone:
            self.rm(c)
        return [c.id for c in gone], reclaimed

    def container_prune(self) -> str:
        """``docker container prune -f``."""
        ids, reclaimed = self._prune_containers()
        return _report("Deleted Containers:", ids, reclaimed)

    def _prune_images(self, all: bool) -> tuple[list[str], int]:  # noqa: A002
        used = {c.image_id for c in self.containers.values()}
        store = self.image_store
        # an image a container uses stays, dangling or not (moby skips the delete's conflict)
        chosen = [i for i, _unused in store.newest_first() if i not in used and (all or not store.tags_of(i))]
        lines: list[str] = []
        layers_before, blobs_before = self._stored_sizes()
        for image_id in chosen:
            blobs = store.records[image_id].target.blobs() if self.profile.containerd else []
            for ref in store.tags_of(image_id) or [image_id]:
                lines += [x for x in self.rmi(ref) if not (blobs and x.startswith("Deleted"))]
            gone = self.held_content()  # containerd: each manifest or index nothing holds now
            lines += [f"Deleted: {b.digest}" for b in blobs if b.digest not in gone and b.media_type in _DOCUMENTS]
        layers_after, blobs_after = self._stored_sizes()
        freed = sum(s for c, s in layers_before.items() if c not in layers_after)
        freed += sum(s for d, s in blobs_before.items() if d not in blobs_after)
        return [line[:1].lower() + line[1:] for line in lines], freed

    def _stored_sizes(self) -> tuple[dict[str, int], dict[str, int]]:
        """Bytes of each stored layer (classic store) and of each content blob (containerd)."""
        if self.profile.containerd:
            return {}, {d: b.size for d, b in self.held_content().items()}
        return {c: s.layer.size for c, s in self.storage_ids.layer_store(self).items()}, {}

    def held_content(self) -> dict[str, Descriptor]:
        """containerd store: every blob an image, a lease or the build cache holds (:mod:`.content_store`)."""
        return self.content.held(self.image_store.targets(), self.build_cache.layers.values(), self.now)

    def image_prune(self, *, all: bool = False) -> str:  # noqa: A002
        """``docker image prune [-a] -f``: dangling images, or with ``all`` every unused one."""
        lines, reclaimed = self._prune_images(all)
        return _report("Deleted Images:", lines, reclaimed)

    def _prune_volumes(self, all: bool) -> tuple[list[str], int]:  # noqa: A002
        if all and not self.profile.at_least(ANONYMOUS_ONLY_SINCE):
            raise HostError(NO_ALL_FLAG + translate(NO_ALL_NOTE).format(version=self.profile.version))
        anonymous_only = self.profile.at_least(ANONYMOUS_ONLY_SINCE) and not all
        in_use = self.container_store.volumes_in_use()
        gone = [v for v in self.volume_store.sorted()
                if v.name not in in_use and (v.anonymous or not anonymous_only)]
        reclaimed = sum(v.size() for v in gone)
        for v in gone:
            del self.volume_store.by_name[v.name]
        return [v.name for v in gone], reclaimed

    def volume_prune(self, *, all: bool = False) -> str:  # noqa: A002
        """``docker volume prune [-a] -f``: Engine 23+ removes anonymous volumes only unless
        ``all``; Engine 20.10 removes every unused volume (and knows no ``-a``)."""
        names, reclaimed = self._prune_volumes(all)
        return _report("Deleted Volumes:", names, reclaimed)

    def _prune_cache(self, all: bool) -> list[tuple[str, int]]:  # noqa: A002
        store = self.storage_ids.layer_store(self)
        records = cache_records(store, self.build_cache, self.storage_ids, self.profile.containerd)
        self.content.pruned(None if all else {d for image in self.image_store.images() for d in image.diff_ids})
        if all:
            self.build_cache.clear()
        else:  # dangling: the records of layers no image has now, and of build contexts
            self.build_cache.sources.clear()
            held = {chain for image in self.image_store.images() for chain in image.chain_ids}
            pairs = list(zip(records, _record_chains(store, self.build_cache)))
            records = [record for record, chain in pairs if chain not in held]
            gone = {id(store[chain].layer) for _unused, chain in pairs if chain not in held}
            for key in [k for k, layer in self.build_cache.layers.items() if layer is not None and id(layer) in gone]:
                del self.build_cache.layers[key]
        self._observe()
        return records

    def builder_prune(self, *, all: bool = True) -> str:  # noqa: A002
        """``docker builder prune [-a] -f``: BuildKit's records of built layers; without
        ``all`` only those no image holds. Printed as this engine's client prints it."""
        return cli_text.builder_prune(self._prune_cache(all), as_table=self.profile.prune_table)

    def system_prune(self, *, all: bool = False, volumes: bool = False) -> str:  # noqa: A002
        """``docker system prune [-a] [--volumes] -f``: each kind in the CLI's order, one total."""
        sections: list[str] = []
        total = 0
        containers, size = self._prune_containers()
        total += size
        if containers:
            sections.append("\n".join(["Deleted Containers:", *containers, ""]))
        if volumes:
            names, size = self._prune_volumes(False)
            total += size
            if names:
                sections.append("\n".join(["Deleted Volumes:", *names, ""]))
        lines, size = self._prune_images(all)
        total += size
        if lines:
            sections.append("\n".join(["Deleted Images:", *lines, ""]))
        records = self._prune_cache(all)
        total += sum(size for _unused, size in records)
        if records:
            sections.append("\n".join(["Deleted build cache objects:", *(rid for rid, _unused in records), ""]))
        return "\n".join([*sections, f"Total reclaimed space: {human_size(total, 4)}"])


def _record_chains(store: Mapping[str, Any], cache: Any) -> list[str]:
    """The chain id of each record :func:`~.sizes.cache_records` lists, in its order."""
    cached = {id(layer) for layer in cache.layers.values() if layer is not None}
    return [chain for chain, stored in store.items() if stored.built and id(stored.layer) in cached][::-1]
