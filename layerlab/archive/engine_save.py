"""``docker save`` as each engine writes it, member for member.

- ``docker-archive`` (Engine 20.10): ``<v1 id>/{VERSION,json,layer.tar}`` per layer (v1
  ids: :mod:`layerlab.model.v1image`), ``<config digest>.json``, ``manifest.json`` and
  ``repositories`` (tag -> the top layer's v1 id);
- ``oci+docker-archive`` (Engine 25+, classic store): an OCI layout (``oci-layout`` with a
  space, ``index.json`` naming one compact OCI manifest per tag, layers as *uncompressed*
  tars named by diff id, the v1 ``json`` documents left in ``blobs/``) plus ``manifest.json``
  with ``LayerSources`` and ``repositories`` (tag -> the top layer's diff id);
- ``oci`` (the containerd store): the blobs the image's name points to, as stored:
  ``index.json`` -> the image's index (its id) -> platform manifest + attestation, gzip
  layers, files read-only, plus a ``manifest.json`` without ``LayerSources``.

Every member is dated 1970-01-01 (layerlab has no clock to copy); the engine dates some
members with the image's time. Layer bytes are exact for uncompressed tars; a gzip blob
is layerlab's own compression (:mod:`layerlab.model.compression`) unless the caller can
hand back the original blob (``blob_source``: a loaded archive's).
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from layerlab.i18n import _
from layerlab.model.compression import gzip_blob, gzip_chunks
from layerlab.model.digest import sha256_digest
from layerlab.model.errors import LayerlabError
from layerlab.model.gojson import go_json_bytes
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.oci import (
    GZIP_LAYER_TYPES,
    OCI_INDEX,
    OCI_LAYER,
    Descriptor,
    ImageTarget,
    config_descriptor,
    layer_descriptor,
    manifest,
)
from layerlab.model.reference import full_ref
from layerlab.model.v1image import v1_layers

from .blobs import ChunkStream
from .progress import byte_progress
from .staging import staged_file

SaveFormat = Literal["docker-archive", "oci+docker-archive", "oci"]
SAVE_FORMATS: tuple[str, ...] = ("docker-archive", "oci+docker-archive", "oci")
#: the original bytes of a blob layerlab cannot make itself (None: not known)
BlobSource = Callable[[Descriptor], Iterator[bytes] | None]


@dataclass
class SavedImage:
    """One image to save: its layers and config, its tags, and (containerd store) its target."""

    image: Image
    tags: list[str] = field(default_factory=list)
    target: ImageTarget | None = None


class _Writer:
    """Members of one archive, each once, with the engine's modes."""

    def __init__(self, tar: tarfile.TarFile, tick: Callable[[int], None], blob_mode: int) -> None:
        self.tar, self.tick, self.blob_mode, self.seen = tar, tick, blob_mode, set[str]()

    def dir(self, name: str) -> None:
        info = tarfile.TarInfo(name)
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        self.tar.addfile(info)

    def file(self, name: str, size: int, chunks: Iterator[bytes] | bytes, mode: int = 0o644) -> None:
        if name in self.seen:
            return
        self.seen.add(name)
        info = tarfile.TarInfo(name)
        info.size, info.mode = size, mode
        source = iter((chunks,)) if isinstance(chunks, bytes) else chunks
        stream = io.BufferedReader(ChunkStream(self._ticking(source)), 1 << 20)
        self.tar.addfile(info, stream)  # type: ignore[arg-type]

    def blob(self, digest: str, size: int, chunks: Iterator[bytes] | bytes) -> None:
        self.file(f"blobs/sha256/{digest.removeprefix('sha256:')}", size, chunks, self.blob_mode)

    def _ticking(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.tick(len(chunk))
            yield chunk


def save_archive(images: Sequence[SavedImage], path: str | Path, *, format: SaveFormat,  # noqa: A002
                 blob_source: BlobSource | None = None, progress: bool | None = None) -> Path:
    """Write ``images`` as one engine's ``docker save`` (the module doc); the file appears
    only when complete."""
    if format not in SAVE_FORMATS:
        raise LayerlabError(_("unknown save format {format!r} (supported: {supported})", format=format, supported=", ".join(SAVE_FORMATS)))
    if not images:
        raise LayerlabError(_("nothing to save: no images given"))
    if format == "oci" and any(s.target is None for s in images):
        raise LayerlabError(_("the containerd store's save needs each image's target (index or manifest)"))
    path = Path(path)
    total = sum(layer.tar_size for s in images for layer in s.image.layers)
    with staged_file(path) as f, tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT) as tar:
        with byte_progress(total, _("writing {name}", name=path.name), progress) as tick:
            writer = _Writer(tar, tick, 0o444 if format == "oci" else 0o644)
            if format == "docker-archive":
                _legacy(writer, images)
            else:
                _oci(writer, images, format, blob_source)
    return path


