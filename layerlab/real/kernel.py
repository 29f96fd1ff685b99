"""The Linux kernel's overlayfs, to check layerlab's overlay model against (root only).

``write_lower`` lays a :class:`~layerlab.model.layer.Layer` out on disk the way Docker's overlay2
driver stores an unpacked layer (whiteouts as character devices 0/0, opaque directories
as the xattr ``trusted.overlay.opaque=y``); :class:`OverlayMount` stacks such directories
with ``mount -t overlay`` using the options Docker's overlay2 driver uses; ``read_upper``
reads the upper directory back as a Layer, as Docker's native overlay2 diff does.

Only the kernel tests use this; nothing else in layerlab needs root or Linux.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Sequence

from layerlab.model.content import BytesContent
from layerlab.model.fs import Device, Dir, Entry, File, Hardlink, Symlink, ancestors, walk_key
from layerlab.model.kernel_options import COMMON_KERNEL, KernelOverlay
from layerlab.model.layer import Layer

__all__ = [
    "MOUNT_OPTIONS",
    "OPAQUE_XATTR",
    "KernelError",
    "OverlayMount",
    "kernel_available",
    "read_upper",
    "write_lower",
]

OPAQUE_XATTR = "trusted.overlay.opaque"

#: Options besides lowerdir/upperdir/workdir. Docker's overlay2 driver passes ``index=off``
#: (moby daemon/graphdriver/overlay2/overlay.go; plus ``userxattr`` when rootless) and
#: relies on the kernel defaults redirect_dir=off and metacopy=off (it falls back to its
#: slow "naive diff" when redirect_dir is on). We pin those defaults explicitly so a
#: kernel built or booted with other defaults behaves like a stock Docker host.
MOUNT_OPTIONS = ("index=off", "redirect_dir=off", "metacopy=off")

_MNT_DETACH = 2


class KernelError(OSError):
    """mount/umount failed, or a layer cannot be laid out as an overlay lower directory."""


# -- libc -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    return libc


def _mount(source: str, target: Path, fstype: str, options: str) -> None:
    """mount(2), what ``mount -t <fstype> <source> -o <options> <target>`` calls."""
    if _libc().mount(source.encode(), os.fsencode(target), fstype.encode(), 0, options.encode()) != 0:
        number = ctypes.get_errno()
        raise KernelError(number, f"mount -t {fstype} -o {options} {target}: {os.strerror(number)}")


def _umount(target: Path) -> None:
    if _libc().umount2(os.fsencode(target), 0) == 0:
        return
    number = ctypes.get_errno()
    if number == errno.EBUSY and _libc().umount2(os.fsencode(target), _MNT_DETACH) == 0:
        return
    raise KernelError(number, f"umount {target}: {os.strerror(number)}")


# -- layers on disk -------------------------------------------------------------------


def _set_meta(path: Path, entry: Entry) -> None:
    os.lchown(path, entry.uid, entry.gid)
    if not isinstance(entry, Symlink):
        os.chmod(path, entry.mode & 0o7777)  # after chown, which clears setuid/setgid


def write_lower(layer: Layer, directory: Path) -> None:
    """Materialise ``layer`` in ``directory`` as overlay2 stores an unpacked layer.

    Entries get their modes, owners and mtimes; a hard link becomes a second name of the
    file it names (which must be in the same layer); a whiteout is ``mknod c 0 0``; an
    opaque directory carries ``trusted.overlay.opaque=y``. Parent directories a layer
    does not list are created 0755 root:root, as the layer unpacker does.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    made: dict[str, Entry | None] = {}

    def parents(path: str) -> None:
        for parent in ancestors(path):
            if parent not in made and parent not in layer.entries:
                (root / parent).mkdir(mode=0o755, exist_ok=True)
                made[parent] = None

    for path, entry in layer.entries.items():  # walk order: a directory before its children
        parents(path)
        target = root / path
        if isinstance(entry, Dir):
            target.mkdir(exist_ok=True)
        elif isinstance(entry, File):
            with open(target, "wb") as out:
                for chunk in entry.content.chunks():
                    out.write(chunk)
        elif isinstance(entry, Symlink):
            os.symlink(entry.target, target)
        elif isinstance(entry, Hardlink):
            source = layer.entries.get(entry.target)
            if not isinstance(source, File):
                raise KernelError(errno.EXDEV, f"/{path}: hard link to /{entry.target}, not a file of this layer")
            os.link(root / entry.target, target)
            made[path] = entry
            continue  # the inode's metadata is the file's
        elif isinstance(entry, Device):
            kind = {"char": stat.S_IFCHR, "block": stat.S_IFBLK, "fifo": stat.S_IFIFO}[entry.device]
            os.mknod(target, kind | 0o600, os.makedev(entry.major, entry.minor))
        else:  # pragma: no cover - every Entry kind is handled above
            raise TypeError(entry)
        _set_meta(target, entry)
        made[path] = entry
    for path in sorted(layer.whiteouts, key=walk_key):
        parents(path)
        os.mknod(root / path, stat.S_IFCHR | 0o600, os.makedev(0, 0))
    for path in layer.opaque:
        parents(path + "/x")
        (root / path).mkdir(exist_ok=True)
        os.setxattr(root / path, OPAQUE_XATTR, b"y")
    # mtimes last, deepest first: creating a child changes its directory's mtime
    for path in sorted(layer.entries, key=walk_key, reverse=True):
        entry = layer.entries[path]
        if not isinstance(entry, Hardlink):
            os.utime(root / path, (entry.mtime, entry.mtime), follow_symlinks=False)


