"""The driver lab without a browser, and the model pieces it stands on (typed sizes, the choice).

Expected bytes are worked out here from the workload (4 KiB btrfs blocks, 64 KiB
devicemapper blocks), not read back from the lab.
"""

from __future__ import annotations

import html
import itertools
import re

import ipywidgets
import pytest

pytest.importorskip("ipywidgets")

from layerlab.drivers import DRIVERS, DriverError, GiB, KiB, MiB, choose_driver
from layerlab.drivers.choice import explain_choice
from layerlab.drivers.custom import custom_workload, parse_bytes, parse_count
from layerlab.widgets import DriverLab

BASE_BTRFS = 2 * MiB + 4 * KiB  # the 2 MiB busybox and the 8-byte os-release, in 4 KiB blocks


def up(n: int, unit: int) -> int:
    return -(-n // unit) * unit


def shown(widget_html: str) -> str:
    return html.unescape(widget_html)


@pytest.fixture()
def lab() -> DriverLab:
    return DriverLab()


# -- typed values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, want",
    [("4096", 4096), ("1 GiB", GiB), ("1GiB", GiB), (" 10 MiB ", 10 * MiB), ("1.5 kB", 1500), ("2 MB", 2_000_000),
     ("1,000,000", 1_000_000), ("0", 0), ("1 b", 1), ("0.5 KiB", 512)],
)  # fmt: skip
def test_parse_bytes(text: str, want: int) -> None:
    assert parse_bytes(text) == want


@pytest.mark.parametrize(
    "text, message",
    [("lots", "'lots' is not a size"), ("-1", "is not a size"), ("1 XB", "is not a size"), ("", "is not a size"),
     ("1.3 B", "not a whole number of bytes"), ("2 TiB", "more than 1 TiB")],
)  # fmt: skip
def test_parse_bytes_refuses(text: str, message: str) -> None:
    with pytest.raises(DriverError, match=message) as err:
        parse_bytes(text, "file size")
    assert str(err.value).startswith("file size:")
    assert "GiB" in str(err.value) or "whole" in str(err.value) or "1 TiB" in str(err.value)


def test_parse_count() -> None:
    assert parse_count("10") == 10 and parse_count("1_000") == 1000
    for bad in ("lots", "-2", "3.5", "", "١٢"):
        with pytest.raises(DriverError, match="not a whole number"):
            parse_count(bad)
    with pytest.raises(DriverError, match="too many"):
        parse_count("10001")


def test_custom_workload_describes_itself() -> None:
    work = custom_workload(3, "1 MiB", "10")
    assert work.containers == 3 and work.ops[0].nbytes == 10
    assert work.description == "3 containers each append 10 B to a 1,048,576 B file of the image"


# -- which driver --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fs, version, rootless, want",
    [("ext4", "29.0", False, "overlay2"), ("xfs", "24.0", False, "overlay2"),
     ("btrfs", "20.10", False, "btrfs"),  # seen on Debian's dockerd 20.10
     ("btrfs", "23.0", False, "overlay2"),  # moby#42661 put overlay2 first
     ("zfs", "20.10", False, "zfs"), ("nfs", "29.0", False, "vfs"), ("zfs", "29.0", True, "fuse-overlayfs")],
)  # fmt: skip
def test_explain_choice(fs: str, version: str, rootless: bool, want: str) -> None:
    choice = explain_choice(fs, engine_version=version, rootless=rootless)
    assert choice.driver == want
    assert f": {want}" in choice.why


def test_explain_choice_agrees_with_choose_driver_everywhere() -> None:
    for fs, version, rootless, kernel in itertools.product(
        ("ext4", "xfs", "btrfs", "zfs", "tmpfs", "nfs", "overlay", "ecryptfs"),
        ("17.06", "18.09", "20.10", "23.0", "24.0", "29.0"),
        (False, True),
        ("4.15", "5.4", "6.1"),
    ):
        choice = explain_choice(fs, engine_version=version, rootless=rootless, kernel=kernel)
        assert choice.driver == choose_driver(
            fs, engine_version=version, rootless=rootless, kernel=kernel
        )
        verdicts = [c.verdict for c in choice.candidates]
        assert verdicts.count("chosen") == 1
        first = verdicts.index("chosen")
        assert set(verdicts[:first]) <= {"skipped"} and set(verdicts[first + 1 :]) <= {"not tried"}


