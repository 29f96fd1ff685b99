"""Notebook 02 · Layers and reuse: which steps make layers, deleting later, the build cache."""

from __future__ import annotations

from typing import Any

from layerlab.i18n import _
from layerlab.render import build_cache, image_stack

from ..exercise import MultipleChoice, ShortAnswer
from ..proof import Part, Printed, Proof, Said, expect

__all__ = ["EXERCISES"]


def _layer_count(build: Any, host: Any) -> list[Part]:
    made = [step for step in build.steps if step.layer is not None]
    expect(
        len(build.steps) == 4 and len(made) == 3,
        _("the course app's build has 4 steps, 3 make a layer"),
    )
    return [
        Printed(build.log),
        Said(_(
            "The log numbers the steps `[1/4]` to `[4/4]`: `FROM` and the three steps that change "
            "files. `ENTRYPOINT` is not a build step at all. The image, base at the bottom:"
        )),
        image_stack(build.image, image_id=host.image_id(build.tag)),
        Said(_(
            "Read it from the bottom up: the **base** layer (120 MB), the **apt** layer (~300 MB: "
            "package lists plus Python and what it pulls in), the **pip** layer (~7 MB), the "
            "**source** layer (a few hundred bytes: `app.py` and the `Dockerfile`, because `COPY .` "
            "copies the whole context), and the **ENTRYPOINT** row, dashed: 0 B, no layer. "
            "`docker history` says the same, newest first:"
        )),
        Printed(host.history(build.tag)),
        Said(_history_sizes(host, build.tag, "COPY")),
    ]


def _history_sizes(host: Any, tag: str, step: str) -> str:
    """What the SIZE column counts on this host's image store, shown on the ``step`` row."""
    row = next(r for r in host.history_rows(tag) if r["CREATED BY"].startswith(step))
    if host.profile.containerd:
        return _(
            "This host has the containerd image store, so SIZE counts disk space in 4 KiB blocks, "
            "for the layer's files *and* its directories: the `{step}` row says {size}. "
            "With the classic store (overlay2, Engine 20.10 and hosts upgraded from older "
            "engines) SIZE counts the bytes of the layer's files.",
            step=step,
            size=row["SIZE"],
        )
    return _(
        "This host has the classic image store, so SIZE counts the bytes of the layer's files: "
        "the `{step}` row says {size}. With the containerd image store (a fresh Engine 29) "
        "it counts disk space in 4 KiB blocks, directories included, so even a tiny layer shows "
        "several kB.",
        step=step,
        size=row["SIZE"],
    )


LAYER_COUNT = ShortAnswer(
    "The Dockerfile has five instructions. How many layers does `docker build` add on top of the "
    "ubuntu:16.04 base? (a number)",
    answer=3,
    explanation=(
        "RUN, COPY, ADD and WORKDIR make a layer (even one that ends up changing nothing): here the "
        "two RUN steps and the COPY. "
        "FROM starts from the base's layers and adds none of its own; ENTRYPOINT only sets the "
        "image config, so it gets a history row marked empty_layer and 0 B, not a layer."
    ),
    hint="Which instructions change files, and which only change the image's settings?",
    misconception="every-line-a-layer",
    id="02-layer-count",
    proof=Proof("The build, its image and its history", _layer_count, needs=("build", "host")),
)


def _clean_later(host: Any) -> list[Part]:
    later, same = host.image("clean-later"), host.image("clean-same-step")
    expect(later.size > same.size, _("cleaning up in a later RUN should leave the bigger image"))
    return [
        Printed(host.history("clean-later")),
        Printed(host.history("clean-same-step")),
        Said(_(
            "The `rm` layer of `clean-later` stores no files, only whiteouts that hide the lists, "
            "and its apt layer still carries the ~40 MB of package lists: the image is as big as if "
            "nothing was deleted. Only `clean-same-step` is smaller, because the lists never "
            "reached a layer. "
        ) + _rm_row(host)),
    ]


def _rm_row(host: Any) -> str:
    """Why the ``rm`` row's SIZE reads what it reads on this host's image store."""
    size = next(r["SIZE"] for r in host.history_rows("clean-later") if r["CREATED BY"].startswith("RUN /bin/sh -c rm"))
    if host.profile.containerd:
        return _(
            "The `rm` row says {size}, not 0B, because this host has the containerd image store: "
            "SIZE counts disk space in 4 KiB blocks, and the layer still holds the directories "
            "down to `/var/lib/apt/lists`. With the classic store (overlay2) it says 0B.",
            size=size,
        )
    return _(
        "The `rm` row says {size}: this host has the classic image store, whose SIZE counts file "
        "bytes. With the containerd image store it says a few kB: disk blocks of the directories "
        "the layer holds.",
        size=size,
    )


CLEAN_LATER = MultipleChoice(
    "Image A (`clean-later`) runs `apt-get install` and then, in a second RUN, "
    "`rm -rf /var/lib/apt/lists/*`. Image B (`clean-same-step`) does the same in one RUN. "
    "Which is smaller?",
    options=[
        "They are the same size: both delete the lists",
        "B: in A the lists are still stored in the apt layer",
        "A: its extra layer records the deletion and frees the space",
    ],
    answer=1,
    explanation=(
        "Layers are read-only once built. A later `rm` cannot take bytes out of an earlier layer: "
        "it adds a *whiteout* that hides the files in the merged view, while the apt layer still "
        "stores them. Only cleaning up in the same RUN keeps them out of every layer."
    ),
    hints={
        0: "Both merged filesystems lack the lists, but is that what an image's size counts?",
        2: "Can a new layer change the bytes an earlier, read-only layer stores?",
    },
    misconception="delete-shrinks-image",
    id="02-clean-later",
    proof=Proof("docker history of both images", _clean_later, needs=("host",)),
)


def _touch(touched: Any, chmodded: Any) -> list[Part]:
    built = [step for step in touched.steps if not step.text.startswith("FROM")]
    expect(all(step.cached for step in built), _("a touched source should keep every step CACHED"))
    return [
        Printed(touched.log),
        Said(_(
            "The touched build reused every step. The chmod build (mode 755 instead of 644) broke the "
            "cache at the `COPY`, the first miss, drawn with a thick border:"
        )),
        build_cache(chmodded, touched),
    ]


TOUCH_CACHE = MultipleChoice(
    "You run `touch app.py` (same bytes, new modification time) and build my-app again. The COPY step…",
    options=[
        "is CACHED: the bytes and permissions did not change",
        "runs again: the file changed on disk",
        "runs again, and so does the apt step below it",
    ],
    answer=0,
    explanation=(
        "BuildKit's key for COPY is a checksum of the sources' names, types, permission bits, owners "
        "and bytes, never their mtimes. `touch` keeps the cache; `chmod`, which changes the mode, busts it."
    ),
    hints={
        1: "What exactly does the COPY cache key hash: the bytes and modes, or the timestamps too?",
        2: "A cache miss only ever affects the steps after it, never the ones before.",
    },
    misconception="touch-busts-copy-cache",
    id="02-touch-cache",
    proof=Proof("The touched build, then a chmod-ed one", _touch, needs=("touched", "chmodded")),
)

EXERCISES = (LAYER_COUNT, CLEAN_LATER, TOUCH_CACHE)
