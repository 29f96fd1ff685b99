"""Commands that make, list and remove entries: ``ls`` ``mkdir`` ``rmdir`` ``touch`` ``rm`` ``ln``.

Also the lookups other commands share: :func:`stat_entry` and :func:`lstat_entry` (None
rather than an error) and :func:`mkdir_parents` (``mkdir -p``).
"""

from __future__ import annotations

import posixpath

from layerlab.model.fs import Dir, Entry, Symlink
from layerlab.model.overlay import FsError

from .arguments import parse_options
from .errors import fs_error_text
from .process import Process
from .modes import UMASK, parse_mode
from .registry import command
from .streams import IO


def lstat_entry(sh: Process, path: str) -> Entry | None:
    """The entry at ``path`` itself (a symlink is not followed); None if there is none."""
    try:
        return sh.fs.lstat(path, cwd=sh.cwd)
    except FsError:
        return None


def stat_entry(sh: Process, path: str) -> Entry | None:
    """The entry ``path`` leads to, symlinks followed; None if there is none."""
    try:
        return sh.fs.stat(path, cwd=sh.cwd)
    except FsError:
        return None


@command("ls")
def _ls(sh: Process, argv: list[str], io: IO) -> int:
    flags, _, names = parse_options(sh, argv, "1aAlFdhR")
    status = 0
    for i, name in enumerate(names or ["."]):
        entry = lstat_entry(sh, name)
        if entry is None:
            io.err(f"ls: {name}: No such file or directory\n")
            status = 2 if len(names) == 1 else 1
            continue
        if isinstance(sh.fs.stat(name, cwd=sh.cwd), Dir) and "d" not in flags:
            if len(names) > 1:
                io.out(("\n" if i else "") + f"{name}:\n")
            children = sh.fs.listdir(name, cwd=sh.cwd)
            if "a" not in flags and "A" not in flags:
                children = [c for c in children if not c.startswith(".")]
            for child in children:
                io.out(_ls_line(sh, posixpath.join(name, child), child, flags))
        else:
            io.out(_ls_line(sh, name, name, flags))
    return status


def _ls_line(sh: Process, path: str, shown: str, flags: set[str]) -> str:
    if "l" not in flags:
        return shown + "\n"
    entry = lstat_entry(sh, path)
    assert entry is not None
    target = f" -> {entry.target}" if isinstance(entry, Symlink) else ""
    return f"{entry.mode_string()} 1 {entry.uid:<8} {entry.gid:<8} {entry.size:>8} {shown}{target}\n"


@command("mkdir")
def _mkdir(sh: Process, argv: list[str], io: IO) -> int:
    flags, values, dirs = parse_options(sh, argv, "pv", "m")
    mode = parse_mode(values["m"], 0o777 & ~UMASK, is_dir=True, umask=0) if "m" in values else 0o777 & ~UMASK
    if mode is None:
        io.err(f"mkdir: invalid mode '{values['m']}'\n")
        return 1
    status = 0
    for name in dirs:
        try:
            if "p" in flags:
                mkdir_parents(sh, name, mode)
            else:
                sh.fs.mkdir(name, mode, cwd=sh.cwd)
                sh.own(name)
        except FsError as exc:
            io.err(f"mkdir: can't create directory '{name}': {fs_error_text(exc)}\n")
            status = 1
    return status


def mkdir_parents(sh: Process, name: str, mode: int) -> None:
    """``mkdir -p``: existing directories are left alone (no copy-up), new ones made in turn."""
    parts = [p for p in name.split("/") if p]
    prefix = "/" if name.startswith("/") else ""
    for i, part in enumerate(parts):
        prefix = posixpath.join(prefix, part) if prefix else part
        entry = sh.fs.stat(prefix, cwd=sh.cwd)
        last = i == len(parts) - 1
        if entry is None:
            sh.fs.mkdir(prefix, mode if last else 0o777 & ~UMASK, cwd=sh.cwd)
            sh.own(prefix)
        elif not isinstance(entry, Dir):
            raise FsError("EEXIST" if last else "ENOTDIR", sh.path(prefix))


