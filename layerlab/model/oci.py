"""OCI descriptors, image manifests and indexes: what the containerd image store names an image by.

In the classic store an image is its config, and the config's digest is the image id. In
the containerd image store an image is a *name pointing to a descriptor*: an image index
(what BuildKit writes: the platform manifest plus a provenance attestation) or a single
manifest (``--provenance=false``, ``docker load`` of a legacy archive), and that
descriptor's digest is the image id ``docker images`` shows. :class:`ImageTarget` holds
the descriptor and every blob under it; its digest is exact for the bytes it holds.

Documents are written as the engine writes them: BuildKit's manifests and indexes with
``json.MarshalIndent`` (two spaces), configs and statements compact; Go's field order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .compression import gzip_blob
from .digest import sha256_digest
from .gojson import go_json_bytes
from .image import Image
from .layer import Layer

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = OCI_LAYER + "+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar"
DOCKER_LAYER_GZIP = DOCKER_LAYER + ".gzip"
IN_TOTO = "application/vnd.in-toto+json"
INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_LIST})
MANIFEST_TYPES = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
GZIP_LAYER_TYPES = frozenset({OCI_LAYER_GZIP, DOCKER_LAYER_GZIP})
#: the annotations BuildKit marks an attestation manifest with in an index
REFERENCE_TYPE = "vnd.docker.reference.type"
REFERENCE_DIGEST = "vnd.docker.reference.digest"


@dataclass(frozen=True)
class Descriptor:
    """What names a blob: media type, digest, size (and, in an index, annotations, platform)."""

    media_type: str
    digest: str
    size: int
    annotations: Mapping[str, str] = field(default_factory=dict)
    platform: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Go's ``ocispec.Descriptor`` field order; empty annotations and platform left out."""
        out: dict[str, Any] = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        if self.annotations:
            out["annotations"] = dict(self.annotations)
        if self.platform:
            out["platform"] = dict(self.platform)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Descriptor:
        return cls(str(data.get("mediaType") or ""), str(data["digest"]), int(data.get("size") or 0),
                   dict(data.get("annotations") or {}), dict(data.get("platform") or {}))

    @property
    def is_attestation(self) -> bool:
        return REFERENCE_TYPE in self.annotations


@dataclass(frozen=True)
class Document:
    """A JSON blob of the content store (manifest, index, config, statement) and its descriptor."""

    descriptor: Descriptor
    data: bytes


def document(media_type: str, value: Any, *, indent: int | None = None,
             annotations: Mapping[str, str] | None = None, platform: Mapping[str, str] | None = None) -> Document:
    """``value`` written as Go writes it, with the descriptor that names the bytes."""
    data = go_json_bytes(value, indent=indent)
    return Document(Descriptor(media_type, sha256_digest(data), len(data), dict(annotations or {}),
                               dict(platform or {})), data)


def config_descriptor(image: Image, media_type: str = OCI_CONFIG) -> Descriptor:
    return Descriptor(media_type, image.image_id, len(image.config_bytes))


def layer_descriptor(layer: Layer, media_type: str = OCI_LAYER_GZIP) -> Descriptor:
    """A layer blob: gzip (size and digest: :mod:`.compression`) or the tar itself."""
    if media_type in GZIP_LAYER_TYPES:
        blob = gzip_blob(layer)
        return Descriptor(media_type, blob.digest, blob.size)
    return Descriptor(media_type, layer.diff_id, layer.tar_size)


def platform_of(image: Image) -> dict[str, str]:
    """``{"architecture": ..., "os": ...}`` from the config (ocispec.Platform's order)."""
    return {"architecture": str(image.config.get("architecture") or "amd64"),
            "os": str(image.config.get("os") or "linux")}


def manifest(config: Descriptor, layers: Sequence[Descriptor], *, media_type: str = OCI_MANIFEST,
             indent: int | None = 2, platform: Mapping[str, str] | None = None,
             annotations: Mapping[str, str] | None = None) -> Document:
    """An image manifest (BuildKit indents it; containerd's archive importer does not)."""
    value = {"schemaVersion": 2, "mediaType": media_type, "config": config.to_json(),
             "layers": [layer.to_json() for layer in layers]}
    return document(media_type, value, indent=indent, platform=platform, annotations=annotations)


