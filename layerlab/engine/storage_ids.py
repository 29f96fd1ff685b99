"""The random storage ids a daemon hands out, kept stable per layer and per container.

A real engine names each layer's directory with a random cache-id, each container's
directories with a random mount-id, and each directory's short link under ``overlay2/l``
with 26 random base32 characters. None of them is derived from content, so the model
draws them from a random generator (seeded when the host is, so a notebook shows the same
tree every run) and remembers them, so one layer keeps one directory from command to
command.

It also remembers what only history can tell: which layers a build made (BuildKit keeps
them after ``docker rmi`` until ``docker builder prune``, and names their directories with
its own 25-character ids), which directories ever had a child (overlay2 writes
``committed`` into a parent and never removes it), and which images were ever tagged
(their ``imagedb/metadata/.../lastUpdated``).
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.layer import Layer

#: BuildKit's identity.NewID: 25 characters of base36 (lower-case letters and digits).
_BASE36 = string.digits + string.ascii_lowercase
#: overlay2's short link names: 26 characters of base32 (RFC 4648 upper-case alphabet).
_BASE32 = string.ascii_uppercase + "234567"


class _HasImage(Protocol):
    @property
    def image(self) -> Image: ...


class _HasLayers(Protocol):
    @property
    def layers(self) -> Mapping[str, Layer | None]: ...

    @property
    def sources(self) -> Mapping[str, Mapping[str, Layer]]: ...


class Holdings(Protocol):
    """What a daemon holds that its layer store follows (a Host has all four): images by
    id, tags naming them, containers by id, and BuildKit's cache of built layers."""

    @property
    def images(self) -> Mapping[str, _HasImage]: ...

    @property
    def tags(self) -> Mapping[str, str]: ...

    @property
    def containers(self) -> Mapping[str, Container]: ...

    @property
    def build_cache(self) -> _HasLayers: ...


def buildkit_key(chain: str) -> str:
    """The key of BuildKit's own snapshot of a layer it built (containerd store): BuildKit
    keeps one per cache record besides the image's unpacked snapshot of the same layer."""
    return "buildkit/" + chain


def view_key(chain: str) -> str:
    """The read-only view BuildKit makes of a step's parent snapshot while it exports the
    step's layer (``<parent>-view``, 0 B, kept with its cache record)."""
    return buildkit_key(chain) + "-view"


def local_source_key(context: str, name: str) -> str:
    """The key of BuildKit's copy of one local source of a context directory."""
    return f"buildkit-local/{context}/{name}"


@dataclass
class StoredLayer:
    """A layer in the layer store: its changeset, its parent's chain id, who made it."""

    layer: Layer
    parent: str | None
    built: bool = False


