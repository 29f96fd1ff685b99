"""Walking an OCI layout's ``index.json`` to the image manifests, as containerd's importer does.

What Engine 25+ saves: ``index.json`` names one descriptor per tag (annotated with the
image name); with the classic store it is an image manifest, with the containerd store an
image *index* (the image id) holding the platform manifest and BuildKit's attestation
manifest (``vnd.docker.reference.type: attestation-manifest``, platform unknown/unknown),
whose "layer" is an in-toto JSON statement, not a tar. Attestations and other manifests
that list no image layers are not images: they are kept as the image's extra blobs.

Each image found keeps what its name pointed to (:class:`~layerlab.model.oci.ImageTarget`:
the top descriptor, whose digest is the containerd store's image id, and every document),
so a host with the containerd store loads it under the engine's id.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from layerlab.i18n import _
from layerlab.model.digest import sha256_digest
from layerlab.model.errors import ArchiveError, DigestMismatch
from layerlab.model.oci import INDEX_TYPES, MANIFEST_TYPES, Descriptor

#: layer media types that make a manifest an image's (moby: images.IsLayerType)
_LAYER_PREFIXES = ("application/vnd.oci.image.layer.", "application/vnd.docker.image.rootfs.")
MAX_DEPTH = 4


@dataclass
class IndexedImage:
    """One image manifest reached from ``index.json``: what pointed to it and its documents."""

    top: Descriptor
    tags: list[str]
    manifest: Descriptor
    doc: dict[str, Any]
    documents: dict[str, bytes] = field(default_factory=dict)
    attestation: list[Descriptor] = field(default_factory=list)


def familiar(name: str) -> str:
    """``docker.io/library/busybox:1`` as the docker CLI shows it: ``busybox:1``."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def tags_of(desc: Descriptor) -> list[str]:
    """The tag an ``index.json`` entry gives (its image name annotation, else its ref name)."""
    for key in ("io.containerd.image.name", "org.opencontainers.image.ref.name"):
        value = desc.annotations.get(key)
        if isinstance(value, str):
            return [familiar(value)]
    return []


def is_image_manifest(doc: Any) -> bool:
    layers = doc.get("layers") if isinstance(doc, dict) else None
    return isinstance(layers, list) and (
        not layers or any(str(d.get("mediaType", "")).startswith(_LAYER_PREFIXES) for d in layers if isinstance(d, dict)))


class IndexWalker:
    """Reads documents through ``read(digest) -> bytes`` (checked against their digest)."""

    def __init__(self, read: Callable[[str], bytes], label: str, descriptor: Callable[[Any, str], str]) -> None:
        self.read, self.label, self.descriptor = read, label, descriptor

    def document(self, desc: Descriptor) -> tuple[bytes, Any]:
        data = self.read(desc.digest)
        if sha256_digest(data) != desc.digest:
            raise DigestMismatch(_("{label}: manifest blob does not hash to {digest}", label=self.label, digest=desc.digest))
        try:
            return data, json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ArchiveError(_("{label}: manifest {digest} is not valid JSON: {err}", label=self.label, digest=desc.digest[:19], err=err)) from None

    def walk(self, index: Any) -> list[IndexedImage]:
        """Every image manifest under ``index.json``, each with the entry that named it."""
        out: list[IndexedImage] = []
        for raw in self._entries(index, "index.json"):
            top = self._desc(raw)
            found: list[IndexedImage] = []
            self._visit(top, top, tags_of(top), found, {}, depth=0)
            out += found
        return out

    def _entries(self, index: Any, name: str) -> list[Any]:
        if not isinstance(index, dict) or not isinstance(index.get("manifests"), list):
            raise ArchiveError(_("{label}: {name} has no manifests list", label=self.label, name=name))
        return list(index["manifests"])

    def _desc(self, raw: Any) -> Descriptor:
        self.descriptor(raw, _("manifest"))
        return Descriptor.from_json(raw)

    def _visit(self, desc: Descriptor, top: Descriptor, tags: list[str], out: list[IndexedImage],
               documents: dict[str, bytes], depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ArchiveError(_("{label}: image indexes nested too deeply", label=self.label))
        data, doc = self.document(desc)
        documents[desc.digest] = data
        media = desc.media_type or (doc.get("mediaType") if isinstance(doc, dict) else None)
        if media in INDEX_TYPES or (isinstance(doc, dict) and "manifests" in doc):
            before = len(out)
            extras: list[Descriptor] = []
            for raw in self._entries(doc, desc.digest):
                child = self._desc(raw)
                if child.is_attestation:
                    extras += self._attestation(child, documents)
                    continue
                self._visit(child, top, tags, out, documents, depth + 1)
            for found in out[before:]:
                found.attestation += extras
            return
        if media not in MANIFEST_TYPES and not isinstance(doc, dict):
            raise ArchiveError(_("{label}: unsupported manifest media type {media!r}", label=self.label, media=media))
        if not is_image_manifest(doc):
            return  # an artifact, not an image (containerd skips it too)
        out.append(IndexedImage(top, tags, desc, doc, documents))

    def _attestation(self, desc: Descriptor, documents: dict[str, bytes]) -> list[Descriptor]:
        """An attestation manifest's blobs: itself, its config and its statements."""
        data, doc = self.document(desc)
        documents[desc.digest] = data
        blobs = [desc]
        for raw in [doc.get("config"), *(doc.get("layers") or [])] if isinstance(doc, dict) else []:
            if isinstance(raw, dict) and isinstance(raw.get("digest"), str):
                child = Descriptor.from_json(raw)
                blobs.append(child)
                try:
                    documents[child.digest] = self.read(child.digest)
                except (ArchiveError, KeyError, OSError):
                    pass  # a statement missing from the archive only costs its bytes
        return blobs
