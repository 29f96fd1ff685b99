"""One file operation in a container, applied and accounted for: the container lab's verbs.

:func:`apply` runs one operation as a process in the container would (through
:class:`~layerlab.model.container_fs.ContainerFS`, so mounts, symlinks and EXDEV behave as on the
engine) and returns an :class:`Outcome`: where the path was served from before and after,
the copy-up records the overlay wrote (path, bytes, source layer, reason), the whiteouts
and opaque directories it made, and what landed in the RW layer. If the operation fails,
the container is put back exactly as it was and the error is raised: an interactive lab
must not leave half an ``rm -r`` behind when it reports an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from layerlab.i18n import N_, _, translate

from .container import Container
from .errors import LayerlabError
from .fs import Dir, Entry, File, Hardlink, Symlink
from .lookup import Lookup, layer_label, lookup
from .overlay import Checkpoint, CopyUp, Overlay, Whiteout
from .units import human_size


class OperationError(LayerlabError, ValueError):
    """An operation the lab cannot run as asked (unknown name, bad argument, bad path)."""


@dataclass(frozen=True)
class OperationSpec:
    name: str
    shell: str  # the command a shell user would type, with {path} and {arg}
    argument: str  # what the argument means ("" when there is none)
    example: str = ""


#: The operations the lab offers, in menu order.
OPERATIONS: dict[str, OperationSpec] = {s.name: s for s in (
    OperationSpec("read", "cat {path}", ""),
    OperationSpec("write", "echo {arg} > {path}", N_("text to write (replaces the content)"), "new content"),
    OperationSpec("append", "echo {arg} >> {path}", N_("text to append"), "one more line"),
    OperationSpec("truncate", "truncate -s {arg} {path}", N_("new size in bytes"), "0"),
    OperationSpec("touch", "touch {path}", ""),
    OperationSpec("chmod", "chmod {arg} {path}", N_("octal mode"), "600"),
    OperationSpec("chown", "chown {arg} {path}", "uid:gid", "1000:1000"),
    OperationSpec("delete", "rm {path}", ""),
    OperationSpec("delete tree", "rm -r {path}", ""),
    OperationSpec("rmdir", "rmdir {path}", ""),
    OperationSpec("mkdir", "mkdir {path}", ""),
    OperationSpec("rename", "rename {path} {arg}   # rename(2), as mv tries first", N_("new path"), "/tmp/moved"),
    OperationSpec("symlink", "ln -s {arg} {path}", N_("link target"), "/data/model.bin"),
    OperationSpec("hard link", "ln {path} {arg}", N_("new name"), "/tmp/hardlink"),
)}  # fmt: skip


@dataclass(frozen=True)
class Landed:
    """What the RW layer (or a mount) holds at one path after the operation."""

    path: str
    what: str  # "file", "dir", "symlink", "whiteout", "opaque dir", "removed"
    detail: str = ""
    size: int = 0


@dataclass
class Outcome:
    operation: str
    path: str
    argument: str
    command: str
    before: Lookup
    after: Lookup
    copy_ups: list[CopyUp] = field(default_factory=list)
    landed: list[Landed] = field(default_factory=list)
    result: str = ""
    size_before: int = 0
    size_after: int = 0
    source_labels: dict[int, str] = field(default_factory=dict)

    @property
    def copied_bytes(self) -> int:
        return sum(c.bytes for c in self.copy_ups)

    @property
    def whiteouts(self) -> list[str]:
        return [x.path for x in self.landed if x.what == "whiteout"]

    @property
    def opaque_dirs(self) -> list[str]:
        return [x.path for x in self.landed if x.what == "opaque dir"]

    def source_of(self, record: CopyUp) -> str:
        return self.source_labels.get(record.layer) or _("layer {n}", n=record.layer)

    def __repr__(self) -> str:
        return (f"{self.command}: {self.result or self.summary()}; "
                f"RW layer {self.size_before:,} → {self.size_after:,} bytes")

    def summary(self) -> str:
        if not self.copy_ups:
            return _("no copy-up")
        data = sum(1 for c in self.copy_ups if c.bytes)
        n = len(self.copy_ups)
        if n == 1:
            return _("copied up {n} entry ({data} with data, {meta} metadata only): {bytes:,} bytes of data",
                     n=n, data=data, meta=n - data, bytes=self.copied_bytes)
        return _("copied up {n} entries ({data} with data, {meta} metadata only): {bytes:,} bytes of data",
                 n=n, data=data, meta=n - data, bytes=self.copied_bytes)


def check_path(path: str, what: str = N_("path")) -> str:
    """A container path: absolute, no NUL. ``..`` stays inside the root, as in the kernel."""
    text = path.strip()
    if not text:
        raise OperationError(_(
            "the {what} is empty: give an absolute path inside the container, e.g. /data/model.bin",
            what=translate(what),
        ))
    if "\0" in text:
        raise OperationError(_("the {what} contains a NUL byte, which no Linux path can hold", what=translate(what)))
    if not text.startswith("/"):
        raise OperationError(_(
            "{text!r} is not an absolute path inside the container: start it with / "
            "(e.g. /data/model.bin); host paths and relative paths are not supported",
            text=text,
        ))
    return text


def _parse_mode(arg: str) -> int:
    try:
        mode = int(arg.strip(), 8)
    except ValueError:
        raise OperationError(_("chmod needs an octal mode such as 600 or 755, not {arg!r}", arg=arg)) from None
    if not 0 <= mode <= 0o7777:
        raise OperationError(_("mode {arg!r} is out of range: 0 to 7777 (octal)", arg=arg))
    return mode


def _parse_owner(arg: str) -> tuple[int, int]:
    uid, _unused, gid = arg.strip().partition(":")
    try:
        return int(uid), int(gid or uid)
    except ValueError:
        raise OperationError(_(
            "chown needs numeric uid:gid such as 1000:1000, not {arg!r}", arg=arg
        )) from None


def _parse_size(arg: str) -> int:
    try:
        size = int(arg.strip())
    except ValueError:
        raise OperationError(_(
            "truncate needs a size in bytes (a whole number >= 0), not {arg!r}", arg=arg
        )) from None
    if size < 0:
        raise OperationError(_("truncate needs a size >= 0, not {size}", size=size))
    return size


def _runner(c: Container, op: str, path: str, arg: str) -> Callable[[], Any]:
    text = arg if arg.endswith("\n") else arg + "\n"
    runners: dict[str, Callable[[], Any]] = {
        "read": lambda: c.read(path),
        "write": lambda: c.write(path, text),
        "append": lambda: c.write(path, text, append=True),
        "truncate": lambda: c.truncate(path, _parse_size(arg)),
        "touch": lambda: c.utime(path, 0) if c.exists(path) else c.write(path, b""),
        "chmod": lambda: c.chmod(path, _parse_mode(arg)),
        "chown": lambda: c.chown(path, *_parse_owner(arg)),
        "delete": lambda: c.unlink(path),
        "delete tree": lambda: c.remove_tree(path),
        "rmdir": lambda: c.rmdir(path),
        "mkdir": lambda: c.mkdir(path),
        "rename": lambda: c.rename(path, check_path(arg, "new path")),
        "symlink": lambda: (
            c.symlink(arg.strip(), path) if arg.strip() else _missing("symlink", N_("a link target"))
        ),
        "hard link": lambda: c.link(path, check_path(arg, "new name")),
    }
    return runners[op]


def _missing(op: str, what: str) -> None:
    raise OperationError(_("{op} needs {what} in the argument box", op=op, what=translate(what)))


def _storages(c: Container) -> list[Overlay]:
    seen: list[Overlay] = [c.rw]
    for mount in c.mounts:
        if all(mount.fs is not s for s in seen):
            seen.append(mount.fs)
    return seen


#: Every storage a container's operation may change, with its state before the operation.
Saved = list[tuple[Overlay, Checkpoint]]


def _checkpoint(c: Container) -> Saved:
    return [(storage, storage.checkpoint()) for storage in _storages(c)]


def _rollback(saved: Saved) -> None:
    for storage, checkpoint in saved:
        storage.rollback(checkpoint)


def describe(entry: Entry | None) -> str:
    """``-rw-r--r-- 50.0MB`` style: mode string and size (files), target (symlinks)."""
    if entry is None:
        return _("absent")
    if isinstance(entry, File):
        return f"{entry.mode_string()} {human_size(entry.size)} · uid {entry.uid}"
    if isinstance(entry, Symlink):
        return f"{entry.mode_string()} -> {entry.target}"
    if isinstance(entry, Hardlink):
        return _("{mode} hard link to /{target}", mode=entry.mode_string(), target=entry.target)
    return f"{entry.mode_string()} · uid {entry.uid}"


def _landed(c: Container, saved: Saved) -> list[Landed]:
    """What changed in each storage's upper layer since its checkpoint, path by path."""
    out: list[Landed] = []
    for storage, before in saved:
        prefix = (
            ""
            if storage is c.rw
            else next((m.destination for m in c.mounts if m.fs is storage and m.type != "file"), "")
        )
        if storage is not c.rw and not prefix:
            continue
        now, opaque_now = storage.upper, storage.opaque_dirs
        for path in sorted(set(now) | set(before.upper)):
            old, new = before.upper.get(path), now.get(path)
            made_opaque = path in opaque_now and path not in before.opaque
            if new is old and not made_opaque:
                continue
            shown = prefix.rstrip("/") + "/" + path if prefix else "/" + path
            out.append(_landed_entry(shown, new, made_opaque, in_rw=storage is c.rw))
    return out


