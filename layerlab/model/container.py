"""A container: an image's layers, Docker's -init layer, one writable layer, and mounts.

What the engine does, modelled here (checked against Docker Engine 20.10, overlay2):

- the ``-init`` layer sits between the image and the container's RW layer and holds what
  Docker's initlayer makes when the image lacks it: ``/dev/pts /dev/shm /proc /sys``
  (directories), ``/.dockerenv /etc/resolv.conf /etc/hosts /etc/hostname /dev/console``
  (empty files, mode 0755) and ``/etc/mtab -> /proc/mounts``. ``docker diff`` compares
  against it, so these never show;
- the RW layer is an :class:`~layerlab.model.overlay.Overlay` over image layers + -init layer;
- a path at or under a mount point goes to the mount's own storage (a volume, a bind
  mount's host directory, a tmpfs), never to the RW layer; a missing mount point
  directory is made in the RW layer (``docker diff`` shows it as ``A``); writes to a
  ``:ro`` mount fail with EROFS; renames and hard links across mounts fail with EXDEV;
- ``docker diff`` is the engine's *naive* diff on overlay2: the merged view of the RW
  layer against the merged view of its parent (-init), compared by stat (type, mode,
  owner; for non-directories also size and mtime). So a copy-up that changes nothing
  visible (``chmod 644`` of a 0644 file) shows nothing; a directory shows ``C`` when its
  mode/owner changed or anything inside it changed; a deleted directory is one ``D``
  (its children are not listed); a directory deleted and re-created is ``C`` plus ``D``
  for each old child that is gone. The engine prints the lines in Go map order (it
  changes from call to call); :meth:`Container.diff` gives the same tree walk with names
  sorted, changed and added entries of a directory before its deleted ones;
- ``docker ps -s`` SIZE is the RW layer's upper directory: regular files (a hard-linked
  inode once) and symlinks (their target's length), copy-ups included even when the
  diff shows nothing; ``docker commit`` writes that upper directory as the new layer
  (opaque markers, whiteouts and all).
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from layerlab.shell import ShellResult, run_exec, run_shell

from .errors import LayerlabError
from .fs import Dir, Entry, File, Hardlink, Symlink, ancestors, is_within
from .image import Image
from .layer import Layer
from .overlay import MAX_SYMLINKS, FsError, Overlay, _clean
from .volume import Volume

#: What Docker's initlayer (daemon/initlayer/setup_unix.go) creates if the image lacks it.
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

#: mtimes the model gives to files a container writes: later than any image's, always
#: increasing, so a rewritten file differs by stat as it does on the engine.
_CLOCK = itertools.count(4_000_000_000)


def init_layer(layers: Sequence[Layer]) -> Layer:
    """The -init layer Docker makes for a container of an image with these layers."""
    view = Overlay(layers)
    entries: dict[str, Entry] = {}
    for path, kind in INIT_PATHS.items():
        if view.lstat("/" + path) is not None or path in entries:
            continue
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


@dataclass
class Mount:
    """One mount: ``type`` volume, bind or tmpfs; ``target`` as a layer path (no ``/``)."""

    type: str
    target: str
    fs: Overlay
    source: str = ""
    read_only: bool = False
    volume: Volume | None = None

    @property
    def destination(self) -> str:
        return "/" + self.target


class ContainerFS:
    """What a process in the container sees: the RW overlay plus the mounts.

    It has the methods :func:`~layerlab.shell.run_shell` calls on its ``fs`` (read,
    write, stat, lstat, listdir, mkdir, unlink, rmdir, remove_tree, rename, chmod, chown,
    utime, truncate, symlink, link, exists, is_dir), each routed by path to the mount or
    to the RW layer."""

    def __init__(self, container: Container) -> None:
        self.c = container

    # -- routing ---------------------------------------------------------------------
    def _mount_for(self, real: str) -> tuple[Mount | None, str]:
        best: Mount | None = None
        for mount in self.c.mounts:
            if is_within(real, mount.target) and (best is None or len(mount.target) > len(best.target)):
                best = mount
        if best is None:
            return None, real
        if best.type == "file":  # a bind-mounted file: its storage holds it as "file"
            return best, "file"
        return best, real[len(best.target):].lstrip("/")

    def _entry(self, real: str) -> Entry | None:
        mount, rel = self._mount_for(real)
        if mount is None:
            return self.c.rw._get(real)  # noqa: SLF001 - same package
        return mount.fs._get(rel)  # noqa: SLF001

    def resolve(self, path: str, *, cwd: str = "/", follow: bool = True) -> str:
        """Overlay.resolve's walk, each component looked up where it lives (mount or RW)."""
        clean = _clean(path, cwd)
        todo = clean.split("/")[::-1] if clean else []
        done: list[str] = []
        links = 0
        while todo:
            part = todo.pop()
            candidate = "/".join(done + [part])
            entry = self._entry(candidate)
            if isinstance(entry, Symlink) and (follow or todo):
                links += 1
                if links > MAX_SYMLINKS:
                    raise FsError("ELOOP", candidate)
                if entry.target.startswith("/"):
                    done = []
                todo.extend(reversed([p for p in entry.target.split("/") if p not in ("", ".")]))
                continue
            if part == "..":
                if done:
                    done.pop()
                continue
            if todo and entry is not None and not isinstance(entry, Dir):
                raise FsError("ENOTDIR", candidate)
            done.append(part)
        return "/".join(done)

    def _where(self, path: str, cwd: str, follow: bool) -> tuple[Overlay, str, Mount | None, str]:
        real = self.resolve(path, cwd=cwd, follow=follow)
        mount, rel = self._mount_for(real)
        return (self.c.rw if mount is None else mount.fs), "/" + rel, mount, real

    def _writable(self, path: str, cwd: str, follow: bool, *, busy: bool = False) -> tuple[Overlay, str, str]:
        fs, rel, mount, real = self._where(path, cwd, follow)
        if mount is not None and mount.read_only:
            raise FsError("EROFS", real)
        if busy and mount is not None and rel == "/":
            raise FsError("EBUSY", real)
        return fs, rel, real

    def _touched(self, fs: Overlay, rel: str) -> None:
        """A write sets the file's mtime (the engine's diff compares it)."""
        try:
            fs.utime(rel, next(_CLOCK))
        except FsError:
            pass

    # -- reads -----------------------------------------------------------------------
    def lstat(self, path: str, *, cwd: str = "/") -> Entry | None:
        fs, rel, _, _ = self._where(path, cwd, False)
        return fs.lstat(rel)

    def stat(self, path: str, *, cwd: str = "/") -> Entry | None:
        fs, rel, _, _ = self._where(path, cwd, True)
        return fs.stat(rel)

    def exists(self, path: str, *, cwd: str = "/") -> bool:
        try:
            return self.stat(path, cwd=cwd) is not None
        except FsError:
            return False

    def is_dir(self, path: str, *, cwd: str = "/") -> bool:
        try:
            return isinstance(self.stat(path, cwd=cwd), Dir)
        except FsError:
            return False

    def listdir(self, path: str = "/", *, cwd: str = "/") -> list[str]:
        fs, rel, _, _ = self._where(path, cwd, True)
        return fs.listdir(rel)

    def read(self, path: str, *, cwd: str = "/") -> Any:
        fs, rel, _, _ = self._where(path, cwd, True)
        return fs.read(rel)

    # -- writes ----------------------------------------------------------------------
    def write(self, path: str, data: Any, *, append: bool = False, mode: int = 0o644, uid: int = 0,
              gid: int = 0, cwd: str = "/") -> None:
        fs, rel, _ = self._writable(path, cwd, True)
        fs.write(rel, data, append=append, mode=mode, uid=uid, gid=gid)
        self._touched(fs, rel)

    def truncate(self, path: str, size: int, *, cwd: str = "/") -> None:
        fs, rel, _ = self._writable(path, cwd, True)
        fs.truncate(rel, size)
        self._touched(fs, rel)

    def mkdir(self, path: str, mode: int = 0o755, *, parents: bool = False, cwd: str = "/") -> None:
        if parents:
            real = self.resolve(path, cwd=cwd, follow=False)
            parts = real.split("/") if real else []
            for i in range(len(parts)):
                prefix = "/" + "/".join(parts[: i + 1])
                entry = self.stat(prefix) if self.exists(prefix) else None
                if entry is None:
                    self.mkdir(prefix, mode)
                elif not isinstance(entry, Dir):
                    raise FsError("EEXIST" if i == len(parts) - 1 else "ENOTDIR", prefix)
            return
        fs, rel, _ = self._writable(path, cwd, False)
        fs.mkdir(rel, mode)

    def unlink(self, path: str, *, cwd: str = "/") -> None:
        fs, rel, _ = self._writable(path, cwd, False, busy=True)
        fs.unlink(rel)

    def rmdir(self, path: str, *, cwd: str = "/") -> None:
        fs, rel, real = self._writable(path, cwd, False, busy=True)
        if any(m.target == real for m in self.c.mounts):
            raise FsError("EBUSY", real)
        fs.rmdir(rel)

    def remove_tree(self, path: str, *, cwd: str = "/") -> None:
        """``rm -r``: a mount point inside is emptied and left (EBUSY), the rest goes."""
        fs, rel, real = self._writable(path, cwd, False)
        inside = [m for m in self.c.mounts if is_within(m.target, real)]
        if not inside:
            fs.remove_tree(rel)
            return
        busy = False
        if any(m.target == real for m in inside):
            for name in self.listdir("/" + real):
                self.remove_tree(f"/{real}/{name}")
            raise FsError("EBUSY", real)
        for name in self.listdir("/" + real):
            try:
                self.remove_tree(f"/{real}/{name}")
            except FsError as err:
                if err.code != "EBUSY":
                    raise
                busy = True
        if busy:
            raise FsError("EBUSY", real)
        fs.rmdir(rel)

    def rename(self, src: str, dst: str, *, cwd: str = "/") -> None:
        fs1, rel1, real1 = self._writable(src, cwd, False, busy=True)
        fs2, rel2, real2 = self._writable(dst, cwd, False)
        if any(m.target == real1 or m.target == real2 for m in self.c.mounts):
            raise FsError("EBUSY", real1)
        if fs1 is not fs2:
            raise FsError("EXDEV", real1, "source and target are on different mounts")
        fs1.rename(rel1, rel2)

    def chmod(self, path: str, mode: int, *, cwd: str = "/") -> None:
        fs, rel, _ = self._writable(path, cwd, True)
        fs.chmod(rel, mode)

    def chown(self, path: str, uid: int, gid: int, *, cwd: str = "/", follow: bool = True) -> None:
        fs, rel, _ = self._writable(path, cwd, follow)
        fs.chown(rel, uid, gid, follow=follow)

    def utime(self, path: str, mtime: int, *, cwd: str = "/") -> None:
        """``touch`` (the shell passes mtime 0 when SOURCE_DATE_EPOCH is unset: "now")."""
        fs, rel, _ = self._writable(path, cwd, True)
        fs.utime(rel, mtime or next(_CLOCK))

    def symlink(self, target: str, path: str, *, cwd: str = "/") -> None:
        fs, rel, _ = self._writable(path, cwd, False)
        fs.symlink(target, rel)

    def link(self, src: str, dst: str, *, cwd: str = "/") -> None:
        fs1, rel1, real1 = self._writable(src, cwd, False)
        fs2, rel2, _ = self._writable(dst, cwd, False)
        if fs1 is not fs2:
            raise FsError("EXDEV", real1, "hard links cannot cross mounts")
        fs1.link(rel1, rel2)


