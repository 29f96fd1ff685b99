"""The JupyterLite site against a local kernel: what the site weighs, how long a notebook
takes to be ready and to run, and how long a widget takes to answer.

    make lite && .venv/bin/python benchmarks/lite.py [--no-write]

Both sides in the same headless Chromium, the same steps as tests/lite: open notebook 00,
02 or 04 (until its kernel is idle: "time to first interactive cell"), Run All, then one
widget interaction (00: an exercise's Check; 02: BuildLab builds an edited Dockerfile;
04: ContainerLab's chmod). The Lite side is build/lite/site served from 127.0.0.1; the
local side a private JupyterLab on this checkout's notebooks (tests/browser/lab.py).
Writes benchmarks/results-lite.md unless --no-write.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser.lab import CHROMIUM_ARGS, VIEWPORT, LabServer, find_chromium  # noqa: E402
from lite.site import SITE, code_cells, open_notebook, run_all, served  # noqa: E402
from lite.test_lite_site import INTERACTIONS  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results-lite.md"


def site_size(site: Path) -> list[tuple[str, float]]:
    """MB by the parts a learner's browser may download."""
    parts = {
        "Pyodide (static/pyodide)": site / "static" / "pyodide",
        "wheels (pypi + the kernel's)": site / "pypi",
        "Graphviz as WebAssembly (static/layerlab)": site / "static" / "layerlab",
        "JupyterLab app (build)": site / "build",
        "lab extensions": site / "extensions",
        "notebooks and scenarios (files)": site / "files",
    }
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    rows = [(name, sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6) for name, path in parts.items()]
    return [*rows, ("whole site", total / 1e6)]


def measure_lite(browser, name: str) -> dict[str, float]:
    with served(SITE) as base:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(180_000)
        try:
            opened = open_notebook(page, base, f"notebooks/{name}.ipynb")
            ran = run_all(page, code_cells(SITE / "files" / "notebooks" / f"{name}.ipynb"))
            start = time.monotonic()
            INTERACTIONS[name](page)
            return {"open": opened, "run all": ran, "widget": time.monotonic() - start}
        finally:
            context.close()


def measure_local(browser, lab: LabServer, name: str) -> dict[str, float]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        start = time.monotonic()
        page.goto(lab.notebook_url(f"{name}.ipynb", f"bench-{name}"))
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible")
        page.get_by_text(re.compile(r"\(ipykernel\)\s*\|\s*Idle")).first.wait_for(state="visible")
        opened = time.monotonic() - start
        ran = run_all(page, code_cells(ROOT / "notebooks" / f"{name}.ipynb"))
        start = time.monotonic()
        INTERACTIONS[name](page)
        return {"open": opened, "run all": ran, "widget": time.monotonic() - start}
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not (SITE / "jupyter-lite.json").exists():
        sys.exit("benchmarks/lite.py: build the site first (make lite)")
    chromium = find_chromium()
    if chromium is None:
        sys.exit("benchmarks/lite.py: no Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    sizes = site_size(SITE)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[*CHROMIUM_ARGS, "--disable-quic"], headless=True)
        lab = LabServer(root_dir=ROOT / "notebooks", state_dir=Path(tmp) / "state", log_path=Path(tmp) / "lab.log")
        lab.start()
        try:
            for name in INTERACTIONS:
                lite = measure_lite(browser, name)
                local = measure_local(browser, lab, name)
                rows.append((name, lite, local))
                print(name, "lite", {k: round(v, 2) for k, v in lite.items()},
                      "local", {k: round(v, 2) for k, v in local.items()}, flush=True)
        finally:
            lab.stop()
            browser.close()
    lines = ["# JupyterLite site vs a local kernel", "",
             "`benchmarks/lite.py` on a 2-core machine, headless Chromium, site served from 127.0.0.1 (one run; first visit, empty browser cache).", "",
             "## Site size", "", "| part | MB |", "|---|---:|",
             *[f"| {name} | {mb:.1f} |" for name, mb in sizes], "",
             "## Seconds", "",
             "open: page load until the kernel is idle (time to the first interactive cell); run all: Run All Cells until every prompt is numbered; widget: one interaction until its answer is drawn.", "",
             "| notebook | Lite open | local open | Lite run all | local run all | Lite widget | local widget |",
             "|---|---:|---:|---:|---:|---:|---:|",
             *[f"| {n} | {a['open']:.1f} | {b['open']:.1f} | {a['run all']:.1f} | {b['run all']:.1f} | {a['widget']:.2f} | {b['widget']:.2f} |"
               for n, a, b in rows], ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
