"""``chmod``, ``chown`` and ``chgrp``, with users and groups from the image's own files."""

from __future__ import annotations

import posixpath

from layerlab.model.fs import Dir, Symlink
from layerlab.model.overlay import FsError

from .arguments import parse_options
from .files import lstat_entry, stat_entry
from .process import Process
from .modes import parse_mode
from .registry import command
from .streams import IO

#: Well-known account names, used when the image has no /etc/passwd or /etc/group.
DEFAULT_USERS = {"root": (0, 0), "www-data": (33, 33), "nobody": (65534, 65534)}
DEFAULT_GROUPS = {"root": 0, "www-data": 33, "nogroup": 65534, "nobody": 65534}


@command("chmod")
def _chmod(sh: Process, argv: list[str], io: IO) -> int:
    # A symbolic mode like -w looks like an option: take it as the mode.
    args = argv[1:]
    recursive = False
    while args and args[0] in ("-R", "-v", "-f", "-c", "--"):
        recursive = recursive or args[0] == "-R"
        args = args[1:]
    if len(args) < 2:
        io.err("chmod: missing operand\n")
        return 1
    text, files = args[0], args[1:]
    status = 0
    for name in files:
        targets = _walk(sh, name) if recursive else [name]
        for target in targets:
            entry = stat_entry(sh, target)
            if entry is None:
                if lstat_entry(sh, target) is not None and target != name:
                    continue  # a dangling symlink met while recursing
                io.err(f"chmod: {target}: No such file or directory\n")
                status = 1
                continue
            if isinstance(lstat_entry(sh, target), Symlink) and target != name:
                continue  # -R does not follow symlinks below the top
            mode = parse_mode(text, entry.mode, is_dir=isinstance(entry, Dir))
            if mode is None:
                io.err(f"chmod: invalid mode '{text}'\n")
                return 1
            sh.fs.chmod(target, mode, cwd=sh.cwd)
    return status


def _walk(sh: Process, top: str) -> list[str]:
    """``top`` and, if it is a directory (not a symlink to one), everything below it."""
    out = [top]
    entry = lstat_entry(sh, top)
    if isinstance(entry, Dir):
        for child in sh.fs.listdir(top, cwd=sh.cwd):
            out += _walk(sh, posixpath.join(top, child))
    return out


def _accounts(sh: Process, path: str) -> list[list[str]]:
    try:
        text = sh.fs.read(path).read().decode("utf-8", "replace")
    except FsError:
        return []
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def lookup_user(sh: Process, name: str) -> tuple[int, int] | None:
    """uid and login gid from the image's /etc/passwd (well-known names if it has none)."""
    rows = _accounts(sh, "/etc/passwd")
    for row in rows:
        if len(row) >= 4 and row[0] == name:
            return int(row[2]), int(row[3])
    if name.isdigit():
        return int(name), -1
    return DEFAULT_USERS.get(name) if not rows else None


def lookup_group(sh: Process, name: str) -> int | None:
    rows = _accounts(sh, "/etc/group")
    for row in rows:
        if len(row) >= 3 and row[0] == name:
            return int(row[2])
    if name.isdigit():
        return int(name)
    return DEFAULT_GROUPS.get(name) if not rows else None


@command("chown", "chgrp")
def _chown(sh: Process, argv: list[str], io: IO) -> int:
    flags, _, args = parse_options(sh, argv, "RhHLPfvc")
    name = posixpath.basename(argv[0])
    if len(args) < 2:
        io.err(f"{name}: missing operand\n")
        return 1
    spec, files = args[0], args[1:]
    if name == "chgrp":
        spec = ":" + spec
    user_part, sep, group_part = spec.replace(".", ":", 1).partition(":") if ":" not in spec and "." in spec else spec.partition(":")
    uid = gid = None
    if user_part:
        found = lookup_user(sh, user_part)
        if found is None:
            io.err(f"{name}: unknown user {user_part}\n")
            return 1
        uid = found[0]
        if sep and not group_part and found[1] >= 0:
            gid = found[1]
    if group_part:
        gid = lookup_group(sh, group_part)
        if gid is None:
            io.err(f"{name}: unknown group {group_part}\n")
            return 1
    status = 0
    for top in files:
        for target in _walk(sh, top) if "R" in flags else [top]:
            follow = target == top and "h" not in flags
            entry = stat_entry(sh, target) if follow else lstat_entry(sh, target)
            if entry is None:
                io.err(f"{name}: {target}: No such file or directory\n")
                status = 1
                continue
            sh.fs.chown(target, entry.uid if uid is None else uid, entry.gid if gid is None else gid,
                        cwd=sh.cwd, follow=follow)
    return status
