"""Driver pictures: every number drawn agrees with arithmetic done here, not with the model.

The expected bytes are worked out from each workload's definition and each driver's rule
(vfs: full copies; overlay2: whole-file copy-up; btrfs: 4 KiB blocks; devicemapper: 64 KiB
blocks; zfs: 128 KiB records, small files in 4 KiB sectors).
"""

from __future__ import annotations

import html
import re

import pytest

from layerlab.drivers import DriverError, GiB, KiB, MiB, Workload
from layerlab.drivers.custom import custom_workload
from layerlab.model.content import SyntheticContent
from layerlab.model.layer import Layer
from layerlab.render import Picture, layer_layout
from layerlab.render import drivers_side_by_side
from layerlab.render.drivers import (
    BAR_WIDTH,
    binary_size,
    bytes_label,
    cost_chart,
    status_in,
)

#: Every standard workload starts from this base: a 2 MiB busybox and an 8-byte os-release.
BASE = 2 * MiB + len(b"ID=demo\n")


def up(n: int, unit: int) -> int:
    return -(-n // unit) * unit


def text_of(picture: Picture) -> str:
    return html.unescape(picture.source.replace("<br/>", " "))


def rows_of(picture: Picture) -> dict[str, str]:
    """The chart's text per driver (from its name cell to the next driver's name cell)."""
    parts = re.split(r'(?=<tr><td align="right" valign="top" bgcolor)', picture.source)
    rows = {}
    for part in parts[1:]:
        name = re.search(r"<b>([a-z0-9-]+)</b><br/>", part)
        if name:
            rows[name.group(1)] = html.unescape(part)
    return rows


def totals(picture: Picture) -> dict[str, int]:
    """driver -> the exact total printed in bold beside its bar."""
    out = {}
    for driver, row in rows_of(picture).items():
        found = re.search(r"<b>([\d,]+) B", row.split("</td>", 1)[1])
        if found:
            out[driver] = int(found.group(1).replace(",", ""))
    return out


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, want",
    [(0, "0 B"), (10, "10 B"), (4096, "4 KiB"), (GiB, "1 GiB"), (GiB + 1, "1.0 GiB"),
     (1536, "1.5 KiB"), (150 * GiB + 5, "150 GiB")],
)  # fmt: skip
def test_binary_size(n: int, want: str) -> None:
    assert binary_size(n) == want


def test_bytes_label_is_exact_and_readable() -> None:
    assert bytes_label(1_073_741_825) == "1,073,741,825 B (1.0 GiB)"
    assert bytes_label(10) == "10 B"


# -- the cost chart ----------------------------------------------------------------------------


def test_append_one_byte_to_a_1gib_file_on_each_driver() -> None:
    chart = cost_chart("append-1-byte-to-1GiB", ["vfs", "overlay2", "btrfs", "devicemapper", "zfs"])
    got = totals(chart)
    n = 10
    # vfs: layer 1 = base, layer 2 = a full copy of base + the 1 GiB file; each container an
    # -init copy and a writable copy of the whole rootfs, then the appended byte
    vfs_image = BASE + (BASE + GiB)
    vfs_container = 2 * (BASE + GiB) + 1
    # overlay2: each layer holds only its files; each container copies the 1 GiB file up
    ov_image = BASE + GiB
    ov_container = GiB + 1
    # btrfs: 4 KiB blocks; the byte lands in a new block after the file's last full block
    bt_image = up(2 * MiB, 4 * KiB) + up(8, 4 * KiB) + GiB
    dm_image = up(2 * MiB, 64 * KiB) + up(8, 64 * KiB) + GiB
    zfs_image = 2 * MiB + 4 * KiB + GiB  # the 8-byte file takes one 4 KiB sector
    assert got == {
        "vfs": vfs_image + n * vfs_container,
        "overlay2": ov_image + n * ov_container,
        "btrfs": bt_image + n * 4 * KiB,
        "devicemapper": dm_image + n * 64 * KiB,
        "zfs": zfs_image + n * 128 * KiB,
    }
    rows = rows_of(chart)
    assert f"copied {n * 2 * (BASE + GiB):,} B" in rows["vfs"]
    assert f"copied {n * GiB:,} B (10 GiB)" in rows["overlay2"]
    assert "copied 0 B" in rows["btrfs"]
    assert f"containers {n * 4 * KiB:,} B (40 KiB)" in rows["btrfs"]


