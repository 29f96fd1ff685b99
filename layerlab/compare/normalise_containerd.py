"""containerd's root (``/var/lib/containerd``) with its digests and numbers named after what they are.

The containerd image store keeps every image as blobs in its content store
(``io.containerd.content.v1.content/blobs/sha256/<digest>``: indexes, manifests, configs,
attestations, gzip layers) and unpacks layers into numbered snapshots
(``io.containerd.snapshotter.v1.overlayfs/snapshots/<N>``). Digests change with every
build (BuildKit's provenance carries times) and snapshot numbers are a counter, so a
comparison names them instead: a blob after the image whose index, manifest, config, layer
or attestation it is (read from the documents themselves, images by tag); a blob no image
refers to (build history, kept in containerd's ``moby_history`` namespace) by what kind of
document it is; snapshots by their order. Both sides go through the same functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .normalise import Listing

__all__ = ["BLOBS", "SNAPSHOTS", "compared_in_containerd", "listing_of_containerd", "normalise_containerd"]

BLOBS = "io.containerd.content.v1.content/blobs/sha256"
SNAPSHOTS = re.compile(r"^(io\.containerd\.snapshotter\.v1\.[a-z]+/snapshots)/([0-9]+)(/.*)?$")
#: A blob small enough to be a document (index, manifest, config, attestation) is read.
DOCUMENT_BYTES = 1 << 20
_ATTESTATION = "attestation-manifest"
_TASK = re.compile(r"^(io\.containerd\.runtime\.v2\.task/[^/]+/)([0-9a-f]{64})$")


def compared_in_containerd(rel: str) -> bool:
    """Paths a comparison looks at: not the files inside a snapshot's ``fs/`` and ``work/``
    (``docker diff`` and the archive tests check those), not a running task's bundle."""
    parts = rel.split("/")
    if SNAPSHOTS.match(rel) and len(parts) > 4:
        return False
    return not (parts[0] == "io.containerd.runtime.v2.task" and len(parts) > 3)


def listing_of_containerd(nodes: Mapping[str, object], root: str) -> Listing:
    """A model DataRoot's nodes under containerd's root as a listing, documents kept."""
    out: Listing = {}
    for path, node in nodes.items():
        if not path.startswith(root + "/"):
            continue
        rel = path[len(root) + 1 :]
        if not compared_in_containerd(rel):
            continue
        kind, text = node.kind, node.content  # type: ignore[attr-defined]
        out[rel] = (kind, text if rel.startswith(BLOBS + "/") and text else None)
    return out


def _documents(listing: Listing) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for path, (_, text) in listing.items():
        if path.startswith(BLOBS + "/") and text:
            try:
                data = json.loads(text)
            except ValueError:
                continue
            if isinstance(data, dict):
                docs[path.rsplit("/", 1)[1]] = data
    return docs


def _kind(doc: dict[str, Any] | None) -> str:
    if doc is None:
        return "blob"
    if "manifests" in doc:
        return "index"
    if "layers" in doc:
        return "manifest"
    if "rootfs" in doc:
        return "config"
    if "_type" in doc:
        return "statement"
    return "document"


def blob_names(listing: Listing, tags: Mapping[str, str]) -> dict[str, str]:
    """Blob digest (hex) -> a name that says what it is; ``tags``: image id -> tag."""
    docs = _documents(listing)
    names: dict[str, str] = {}

    def walk(hexd: str, label: str, role: str) -> None:
        if hexd in names:
            return
        names[hexd] = f"<{role} {label}>"
        doc = docs.get(hexd) or {}
        for entry in doc.get("manifests") or []:
            kind = entry.get("annotations", {}).get("vnd.docker.reference.type")
            walk(entry["digest"][7:], label, "attestation manifest" if kind == _ATTESTATION else "manifest")
        if "layers" not in doc:  # an index (done above), a config, a layer, a statement
            return
        prefix = "attestation " if role.startswith("attestation") else ""
        walk(doc["config"]["digest"][7:], label, f"{prefix}config")
        for i, layer in enumerate(doc["layers"]):
            walk(layer["digest"][7:], f"{label}#{i}", "statement" if prefix else "layer")

    for image_id, tag in sorted(tags.items(), key=lambda kv: kv[1]):
        walk(image_id.removeprefix("sha256:"), tag, "image")
    counts: dict[str, int] = {}
    blobs = sorted(p.rsplit("/", 1)[1] for p in listing if p.startswith(BLOBS + "/"))
    for hexd in sorted(blobs, key=lambda h: _kind(docs.get(h))):
        if hexd not in names:
            kind = _kind(docs.get(hexd))
            counts[kind] = counts.get(kind, 0) + 1
            names[hexd] = f"<unreferenced {kind} {counts[kind]}>"
    return names


def is_build_trace(text: str | None) -> bool:
    """BuildKit's trace of a build (OpenTelemetry spans, one JSON object each), which
    BuildKit's history writes into the content store some time after the build has ended:
    present or not at a given moment depending on timing (Engine 28.5: absent right after a
    build, there a line or two later), so a comparison leaves it out on both sides."""
    return bool(text) and text.lstrip().startswith('{') and '"SpanContext"' in text[:400]  # type: ignore[union-attr]


def normalise_containerd(
    listing: Listing, tags: Mapping[str, str], containers: Mapping[str, str] | None = None
) -> Listing:
    """The listing with blobs named by :func:`blob_names`, snapshots numbered by their order
    (``<snapshot 1>``...), a running container's task by its name (``containers``: id ->
    name), and documents' contents left out (their names say what they are); build traces
    (:func:`is_build_trace`) left out."""
    listing = {p: v for p, v in listing.items() if not (p.startswith(BLOBS + "/") and is_build_trace(v[1]))}
    names = blob_names(listing, tags)
    numbers = sorted({int(m.group(2)) for p in listing if (m := SNAPSHOTS.match(p))})
    order = {str(n): f"<snapshot {i}>" for i, n in enumerate(numbers, start=1)}
    out: Listing = {}
    for path, (kind, _) in listing.items():
        if path.startswith(BLOBS + "/"):
            path = f"{BLOBS}/{names[path.rsplit('/', 1)[1]]}"
        elif match := SNAPSHOTS.match(path):
            path = f"{match.group(1)}/{order[match.group(2)]}{match.group(3) or ''}"
        elif match := _TASK.match(path):
            path = f"{match.group(1)}<container {(containers or {}).get(match.group(2), '?')}>"
        out[path] = (kind, None)
    return out
