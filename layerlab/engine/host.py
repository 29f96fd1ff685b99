"""The simulated Docker host: one object a notebook creates, with the docker CLI's verbs.

Its verbs print what the docker CLI prints (ids, sizes, column layout) for the engine the
host plays (:mod:`.profile`: Engine 20.10, Engine 28 with the classic store, Engine 28
with the containerd image store), so a course can show ``docker history`` or ``docker
system df -v`` for images that live only in the model.
:class:`Host` is a facade; each concern lives in its own module:

- images and tags: :mod:`.images`; what the containerd store names them by: :mod:`.targets`;
  ``save`` / ``load``: :mod:`.transfer`; ``image inspect``: :mod:`.inspect`
- containers: :mod:`.containers`, the commands they run: :mod:`.processes`,
  their ``-v`` / ``--mount`` flags: :mod:`.mounts`; volumes: :mod:`.volumes`
- sizes per image store: :mod:`.sizes`; ``docker system df``: :mod:`.usage` and
  :mod:`.usage_containerd`; what the CLI prints: :mod:`.cli_text`
- the storage driver and its disk costs: :mod:`.storage`; the random directory ids of
  the data root: :mod:`.storage_ids`
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from layerlab.build.builder import BuildCache, BuildResult, build, go_time
from layerlab.build.context import BuildContext
from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.kernel_options import COMMON_KERNEL, KernelOverlay
from layerlab.model.oci import imported_manifest
from layerlab.model.overlay import Overlay
from layerlab.model.reference import full_ref
from layerlab.model.volume import Volume
from layerlab.shell import ShellResult

from . import cli_text
from .container_logs import ContainerLogs, LogBook
from .containers import ContainerStore, committed_image
from .content_store import ContentHolds
from .daemon_config import DaemonConfig
from .errors import HostError
from .images import ImageRecord, ImageStore, Replaced
from .inspect import inspect_image
from .mounts import host_dir
from .names import NameSource
from .processes import HostContainer
from .profile import EngineProfile, resolve_profile
from .prune import Prunes
from .restart import Restarts, configured_profile
from .storage import DiskUsage, disk_usage, host_storage
from .sizes import buildkit_snapshots
from .storage_ids import StorageIds
from .targets import MODEL_NOW, built_target, exported_lines, known_blobs, plain_target
from .transfer import ArchiveCopies, loaded_lines, save_images
from .views import PrintedViews
from .usage import ImageUsage, SystemDf, Usage, layer_usage, system_df
from .usage_containerd import containerd_system_df
from .volumes import VolumeStore

__all__ = ["Host", "HostError", "ImageUsage", "SystemDf", "Usage"]

class Host(Prunes, ContainerLogs, Restarts, PrintedViews):
    """A daemon in the model. ``engine``: the profile it plays (a name from :data:`~.profile.PROFILES`
    or an :class:`~.profile.EngineProfile`; default ``$LAYERLAB_ENGINE``, else the containerd
    store of a fresh Engine 29), kept as ``host.profile``. ``use_catalogue``: ``FROM`` names not
    built here come from the catalogue of base images. ``seed`` makes container ids, names, the
    data root's random ids and the containerd store's build ids the same every run.
    ``engine_version`` plays another release by the same rules (``24.0``: Engine 28's);
    ``storage_driver`` and ``backing_fs``: :func:`~.storage.host_storage` (a removed driver
    is refused, naming the release that removed it and what replaced it); ``kernel``: the
    overlay features containers are mounted with (:mod:`layerlab.model.kernel_options`);
    ``daemon``: a daemon.json (:mod:`.daemon_config`: log driver and options, data root...).
    Logs, prunes and restarts: :mod:`.container_logs`, :mod:`.prune`, :mod:`.restart`."""

    def __init__(self, *, engine: str | EngineProfile | None = None, use_catalogue: bool = True,
                 seed: int | None = None, storage_driver: str | None = None, engine_version: str | None = None,
                 backing_fs: str | None = None, kernel: KernelOverlay = COMMON_KERNEL,
                 daemon: DaemonConfig | Mapping[str, Any] | str | None = None) -> None:
        #: /etc/docker/daemon.json, as the daemon read it when it started
        self.daemon = daemon if isinstance(daemon, DaemonConfig) else DaemonConfig.from_json(daemon)
        #: the engine this host plays, and its validated storage (a snapshotter: costed as its graph driver)
        self.profile, self.storage = host_storage(configured_profile(resolve_profile(engine, engine_version),
                                                                     self.daemon),
                                                  storage_driver or self.daemon.storage_driver, backing_fs, kernel)
        profile = self.profile
        self.use_catalogue = use_catalogue
        self.seed = seed
        self.storage_driver = profile.storage_driver
        self.engine_version = profile.version
        self.backing_fs = self.storage.backing_fs
        #: "now" for CREATED columns, and when builds happen (fixed: ids stay the same every run)
        self.now = MODEL_NOW
        self.build_cache = BuildCache()
        #: stable random cache-ids, mount-ids and short links for the data root (seeded with the host)
        self.storage_ids = StorageIds(seed)
        clock, names = itertools.count(), NameSource(seed)
        self._builds = random.Random(f"buildkit:{seed}") if seed is not None else random.SystemRandom()
        self._build_clock = itertools.count(1)  # seconds after ``now`` each build starts
        self.image_store = ImageStore(clock, containerd=profile.containerd)
        self.volume_store = VolumeStore(names)
        #: directories on the host, by path, for bind mounts (:meth:`host_dir`)
        self.host_dirs: dict[str, Overlay] = {}
        self.container_store = ContainerStore(names, clock, self.volume_store, self.host_dirs)
        self.container_store.kernel = kernel
        self.log_book = LogBook()
        self.archive_copies = ArchiveCopies()
        self.content = ContentHolds()  # containerd store: what keeps content besides images

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

    def image_id(self, ref: str) -> str:
        """The id ``docker images`` shows for ``ref``: the config digest (classic store) or
        the digest of what the name points to (containerd store)."""
        return self.image_store.id_of(ref)

    def tags_of(self, image_id: str) -> list[str]:
        return self.image_store.tags_of(image_id)

    def add(self, image: Image, tag: str | None = None) -> Image:
        """Store an image (once) and tag it (with the containerd store: one OCI manifest)."""
        self._store(image, tag, self._plain(image))
        return image

    def _plain(self, image: Image) -> Any:
        return plain_target(image, known_blobs(self.image_store.targets())) if self.profile.containerd else None

    def _store(self, image: Image, tag: str | None, target: Any, *, made_here: bool = False,
               replaced: Replaced = "dangling") -> ImageRecord:
        record = self.image_store.add(image, tag, target=target, made_here=made_here, replaced=replaced,
                                      in_use=[c.image_id for c in self.containers.values()])
        self.content.remember([target])
        self._observe()
        return record

    def build(self, context: Any, tag: str | None = None, *, dockerfile: str | None = None,
              build_args: dict[str, str] | None = None, target: str | None = None, provenance: bool = True,
              network: str | None = None, vcs: Mapping[str, str] | None = None, no_cache: bool = False,
              ) -> BuildResult:
        """``docker build``: the image is stored and tagged only if every step succeeded.
        With the containerd store it is BuildKit's index with a provenance attestation (a new
        id every build; it names ``--network``, the images FROM used and ``vcs``, what buildx
        learnt from git), or one manifest with ``provenance=False``; BuildKit holds the FROM
        images' content a while (:mod:`.content_store`). ``no_cache``: ``--no-cache``."""
        if not isinstance(context, BuildContext):
            context = BuildContext.from_dir(Path(context), dockerfile or "Dockerfile")
            dockerfile = None
        started = self.now + timedelta(seconds=next(self._build_clock))
        materials: list[tuple[str, str]] = []

        def resolve(ref: str) -> Image | None:
            record = self.image_store.record(ref)
            if record is not None and (full_ref(ref), record.image_id) not in materials:
                materials.append((full_ref(ref), record.image_id))
                self.content.resolved(record.target, started)  # containerd store: BuildKit holds it
            return self._base_image(ref)

        result = build(context, resolve_image=resolve, cache=self.build_cache, dockerfile=dockerfile,
                       build_args=build_args, target=target, tag=full_ref(tag) if tag else None,
                       buildkit=self.profile.buildkit, compare_lower=self.profile.containerd, when=started,
                       no_cache=no_cache)
        unchanged = _unchanged_base(result.image, [self._base_image(ref) for ref, _ in materials])
        if unchanged is not None:  # BuildKit writes the base's config again, byte for byte: the same image
            result.image = unchanged
        self.storage_ids.note_built(result.image)
        stored = built_target(result.image, full_ref(tag) if tag else None, known_blobs(self.image_store.targets()),
                              attest=provenance, ids=self._builds, started=started,
                              build_args=build_args, network=network,
                              materials=materials, vcs=vcs) if self.profile.containerd else None
        result.exported = exported_lines(stored, result.tag) if stored else None  # the classic: writing image
        self._store(result.image, tag, stored, made_here=True, replaced="dropped")
        return result

    def adopt_build(self, image: Image, context: BuildContext) -> None:
        """An image BuildKit built on an engine from ``context`` and this host loaded (what
        ``compare`` does with FROM scratch builds): BuildKit's records of its layers and of
        its context stay here as after a build here, until ``builder_prune``."""
        for chain, layer in zip(image.chain_ids, image.layers):
            self.build_cache.layers.setdefault(f"built on an engine: {chain}", layer)
        self.build_cache.keep_sources(context)
        self.image_store.remember_build(image)
        self._observe()

    def _base_image(self, ref: str) -> Image | None:
        return self.image_store.base_image(ref, use_catalogue=self.use_catalogue)

    def tag(self, source: str, target: str) -> None:
        self.image_store.tag(source, target)
        self._observe()

    def rmi(self, ref: str, *, force: bool = False) -> list[str]:
        """``docker rmi``: untag; delete the image when no tag is left. Lines as docker prints.
        An image a container (running or not) was made from is refused without ``force``;
        a missing one too, except with ``force`` (nothing printed, as the 20.10 CLI does).
        The classic store also prints the layers it frees; the containerd store never does."""
        if force and self.image_store.record(ref) is None:
            return []
        image_id = self.image_store.id_of(ref)
        self._observe()
        users = self.container_store.made_from(image_id)
        lines, delete = self.image_store.untag(ref, force=force, users=users)
        if delete:
            stored = list(self.storage_ids.layer_store(self))
            lines += self.image_store.delete(image_id)
            kept = self.storage_ids.layer_store(self)  # classic: the layers nothing holds any more go, top first
            lines += [] if self.profile.containerd else [f"Deleted: {c}" for c in reversed(stored) if c not in kept]
        return lines

    def save(self, refs: list[str], path: str | Path) -> Path:
        """``docker save``: the archive this host's engine writes (:mod:`layerlab.archive.engine_save`)."""
        return save_images(self.image_store, refs, path, self.profile.save_format, self.archive_copies.blob)

    def load(self, path: str | Path) -> list[str]:
        """``docker load``: every image of the archive, with its tags. Lines as docker prints.
        The host reads its own copy of the archive (:class:`~.transfer.ArchiveCopies`); with
        the containerd store the image keeps the id its ``index.json`` gave it."""
        lines: list[str] = []
        for archived in self.archive_copies.read(Path(path)):
            target = (archived.target or imported_manifest(archived.image)) if self.profile.containerd else None
            record = self._store(archived.image, None, target)
            for tag in archived.tags:
                self.image_store.add(archived.image, tag, target=target)
            lines += loaded_lines(archived, record.image_id)
        self._observe()
        return lines

    def inspect(self, ref: str) -> dict[str, Any]:
        """``docker image inspect``: every field this host's engine prints (:mod:`.inspect`)."""
        record = self.image_store.record(ref) or self.image_store.daemon_record(self.image_store.id_of(ref))
        self._observe()
        cache_ids = [self.storage_ids.cache_id(c) for c in record.image.chain_ids]
        return inspect_image(record, self.tags_of(record.image_id), self.profile, cache_ids, self.now)

    # -- containers and volumes ------------------------------------------------------------------
    def container(self, ref: str | Container) -> HostContainer:
        """A container by name, full id or id prefix (``Error: No such container`` otherwise)."""
        return self.container_store.get(ref)

    def host_dir(self, path: str, files: Mapping[str, bytes | str] | Overlay | None = None) -> Overlay:
        """A directory on the host, for bind mounts: from ``{relative path: data}`` or an Overlay."""
        return host_dir(self.host_dirs, path, files)

    def run(self, image: str, command: str | list[str] | None = None, *, name: str | None = None,
            detach: bool = False, rm: bool = False, volumes: Sequence[str] = (), mounts: Sequence[Any] = (),
            env: Sequence[str] = (), workdir: str | None = None, entrypoint: list[str] | None = None,
            log_driver: str | None = None, log_opts: Mapping[str, str] | None = None) -> HostContainer:
        """``docker run``: create a container, mount, run its command to the end (a command
        ending in ``sleep N`` / ``tail -f`` stays running). ``command`` is argv, or a string
        split as the docker CLI splits its arguments. The output is in ``container.output``
        and, as the logging driver keeps it (``--log-driver``, ``--log-opt``), its log."""
        logging = self._log_config(log_driver, log_opts)
        container = self.container_store.create(self.image(image), image, command, name=name, volumes=volumes,
                                                mounts=mounts, env=env, workdir=workdir, entrypoint=entrypoint,
                                                image_id=self.image_store.id_of(image))
        container.auto_remove = rm
        self._start_log(container, logging)
        self._observe()
        self._log_output(container, container.start())
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
        image = committed_image(self.container(container), message, containerd=self.profile.containerd,
                                created=go_time(self.now + timedelta(seconds=next(self._build_clock))))
        self._store(image, repo_tag, self._plain(image), made_here=True)
        return image

    def volume_create(self, name: str | None = None, *, anonymous: bool = False) -> Volume:
        """``docker volume create [NAME]``: creating an existing name returns it (as docker does)."""
        return self.volume_store.create(name, anonymous=anonymous)

    def volume_users(self, name: str) -> list[HostContainer]:
        return self.container_store.using_volume(name)

    def volume_inspect(self, name: str) -> dict[str, Any]:
        return self.volume_store.inspect(name)

    def volume_rm(self, name: str, *, force: bool = False) -> str:
        return self.volume_store.rm(name, force=force, users=self.volume_users(name))

    # -- space -----------------------------------------------------------------------------------
    def layer_usage(self) -> dict[str, int]:
        """Bytes per stored layer, keyed by chain id: a layer shared by images counts once."""
        return layer_usage(self.image_store.images())

    def system_df(self) -> SystemDf:
        """What ``docker system df`` counts, by this engine's image store (:mod:`.usage`)."""
        args = (self.images, self.tags, list(self.containers.values()), list(self.volumes.values()),
                self.build_cache.layers.values())
        if self.profile.containerd:
            return containerd_system_df(*args, buildkit_snapshots(self.build_cache))
        return system_df(*args)

    def system_df_text(self, verbose: bool = False) -> str:
        """``docker system df [-v]`` as the CLI lays it out (docker/cli formatter/disk_usage.go)."""
        if not verbose:
            return cli_text.system_df_table(self.system_df())
        return cli_text.system_df_verbose(self.system_df(), self.image_store, list(self.containers.values()),
                                          self.volumes.values(), self.profile, self.created_text)

    def disk_usage(self) -> DiskUsage:
        """Disk the storage driver really uses for image layers and containers.

        Not what ``docker system df`` or ``docker ps -s`` print with the classic store (each
        layer's *content*, the same on every driver): what that content costs on the driver
        (whole-file copy-up on overlay2, changed blocks on btrfs/zfs, full copies on vfs)."""
        return disk_usage(self.image_store.images(), self.containers.values(), self.storage.on_disk)

    def __repr__(self) -> str:
        def count(n: int, word: str) -> str:
            return f"{n} {word}{'s' * (n != 1)}"

        return (f"a simulated Docker host: {count(len(self.images), 'image')}, {count(len(self.tags), 'tag')}, "
                f"{count(len(self.containers), 'container')}, {count(len(self.build_cache), 'build cache record')}")


def _unchanged_base(image: Image, bases: Sequence[Image | None]) -> Image | None:
    """The base image ``image`` is a copy of (a Dockerfile that only names it: same layers,
    history and settings), or None. BuildKit marshals such a config exactly as it did the
    base's, so an engine gives it the base's id; a base built on the engine and loaded
    into the model keeps the engine's bytes, which the model's own JSON would not match."""
    def settings(img: Image) -> dict[str, Any]:
        return {k: v for k, v in (img.config.get("config") or {}).items() if v not in (None, [], {}, "")}

    for base in bases:
        if base is not None and base.diff_ids == image.diff_ids and settings(base) == settings(image) \
                and base.config.get("history") == image.config.get("history"):
            return base
    return None