def test_fifty_containers_and_a_hundred_layers() -> None:
    fifty = totals(cost_chart("50-containers", ["overlay2", "vfs"]))
    image = BASE + 60 * MiB + 38 * MiB
    vfs_image = BASE + (BASE + 60 * MiB) + image
    assert fifty == {"overlay2": image + 50 * 4096, "vfs": vfs_image + 50 * (2 * image + 4096)}

    hundred = totals(cost_chart("100-layers", ["overlay2", "vfs"]))
    # vfs layer i holds the base and i one-MiB files: sum over i = 0..99
    assert hundred["vfs"] == 100 * BASE + MiB * sum(range(100)) + 2 * (BASE + 99 * MiB)
    assert hundred["overlay2"] == BASE + 99 * MiB


def test_deleting_in_a_later_layer_frees_nothing_except_on_vfs_copies() -> None:
    got = totals(cost_chart("delete-in-later-layer", ["overlay2", "vfs"]))
    big, done = 500 * MiB, 3
    assert got["overlay2"] == BASE + big + done  # the whiteout costs no bytes, the 500 MiB stay
    # vfs: the third layer is a copy WITHOUT the file, but layer 2's copy still holds it
    assert got["vfs"] == BASE + (BASE + big) + (BASE + done) + 2 * (BASE + done)


def test_custom_workload_for_btrfs_and_overlay2() -> None:
    work = custom_workload("7", "10,000,000 B", "5000")
    got = totals(cost_chart(work, ["btrfs", "overlay2"]))
    size, wrote = 10_000_000, 5000
    blocks = (size + wrote - 1) // 4096 - size // 4096 + 1  # blocks the append touches
    assert got["btrfs"] == up(2 * MiB, 4096) + 4096 + up(size, 4096) + 7 * blocks * 4096
    assert got["overlay2"] == BASE + size + 7 * (size + wrote)


def test_bars_are_to_scale() -> None:
    chart = cost_chart("append-1-byte-to-1GiB", ["vfs", "overlay2", "btrfs"])
    rows = rows_of(chart)

    def parts(driver: str) -> list[int]:
        return [
            int(w)
            for w in re.findall(
                r'<td width="(\d+)" height="14" fixedsize="true" bgcolor', rows[driver]
            )
        ]

    vfs_total = totals(chart)["vfs"]
    assert abs(sum(parts("vfs")) - BAR_WIDTH) <= 1  # the longest bar is full width
    ov_image, ov_containers = parts("overlay2")
    assert ov_image == round(BAR_WIDTH * (BASE + GiB) / vfs_total)
    assert ov_containers == round(BAR_WIDTH * 10 * (GiB + 1) / vfs_total)
    assert parts("btrfs")[1] == 2  # 40 KiB of 21 GiB: drawn at the 2 pt minimum, still visible


def test_chart_names_the_workload_and_a_driver_that_cannot_run_it() -> None:
    deep = Workload(
        "deep",
        "an image of 130 layers",
        lambda: [Layer.from_files({f"f{i}": SyntheticContent(10, seed=i)}) for i in range(130)],
        containers=1,
    )
    text = text_of(cost_chart(deep, ["overlay2"]))
    assert "an image of 130 layers" in text
    assert "cannot run: overlay2 cannot stack 130 layers (at most 125)" in text


def test_chart_is_the_same_every_time() -> None:
    assert cost_chart("50-containers").source == cost_chart("50-containers").source


@pytest.mark.parametrize(
    "args, message",
    [(("no-such-workload",), "unknown workload 'no-such-workload'"),
     (("50-containers", ["zfs2"]), "unknown storage driver 'zfs2'"),
     (("50-containers", []), "no storage driver chosen")],
)  # fmt: skip
def test_chart_refuses_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(DriverError, match=message):
        cost_chart(*args)


# -- drivers side by side --------------------------------------------------------------------------


