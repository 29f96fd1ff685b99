"""One learner's visit to one notebook: open it, read it, Run All, read it again, keep pictures.

The visit does what a learner does (open the notebook from a fresh workspace with the file
browser beside it, look before running, Run All from the menu) and records what was on
screen at each moment; the tests then judge the record. Screenshots go under
``ARTIFACTS/learner-view/<notebook>/`` (``00-start-here/``, ``ko/00-start-here/``): the window as opened and after Run All, and one
PNG for every output that holds a picture, a table, other HTML, a lab or an exercise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .lab import (
    NOTEBOOK_DIRTY,
    RUN_FINISHED,
    VIEWPORT,
    WIDGETS_SETTLED,
    LabServer,
    Notebook,
    code_cell_count,
    run_all_cells,
    show_file_browser,
    wait_kernel_idle,
)
from .learner_view import CellView, OutputView, outputs, read_cells

RUN_TIMEOUT_MS = 180_000
#: Outputs worth a picture of their own in the artefacts (html: e.g. %%docker --beside).
SHOWN_KINDS = ("picture", "table", "html", "lab", "exercise")
#: JupyterLab updates a model's metadata shortly after the kernel connects; a notebook that
#: would become modified then is seen as modified within this time.
SETTLE_MS = 500
#: Height of JupyterLab's menu, tab bar, toolbar and status bar around the notebook.
CHROME_PX = 200


@dataclass
class Visit:
    notebook: Notebook
    page: Any
    shots: Path
    opened: list[CellView] = field(default_factory=list)
    modified_on_open: bool = False
    ran: list[CellView] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    screenshots: list[str] = field(default_factory=list)


def visit(page: Any, lab: LabServer, notebook: Notebook, artifacts: Path) -> Visit:
    """Open ``notebook`` as a learner does, look, Run All, look again."""
    shots = artifacts / "learner-view" / notebook.stem
    shots.mkdir(parents=True, exist_ok=True)
    seen = Visit(notebook, page, shots)
    start = time.perf_counter()
    page.goto(lab.notebook_url(notebook.name, workspace=notebook.workspace))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    seen.seconds["page shown"] = time.perf_counter() - start
    show_file_browser(page)
    wait_kernel_idle(page)
    seen.seconds["kernel idle"] = time.perf_counter() - start
    page.wait_for_function(WIDGETS_SETTLED, timeout=30_000)
    page.wait_for_timeout(SETTLE_MS)
    seen.seconds["open"] = time.perf_counter() - start
    seen.opened = read_cells(page)
    seen.modified_on_open = page.evaluate(NOTEBOOK_DIRTY)
    seen.screenshots.append(_window(page, shots / "opened.png"))

    start = time.perf_counter()
    run_all_cells(page)
    page.wait_for_function(RUN_FINISHED, arg=code_cell_count(notebook), timeout=RUN_TIMEOUT_MS)
    wait_kernel_idle(page, timeout_ms=RUN_TIMEOUT_MS)
    page.wait_for_function(WIDGETS_SETTLED, timeout=30_000)
    seen.seconds["run all"] = time.perf_counter() - start
    seen.ran = read_cells(page)
    seen.screenshots.append(_window(page, shots / "after-run.png"))
    start = time.perf_counter()
    seen.screenshots += shoot_outputs(page, outputs(seen.ran), shots)
    seen.seconds["screenshots"] = time.perf_counter() - start
    return seen


def shoot_outputs(page: Any, shown: list[OutputView], shots: Path, suffix: str = "") -> list[str]:
    """One PNG per picture, table, lab or exercise, named by cell: ``cell07-picture.png``."""
    taken = []
    for out in shown:
        if out.kind not in SHOWN_KINDS:
            continue
        index = out.tag.split("-")[1]
        name = f"cell{out.cell:02d}-{out.kind}{'' if index == '1' else '-' + index}{suffix}.png"
        try:
            _shoot(page, page.locator(f"[data-learner-view='{out.tag}']"), shots / name)
        except Exception as exc:  # noqa: BLE001 - a missing picture must not hide the findings
            (shots / f"{name}.failed.txt").write_text(f"{type(exc).__name__}: {exc}", "utf-8")
            continue
        taken.append(str(shots / name))
    return taken


def _shoot(page: Any, element: Any, path: Path) -> None:
    """A screenshot of ``element``; one taller than the notebook's view gets a taller window
    for the moment (same width, so the same column), else only its visible part is drawn."""
    box = element.bounding_box() or {"height": 0}
    room = VIEWPORT["height"] - CHROME_PX
    if box["height"] <= room:
        element.screenshot(path=str(path), timeout=10_000)
        return
    page.set_viewport_size({"width": VIEWPORT["width"], "height": int(box["height"]) + CHROME_PX})
    try:
        element.screenshot(path=str(path), timeout=10_000)
    finally:
        page.set_viewport_size(VIEWPORT)


def _window(page: Any, path: Path) -> str:
    page.screenshot(path=str(path))
    return str(path)