@dataclass
class StorageIds:
    """Stable random ids and the bits of history the data root shows (one per host)."""

    seed: int | None = None
    cache_ids: dict[str, str] = field(default_factory=dict)  # chain id -> cache-id
    mount_ids: dict[str, str] = field(default_factory=dict)  # container id -> mount-id
    links: dict[str, str] = field(default_factory=dict)  # overlay2 dir name -> short link
    layers: dict[str, StoredLayer] = field(default_factory=dict)  # chain id -> layer
    committed: set[str] = field(default_factory=set)  # overlay2 dirs that ever had a child
    tagged: set[str] = field(default_factory=set)  # image ids ever tagged
    had_containers: bool = False  # layerdb/mounts appears with the first container, then stays
    #: Engine 25+ probes once whether the kernel makes read-only mounts recursively read-only,
    #: with the first read-only volume or bind mount, in ``tmp/moby-detect-rro<digits>`` (kept)
    rro_probe: str | None = None
    built: set[str] = field(default_factory=set)  # chain ids a build on this host made
    snapshot_numbers: dict[str, int] = field(default_factory=dict)  # containerd store: key -> N
    _next_snapshot: int = 1

    def __post_init__(self) -> None:
        # A stream of its own: the host draws container ids from the same seed, and a real
        # daemon's cache-ids and mount-ids are unrelated to its container ids.
        self._rng: random.Random = (
            random.Random(f"storage-ids:{self.seed}")
            if self.seed is not None
            else random.SystemRandom()
        )

    # -- ids ------------------------------------------------------------------------------
    def _draw(self, alphabet: str, length: int) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def cache_id(self, chain_id: str) -> str:
        """A layer's directory name: BuildKit's 25-char id for built layers, else 64 hex."""
        if chain_id not in self.cache_ids:
            built = chain_id in self.built
            self.cache_ids[chain_id] = (
                self._draw(_BASE36, 25) if built else self._draw("0123456789abcdef", 64)
            )
        return self.cache_ids[chain_id]

    def mount_id(self, container_id: str) -> str:
        if container_id not in self.mount_ids:
            self.mount_ids[container_id] = self._draw("0123456789abcdef", 64)
        return self.mount_ids[container_id]

    def link(self, directory: str) -> str:
        if directory not in self.links:
            self.links[directory] = self._draw(_BASE32, 26)
        return self.links[directory]

    def snapshot_number(self, key: str) -> int:
        """containerd's overlayfs snapshotter numbers snapshot directories 1, 2, 3..."""
        if key not in self.snapshot_numbers:
            self.snapshot_numbers[key] = self._next_snapshot
            self._next_snapshot += 1
        return self.snapshot_numbers[key]

    @property
    def made_snapshots(self) -> bool:
        """Whether a snapshot was ever numbered: containerd's snapshotter metadata and its
        content store's blob folders appear with the first and stay."""
        return self._next_snapshot > 1

    # -- history ---------------------------------------------------------------------------
    def note_built(self, image: Image) -> None:
        """A build made these layers: BuildKit keeps them while its cache has the steps."""
        for chain in image.chain_ids:
            if chain not in self.cache_ids:
                self.built.add(chain)

    def observe(self, host: Holdings) -> None:
        """Record what the host holds now (called after every verb that changes it)."""
        named = set(host.tags.values())
        for image_id, record in host.images.items():
            self._record_image(record.image)
            if image_id in named:
                self.tagged.add(image_id)
        for container in host.containers.values():
            self.had_containers = True
            if self.rro_probe is None and any(m.read_only and m.type in ("volume", "bind") for m in container.mounts):
                self.rro_probe = str(self._rng.randrange(1, 1 << 32))  # Go's os.MkdirTemp: a uint32
            self._record_image(container.image)
            mount = self.mount_id(container.id)
            self.committed.add(mount + "-init")
            chains = container.image.chain_ids
            if chains:
                self.committed.add(self.cache_id(chains[-1]))

        for stored in self.layers.values():
            if stored.parent is not None:
                self.committed.add(self.cache_id(stored.parent))
        for chain in list(self.layers):
            self.cache_id(chain)
        # containerd's snapshot numbers, in the order a build makes them (Engine 28.5, ``ctr
        # snapshots info``'s Created): BuildKit's copies of the context, each step's snapshot,
        # a view of each step's parent, the image's unpacked layers; then containers
        for key in self.buildkit_snapshots(host):
            self.snapshot_number(key)
        for chain in self.layers:
            self.snapshot_number(chain)
        for container in sorted(host.containers.values(), key=lambda c: c.created):
            for key in (container.id + "-init", container.id):
                self.snapshot_number(key)

    def buildkit_snapshots(self, host: Holdings) -> list[str]:
        """The keys of the snapshots BuildKit keeps (containerd store), in the order it makes
        them: local sources (:func:`local_source_key`), steps (:func:`buildkit_key`), views
        (:func:`view_key`)."""
        # by content: an engine-built image a host loaded (compare) holds other Layer objects
        cached = {layer.diff_id for layer in host.build_cache.layers.values() if layer is not None}
        steps = [chain for chain, stored in self.layers.items() if stored.layer.diff_id in cached]
        views = [view_key(p) for c in steps if (p := self.layers[c].parent) is not None and p in steps]
        sources = [local_source_key(ctx, name) for ctx, named in host.build_cache.sources.items() for name in named]
        return [*sources, *(buildkit_key(c) for c in steps), *views]

    def _record_image(self, image: Image) -> None:
        chains = image.chain_ids
        for i, (chain, layer) in enumerate(zip(chains, image.layers)):
            if chain not in self.layers:
                self.layers[chain] = StoredLayer(
                    layer, chains[i - 1] if i else None, chain in self.built
                )

    def layer_store(self, host: Holdings) -> dict[str, StoredLayer]:
        """The layers on disk now: every image's and container's, and what BuildKit's cache
        still holds; ids of layers that are gone are forgotten (a new one gets a new id)."""
        self.observe(host)
        wanted: set[str] = set()
        for record in host.images.values():
            wanted.update(record.image.chain_ids)
        for container in host.containers.values():
            wanted.update(container.image.chain_ids)
        # by content, as buildkit_snapshots: a loaded engine-built image holds other Layer objects
        cached = {layer.diff_id for layer in host.build_cache.layers.values() if layer is not None}
        for chain, stored in self.layers.items():
            if stored.built and stored.layer.diff_id in cached:
                wanted.add(chain)
            else:
                self.snapshot_numbers.pop(buildkit_key(chain), None)
        for chain in list(wanted):
            parent = self.layers[chain].parent if chain in self.layers else None
            while parent is not None and parent not in wanted:
                wanted.add(parent)
                parent = self.layers[parent].parent
        for chain in [c for c in self.layers if c not in wanted]:
            del self.layers[chain]
            self.snapshot_numbers.pop(buildkit_key(chain), None)
            cache = self.cache_ids.pop(chain, None)
            if cache is not None:
                self.links.pop(cache, None)
                self.committed.discard(cache)
            self.built.discard(chain)
            self.snapshot_numbers.pop(chain, None)
        for cid in [c for c in self.mount_ids if c not in host.containers]:
            mount = self.mount_ids.pop(cid)
            for key in (cid + "-init", cid):
                self.snapshot_numbers.pop(key, None)
            for name in (mount, mount + "-init"):
                self.links.pop(name, None)
                self.committed.discard(name)
        live = set(self.buildkit_snapshots(host))
        for key in [k for k in self.snapshot_numbers if k.startswith(("buildkit/", "buildkit-local/"))]:
            if key not in live:
                del self.snapshot_numbers[key]
        self.tagged &= set(host.images)
        return {chain: self.layers[chain] for chain in self._ordered(wanted)}

    def _ordered(self, chains: set[str]) -> list[str]:
        """Parents before children, in the order the layers were first seen."""
        return [c for c in self.layers if c in chains]
