"""The simulated Docker host: images, tags and the build cache, with the docker CLI's verbs.

One object a notebook creates. Its verbs print what the docker CLI prints (ids, sizes,
column layout), so a course can show ``docker history`` or ``docker system df -v`` for
images that live only in the model. Later chapters add containers, volumes and drivers
by extending this object, not by reshaping it.
"""

from __future__ import annotations

import itertools
import json
import random
import shlex
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layerlab.archive import read_archive, save_docker_archive
from layerlab.build.builder import BuildCache, BuildResult, build
from layerlab.build.catalogue import CatalogueError, base_image
from layerlab.build.context import BuildContext
from layerlab.model.container import Container, Mount
from layerlab.model.digest import short_id
from layerlab.model.errors import LayerlabError
from layerlab.model.fs import normalize_path
from layerlab.model.image import Image
from layerlab.model.overlay import Overlay
from layerlab.model.units import human_size
from layerlab.model.volume import Volume
from layerlab.shell import ShellResult

from .storage import DEFAULT_ENGINE, DiskUsage, HostStorage, disk_usage
from .storage_ids import StorageIds


class HostError(LayerlabError):
    """A docker command that the daemon would refuse (no such image, image in use...)."""


def full_ref(ref: str) -> str:
    """``app`` -> ``app:latest``; a digest or id stays as it is."""
    if ref.startswith("sha256:"):
        return ref
    name = ref.rsplit("/", 1)[-1]
    return ref if ":" in name else ref + ":latest"


@dataclass(frozen=True)
class Usage:
    """One row of ``docker system df``: how many, how many in use, bytes, bytes reclaimable."""

    total: int
    active: int
    size: int
    reclaimable: int


@dataclass(frozen=True)
class ImageUsage:
    """One image in ``docker system df -v``: its layers' bytes, those other images share too."""

    image_id: str
    tags: tuple[str, ...]
    size: int
    shared: int
    containers: int

    @property
    def unique(self) -> int:
        return self.size - self.shared


@dataclass(frozen=True)
class SystemDf:
    """What ``docker system df`` counts, per kind (Engine 20.10's rules: :meth:`Host.system_df`)."""

    images: Usage
    containers: Usage
    volumes: Usage
    build_cache: Usage
    per_image: tuple[ImageUsage, ...]


@dataclass
class ImageRecord:
    image: Image
    created: int  # a logical clock: which image was made after which