_FS_METHODS = ("read", "write", "truncate", "unlink", "rmdir", "remove_tree", "mkdir", "rename", "chmod",
               "chown", "utime", "symlink", "link", "lstat", "stat", "exists", "is_dir", "listdir", "resolve")

_KEEPS_RUNNING = re.compile(r"(^|[;&|]\s*|\bexec\s+)(sleep\s+(\d+|infinity)|tail\s+-f\s+\S+)\s*$")


class Container:
    """One container. Its filesystem methods (read, write, unlink, ...) act as a process in
    it would: routed through the mounts, changing the RW layer or a mount's storage."""

    def __init__(self, id: str, name: str, image: Image, init_layer: Layer, rw: Overlay,
                 mounts: Sequence[Mount] = (), *, image_ref: str = "", command: Sequence[str] = (),
                 env: Sequence[str] | None = None, workdir: str = "", created: int = 0) -> None:
        self.id = id
        self.name = name
        self.image = image
        self.init_layer = init_layer
        self.rw = rw
        self.mounts: list[Mount] = list(mounts)
        self.image_ref = image_ref or image.image_id
        self.command = list(command)
        self.env = list(image.env if env is None else env)
        self.workdir = workdir or (image.config.get("config") or {}).get("WorkingDir") or "/"
        self.created = created
        self.running = False
        self.exit_code: int | None = None
        self.output: list[ShellResult] = []
        self.fs = ContainerFS(self)
        self.auto_remove = False

    @classmethod
    def create(cls, id: str, name: str, image: Image, mounts: Sequence[Mount] = (), **kwargs: Any) -> Container:
        """A new container: the -init layer, an empty RW layer, mount points made and empty
        volumes populated from the image."""
        init = init_layer(image.layers)
        rw = Overlay(list(image.layers) + [init])
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
            source = self.fs._where(path, "/", True)  # noqa: SLF001
            mount.volume.populate_from(source[0], source[1].strip("/"))
        self.mounts.append(mount)

    # -- running ---------------------------------------------------------------------
    def exec(self, command: str | Sequence[str], *, env: Sequence[str] = ()) -> ShellResult:
        """Run a command (argv, or a string split like the docker CLI splits it) inside."""
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        environment = dict(e.split("=", 1) for e in [*self.env, *env] if "=" in e)
        environment.setdefault("HOSTNAME", self.id[:12])
        environment.setdefault("HOME", "/root")
        if not argv or argv in (["sh"], ["/bin/sh"]):  # sh with no stdin: reads nothing, exits
            result = ShellResult(0, "", "")
        elif argv[0] in ("sh", "/bin/sh") and len(argv) >= 3 and argv[1] == "-c":
            result = run_shell(self.fs, argv[2], env=environment, cwd=self.workdir)  # type: ignore[arg-type]
        else:
            result = run_exec(self.fs, argv, env=environment, cwd=self.workdir)  # type: ignore[arg-type]
        self.output.append(result)
        return result

    def start(self) -> ShellResult:
        """Run the container's command. A command ending in ``sleep N`` or ``tail -f`` keeps
        it running (no time passes in the model); anything else exits with its status."""
        result = self.exec(self.command)
        text = self.command[2] if self.command[:2] in (["sh", "-c"], ["/bin/sh", "-c"]) and len(self.command) > 2 \
            else shlex.join(self.command)
        self.running = bool(_KEEPS_RUNNING.search(text.strip()))
        self.exit_code = None if self.running else result.status
        return result

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.exit_code = 137

    # -- what docker reports ---------------------------------------------------------
    def diff(self) -> list[tuple[str, str]]:
        """``docker diff``: (A/C/D, path), the engine's naive diff (see the module doc)."""
        rw = self.rw
        lower, upper = rw._lower, rw._upper  # noqa: SLF001
        changes: list[tuple[str, str]] = []

        def add_all(path: str) -> None:
            for name in rw._children(path):  # noqa: SLF001
                child = _join(path, name)
                changes.append(("A", child))
                if isinstance(rw._get(child), Dir):  # noqa: SLF001
                    add_all(child)

        def walk(path: str, reported: bool) -> None:
            start = len(changes)
            new_names = rw._children(path)  # noqa: SLF001
            old_names = set(rw._lower_children.get(path, ()))  # noqa: SLF001
            for name in new_names:
                child = _join(path, name)
                new = rw._get(child)  # noqa: SLF001
                if name not in old_names:
                    changes.append(("A", child))
                    if isinstance(new, Dir):
                        add_all(child)
                    continue
                if child not in upper:
                    continue
                old = lower[child]
                changed = _stat_different(old, new, lower)  # type: ignore[arg-type]
                if changed:
                    changes.append(("C", child))
                if isinstance(new, Dir):
                    if isinstance(old, Dir):
                        walk(child, changed)
                    else:
                        add_all(child)
            for name in sorted(old_names - set(new_names)):
                changes.append(("D", _join(path, name)))
            if len(changes) > start and not reported and path != "":
                changes.insert(start, ("C", path))

        walk("", True)
        return [(kind, "/" + path) for kind, path in changes]

    def diff_text(self) -> str:
        return "\n".join(f"{kind} {path}" for kind, path in self.diff())

    def size(self) -> int:
        """``docker ps -s`` SIZE: the RW layer's files (hard links once) and symlinks."""
        seen: set[int] = set()
        total = 0
        for entry in self.rw._upper.values():  # noqa: SLF001
            if isinstance(entry, File) and id(entry) not in seen:
                seen.add(id(entry))
                total += entry.size
            elif isinstance(entry, Symlink):
                total += entry.size
        return total

    def virtual_size(self) -> int:
        return self.image.size + self.size()

    def commit(self, message: str | None = None) -> Layer:
        """The RW layer as a layer: what ``docker commit`` adds on top of the image."""
        return self.rw.diff()

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

    def __repr__(self) -> str:
        return (f"<Container {self.name} {self.id[:12]} {self.status}, {len(self.mounts)} mounts, "
                f"{self.size():,} bytes in the RW layer>")


