"""01 · where Docker keeps things: the data-root explorer steps, explains and refuses in the browser."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from layerlab.build.catalogue import base_image

from ..language import Say
from .common import WAIT_MS, assert_said, wait_changed, wait_said, wait_text

ROOT = "/var/lib/docker"
#: The explorer's sentences (layerlab/widgets/dataroot_explorer.py, layerlab/dataroot/classic.py).
AT_START = "step {position} of {total} (start: nothing ran yet)"
AT_STEP = "step {position} of {total}"
LAYER_DIR = "the layer's directory; its name is the random cache-id.{keeper}"
BUILD_OR_LOAD = "docker build / pull / load / commit (the first image with this layer)"
UNSUPPORTED = "unsupported docker command {verb2!r} (supported: docker {verbs})"


def _nodes(picture: Any) -> dict[str, str]:
    """The tree picture's nodes: tooltip (the path) -> the text drawn in the box."""
    return picture.evaluate(
        """el => Object.fromEntries([...el.querySelectorAll('g.node')].flatMap(g => {
            const a = g.querySelector('a');  // the legend has no tooltip: left out
            const title = a ? (a.getAttribute('xlink:title') || a.getAttribute('title')) : '';
            const text = [...g.querySelectorAll('text')].map(t => t.textContent).join(' ');
            return title ? [[title, text]] : [];
        }))"""
    )


def check(page: Any, artifacts: Path, say: Say) -> None:
    """Next runs docker pull: the picture changes and new paths are marked NEW only under
    overlay2/ and image/. Picking the new layer directory shows what it holds and who made
    it. A misspelt command: a message inside the widget, picture and steps unchanged."""
    lab = page.locator(".layerlab-dataroot").first
    lab.scroll_into_view_if_needed()
    picture = lab.locator(".layerlab-dataroot-picture")
    picture.locator("svg").first.wait_for(timeout=WAIT_MS)
    position = lab.locator(".layerlab-dataroot-position")
    assert_said(position.inner_text(), say, AT_START, position=0, total=6)
    start = picture.inner_html()
    first = _nodes(picture)
    mark = say("NEW")  # the picture's and the list's mark of what the last command made
    assert f"{ROOT}/overlay2" in first and not [t for t in first.values() if mark in t]

    t0 = time.perf_counter()
    lab.locator(".layerlab-dataroot-next").click()
    wait_changed(page, picture, start)
    round_trip = time.perf_counter() - t0
    wait_said(page, position, say, AT_STEP, position=1, total=6)
    nodes = _nodes(picture)
    new = sorted(path for path, text in nodes.items() if mark in text)
    assert new, nodes
    assert all(p.startswith((f"{ROOT}/overlay2/", f"{ROOT}/image/")) for p in new), new
    layer_dirs = [p for p in new if p.count("/") == 5 and p.startswith(f"{ROOT}/overlay2/")]
    assert len(layer_dirs) == 1, new  # alpine has one layer: one new directory
    # its name is a random cache-id, not the layer's diff-id (the sha256 of its tar)
    tar = b"".join(base_image("alpine:3.20").layers[0].tar_chunks())
    assert hashlib.sha256(tar).hexdigest() not in layer_dirs[0]
    wait_text(page, lab.locator(".layerlab-dataroot-output"), "docker pull alpine:3.20")

    # pick the new directory in the list: its explanation and maker show
    select = lab.locator(".layerlab-dataroot-list select")
    texts = select.locator("option").all_inner_texts()
    name = layer_dirs[0].rsplit("/", 1)[1][:20]  # the list shortens long ids to 20 characters
    index = next(i for i, t in enumerate(texts) if name in t)
    assert f"[{mark}]" in texts[index], texts[index]
    select.select_option(index=index)
    detail = lab.locator(".layerlab-dataroot-detail")
    wait_said(page, detail, say, LAYER_DIR)
    assert layer_dirs[0] in detail.inner_text()
    assert_said(detail.inner_text(), say, BUILD_OR_LOAD)
    picked = picture.inner_html()

    # bad input: a message inside the widget; the picture and the steps stay
    box = lab.locator(".layerlab-dataroot-command input")
    box.fill("docker pul alpine")
    lab.locator(".layerlab-dataroot-run").click()
    error = lab.locator(".layerlab-dataroot-error")
    wait_said(page, error, say, UNSUPPORTED, verb2="pul alpine")
    assert "docker pull" in error.inner_text()
    assert picture.inner_html() == picked
    assert_said(position.inner_text(), say, AT_STEP, position=1, total=6)
    lab.screenshot(path=str(artifacts / "01-dataroot-explorer.png"))
    print(f"data-root explorer: Next round trip {round_trip * 1000:.0f} ms in the browser")
