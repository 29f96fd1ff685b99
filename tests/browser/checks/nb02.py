"""02 · layers and reuse: the build lab rebuilds in the browser."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..language import Say
from .common import WAIT_MS, assert_said, wait_changed, wait_said, wait_text


def check(page: Any, artifacts: Path, say: Say) -> None:
    """Edit the build lab's Dockerfile, press Build: the pictures change and the log says CACHED.

    The COPY line changes, so apt and pip are reused and COPY is built again: the new
    picture must differ from the old one and name the new line.
    """
    lab = page.locator(".layerlab-buildlab").first
    lab.scroll_into_view_if_needed()
    picture = lab.locator(".layerlab-buildlab-picture")
    log = lab.locator(".layerlab-buildlab-log")
    picture.locator("svg").first.wait_for(timeout=WAIT_MS)
    before = picture.inner_html()
    textarea = lab.locator(".layerlab-buildlab-dockerfile textarea")
    text = textarea.input_value()
    assert "COPY . /opt/source-code" in text, text
    textarea.fill(text.replace("COPY . /opt/source-code", "COPY app.py /opt/source-code/"))
    t0 = time.perf_counter()
    lab.locator(".layerlab-buildlab-build").click()
    wait_changed(page, picture, before)
    round_trip = time.perf_counter() - t0
    after = picture.inner_html()
    assert after != before
    assert "COPY app.py /opt/source-code/" in picture.inner_text()
    assert_said(picture.inner_text(), say, "FIRST MISS: built again")
    # the log is a widget of its own, updated after the picture; CACHED is BuildKit's word
    wait_text(page, log, "CACHED")
    log_text = log.inner_text()
    assert log_text.count("CACHED") == 2, log_text
    assert lab.locator(".layerlab-buildlab-error").inner_text().strip() == ""

    # A broken line: a message in the widget, the pictures stay as they were.
    textarea.fill("FROM ubuntu:16.04\nRUN make all\n")
    lab.locator(".layerlab-buildlab-build").click()
    error = lab.locator(".layerlab-buildlab-error")
    wait_said(page, error, say, "Dockerfile line {line}: ", line=2)
    assert picture.inner_html() == after
    lab.screenshot(path=str(artifacts / "02-build-lab.png"))
    print(f"build lab: rebuild round trip {round_trip * 1000:.0f} ms in the browser")
