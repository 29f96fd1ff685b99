"""Unpack an image (or one layer) into a directory, as ``umoci unpack`` or ``crane export`` do.

Safety rules, all enforced while streaming each layer's tar again:
- no entry lands outside the target: absolute and ``..`` paths are refused; symlinks
  met on the way are resolved inside the target as in a chroot, and one that climbs out
  is refused; a hard link must name a file already inside the target;
- device nodes are refused unless asked for (and then need root);
- every layer's bytes are re-hashed and must match its diff_id;
- the bytes written are bounded (limit and free disk space), so a bomb cannot fill a disk;
- the work happens in a temporary directory beside the target, renamed into place only
  when everything succeeded: an error leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from layerlab.i18n import _
from layerlab.model.errors import DigestMismatch, LayerlabError, LimitExceeded, UnsafeArchive
from layerlab.model.image import Image
from layerlab.model.layer import OPAQUE_MARKER, WHITEOUT_PREFIX, Layer, member_path
from layerlab.model.tarstream import TarMember, TarReader

from .blobs import DEFAULT_LIMITS, ChunkStream, Limits
from .progress import byte_progress
from .staging import staged_dir

MAX_SYMLINKS = 40
DISK_MARGIN = 64 << 20


def unpack_image(
    image: Image,
    target: str | Path,
    *,
    allow_devices: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    progress: bool | None = None,
) -> Path:
    """The image's merged root filesystem, written into ``target`` (new or empty)."""
    return _unpack(image.layers, Path(target), allow_devices, limits, progress)


def unpack_layer(
    layer: Layer,
    target: str | Path,
    *,
    allow_devices: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    progress: bool | None = None,
) -> Path:
    """One layer's own entries, applied onto an empty directory (its whiteouts hide nothing)."""
    return _unpack([layer], Path(target), allow_devices, limits, progress)


def _unpack(layers: Sequence[Layer], target: Path, allow_devices: bool, limits: Limits, progress: bool | None) -> Path:
    target = target.absolute()
    if target.exists() and not (target.is_dir() and not target.is_symlink() and not any(target.iterdir())):
        raise LayerlabError(_("{target} exists and is not an empty directory; choose a new one", target=target))
    if not target.parent.is_dir():
        raise LayerlabError(_("{path} does not exist", path=target.parent))
    with staged_dir(target, f".{target.name}.unpack-") as work:
        os.chmod(work, 0o755)
        budget = _Budget(limits.max_layer_bytes * max(len(layers), 1), work)
        total = sum(layer.tar_size for layer in layers)
        with byte_progress(total, _("unpacking to {name}", name=target.name), progress) as tick:
            for i, layer in enumerate(layers):
                _apply(layer, work, _("layer {n}", n=i), allow_devices, limits, budget, tick)
    return target


class _Budget:
    """Bytes that may still be written: the limit, and never past the disk's free space."""

    def __init__(self, limit: int, where: Path) -> None:
        usage = shutil.disk_usage(where)
        self.left = min(limit, max(usage.free - DISK_MARGIN, 0))

    def spend(self, n: int, path: str) -> None:
        self.left -= n
        if self.left < 0:
            raise LimitExceeded(_("unpacking {path!r} would exceed the size limit or the free disk space", path=path))


def _apply(
    layer: Layer,
    root: Path,
    label: str,
    allow_devices: bool,
    limits: Limits,
    budget: _Budget,
    tick: Callable[[int], None],
) -> None:
    reader = TarReader(
        ChunkStream(_ticking(layer.tar_chunks(), tick)),  # type: ignore[arg-type]
        max_bytes=limits.max_layer_bytes,
        max_entries=limits.max_entries,
        label=label,
    )
    base = str(root)
    made: set[str] = set()
    dirs: list[tuple[str, TarMember]] = []
    for member in reader:
        path = member_path(member.name, reader)
        if path is None:
            continue
        parent, _unused, name = path.rpartition("/")
        if name == OPAQUE_MARKER:
            host_dir = _resolve(base, parent, label)
            if os.path.isdir(host_dir) and not os.path.islink(host_dir):
                for child in os.listdir(host_dir):
                    if f"{parent}/{child}" not in made:
                        _remove(os.path.join(host_dir, child))
            continue
        if name.startswith(WHITEOUT_PREFIX):
            if not name.startswith(WHITEOUT_PREFIX * 2):
                victim = os.path.join(_resolve(base, parent, label), name[len(WHITEOUT_PREFIX) :])
                _remove(victim)
            continue
        host_parent = _resolve(base, parent, label, create=True)
        host = os.path.join(host_parent, name)
        made.add(path)
        _write_entry(member, reader, base, host, path, label, allow_devices, budget)
        if member.type == "dir":
            dirs.append((host, member))
    if reader.digest != layer.diff_id:
        raise DigestMismatch(_("{label}: the tar hashes to {got}, expected diff_id {want}", label=label, got=reader.digest, want=layer.diff_id))
    for host, member in reversed(dirs):  # set directory metadata once their children exist
        _set_meta(host, member, is_link=False)


