"""07 · look inside a real image: the image explorer in the browser (pick layers, narrow, bad input)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..language import Say
from .common import WAIT_MS, wait_changed, wait_said

#: In the notebook's Dockerfile: ``dd ... of=/release.tar bs=1024 count=5120`` (layer 2),
#: ``rm /release.tar`` (layer 3), a 1 MiB tool copied (layer 4) and chmod-ed (layer 5).
RELEASE_BYTES = 1024 * 5120
TOOL_BYTES = 256 * 4096


def decimal(n: int) -> str:
    """Sizes as docker prints them, 3 significant digits, decimal units (5242880 -> 5.24MB)."""
    return f"{n / 1e6:.3g}MB"


def check(page: Any, artifacts: Path, say: Say) -> None:
    """Layer 3 shows /release.tar removed with its 5.24 MB; layer 5 the tool modified (1.05 MB);
    '../etc' as a path is refused inside the widget and the tree stays; '/usr' narrows it."""
    explorer = page.locator(".layerlab-explorer").first
    explorer.scroll_into_view_if_needed()
    tree = explorer.locator(".layerlab-explorer-tree")
    tree.locator(".layerlab-explorer-tree-body").wait_for(timeout=WAIT_MS)
    assert explorer.locator(".layerlab-explorer-picture svg").count() == 1
    layer = explorer.locator(".layerlab-explorer-layer select")

    before = tree.inner_html()
    t0 = time.perf_counter()
    layer.select_option(index=3)
    wait_changed(page, tree, before)
    round_trip = time.perf_counter() - t0
    removed = tree.locator(".layerlab-explorer-mark-D")
    assert removed.count() == 1, tree.inner_text()
    assert "release.tar" in removed.inner_text() and decimal(RELEASE_BYTES) in removed.inner_text()
    assert tree.locator(".layerlab-explorer-mark-A, .layerlab-explorer-mark-M").count() == 0

    before = tree.inner_html()
    layer.select_option(index=5)
    wait_changed(page, tree, before)
    modified = tree.locator(".layerlab-explorer-mark-M")
    assert modified.count() == 1 and "tool" in modified.inner_text(), tree.inner_text()
    assert decimal(TOOL_BYTES) in modified.inner_text()
    shown = tree.inner_html()

    under = explorer.locator(".layerlab-explorer-under input")
    under.fill("../etc")
    under.press("Enter")
    error = explorer.locator(".layerlab-explorer-error")
    wait_said(page, error, say, "path {path!r} climbs out of the image root with '..'")
    assert tree.inner_html() == shown

    explorer.locator(".layerlab-explorer-changes input[type=checkbox]").uncheck()
    wait_changed(page, tree, shown)
    under.fill("/usr")
    before = tree.inner_html()
    under.press("Enter")
    wait_changed(page, tree, before)
    rows = tree.locator(".layerlab-explorer-row")
    titles = [rows.nth(i).get_attribute("title") or "" for i in range(rows.count())]
    assert titles and all(t.startswith("/usr") for t in titles), titles
    assert error.inner_text().strip() == ""
    explorer.screenshot(path=str(artifacts / "07-image-explorer.png"))
    print(f"image explorer: layer switch round trip {round_trip * 1000:.0f} ms in the browser")
