"""Which layer serves a path in a container, and which layers were looked at on the way.

Overlayfs looks a name up top-down: the upper (RW) layer, then each lower layer from the
top. The first layer that has the name serves it; a whiteout stops the search (the file
is gone); an opaque directory above the name stops it after that layer. A directory
served by one layer still merges the same directory of the layers below (their children
show too). A path at or under a mount point never reaches the layers at all: the mount
serves it. This walk is a report of what :class:`~layerlab.model.overlay.Overlay` decides, and
the tests check that the layer it names is the one ``Overlay.source_of`` names.
"""

from __future__ import annotations

from dataclasses import dataclass

from .container import Container, Mount
from .fs import Dir, Entry, ancestors
from .overlay import WHITEOUT, FsError

#: What happened at one layer during a lookup.
SERVES = "serves"  # the entry comes from here
MERGED = "merged"  # a directory below the serving one: its children show through
NOT_HERE = "not here"  # looked at, nothing of that name
WHITEOUT_HERE = "whiteout"  # a whiteout (of the path or a parent): the search stops, ENOENT
OPAQUE_ABOVE = "opaque"  # an opaque parent here: nothing below is looked at
SKIPPED = "not looked at"  # below the layer that served a non-directory, or below a stop
HIDDEN_BY_MOUNT = "hidden by a mount"


@dataclass(frozen=True)
class LookupStep:
    """One layer (or mount) in the order the kernel consults them."""

    key: str  # "mount", "rw", "init", "image:<n>" (n = 0 for the bottom layer)
    label: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class Lookup:
    path: str  # as asked
    real: str  # after following symlinks in the parents, "/..." form
    steps: tuple[LookupStep, ...]
    entry: Entry | None

    @property
    def served_by(self) -> LookupStep | None:
        return next((s for s in self.steps if s.status == SERVES), None)


def layer_label(container: Container, index: int) -> str:
    """The name of ``container.rw.layers[index]``: an image layer (1 = bottom) or -init."""
    if index >= len(container.image.layers):
        return "-init layer"
    return f"image layer {index + 1}"


def layer_key(container: Container, index: int) -> str:
    return "init" if index >= len(container.image.layers) else f"image:{index}"


def mount_label(mount: Mount) -> str:
    if mount.type == "volume" and mount.volume is not None:
        kind = "anonymous volume" if mount.volume.anonymous else "volume"
        name = mount.volume.name[:12] if mount.volume.anonymous else mount.volume.name
        return f"{kind} {name}"
    if mount.type == "bind":
        return f"bind mount {mount.source}"
    if mount.type == "file":
        return f"engine file {mount.source.rpartition('/')[2]}"
    return mount.type


def lookup(container: Container, path: str) -> Lookup:
    """Walk the container's layers for ``path`` (a final symlink is not followed)."""
    fs = container.fs
    try:
        real = fs.resolve(path, follow=False)
    except FsError:
        real = path.strip("/")
    mount, _ = fs._mount_for(real)  # noqa: SLF001 - same package
    rw = container.rw
    levels = [("rw", "RW layer (container)")] + [
        (layer_key(container, i), layer_label(container, i))
        for i in reversed(range(len(rw.layers)))
    ]
    if mount is not None:
        entry = fs.lstat("/" + real) if _exists(fs, real) else None
        steps = [
            LookupStep(
                "mount",
                mount_label(mount),
                SERVES if entry is not None else NOT_HERE,
                f"mounted at {mount.destination}",
            )
        ]
        steps += [LookupStep(key, label, HIDDEN_BY_MOUNT) for key, label in levels]
        return Lookup(path, "/" + real, tuple(steps), entry)

    steps: list[LookupStep] = []
    served: Entry | None = None
    stopped = False
    parents = ancestors(real)
    # the upper layer
    upper = rw._upper  # noqa: SLF001
    key, label = levels[0]
    up = upper.get(real)
    if any(upper.get(p) is WHITEOUT for p in parents):
        steps.append(LookupStep(key, label, WHITEOUT_HERE, "a parent directory is whited out"))
        stopped = True
    elif any(p in upper and not isinstance(upper[p], Dir) for p in parents):
        steps.append(LookupStep(key, label, NOT_HERE, "a parent is not a directory here: ENOTDIR"))
        stopped = True
    elif up is WHITEOUT:
        steps.append(
            LookupStep(key, label, WHITEOUT_HERE, "the file was deleted in this container")
        )
        stopped = True
    elif up is not None:
        served = up  # type: ignore[assignment]
        steps.append(LookupStep(key, label, SERVES, "copied up or created here"))
    else:
        steps.append(LookupStep(key, label, NOT_HERE))
    opaque = [p for p in parents + ([real] if isinstance(served, Dir) else []) if p in rw._opaque]  # noqa: SLF001
    if not stopped and opaque:
        if served is None:
            steps[-1] = LookupStep(
                key, label, NOT_HERE, f"/{opaque[0]} is opaque here: lower layers hidden"
            )
        stopped = True
    # the lower layers, top first
    for (key, label), index in zip(levels[1:], reversed(range(len(rw.layers)))):
        if stopped or (served is not None and not isinstance(served, Dir)):
            steps.append(LookupStep(key, label, SKIPPED))
            continue
        layer = rw.layers[index]
        entries = layer.entries
        if real in layer.whiteouts or any(p in layer.whiteouts for p in parents):
            if served is None:
                steps.append(LookupStep(key, label, WHITEOUT_HERE, "a whiteout in this layer"))
            else:
                steps.append(
                    LookupStep(key, label, NOT_HERE, "a whiteout here: layers below add nothing")
                )
            stopped = True
            continue
        if any(p in entries and not isinstance(entries[p], Dir) for p in parents):
            steps.append(LookupStep(key, label, NOT_HERE, "a parent is not a directory here"))
            stopped = True
            continue
        entry = entries.get(real)
        if entry is None:
            steps.append(LookupStep(key, label, NOT_HERE))
        elif served is None:
            served = entry
            steps.append(LookupStep(key, label, SERVES, "the topmost layer that has it"))
        elif isinstance(entry, Dir):
            steps.append(LookupStep(key, label, MERGED, "its children show through"))
        else:
            steps.append(
                LookupStep(
                    key, label, NOT_HERE, "a non-directory here, hidden by the directory above"
                )
            )
            stopped = True
            continue
        if any(p in layer.opaque for p in parents) or (
            real in layer.opaque and isinstance(served, Dir)
        ):
            if steps[-1].status == NOT_HERE:
                steps[-1] = LookupStep(
                    key, label, OPAQUE_ABOVE, "an opaque directory: lower layers hidden"
                )
            stopped = True
    return Lookup(path, "/" + real, tuple(steps), served)


def _exists(fs: object, real: str) -> bool:
    try:
        return fs.lstat("/" + real) is not None  # type: ignore[attr-defined]
    except FsError:
        return False
