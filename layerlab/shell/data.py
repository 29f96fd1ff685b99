"""``dd`` and ``truncate``: files of a given size, from devices, other files or stdin."""

from __future__ import annotations

from layerlab.i18n import _
from layerlab.model.content import (
    BytesContent,
    ConcatContent,
    Content,
    PrefixContent,
    SyntheticContent,
    ZeroContent,
)
from layerlab.model.fs import File
from layerlab.model.overlay import FsError

from .arguments import parse_options, parse_size
from .errors import fs_error_text
from .files import stat_entry
from .process import Process
from .registry import UnsupportedCommand, command
from .streams import IO


@command("dd")
def _dd(sh: Process, argv: list[str], io: IO) -> int:
    ops: dict[str, str] = {}
    for arg in argv[1:]:
        key, eq, value = arg.partition("=")
        if not eq:
            io.err(f"dd: unknown operand {arg}\n")
            return 1
        ops[key] = value
    try:
        bs = parse_size(ops.get("bs", ops.get("obs", ops.get("ibs", "512"))))
        count = parse_size(ops["count"]) if "count" in ops else None
        skip = parse_size(ops.get("skip", "0"))
        seek = parse_size(ops.get("seek", "0"))
    except ValueError as exc:
        io.err(f"dd: invalid number '{exc}'\n")
        return 1
    source = ops.get("if", "-")
    if source == "/dev/zero":
        if count is None:
            raise UnsupportedCommand("dd if=/dev/zero without count=", sh.line, _("it never ends"))
        data: Content = ZeroContent(bs * count)
    elif source in ("/dev/urandom", "/dev/random"):
        if count is None:
            raise UnsupportedCommand(f"dd if={source} without count=", sh.line, _("it never ends"))
        # Reproducible in the model: the same command writing the same path gives the same bytes.
        data = SyntheticContent(bs * count, seed=f"dd:{sh.path(ops.get('of', '-'))}:{sh.source}")
    else:
        try:
            whole = io.stdin if source == "-" else sh.fs.read(source, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"dd: can't open '{source}': {fs_error_text(exc)}\n")
            return 1
        start = min(skip * bs, whole.size)
        size = whole.size - start if count is None else min(bs * count, whole.size - start)
        data = _slice(whole, start, size)
    out = ops.get("of", "-")
    if out == "-":
        io.out(data)
    else:
        try:
            notrunc = "notrunc" in ops.get("conv", "").split(",")
            existing = stat_entry(sh, out)
            if seek or (notrunc and isinstance(existing, File)):
                old = existing.content if isinstance(existing, File) else BytesContent(b"")
                head = PrefixContent(old, seek * bs)
                tail = _slice(old, seek * bs + data.size, max(0, old.size - seek * bs - data.size)) if notrunc else BytesContent(b"")
                data = ConcatContent(head, data, tail)
            sh.fs.write(out, data, uid=sh.user[0], gid=sh.user[1], cwd=sh.cwd)
        except FsError as exc:
            io.err(f"dd: can't open '{out}': {fs_error_text(exc)}\n")
            return 1
    if ops.get("status") not in ("none", "noxfer"):
        full, part = divmod(data.size, bs)
        io.err(f"{full}+{1 if part else 0} records in\n{full}+{1 if part else 0} records out\n{data.size} bytes copied\n")
    return 0


def _slice(content: Content, start: int, size: int) -> Content:
    if start == 0:
        return PrefixContent(content, size) if size != content.size else content
    return BytesContent(content.read()[start : start + size])


@command("truncate")
def _truncate(sh: Process, argv: list[str], io: IO) -> int:
    flags, values, files = parse_options(sh, argv, "c", "s")
    if "s" not in values:
        io.err("truncate: you must specify -s SIZE\n")
        return 1
    text = values["s"]
    try:
        size = parse_size(text.lstrip("+-<>"))
    except ValueError:
        io.err(f"truncate: invalid number '{text}'\n")
        return 1
    status = 0
    for name in files:
        entry = stat_entry(sh, name)
        if entry is None and "c" in flags:
            continue
        current = entry.size if isinstance(entry, File) else 0
        new = {"+": current + size, "-": max(0, current - size)}.get(text[:1], size)
        try:
            if entry is None:
                sh.fs.write(name, b"", uid=sh.user[0], gid=sh.user[1], cwd=sh.cwd)
            sh.fs.truncate(name, new, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"truncate: {name}: {fs_error_text(exc)}\n")
            status = 1
    return status
