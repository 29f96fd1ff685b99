"""A container: an image's layers, Docker's -init layer, one writable layer, and mounts.

What the engine does, modelled here (checked against Docker Engine 20.10, overlay2):

- the ``-init`` layer sits between the image and the container's RW layer and holds what
  Docker's initlayer makes when the image lacks it: ``/dev/pts /dev/shm /proc /sys``
  (directories), ``/.dockerenv /etc/resolv.conf /etc/hosts /etc/hostname /dev/console``
  (empty files, mode 0755) and ``/etc/mtab -> /proc/mounts``; it unlinks each path first,
  so the files and the link are made again even where the image has them (only directories
  the image has are kept). ``docker diff`` compares against it, so these never show;
- the RW layer is an :class:`~layerlab.model.overlay.Overlay` over image layers + -init layer;
- mounts cover paths with their own storage (:mod:`layerlab.model.container_fs`); a
  missing mount point directory is made in the RW layer (``docker diff`` shows it as ``A``);
  an empty volume mounted over image content is populated with a copy of it;
- ``docker diff`` is the engine's naive diff (:mod:`layerlab.model.container_diff`);
- ``docker ps -s`` SIZE is the RW layer's upper directory: regular files (a hard-linked
  inode once) and symlinks (their target's length), copy-ups included even when the
  diff shows nothing; ``docker commit`` writes that upper directory as the new layer
  (opaque markers, whiteouts and all).

The model holds a container's state and filesystem; running commands in it is the
engine's (:mod:`layerlab.engine.processes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .container_diff import Change, naive_diff
from .container_fs import ContainerFS, Mount
from .content import Content
from .fs import Dir, Entry, File, Symlink, ancestors
from .image import Image
from .kernel_options import COMMON_KERNEL, KernelOverlay
from .layer import Layer
from .naive_changes import naive_layer, naive_size
from .overlay import Overlay
from .volume import Volume

__all__ = ["ETC_BIND_MOUNTS", "INIT_PATHS", "Container", "ContainerFS", "Mount", "init_layer"]

#: What Docker's initlayer (daemon/initlayer/setup_unix.go) creates: directories the image lacks, files always.
INIT_PATHS: dict[str, str] = {
    "dev/pts": "dir",
    "dev/shm": "dir",
    "proc": "dir",
    "sys": "dir",
    ".dockerenv": "file",
    "etc/resolv.conf": "file",
    "etc/hosts": "file",
    "etc/hostname": "file",
    "dev/console": "file",
    "etc/mtab": "/proc/mounts",
}

#: Files the engine bind-mounts over the -init layer's copies: writes to them never reach
#: the RW layer (docker diff never shows them); /.dockerenv is not mounted (touch shows C).
ETC_BIND_MOUNTS = ("etc/hosts", "etc/hostname", "etc/resolv.conf")


def init_layer(layers: Sequence[Layer]) -> Layer:
    """The -init layer Docker makes for a container of an image with these layers."""
    view = Overlay(layers)
    entries: dict[str, Entry] = {}
    for path, kind in INIT_PATHS.items():
        found = view.lstat("/" + path)
        if path in entries or isinstance(found, Dir):
            continue  # initlayer unlinks each path first: only a directory survives to be kept
        for parent in ancestors(path):
            if view.lstat("/" + parent) is None and parent not in entries:
                entries[parent] = Dir(mode=0o755)
        if kind == "dir":
            entries[path] = Dir(mode=0o755)
        elif kind == "file":
            entries[path] = File(content=b"", mode=0o755)
        else:
            entries[path] = Symlink(target=kind)
    return Layer(entries)


class Container:
    """One container's state and filesystem. Its file methods (read, write, unlink, ...)
    act as a process in it would: routed through the mounts, changing the RW layer or a
    mount's storage."""

    def __init__(self, id: str, name: str, image: Image, init_layer: Layer, rw: Overlay,
                 mounts: Sequence[Mount] = (), *, image_ref: str = "", command: Sequence[str] = (),
                 env: Sequence[str] | None = None, workdir: str = "", created: int = 0) -> None:
        self.id = id
        self.name = name
        self.image = image
        self.init_layer = init_layer
        self.rw = rw
        #: the list :attr:`fs` routes through: add to it (:meth:`add_mount`), never replace it
        self.mounts: list[Mount] = list(mounts)
        self.image_ref = image_ref or image.image_id
        self.command = list(command)
        self.env = list(image.env if env is None else env)
        self.workdir = workdir or (image.config.get("config") or {}).get("WorkingDir") or "/"
        self.created = created
        self.running = False
        self.exit_code: int | None = None
        self.fs = ContainerFS(rw, self.mounts)
        self.auto_remove = False

    @classmethod
    def create(cls, id: str, name: str, image: Image, mounts: Sequence[Mount] = (), *,
               kernel: KernelOverlay = COMMON_KERNEL, **kwargs: Any) -> Container:
        """A new container: the -init layer, an empty RW layer (mounted with the ``kernel``'s
        overlay features), mount points made and empty volumes populated from the image."""
        init = init_layer(image.layers)
        rw = Overlay(list(image.layers) + [init], kernel=kernel)
        container = cls(id, name, image, init, rw, [], **kwargs)
        for path in ETC_BIND_MOUNTS:  # the engine bind-mounts these from containers/<id>/
            storage = Overlay()
            storage.write("/file", f"{id[:12]}\n" if path == "etc/hostname" else b"")
            container.mounts.append(Mount("file", path, storage, f"/var/lib/docker/containers/{id}/{path[4:]}"))
        for mount in mounts:
            container.add_mount(mount)
        return container

    def add_mount(self, mount: Mount) -> None:
        """Mount: make the mount point in the RW layer if missing; populate an empty volume."""
        path = "/" + mount.target
        existing = self.fs.stat(path) if self.fs.exists(path) else None
        if existing is None:
            self.fs.mkdir(path, 0o755, parents=True)
        elif (mount.type == "volume" and mount.volume is not None and mount.volume.is_empty
              and isinstance(existing, Dir)):
            source, inside = self.fs.storage_of(path)
            mount.volume.populate_from(source, inside.strip("/"))
        self.mounts.append(mount)

    def stop(self) -> None:
        """``docker stop`` of a running container: SIGKILL at the end of the grace period."""
        if self.running:
            self.running = False
            self.exit_code = 137

    # -- what docker reports ---------------------------------------------------------------
    def diff(self) -> list[Change]:
        """``docker diff``: (A/C/D, path), the engine's naive diff (see container_diff)."""
        return naive_diff(self.rw)

    def diff_text(self) -> str:
        return "\n".join(f"{kind} {path}" for kind, path in self.diff())

    def size(self) -> int:
        """``docker ps -s`` SIZE: the RW layer's files (hard links once) and symlinks; without
        the native diff (redirect_dir), the changed files (:mod:`.naive_changes`)."""
        return self.rw.upper_size() if self.rw.kernel.native_diff else naive_size(self.rw)

    def virtual_size(self) -> int:
        return self.image.size + self.size()

    def commit(self, message: str | None = None) -> Layer:
        """The RW layer as a layer: what ``docker commit`` adds on top of the image."""
        return self.rw.diff() if self.rw.kernel.native_diff else naive_layer(self.rw)

    @property
    def user_mounts(self) -> list[Mount]:
        """The mounts ``docker inspect`` lists (not the /etc files the engine bind-mounts)."""
        return [m for m in self.mounts if m.type != "file"]

    @property
    def volumes(self) -> list[Volume]:
        return [m.volume for m in self.mounts if m.volume is not None]

    @property
    def status(self) -> str:
        return "running" if self.running else "exited"

    # -- files, as a process in the container sees them (ContainerFS) -----------------------
    def resolve(self, path: str, *, cwd: str = "/", follow: bool = True) -> str:
        return self.fs.resolve(path, cwd=cwd, follow=follow)

    def lstat(self, path: str, *, cwd: str = "/") -> Entry | None:
        return self.fs.lstat(path, cwd=cwd)

    def stat(self, path: str, *, cwd: str = "/") -> Entry | None:
        return self.fs.stat(path, cwd=cwd)

    def exists(self, path: str, *, cwd: str = "/") -> bool:
        return self.fs.exists(path, cwd=cwd)

    def is_dir(self, path: str, *, cwd: str = "/") -> bool:
        return self.fs.is_dir(path, cwd=cwd)

    def listdir(self, path: str = "/", *, cwd: str = "/") -> list[str]:
        return self.fs.listdir(path, cwd=cwd)

    def read(self, path: str, *, cwd: str = "/") -> Content:
        return self.fs.read(path, cwd=cwd)

    def write(self, path: str, data: Content | bytes | str, *, append: bool = False, mode: int = 0o644,
              uid: int = 0, gid: int = 0, cwd: str = "/") -> None:
        self.fs.write(path, data, append=append, mode=mode, uid=uid, gid=gid, cwd=cwd)

    def truncate(self, path: str, size: int, *, cwd: str = "/") -> None:
        self.fs.truncate(path, size, cwd=cwd)

    def mkdir(self, path: str, mode: int = 0o755, *, parents: bool = False, cwd: str = "/") -> None:
        self.fs.mkdir(path, mode, parents=parents, cwd=cwd)

    def unlink(self, path: str, *, cwd: str = "/") -> None:
        self.fs.unlink(path, cwd=cwd)

    def rmdir(self, path: str, *, cwd: str = "/") -> None:
        self.fs.rmdir(path, cwd=cwd)

    def remove_tree(self, path: str, *, cwd: str = "/") -> None:
        self.fs.remove_tree(path, cwd=cwd)

    def rename(self, src: str, dst: str, *, cwd: str = "/") -> None:
        self.fs.rename(src, dst, cwd=cwd)

    def chmod(self, path: str, mode: int, *, cwd: str = "/") -> None:
        self.fs.chmod(path, mode, cwd=cwd)

    def chown(self, path: str, uid: int, gid: int, *, cwd: str = "/", follow: bool = True) -> None:
        self.fs.chown(path, uid, gid, cwd=cwd, follow=follow)

    def utime(self, path: str, mtime: int, *, cwd: str = "/") -> None:
        self.fs.utime(path, mtime, cwd=cwd)

    def symlink(self, target: str, path: str, *, cwd: str = "/") -> None:
        self.fs.symlink(target, path, cwd=cwd)

    def link(self, src: str, dst: str, *, cwd: str = "/") -> None:
        self.fs.link(src, dst, cwd=cwd)

    def __repr__(self) -> str:
        mounts = f"{len(self.mounts)} mount{'s' * (len(self.mounts) != 1)}"
        return f"container {self.name} ({self.id[:12]}), {self.status}: {mounts}, {self.size():,} bytes in its RW layer"
