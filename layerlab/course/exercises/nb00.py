"""Notebook 00 · Start here: what a later ``rm`` does to an image, and why a rebuild is CACHED."""

from __future__ import annotations

from pathlib import Path

from layerlab.build.context import BuildContext
from layerlab.engine.host import Host
from layerlab.i18n import _
from layerlab.model.layer import Layer
from layerlab.render import build_cache, image_stack

from ..examples import demo_image
from ..exercise import MultipleChoice
from ..proof import Part, Printed, Proof, Said, Table, expect

__all__ = ["EXERCISES"]


def _layer_rows(layers: list[tuple[str, Layer]]) -> tuple[tuple[str | int, ...], ...]:
    return tuple((step, layer.size, len(layer.whiteouts)) for step, layer in layers)


def _delete_later() -> list[Part]:
    image = demo_image()
    rootfs = image.rootfs()
    layers = [(row.created_by, layer) for row, layer in image.steps() if layer is not None]
    expect(
        image.size - rootfs.size == 30_000_000,
        _("the image should carry the 30 MB the container cannot see"),
    )
    return [
        image_stack(image),
        Said(_(
            "The finished image is drawn from the bottom up. The `RUN rm` box says **0B** and "
            "**-1**: its layer stores no bytes, only a [whiteout](glossary.md#whiteout) that hides "
            "`/data/dataset.bin`. The download's layer below still holds all 30 MB, so the title "
            "says 33.1MB."
        )),
        Table((_("step that made the layer"), _("bytes stored"), _("whiteouts")), _layer_rows(layers)),
        Table(
            (_("what is counted"), _("bytes")),
            (
                (_("what a container can see (the merged view)"), rootfs.size),
                (_("what the image carries, pulls and stores (the sum of its layers)"), image.size),
            ),
        ),  # fmt: skip
        Said(_(
            "**Take-away:** to keep a file out of an image, never let a layer store it: download, "
            "use and delete it in the *same* `RUN` step, or build it in another stage of a "
            "multi-stage build and copy only the result."
        )),
    ]


DELETE_LATER = MultipleChoice(
    "The Dockerfile goes on with `RUN rm /data/dataset.bin`, then `COPY app.py /app/` (33 bytes). "
    "The image above is 33.1MB. The finished image is…",
    options=[
        "about 3 MB: the rm step takes the 30 MB back out",
        "about 33 MB: the file is hidden, but its bytes are still in the image",
        "about 63 MB: rm copies the file up before it deletes it",
    ],
    answer=1,
    explanation=(
        "Layers are read-only. `rm` in a later step cannot change the layer that holds the file: "
        "the new layer only records a whiteout (`.wh.dataset.bin`) that hides it. Containers do "
        "not see the file, but the image still carries, pulls and stores all 30 MB."
    ),
    hints={
        0: "Can a later step change a layer that is already built and hashed?",
        2: "Deleting copies nothing up: what does the later layer need to record?",
    },
    misconception="delete-shrinks-image",
    id="00-delete-later",
    proof=Proof("The finished image, layer by layer", _delete_later),
)


def _why_cached(build_context: str) -> list[Part]:
    context = BuildContext.from_dir(Path(build_context))
    host = Host()
    first = host.build(context, "course-app")
    second = host.build(context, "course-app")
    expect(all(step.cached for step in second.steps),
           _("the model's second build should reuse every COPY step"))  # fmt: skip
    return [
        build_cache(second, first),
        Said(_(
            "The model's second build: every `COPY` step is CACHED, because each one's cache key "
            "(its parent layer, and the copied files' names, bytes, permission bits and owners) is what "
            "the first build stored. Notebook 02 shows which changes break that key."
        )),
        Printed(second.log),
    ]


WHY_CACHED = MultipleChoice(
    "On both sides, the second build says CACHED for both COPY steps. Why does the engine reuse them?",
    options=[
        "the tag course-app already exists, so the engine skips the build",
        "each COPY's cache key (its parent layer, and the copied files' names, bytes, modes and owners) "
        "is the same as in the first build",
        "the engine copies only files that are newer than the image",
    ],
    answer=1,
    explanation=(
        "A COPY step is reused when its parent and the copied files' names, bytes, modes and owners "
        "are the same. Nothing changed, so the engine prints CACHED for both steps, and so does the model. "
        "Modification times are not part of the key."
    ),
    hints={
        0: "A tag is only a name for an image: the first build was --no-cache and still made the "
        "tag. What does the cache compare, step by step?",
        2: "The cache key of a COPY step never looks at modification times: what does it hash?",
    },
    id="00-why-cached",
    proof=Proof("The same two builds in the model", _why_cached, needs=("build_context",)),
)

EXERCISES = (DELETE_LATER, WHY_CACHED)
