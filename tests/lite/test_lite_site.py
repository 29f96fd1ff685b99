"""The JupyterLite site (`make lite`) in headless Chromium: notebooks 00, 02 and 04 run top to
bottom in the browser's Python, draw their pictures, answer a widget, and ask nothing of any
host but the site's own.

Needs the built site (build/lite/site, or $LAYERLAB_LITE_SITE) and Chromium; skips without
either, naming what is missing (LAYERLAB_REQUIRE_BROWSER=1 turns that into a failure, as in
tests/browser). Screenshots and timings go to $LAYERLAB_ARTIFACTS/lite/.

    make lite-test      (builds the site first)
    .venv/bin/python -m pytest tests/lite -m browser
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.lab import CHROMIUM_ARGS, VIEWPORT, find_chromium, skip_or_fail
from .site import ERRORS, PICTURES, SITE, code_cells, open_notebook, run_all, served

pytestmark = pytest.mark.browser

WAIT_MS = 120_000


def site() -> Path:
    wanted = os.environ.get("LAYERLAB_LITE_SITE")
    return Path(wanted) if wanted else SITE


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("LAYERLAB_ARTIFACTS")
    path = Path(wanted) / "lite" if wanted else tmp_path_factory.mktemp("lite-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    if not (site() / "jupyter-lite.json").exists():
        skip_or_fail(f"no JupyterLite site at {site()}: build it with `make lite`")
    with served(site()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if importlib.util.find_spec("playwright") is None:
        skip_or_fail("the Python package 'playwright' is not installed (pip install playwright)")
    path = find_chromium()
    if path is None:
        skip_or_fail("no Chromium found (apt-get install chromium, or set LAYERLAB_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=[*CHROMIUM_ARGS, "--disable-quic"], headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def timings(artifacts: Path) -> Iterator[dict[str, dict[str, float]]]:
    found: dict[str, dict[str, float]] = {}
    yield found
    (artifacts / "timings.json").write_text(json.dumps(found, indent=1) + "\n")


def answer_exercise(page: Any) -> None:
    """00: pick the first option of the first exercise and press Check: the widget says ✓ or ✗."""
    exercise = page.locator(".layerlab-exercise").first
    exercise.scroll_into_view_if_needed()
    exercise.locator(".layerlab-choice .widget-radio-box label").first.click()
    exercise.locator(".layerlab-check").click()
    body = exercise.locator(".layerlab-feedback-body[data-attempt='1']")
    body.wait_for(timeout=WAIT_MS)
    assert re.search("[✓✗]", body.inner_text()), body.inner_text()


def build_again(page: Any) -> None:
    """02: BuildLab builds an edited Dockerfile and draws the new image."""
    lab = page.locator(".layerlab-buildlab").first
    lab.scroll_into_view_if_needed()
    picture = lab.locator(".layerlab-buildlab-picture")
    textarea = lab.locator(".layerlab-buildlab-dockerfile textarea")
    textarea.fill(textarea.input_value().replace("COPY . /opt/source-code", "COPY app.py /opt/source-code/"))
    lab.locator(".layerlab-buildlab-build").click()
    picture.get_by_text("COPY app.py /opt/source-code/").first.wait_for(timeout=WAIT_MS)
    picture.locator("svg").first.wait_for(timeout=WAIT_MS)


def chmod_in_container(page: Any) -> None:
    """04: ContainerLab copies a file up on chmod and shows it in docker diff."""
    lab = page.locator(".layerlab-containerlab").first
    lab.scroll_into_view_if_needed()
    lab.locator(".layerlab-containerlab-operation select").select_option("chmod")
    lab.locator(".layerlab-containerlab-path input").fill("/data/model.bin")
    lab.locator(".layerlab-containerlab-argument input").fill("600")
    lab.locator(".layerlab-containerlab-apply").click()
    lab.locator(".layerlab-containerlab-diff-a").get_by_text("C /data/model.bin").wait_for(timeout=WAIT_MS)
    lab.locator(".layerlab-containerlab-picture svg").first.wait_for(timeout=WAIT_MS)


INTERACTIONS: dict[str, Callable[[Any], None]] = {
    "00-start-here": answer_exercise,
    "02-layers-and-reuse": build_again,
    "04-copy-on-write": chmod_in_container,
}


@pytest.mark.parametrize("name", list(INTERACTIONS))
def test_notebook_runs_in_the_browser(
    name: str, base: str, browser: Any, artifacts: Path, timings: dict[str, dict[str, float]]
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        opened = open_notebook(page, base, f"notebooks/{name}.ipynb")
        page.screenshot(path=str(artifacts / f"{name}-opened.png"))
        ran = run_all(page, code_cells(site() / "files" / "notebooks" / f"{name}.ipynb"))
        errors = page.evaluate(ERRORS)
        prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").all_text_contents()
        # the pictures are drawn after their widget's module loaded: wait for the first
        page.wait_for_function(f"() => ({PICTURES})() > 0", timeout=WAIT_MS)
        pictures = page.evaluate(PICTURES)
        page.screenshot(path=str(artifacts / f"{name}-ran.png"))
        start = time.monotonic()
        INTERACTIONS[name](page)
        widget = time.monotonic() - start
        page.screenshot(path=str(artifacts / f"{name}-widget.png"))
        after = page.evaluate(ERRORS)
    finally:
        context.close()
    timings[name] = {"open_s": round(opened, 2), "run_all_s": round(ran, 2), "widget_s": round(widget, 2),
                     "pictures": pictures}
    assert not errors, f"{name}: error output in the browser:\n" + "\n\n".join(errors)
    assert all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts), f"{name}: not every cell ran: {prompts}"
    assert pictures >= 1, f"{name}: no picture drawn"
    assert not after, f"{name}: error output after using the widget:\n" + "\n\n".join(after)
    assert not outside, f"{name}: the site asked other hosts for {outside[:5]}"
