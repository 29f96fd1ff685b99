"""The simulated Docker host: one object a notebook creates, with the docker CLI's verbs.

Its verbs print what the docker CLI prints (ids, sizes, column layout), so a course can
show ``docker history`` or ``docker system df -v`` for images that live only in the model.
:class:`Host` is a facade; each concern lives in its own module:

- images and tags: :mod:`.images`; ``save`` / ``load``: :mod:`.transfer`
- containers: :mod:`.containers`, the commands they run: :mod:`.processes`,
  their ``-v`` / ``--mount`` flags: :mod:`.mounts`; volumes: :mod:`.volumes`
- ``docker system df``: :mod:`.usage`; what the CLI prints: :mod:`.cli_text`
- the storage driver and its disk costs: :mod:`.storage`; the random directory ids of
  the data root: :mod:`.storage_ids`
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from layerlab.archive import save_docker_archive
from layerlab.build.builder import BuildCache, BuildResult, build
from layerlab.build.context import BuildContext
from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.overlay import Overlay
from layerlab.model.reference import full_ref
from layerlab.model.volume import Volume
from layerlab.shell import ShellResult

from . import cli_text
from .containers import ContainerStore, committed_image
from .errors import HostError
from .images import ImageRecord, ImageStore
from .mounts import host_dir
from .names import NameSource
from .processes import HostContainer
from .storage import DEFAULT_ENGINE, DiskUsage, HostStorage, disk_usage
from .storage_ids import StorageIds
from .transfer import ArchiveCopies, loaded_lines
from .usage import ImageUsage, SystemDf, Usage, layer_usage, system_df
from .volumes import VolumeStore

__all__ = ["Host", "HostError", "ImageUsage", "SystemDf", "Usage"]


class Host:
    """A daemon in the model. ``use_catalogue``: ``FROM`` names not built here come from
    the catalogue of base images. ``seed`` makes container ids, generated names and the
    data root's random ids the same every run (None: random).

    ``storage_driver`` (``dockerd --storage-driver``; None: the one ``engine_version``
    picks on ``backing_fs``, overlay2 on ext4) is checked as the daemon checks it: an
    unknown or removed driver raises :class:`~layerlab.drivers.DriverError`, a deprecated
    one records the warning ``docker info`` prints (``host.warnings``).
    """

    def __init__(self, *, use_catalogue: bool = True, seed: int | None = None, storage_driver: str | None = None,
                 engine_version: str = DEFAULT_ENGINE, backing_fs: str | None = None) -> None:
        self.use_catalogue = use_catalogue
        self.seed = seed
        #: the validated driver, engine version and backing filesystem
        self.storage = HostStorage.configure(storage_driver, engine_version, backing_fs)
        self.storage_driver = self.storage.name
        self.engine_version = engine_version
        self.backing_fs = self.storage.backing_fs
        self.build_cache = BuildCache()
        #: stable random cache-ids, mount-ids and short links for the data root (seeded with the host)
        self.storage_ids = StorageIds(seed)
        clock, names = itertools.count(), NameSource(seed)
        self.image_store = ImageStore(clock)
        self.volume_store = VolumeStore(names)
        #: directories on the host, by path, for bind mounts (:meth:`host_dir`)
        self.host_dirs: dict[str, Overlay] = {}
        self.container_store = ContainerStore(names, clock, self.volume_store, self.host_dirs)
        self.archive_copies = ArchiveCopies()

    @property
    def images(self) -> dict[str, ImageRecord]:
        return self.image_store.records

    @property
    def tags(self) -> dict[str, str]:
        return self.image_store.tags

    @property
    def containers(self) -> dict[str, HostContainer]:
        return self.container_store.by_id

    @property
    def volumes(self) -> dict[str, Volume]:
        return self.volume_store.by_name

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the daemon warns about at the end of ``docker info`` (a deprecated driver)."""
        return self.storage.warnings

    def _observe(self) -> None:
        """Let the layer store record what the host holds now (after every change)."""
        self.storage_ids.observe(self)

    # -- images -------------------------------------------------------------------------------
    def image(self, ref: str) -> Image:
        return self.image_store.image(ref)

    def find(self, ref: str) -> Image | None:
        return self.image_store.find(ref)

    def tags_of(self, image_id: str) -> list[str]:
        return self.image_store.tags_of(image_id)

    def add(self, image: Image, tag: str | None = None) -> Image:
        """Store an image (once) and tag it."""
        self.image_store.add(image, tag)
        self._observe()
        return image

    def build(self, context: Any, tag: str | None = None, *, dockerfile: str | None = None,
              build_args: dict[str, str] | None = None, target: str | None = None) -> BuildResult:
        """``docker build``: the image is stored and tagged only if every step succeeded."""
        if not isinstance(context, BuildContext):
            context = BuildContext.from_dir(Path(context), dockerfile or "Dockerfile")
            dockerfile = None
        result = build(context, resolve_image=self._base_image, cache=self.build_cache, dockerfile=dockerfile,
                       build_args=build_args, target=target, tag=full_ref(tag) if tag else None)
        self.storage_ids.note_built(result.image)
        self.add(result.image, tag)
        return result

    def _base_image(self, ref: str) -> Image | None:
        return self.image_store.base_image(ref, use_catalogue=self.use_catalogue)

    def tag(self, source: str, target: str) -> None:
        self.image_store.tag(source, target)
        self._observe()

    def rmi(self, ref: str, *, force: bool = False) -> list[str]:
        """``docker rmi``: untag; delete the image when no tag is left. Lines as docker prints.
        An image a container (running or not) was made from is refused without ``force``;
        a missing one too, except with ``force`` (nothing printed, as the 20.10 CLI does)."""
        if force and self.find(ref) is None:
            return []
        image = self.image(ref)
        self._observe()
        users = self.container_store.made_from(image.image_id)
        lines, last_name = self.image_store.untag(ref, force=force, users=users)
        if not last_name:
            return lines
        stored = list(self.storage_ids.layer_store(self))
        lines += self.image_store.delete(image.image_id)
        kept = self.storage_ids.layer_store(self)
        # the layers no image, container or build cache holds any more go too, top first
        return lines + [f"Deleted: {chain}" for chain in reversed(stored) if chain not in kept]

    def save(self, refs: list[str], path: str | Path) -> Path:
        return save_docker_archive({r: self.image_store.daemon_image(r, r) for r in refs}, path)

    def load(self, path: str | Path) -> list[str]:
        """``docker load``: every image of the archive, with its tags. Lines as docker prints.
        The host reads its own copy of the archive (:class:`~.transfer.ArchiveCopies`)."""
        lines: list[str] = []
        for archived in self.archive_copies.read(Path(path)):
            self.add(archived.image)
            for tag in archived.tags:
                self.tags[full_ref(tag)] = archived.image.image_id
            lines += loaded_lines(archived)
        self._observe()
        return lines

    def inspect(self, ref: str) -> dict[str, Any]:
        return self.image_store.inspect(ref)

    # -- containers and volumes ------------------------------------------------------------------
    def container(self, ref: str | Container) -> HostContainer:
        """A container by name, full id or id prefix (``Error: No such container`` otherwise)."""
        return self.container_store.get(ref)

    def host_dir(self, path: str, files: Mapping[str, bytes | str] | Overlay | None = None) -> Overlay:
        """A directory on the host, for bind mounts: from ``{relative path: data}`` or an Overlay."""
        return host_dir(self.host_dirs, path, files)

    def run(self, image: str, command: str | list[str] | None = None, *, name: str | None = None,
            detach: bool = False, rm: bool = False, volumes: Sequence[str] = (), mounts: Sequence[Any] = (),
            env: Sequence[str] = (), workdir: str | None = None, entrypoint: list[str] | None = None) -> HostContainer:
        """``docker run``: create a container, mount, run its command to the end (a command
        ending in ``sleep N`` / ``tail -f`` stays running). ``command`` is argv, or a string
        split as the docker CLI splits its arguments. The output is in ``container.output``."""
        container = self.container_store.create(self.image(image), image, command, name=name, volumes=volumes,
                                                mounts=mounts, env=env, workdir=workdir, entrypoint=entrypoint)
        container.auto_remove = rm
        self._observe()
        container.start()
        if rm and not container.running:
            self.rm(container, volumes=True)
        return container

    def exec(self, container: str | Container, command: str | list[str]) -> ShellResult:
        """``docker exec``: only in a running container."""
        return self.container_store.exec(container, command)

    def diff(self, container: str | Container) -> str:
        return self.container(container).diff_text()

    def stop(self, container: str | Container) -> str:
        return self.container_store.stop(container)

    def rm(self, container: str | Container, *, force: bool = False, volumes: bool = False) -> str:
        """``docker rm``: the RW and -init layers go; anonymous volumes only with ``volumes``
        (``-v``; ``--rm`` implies it); named volumes always stay."""
        return self.container_store.rm(container, force=force, volumes=volumes)

    def commit(self, container: str | Container, repo_tag: str | None = None, *,
               message: str | None = None) -> Image:
        """``docker commit``: the container's image plus its RW layer (:func:`~.containers.committed_image`)."""
        return self.add(committed_image(self.container(container), message), repo_tag)

    def volume_create(self, name: str | None = None, *, anonymous: bool = False) -> Volume:
        """``docker volume create [NAME]``: creating an existing name returns it (as docker does)."""
        return self.volume_store.create(name, anonymous=anonymous)

    def volume_users(self, name: str) -> list[HostContainer]:
        return self.container_store.using_volume(name)

    def volume_inspect(self, name: str) -> dict[str, Any]:
        return self.volume_store.inspect(name)

    def volume_rm(self, name: str, *, force: bool = False) -> str:
        return self.volume_store.rm(name, force=force, users=self.volume_users(name))

    def volume_prune(self) -> str:
        """``docker volume prune -f`` on Engine 20.10: every volume no container uses."""
        return self.volume_store.prune(in_use=self.container_store.volumes_in_use())

    # -- what docker prints -------------------------------------------------------------------------
    def ps_rows(self, *, all: bool = False, size: bool = False) -> list[dict[str, str]]:  # noqa: A002
        return cli_text.ps_rows(self.containers.values(), all=all, size=size)

    def ps(self, *, all: bool = False, size: bool = False) -> str:  # noqa: A002
        """``docker ps [-a] [-s]``; SIZE is ``RW bytes (virtual image + RW bytes)``."""
        return cli_text.ps_table(self.ps_rows(all=all, size=size), size=size)

    def history_rows(self, ref: str) -> list[dict[str, str]]:
        """``docker history``: newest first; only the top row names an image (BuildKit builds)."""
        return cli_text.history_rows(self.image_store.daemon_image(ref))

    def history(self, ref: str, *, no_trunc: bool = False) -> str:
        return cli_text.history_table(self.history_rows(ref), no_trunc=no_trunc)

    def image_rows(self) -> list[dict[str, str]]:
        return cli_text.image_rows(self.image_store)

    def images_table(self) -> str:
        return cli_text.table(self.image_rows(), cli_text.IMAGES_COLUMNS)

    def volume_ls(self) -> str:
        return cli_text.volume_table(self.volumes.values())

    def docker_info_lines(self, root: str = "/var/lib/docker") -> list[str]:
        """``docker info``'s counts, storage driver lines and root dir, then its warnings."""
        return cli_text.docker_info(list(self.containers.values()), len(self.images), self.storage,
                                    len(self.layer_usage()), root)

    # -- space -----------------------------------------------------------------------------------
    def layer_usage(self) -> dict[str, int]:
        """Bytes per stored layer, keyed by chain id: a layer shared by images counts once."""
        return layer_usage(self.image_store.images())

    def system_df(self) -> SystemDf:
        """What ``docker system df`` counts (the daemon's disk-usage report, Engine 20.10: :mod:`.usage`)."""
        images = {image_id: record.image for image_id, record in self.images.items()}
        return system_df(images, self.tags, list(self.containers.values()), list(self.volumes.values()),
                         self.build_cache.layers.values())

    def system_df_text(self, verbose: bool = False) -> str:
        """``docker system df [-v]`` as the 20.10 CLI lays it out (docker/cli formatter/disk_usage.go)."""
        if not verbose:
            return cli_text.system_df_table(self.system_df())
        return cli_text.system_df_verbose(self.system_df(), self.image_store, list(self.containers.values()),
                                          self.volumes.values())

    def disk_usage(self) -> DiskUsage:
        """Disk the storage driver really uses for image layers and containers.

        Not what ``docker system df`` or ``docker ps -s`` print: those report each layer's
        *content* (the bytes of its changes; a container's writable-layer files), the same
        on every driver. The driver decides what that content costs: overlay2 stores each
        layer's changes once and copies a whole file up on its first change; btrfs/zfs
        keep only the blocks a write touched; vfs keeps a full copy of the filesystem for
        every layer and two (-init and writable) for every container.
        """
        return disk_usage(self.image_store.images(), self.containers.values(), self.storage.driver)

    def __repr__(self) -> str:
        return f"<Host {len(self.images)} images, {len(self.tags)} tags, {len(self.build_cache)} cache records>"
