"""What one command changed in the data root: paths added, removed, and files whose
content changed (for highlighting the difference between two snapshots)."""

from __future__ import annotations

from dataclasses import dataclass

from layerlab.i18n import _


@dataclass(frozen=True)
class RootDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def status(self, path: str) -> str | None:
        """``"added"``, ``"removed"``, ``"changed"`` or None for one path."""
        for name in ("added", "removed", "changed"):
            if path in getattr(self, name):
                return name
        return None

    def summary(self) -> str:
        return _("{added} added, {removed} removed, {changed} changed",
                 added=len(self.added), removed=len(self.removed), changed=len(self.changed))
