"""The merged root filesystem: what a container sees when an image's layers are stacked."""

from __future__ import annotations

from collections.abc import Iterator

from layerlab.i18n import _

from .errors import InvalidPath
from .fs import Dir, Entry, File, Hardlink, ancestors, is_within, normalize_path, walk_key
from .layer import Layer


class Tree:
    """Layer paths mapped to entries, after applying layers bottom to top."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    @classmethod
    def from_layers(cls, layers: list[Layer] | tuple[Layer, ...]) -> Tree:
        tree = cls()
        for layer in layers:
            tree.apply(layer)
        return tree

    def apply(self, layer: Layer) -> None:
        """Apply a changeset as Docker's layer unpacker does.

        An opaque directory loses every child it had below; a whiteout removes a path and
        all under it; an added entry replaces what was there (a directory replaced by a
        non-directory takes its children with it; a directory over a directory merges).
        """
        for directory in layer.opaque:
            self._remove_below(directory)
        for path in layer.whiteouts:
            self._remove(path)
        for path, entry in layer.entries.items():
            old = self._entries.get(path)
            if isinstance(old, Dir) and not isinstance(entry, Dir):
                self._remove_below(path)
            for parent in ancestors(path):
                if not isinstance(self._entries.get(parent), Dir):
                    self._remove(parent)
                    self._entries[parent] = Dir()
            if isinstance(entry, Hardlink) and isinstance(self._entries.get(entry.target), File):
                entry = self._entries[entry.target]  # one inode, two names: share the File
            self._entries[path] = entry

    def _remove(self, path: str) -> None:
        if isinstance(self._entries.pop(path, None), Dir):
            self._remove_below(path)

    def _remove_below(self, directory: str) -> None:
        prefix = directory + "/"
        for path in [p for p in self._entries if p.startswith(prefix)]:
            del self._entries[path]

    # -- reading ------------------------------------------------------------------
    def __contains__(self, path: str) -> bool:
        return normalize_path(path) in self._entries

    def __getitem__(self, path: str) -> Entry:
        try:
            return self._entries[normalize_path(path)]
        except KeyError:
            raise InvalidPath(_("no such file or directory: /{path}", path=normalize_path(path))) from None

    def get(self, path: str) -> Entry | None:
        return self._entries.get(normalize_path(path))

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries, key=walk_key))

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> Iterator[tuple[str, Entry]]:
        for path in self:
            yield path, self._entries[path]

    def listdir(self, path: str = "/") -> list[str]:
        """Names directly inside a directory (``/`` for the root)."""
        base = "" if path.strip("/") == "" else normalize_path(path)
        if base and not isinstance(self._entries.get(base), Dir):
            raise InvalidPath(_("not a directory: /{path}", path=base))
        depth = 0 if not base else base.count("/") + 1
        return sorted(
            p.split("/")[depth]
            for p in self._entries
            if (not base or is_within(p, base)) and p != base and p.count("/") == depth
        )

    def read(self, path: str) -> bytes:
        """A regular file's bytes (through a hard link too)."""
        entry = self[path]
        if not isinstance(entry, File):
            raise InvalidPath(_("not a regular file: /{path}", path=normalize_path(path)))
        return entry.content.read()

    def files(self) -> list[File]:
        """The merged regular files, each inode once (hard links share one), in no set order:
        for sums over big trees, where sorting every path would cost more than the sum."""
        return list({id(entry): entry for entry in self._entries.values() if isinstance(entry, File)}.values())

    @property
    def size(self) -> int:
        """Bytes of the merged regular files (hard links once), counted as the engine counts."""
        return sum(entry.size for entry in self.files())

    def __repr__(self) -> str:
        return f"<Tree {len(self._entries)} entries, {self.size:,} bytes>"
