"""Read images from ``docker save`` archives (legacy and OCI-in-tar) and OCI image layouts.

Every digest is verified: config bytes against their name, blobs against their
descriptors, uncompressed layers against the config's diff_ids. The config bytes are kept
as stored, so the image id is exactly the one the engine computed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layerlab.i18n import _
from layerlab.model.digest import check_digest, sha256_digest
from layerlab.model.errors import ArchiveError, DigestMismatch, LayerlabError
from layerlab.model.image import Image
from layerlab.model.oci import Descriptor, ImageTarget

from .blobs import DEFAULT_LIMITS, Limits, ReadLayer, read_layer_blob
from .oci_index import IndexedImage, IndexWalker
from .progress import byte_progress
from .store import BlobStore, check_name, open_store

_BLOB_NAME = re.compile(r"^blobs/sha256/([0-9a-f]{64})$")
_LEGACY_CONFIG = re.compile(r"^([0-9a-f]{64})\.json$")


@dataclass
class LayerInfo:
    """What the archive said about one layer blob."""

    path: str
    compression: str
    blob_digest: str
    blob_size: int


@dataclass
class ArchivedImage:
    """An image found in an archive, with the tags the archive gave it; ``target`` is what
    its ``index.json`` entry points to (an OCI archive; the containerd store's image id)."""

    image: Image
    tags: list[str] = field(default_factory=list)
    layer_info: list[LayerInfo] = field(default_factory=list)
    format: str = ""
    target: ImageTarget | None = None

    def __repr__(self) -> str:
        return f"<ArchivedImage {self.image.image_id[7:19]} tags={self.tags} format={self.format}>"


def read_archive(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: bool | None = None,
) -> list[ArchivedImage]:
    """Every image in a ``docker save`` tar, an OCI layout directory or an OCI layout tar."""
    store = open_store(Path(path))
    if store.exists("manifest.json"):
        return _Reader(store, limits, progress).docker_save()
    if store.exists("index.json"):
        return _Reader(store, limits, progress).oci_layout()
    raise ArchiveError(_(
        "{label}: neither a docker save archive (manifest.json) nor an OCI layout (index.json)", label=store.label
    ))


def load_image(path: str | Path, ref: str | int | None = None, **kwargs: Any) -> Image:
    """One image from an archive: the only one, or the one with tag ``ref`` or at index ``ref``."""
    return select(read_archive(path, **kwargs), ref).image


def select(images: list[ArchivedImage], ref: str | int | None) -> ArchivedImage:
    if not images:
        raise ArchiveError(_("the archive holds no image"))
    if ref is None:
        if len(images) > 1:
            names = ", ".join(t for a in images for t in a.tags) or _("{n} untagged images", n=len(images))
            raise LayerlabError(_("the archive holds {n} images ({names}); choose one", n=len(images), names=names))
        return images[0]
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and len(ref) < 6):
        index = int(ref)
        if not 0 <= index < len(images):
            raise LayerlabError(_("no image number {index}: the archive holds {n}", index=index, n=len(images)))
        return images[index]
    for archived in images:
        if ref in archived.tags or archived.image.image_id.removeprefix("sha256:").startswith(
            ref.removeprefix("sha256:")
        ):
            return archived
    tags = ", ".join(t for a in images for t in a.tags) or "none"
    raise LayerlabError(_("no image {ref!r} in the archive (tags: {tags})", ref=ref, tags=tags))


