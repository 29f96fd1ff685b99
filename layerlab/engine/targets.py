"""What an image name points to in the containerd image store, for each way an image arrives.

- ``docker build``: BuildKit's index with a provenance attestation (a new id every build),
  or one manifest with ``provenance=False`` (:mod:`layerlab.build.provenance`);
- ``docker load``: the descriptor the archive's ``index.json`` names, or for a legacy
  archive the manifest containerd's importer writes (:func:`~layerlab.model.oci.imported_manifest`);
- ``docker commit`` and an image added from the catalogue (a pull, for the course): one
  OCI manifest with gzip layers.

Layer blobs are shared as the content store shares them: a layer that came with a blob
(a loaded archive's, an earlier build's) keeps it; a new one is gzip-compressed here.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone

from layerlab.build.builder import go_time
from layerlab.build.log import buildkit_ref
from layerlab.build.provenance import exported_image
from layerlab.model.image import Image
from layerlab.model.oci import Descriptor, ImageTarget, layer_descriptor, single_manifest

_BASE36 = string.digits + string.ascii_lowercase
#: The model's clock: every host's "now"; its builds start a second apart after it, so
#: image configs (and ids) are the same every run, and a cached rebuild keeps its times.
MODEL_NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def known_blobs(targets: Iterable[ImageTarget | None]) -> dict[str, Descriptor]:
    """The layer blob the content store already holds for each diff id."""
    out: dict[str, Descriptor] = {}
    for target in targets:
        if target is None:
            continue
        diff_ids = layer_diff_ids(target)
        for diff_id, blob in zip(diff_ids, target.layers):
            out.setdefault(diff_id, blob)
    return out


def layer_diff_ids(target: ImageTarget) -> list[str]:
    config = json.loads(target.document(target.config.digest))
    return list(config["rootfs"]["diff_ids"])


def layer_blobs(image: Image, known: Mapping[str, Descriptor]) -> list[Descriptor]:
    """Each layer's blob: the one already stored, else a new gzip blob."""
    return [known.get(layer.diff_id) or layer_descriptor(layer) for layer in image.layers]


def rfc3339(when: datetime) -> str:
    """Go's ``time.RFC3339Nano`` in UTC, as BuildKit writes times."""
    text = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def built_target(image: Image, name: str | None, known: Mapping[str, Descriptor], *, attest: bool,
                 ids: random.Random, started: datetime, build_args: Mapping[str, str] | None = None,
                 network: str | None = None, materials: Sequence[tuple[str, str]] = (),
                 vcs: Mapping[str, str] | None = None) -> ImageTarget:
    """A build's image: the index BuildKit exports (a new one every build: a new invocation
    id, BuildKit's 25 base-36 characters drawn from ``ids``, and a later time), or one manifest.
    Its times carry nanoseconds as BuildKit's do (:func:`~layerlab.build.builder.go_time`)."""
    args = {f"build-arg:{k}": v for k, v in (build_args or {}).items()}
    if network:
        args["force-network-mode"] = network
    invocation_id = "".join(ids.choice(_BASE36) for _ in range(25))
    return exported_image(image, layer_blobs(image, known), name, attest=attest, invocation_id=invocation_id,
                          started=go_time(started), finished=go_time(started + timedelta(milliseconds=40)),
                          args=args, materials=materials, vcs=vcs)


def plain_target(image: Image, known: Mapping[str, Descriptor]) -> ImageTarget:
    """A committed or catalogue image: one OCI manifest over gzip layer blobs."""
    return single_manifest(image, layer_blobs(image, known))


def content_of(targets: Sequence[ImageTarget]) -> dict[str, Descriptor]:
    """Every blob of these images, each once (the content store's view)."""
    out: dict[str, Descriptor] = {}
    for target in targets:
        for blob in target.blobs():
            out.setdefault(blob.digest, blob)
    return out


def exported_lines(target: ImageTarget, name: str | None) -> list[str]:
    """What BuildKit's image exporter prints for a build the containerd store keeps, instead of
    the classic store's ``writing image`` (Engine 28.5's plain progress, ``#5 exporting ...``)."""
    lines = [f"exporting manifest {target.manifest.digest}", f"exporting config {target.config.digest}"]
    if target.attestation:
        lines.append(f"exporting attestation manifest {target.attestation[0].digest}")
    if target.is_index:
        lines.append(f"exporting manifest list {target.target.digest}")
    return lines + [f"{verb} {buildkit_ref(name)}" for verb in ("naming to", "unpacking to") if name]