@pytest.mark.parametrize("bad", ["24.x", "latest", "", "twenty"])
def test_explain_choice_refuses_what_is_not_a_version(bad: str) -> None:
    with pytest.raises(DriverError, match="is not a version number"):
        explain_choice("ext4", engine_version=bad)
    with pytest.raises(DriverError, match="kernel version"):
        explain_choice("ext4", kernel=bad)


# -- the widget ----------------------------------------------------------------------------------


def test_structure(lab: DriverLab) -> None:
    assert "layerlab-driverlab" in lab._dom_classes
    assert sorted(lab.boxes) == sorted(DRIVERS)
    for name, box in lab.boxes.items():
        assert {"layerlab-driverlab-driver", f"layerlab-driverlab-driver-{name}"} <= set(
            box._dom_classes
        )
    for part, cls in [(lab.workload_picker, "workload"), (lab.containers, "containers"), (lab.file_size, "file-size"),
                      (lab.bytes_written, "bytes-written"), (lab.compare_button, "compare"), (lab.error, "error"),
                      (lab.chart, "chart"), (lab.table, "table"), (lab.fs, "fs"), (lab.engine, "engine"),
                      (lab.kernel, "kernel"), (lab.choose_button, "choose"), (lab.answer, "choice"),
                      (lab.choose_error, "choose-error")]:  # fmt: skip
        assert f"layerlab-driverlab-{cls}" in part._dom_classes
    assert lab.drivers == ("overlay2", "btrfs", "zfs", "vfs")
    assert "<svg" in lab.chart.value and lab.error.value == ""
    assert "picks <b class='layerlab-driverlab-picked'>overlay2</b>" in lab.answer.value
    assert lab.custom.layout.display == "none"


def test_ticking_a_driver_adds_its_bar_and_row(lab: DriverLab) -> None:
    before = lab.chart.value
    assert "devicemapper" not in before
    lab.boxes["devicemapper"].value = True
    assert lab.chart.value != before and "devicemapper" in lab.chart.value
    # 10 containers append 1 B to a 1 GiB file: each writes one new 64 KiB block
    total = up(2 * MiB, 64 * KiB) + 64 * KiB + GiB + 10 * 64 * KiB
    assert f"{total:,} B" in shown(lab.chart.value) and f"{total:,} B" in shown(lab.table.value)
    lab.boxes["vfs"].value = False
    assert "vfs" not in lab.drivers and ">vfs<" not in lab.table.value


def test_choosing_a_standard_workload(lab: DriverLab) -> None:
    lab.workload_picker.value = "100-layers"
    assert lab.workload is not None and lab.workload.name == "100-layers"
    assert "a 100-layer image" in shown(lab.chart.value)
    vfs = 100 * (2 * MiB + 8) + MiB * sum(range(100)) + 2 * (2 * MiB + 8 + 99 * MiB)
    assert f"{vfs:,} B" in shown(lab.table.value)


def test_custom_workload_in_the_widget(lab: DriverLab) -> None:
    lab.workload_picker.value = "custom"
    assert lab.custom.layout.display == ""
    lab.containers.value, lab.file_size.value, lab.bytes_written.value = "5", "10,000,000", "6000"
    lab.compare_button.click()
    assert lab.error.value == ""
    size, wrote = 10_000_000, 6000
    blocks = (size + wrote - 1) // 4096 - size // 4096 + 1
    btrfs = BASE_BTRFS + up(size, 4096) + 5 * blocks * 4096
    assert f"{btrfs:,} B" in shown(lab.chart.value)
    assert "5 containers each append 6,000 B to a 10,000,000 B file" in shown(lab.chart.value)


