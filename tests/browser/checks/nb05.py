"""05 · storage drivers: the driver lab in the browser (tick, custom workload, bad input, choose)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

MiB = 1024 * 1024
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


def _changed(page: Any, element: Any, old: str) -> None:
    page.wait_for_function(
        "([el, old]) => el.innerHTML !== old", arg=[element.element_handle(), old], timeout=15_000
    )


def check(page: Any, artifacts: Path) -> None:
    """Tick devicemapper: a new bar. A custom workload: btrfs's exact total as computed here.
    "lots" containers: a message in the widget, chart unchanged. Which driver: btrfs on 20.10."""
    lab = page.locator(".layerlab-driverlab").first
    lab.scroll_into_view_if_needed()
    chart = lab.locator(".layerlab-driverlab-chart")
    chart.locator("svg").first.wait_for(timeout=15_000)
    before = chart.inner_html()
    assert "devicemapper" not in chart.text_content()

    t0 = time.perf_counter()
    lab.locator(".layerlab-driverlab-driver-devicemapper input[type=checkbox]").check()
    _changed(page, chart, before)
    round_trip = time.perf_counter() - t0
    assert "devicemapper" in chart.text_content()
    table = lab.locator(".layerlab-driverlab-table")  # a separate widget: its update may come later
    page.wait_for_function(
        "el => el.textContent.includes('devicemapper')", arg=table.element_handle(), timeout=15_000
    )

    # a custom workload: 3 containers each append 6,000 B to a 10,000,000 B file
    containers, size, appended = 3, 10_000_000, 6000
    lab.locator(".layerlab-driverlab-workload select").select_option(
        label="custom: N containers each append bytes to one file"
    )
    lab.locator(".layerlab-driverlab-custom").wait_for(state="visible", timeout=15_000)
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
    want = f"{btrfs_total(containers, size, appended):,} B"
    page.wait_for_function(
        "([el, want]) => el.textContent.includes(want)",
        arg=[chart.element_handle(), want],
        timeout=15_000,
    )
    assert chart.inner_html() != old
    assert lab.locator(".layerlab-driverlab-error").text_content().strip() == ""
    good = chart.inner_html()

    # bad input: a message inside the widget, the chart stays
    box = lab.locator(".layerlab-driverlab-containers input")
    box.fill("lots")
    box.press("Tab")
    lab.locator(".layerlab-driverlab-compare").click()
    error = lab.locator(".layerlab-driverlab-error")
    error.get_by_text("'lots' is not a whole number").wait_for(timeout=15_000)
    assert chart.inner_html() == good

    # which driver would the engine pick?
    lab.locator(".layerlab-driverlab-fs select").select_option(label="btrfs")
    engine = lab.locator(".layerlab-driverlab-engine input")
    engine.fill("20.10")
    engine.press("Tab")
    lab.locator(".layerlab-driverlab-choose").click()
    answer = lab.locator(
        ".layerlab-driverlab-choice"
    )  # the widget stays; its inner HTML is replaced
    page.wait_for_function(
        "el => el.textContent.includes('the engine picks btrfs')",
        arg=answer.element_handle(),
        timeout=15_000,
    )
    engine.fill("24.x")
    engine.press("Tab")
    lab.locator(".layerlab-driverlab-choose").click()
    lab.locator(".layerlab-driverlab-choose-error").get_by_text("is not a version number").wait_for(
        timeout=15_000
    )
    assert lab.locator(".layerlab-driverlab-picked").text_content() == "btrfs"
    lab.screenshot(path=str(artifacts / "05-driver-lab.png"))
    print(f"driver lab: tick round trip {round_trip * 1000:.0f} ms in the browser")