def index(manifests: Iterable[Descriptor], *, indent: int | None = 2) -> Document:
    """An image index listing ``manifests`` (BuildKit's, indented)."""
    value = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [m.to_json() for m in manifests]}
    return document(OCI_INDEX, value, indent=indent)


@dataclass(frozen=True)
class ImageTarget:
    """An image in the containerd image store: the descriptor its name points to (its digest
    is the image id), the platform's manifest, config and layer blobs, and every document.

    ``attestation`` lists the blobs of attestation manifests (manifest, config, statement):
    present in the content store, not part of the platform's image.
    """

    target: Descriptor
    manifest: Descriptor
    config: Descriptor
    layers: tuple[Descriptor, ...]
    documents: Mapping[str, bytes]
    attestation: tuple[Descriptor, ...] = ()

    @property
    def image_id(self) -> str:
        return self.target.digest

    @property
    def is_index(self) -> bool:
        return self.target.media_type in INDEX_TYPES

    def platform_blobs(self) -> list[Descriptor]:
        """The index (if any), the platform manifest, its config and layers."""
        head = [self.target] if self.is_index else []
        return [*head, self.manifest, self.config, *self.layers]

    def blobs(self) -> list[Descriptor]:
        """Every blob of the image, each once: the platform's and the attestation's."""
        seen: dict[str, Descriptor] = {}
        for desc in [*self.platform_blobs(), *self.attestation]:
            seen.setdefault(desc.digest, desc)
        return list(seen.values())

    @property
    def content_size(self) -> int:
        """What ``docker image inspect`` calls Size here: the platform's blobs, the index too."""
        return sum(d.size for d in self.platform_blobs())

    @property
    def manifests_size(self) -> int:
        """What ``docker images`` adds to the unpacked size: every manifest and what it lists
        (the attestation's too), but not the index."""
        return sum(d.size for d in [self.manifest, self.config, *self.layers, *self.attestation])

    def document(self, digest: str) -> bytes:
        return self.documents[digest]


def single_manifest(image: Image, layers: Sequence[Descriptor], *, media_type: str = OCI_MANIFEST,
                    config_type: str = OCI_CONFIG, indent: int | None = 2) -> ImageTarget:
    """An image whose name points at one manifest (``--provenance=false``, a loaded archive)."""
    config = config_descriptor(image, config_type)
    doc = manifest(config, layers, media_type=media_type, indent=indent)
    return ImageTarget(doc.descriptor, doc.descriptor, config, tuple(layers),
                       {doc.descriptor.digest: doc.data, config.digest: image.config_bytes})


def imported_manifest(image: Image) -> ImageTarget:
    """What containerd's importer makes of a legacy ``docker save`` archive: a Docker
    schema 2 manifest, compact, listing the uncompressed tars by diff id."""
    layers = [layer_descriptor(layer, DOCKER_LAYER) for layer in image.layers]
    return single_manifest(image, layers, media_type=DOCKER_MANIFEST, config_type=DOCKER_CONFIG, indent=None)


def with_index(platform: ImageTarget, attestation: Sequence[Document], image: Image) -> ImageTarget:
    """The platform manifest and an attestation manifest (``attestation[0]``, then its
    config and statement) under a new index, as BuildKit exports a build."""
    plat = Descriptor(platform.manifest.media_type, platform.manifest.digest, platform.manifest.size,
                      platform=platform_of(image))
    head = attestation[0].descriptor
    att = Descriptor(head.media_type, head.digest, head.size,
                     {REFERENCE_DIGEST: plat.digest, REFERENCE_TYPE: "attestation-manifest"},
                     {"architecture": "unknown", "os": "unknown"})
    top = index([plat, att])
    documents = {**platform.documents, top.descriptor.digest: top.data,
                 **{d.descriptor.digest: d.data for d in attestation}}
    return ImageTarget(top.descriptor, platform.manifest, platform.config, platform.layers, documents,
                       tuple(d.descriptor for d in attestation))
