"""08 · when the disk fills up: the log-split exercise answers, and the log lab reruns in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..language import Say
from .common import WAIT_MS, assert_said, check_multiple_choice, exercise_asking, wait_changed

#: The log lab's status line (layerlab/widgets/log_lab.py, TEXT["status"]).
STATUS = "kept {kept:,} of {printed:,} lines in {files} file(s), {size:,} bytes; docker ps -s: {layer}"


def check(page: Any, artifacts: Path, say: Say) -> None:
    """The exercise on printed vs written logs (08-log-split); the log lab with max-file=5
    keeps 5 files, and max-file=two is refused in dockerd's own (English) words."""
    check_multiple_choice(page, exercise_asking(page, say, "08-log-split"), artifacts, "08")

    lab = page.locator(".layerlab-loglab").first
    lab.scroll_into_view_if_needed()
    status = lab.locator(".layerlab-loglab-status")
    before = status.inner_html()
    lab.locator(".layerlab-loglab-max-file input").fill("5")
    lab.locator(".layerlab-loglab-run").click()
    wait_changed(page, status, before)
    # the empty container layer: 0B (classic store), one 4 KiB block (containerd store)
    assert_said(status.inner_text(), say, STATUS, files=5)
    assert any(say.pattern(STATUS, files=5, layer=size).search(status.inner_text())
               for size in ("0B", "4.1kB")), status.inner_text()  # fmt: skip
    assert "--log-opt max-file=5" in lab.locator(".layerlab-loglab-result").inner_text()
    after = lab.locator(".layerlab-loglab-result").inner_html()
    lab.locator(".layerlab-loglab-max-file input").fill("two")
    lab.locator(".layerlab-loglab-run").click()
    # the refusal layerlab/engine/logs.py writes, in the notebook's language
    refused = say("max-file: not a number: {value!r}", value="two")
    lab.locator(".layerlab-loglab-error").get_by_text(refused).wait_for(timeout=WAIT_MS)
    assert lab.locator(".layerlab-loglab-result").inner_html() == after
    lab.screenshot(path=str(artifacts / "08-log-lab.png"))