@pytest.mark.parametrize(
    "field, value, message",
    [("containers", "lots", "containers: 'lots' is not a whole number"),
     ("file_size", "big", "file size: 'big' is not a size"),
     ("bytes_written", "1 parsec", "bytes written: '1 parsec' is not a size")],
)  # fmt: skip
def test_bad_custom_values_show_an_error_and_change_nothing(
    lab: DriverLab, field: str, value: str, message: str
) -> None:
    lab.workload_picker.value = "custom"
    chart, table, workload = lab.chart.value, lab.table.value, lab.workload
    getattr(lab, field).value = value
    lab.compare_button.click()
    assert message in shown(lab.error.value)
    assert "last good choice" in lab.error.value
    assert (lab.chart.value, lab.table.value, lab.workload) == (chart, table, workload)
    getattr(lab, field).value = {"containers": "2", "file_size": "1 MiB", "bytes_written": "2"}[
        field
    ]
    lab.compare_button.click()
    assert lab.error.value == "" and lab.chart.value != chart


def test_no_driver_ticked_is_an_error(lab: DriverLab) -> None:
    for name in ("overlay2", "btrfs", "zfs"):
        lab.boxes[name].value = False
    chart, table = lab.chart.value, lab.table.value
    assert lab.drivers == ("vfs",) and lab.error.value == ""
    lab.boxes["vfs"].value = False
    assert "no storage driver chosen; pick at least one of: overlay2" in shown(lab.error.value)
    assert (lab.chart.value, lab.table.value, lab.drivers) == (chart, table, ("vfs",))
    lab.boxes["btrfs"].value = True
    assert lab.error.value == "" and lab.drivers == ("btrfs",)


def test_which_driver_part(lab: DriverLab) -> None:
    lab.fs.value, lab.engine.value = "btrfs", "20.10"
    lab.choose_button.click()
    assert "picks <b class='layerlab-driverlab-picked'>btrfs</b>" in lab.answer.value
    lab.engine.value = "23.0"
    lab.choose_button.click()
    assert "picks <b class='layerlab-driverlab-picked'>overlay2</b>" in lab.answer.value
    answer = lab.answer.value
    lab.engine.value = "24.x"
    lab.choose_button.click()
    assert "Engine version: '24.x' is not a version number" in shown(lab.choose_error.value)
    assert lab.answer.value == answer
    lab.engine.value = " 29.0 "
    lab.choose_button.click()
    assert lab.choose_error.value == ""


def test_choose_button_and_figures_table_fit() -> None:
    """The button's words are not cut (it takes its own width, the row wraps), and the
    figures are an HTML table with text left and byte counts right."""
    lab = DriverLab(drivers=["overlay2", "vfs"])
    assert lab.choose_button.description == "Which driver?"
    assert lab.choose_button.layout.width == "auto"
    row = next(c for c in lab.children if isinstance(c, ipywidgets.HBox) and lab.choose_button in c.children)
    assert row.layout.flex_flow == "row wrap"
    table = lab.table.value
    assert re.search(r"<td style='text-align:right;[^']*'><span style='white-space:nowrap'>[\d,]+ B</span>", table)
    assert re.search(r"<td style='text-align:left;[^']*'><b>overlay2</b>", table)
    assert "overflow-x" not in lab.chart.value and "max-width:100%" in lab.chart.value


def test_the_backing_filesystem_changes_what_copies_cost() -> None:
    """ext4: ten containers appending a byte to a 1 GiB file copy it ten times; on XFS the
    copies are clones and each container owns one 4 KiB block."""
    lab = DriverLab(drivers=("overlay2",), workload="append-1-byte-to-1GiB")
    row = lambda: re.sub(r"<[^>]+>", " ", lab.table.value)  # noqa: E731
    assert "10,737,418,250 B" in row()
    lab.cost_fs.value = "xfs"
    assert "40,960 B" in row() and "10,737,418,250 B" not in row()
    assert "copies share blocks" in lab.chart.value
