"""Every notebook runs cleanly in a real JupyterLab, and the first exercise answers.

One private JupyterLab per session (temp config dirs, random token, free port) serves
``notebooks/``; headless Chromium opens each notebook, runs all cells through the menu,
and checks for tracebacks and widgets that failed to render. Screenshots go to
``$LAYERLAB_ARTIFACTS`` (default: a pytest temp dir). Skips without Chromium or
Playwright, unless ``LAYERLAB_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .checks import find_check
from .lab import (
    ALL_PROMPTS_DONE,
    CHROMIUM_ARGS,
    ERROR_OUTPUTS,
    RUN_FINISHED,
    WIDGET_OUTPUTS,
    LabServer,
    code_cell_count,
    find_chromium,
    run_all_cells,
    skip_or_fail,
    wait_kernel_idle,
)

pytestmark = pytest.mark.browser

#: $LAYERLAB_NOTEBOOKS lets the harness itself be tried on scratch notebooks.
NOTEBOOK_DIR = Path(
    os.environ.get("LAYERLAB_NOTEBOOKS") or Path(__file__).resolve().parents[2] / "notebooks"
)
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
RUN_TIMEOUT_MS = 180_000


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots and the server log go (CI uploads $LAYERLAB_ARTIFACTS)."""
    wanted = os.environ.get("LAYERLAB_ARTIFACTS")
    path = Path(wanted) if wanted else tmp_path_factory.mktemp("browser-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if importlib.util.find_spec("playwright") is None:
        skip_or_fail("the Python package 'playwright' is not installed (pip install playwright)")
    if importlib.util.find_spec("jupyterlab") is None:
        skip_or_fail("JupyterLab is not installed (pip install 'jupyterlab>=4,<5')")
    path = find_chromium()
    if path is None:
        skip_or_fail("no Chromium found (apt-get install chromium, or set LAYERLAB_CHROMIUM)")
    return path  # type: ignore[return-value]


@pytest.fixture(scope="session")
def lab(
    chromium_path: str, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    server = LabServer(
        root_dir=NOTEBOOK_DIR,
        state_dir=tmp_path_factory.mktemp("jupyter-state"),
        log_path=artifacts / "jupyterlab.log",
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def page(browser: Any, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    try:
        yield page
    finally:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(artifacts / f"{name}-final.png"))
        except Exception:  # noqa: BLE001, S110 - a screenshot must not hide the real failure
            pass
        if console:
            (artifacts / f"{name}-console.txt").write_text("\n".join(console), encoding="utf-8")
        context.close()


def open_and_run(page: Any, lab: LabServer, notebook: Path, artifacts: Path) -> float:
    """Open ``notebook``, run all cells from the menu, wait for idle; return seconds taken."""
    start = time.perf_counter()
    page.goto(lab.notebook_url(notebook.name, workspace=notebook.stem))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    wait_kernel_idle(page)
    run_all_cells(page)
    expected = code_cell_count(notebook)
    page.wait_for_function(RUN_FINISHED, arg=expected, timeout=RUN_TIMEOUT_MS)
    wait_kernel_idle(page, timeout_ms=RUN_TIMEOUT_MS)
    # Widget views render asynchronously after the kernel went idle.
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-OutputArea-output')]"
        ".some(o => /Loading widget/.test(o.textContent || ''))",
        timeout=30_000,
    )
    page.screenshot(path=str(artifacts / f"{notebook.stem}-after-run.png"))
    return time.perf_counter() - start


@pytest.mark.skipif(not NOTEBOOKS, reason="notebooks/ holds no notebooks yet")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_cleanly(page: Any, lab: LabServer, notebook: Path, artifacts: Path) -> None:
    seconds = open_and_run(page, lab, notebook, artifacts)
    errors = page.evaluate(ERROR_OUTPUTS)
    assert not errors, f"{notebook.name} shows errors after Run All:\n" + "\n---\n".join(errors)
    assert page.evaluate(ALL_PROMPTS_DONE, code_cell_count(notebook)), (
        f"{notebook.name}: not every code cell got an execution count"
    )
    widgets = page.evaluate(WIDGET_OUTPUTS)
    broken = [w["text"] for w in widgets if not w["rendered"]]
    assert not broken, f"{notebook.name}: {len(broken)} widget(s) did not render: {broken}"
    print(f"{notebook.name}: ran in {seconds:.1f} s, {len(widgets)} widget(s)")

    check = find_check(notebook)
    if check is not None:
        check(page, artifacts)
