"""One entry of the data root: what it is, what it holds, and which command made it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NodeKind = Literal["dir", "file", "symlink", "whiteout", "device"]


@dataclass(frozen=True)
class Node:
    """``path`` is absolute (``/var/lib/docker/...``); ``content`` is the file's text where
    it teaches something (a symlink's target for ``symlink``), else None; ``whiteout`` is
    overlay2's on-disk form of a deleted path (a character device 0/0)."""

    path: str
    kind: NodeKind
    explanation: str
    made_by: str
    content: str | None = None

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def parent(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[0] or "/"

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"
