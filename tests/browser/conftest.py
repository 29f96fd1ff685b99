"""One JupyterLab server and one Chromium for all notebooks; one visit a notebook.

``visited`` is parametrised by notebook at module scope, so pytest runs every test of one
notebook against the same visit (opened, read, Run All) before it opens the next. The
browser lives as long as one test module: a module that drives Playwright itself (its own
``sync_playwright``) then runs after this one's has stopped, never inside it.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .lab import (
    CHROMIUM_ARGS,
    NOTEBOOK_DIR,
    NOTEBOOKS,
    VIEWPORT,
    LabServer,
    Notebook,
    find_chromium,
    package_root,
    skip_or_fail,
)
from .report import Report
from .visit import Visit, visit


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots, the report and the server log go (CI uploads $LAYERLAB_ARTIFACTS)."""
    wanted = os.environ.get("LAYERLAB_ARTIFACTS")
    path = Path(wanted) if wanted else tmp_path_factory.mktemp("browser-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def report(artifacts: Path) -> Iterator[Report]:
    report = Report(artifacts)
    yield report
    if report.notebooks:
        report.write()
        print(f"\nlearner's view report: {artifacts / 'learner-view.md'}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if importlib.util.find_spec("playwright") is None:
        skip_or_fail("the Python package 'playwright' is not installed (pip install playwright)")
    path = find_chromium()
    if path is None:
        skip_or_fail("no Chromium found (apt-get install chromium, or set LAYERLAB_CHROMIUM)")
    return path  # type: ignore[return-value]


@pytest.fixture(scope="module")
def lab(
    chromium_path: str, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    if importlib.util.find_spec("jupyterlab") is None:
        skip_or_fail("JupyterLab is not installed (pip install 'jupyterlab>=4,<5')")
    server = LabServer(
        root_dir=NOTEBOOK_DIR,
        state_dir=tmp_path_factory.mktemp("jupyter-state"),
        log_path=artifacts / "jupyterlab.log",
        package_root=package_root(NOTEBOOK_DIR),
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def window(browser: Any) -> Iterator[Any]:
    """One browser profile for all notebooks: JupyterLab's scripts load from its cache after
    the first notebook (each notebook still gets its own page and a fresh workspace)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def visited(
    request: pytest.FixtureRequest, lab: LabServer, window: Any, artifacts: Path, report: Report
) -> Iterator[Visit]:
    """The notebook opened in a fresh page and workspace, read before and after Run All.
    English notebooks first, then the Korean track's (``ko/04-copy-on-write.ipynb``)."""
    notebook: Notebook = request.param
    page = window.new_page()
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        seen = visit(page, lab, notebook, artifacts)
        entry = report.notebook(notebook.name)
        entry.seconds.update(seen.seconds)
        entry.screenshots = seen.screenshots
        yield seen
    finally:
        shots = artifacts / "learner-view" / notebook.stem
        shots.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(shots / "last.png"))
        except Exception:  # noqa: BLE001, S110 - a screenshot must not hide the real failure
            pass
        if console:
            (shots / "console.txt").write_text("\n".join(console), encoding="utf-8")
        page.close()
        lab.shut_down_kernels()