class _Reader:
    def __init__(self, store: BlobStore, limits: Limits, progress: bool | None) -> None:
        self.store, self.limits, self.progress = store, limits, progress
        self._layers: dict[tuple[str, str], ReadLayer] = {}

    # -- shared -------------------------------------------------------------------
    def _json(self, name: str, what: str) -> Any:
        data = self.store.read_small(name, self.limits.max_json_bytes)
        try:
            return json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ArchiveError(_("{label}: {what} ({name}) is not valid JSON: {err}", label=self.store.label, what=what, name=name, err=err)) from None

    def _image(self, config_name: str, layer_names: list[str], expect_config: str | None,
               expect_blobs: list[str | None], tick: Callable[[int], None]) -> tuple[Image, list[LayerInfo]]:
        config_bytes = self.store.read_small(config_name, self.limits.max_json_bytes)
        if expect_config is not None and sha256_digest(config_bytes) != expect_config:
            raise DigestMismatch(_(
                "{label}: config {name} hashes to {got}, expected {want}",
                label=self.store.label, name=config_name, got=sha256_digest(config_bytes), want=expect_config,
            ))
        try:
            diff_ids = json.loads(config_bytes)["rootfs"]["diff_ids"]
            diff_ids = [] if diff_ids is None else diff_ids  # no layer: BuildKit writes null
            assert isinstance(diff_ids, list)
        except Exception:  # noqa: BLE001 - any malformed config gets the same message
            raise ArchiveError(_("{label}: config {name} has no valid rootfs.diff_ids", label=self.store.label, name=config_name)) from None
        if len(diff_ids) != len(layer_names):
            raise ArchiveError(_(
                "{label}: config lists {diff_ids} diff_ids but the manifest lists {layers} layers",
                label=self.store.label, diff_ids=len(diff_ids), layers=len(layer_names),
            ))
        layers, info = [], []
        for i, (name, diff_id, blob) in enumerate(zip(layer_names, diff_ids, expect_blobs)):
            key = (name, str(diff_id))
            if key not in self._layers:
                self._layers[key] = read_layer_blob(
                    lambda name=name: self.store.open(name),
                    label=_("{label}: layer {i} ({name})", label=self.store.label, i=i, name=name),
                    limits=self.limits,
                    expect_diff_id=str(diff_id),
                    expect_blob_digest=blob,
                    tick=tick,
                )
            read = self._layers[key]
            layers.append(read.layer)
            info.append(LayerInfo(name, read.compression, read.blob_digest, read.blob_size))
        return Image(layers, config_bytes), info

    # -- docker save ------------------------------------------------------------
    def docker_save(self) -> list[ArchivedImage]:
        manifest = self._json("manifest.json", _("manifest"))
        if not isinstance(manifest, list) or not all(isinstance(m, dict) for m in manifest):
            raise ArchiveError(_("{label}: manifest.json is not a list of image entries", label=self.store.label))
        fmt = "docker-save-oci" if self.store.exists("index.json") else "docker-save"
        plans = []
        for n, entry in enumerate(manifest):
            config = check_name(entry.get("Config"), _("manifest.json entry {n} Config", n=n))
            layers = entry.get("Layers")
            if layers is None:  # an image with no layer (FROM scratch, config steps only): Engine 28 writes null
                layers = []
            if not isinstance(layers, list):
                raise ArchiveError(_("{label}: manifest.json entry {n} has no Layers list", label=self.store.label, n=n))
            layers = [check_name(p, _("manifest.json entry {n} layer", n=n)) for p in layers]
            tags = entry.get("RepoTags") or []
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise ArchiveError(_("{label}: manifest.json entry {n} RepoTags is not a list of names", label=self.store.label, n=n))
            plans.append((config, layers, tags))
        total = sum(self.store.size(p) for _unused, layers, _unused in plans for p in set(layers))
        indexed = {found.doc.get("config", {}).get("digest"): found for found in self._indexed()}
        out = []
        with byte_progress(total, _("reading {label}", label=self.store.label), self.progress) as tick:
            for config, layers, tags in plans:
                image, info = self._image(
                    config, layers, _named_digest(config), [_named_digest(p) for p in layers], tick
                )
                found = indexed.get(image.image_id)
                target = _target(found, image) if found is not None else None
                out.append(ArchivedImage(image, list(tags), info, fmt, target))
        return out

    def _indexed(self) -> list[IndexedImage]:
        """The images ``index.json`` names, if the archive has one (Engine 25+ saves)."""
        if not self.store.exists("index.json"):
            return []
        return self._walker().walk(self._json("index.json", _("index")))

    def _walker(self) -> IndexWalker:
        def read(digest: str) -> bytes:
            return self.store.read_small(_blob(digest), self.limits.max_json_bytes)

        return IndexWalker(read, self.store.label, self._descriptor)

    # -- OCI layout -------------------------------------------------------------
    def oci_layout(self) -> list[ArchivedImage]:
        if self.store.exists("oci-layout"):
            layout = self._json("oci-layout", "oci-layout")
            if not isinstance(layout, dict) or "imageLayoutVersion" not in layout:
                raise ArchiveError(_("{label}: oci-layout has no imageLayoutVersion", label=self.store.label))
        found = self._walker().walk(self._json("index.json", _("index")))
        plans = []
        for item in found:
            config = self._descriptor(item.doc.get("config"), _("manifest config"))
            layers = item.doc.get("layers")
            if not isinstance(layers, list):
                raise ArchiveError(_("{label}: image manifest has no layers list", label=self.store.label))
            plans.append((config, [self._descriptor(d, _("layer")) for d in layers], item))
        total = sum(self.store.size(_blob(d)) for _unused, layers, _unused in plans for d in set(layers))
        out = []
        with byte_progress(total, _("reading {label}", label=self.store.label), self.progress) as tick:
            for config, layers, item in plans:
                image, info = self._image(_blob(config), [_blob(d) for d in layers], config, list(layers), tick)
                out.append(ArchivedImage(image, item.tags, info, "oci-layout", _target(item, image)))
        return out

    def _descriptor(self, desc: Any, what: str) -> str:
        if not isinstance(desc, dict) or not isinstance(desc.get("digest"), str):
            raise ArchiveError(_("{label}: {what} descriptor has no digest", label=self.store.label, what=what))
        digest = desc["digest"]
        if not digest.startswith("sha256:"):
            raise ArchiveError(_("{label}: {what} digest {digest!r}: only sha256 is supported", label=self.store.label, what=what, digest=digest))
        try:
            check_digest(digest)
        except LayerlabError as err:
            raise ArchiveError(_("{label}: {what}: {err}", label=self.store.label, what=what, err=err)) from None
        size = desc.get("size")
        if isinstance(size, int) and self.store.exists(_blob(digest)) and self.store.size(_blob(digest)) != size:
            raise ArchiveError(_(
                "{label}: {what} blob {digest} is {actual} bytes, descriptor says {size}",
                label=self.store.label, what=what, digest=digest[:19], actual=self.store.size(_blob(digest)), size=size,
            ))
        return digest



def _target(found: IndexedImage, image: Image) -> ImageTarget:
    """What the archive's ``index.json`` entry points to, with every document read."""
    doc = found.doc
    config = Descriptor.from_json(doc["config"])
    layers = tuple(Descriptor.from_json(d) for d in doc.get("layers") or [])
    documents = {**found.documents, config.digest: image.config_bytes}
    return ImageTarget(found.top, found.manifest, config, layers, documents, tuple(found.attestation))


def _blob(digest: str) -> str:
    return "blobs/sha256/" + digest.removeprefix("sha256:")


def _named_digest(name: str) -> str | None:
    """The digest a docker-save path promises (``blobs/sha256/<hex>`` or ``<hex>.json``)."""
    match = _BLOB_NAME.match(name) or _LEGACY_CONFIG.match(name)
    return "sha256:" + match.group(1) if match else None
