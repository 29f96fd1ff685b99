"""Collects nodes while a layout is generated; parents are made on the way."""

from __future__ import annotations

from layerlab.i18n import _, translate
from layerlab.model.fs import Dir, File, Hardlink, Symlink
from layerlab.model.layer import Layer
from layerlab.model.merged import MergedView, join

from .node import Node, NodeKind


class NodeSet:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    def add(
        self, path: str, kind: NodeKind, explanation: str, made_by: str, content: str | None = None
    ) -> None:
        """``explanation`` and ``made_by`` are English sentences marked for the catalogue
        (``N_``) or already translated (``_``): each is read in the learner's language."""
        parent = path.rsplit("/", 1)[0]
        if parent and parent not in self.nodes and parent.count("/") > 1:
            self.add(parent, "dir", _("a directory"), made_by)
        self.nodes[path] = Node(path, kind, translate(explanation), translate(made_by), content)

    def dir(self, path: str, explanation: str, made_by: str) -> None:
        self.add(path, "dir", explanation, made_by)

    def file(self, path: str, explanation: str, made_by: str, content: str | None = None) -> None:
        self.add(path, "file", explanation, made_by, content)

    def symlink(self, path: str, target: str, explanation: str, made_by: str) -> None:
        self.add(path, "symlink", explanation, made_by, target)

    def layer_files(
        self, base: str, layer: Layer, what: str, made_by: str, *, whiteouts_as_devices: bool = True
    ) -> None:
        """A changeset as a driver keeps it on disk under ``base``: whiteouts as character
        devices 0/0 with the deleted name, opaque directories marked by an xattr."""
        for path, entry in sorted(layer.entries.items()):
            full = f"{base}/{path}"
            opaque = (
                _(" Opaque (xattr trusted.overlay.opaque=y): hides everything below it in lower layers.")
                if path in layer.opaque
                else ""
            )
            if isinstance(entry, Dir):
                self.dir(full, _("a directory of {what}.{opaque}", what=what, opaque=opaque), made_by)
            elif isinstance(entry, Symlink):
                self.symlink(full, entry.target, _("a symlink of {what}", what=what), made_by)
            elif isinstance(entry, Hardlink):
                self.file(full, _("a hard link (same inode as /{target}) of {what}", target=entry.target, what=what), made_by)
            elif isinstance(entry, File):
                self.file(full, _("a file of {what} ({size} bytes)", what=what, size=entry.size), made_by)
            else:
                self.file(full, _("a special file of {what}", what=what), made_by)
        for path in sorted(layer.opaque):
            if path not in layer.entries:
                self.dir(
                    f"{base}/{path}",
                    _("an opaque directory of {what} (xattr trusted.overlay.opaque=y)", what=what),
                    made_by,
                )
        for path in sorted(layer.whiteouts):
            if whiteouts_as_devices:
                self.add(
                    f"{base}/{path}",
                    "whiteout",
                    _("a whiteout: character device 0/0 that hides /{path} of the layers below", path=path),
                    made_by,
                )

    def merged_view(self, base: str, view: MergedView, what: str, made_by: str) -> None:
        """A running container's mounted union under ``base``, as the host sees it: the
        image's files, the -init layer's and the container's own, each name once (mounts
        made inside the container, volumes or ``/proc``, are not seen from the host)."""
        todo = [""]
        while todo:
            path = todo.pop()
            for name in view.children(path):
                child = join(path, name)
                entry = view.entry(child)
                full = f"{base}/{child}"
                if isinstance(entry, Dir):
                    self.dir(full, _("a directory of {what}", what=what), made_by)
                    todo.append(child)
                elif isinstance(entry, Symlink):
                    self.symlink(full, entry.target, _("a symlink of {what}", what=what), made_by)
                elif entry is not None:
                    self.file(full, _("a file of {what}", what=what), made_by)
