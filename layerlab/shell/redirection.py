"""Redirections: ``>`` ``>>`` ``<`` ``2>&1`` ``>&2`` ``&>``, and the device files they may name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from layerlab.i18n import _
from layerlab.model.content import BytesContent, Content
from layerlab.model.overlay import FsError

from .errors import fs_error_text
from .expansion import expand
from .registry import UnsupportedCommand
from .streams import IO, FileSink, NullSink, Sink

if TYPE_CHECKING:
    from .process import Process


def redirect(sh: Process, redirects: list[Any], src: str, io: IO) -> IO | None:
    """Apply ``>`` ``>>`` ``<`` ``2>&1`` ``&>`` left to right; None if one fails (status 1)."""
    fds: dict[int, Any] = {0: io.stdin, 1: io.stdout, 2: io.stderr}
    for r in redirects:
        kind = r.type
        if kind in ("<<", "<<<", "<<-", "<>"):
            raise UnsupportedCommand(kind, sh.line, _("here-documents and read-write redirections"))
        if isinstance(r.output, int):  # 2>&1, >&2
            source = r.input if r.input is not None else (0 if kind == "<&" else 1)
            fds[source] = fds[r.output]
            continue
        words = expand(sh, src[r.output.pos[0] : r.output.pos[1]], r.output, src)
        if len(words) != 1:
            io.err(f"sh: {src[r.output.pos[0]:r.output.pos[1]]}: ambiguous redirect\n")
            return None
        target = words[0]
        if kind == "<":
            try:
                fds[r.input if r.input is not None else 0] = read_input(sh, target)
            except FsError as exc:
                io.err(f"sh: can't open '{target}': {fs_error_text(exc)}\n")
                return None
            continue
        sink = open_output(sh, target, append=kind == ">>", io=io)
        if sink is None:
            return None
        if kind in ("&>", ">&"):
            fds[1] = fds[2] = sink
        else:
            fds[r.input if r.input is not None else 1] = sink
    return IO(fds[0], fds[1], fds[2])


def read_input(sh: Process, target: str) -> Content:
    """What ``< target`` reads."""
    if target == "/dev/null":
        return BytesContent(b"")
    return sh.fs.read(target, cwd=sh.cwd)


def open_output(sh: Process, target: str, *, append: bool, io: IO) -> Sink | None:
    """Where ``> target`` (``>>`` with append) writes; None after a message on io.stderr."""
    if target in ("/dev/null", "/dev/zero"):
        return NullSink()
    if target in ("/dev/stdout", "/proc/self/fd/1"):
        return io.stdout
    if target in ("/dev/stderr", "/proc/self/fd/2"):
        return io.stderr
    try:
        entry = sh.fs.stat(target, cwd=sh.cwd)
        if entry is None or not append:
            sh.fs.write(target, b"", append=append, uid=sh.user[0], gid=sh.user[1], cwd=sh.cwd)
    except FsError as exc:
        why = "nonexistent directory" if exc.code == "ENOENT" else fs_error_text(exc)
        io.err(f"sh: can't create {target}: {why}\n")
        return None
    return FileSink(sh.fs, target, sh.cwd)
