"""``cp`` and ``mv``: copying entry by entry through the overlay, as the tools do.

``mv`` of a directory from a lower layer copies and deletes (Docker's overlay mount has
no ``redirect_dir``), so both share :func:`copy_tree`.
"""

from __future__ import annotations

import posixpath

from layerlab.i18n import _
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.overlay import FsError

from .arguments import parse_options
from .errors import fs_error_text
from .files import lstat_entry, stat_entry
from .process import Process
from .modes import UMASK
from .registry import command
from .streams import IO


def _dest_in_dir(sh: Process, src: str, dst: str) -> str:
    """``cp a dir`` and ``mv a dir`` put ``a`` inside an existing directory."""
    if isinstance(stat_entry(sh, dst), Dir):
        return posixpath.join(dst, posixpath.basename(src.rstrip("/")))
    return dst


@command("cp")
def _cp(sh: Process, argv: list[str], io: IO) -> int:
    flags, _unused, args = parse_options(sh, argv, "rRapdPLHfinuvT")
    if len(args) < 2:
        io.err("cp: missing file operand\n" if not args else f"cp: missing destination file operand after '{args[0]}'\n")
        return 1
    recursive = bool(flags & {"r", "R", "a"})
    preserve = bool(flags & {"p", "a"})
    no_deref = bool(flags & {"d", "P", "a"}) or (recursive and "L" not in flags)
    *sources, dest = args
    if len(sources) > 1 and not isinstance(stat_entry(sh, dest), Dir):
        io.err(f"cp: '{dest}' is not a directory\n")
        return 1
    status = 0
    for src in sources:
        entry = lstat_entry(sh, src) if no_deref else stat_entry(sh, src)
        if entry is None:
            io.err(f"cp: can't stat '{src}': No such file or directory\n")
            status = 1
            continue
        if isinstance(entry, Dir) and not recursive:
            io.err(f"cp: omitting directory '{src}'\n")
            status = 1
            continue
        target = dest if "T" in flags else _dest_in_dir(sh, src, dest)
        if sh.path(target) == sh.path(src):
            io.err(f"cp: '{src}' and '{target}' are the same file\n")
            status = 1
            continue
        if isinstance(entry, Dir) and sh.path(target).startswith(sh.path(src) + "/"):
            io.err(f"cp: cannot copy a directory, '{src}', into itself, '{target}'\n")
            status = 1
            continue
        status |= copy_tree(sh, src, target, io, preserve=preserve, no_deref=no_deref, name="cp")
    return status


def copy_tree(sh: Process, src: str, dst: str, io: IO, *, preserve: bool, no_deref: bool, name: str) -> int:
    """Copy one entry (a directory recursively) as cp does, entry by entry through the overlay."""
    entry = lstat_entry(sh, src) if no_deref else stat_entry(sh, src)
    assert entry is not None
    existing = lstat_entry(sh, dst)
    owner = (entry.uid, entry.gid) if preserve else sh.user
    try:
        if isinstance(entry, Dir):
            if existing is None:
                sh.fs.mkdir(dst, entry.mode if preserve else entry.mode & ~UMASK, cwd=sh.cwd)
            elif not isinstance(stat_entry(sh, dst), Dir):
                io.err(f"{name}: can't create directory '{dst}': File exists\n")
                return 1
            status = 0
            for child in sh.fs.listdir(src, cwd=sh.cwd):
                status |= copy_tree(sh, posixpath.join(src, child), posixpath.join(dst, child), io,
                                    preserve=preserve, no_deref=True, name=name)
            if existing is None or preserve:
                if preserve:
                    sh.fs.chmod(dst, entry.mode, cwd=sh.cwd)
                _set_owner(sh, dst, owner, follow=True)
            return status
        if existing is not None and (isinstance(entry, Symlink) or not isinstance(existing, File)):
            if isinstance(existing, Dir):
                io.err(f"{name}: can't create '{dst}': Is a directory\n")
                return 1
            sh.fs.unlink(dst, cwd=sh.cwd)
            existing = None
        if isinstance(entry, Symlink):
            sh.fs.symlink(entry.target, dst, cwd=sh.cwd)
            _set_owner(sh, dst, owner, follow=False)
            return 0
        if not isinstance(entry, File):
            io.err(f"{name}: '{src}': " + _("special files are not modelled") + "\n")
            return 1
        if existing is None:
            sh.fs.write(dst, entry.content, mode=entry.mode if preserve else entry.mode & ~UMASK,
                        uid=owner[0], gid=owner[1], cwd=sh.cwd)
        else:  # an existing file is opened with O_TRUNC and keeps its inode and mode
            sh.fs.write(dst, entry.content, cwd=sh.cwd)
            if preserve:
                sh.fs.chmod(dst, entry.mode, cwd=sh.cwd)
                _set_owner(sh, dst, owner, follow=True)
        if preserve:
            sh.fs.utime(dst, entry.mtime, cwd=sh.cwd)
    except FsError as exc:
        io.err(f"{name}: can't create '{dst}': {fs_error_text(exc)}\n")
        return 1
    return 0


def _set_owner(sh: Process, path: str, owner: tuple[int, int], *, follow: bool) -> None:
    entry = sh.fs.stat(path, cwd=sh.cwd) if follow else sh.fs.lstat(path, cwd=sh.cwd)
    if entry is not None and (entry.uid, entry.gid) != owner:
        sh.fs.chown(path, *owner, cwd=sh.cwd, follow=follow)


@command("mv")
def _mv(sh: Process, argv: list[str], io: IO) -> int:
    flags, _unused, args = parse_options(sh, argv, "finvT")
    if len(args) < 2:
        io.err("mv: missing file operand\n")
        return 1
    *sources, dest = args
    if len(sources) > 1 and not isinstance(stat_entry(sh, dest), Dir):
        io.err(f"mv: '{dest}' is not a directory\n")
        return 1
    status = 0
    for src in sources:
        target = dest if "T" in flags else _dest_in_dir(sh, src, dest)
        entry = lstat_entry(sh, src)
        if entry is None:
            io.err(f"mv: can't rename '{src}': No such file or directory\n")
            status = 1
            continue
        try:
            sh.fs.rename(src, target, cwd=sh.cwd)
        except FsError as exc:
            if exc.code != "EXDEV":
                io.err(f"mv: can't rename '{src}': {fs_error_text(exc)}\n")
                status = 1
                continue
            # Docker's overlay mount has no redirect_dir: copy everything, then delete.
            existing = lstat_entry(sh, target)
            if existing is not None:
                if isinstance(existing, Dir) and not isinstance(entry, Dir):
                    io.err("mv: can't overwrite directory with non-directory\n")
                    status = 1
                    continue
                if isinstance(existing, Dir) and sh.fs.listdir(target, cwd=sh.cwd):
                    io.err(f"mv: can't remove '{target}': Directory not empty\n")
                    status = 1
                    continue
                sh.fs.remove_tree(target, cwd=sh.cwd)
            if copy_tree(sh, src, target, io, preserve=True, no_deref=True, name="mv"):
                status = 1
                continue
            sh.fs.remove_tree(src, cwd=sh.cwd)
    return status
