"""04 · copy-on-write: the container lab in the browser (chmod of a big file, EXDEV)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..language import Say
from .common import WAIT_MS, wait_changed, wait_said, wait_text

BIG_FILE_SIZE = 50_000_000  # /data/model.bin in cow_image()


def check(page: Any, artifacts: Path, say: Say) -> None:
    """chmod 600 of the 50 MB image file: the picture changes, 50,000,000 bytes were copied
    up, docker diff of the first container shows C lines and the second stays empty; a
    rename of an image directory shows EXDEV inside the widget and changes nothing."""
    lab = page.locator(".layerlab-containerlab").first
    lab.scroll_into_view_if_needed()
    picture = lab.locator(".layerlab-containerlab-picture")
    picture.locator("svg").first.wait_for(timeout=WAIT_MS)
    before = picture.inner_html()
    lab.locator(".layerlab-containerlab-operation select").select_option("chmod")
    lab.locator(".layerlab-containerlab-path input").fill("/data/model.bin")
    lab.locator(".layerlab-containerlab-argument input").fill("600")
    t0 = time.perf_counter()
    lab.locator(".layerlab-containerlab-apply").click()
    wait_changed(page, picture, before)
    round_trip = time.perf_counter() - t0
    assert (
        f"{BIG_FILE_SIZE:,} bytes" in picture.inner_text()
        or f"{BIG_FILE_SIZE:,}" in picture.inner_html()
    )
    # the status and the diffs are widgets of their own: their updates may come after the picture's
    wait_said(page, lab.locator(".layerlab-containerlab-status"), say,
              "copied up {n} entry ({data} with data, {meta} metadata only): {bytes:,} bytes of data",
              "copied up {n} entries ({data} with data, {meta} metadata only): {bytes:,} bytes of data",
              bytes=BIG_FILE_SIZE)  # fmt: skip
    wait_text(page, lab.locator(".layerlab-containerlab-diff-a"), "C /data/model.bin")
    diff_a = lab.locator(".layerlab-containerlab-diff-a").inner_text()
    assert "C /data/model.bin" in diff_a and "C /data" in diff_a, diff_a
    assert say("(no changes)") in lab.locator(".layerlab-containerlab-diff-b").inner_text()
    assert lab.locator(".layerlab-containerlab-error").inner_text().strip() == ""
    after = picture.inner_html()

    # An operation the kernel refuses: the message (its errno in any language) is inside the
    # widget, nothing changes.
    lab.locator(".layerlab-containerlab-operation select").select_option("rename")
    lab.locator(".layerlab-containerlab-path input").fill("/etc/app")
    lab.locator(".layerlab-containerlab-argument input").fill("/etc/app2")
    lab.locator(".layerlab-containerlab-apply").click()
    lab.locator(".layerlab-containerlab-error").get_by_text("EXDEV").wait_for(timeout=WAIT_MS)
    assert picture.inner_html() == after
    assert lab.locator(".layerlab-containerlab-diff-a").inner_text() == diff_a
    lab.screenshot(path=str(artifacts / "04-container-lab.png"))
    print(f"container lab: apply round trip {round_trip * 1000:.0f} ms in the browser")
