"""06 · volumes: the container lab with a shared named volume, in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..language import Say
from .common import WAIT_MS, wait_changed, wait_said

NOT_ABSOLUTE = ("{text!r} is not an absolute path inside the container: start it with / "
                "(e.g. /data/model.bin); host paths and relative paths are not supported")  # fmt: skip


def check(page: Any, artifacts: Path, say: Say) -> None:
    """Append to the log on the named volume: no copy-up, both docker diffs stay empty, the
    second container sees the same volume; a relative path is refused inside the widget."""
    lab = page.locator(".layerlab-containerlab").first
    lab.scroll_into_view_if_needed()
    picture = lab.locator(".layerlab-containerlab-picture")
    picture.locator("svg").first.wait_for(timeout=WAIT_MS)
    before = picture.inner_html()
    lab.locator(
        ".layerlab-containerlab-apply"
    ).click()  # the notebook preset: append to /var/log/app/app.log
    wait_changed(page, picture, before)
    # the status is a widget of its own: its update may come after the picture's
    wait_said(page, lab.locator(".layerlab-containerlab-status"), say, "no copy-up")
    status = lab.locator(".layerlab-containerlab-status").inner_text()
    assert say("no copy-up") in status and "/var/log/app/app.log" in status, status
    assert say("(no changes)") in lab.locator(".layerlab-containerlab-diff-a").inner_text()
    assert say("(no changes)") in lab.locator(".layerlab-containerlab-diff-b").inner_text()
    isolation = lab.locator(".layerlab-containerlab-isolation").inner_text()
    assert say("volume {name}", name="logs") in isolation, isolation
    after = picture.inner_html()
    lab.locator(".layerlab-containerlab-path input").fill("var/log/app/app.log")
    lab.locator(".layerlab-containerlab-apply").click()
    wait_said(page, lab.locator(".layerlab-containerlab-error"), say, NOT_ABSOLUTE,
              text="var/log/app/app.log")  # fmt: skip
    assert picture.inner_html() == after
    lab.screenshot(path=str(artifacts / "06-container-lab.png"))