@command("rmdir")
def _rmdir(sh: Process, argv: list[str], io: IO) -> int:
    flags, _, dirs = parse_options(sh, argv, "p")
    status = 0
    for name in dirs:
        targets = [name]
        if "p" in flags:
            parent = posixpath.dirname(name.rstrip("/"))
            while parent not in ("", "/", "."):
                targets.append(parent)
                parent = posixpath.dirname(parent)
        for target in targets:
            try:
                sh.fs.rmdir(target, cwd=sh.cwd)
            except FsError as exc:
                io.err(f"rmdir: '{target}': {fs_error_text(exc)}\n")
                status = 1
                break
    return status


@command("touch")
def _touch(sh: Process, argv: list[str], io: IO) -> int:
    flags, _, files = parse_options(sh, argv, "cham", "dtr")
    status = 0
    for name in files:
        try:
            if stat_entry(sh, name) is None:
                if "c" in flags:
                    continue
                sh.fs.write(name, b"", uid=sh.user[0], gid=sh.user[1], cwd=sh.cwd)
                sh.fs.utime(name, sh.mtime, cwd=sh.cwd)
            else:
                sh.fs.utime(name, sh.mtime, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"touch: {name}: {fs_error_text(exc)}\n")
            status = 1
    return status


@command("rm")
def _rm(sh: Process, argv: list[str], io: IO) -> int:
    flags, _, names = parse_options(sh, argv, "rRfiv")
    force, recursive = "f" in flags, bool(flags & {"r", "R"})
    status = 0
    for name in names:
        entry = lstat_entry(sh, name)
        if entry is None:
            if not force:
                io.err(f"rm: can't remove '{name}': No such file or directory\n")
                status = 1
            continue
        if posixpath.basename(name.rstrip("/")) in (".", ".."):
            io.err("rm: '.' or '..' may not be removed\n")
            status = 1
            continue
        try:
            if isinstance(entry, Dir):
                if not recursive:
                    io.err(f"rm: '{name}' is a directory\n")
                    status = 1
                    continue
                if sh.path(name) == "/":
                    io.err("rm: it is dangerous to operate recursively on '/'\n")
                    status = 1
                    continue
                sh.fs.remove_tree(name, cwd=sh.cwd)
            else:
                sh.fs.unlink(name, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"rm: can't remove '{name}': {fs_error_text(exc)}\n")
            status = 1
    return status


@command("ln")
def _ln(sh: Process, argv: list[str], io: IO) -> int:
    flags, _, args = parse_options(sh, argv, "sfnvTL")
    if not args:
        io.err("ln: missing file operand\n")
        return 1
    if len(args) == 1:
        args = [args[0], "."]
    *targets, dest = args
    status = 0
    for target in targets:
        follow = "n" not in flags
        link = dest if "T" in flags or (len(targets) == 1 and not _dest_is_dir(sh, dest, follow)) else posixpath.join(dest, posixpath.basename(target.rstrip("/")))
        try:
            if lstat_entry(sh, link) is not None:
                if "f" not in flags:
                    io.err(f"ln: {link}: File exists\n")
                    status = 1
                    continue
                if isinstance(lstat_entry(sh, link), Dir):
                    io.err(f"ln: {link}: Is a directory\n")
                    status = 1
                    continue
                sh.fs.unlink(link, cwd=sh.cwd)
            if "s" in flags:
                sh.fs.symlink(target, link, cwd=sh.cwd)
                sh.own(link)
            else:
                source = lstat_entry(sh, target)
                if source is None:
                    io.err(f"ln: {target}: No such file or directory\n")
                    status = 1
                    continue
                if isinstance(source, Dir):
                    io.err(f"ln: {target}: hard link not allowed for directory\n")
                    status = 1
                    continue
                sh.fs.link(target, link, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"ln: {link}: {fs_error_text(exc)}\n")
            status = 1
    return status


def _dest_is_dir(sh: Process, dest: str, follow: bool) -> bool:
    return isinstance(stat_entry(sh, dest) if follow else lstat_entry(sh, dest), Dir)
