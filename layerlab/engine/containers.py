"""The daemon's containers: ``docker create / exec / stop / rm / commit`` and lookups.

A container is found by name, full id or unambiguous id prefix. ``docker rm`` removes the
RW and -init layers; anonymous volumes only with ``-v`` (``--rm`` implies it); named
volumes always stay. ``docker commit`` stacks the RW layer on the image as one more layer.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from layerlab.build.differ import compared_with_lower
from layerlab.model.container import Container
from layerlab.model.gojson import go_json_bytes
from layerlab.model.image import Image
from layerlab.model.kernel_options import COMMON_KERNEL, KernelOverlay
from layerlab.model.overlay import Overlay
from layerlab.shell import ShellResult

from .errors import HostError
from .mounts import make_mount, mount_specs
from .names import NameSource
from .processes import HostContainer
from .volumes import VolumeStore


class ContainerStore:
    """Containers by id (``by_id``), with their mounts' volumes and host directories;
    ``kernel``: the overlay features new containers are mounted with."""

    kernel: KernelOverlay = COMMON_KERNEL

    def __init__(self, names: NameSource, clock: Iterator[int], volumes: VolumeStore,
                 host_dirs: dict[str, Overlay]) -> None:
        self.by_id: dict[str, HostContainer] = {}
        self._names = names
        self._clock = clock
        self._volumes = volumes
        self._host_dirs = host_dirs

    # -- lookups ----------------------------------------------------------------------------
    def get(self, ref: str | Container) -> HostContainer:
        """A container by name, full id or id prefix (``Error: No such container`` otherwise)."""
        if isinstance(ref, HostContainer):
            return ref
        if isinstance(ref, Container):
            ref = ref.id
        for c in self.by_id.values():
            if c.name == ref.lstrip("/") or c.id == ref:
                return c
        matches = [c for c in self.by_id.values() if len(ref) >= 1 and c.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        raise HostError(f"Error: No such container: {ref}")

    def newest_first(self) -> list[HostContainer]:
        return sorted(self.by_id.values(), key=lambda c: -c.created)

    def made_from(self, image_id: str) -> list[HostContainer]:
        return [c for c in self.by_id.values() if c.image_id == image_id]

    def using_volume(self, name: str) -> list[HostContainer]:
        return [c for c in self.by_id.values() if any(v.name == name for v in c.volumes)]

    def volumes_in_use(self) -> set[str]:
        return {v.name for c in self.by_id.values() for v in c.volumes}

    # -- verbs ------------------------------------------------------------------------------
    def create(self, image: Image, image_ref: str, command: str | Sequence[str] | None = None, *,
               name: str | None = None, volumes: Sequence[str] = (),
               mounts: Sequence[str | Mapping[str, Any]] = (), env: Sequence[str] = (),
               workdir: str | None = None, entrypoint: Sequence[str] | None = None,
               image_id: str | None = None) -> HostContainer:
        """``docker create``: the container with its mounts, registered, not started.
        ``command`` is argv, or a string split as the docker CLI splits its arguments;
        ``image_id`` the image's id in the store (default: its config digest)."""
        if name is not None and any(c.name == name for c in self.by_id.values()):
            raise HostError(f'Error response from daemon: Conflict. The container name "/{name}" is already in use')
        config = image.config.get("config") or {}
        argv = shlex.split(command) if isinstance(command, str) else list(command or config.get("Cmd") or [])
        argv = list(config.get("Entrypoint") or [] if entrypoint is None else entrypoint) + argv
        specs = mount_specs(volumes, mounts, config.get("Volumes") or {})
        container_id = self._names.hex_id()  # the engine's order: id, name, anonymous volumes
        name = name or self._names.container_name({c.name for c in self.by_id.values()})
        container = HostContainer.create(
            container_id, name, image, [make_mount(s, self._volumes, self._host_dirs) for s in specs],
            image_ref=image_ref, command=argv, env=[*image.env, *env], workdir=workdir or "",
            created=next(self._clock), kernel=self.kernel)
        container.image_id = image_id or image.image_id
        self.by_id[container_id] = container
        return container

    def exec(self, ref: str | Container, command: str | Sequence[str]) -> ShellResult:
        """``docker exec``: only in a running container."""
        c = self.get(ref)
        if not c.running:
            raise HostError(f"Error response from daemon: Container {c.id} is not running")
        return c.exec(command)

    def stop(self, ref: str | Container) -> str:
        """``docker stop``; a container started with ``--rm`` is removed with its anonymous volumes."""
        c = self.get(ref)
        c.stop()
        if c.auto_remove:
            self.rm(c, volumes=True)
        return ref if isinstance(ref, str) else c.name

    def rm(self, ref: str | Container, *, force: bool = False, volumes: bool = False) -> str:
        """``docker rm [-f] [-v]``: a running container only with ``force``."""
        c = self.get(ref)
        if c.running and not force:
            raise HostError(f"Error response from daemon: You cannot remove a running container {c.id}. "
                            "Stop the container before attempting removal or force remove")
        c.stop()
        del self.by_id[c.id]
        if volumes:
            self._volumes.discard_anonymous(c.volumes, in_use=self.volumes_in_use())
        return ref if isinstance(ref, str) else c.name


def committed_image(c: Container, message: str | None = None, *, containerd: bool = False,
                    created: str | None = None) -> Image:
    """``docker commit``: the container's image plus its RW layer. The new config keeps
    the container's command as ``Cmd`` and its anonymous volumes as ``Volumes``; the
    history row's ``created_by`` is the command joined by spaces (as the engine writes it).
    A container that changed nothing adds no layer: its row is an ``empty_layer`` one (every
    engine and image store registers the empty tar as no layer at all).

    With the containerd store (moby ``daemon/containerd/image_commit.go``) the layer is the
    difference between the container's view and its ``-init`` snapshot, walked on both
    sides (containerd's differ): a directory removed and made again gives a whiteout for
    each name it had, not an opaque directory; and the new snapshot is prepared on the
    container's ``-init``, which so stays under the image (:attr:`Image.extra_snapshots`:
    Engine 28.5 counts its 20 KiB in the image's SIZE and its containers' virtual size)."""
    layer = c.commit(message)
    if containerd:
        layer = compared_with_lower(layer, [*c.image.layers, c.init_layer])
    config = json.loads(c.image.config_bytes)
    run = dict(config.get("config") or {})
    entrypoint = list(run.get("Entrypoint") or [])
    cmd = c.command[len(entrypoint):] if c.command[: len(entrypoint)] == entrypoint else c.command
    run["Cmd"] = cmd
    anonymous = {"/" + m.target: {} for m in c.mounts if m.volume is not None and m.volume.anonymous}
    if anonymous:
        run["Volumes"] = {**(run.get("Volumes") or {}), **anonymous}
    config["config"] = run
    config["container"] = c.id
    if created is not None:  # the engine writes when it committed: two commits, two images
        config["created"] = created
    row: dict[str, Any] = {"created": config.get("created", ""), "created_by": " ".join(cmd)}
    if message:
        row["comment"] = message
    if layer.is_empty:
        row["empty_layer"] = True
    config["history"] = list(config.get("history") or []) + [row]
    layers = [*c.image.layers] + ([] if layer.is_empty else [layer])
    config["rootfs"] = {"type": "layers", "diff_ids": [x.diff_id for x in layers]}
    image = Image(layers, go_json_bytes(config))
    if containerd and not layer.is_empty:
        image.extra_snapshots = (*c.image.extra_snapshots, c.init_layer)
    return image
