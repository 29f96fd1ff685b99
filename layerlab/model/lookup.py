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

from dataclasses import dataclass, field

from layerlab.i18n import _

from .container import Container, Mount
from .fs import Dir, Entry, ancestors
from .layer import Layer
from .overlay import WHITEOUT, FsError, Overlay

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
        return _("-init layer")
    return _("image layer {n}", n=index + 1)


def layer_key(container: Container, index: int) -> str:
    return "init" if index >= len(container.image.layers) else f"image:{index}"


def mount_label(mount: Mount) -> str:
    if mount.type == "volume" and mount.volume is not None:
        if mount.volume.anonymous:
            return _("anonymous volume {name}", name=mount.volume.name[:12])
        return _("volume {name}", name=mount.volume.name)
    if mount.type == "bind":
        return _("bind mount {source}", source=mount.source)
    if mount.type == "file":
        return _("engine file {name}", name=mount.source.rpartition("/")[2])
    return mount.type


def lookup(container: Container, path: str) -> Lookup:
    """Walk the container's layers for ``path`` (a final symlink is not followed)."""
    try:
        real = container.fs.resolve(path, follow=False)
    except FsError:
        real = path.strip("/")
    levels = _levels(container)
    mount, _unused = container.fs.mount_for(real)
    if mount is not None:
        return _served_by_mount(container, path, real, mount, levels)
    walk = _Walk(real)
    walk.upper_layer(container.rw, *levels[0])
    for (key, label), layer in zip(levels[1:], reversed(container.rw.layers)):
        walk.lower_layer(layer, key, label)
    return Lookup(path, "/" + real, tuple(walk.steps), walk.served)


def _levels(container: Container) -> list[tuple[str, str]]:
    """(key, label) of every layer a lookup may consult, top first: RW, -init, image layers."""
    return [("rw", _("RW layer (container)"))] + [
        (layer_key(container, i), layer_label(container, i))
        for i in reversed(range(len(container.rw.layers)))
    ]


def _served_by_mount(
    container: Container, path: str, real: str, mount: Mount, levels: list[tuple[str, str]]
) -> Lookup:
    """A path under a mount point: the mount serves it (or lacks it), no layer is looked at."""
    entry = _lstat(container, real)
    steps = [
        LookupStep(
            "mount",
            mount_label(mount),
            SERVES if entry is not None else NOT_HERE,
            _("mounted at {destination}", destination=mount.destination),
        )
    ]
    steps += [LookupStep(key, label, HIDDEN_BY_MOUNT) for key, label in levels]
    return Lookup(path, "/" + real, tuple(steps), entry)


def _lstat(container: Container, real: str) -> Entry | None:
    try:
        return container.fs.lstat("/" + real)
    except FsError:
        return None


@dataclass
class _Walk:
    """One top-down lookup in progress: the steps so far, the entry that serves, whether
    the search has stopped (a whiteout, an opaque directory, a non-directory)."""

    real: str
    steps: list[LookupStep] = field(default_factory=list)
    served: Entry | None = None
    stopped: bool = False

    def step(self, key: str, label: str, status: str, note: str = "", *, stop: bool = False) -> None:
        self.steps.append(LookupStep(key, label, status, note))
        self.stopped = self.stopped or stop

    def upper_layer(self, rw: Overlay, key: str, label: str) -> None:
        """The RW layer: it serves what was copied up or created, or hides what was deleted."""
        upper, parents = rw.upper, ancestors(self.real)
        here = upper.get(self.real)
        if any(upper.get(p) is WHITEOUT for p in parents):
            self.step(key, label, WHITEOUT_HERE, _("a parent directory is whited out"), stop=True)
        elif any(p in upper and not isinstance(upper[p], Dir) for p in parents):
            self.step(key, label, NOT_HERE, _("a parent is not a directory here: ENOTDIR"), stop=True)
        elif here is WHITEOUT:
            self.step(key, label, WHITEOUT_HERE, _("the file was deleted in this container"), stop=True)
        elif here is not None:
            self.served = here  # type: ignore[assignment]
            self.step(key, label, SERVES, _("copied up or created here"))
        else:
            self.step(key, label, NOT_HERE)
        mine = [self.real] if isinstance(self.served, Dir) else []
        opaque = [p for p in parents + mine if p in rw.opaque_dirs]
        if not self.stopped and opaque:
            if self.served is None:
                note = _("/{path} is opaque here: lower layers hidden", path=opaque[0])
                self.steps[-1] = LookupStep(key, label, NOT_HERE, note)
            self.stopped = True

    def lower_layer(self, layer: Layer, key: str, label: str) -> None:
        """One read-only layer: it serves, merges, hides what is below, or has nothing."""
        served, parents = self.served, ancestors(self.real)
        if self.stopped or (served is not None and not isinstance(served, Dir)):
            self.step(key, label, SKIPPED)
            return
        if self.real in layer.whiteouts or any(p in layer.whiteouts for p in parents):
            if served is None:
                self.step(key, label, WHITEOUT_HERE, _("a whiteout in this layer"), stop=True)
            else:
                self.step(key, label, NOT_HERE, _("a whiteout here: layers below add nothing"), stop=True)
            return
        if any(p in layer.entries and not isinstance(layer.entries[p], Dir) for p in parents):
            self.step(key, label, NOT_HERE, _("a parent is not a directory here"), stop=True)
            return
        entry = layer.entries.get(self.real)
        if entry is None:
            self.step(key, label, NOT_HERE)
        elif served is None:
            self.served = entry
            self.step(key, label, SERVES, _("the topmost layer that has it"))
        elif isinstance(entry, Dir):
            self.step(key, label, MERGED, _("its children show through"))
        else:
            self.step(key, label, NOT_HERE, _("a non-directory here, hidden by the directory above"), stop=True)
            return
        if any(p in layer.opaque for p in parents) or (
            self.real in layer.opaque and isinstance(self.served, Dir)
        ):
            if self.steps[-1].status == NOT_HERE:
                self.steps[-1] = LookupStep(key, label, OPAQUE_ABOVE, _("an opaque directory: lower layers hidden"))
            self.stopped = True
