"""``docker save`` and ``docker load``: images to and from archives.

Like the engine, a host keeps its own copy of what it loads: layer contents are streamed
from the archive when needed, so the caller may delete or change the file afterwards.
The copies live in a private temporary directory removed with the host.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path

from layerlab.archive import ArchivedImage, read_archive
from layerlab.archive.engine_save import BlobSource, SavedImage, SaveFormat, save_archive
from layerlab.archive.store import open_store
from layerlab.model.oci import Descriptor
from layerlab.model.reference import full_ref

from .images import ImageStore
from .errors import HostError


class ArchiveCopies:
    """Private copies of loaded archives (files or OCI layouts), removed with this object.

    They also keep the layer blobs of what was loaded (an engine's gzip blobs, which
    layerlab cannot remake byte for byte), so ``docker save`` writes them back unchanged."""

    def __init__(self) -> None:
        self.directory: Path | None = None
        self.blobs: dict[str, Path] = {}  # layer blob digest -> the copy that holds it

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
        copy = self.keep(path)
        images = read_archive(copy)
        for archived in images:
            for desc in archived.target.layers if archived.target is not None else ():
                self.blobs.setdefault(desc.digest, copy)
        return images

    def blob(self, desc: Descriptor) -> Iterator[bytes] | None:
        """A loaded layer blob's original bytes, or None if no loaded archive had it."""
        copy = self.blobs.get(desc.digest)
        if copy is None:
            return None
        return _chunks(copy, "blobs/sha256/" + desc.digest.removeprefix("sha256:"))


def _chunks(copy: Path, name: str) -> Iterator[bytes]:
    with open_store(copy).open(name) as f:
        while chunk := f.read(1 << 20):
            yield chunk


def loaded_lines(archived: ArchivedImage, image_id: str | None = None) -> list[str]:
    """What ``docker load`` prints for one image: its tags, or its id (the store's: ``image_id``)."""
    if archived.tags:
        return [f"Loaded image: {tag}" for tag in archived.tags]
    return [f"Loaded image ID: {image_id or archived.image.image_id}"]


def save_images(store: ImageStore, refs: list[str], path: str | Path, format: SaveFormat,  # noqa: A002
                blob_source: BlobSource) -> Path:
    """``docker save REF...``: each image once, with the tags among ``refs`` that name it."""
    saved: dict[str, SavedImage] = {}
    for ref in refs:
        record = store.daemon_record(ref, ref)
        entry = saved.setdefault(record.image_id, SavedImage(record.image, [], record.target))
        if full_ref(ref) in store.tags:
            entry.tags.append(full_ref(ref))
    return save_archive(list(saved.values()), path, format=format, blob_source=blob_source)
