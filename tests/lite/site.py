"""Serve the built JupyterLite site on localhost and drive one of its notebooks in Chromium.

Kept apart from the test so benchmarks/lite.py times the same steps the test checks.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from browser.lab import RUN_FINISHED

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "lite" / "site"

#: Tracebacks, error outputs, widgets that could not be shown, and Pyodide's refusals.
ERRORS = """() => {
  const found = [];
  for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
    const mime = out.getAttribute('data-mime-type') || '';
    const text = out.textContent || '';
    if (mime === 'application/vnd.jupyter.error' || (mime === 'application/vnd.jupyter.stderr' && /Traceback|\\w+Error\\b/.test(text)))
      found.push(text.slice(0, 2000));
    if (/Error (displaying|creating) widget/.test(text)) found.push(text.slice(0, 500));
    // Pyodide's own words for a process or a call it cannot make: a path that did not degrade
    else if (/emscripten does not support|OSError: Not available/.test(text)) found.push(text.slice(0, 500));
  }
  return found;
}"""

#: How many pictures the page has drawn: SVGs in outputs (the WebAssembly Graphviz draws
#: inline SVG; an <img> of an SVG counts too).
PICTURES = """() => document.querySelectorAll(
  '.jp-OutputArea-output svg .graph, .jp-OutputArea-output img[src^="data:image/svg+xml"]').length"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".whl": "application/octet-stream",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def served(site: Path = SITE) -> Iterator[str]:
    """The site on 127.0.0.1 (a free port) for as long as the block runs: its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def code_cells(notebook: Path) -> int:
    return sum(1 for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")


@dataclass
class Run:
    """What one notebook did in the site."""

    notebook: str
    seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    pictures: int = 0
    outside: list[str] = field(default_factory=list)


def open_notebook(page: Any, base: str, path: str, timeout_ms: int = 180_000) -> float:
    """Open ``path`` (relative to the site's files) in Lite's JupyterLab and wait until its
    kernel is idle: the seconds that took."""
    start = time.monotonic()
    page.goto(f"{base}lab/index.html?path={path}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=timeout_ms)
    page.get_by_text(re.compile(r"Python \(Pyodide\)\s*\|\s*Idle")).first.wait_for(state="visible", timeout=timeout_ms)
    return time.monotonic() - start


def run_all(page: Any, cells: int, timeout_ms: int = 600_000) -> float:
    """Run -> Run All Cells from the menu, as a learner would; the seconds until it is over."""
    start = time.monotonic()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(RUN_FINISHED, arg=cells, timeout=timeout_ms, polling=500)
    return time.monotonic() - start