for _method in _FS_METHODS:
    def _delegate(self: Container, *args: Any, _name: str = _method, **kwargs: Any) -> Any:
        return getattr(self.fs, _name)(*args, **kwargs)
    _delegate.__name__ = _method
    _delegate.__doc__ = f"``{_method}`` as a process in the container does it (see ContainerFS)."
    setattr(Container, _method, _delegate)


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name


def _kind(entry: Entry) -> str:
    return "file" if isinstance(entry, (File, Hardlink)) else entry.kind


def _size(entry: Entry, lower: dict[str, Entry]) -> int:
    if isinstance(entry, Hardlink):
        target = lower.get(entry.target)
        return target.size if isinstance(target, File) else 0
    return entry.size


def _stat_different(old: Entry, new: Entry, lower: dict[str, Entry]) -> bool:
    """The engine's statDifferent: type, mode, owner; for non-directories size and mtime
    (a rewritten file in the model also differs by its content object)."""
    if _kind(old) != _kind(new) or old.mode != new.mode or old.uid != new.uid or old.gid != new.gid:
        return True
    if isinstance(new, Dir):
        return False
    if old.mtime != new.mtime or _size(old, lower) != _size(new, lower):
        return True
    return isinstance(old, File) and isinstance(new, File) and old.content is not new.content


class ContainerError(LayerlabError):
    """A container operation the daemon would refuse."""