def test_side_by_side_facts() -> None:
    table = drivers_side_by_side(["overlay2", "btrfs", "zfs", "devicemapper", "vfs", "aufs"])
    text = html.unescape(re.sub(r"<[^>]+>", " ", table.to_html()))
    text = " ".join(text.split())
    # first write = append 1 B to a 1 GiB image file: whole file + 1, one block, or 1 B
    facts = {name: table.facts[name]["first_write"] for name in table.facts}
    assert facts["overlay2"] == "1,073,741,825 B (1.0 GiB)"
    assert facts["btrfs"] == "4,096 B (4 KiB)"
    assert facts["zfs"] == "131,072 B (128 KiB)"
    assert facts["devicemapper"] == "65,536 B (64 KiB)"
    for cost in facts.values():
        assert cost.split(" (")[0] in text
    # vfs: a new container is the -init copy plus the writable copy of a 2 MiB + 1 GiB rootfs
    assert table.facts["vfs"]["container"] == bytes_label(2 * (2 * MiB + GiB))
    assert "block, 4 KiB" in text and "block, 64 KiB" in text and "block, 128 KiB" in text
    assert "128 lowers per mount" in text
    assert text.index("overlay2") < text.index("btrfs") < text.index("aufs")


def test_side_by_side_is_html_tables_with_text_left_and_numbers_right() -> None:
    page = drivers_side_by_side().to_html()
    assert "<svg" not in page and "<img" not in page
    assert page.count("<table") == 3
    heads = re.findall(r"<th style='text-align:(\w+);[^']*'>([^<]*)</th>", page)
    align = dict((name, side) for side, name in heads)
    assert align["driver"] == "left" and align["copy-on-write unit"] == "left"
    assert align["a new container"] == "right" and align["first write: append 1 B to the 1 GiB file"] == "right"
    assert re.search(r"<td style='text-align:right;[^']*'><span style='white-space:nowrap'>1,073,741,825 B</span>", page)
    plain = drivers_side_by_side()._repr_mimebundle_()["text/plain"]
    assert "devicemapper" in plain and "<" not in plain.replace("< 5.11", "")


@pytest.mark.parametrize(
    "driver, version, want",
    [("overlay2", "29.0", "supported"), ("aufs", "20.10", "deprecated"), ("aufs", "24.0", "removed"),
     ("overlay", "24.0", "removed"), ("devicemapper", "23.0", "opt-in"), ("devicemapper", "25.0", "removed"),
     ("fuse-overlayfs", "18.09", "not yet"), ("btrfs", "29.0", "supported")],
)  # fmt: skip
def test_status_by_engine_version(driver: str, version: str, want: str) -> None:
    from layerlab.drivers import get_driver

    assert status_in(get_driver(driver), version) == want


# -- layer layout ----------------------------------------------------------------------------------


def three_layers() -> list[Layer]:
    return [
        Layer.from_files({"bin/sh": SyntheticContent(5000, seed=1)}),
        Layer.from_files({"data/a": SyntheticContent(3 * MiB, seed=2)}),
        Layer.from_files({"app/x": b"12345"}),
    ]


def test_overlay2_layout() -> None:
    text = text_of(layer_layout("overlay2", three_layers()))
    assert "overlay2/<cache-id 3>/" in text and "lower · l/<short 2>:l/<short 1>" in text
    assert "<short 1> → ../<cache-id 1>/diff" in text
    assert text.count("committed · a child layer exists") == 2  # layers 1 and 2 have a child, 3 has none
    assert "what the names mean" in text and "overlayfs's lowerdir" in text  # the key under it
    for size in (5000, 3 * MiB, 5):
        assert bytes_label(size) in text


def test_vfs_and_btrfs_layouts() -> None:
    vfs = text_of(layer_layout("vfs", three_layers()))
    for size in (5000, 5000 + 3 * MiB, 5000 + 3 * MiB + 5):  # each layer a full copy
        assert f"{bytes_label(size)}</b> on disk" in vfs
    assert bytes_label(2 * (5000 + 3 * MiB + 5)) in vfs  # an empty container: two full copies
    btrfs = text_of(layer_layout("btrfs", three_layers()))
    assert "btrfs/subvolumes/<cache-id 2>" in btrfs and "snapshot of <cache-id 1>" in btrfs
    for size in (up(5000, 4096), 3 * MiB, 4096):
        assert f"{bytes_label(size)}</b> on disk" in btrfs