def _legacy(out: _Writer, images: Sequence[SavedImage]) -> None:
    """Engine 20.10: v1 layer directories, configs, manifest.json, repositories."""
    manifest_rows, repositories = [], {}
    for saved in images:
        v1 = v1_layers(saved.image)
        for (v1_id, doc), layer in zip(v1, saved.image.layers):
            if f"{v1_id}/VERSION" in out.seen:
                continue
            out.dir(f"{v1_id}/")
            out.file(f"{v1_id}/VERSION", 3, b"1.0")
            out.file(f"{v1_id}/json", len(doc.encode()), doc.encode())
            out.file(f"{v1_id}/layer.tar", layer.tar_size, layer.tar_chunks())
        config = saved.image.image_id.removeprefix("sha256:") + ".json"
        out.file(config, len(saved.image.config_bytes), saved.image.config_bytes)
        tags = [full_ref(t) for t in saved.tags]
        manifest_rows.append({"Config": config, "RepoTags": tags or None,
                              "Layers": [f"{v1_id}/layer.tar" for v1_id, _unused in v1]})
        for tag in tags:
            repo, _unused, name = tag.rpartition(":")
            repositories.setdefault(repo, {})[name] = v1[-1][0]
    _json_member(out, "manifest.json", manifest_rows, newline=True)
    if repositories:
        _json_member(out, "repositories", _sorted(repositories), newline=True)


def _oci(out: _Writer, images: Sequence[SavedImage], format: SaveFormat,  # noqa: A002
         blob_source: BlobSource | None) -> None:
    """Engine 25+: an OCI layout and a manifest.json (classic store: the legacy bits too)."""
    classic = format != "oci"
    out.dir("blobs/")
    out.dir("blobs/sha256/")
    blobs: dict[str, tuple[int, Callable[[], Iterator[bytes] | bytes]]] = {}
    index, manifest_rows, repositories = [], [], {}
    for saved in images:
        target = saved.target if not classic else _classic_target(saved.image)
        assert target is not None
        if classic:  # Engine 25+ still writes the v1 documents, named by their digest
            for _unused, doc in v1_layers(saved.image):
                data = doc.encode()
                blobs[sha256_digest(data)] = (len(data), lambda data=data: data)
        for desc in target.blobs():
            if desc.digest in target.documents:
                data = target.document(desc.digest)
                blobs[desc.digest] = (len(data), lambda data=data: data)
        for desc, layer in zip(target.layers, saved.image.layers):
            blobs.setdefault(desc.digest, (desc.size, lambda d=desc, l=layer: _layer_bytes(d, l, blob_source)))
        tags = [full_ref(t) for t in saved.tags]
        for tag in tags or [None]:
            entry = target.target.to_json()
            if tag:
                entry["annotations"] = {"io.containerd.image.name": _docker_io(tag),
                                        "org.opencontainers.image.ref.name": tag.rpartition(":")[2]}
            index.append(entry)
        row: dict[str, object] = {"Config": f"blobs/sha256/{target.config.digest[7:]}", "RepoTags": tags or None,
                                  "Layers": [f"blobs/sha256/{d.digest[7:]}" for d in target.layers]}
        if classic:
            row["LayerSources"] = {d.digest: {"mediaType": d.media_type, "size": d.size, "digest": d.digest}
                                   for d in sorted(target.layers, key=lambda d: d.digest)}
            for tag in tags:
                repo, _unused, name = tag.rpartition(":")
                repositories.setdefault(repo, {})[name] = saved.image.diff_ids[-1].removeprefix("sha256:")
        manifest_rows.append(row)
    for digest in sorted(blobs):
        size, chunks = blobs[digest]
        out.blob(digest, size, chunks())
    _json_member(out, "index.json", {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": index})
    _json_member(out, "manifest.json", manifest_rows, newline=classic)
    layout = b'{"imageLayoutVersion": "1.0.0"}' if classic else b'{"imageLayoutVersion":"1.0.0"}'
    out.file("oci-layout", len(layout), layout, out.blob_mode)
    if repositories:
        _json_member(out, "repositories", _sorted(repositories), newline=True)


def _classic_target(image: Image) -> ImageTarget:
    """What a classic store's save names: one compact OCI manifest over the uncompressed tars."""
    layers = [layer_descriptor(layer, OCI_LAYER) for layer in image.layers]
    config = config_descriptor(image)
    doc = manifest(config, layers, indent=None)
    return ImageTarget(doc.descriptor, doc.descriptor, config, tuple(layers),
                       {doc.descriptor.digest: doc.data, config.digest: image.config_bytes})


def _layer_bytes(desc: Descriptor, layer: Layer, blob_source: BlobSource | None) -> Iterator[bytes]:
    """A layer blob's bytes: the tar, layerlab's gzip of it, or the original (``blob_source``)."""
    if desc.digest == layer.diff_id:
        return layer.tar_chunks()
    if desc.media_type in GZIP_LAYER_TYPES and gzip_blob(layer).digest == desc.digest:
        return gzip_chunks(layer)
    found = blob_source(desc) if blob_source is not None else None
    if found is None:
        raise LayerlabError(_("docker save: the blob {digest}… of a layer is not here any more", digest=desc.digest[:19]))
    return found


def _json_member(out: _Writer, name: str, value: object, *, newline: bool = False) -> None:
    """A JSON member; moby's tar exporter ends its own (manifest.json, repositories) with a newline."""
    data = go_json_bytes(value) + (b"\n" if newline else b"")
    out.file(name, len(data), data)


def _sorted(repositories: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {repo: dict(sorted(tags.items())) for repo, tags in sorted(repositories.items())}


def _docker_io(tag: str) -> str:
    first = tag.split("/", 1)[0]
    if "/" in tag and ("." in first or ":" in first or first == "localhost"):
        return tag
    return "docker.io/" + (tag if "/" in tag else "library/" + tag)