def read_upper(dir: Path) -> Layer:
    """An overlay upper directory as a Layer changeset (what Docker's overlay2 diff tars).

    A character device 0/0 is a whiteout, ``trusted.overlay.opaque=y`` an opaque directory,
    a later name of an inode already seen a Hardlink to the first name (walk order).
    Other ``trusted.overlay.*`` bookkeeping xattrs (origin, impure) are not changes.
    """
    dir = Path(dir)
    entries: dict[str, Entry] = {}
    whiteouts: list[str] = []
    opaque: list[str] = []
    first_name: dict[tuple[int, int], str] = {}

    def walk(rel: str) -> None:
        base = dir / rel if rel else dir
        for name in sorted(os.listdir(base)):
            path = f"{rel}/{name}" if rel else name
            full = base / name
            st = os.lstat(full)
            meta = {"mode": stat.S_IMODE(st.st_mode), "uid": st.st_uid, "gid": st.st_gid, "mtime": int(st.st_mtime)}
            if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
                whiteouts.append(path)
            elif stat.S_ISDIR(st.st_mode):
                entries[path] = Dir(**meta)
                try:
                    if os.getxattr(full, OPAQUE_XATTR) == b"y":
                        opaque.append(path)
                except OSError as error:
                    if error.errno not in (errno.ENODATA, errno.ENOTSUP):
                        raise
                walk(path)
            elif stat.S_ISREG(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if st.st_nlink > 1 and key in first_name:
                    entries[path] = Hardlink(target=first_name[key], **meta)
                    continue
                first_name[key] = path
                entries[path] = File(content=BytesContent(full.read_bytes()), **meta)
            elif stat.S_ISLNK(st.st_mode):
                entries[path] = Symlink(target=os.readlink(full), **meta)
            else:
                kind = "char" if stat.S_ISCHR(st.st_mode) else "block" if stat.S_ISBLK(st.st_mode) else "fifo"
                entries[path] = Device(device=kind, major=os.major(st.st_rdev), minor=os.minor(st.st_rdev), **meta)  # type: ignore[arg-type]

    walk("")
    return Layer(entries, whiteouts, opaque)


# -- mounting -------------------------------------------------------------------------


class OverlayMount:
    """``with OverlayMount(layers) as m:`` a writable overlay over ``layers`` (bottom first).

    Under ``root`` (a new temp dir if None) it writes ``lower0`` (bottom) .. ``lowerN``,
    makes ``upper``, ``work`` and ``merged`` and mounts
    ``overlay -o index=off,...,lowerdir=lowerN:...:lower0,upperdir=upper,workdir=work merged``.
    ``upper_root`` puts ``upper`` and ``work`` elsewhere (same filesystem as each other).
    ``kernel`` sets redirect_dir and metacopy as mount options (default: both off).
    On exit it unmounts and removes everything it made, also when the body failed.
    """

    def __init__(self, layers: Sequence[Layer], root: Path | None = None, *, upper_root: Path | None = None,
                 kernel: KernelOverlay = COMMON_KERNEL) -> None:
        self.layers = tuple(layers)
        self.kernel = kernel
        self._given_root = root
        self._upper_root = upper_root
        self.root: Path = Path()
        self.lowers: list[Path] = []
        self.upper: Path = Path()
        self.work: Path = Path()
        self.merged: Path = Path()
        self.options = ""
        self._mounted = False
        self._made: list[Path] = []

    def __enter__(self) -> OverlayMount:
        try:
            self._setup()
        except BaseException:
            self._cleanup()
            raise
        return self

    def _setup(self) -> None:
        if self._given_root is None:
            self.root = Path(tempfile.mkdtemp(prefix="layerlab-ovl-"))
            self._made.append(self.root)
        else:
            self.root = Path(self._given_root)
            self.root.mkdir(parents=True, exist_ok=True)
        side = Path(self._upper_root) if self._upper_root is not None else self.root
        for i, layer in enumerate(self.layers or (Layer(),)):
            lower = self.root / f"lower{i}"
            self._fresh(lower)
            write_lower(layer, lower)
            self.lowers.append(lower)
        self.upper, self.work, self.merged = side / "upper", side / "work", self.root / "merged"
        for path in (self.upper, self.work, self.merged):
            self._fresh(path)
        for path in [*self.lowers, self.upper, self.work]:
            if any(c in str(path) for c in ":,\\"):
                raise KernelError(errno.EINVAL, f"overlay paths may not contain ':', ',' or '\\': {path}")
        lowerdir = ":".join(str(p) for p in reversed(self.lowers))
        features = ("index=off", *self.kernel.mount_options().split(","))  # MOUNT_OPTIONS by default
        self.options = ",".join([*features, f"lowerdir={lowerdir}", f"upperdir={self.upper}", f"workdir={self.work}"])
        _mount("overlay", self.merged, "overlay", self.options)
        self._mounted = True

    def _fresh(self, path: Path) -> None:
        if path.exists() or path.is_symlink():
            raise KernelError(errno.EEXIST, f"{path} already exists")
        path.mkdir(parents=True)
        self._made.append(path)

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._cleanup()

    def unmount(self) -> None:
        """Unmount now (the upper directory stays readable until the context exits)."""
        if self._mounted:
            _umount(self.merged)
            self._mounted = False

    def _cleanup(self) -> None:
        try:
            self.unmount()
        finally:
            for path in reversed(self._made):
                shutil.rmtree(path, ignore_errors=True)
            self._made.clear()

    def __repr__(self) -> str:
        state = "mounted" if self._mounted else "not mounted"
        return f"<OverlayMount {len(self.layers)} lowers at {self.merged} ({state})>"


@lru_cache(maxsize=1)
def kernel_available() -> str | None:
    """None if this process can mount overlayfs as Docker does; otherwise why not."""
    if not sys.platform.startswith("linux"):
        return f"overlayfs needs Linux (this is {sys.platform})"
    if os.geteuid() != 0:
        return "mounting overlayfs needs root (run the kernel tests as root)"
    try:
        with tempfile.TemporaryDirectory(prefix="layerlab-ovl-check-") as tmp:
            lower = Layer({"d": Dir(), "d/f": File(content=b"x")}, whiteouts=["w"], opaque=["d"])
            with OverlayMount([lower], Path(tmp) / "m") as mount:
                (mount.merged / "d" / "f").write_bytes(b"y")
                os.unlink(mount.merged / "d" / "f")
                if not stat.S_ISCHR(os.lstat(mount.upper / "d" / "f").st_mode):
                    return "overlayfs mounted but made no whiteout in the upper directory"
    except OSError as error:
        return f"overlayfs is not mountable here: {error}"
    return None
