"""The build context: the files a ``docker build`` sends, after ``.dockerignore``."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from layerlab.i18n import _
from layerlab.model.content import BytesContent, Content, LazyContent
from layerlab.model.errors import LayerlabError
from layerlab.model.fs import Dir, Entry, File, Symlink, ancestors, normalize_path, walk_key

from .dockerignore import DockerIgnore


class ContextError(LayerlabError):
    """A COPY/ADD source that is missing or outside the context."""


class BuildContext:
    """Context-relative paths mapped to entries (files read lazily from disk)."""

    def __init__(self, entries: Mapping[str, Entry], dockerfile: str | None = None, *,
                 root: str | None = None) -> None:
        self.entries = dict(sorted(entries.items(), key=lambda kv: walk_key(kv[0])))
        self.dockerfile = dockerfile
        #: the directory it was read from (BuildKit keeps one set of local sources per directory)
        self.root = root

    @classmethod
    def from_dir(cls, root: str | Path, dockerfile: str = "Dockerfile") -> BuildContext:
        root = Path(root)
        if not root.is_dir():
            raise ContextError(_("build context {root} is not a directory", root=root))
        ignore = DockerIgnore.from_context(root)
        entries: dict[str, Entry] = {}
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                if ignore.is_excluded(rel):
                    continue
                st = full.lstat()
                mode = stat.S_IMODE(st.st_mode)
                if stat.S_ISLNK(st.st_mode):
                    entries[rel] = Symlink(target=os.readlink(full))
                elif stat.S_ISDIR(st.st_mode):
                    entries[rel] = Dir(mode=mode)
                elif stat.S_ISREG(st.st_mode):
                    entries[rel] = File(content=_disk_content(full, st.st_size), mode=mode, real_mtime=st.st_mtime_ns)
        dockerfile_path = root / dockerfile
        text = dockerfile_path.read_text() if dockerfile_path.is_file() else None
        return cls(entries, text, root=str(root.resolve()))

    @classmethod
    def from_files(cls, files: Mapping[str, bytes | str | Entry], dockerfile: str | None = None) -> BuildContext:
        """An in-memory context (notebooks, tests): ``{"app.py": "print(1)"}``."""
        entries: dict[str, Entry] = {}
        for path, value in files.items():
            path = normalize_path(path)
            entries[path] = value if isinstance(value, Entry) else File(content=BytesContent(value))
            for parent in ancestors(path):
                entries.setdefault(parent, Dir())
        if dockerfile is None and "Dockerfile" in entries:
            entry = entries["Dockerfile"]
            dockerfile = entry.content.read().decode() if isinstance(entry, File) else None
        ignore_file = entries.get(".dockerignore")
        if isinstance(ignore_file, File):
            ignore = DockerIgnore.parse(ignore_file.content.read().decode())
            entries = {p: e for p, e in entries.items() if not ignore.is_excluded(p)}
        return cls(entries, dockerfile)

    def match(self, pattern: str) -> list[str]:
        """Context paths a COPY source names (a path or a glob), refusing ``..`` escapes."""
        import fnmatch

        clean = pattern.strip("/")
        if clean in ("", "."):
            return [""]
        parts = [p for p in clean.split("/") if p not in ("", ".")]
        if ".." in parts:
            raise ContextError(_("COPY source {pattern!r} is outside the build context", pattern=pattern))
        clean = "/".join(parts)
        if any(ch in clean for ch in "*?["):
            depth = clean.count("/")
            return [p for p in self.entries if p.count("/") == depth and fnmatch.fnmatchcase(p, clean)]
        return [clean] if clean in self.entries else []

    def below(self, directory: str) -> list[str]:
        prefix = directory + "/" if directory else ""
        return [p for p in self.entries if p.startswith(prefix) and p != directory]

    def checksum(self, paths: list[str]) -> str:
        """BuildKit's idea of 'the same sources': names, types, modes, link targets and bytes,
        never modification times (``touch`` keeps a COPY cached, ``chmod`` does not)."""
        h = hashlib.sha256()
        for top in paths:
            for path in [top, *self.below(top)] if top == "" or isinstance(self.entries.get(top), Dir) else [top]:
                if path == "":
                    continue
                entry = self.entries[path]
                h.update(f"{path}\0{entry.kind}\0{entry.mode:o}\0{entry.uid}\0{entry.gid}\0".encode())
                if isinstance(entry, File):
                    h.update(entry.content.sha256.encode())
                elif isinstance(entry, Symlink):
                    h.update(entry.target.encode())
        return "sha256:" + h.hexdigest()


def _disk_content(path: Path, size: int) -> Content:
    if size <= 1 << 20:
        return BytesContent(path.read_bytes())

    def chunks():  # type: ignore[no-untyped-def]
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                yield chunk

    return LazyContent(size, chunks, label=str(path))
