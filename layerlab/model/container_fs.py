"""What a process in a container sees: the RW overlay, with mounts over some paths.

A path at or under a mount point goes to the mount's own storage (a volume, a bind
mount's host directory, a tmpfs, a file the engine bind-mounts), never to the RW layer.
Writes to a ``:ro`` mount fail with EROFS; renames and hard links across mounts fail
with EXDEV; removing or renaming a mount point is EBUSY. Symlinks are followed one
component at a time, each looked up where it lives (:func:`~layerlab.model.pathwalk.resolve_path`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from layerlab.i18n import _

from .fs import Dir, Entry, is_within
from .overlay import FsError, Overlay
from .pathwalk import PathQueries, resolve_path
from .volume import Volume

#: mtimes the model gives to files a container writes: later than any image's, always
#: increasing, so a rewritten file differs by stat as it does on the engine.
_CLOCK = itertools.count(4_000_000_000)


@dataclass
class Mount:
    """One mount: ``type`` volume, bind, tmpfs (or file: an engine-managed /etc file);
    ``target`` as a layer path (no leading ``/``); ``fs`` the storage behind it."""

    type: str
    target: str
    fs: Overlay
    source: str = ""
    read_only: bool = False
    volume: Volume | None = None

    @property
    def destination(self) -> str:
        return "/" + self.target


class ContainerFS(PathQueries):
    """The RW overlay plus the mounts, with the file methods :func:`~layerlab.shell.run_shell`
    calls on its ``fs`` (read, write, stat, lstat, listdir, mkdir, unlink, rmdir,
    remove_tree, rename, chmod, chown, utime, truncate, symlink, link, exists, is_dir),
    each routed by path to the mount or to the RW layer.

    ``mounts`` is the container's own list: a mount added to it later routes at once."""

    def __init__(self, rw: Overlay, mounts: list[Mount]) -> None:
        self.rw = rw
        self.mounts = mounts

    # -- routing -----------------------------------------------------------------------
    def mount_for(self, real: str) -> tuple[Mount | None, str]:
        """The mount that holds a layer path (the deepest one), and the path inside it;
        ``(None, real)`` for a path the RW layer holds."""
        best: Mount | None = None
        for mount in self.mounts:
            if is_within(real, mount.target) and (best is None or len(mount.target) > len(best.target)):
                best = mount
        if best is None:
            return None, real
        if best.type == "file":  # a bind-mounted file: its storage holds it as "file"
            return best, "file"
        return best, real[len(best.target):].lstrip("/")

    def entry(self, real: str) -> Entry | None:
        """The entry at a layer path, from the mount or the RW layer that holds it."""
        mount, rel = self.mount_for(real)
        return self.rw.entry(real) if mount is None else mount.fs.entry(rel)

    def resolve(self, path: str, *, cwd: str = "/", follow: bool = True) -> str:
        """The path with symlinks followed, each component looked up where it lives."""
        return resolve_path(path, self.entry, cwd=cwd, follow=follow)

    def storage_of(self, path: str, *, cwd: str = "/", follow: bool = True) -> tuple[Overlay, str]:
        """The storage that holds ``path`` (the RW overlay or a mount's) and the path in it."""
        fs, rel, _unused, _unused = self._where(path, cwd, follow)
        return fs, rel

    def _where(self, path: str, cwd: str, follow: bool) -> tuple[Overlay, str, Mount | None, str]:
        real = self.resolve(path, cwd=cwd, follow=follow)
        mount, rel = self.mount_for(real)
        return (self.rw if mount is None else mount.fs), "/" + rel, mount, real

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

    # -- reads -------------------------------------------------------------------------
    def lstat(self, path: str, *, cwd: str = "/") -> Entry | None:
        fs, rel = self.storage_of(path, cwd=cwd, follow=False)
        return fs.lstat(rel)

    def stat(self, path: str, *, cwd: str = "/") -> Entry | None:
        fs, rel = self.storage_of(path, cwd=cwd)
        return fs.stat(rel)

    def listdir(self, path: str = "/", *, cwd: str = "/") -> list[str]:
        fs, rel = self.storage_of(path, cwd=cwd)
        return fs.listdir(rel)

    def read(self, path: str, *, cwd: str = "/") -> Any:
        fs, rel = self.storage_of(path, cwd=cwd)
        return fs.read(rel)

    # -- writes ------------------------------------------------------------------------
    def write(self, path: str, data: Any, *, append: bool = False, mode: int = 0o644, uid: int = 0,
              gid: int = 0, cwd: str = "/") -> None:
        fs, rel, _unused = self._writable(path, cwd, True)
        fs.write(rel, data, append=append, mode=mode, uid=uid, gid=gid)
        self._touched(fs, rel)

    def truncate(self, path: str, size: int, *, cwd: str = "/") -> None:
        fs, rel, _unused = self._writable(path, cwd, True)
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
        fs, rel, _unused = self._writable(path, cwd, False)
        fs.mkdir(rel, mode)

    def unlink(self, path: str, *, cwd: str = "/") -> None:
        fs, rel, _unused = self._writable(path, cwd, False, busy=True)
        fs.unlink(rel)

    def rmdir(self, path: str, *, cwd: str = "/") -> None:
        fs, rel, real = self._writable(path, cwd, False, busy=True)
        if any(m.target == real for m in self.mounts):
            raise FsError("EBUSY", real)
        fs.rmdir(rel)

    def remove_tree(self, path: str, *, cwd: str = "/") -> None:
        """``rm -r``: a mount point inside is emptied and left (EBUSY), the rest goes."""
        fs, rel, real = self._writable(path, cwd, False)
        inside = [m for m in self.mounts if is_within(m.target, real)]
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
        if any(m.target == real1 or m.target == real2 for m in self.mounts):
            raise FsError("EBUSY", real1)
        if fs1 is not fs2:
            raise FsError("EXDEV", real1, _("source and target are on different mounts"))
        fs1.rename(rel1, rel2)

    def chmod(self, path: str, mode: int, *, cwd: str = "/") -> None:
        fs, rel, _unused = self._writable(path, cwd, True)
        fs.chmod(rel, mode)

    def chown(self, path: str, uid: int, gid: int, *, cwd: str = "/", follow: bool = True) -> None:
        fs, rel, _unused = self._writable(path, cwd, follow)
        fs.chown(rel, uid, gid, follow=follow)

    def utime(self, path: str, mtime: int, *, cwd: str = "/") -> None:
        """``touch`` (the shell passes mtime 0 when SOURCE_DATE_EPOCH is unset: "now")."""
        fs, rel, _unused = self._writable(path, cwd, True)
        fs.utime(rel, mtime or next(_CLOCK))

    def symlink(self, target: str, path: str, *, cwd: str = "/") -> None:
        fs, rel, _unused = self._writable(path, cwd, False)
        fs.symlink(target, rel)

    def link(self, src: str, dst: str, *, cwd: str = "/") -> None:
        fs1, rel1, real1 = self._writable(src, cwd, False)
        fs2, rel2, _unused = self._writable(dst, cwd, False)
        if fs1 is not fs2:
            raise FsError("EXDEV", real1, _("hard links cannot cross mounts"))
        fs1.link(rel1, rel2)
