"""Every picture the course draws, drawn by a browser: no two text boxes overlap, and every
text stays inside the box dot drew around it.

``dot`` places each run of text at the widths *it* measured; the browser draws the runs in
the font *it* has. Where the two disagree (another font, a space SVG collapses) words run
into each other ("image layer 2serves") or out of their box. This test measures what the
browser drew: headless Chromium, ``getBoundingClientRect()`` of every ``<text>``. The SVGs
and a PNG of each go to ``$LAYERLAB_ARTIFACTS/pictures`` (CI keeps them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from picture_gallery import gallery

from .lab import CHROMIUM_ARGS, find_chromium, skip_or_fail

pytestmark = pytest.mark.browser

#: Overlaps smaller than this many pixels either way are anti-aliasing, not collisions.
TOLERANCE = 1.0

#: Per text: its box and the box of the outline of the node it belongs to. The box spans the letters the browser drew, from the first to the last one that
#: is not a space (a space is blank: running into it hides nothing), and is as tall as the
#: letters (0.75 em above the baseline, 0.2 em below), not the font's whole line box,
#: which is taller than dot's line spacing for every font. A run of spaces has no box.
MEASURE = """() => {
  const out = [];
  for (const t of document.querySelectorAll('svg text')) {
    const chars = [...t.textContent];
    const first = chars.findIndex(c => c.trim() !== '');
    if (first < 0) continue;
    const last = chars.length - 1 - [...chars].reverse().findIndex(c => c.trim() !== '');
    const ctm = t.getScreenCTM();
    const svg = t.ownerSVGElement;
    const at = (x, y) => { let p = svg.createSVGPoint(); p.x = x; p.y = y; return p.matrixTransform(ctm); };
    let left, right;
    if (t.getNumberOfChars() === chars.length) {
      const start = t.getStartPositionOfChar(first), end = t.getEndPositionOfChar(last);
      left = at(start.x, start.y); right = at(end.x, end.y);
    } else {  // the page collapsed spaces: the run's whole box, from its baseline
      const r = t.getBoundingClientRect(), base = at(+t.getAttribute('x'), +t.getAttribute('y'));
      left = {x: r.left, y: base.y}; right = {x: r.right, y: base.y};
    }
    const size = parseFloat(getComputedStyle(t).fontSize) * ctm.a;
    const node = t.closest('g.node');
    const shapes = node ? [...node.querySelectorAll('polygon, path, ellipse')].map(x => x.getBoundingClientRect()) : [];
    // a node's outline is drawn first and holds its other shapes; a plaintext node
    // (an HTML table: the cost chart) has no outline, only cells
    let outline = shapes.length ? shapes[0] : null;
    const holds = (o, r) => r.left >= o.left - 1 && r.right <= o.right + 1 && r.top >= o.top - 1 && r.bottom <= o.bottom + 1;
    if (outline && !shapes.every(r => holds(outline, r))) outline = null;
    out.push({text: t.textContent, box: [left.x, left.y - 0.75 * size, right.x, left.y + 0.2 * size],
              node: node ? node.id : null,
              shape: outline ? [outline.left, outline.top, outline.right, outline.bottom] : null});
  }
  return out;
}"""


def overlaps(a: list[float], b: list[float]) -> bool:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width > TOLERANCE and height > TOLERANCE


def outside(text: list[float], shape: list[float]) -> bool:
    return (text[0] < shape[0] - TOLERANCE or text[2] > shape[2] + TOLERANCE
            or text[1] < shape[1] - TOLERANCE or text[3] > shape[3] + TOLERANCE)  # fmt: skip


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    if find_chromium() is None:
        skip_or_fail("no Chromium found (apt-get install chromium, or set LAYERLAB_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the Python package 'playwright' is not installed (pip install playwright)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("LAYERLAB_ARTIFACTS")
    path = Path(wanted) / "pictures" if wanted else tmp_path_factory.mktemp("pictures")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_text_collides_in_any_picture(page: Any, artifacts: Path, language: str) -> None:
    """In each language the course speaks: Korean labels are measured in NanumGothic."""
    problems: list[str] = []
    measured = 0
    folder = artifacts if language == "en" else artifacts / language
    folder.mkdir(exist_ok=True)
    for name, picture in gallery(language).items():
        svg = picture.svg()
        (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
        page.set_content(f"<html><body style='margin:0'>{svg[svg.find('<svg') :]}</body></html>")
        page.locator("svg").first.screenshot(path=str(folder / f"{name}.png"))
        texts = page.evaluate(MEASURE)
        measured += len(texts)
        for i, a in enumerate(texts):
            if a["shape"] and outside(a["box"], a["shape"]):
                problems.append(f"{name}: {a['text']!r} runs out of its box ({a['node']})")
            for b in texts[i + 1 :]:
                if overlaps(a["box"], b["box"]):
                    problems.append(f"{name}: {a['text']!r} overlaps {b['text']!r}")
    assert measured > 1000  # the gallery really was drawn and measured
    assert not problems, f"{len(problems)} collisions (pictures in {folder}):\n" + "\n".join(
        problems[:40]
    )
