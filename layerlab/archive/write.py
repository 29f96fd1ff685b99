"""Write images as a ``docker save`` archive (what ``docker load`` reads) or an OCI layout.

Files appear only when complete: everything is written to a temporary name beside the
target and renamed into place at the end, so an error leaves nothing half-written.
"""

from __future__ import annotations

import gzip
import json
import os
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from layerlab.i18n import _
from layerlab.model.digest import Sha256Writer
from layerlab.model.errors import LayerlabError
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.reference import full_ref

from .engine_save import SavedImage, save_archive
from .progress import byte_progress
from .staging import staged_dir, staged_file

TaggedImages = Mapping[str, Image] | Sequence[Image] | Image


def _normalise(images: TaggedImages) -> list[tuple[Image, list[str]]]:
    """``{tag: image}``, ``[image, ...]`` or one image -> [(image, tags)], one row per image."""
    if isinstance(images, Image):
        return [(images, [])]
    rows: dict[str, tuple[Image, list[str]]] = {}
    if isinstance(images, Mapping):
        for tag, image in images.items():
            rows.setdefault(image.image_id, (image, []))[1].append(full_ref(tag))
    else:
        for image in images:
            rows.setdefault(image.image_id, (image, []))
    if not rows:
        raise LayerlabError(_("nothing to save: no images given"))
    return list(rows.values())


def save_docker_archive(images: TaggedImages, path: str | Path, *, progress: bool | None = None) -> Path:
    """A ``docker save`` archive as Engine 20.10 writes it (``manifest.json``, ``repositories``,
    ``<v1 id>/{VERSION,json,layer.tar}``: :mod:`.engine_save`).

    Engines of every version load it; the image id and diff_ids stay the same because the
    config bytes and layer tars are written exactly.
    """
    rows = [SavedImage(image, tags) for image, tags in _normalise(images)]
    return save_archive(rows, path, format="docker-archive", progress=progress)


def save_oci_layout(
    images: TaggedImages,
    path: str | Path,
    *,
    compression: str = "none",
    progress: bool | None = None,
) -> Path:
    """An OCI image layout: a directory, or a tar of one when ``path`` ends in ``.tar``."""
    if compression not in ("none", "gzip"):
        raise LayerlabError(_("compression {compression!r} not supported (use 'none' or 'gzip')", compression=compression))
    rows = _normalise(images)
    path = Path(path)
    if path.exists() and not (path.is_dir() and not any(path.iterdir())):
        raise LayerlabError(_("{path} already exists; choose a new path", path=path))
    if path.suffix != ".tar":
        with staged_dir(path, f".{path.name}.") as work:
            _write_layout(rows, work, compression, progress)
        return path
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as tmp:
        work = Path(tmp)
        _write_layout(rows, work, compression, progress)
        with staged_file(path) as f, tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name in ("oci-layout", "index.json"):
                tar.add(work / name, name)
            tar.add(work / "blobs", "blobs")
    return path


def _write_layout(rows: list[tuple[Image, list[str]]], root: Path, compression: str, progress: bool | None) -> None:
    blobs = root / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def put(data: bytes) -> dict[str, object]:
        sink = Sha256Writer()
        sink.write(data)
        (blobs / sink.digest[7:]).write_bytes(data)
        return {"digest": sink.digest, "size": sink.size}

    layer_media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compression == "gzip" else "")
    written: dict[str, dict[str, object]] = {}
    total = sum(l.tar_size for image, _unused in rows for l in image.layers)
    index = []
    with byte_progress(total, _("writing {name}", name=root.name), progress) as tick:
        for image, tags in rows:
            layer_descs = []
            for layer in image.layers:
                if layer.diff_id not in written:
                    written[layer.diff_id] = _put_layer(layer, blobs, compression, tick)
                layer_descs.append({"mediaType": layer_media, **written[layer.diff_id]})
            config = {"mediaType": "application/vnd.oci.image.config.v1+json", **put(image.config_bytes)}
            manifest = {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config,
                "layers": layer_descs,
            }
            desc = {"mediaType": manifest["mediaType"], **put(json.dumps(manifest, separators=(",", ":")).encode())}
            for tag in tags or [None]:
                entry = dict(desc)
                if tag:
                    entry["annotations"] = {
                        "io.containerd.image.name": _docker_io(tag),
                        "org.opencontainers.image.ref.name": tag.rpartition(":")[2],
                    }
                index.append(entry)
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": index}, separators=(",", ":")))
    (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')


def _docker_io(tag: str) -> str:
    first = tag.split("/", 1)[0]
    if "/" in tag and ("." in first or ":" in first or first == "localhost"):
        return tag
    return "docker.io/" + (tag if "/" in tag else "library/" + tag)


class _HashingFile:
    """Writes through to a file while hashing: a blob's name is its digest."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.sink = f, Sha256Writer()

    def write(self, data: bytes) -> int:
        self.sink.write(data)
        return self.f.write(data)

    def flush(self) -> None:
        self.f.flush()


def _put_layer(layer: Layer, blobs: Path, compression: str, tick) -> dict[str, object]:  # type: ignore[no-untyped-def]
    fd, tmp = tempfile.mkstemp(dir=blobs, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            out = _HashingFile(f)
            target = gzip.GzipFile(fileobj=out, mode="wb", mtime=0) if compression == "gzip" else out  # type: ignore[arg-type]
            for chunk in layer.tar_chunks():
                target.write(chunk)
                tick(len(chunk))
            if target is not out:
                target.close()
        os.replace(tmp, blobs / out.sink.digest[7:])
    except BaseException:
        os.unlink(tmp)
        raise
    return {"digest": out.sink.digest, "size": out.sink.size}
