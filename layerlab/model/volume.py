"""Volumes: storage that lives outside every container's RW layer.

A ``Volume`` keeps its data in an :class:`~layerlab.model.overlay.Overlay` with no lower layers
(a plain writable directory tree). What the engine does with it (checked against Docker
Engine 20.10):

- a named volume (``-v name:/path``) survives ``docker rm`` and ``docker rm -v``; only
  ``docker volume rm`` or ``docker volume prune`` remove it (on 20.10 prune removes every
  unused volume, named ones too);
- an anonymous volume (``-v /path``, a random 64-hex name) survives ``docker rm`` but goes
  with ``docker rm -v`` and with ``run --rm``;
- an empty volume mounted over a path that has content in the image is populated with a
  copy of that content on first mount; a non-empty volume hides the image's content.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .fs import Dir, File
from .overlay import Overlay


@dataclass(eq=False)
class Volume:
    """A volume: a name, whether Docker made the name up, and its data."""

    name: str
    anonymous: bool = False
    driver: str = "local"
    data: Overlay = field(default_factory=Overlay)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.data.listdir("/")

    def size(self) -> int:
        """Bytes of its files (hard links once) and symlinks, as ``system df`` counts them."""
        return self.data.upper_size()

    def populate_from(self, source: Overlay, path: str) -> int:
        """Copy what ``source`` holds under ``path`` into this (empty) volume, entries keeping
        their mode, owner and mtime (files as new inodes); returns how many were copied."""
        copied = 0
        base = path.strip("/")
        todo = [base]
        while todo:
            current = todo.pop()
            for name in source.listdir("/" + current):
                child = f"{current}/{name}" if current else name
                rel = child[len(base):].lstrip("/")
                entry = source.lstat("/" + child)
                if isinstance(entry, Dir):
                    todo.append(child)
                if isinstance(entry, File):
                    self.data.place(rel, replace(entry))  # a copy: a new inode
                elif entry is not None:
                    self.data.place(rel, entry)
                copied += 1
        return copied

    def inspect(self) -> dict[str, object]:
        return {"CreatedAt": "", "Driver": self.driver, "Labels": self.labels or None,
                "Mountpoint": f"/var/lib/docker/volumes/{self.name}/_data", "Name": self.name,
                "Options": None, "Scope": "local"}

    def __repr__(self) -> str:
        kind = "anonymous" if self.anonymous else "named"
        return f"<Volume {self.name[:12] if self.anonymous else self.name} ({kind}) {self.size()} bytes>"
