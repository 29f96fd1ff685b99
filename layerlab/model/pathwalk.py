"""Path lookup as the kernel walks it inside a container root, and the errors it reports.

A container path is absolute or relative to a working directory; ``..`` never climbs out
of the root. :func:`resolve_path` follows symlinks component by component (at most
:data:`MAX_SYMLINKS`, then ELOOP), asking a lookup function for the entry at each step.
An :class:`~layerlab.model.overlay.Overlay` asks its merged view; a container's filesystem
asks the mount or the RW layer that holds each component. One walk serves both.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

from .errors import LayerlabError
from .fs import Dir, Entry, Symlink

#: Linux's limit on symlinks followed in one lookup (MAXSYMLINKS).
MAX_SYMLINKS = 40


class FsError(LayerlabError, OSError):
    """A filesystem error as the kernel reports it: an errno name and the path."""

    def __init__(self, code: str, path: str, detail: str = "") -> None:
        self.code = code
        self.path = "/" + path.strip("/")
        number = getattr(errno, code)
        message = f"{code}: {self.path}: {os.strerror(number)}" + (f" ({detail})" if detail else "")
        LayerlabError.__init__(self, message)
        self.errno = number
        self.strerror = os.strerror(number)
        self.filename = self.path

    def __str__(self) -> str:
        return self.args[0]


def clean_path(path: str, cwd: str = "") -> str:
    """A container path (absolute, or relative to ``cwd``) as a layer path; ``..`` stops at /."""
    parts: list[str] = [] if path.startswith("/") else [p for p in cwd.split("/") if p]
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def resolve_path(
    path: str, entry_at: Callable[[str], Entry | None], *, cwd: str = "/", follow: bool = True
) -> str:
    """``path`` as a layer path with every symlink followed (the last one only if ``follow``).

    ``entry_at`` gives the entry at a layer path, or None. An absolute link target restarts
    at the root; a non-directory in the middle of the path is ENOTDIR."""
    clean = clean_path(path, cwd)
    todo = clean.split("/")[::-1] if clean else []
    done: list[str] = []
    links = 0
    while todo:
        part = todo.pop()
        candidate = "/".join(done + [part])
        entry = entry_at(candidate)
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


class PathQueries:
    """``exists`` and ``is_dir`` for a filesystem with ``stat``: a lookup that fails on the
    way (ELOOP, ENOTDIR) counts as missing, as ``test -e`` and ``test -d`` see it."""

    def stat(self, path: str, *, cwd: str = "/") -> Entry | None:
        raise NotImplementedError

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
