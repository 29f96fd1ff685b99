"""05 · storage drivers: the driver lab in the browser (tick, custom workload, bad input, choose)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..language import Say
from .common import WAIT_MS, wait_changed, wait_said, wait_text

MiB = 1024 * 1024
#: The driver lab's sentences (layerlab/widgets/driver_lab.py, layerlab/drivers/).
CUSTOM = "custom: N containers each append bytes to one file"
NOT_WHOLE = "{what}: {raw!r} is not a whole number; type e.g. '10' (0 to {maximum:,})"
PICKS = ("On <b>{fs}</b> with Engine {engine} (kernel {kernel}) the engine picks {picked}.",
         "On <b>{fs}</b> with Engine {engine} (kernel {kernel}, rootless) the engine picks {picked}.")  # fmt: skip
NOT_A_VERSION = "{what}: {text!r} is not a version number; type e.g. {examples}"
BLOCK = 4096  # btrfs copies on write per 4 KiB block


def up(n: int, unit: int) -> int:
    return -(-n // unit) * unit


def btrfs_total(containers: int, size: int, appended: int) -> int:
    """The custom workload on btrfs, from its definition: the base layer (a 2 MiB busybox and
    an 8-byte os-release), a layer with one ``size``-byte file, and ``containers`` containers
    that each append ``appended`` bytes, writing only the 4 KiB blocks the append touches."""
    image = up(2 * MiB, BLOCK) + up(8, BLOCK) + up(size, BLOCK)
    touched = (size + appended - 1) // BLOCK - size // BLOCK + 1
    return image + containers * touched * BLOCK


def check(page: Any, artifacts: Path, say: Say) -> None:
    """Tick devicemapper: a new bar. A custom workload: btrfs's exact total as computed here.
    "lots" containers: a message in the widget, chart unchanged. Which driver: btrfs on 20.10."""
    lab = page.locator(".layerlab-driverlab").first
    lab.scroll_into_view_if_needed()
    chart = lab.locator(".layerlab-driverlab-chart")
    chart.locator("svg").first.wait_for(timeout=WAIT_MS)
    round_trip = _tick_devicemapper(page, lab, chart)
    _custom_workload(page, lab, chart, say, containers=3, size=10_000_000, appended=6000)
    _bad_input_keeps_the_chart(page, lab, chart, say)
    _which_driver(page, lab, say)
    lab.screenshot(path=str(artifacts / "05-driver-lab.png"))
    print(f"driver lab: tick round trip {round_trip * 1000:.0f} ms in the browser")


def _tick_devicemapper(page: Any, lab: Any, chart: Any) -> float:
    """Tick a driver: its bar and its table row appear. The round trip, in seconds."""
    before = chart.inner_html()
    assert "devicemapper" not in chart.text_content()
    t0 = time.perf_counter()
    lab.locator(".layerlab-driverlab-driver-devicemapper input[type=checkbox]").check()
    wait_changed(page, chart, before)
    round_trip = time.perf_counter() - t0
    assert "devicemapper" in chart.text_content()
    table = lab.locator(".layerlab-driverlab-table")  # a separate widget: its update may come later
    wait_text(page, table, "devicemapper")
    return round_trip


def _custom_workload(
    page: Any, lab: Any, chart: Any, say: Say, *, containers: int, size: int, appended: int
) -> None:
    """``containers`` containers each append ``appended`` bytes to a ``size``-byte file:
    the chart shows btrfs's total as :func:`btrfs_total` works it out."""
    lab.locator(".layerlab-driverlab-workload select").select_option(label=say(CUSTOM))
    lab.locator(".layerlab-driverlab-custom").wait_for(state="visible", timeout=WAIT_MS)
    for part, value in (
        ("containers", str(containers)),
        ("file-size", f"{size:,}"),
        ("bytes-written", str(appended)),
    ):
        box = lab.locator(f".layerlab-driverlab-{part} input")
        box.fill(value)
        box.press("Tab")
    old = chart.inner_html()
    lab.locator(".layerlab-driverlab-compare").click()
    wait_text(page, chart, f"{btrfs_total(containers, size, appended):,} B")
    assert chart.inner_html() != old
    assert lab.locator(".layerlab-driverlab-error").text_content().strip() == ""


def _bad_input_keeps_the_chart(page: Any, lab: Any, chart: Any, say: Say) -> None:
    """ "lots" containers: a message inside the widget, the chart stays."""
    good = chart.inner_html()
    box = lab.locator(".layerlab-driverlab-containers input")
    box.fill("lots")
    box.press("Tab")
    lab.locator(".layerlab-driverlab-compare").click()
    wait_said(page, lab.locator(".layerlab-driverlab-error"), say, NOT_WHOLE, raw="lots")
    assert chart.inner_html() == good


def _which_driver(page: Any, lab: Any, say: Say) -> None:
    """Engine 20.10 on btrfs picks btrfs; "24.x" as a version is refused, the answer stays."""
    lab.locator(".layerlab-driverlab-fs select").select_option(label="btrfs")
    engine = lab.locator(".layerlab-driverlab-engine input")
    engine.fill("20.10")
    engine.press("Tab")
    lab.locator(".layerlab-driverlab-choose").click()
    answer = lab.locator(".layerlab-driverlab-choice")  # the widget stays; its HTML is replaced
    wait_said(page, answer, say, *PICKS, fs="btrfs", engine="20.10", picked="btrfs")
    engine.fill("24.x")
    engine.press("Tab")
    lab.locator(".layerlab-driverlab-choose").click()
    wait_said(page, lab.locator(".layerlab-driverlab-choose-error"), say, NOT_A_VERSION,
              text="24.x")  # fmt: skip
    assert lab.locator(".layerlab-driverlab-picked").text_content() == "btrfs"