def _landed_entry(shown: str, new: Entry | Whiteout | None, made_opaque: bool, *, in_rw: bool) -> Landed:
    if new is None:
        return Landed(shown, "removed", _("dropped from the RW layer") if in_rw else _("removed"))
    if isinstance(new, Whiteout):
        return Landed(shown, "whiteout", _("character device 0/0 hides the lower entry"))
    if isinstance(new, Dir) and made_opaque:
        return Landed(shown, "opaque dir", _("trusted.overlay.opaque=y: lower children hidden"))
    return Landed(shown, new.kind, describe(new), new.size if isinstance(new, File) else 0)


def apply(container: Container, operation: str, path: str, argument: str = "") -> Outcome:
    """Run ``operation`` on ``path``; on any error the container is left as it was."""
    spec, path = _checked(operation, path, argument)
    before = lookup(container, path)
    saved = _checkpoint(container)  # the RW layer's first
    size_before = container.size()
    value = _run_or_roll_back(container, saved, operation, path, argument)
    records = list(container.rw.copy_ups[saved[0][1].copy_ups :])
    result = ""
    if operation == "read":
        result = _("read {size:,} bytes; nothing was written, nothing copied up", size=value.size)
    return Outcome(
        operation,
        path,
        argument,
        spec.shell.format(path=path, arg=argument.strip()),
        before,
        lookup(container, argument.strip() if operation == "rename" else path),
        records,
        _landed(container, saved),
        result,
        size_before,
        container.size(),
        {r.layer: layer_label(container, r.layer) for r in records},
    )


def _checked(operation: str, path: str, argument: str) -> tuple[OperationSpec, str]:
    """The operation's spec and the checked path, once the operation is known, the path
    valid and the argument it needs given (checked in that order)."""
    spec = OPERATIONS.get(operation)
    if spec is None:
        raise OperationError(_("unknown operation {operation!r}; supported: {supported}",
                                 operation=operation, supported=", ".join(OPERATIONS)))
    path = check_path(path)
    if spec.argument and operation not in ("write", "append") and not argument.strip():
        raise OperationError(_(
            "{operation} needs {argument} in the argument box (e.g. {example})",
            operation=operation, argument=translate(spec.argument), example=spec.example,
        ))
    return spec, path


def _run_or_roll_back(container: Container, saved: Saved, operation: str, path: str, argument: str) -> Any:
    """The operation's return value; on an error every storage goes back to ``saved``."""
    try:
        return _runner(container, operation, path, argument)()
    except LayerlabError:  # FsError included
        _rollback(saved)
        raise
    except Exception as err:  # a model bug must not leave a half-changed container either
        _rollback(saved)
        raise OperationError(_("{operation} {path} failed: {error}: {err}", operation=operation, path=path,
                                 error=type(err).__name__, err=err)) from err
