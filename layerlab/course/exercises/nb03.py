"""Notebook 03 · Image layer vs container layer: where writes go, SIZE and virtual size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from layerlab.model.units import human_size
from layerlab.render import container_stack, containers_over_image

from ..exercise import MultipleChoice, ShortAnswer
from ..proof import Part, Printed, Proof, Said, Table, expect

__all__ = ["EXERCISES"]


def _where_writes(container: Any) -> list[Part]:
    init = ", ".join(f"`/{path}`" for path in sorted(container.init_layer.entries))
    return [
        container_stack(container),
        Said(
            "Top to bottom: the **RW layer** of `web-1` (empty: 0 B), Docker's **-init layer**, and "
            "the three image layers, which every container of `cow-demo` shares. The "
            "[-init layer](glossary.md#init-layer) holds what Docker itself puts in every "
            f"container: {init}. It is read-only too, and `docker diff` compares against it, so "
            "those files never show as changes."
        ),
    ]


WHERE_WRITES = MultipleChoice(
    "You run `docker run -d --name web-1 cow-demo`. Where do the container's writes go?",
    options=[
        "Into the image's top layer: the one that made /etc/app",
        "Into a new read-write layer that belongs to web-1 alone",
        "Into a copy of the whole image made for web-1",
    ],
    answer=1,
    explanation=(
        "Image layers are read-only: they are shared by every container and image that uses them. "
        "`docker run` adds one thin read-write layer on top (and Docker's small -init layer under it); "
        "the container's writes land there, and nothing is copied at start (on every storage "
        "driver but vfs, notebook 05)."
    ),
    hints={
        0: "Every container of cow-demo, and every image built on it, shares that layer: could "
        "web-1 be allowed to change it?",
        2: "A copy per container would make starting a container as slow as copying the image. Is it?",
    },
    id="03-where-writes",
    proof=Proof("web-1's layers", _where_writes, needs=("container",)),
)


def _size_zero(host: Any) -> list[Part]:
    table = host.ps(size=True)
    expect("0B (virtual 53.1MB)" in table, "web-4's SIZE should read 0B (virtual 53.1MB)")
    return [
        Printed(table),
        Said(
            "`web-4`'s SIZE is `0B`: its RW layer is empty. Its virtual size is still the image's "
            "53.1MB. `web-2`'s chmod copied the 50 MB file up into its RW layer; `web-3`'s append "
            "copied the 4 KiB log up before adding a line."
        ),
    ]


SIZE_ZERO = ShortAnswer(
    "`web-4` wrote nothing. What does `docker ps -s` print in its SIZE column before the "
    "parentheses? (as docker prints it)",
    answer="0B",
    accept=["0 B", "0", "0 bytes"],
    explanation=(
        "A container that has written nothing has an empty RW layer: 0B. Its virtual size is "
        "still the image's full size, which is why virtual sizes say little about disk use. "
        "(That is the classic image store, which adds up file sizes; the containerd image store "
        "counts the empty directory's 4 KiB disk block and prints 4.1kB.)"
    ),
    hint="SIZE counts only the bytes in the container's own RW layer.",
    id="03-size-zero",
    proof=Proof("docker ps -s", _size_zero, needs=("host",)),
)


def _virtual_sum(host: Any, containers: Sequence[Any]) -> list[Part]:
    image_size = host.image("cow-demo").size
    on_disk = image_size + sum(c.size() for c in containers)
    summed = sum(c.virtual_size() for c in containers)
    expect(
        (human_size(summed), human_size(on_disk), human_size(image_size * 3))
        == ("209MB", "103MB", "159MB"),
        "the options' sizes are the model's",
    )
    return [
        Table(
            ("what is added up", "size"),
            (
                ("the three virtual sizes", human_size(summed)),
                ("the image once, plus each container's RW layer (SIZE)", human_size(on_disk)),
            ),
        ),  # fmt: skip
        containers_over_image(host, "cow-demo"),
        Said(
            "The picture draws the image's layers once, with every container above them: only "
            "the RW layers are each container's own."
        ),
    ]


VIRTUAL_SUM = MultipleChoice(
    "The three containers show virtual sizes of 103MB, 53.1MB and 53.1MB. How much disk do the "
    "image and the three containers take together?",
    options=[
        "about 209MB: the sum of the virtual sizes",
        "about 103MB: the image once plus each RW layer",
        "about 159MB: the image three times",
    ],
    answer=1,
    explanation=(
        "The image's layers are stored once and shared by every container of it. Each virtual size "
        "includes the whole image, so adding them counts the image once per container. "
        "Disk used = the image once + the SIZE column of each container."
    ),
    hints={
        0: "What does every one of those virtual sizes include?",
        2: "Are the image's layers stored once per container, or once for all of them?",
    },
    misconception="virtual-sizes-add-up",
    id="03-virtual-sum",
    proof=Proof("What the disk holds", _virtual_sum, needs=("host", "containers")),
)

EXERCISES = (WHERE_WRITES, SIZE_ZERO, VIRTUAL_SUM)
