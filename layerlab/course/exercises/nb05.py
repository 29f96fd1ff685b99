"""Notebook 05 · Storage drivers: vfs's full copies, file vs block copy-on-write, which driver an
engine picks, and what a workload costs. Every number in a proof comes from the driver models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from layerlab.drivers import GiB, WORKLOADS, DriverError, choose_driver, get_driver
from layerlab.drivers.choice import explain_choice
from layerlab.drivers.costs import cost_row
from layerlab.i18n import _
from layerlab.model.units import human_size
from layerlab.render import cost_chart, layer_layout

from ..exercise import MultipleChoice, ShortAnswer
from ..proof import Part, Printed, Proof, Said, Table, expect

__all__ = ["EXERCISES"]

#: The drivers the notebook compares.
COMPARED = ("overlay2", "btrfs", "vfs")


def _vfs_container(image: Sequence[Any]) -> list[Part]:
    row = cost_row(get_driver("vfs"), WORKLOADS["delete-in-later-layer"])
    expect(
        2 * 2**20 < row.containers_disk < 5 * 2**20,
        _("a vfs container of this image should take about 4 MiB"),
    )
    return [
        layer_layout("vfs", image),
        Said(
            _(
                "Read the sizes: each vfs layer is everything below it plus its own changes, so layer 2 "
                "holds the base **and** the 500 MiB dataset, and layer 3 the base again without it. The "
                "container box gives the two full copies: {size} before the "
                "container writes anything. vfs is for testing: it works on any filesystem and costs "
                "the most disk.",
                size=human_size(row.containers_disk),
            )
        ),
    ]


VFS_CONTAINER = MultipleChoice(
    "On vfs, how much disk does a new container of this image use before it writes anything?",
    options=[
        "0 B: like overlay2, its layers start empty",
        "About 2 MiB: one copy of what the image shows (the base; the dataset is deleted)",
        "About 4 MiB: its -init layer and its writable layer are each a full copy of the image",
        "About 1 GiB: it copies every layer of the image, the dataset too",
    ],
    answer=2,
    explanation=(
        "vfs has no copy-on-write: a layer is a full copy of its parent plus its changes. A container's "
        "-init layer is a copy of the image's top layer, and its writable layer a copy of the -init layer: "
        "two full copies of the merged view (the base and a 3-byte file; the deleted dataset is gone from "
        "that view, but still sits in the image's second layer). On XFS with reflink or btrfs those "
        "copies share their disk blocks (the driver lab's backing fs shows it)."
    ),
    hints={
        0: "vfs has no copy-on-write: can a new layer start empty and still show the files below it?",
        1: "Docker gives every container two layers of its own: the -init layer and the writable one.",
        3: "A vfs layer copies what the layer below it *shows*: is the deleted dataset still in that view?",
    },
    id="05-vfs-container",
    proof=Proof("The same image on vfs", _vfs_container, needs=("image",)),
)


def _append_overlay2() -> list[Part]:
    costs = {name: get_driver(name).first_write_cost(GiB, 1) for name in
             ("overlay2", "btrfs", "zfs", "devicemapper", "vfs")}  # fmt: skip
    expect(
        costs["overlay2"] == GiB + 1, _("overlay2 should copy the whole file, then write the byte")
    )
    return [
        Table((_("driver"), _("bytes copied + written")), tuple(costs.items())),
        Said(
            _(
                "overlay2 (like the containerd store's overlayfs snapshotter, aufs, the old overlay and "
                "fuse-overlayfs) does a [copy-up](glossary.md#copy-up) of the **whole file** into the "
                "container layer, then "
                "writes there. btrfs, zfs and devicemapper keep layers as snapshots of each other and "
                "copy only the **blocks** the write touches.\n\n"
                "The same append costs 1 GiB + 1 byte on overlay2, one 4 KiB block on btrfs, one 128 KiB "
                "record on zfs and one 64 KiB chunk on devicemapper. vfs writes only the byte: it paid "
                "for a full copy when the container was created. A real btrfs engine agrees: appending "
                "one byte to a 5 MB image file makes the container's subvolume 4096 exclusive bytes "
                "(checked in `tests/engine/test_driver_engines.py`)."
            )
        ),
    ]


APPEND_OVERLAY2 = MultipleChoice(
    "A container appends one byte to a 1 GiB file that comes from its image. "
    "On overlay2, what is copied before the byte is written?",
    options=[
        "Only the 4 KiB block at the end of the file",
        "The whole 1 GiB file, into the container layer",
        "Nothing: the byte goes into the image layer",
    ],
    answer=1,
    explanation=(
        "overlay2 copies on write per file: the first open for writing copies the whole file up "
        "(1 GiB here), once; later writes go to the copy. The containerd store's overlayfs snapshotter "
        "uses the same kernel overlayfs, so it does the same. Only block-level drivers (btrfs, zfs, "
        "devicemapper) copy per block. That copy duplicates 1 GiB of disk blocks on ext4; on XFS with "
        "reflink or btrfs the kernel clones the file instead, so no data blocks are duplicated, though "
        "`docker ps -s` still counts 1 GiB."
    ),
    hints={
        0: "That is what btrfs does. Is overlay2's copy-on-write unit a block or a file?",
        2: "Image layers are read-only: every container shares them.",
    },
    misconception="cow-copies-blocks",
    id="05-append-overlay2",
    proof=Proof("The first write, on each driver", _append_overlay2),
)


def _btrfs_blocks() -> list[Part]:
    cost = get_driver("btrfs").first_write_cost(GiB, 10_000, offset=0)
    block = 4096
    rows = tuple(
        (
            n,
            _("{first:,} to {last:,}", first=n * block, last=(n + 1) * block - 1),
            min(10_000, (n + 1) * block) - n * block,
        )
        for n in range(-(-10_000 // block))
    )
    return [
        Table((_("block"), _("its bytes"), _("bytes the write changes in it")), rows),
        Said(
            _(
                "btrfs's model says {cost:,} bytes of new blocks: three whole blocks. The last one is "
                "only partly overwritten, so its old bytes are copied into the new block first.",
                cost=cost,
            )
        ),
    ]


BTRFS_BLOCKS = ShortAnswer(
    "On btrfs (4 KiB blocks), a container overwrites 10,000 bytes starting at byte 0 of a 1 GiB image file. "
    "How many bytes of new blocks does it write? (a number)",
    answer=12288,
    explanation=(
        "Bytes 0 to 9,999 touch blocks 0, 1 and 2 (each 4,096 bytes): three new blocks, 12,288 bytes. "
        "The last block is only partly overwritten, so its old bytes are copied into the new block first."
    ),
    hint="Which 4 KiB blocks do bytes 0 to 9,999 fall into?",
    misconception="cow-copies-blocks",
    id="05-btrfs-blocks",
    proof=Proof("The blocks the write touches", _btrfs_blocks),
)


def _engine_20_btrfs() -> list[Part]:
    old, new = (explain_choice("btrfs", engine_version=v) for v in ("20.10", "23.0"))
    expect(old.driver == "btrfs", _("Engine 20.10 should pick btrfs on a btrfs data root"))
    return [Printed(f"{old.why}\n\n{new.why}")]


ENGINE_20_BTRFS = MultipleChoice(
    "An Engine 20.10 starts on a host whose /var/lib/docker is on btrfs. Which driver does it pick?",
    options=["overlay2", "btrfs", "vfs"],
    answer="btrfs",
    explanation=(
        "Before 23.0 the priority list started with btrfs and zfs, each of which only works on its own "
        "filesystem: on a btrfs data root, btrfs wins. Since 23.0 (moby#42661) overlay2 comes first, "
        "and it works over btrfs, so a fresh Engine 23.0 to 28 on btrfs picks overlay2 (a fresh Engine 29 "
        "uses the containerd image store, whose overlayfs snapshotter works over btrfs too)."
    ),
    hints={
        0: "That is what a 23.0 or newer engine picks. Which drivers came first in the list before 23.0?",
        2: "vfs is the last resort, taken only when nothing else works: does btrfs work on a btrfs data root?",
    },
    id="05-engine-20-btrfs",
    proof=Proof("The choice on btrfs, by Engine version", _engine_20_btrfs),
)


def _devicemapper_25() -> list[Part]:
    removed = get_driver("devicemapper").status.available_in("25.0")
    picked = choose_driver("ext4", engine_version="25.0", existing=["devicemapper"])
    expect(
        not removed and picked == "overlay2",
        _("Engine 25.0 should ignore the old devicemapper directory"),
    )
    try:
        choose_driver("ext4", engine_version="24.0", existing=["devicemapper"])
    except DriverError as err:
        refused = str(err)
    else:
        expect(False, _("Engine 24.0 should refuse a prior devicemapper directory"))
    return [
        Table(
            (_("Engine"), _("/var/lib/docker/devicemapper/ on ext4, nothing configured")),
            (
                (
                    "25.0",
                    _(
                        "devicemapper: {reason}; the engine picks {driver}",
                        reason=removed.reason,
                        driver=picked,
                    ),
                ),
                ("24.0", refused),
            ),
        ),
        Said(
            _(
                "25.0 does not look for directories of drivers it no longer has. The old images are "
                "still on disk, but `docker images` is empty."
            )
        ),
    ]


DEVICEMAPPER_25 = MultipleChoice(
    "A host upgraded from Engine 20.10 to 25.0 still has its images in /var/lib/docker/devicemapper. What happens?",
    options=[
        "The engine converts the images to overlay2",
        "It refuses to start: devicemapper was removed in 25.0",
        "It starts on overlay2, and the old images are simply not there",
        "The engine keeps using devicemapper with a warning",
    ],
    answer=2,
    explanation=(
        "Engine 25.0 no longer has the devicemapper driver, so it does not even notice the old directory: "
        "it picks overlay2, and `docker images` is empty. Nothing was converted or deleted; the old data "
        "still fills the disk. It refuses to start only if `daemon.json` still says "
        '`"storage-driver": "devicemapper"`. Engines 23.0 and 24.0 did refuse to start with the old '
        "directory. Save or push your images before such an upgrade."
    ),
    hints={
        0: "An engine never converts stored layers from one driver to another: it would have to "
        "rewrite every image.",
        1: "A prior driver wins only if the engine still has it. Does 25.0 even look for a directory "
        "of a driver it no longer has?",
        3: "Is devicemapper's code still in Engine 25.0? Look at the table above.",
    },
    id="05-devicemapper-25",
    proof=Proof("What Engine 25.0 says", _devicemapper_25),
)


def _fifty_containers() -> list[Part]:
    vfs = cost_row(get_driver("vfs"), WORKLOADS["50-containers"])
    expect(9 * GiB < vfs.total_disk < 11 * GiB, _("50 containers on vfs should take about 10 GiB"))
    return [
        cost_chart("50-containers", list(COMPARED)),
        Said(
            _(
                "vfs: {total} in all, {containers} of it the "
                "containers' full copies. overlay2 and btrfs store the image once and 50 small logs.",
                total=human_size(vfs.total_disk),
                containers=human_size(vfs.containers_disk),
            )
        ),
    ]


FIFTY_CONTAINERS = MultipleChoice(
    "50 containers run from one 100 MiB image and each writes a 4 KiB log. "
    "About how much disk does that take on vfs?",
    options=["About 100 MiB", "About 300 MiB", "About 10 GiB"],
    answer=2,
    explanation=(
        "vfs gives every container two full copies of the image (its -init and its writable layer): "
        "50 x 2 x 100 MiB is 10,000 MiB, nearly 10 GiB, on top of the image's own layers, themselves "
        "stored as growing full copies. overlay2 stores the image once and 50 x 4 KiB more. (That is on "
        "ext4: on XFS with reflink or btrfs vfs's copies share blocks and cost little disk.)"
    ),
    hints={
        0: "That is about what overlay2 needs: the image once. What does vfs give every container?",
        1: "vfs copies per container, not per image: how many containers, and how many full copies each?",
    },
    id="05-fifty-containers",
    proof=Proof("50 containers on each driver", _fifty_containers),
)

EXERCISES = (
    VFS_CONTAINER, APPEND_OVERLAY2, BTRFS_BLOCKS, ENGINE_20_BTRFS, DEVICEMAPPER_25, FIFTY_CONTAINERS,
)  # fmt: skip
