"""``docker save`` and ``docker load``: images to and from archives.

Like the engine, a host keeps its own copy of what it loads: layer contents are streamed
from the archive when needed, so the caller may delete or change the file afterwards.
The copies live in a private temporary directory removed with the host.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path

from layerlab.archive import ArchivedImage, read_archive

from .errors import HostError


class ArchiveCopies:
    """Private copies of loaded archives (files or OCI layouts), removed with this object."""

    def __init__(self) -> None:
        self.directory: Path | None = None

    def keep(self, path: Path) -> Path:
        """A copy of ``path`` that stays as it is now, whatever happens to ``path``."""
        if not path.exists():
            raise HostError(f"docker load: {path}: no such file or directory")
        if self.directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="layerlab-loaded-"))
            weakref.finalize(self, shutil.rmtree, self.directory, ignore_errors=True)
        copy = self.directory / f"{len(list(self.directory.iterdir()))}-{path.name}"
        if path.is_dir():
            shutil.copytree(path, copy, symlinks=True)
        else:
            shutil.copyfile(path, copy)
        return copy

    def read(self, path: Path) -> list[ArchivedImage]:
        """The images of an archive, read from a kept copy."""
        return read_archive(self.keep(path))


def loaded_lines(archived: ArchivedImage) -> list[str]:
    """What ``docker load`` prints for one image: its tags, or its id when it has none."""
    if archived.tags:
        return [f"Loaded image: {tag}" for tag in archived.tags]
    return [f"Loaded image ID: {archived.image.image_id}"]
