"""A base image as ``docker pull`` would give it: its layers, history rows and config."""

from __future__ import annotations

from functools import cache

from layerlab.model.image import EPOCH, HistoryEntry, Image
from layerlab.model.layer import Layer

from .rootfs import extra_layer, rootfs_entries
from .specs import SPECS, BaseSpec, canonical_ref


def base_image(ref: str) -> Image:
    """A synthetic base image (deterministic, cached: its layers are hashed once)."""
    return _base_image(canonical_ref(ref))


@cache
def _base_image(ref: str) -> Image:
    spec = SPECS[ref]
    return _python_image(ref, spec) if spec.extra else _distribution_image(ref, spec)


def _python_image(ref: str, spec: BaseSpec) -> Image:
    """An official python image: a Debian base plus the image's own build steps."""
    lower = _base_image("debian:12-slim" if ref.endswith("-slim") else "debian:12")
    layers = list(lower.layers)
    history = [h for h in lower.history if "CMD" not in h.created_by]
    history += [HistoryEntry(created_by=f"ENV {e}", empty_layer=True, created=EPOCH) for e in spec.env[:2]]
    for i, (created_by, size, kind) in enumerate(spec.extra):
        layers.append(extra_layer(ref, i, size, kind))
        history.append(HistoryEntry(created_by=created_by, created=EPOCH, comment="buildkit.dockerfile.v0"))
    history.append(HistoryEntry(created_by=f'CMD ["{spec.cmd[0]}"]', empty_layer=True, created=EPOCH,
                                comment="buildkit.dockerfile.v0"))
    return Image.build(layers, history=history, env=spec.env, cmd=spec.cmd)


def _distribution_image(ref: str, spec: BaseSpec) -> Image:
    """One rootfs layer, with the history and labels the distribution's image has."""
    layer = Layer(rootfs_entries(ref, spec))
    name, version = ref.split(":")
    labelled = spec.family == "ubuntu" and spec.release != "xenial"  # Ubuntu's images since 18.04
    history = []
    if labelled:
        history += [
            HistoryEntry(created_by="/bin/sh -c #(nop)  ARG RELEASE", empty_layer=True, created=EPOCH),
            HistoryEntry(created_by="/bin/sh -c #(nop)  ARG LAUNCHPAD_BUILD_ARCH", empty_layer=True, created=EPOCH),
            HistoryEntry(created_by="/bin/sh -c #(nop)  LABEL org.opencontainers.image.ref.name=ubuntu",
                         empty_layer=True, created=EPOCH),
            HistoryEntry(created_by=f"/bin/sh -c #(nop)  LABEL org.opencontainers.image.version={version}",
                         empty_layer=True, created=EPOCH),
        ]
    history.append(HistoryEntry(created_by=f"/bin/sh -c #(nop) ADD file:{layer.diff_id[7:]} in / ", created=EPOCH))
    history.append(HistoryEntry(created_by=f'/bin/sh -c #(nop)  CMD ["{spec.cmd[0]}"]', empty_layer=True, created=EPOCH))
    labels = {"org.opencontainers.image.ref.name": name, "org.opencontainers.image.version": version} if labelled else None
    return Image.build([layer], history=history, env=spec.env, cmd=spec.cmd, labels=labels)