def _ticking(chunks, tick):  # type: ignore[no-untyped-def]
    for chunk in chunks:
        tick(len(chunk))
        yield chunk


def _write_entry(
    member: TarMember,
    reader: TarReader,
    base: str,
    host: str,
    path: str,
    label: str,
    allow_devices: bool,
    budget: _Budget,
) -> None:
    existing = _lstat(host)
    if existing is not None and not (member.type == "dir" and stat.S_ISDIR(existing.st_mode)):
        _remove(host)
    if member.type == "file":
        budget.spend(member.size, path)
        fd = os.open(host, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            for chunk in reader.data():
                f.write(chunk)
    elif member.type == "dir":
        if existing is None or not stat.S_ISDIR(existing.st_mode):
            os.mkdir(host, 0o700)
        os.chmod(host, 0o700 | member.mode)  # writable while children are added
        return
    elif member.type == "symlink":
        budget.spend(len(member.linkname), path)
        os.symlink(member.linkname, host)
    elif member.type == "hardlink":
        link = member_path(member.linkname, reader)
        if link is None:
            raise UnsafeArchive(_("{label}: hard link {path!r} to the root directory", label=label, path=path))
        link_parent, _unused, link_name = link.rpartition("/")
        source = os.path.join(_resolve(base, link_parent, label), link_name)
        st = _lstat(source)
        if st is None:
            raise UnsafeArchive(_("{label}: hard link {path!r} -> {target!r}: no such file in the image", label=label, path=path, target=member.linkname))
        if stat.S_ISDIR(st.st_mode):
            raise UnsafeArchive(_("{label}: hard link {path!r} -> {target!r} is a directory", label=label, path=path, target=member.linkname))
        os.link(source, host, follow_symlinks=False)
        return
    else:
        if not allow_devices:
            raise UnsafeArchive(_(
                "{label}: {path!r} is a {type} device node ({major},{minor}); "
                "refused (pass allow_devices=True, as root, to create device nodes)",
                label=label, path=path, type=member.type, major=member.devmajor, minor=member.devminor,
            ))
        kind = {"char": stat.S_IFCHR, "block": stat.S_IFBLK, "fifo": stat.S_IFIFO}[member.type]
        os.mknod(host, kind | member.mode, os.makedev(member.devmajor, member.devminor))
    _set_meta(host, member, is_link=member.type == "symlink")


def _set_meta(host: str, member: TarMember, *, is_link: bool) -> None:
    if os.geteuid() == 0:
        os.chown(host, member.uid, member.gid, follow_symlinks=False)
    if not is_link:
        os.chmod(host, member.mode)
    os.utime(host, (member.mtime, member.mtime), follow_symlinks=False)


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _remove(path: str) -> None:
    st = _lstat(path)
    if st is None:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _resolve(base: str, rel: str, label: str, *, create: bool = False) -> str:
    """Host path of directory ``rel`` with every symlink on the way resolved inside ``base``.

    Absolute link targets start again at ``base`` (as in a chroot); a link that climbs
    above ``base`` is refused rather than clamped, so hostile layers fail loudly.
    """
    todo = [p for p in rel.split("/") if p][::-1]
    done: list[str] = []
    links = 0
    while todo:
        part = todo.pop()
        if part in ("", "."):
            continue
        if part == "..":
            if not done:
                raise UnsafeArchive(_("{label}: a symlink in {rel!r} points outside the target", label=label, rel=rel))
            done.pop()
            continue
        host = os.path.join(base, *done, part)
        st = _lstat(host)
        if st is None:
            if not create:
                return os.path.join(base, *done, part, *todo[::-1])
            os.mkdir(host, 0o755)
        elif stat.S_ISLNK(st.st_mode):
            links += 1
            if links > MAX_SYMLINKS:
                raise UnsafeArchive(_("{label}: too many symlinks resolving {rel!r}", label=label, rel=rel))
            target = os.readlink(host)
            if target.startswith("/"):
                done = []
            todo.extend([p for p in target.split("/") if p][::-1])
            continue
        elif not stat.S_ISDIR(st.st_mode):
            if create:
                raise UnsafeArchive(_("{label}: {path!r} is not a directory", label=label, path="/".join(done + [part])))
            return os.path.join(base, *done, part, *todo[::-1])
        done.append(part)
    return os.path.join(base, *done)
