"""08 · when the disk fills up: the log-split exercise answers, and the log lab reruns in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .common import WAIT_MS, check_multiple_choice, wait_changed


def check(page: Any, artifacts: Path) -> None:
    exercise = page.locator(".layerlab-exercise").filter(has_text="printed 520 kB of log lines")
    check_multiple_choice(page, exercise.first, artifacts, "08")

    lab = page.locator(".layerlab-loglab").first
    lab.scroll_into_view_if_needed()
    status = lab.locator(".layerlab-loglab-status")
    before = status.inner_html()
    lab.locator(".layerlab-loglab-max-file input").fill("5")
    lab.locator(".layerlab-loglab-run").click()
    wait_changed(page, status, before)
    # the empty container layer: 0B (classic store), one 4 KiB block (containerd store)
    assert "in 5 file(s)" in status.inner_text()
    assert any(f"docker ps -s: {size}" in status.inner_text() for size in ("0B", "4.1kB"))
    assert "--log-opt max-file=5" in lab.locator(".layerlab-loglab-result").inner_text()
    after = lab.locator(".layerlab-loglab-result").inner_html()
    lab.locator(".layerlab-loglab-max-file input").fill("two")
    lab.locator(".layerlab-loglab-run").click()
    lab.locator(".layerlab-loglab-error").get_by_text("not a number").wait_for(timeout=WAIT_MS)
    assert lab.locator(".layerlab-loglab-result").inner_html() == after
    lab.screenshot(path=str(artifacts / "08-log-lab.png"))