@dataclass
class Host:
    """A daemon in the model. ``base_images`` resolves ``FROM`` names not built here.

    ``storage_driver`` (``dockerd --storage-driver``; None: the one ``engine_version``
    picks on ``backing_fs``, overlay2 on ext4) is checked as the daemon checks it: an
    unknown or removed driver raises :class:`~layerlab.drivers.DriverError`, a deprecated
    one records the warning ``docker info`` prints (``host.warnings``).
    """

    images: dict[str, ImageRecord] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    use_catalogue: bool = True
    _clock: itertools.count = field(default_factory=itertools.count, repr=False)
    containers: dict[str, Container] = field(default_factory=dict)
    volumes: dict[str, Volume] = field(default_factory=dict)
    host_dirs: dict[str, Overlay] = field(default_factory=dict)
    #: seed for container ids, generated names and anonymous volume names (None: random)
    seed: int | None = None
    storage_driver: str | None = None
    engine_version: str = DEFAULT_ENGINE
    backing_fs: str | None = None

    def __post_init__(self) -> None:
        #: the validated driver, engine version and backing filesystem (see host_storage)
        self.storage = HostStorage.configure(self.storage_driver, self.engine_version, self.backing_fs)
        self.storage_driver = self.storage.name
        self.backing_fs = self.storage.backing_fs
        self.build_cache = BuildCache()
        #: stable random cache-ids, mount-ids and short links for the data root (seeded with the host)
        self.storage_ids = StorageIds(self.seed)
        self._rng: random.Random = random.Random(self.seed) if self.seed is not None else random.SystemRandom()

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the daemon warns about at the end of ``docker info`` (a deprecated driver)."""
        return self.storage.warnings

    def docker_info_lines(self, root: str = "/var/lib/docker") -> list[str]:
        """``docker info``'s counts, storage driver lines and root dir, then its warnings."""
        running = sum(c.running for c in self.containers.values())
        return [f"Containers: {len(self.containers)}", f" Running: {running}", " Paused: 0",
                f" Stopped: {len(self.containers) - running}", f"Images: {len(self.images)}",
                *self.storage.info_lines(self, root), f"Docker Root Dir: {root}", *self.warnings]

    def disk_usage(self) -> DiskUsage:
        """Disk the storage driver really uses for image layers and containers.

        Not what ``docker system df`` or ``docker ps -s`` print: those report each layer's
        *content* (the bytes of its changes; a container's writable-layer files), the same
        on every driver. The driver decides what that content costs: overlay2 stores each
        layer's changes once and copies a whole file up on its first change; btrfs/zfs
        keep only the blocks a write touched; vfs keeps a full copy of the filesystem for
        every layer and two (-init and writable) for every container.
        """
        return disk_usage(self)

    # -- lookups ------------------------------------------------------------------------
    def image(self, ref: str) -> Image:
        """An image by tag or id; missing: the 20.10 CLI's own wording (``docker rmi``,
        ``docker image inspect`` look the name up before asking the daemon)."""
        found = self.find(ref)
        if found is None:
            raise HostError(f"Error: No such image: {ref}")
        return found

    def _daemon_image(self, ref: str, name: str | None = None) -> Image:
        """An image the daemon looks up itself (``history``, ``tag``, ``save``): missing, the
        daemon's wording, with the name as it parsed it (``x`` -> ``x:latest``)."""
        found = self.find(ref)
        if found is None:
            raise HostError(f"Error response from daemon: No such image: {name or full_ref(ref)}")
        return found

    def find(self, ref: str) -> Image | None:
        if full_ref(ref) in self.tags:
            return self.images[self.tags[full_ref(ref)]].image
        hexid = ref.removeprefix("sha256:")
        if len(hexid) >= 4 and all(c in "0123456789abcdef" for c in hexid):
            matches = [i for i in self.images if i[7:].startswith(hexid)]
            if len(matches) == 1:
                return self.images[matches[0]].image
        return None

    def _base(self, ref: str) -> Image | None:
        found = self.find(ref)
        if found is not None or not self.use_catalogue:
            return found
        try:
            return base_image(ref)
        except CatalogueError as err:
            raise HostError(f"FROM {ref}: no such image here, and {err}") from None

    def tags_of(self, image_id: str) -> list[str]:
        return sorted(t for t, i in self.tags.items() if i == image_id)

    # -- verbs --------------------------------------------------------------------------
    def add(self, image: Image, tag: str | None = None) -> Image:
        """Store an image (once) and tag it."""
        if image.image_id not in self.images:
            self.images[image.image_id] = ImageRecord(image, next(self._clock))
        if tag:
            self.tags[full_ref(tag)] = image.image_id
        self.storage_ids.observe(self)
        return image

    def build(self, context: Any, tag: str | None = None, *, dockerfile: str | None = None,
              build_args: dict[str, str] | None = None, target: str | None = None) -> BuildResult:
        """``docker build``: the image is stored and tagged only if every step succeeded."""
        if not isinstance(context, BuildContext):
            context = BuildContext.from_dir(Path(context), dockerfile or "Dockerfile")
            dockerfile = None
        result = build(context, resolve_image=self._base, cache=self.build_cache, dockerfile=dockerfile,
                       build_args=build_args, target=target, tag=full_ref(tag) if tag else None)
        self.storage_ids.note_built(result.image)
        self.add(result.image, tag)
        return result

    def tag(self, source: str, target: str) -> None:
        self.tags[full_ref(target)] = self._daemon_image(source).image_id
        self.storage_ids.observe(self)

    def rmi(self, ref: str, *, force: bool = False) -> list[str]:
        """``docker rmi``: untag; delete the image when no tag is left. Lines as docker prints.
        An image a container (running or not) was made from is refused without ``force``;
        a missing one too, except with ``force`` (nothing printed, as the 20.10 CLI does)."""
        if force and self.find(ref) is None:
            return []
        image = self.image(ref)
        self.storage_ids.observe(self)
        users = [c for c in self.containers.values() if c.image.image_id == image.image_id]
        if users and not force and len(self.tags_of(image.image_id)) <= 1:
            raise HostError(
                f'Error response from daemon: conflict: unable to remove repository reference "{ref}" '
                f"(must force) - container {users[0].id[:12]} is using its referenced image "
                f"{short_id(image.image_id)}")
        out: list[str] = []
        tags = self.tags_of(image.image_id)
        if full_ref(ref) in tags and (len(tags) > 1 and not force):
            del self.tags[full_ref(ref)]
            return [f"Untagged: {full_ref(ref)}"]
        for tag in tags:
            del self.tags[tag]
            out.append(f"Untagged: {tag}")
        stored = list(self.storage_ids.layer_store(self))
        del self.images[image.image_id]
        out.append(f"Deleted: {image.image_id}")
        kept = self.storage_ids.layer_store(self)
        # the layers no image, container or build cache holds any more go too, top first
        out += [f"Deleted: {chain}" for chain in reversed(stored) if chain not in kept]
        return out

    def save(self, refs: list[str], path: str | Path) -> Path:
        return save_docker_archive({r: self._daemon_image(r, r) for r in refs}, path)

    def load(self, path: str | Path) -> list[str]:
        """``docker load``: every image of the archive, with its tags. Lines as docker prints.

        Like the engine, the host keeps its own copy: layer contents are streamed from the
        archive when needed, so the caller may delete or change the file afterwards.
        """
        out = []
        for archived in read_archive(self._keep_copy(Path(path))):
            self.add(archived.image)
            for tag in archived.tags:
                self.tags[full_ref(tag)] = archived.image.image_id
                out.append(f"Loaded image: {tag}")
            if not archived.tags:
                out.append(f"Loaded image ID: {archived.image.image_id}")
        self.storage_ids.observe(self)
        return out

    def _keep_copy(self, path: Path) -> Path:
        """A private copy of a loaded archive (file or OCI layout), removed with the host."""
        if not path.exists():
            raise HostError(f"docker load: {path}: no such file or directory")
        store = getattr(self, "_loaded_dir", None)
        if store is None:
            store = self._loaded_dir = Path(tempfile.mkdtemp(prefix="layerlab-loaded-"))
            weakref.finalize(self, shutil.rmtree, store, ignore_errors=True)
        copy = store / f"{len(list(store.iterdir()))}-{path.name}"
        if path.is_dir():
            shutil.copytree(path, copy, symlinks=True)
        else:
            shutil.copyfile(path, copy)
        return copy

    # -- containers and volumes ---------------------------------------------------------
    def _hex_id(self) -> str:
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(64))

    def _generated_name(self) -> str:
        while True:
            name = f"{self._rng.choice(_ADJECTIVES)}_{self._rng.choice(_SURNAMES)}"
            if all(c.name != name for c in self.containers.values()):
                return name

    def container(self, ref: str | Container) -> Container:
        """A container by name, full id or id prefix (``Error: No such container`` otherwise)."""
        if isinstance(ref, Container):
            return ref
        for c in self.containers.values():
            if c.name == ref.lstrip("/") or c.id == ref:
                return c
        matches = [c for c in self.containers.values() if len(ref) >= 1 and c.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        raise HostError(f"Error: No such container: {ref}")

    def host_dir(self, path: str, files: dict[str, bytes | str] | Overlay | None = None) -> Overlay:
        """A directory on the host, for bind mounts: from ``{relative path: data}`` or an Overlay."""
        if isinstance(files, Overlay):
            self.host_dirs[path] = files
            return files
        fs = self.host_dirs.setdefault(path, Overlay())
        for rel, data in (files or {}).items():
            fs.mkdir("/" + rel.rpartition("/")[0], parents=True) if "/" in rel.strip("/") else None
            fs.write("/" + rel, data)
        return fs

    def volume_create(self, name: str | None = None, *, anonymous: bool = False) -> Volume:
        """``docker volume create [NAME]``: creating an existing name returns it (as docker does)."""
        if name is None:
            name, anonymous = self._hex_id(), True if name is None and anonymous else anonymous
        if name not in self.volumes:
            self.volumes[name] = Volume(name, anonymous=anonymous)
        return self.volumes[name]

    def _mount(self, kind: str, source: str, target: str, read_only: bool) -> Mount:
        target = normalize_path(target)
        if kind == "volume":
            volume = self.volume_create(source or None, anonymous=not source)
            return Mount("volume", target, volume.data, volume.name, read_only, volume)
        if kind == "bind":
            return Mount("bind", target, self.host_dir(source), source, read_only)
        if kind == "tmpfs":
            return Mount("tmpfs", target, Overlay(), "", read_only)
        raise HostError(f"invalid mount type {kind!r}")

    def _parse_v(self, spec: str) -> tuple[str, str, str, bool]:
        parts = spec.split(":")
        ro = len(parts) > 1 and parts[-1] in ("ro", "rw", "z", "Z", "nocopy") and (parts.pop() == "ro")
        if len(parts) == 1:
            return "volume", "", parts[0], ro
        source, target = parts[0], parts[1]
        return ("bind" if source.startswith("/") else "volume"), source, target, ro

    def _parse_mount(self, spec: str | dict[str, Any]) -> tuple[str, str, str, bool]:
        if isinstance(spec, str):
            fields: dict[str, Any] = {}
            for item in spec.split(","):
                key, eq, value = item.partition("=")
                fields[key] = value if eq else True
        else:
            fields = dict(spec)
        kind = fields.get("type", "volume")
        source = fields.get("source") or fields.get("src") or ""
        target = fields.get("target") or fields.get("destination") or fields.get("dst") or ""
        ro = fields.get("readonly", fields.get("ro", False)) not in (False, "false", "0")
        return kind, source, target, ro

    def run(self, image: str, command: str | list[str] | None = None, *, name: str | None = None,
            detach: bool = False, rm: bool = False, volumes: list[str] = (), mounts: list[Any] = (),  # type: ignore[assignment]
            env: list[str] = (), workdir: str | None = None, entrypoint: list[str] | None = None) -> Container:  # type: ignore[assignment]
        """``docker run``: create a container, mount, run its command to the end (a command
        ending in ``sleep N`` / ``tail -f`` stays running). ``command`` is argv, or a string
        split as the docker CLI splits its arguments. The output is in ``container.output``."""
        img = self.image(image)
        if name is not None and any(c.name == name for c in self.containers.values()):
            raise HostError(f'Error response from daemon: Conflict. The container name "/{name}" is already in use')
        config = img.config.get("config") or {}
        argv = shlex.split(command) if isinstance(command, str) else list(command or config.get("Cmd") or [])
        argv = list(config.get("Entrypoint") or [] if entrypoint is None else entrypoint) + argv
        specs = [self._parse_v(v) for v in volumes] + [self._parse_mount(m) for m in mounts]
        targets = {normalize_path(t) for _, _, t, _ in specs}
        for path in config.get("Volumes") or {}:
            if normalize_path(path) not in targets:
                specs.append(("volume", "", path, False))
        container_id = self._hex_id()
        container = Container.create(
            container_id, name or self._generated_name(), img,
            [self._mount(*spec) for spec in specs], image_ref=image, command=argv,
            env=[*img.env, *env], workdir=workdir or "", created=next(self._clock))
        container.auto_remove = rm
        self.containers[container_id] = container
        self.storage_ids.observe(self)
        container.start()
        if rm and not container.running:
            self.rm(container, volumes=True)
        return container

    def exec(self, container: str | Container, command: str | list[str]) -> ShellResult:
        """``docker exec``: only in a running container."""
        c = self.container(container)
        if not c.running:
            raise HostError(f"Error response from daemon: Container {c.id} is not running")
        return c.exec(command)

    def diff(self, container: str | Container) -> str:
        return self.container(container).diff_text()

    def stop(self, container: str | Container) -> str:
        c = self.container(container)
        c.stop()
        if c.auto_remove:
            self.rm(c, volumes=True)
        return container if isinstance(container, str) else c.name

    def rm(self, container: str | Container, *, force: bool = False, volumes: bool = False) -> str:
        """``docker rm``: the RW and -init layers go; anonymous volumes only with ``volumes``
        (``-v``; ``--rm`` implies it); named volumes always stay."""
        c = self.container(container)
        if c.running and not force:
            raise HostError(f"Error response from daemon: You cannot remove a running container {c.id}. "
                            "Stop the container before attempting removal or force remove")
        c.stop()
        del self.containers[c.id]
        if volumes:
            for volume in c.volumes:
                if volume.anonymous and not self.volume_users(volume.name):
                    self.volumes.pop(volume.name, None)
        return container if isinstance(container, str) else c.name

    def volume_users(self, name: str) -> list[Container]:
        return [c for c in self.containers.values() if any(v.name == name for v in c.volumes)]

    def commit(self, container: str | Container, repo_tag: str | None = None, *,
               message: str | None = None) -> Image:
        """``docker commit``: the container's image plus its RW layer. The new config keeps
        the container's command as ``Cmd`` and its anonymous volumes as ``Volumes``; the
        history row's ``created_by`` is the command joined by spaces (as the engine writes it)."""
        c = self.container(container)
        layer = c.commit(message)
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
        row: dict[str, Any] = {"created": config.get("created", ""), "created_by": " ".join(cmd)}
        if message:
            row["comment"] = message
        config["history"] = list(config.get("history") or []) + [row]
        config["rootfs"] = {"type": "layers", "diff_ids": [*c.image.diff_ids, layer.diff_id]}
        image = Image([*c.image.layers, layer], json.dumps(config, separators=(",", ":")).encode())
        return self.add(image, repo_tag)

    def volume_ls(self) -> str:
        rows = [{"DRIVER": v.driver, "VOLUME NAME": v.name} for v in sorted(self.volumes.values(), key=lambda v: v.name)]
        return _table(rows, ["DRIVER", "VOLUME NAME"])

    def volume_inspect(self, name: str) -> dict[str, Any]:
        if name not in self.volumes:
            raise HostError(f"Error: No such volume: {name}")
        return self.volumes[name].inspect()

    def volume_rm(self, name: str, *, force: bool = False) -> str:
        if name not in self.volumes:
            raise HostError(f"Error: No such volume: {name}")
        users = self.volume_users(name)
        if users and not force:
            raise HostError(f"Error response from daemon: remove {name}: volume is in use - [{users[0].id}]")
        del self.volumes[name]
        return name

    def volume_prune(self) -> str:
        """``docker volume prune -f`` on Engine 20.10: every volume no container uses,
        named ones too (Engine 23+ prunes only anonymous volumes unless ``--all``)."""
        gone = [v for v in sorted(self.volumes.values(), key=lambda v: v.name) if not self.volume_users(v.name)]
        reclaimed = sum(v.size() for v in gone)
        for v in gone:
            del self.volumes[v.name]
        lines = (["Deleted Volumes:", *[v.name for v in gone], ""] if gone else []) + \
            [f"Total reclaimed space: {_human_size_binary(reclaimed)}"]
        return "\n".join(lines)

    def ps_rows(self, *, all: bool = False, size: bool = False) -> list[dict[str, str]]:  # noqa: A002
        rows = []
        for c in sorted(self.containers.values(), key=lambda c: -c.created):
            if not all and not c.running:
                continue
            command = _ps_command(c.command)
            row = {"CONTAINER ID": c.id[:12], "IMAGE": c.image_ref, "COMMAND": command,
                   "CREATED": "Less than a second ago",
                   "STATUS": "Up Less than a second" if c.running else f"Exited ({c.exit_code}) Less than a second ago",
                   "PORTS": "", "NAMES": c.name}
            if size:
                row["SIZE"] = f"{human_size(c.size())} (virtual {human_size(c.virtual_size())})"
            rows.append(row)
        return rows

    def ps(self, *, all: bool = False, size: bool = False) -> str:  # noqa: A002
        """``docker ps [-a] [-s]``; SIZE is ``RW bytes (virtual image + RW bytes)``."""
        cols = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"] + (["SIZE"] if size else [])
        return _table(self.ps_rows(all=all, size=size), cols)

    # -- what docker prints ------------------------------------------------------------
    def history_rows(self, ref: str) -> list[dict[str, str]]:
        """``docker history``: newest first; only the top row names an image (BuildKit builds)."""
        image = self._daemon_image(ref)
        rows = []
        for n, (step, layer) in enumerate(reversed(image.steps())):
            rows.append({
                "IMAGE": short_id(image.image_id) if n == 0 else "<missing>",
                "CREATED BY": step.created_by,
                "SIZE": human_size(layer.size if layer else 0),
                "COMMENT": step.comment or "",
            })
        return rows

    def history(self, ref: str, *, no_trunc: bool = False) -> str:
        rows = self.history_rows(ref)
        if not no_trunc:
            for row in rows:
                text = row["CREATED BY"]
                row["CREATED BY"] = text if len(text) <= 45 else text[:44] + "…"
        return _table(rows, ["IMAGE", "CREATED BY", "SIZE", "COMMENT"])

    def image_rows(self) -> list[dict[str, str]]:
        rows = []
        for image_id, record in sorted(self.images.items(), key=lambda kv: -kv[1].created):
            tags = self.tags_of(image_id) or ["<none>:<none>"]
            for tag in tags:
                repo, _, name = tag.rpartition(":")
                rows.append({"REPOSITORY": repo, "TAG": name, "IMAGE ID": short_id(image_id),
                             "SIZE": human_size(record.image.size)})
        return rows

    def images_table(self) -> str:
        return _table(self.image_rows(), ["REPOSITORY", "TAG", "IMAGE ID", "SIZE"])

    def layer_usage(self) -> dict[str, int]:
        """Bytes per stored layer, keyed by chain id: a layer shared by images counts once."""
        usage: dict[str, int] = {}
        for record in self.images.values():
            for chain, layer in zip(record.image.chain_ids, record.image.layers):
                usage[chain] = layer.size
        return usage

    def system_df(self) -> SystemDf:
        """What ``docker system df`` counts (the daemon's disk-usage report, Engine 20.10).

        Sizes are docker's: layer contents and writable-layer files, the same on every
        driver (what the driver really uses on disk: :meth:`disk_usage`). Images:
        reclaimable = all layers minus the unique size of every image a container (running
        or not) uses. Containers: reclaimable = the writable layers of those not running.
        Volumes: reclaimable = the volumes no container mounts. Build cache: the cached
        layers no image holds (BuildKit's unshared records; its records of build contexts
        are not modelled).
        """
        usage = self.layer_usage()
        holders: dict[str, int] = {}
        for record in self.images.values():
            for chain in set(record.image.chain_ids):
                holders[chain] = holders.get(chain, 0) + 1
        users: dict[str, int] = {}
        for c in self.containers.values():
            users[c.image.image_id] = users.get(c.image.image_id, 0) + 1
        per_image = []
        for image_id, record in self.images.items():
            chains = dict(zip(record.image.chain_ids, record.image.layers))
            shared = sum(layer.size for chain, layer in chains.items() if holders[chain] > 1)
            per_image.append(ImageUsage(image_id, tuple(self.tags_of(image_id)), record.image.size, shared,
                                        users.get(image_id, 0)))
        images_size = sum(usage.values())
        in_use = sum(i.unique for i in per_image if i.containers)
        volume_users = {v.name for c in self.containers.values() for v in c.volumes}
        held = {diff_id for r in self.images.values() for diff_id in r.image.diff_ids}
        cached = [layer for layer in self.build_cache.layers.values() if layer is not None]
        cache_size = sum(layer.size for layer in cached if layer.diff_id not in held)
        containers = list(self.containers.values())
        volumes = list(self.volumes.values())
        return SystemDf(
            images=Usage(len(self.images), sum(1 for i in per_image if i.containers), images_size,
                         images_size - in_use),
            containers=Usage(len(containers), sum(c.running for c in containers), sum(c.size() for c in containers),
                             sum(c.size() for c in containers if not c.running)),
            volumes=Usage(len(volumes), sum(1 for v in volumes if v.name in volume_users),
                          sum(v.size() for v in volumes), sum(v.size() for v in volumes if v.name not in volume_users)),
            build_cache=Usage(len(cached), 0, cache_size, cache_size),
            per_image=tuple(per_image),
        )

    def system_df_text(self, verbose: bool = False) -> str:
        """``docker system df [-v]`` as the 20.10 CLI lays it out (docker/cli formatter/disk_usage.go)."""
        df = self.system_df()
        if not verbose:
            rows = [_df_row("Images", df.images), _df_row("Containers", df.containers),
                    _df_row("Local Volumes", df.volumes),
                    {"TYPE": "Build Cache", "TOTAL": str(df.build_cache.total), "ACTIVE": "0",
                     "SIZE": human_size(df.build_cache.size, 4),
                     "RECLAIMABLE": human_size(df.build_cache.reclaimable, 4)}]
            return _table(rows, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"])
        image_rows = []
        for item in sorted(df.per_image, key=lambda i: -self.images[i.image_id].created):
            for tag in item.tags[:1] or ["<none>:<none>"]:  # the CLI shows the first tag only
                repo, _, name = tag.rpartition(":")
                image_rows.append({"REPOSITORY": repo, "TAG": name, "IMAGE ID": short_id(item.image_id),
                                   "CREATED": "Less than a second ago",
                                   "SIZE": human_size(item.size, 4), "SHARED SIZE": human_size(item.shared, 4),
                                   "UNIQUE SIZE": human_size(item.unique, 4),
                                   "CONTAINERS": str(item.containers)})
        container_rows = []
        for row, c in zip(self.ps_rows(all=True), sorted(self.containers.values(), key=lambda c: -c.created)):
            local = sum(1 for m in c.mounts if m.type == "volume")
            container_rows.append({**row, "LOCAL VOLUMES": str(local), "SIZE": human_size(c.size())})
        volume_links = {name: len(self.volume_users(name)) for name in self.volumes}
        volume_rows = [{"VOLUME NAME": v.name, "LINKS": str(volume_links[v.name]), "SIZE": human_size(v.size(), 4)}
                       for v in sorted(self.volumes.values(), key=lambda v: v.name)]
        return "\n".join([
            "Images space usage:", "",
            _table(image_rows, ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE",
                                "CONTAINERS"]),
            "", "Containers space usage:", "",
            _table(container_rows, ["CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS",
                                    "NAMES"]),
            "", "Local Volumes space usage:", "",
            _table(volume_rows, ["VOLUME NAME", "LINKS", "SIZE"]),
            "", f"Build cache usage: {human_size(df.build_cache.size, 4)}", "",
            _table([], ["CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"]),
        ])

    def inspect(self, ref: str) -> dict[str, Any]:
        image = self.image(ref)
        return {
            "Id": image.image_id,
            "RepoTags": self.tags_of(image.image_id),
            "Size": image.size,
            "RootFS": {"Type": "layers", "Layers": image.diff_ids},
            "Config": image.config.get("config") or {},
            "Architecture": image.config.get("architecture"),
            "Os": image.config.get("os"),
        }

    def __repr__(self) -> str:
        return f"<Host {len(self.images)} images, {len(self.tags)} tags, {len(self.build_cache)} cache records>"


def _table(rows: list[dict[str, str]], columns: list[str]) -> str:
    """Columns as the docker CLI's tabwriter sets them: each cell padded by 3 spaces, every
    column but the last at least 10 wide (``tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)``)."""
    widths = {c: max(10, 3 + max([len(c)] + [len(r.get(c, "")) for r in rows])) for c in columns}

    def line(cells: list[str]) -> str:
        padded = [cell.ljust(widths[c]) for c, cell in zip(columns[:-1], cells[:-1])]
        return ("".join(padded) + cells[-1]).rstrip()

    return "\n".join([line(columns)] + [line([r.get(c, "") for c in columns]) for r in rows])


def _df_row(kind: str, usage: Usage) -> dict[str, str]:
    return {"TYPE": kind, "TOTAL": str(usage.total), "ACTIVE": str(usage.active), "SIZE": human_size(usage.size, 4),
            "RECLAIMABLE": _reclaimable(usage.reclaimable, usage.size)}


def _reclaimable(reclaimable: int, total: int) -> str:
    """The docker CLI's RECLAIMABLE: ``size (percent%)`` once there is anything at all."""
    if total > 0:
        return f"{human_size(reclaimable, 4)} ({reclaimable * 100 // total}%)"
    return human_size(reclaimable, 4)


def _human_size_binary(n: int) -> str:
    """``Total reclaimed space``: go-units HumanSize (decimal, 4 significant digits)."""
    return human_size(n, 4)


def _ps_command(argv: list[str]) -> str:
    """The COMMAND column: args with spaces in single quotes, cut to 20 characters, quoted."""
    text = " ".join(f"'{a}'" if " " in a else a for a in argv)
    if len(text) > 20:
        text = text[:19] + "\u2026"
    return json.dumps(text, ensure_ascii=False)


_ADJECTIVES = ["admiring", "brave", "clever", "dreamy", "eager", "focused", "gallant", "happy", "jolly",
               "keen", "loving", "modest", "nifty", "optimistic", "quirky", "relaxed", "sharp", "tender",
               "upbeat", "vibrant", "wizardly", "youthful", "zealous"]
_SURNAMES = ["albattani", "babbage", "curie", "darwin", "euclid", "feynman", "galileo", "hopper", "jemison",
             "kepler", "lovelace", "meitner", "noether", "pasteur", "ritchie", "shannon", "turing",
             "wozniak", "yalow"]
