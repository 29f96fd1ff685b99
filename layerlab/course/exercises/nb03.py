"""Notebook 03 · Image layer vs container layer: where writes go, SIZE and virtual size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from layerlab.engine.sizes import container_size, container_virtual_size, unpacked_size
from layerlab.i18n import _
from layerlab.model.units import human_size
from layerlab.render import container_stack, containers_over_image

from ..exercise import MultipleChoice
from ..proof import Part, Printed, Proof, Said, Table, expect

__all__ = ["EXERCISES"]


def _where_writes(container: Any) -> list[Part]:
    init = ", ".join(f"`/{path}`" for path in sorted(container.init_layer.entries))
    return [
        container_stack(container),
        Said(
            _(
                "Top to bottom: the **RW layer** of `web-1` (empty: nothing written yet), Docker's "
                "**-init layer**, and "
                "the three image layers, which every container of `cow-demo` shares. The "
                "[-init layer](glossary.md#init-layer) holds what Docker itself puts in every "
                "container: {init}. It is read-only too, and `docker diff` compares against it, so "
                "those files never show as changes.",
                init=init,
            )
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


def _names_and_sizes(host: Any) -> str:
    """``docker ps -s --format 'table {{.Names}}\\t{{.Size}}'``, padded as the docker CLI pads it
    (text/tabwriter: columns at least 10 wide, 3 spaces of padding)."""
    rows = [("NAMES", "SIZE")] + [(r["NAMES"], r["SIZE"]) for r in host.ps_rows(size=True)]
    width = max(10, max(len(name) for name, _size in rows) + 3)
    return "\n".join(f"{name:<{width}}{size}" for name, size in rows)


def _size_zero(host: Any) -> list[Part]:
    table = _names_and_sizes(host)
    row = next(line for line in table.splitlines() if line.startswith("web-4 "))
    containerd = host.profile.containerd
    size = "4.1kB" if containerd else "0B"
    expect(f"{size} (virtual " in row, _("web-4's SIZE should read {size}", size=size))
    if containerd:
        store = _(
            "`web-4`'s SIZE is `4.1kB`. With the containerd image store, SIZE is the disk its RW "
            "layer takes, counted in whole 4 KiB blocks: the empty layer's own directory takes one. "
            "With the classic store (overlay2) SIZE adds up the files' bytes and reads `0B`."
        )
    else:
        store = _(
            "`web-4`'s SIZE is `0B`: the classic store adds up the bytes of the files in the RW "
            "layer, and there are none. (With the containerd image store it reads `4.1kB`: SIZE "
            "is then the disk the layer takes in whole 4 KiB blocks, and its empty directory takes one.)"
        )
    return [
        Said(
            _(
                "`docker ps -s --format 'table {{.Names}}\\t{{.Size}}'` (the two columns that matter here):"
            )
        ),
        Printed(table),
        Said(store),
        Said(
            _(
                "Its virtual size, in parentheses, is still about the whole image's 53 MB. `web-2`'s "
                "chmod copied the 50 MB file up into its RW layer; `web-3`'s append copied the 4 KiB "
                "log up before adding a line."
            )
        ),
    ]


SIZE_ZERO = MultipleChoice(
    "`web-4` wrote nothing. What does `docker ps -s` print in its SIZE column, before the parentheses?",
    options=[
        "About 53MB: the size of the image it runs",
        "Next to nothing: its own RW layer is empty",
        "50MB, as for web-2: containers of one image share one RW layer",
    ],
    answer=1,
    explanation=(
        "SIZE counts only the container's own RW layer, and web-4's is empty: `0B` with the classic "
        "image store, which adds up file sizes; `4.1kB` with the containerd image store, which counts "
        "disk blocks (the empty layer's directory takes one 4 KiB block). The image is counted in the "
        "virtual size, in parentheses, which is why virtual sizes say little about disk use."
    ),
    hints={
        0: "Is the image web-4's own, or shared by every container of cow-demo?",
        2: "web-2's chmod wrote into web-2's RW layer. Does web-4 see web-2's files?",
    },
    id="03-size-zero",
    proof=Proof("docker ps -s", _size_zero, needs=("host",)),
)


def _virtual_sum(host: Any, containers: Sequence[Any]) -> list[Part]:
    containerd = host.profile.containerd
    image = host.image("cow-demo")
    image_size = unpacked_size(image) if containerd else image.size
    on_disk = image_size + sum(container_size(c, containerd) for c in containers)
    summed = sum(container_virtual_size(c, containerd) for c in containers)
    expect(
        (round(summed / 1e7), round(on_disk / 1e6), round(image_size * 3 / 1e6)) == (21, 103, 159),
        _("the options' sizes are the model's"),
    )
    parts: list[Part] = [
        Table(
            (_("what is added up"), _("size")),
            (
                (_("the three virtual sizes"), human_size(summed)),
                (_("the image's layers once, plus each container's SIZE"), human_size(on_disk)),
            ),
        ),  # fmt: skip
        containers_over_image(host, "cow-demo"),
        Said(
            _(
                "The picture draws the image's layers once, with every container above them: only "
                "the RW layers are each container's own."
            )
        ),
    ]
    if containerd:
        parts.append(
            Said(
                _(
                    "The picture counts the files' bytes, as the classic store does; the containerd "
                    "store's numbers in the table are a little larger, since it counts whole 4 KiB "
                    "blocks."
                )
            )
        )
    return parts


VIRTUAL_SUM = MultipleChoice(
    "`docker ps -s` shows virtual sizes of about 103MB, 53MB and 53MB. How much disk do the "
    "image's layers and the three containers' RW layers take together?",
    options=[
        "about 210MB: the sum of the virtual sizes",
        "about 103MB: the image's layers once plus each RW layer",
        "about 159MB: the image's layers three times",
    ],
    answer=1,
    explanation=(
        "The image's layers are stored once and shared by every container of it. Each virtual size "
        "includes the whole image, so adding them counts the image once per container. "
        "Disk used = the image's layers once + the SIZE column of each container. (The containerd "
        "image store also keeps each image's compressed layers in containerd's content store: "
        "`docker images` counts them in the image's SIZE, `virtual` does not.)"
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
