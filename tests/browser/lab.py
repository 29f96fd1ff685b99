"""Start a private JupyterLab and drive it with Playwright + the system Chromium.

Kept apart from the test so the facts that make it work here (launch flags, temp
config dirs, settings that keep every cell in the DOM) live in one place.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
#: Flags that let Chromium run headless as root in a container without a display.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
#: User settings for the private lab: no news toast, and every cell stays in the DOM
#: (JupyterLab 4 can virtualise long notebooks, which would hide prompts from the test).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # Never write run outputs back into the repository's notebooks.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
KERNEL_IDLE = re.compile(r"\(ipykernel\)\s*\|\s*Idle")
#: What a learner has: a 1280x900 window with JupyterLab's file browser open beside the notebook.
VIEWPORT = {"width": 1280, "height": 900}


def notebook_dir() -> Path:
    """The notebooks under test: $LAYERLAB_NOTEBOOKS (any checkout's), else this checkout's."""
    wanted = os.environ.get("LAYERLAB_NOTEBOOKS")
    return Path(wanted).resolve() if wanted else Path(__file__).resolve().parents[2] / "notebooks"


def package_root(notebooks: Path) -> Path:
    """The checkout whose layerlab those notebooks use: theirs if it has one, else this one."""
    theirs = notebooks.parent
    return (
        theirs
        if (theirs / "layerlab" / "__init__.py").is_file()
        else Path(__file__).resolve().parents[2]
    )


#: Where a folder of notebooks says which language its kernels speak (``language = "ko"``);
#: layerlab.i18n.language reads the same file in the kernel's working directory.
SETTING_FILE = "layerlab.toml"
#: The course's tracks: the English notebooks, then each translation's folder.
TRACKS = ("", "ko")


@dataclass(frozen=True)
class Notebook:
    """One notebook under test, named by its path relative to the notebooks folder.

    ``name`` (``04-copy-on-write.ipynb``, ``ko/04-copy-on-write.ipynb``) keys everything a
    visit leaves behind: test ids, report entries, screenshot folders, workspaces and the
    URL, so the English and the Korean notebook of the same number never collide. It is a
    path-like: ``open(notebook)`` and ``Path(notebook)`` read the file.
    """

    path: Path
    name: str
    language: str = "en"

    @property
    def stem(self) -> str:
        """``ko/04-copy-on-write``: the name without ``.ipynb`` (a screenshot folder)."""
        return self.name.removesuffix(".ipynb")

    @property
    def number(self) -> str:
        """The notebook's two digits (``"04"``), the same in every track."""
        return self.path.name[:2]

    @property
    def workspace(self) -> str:
        """A JupyterLab workspace name (one path segment): ``ko-04-copy-on-write``."""
        return self.stem.replace("/", "-")

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return self.name


def notebook_language(folder: Path) -> str:
    """The language ``folder``'s kernels speak: its layerlab.toml's ``language``, else English."""
    try:
        wanted = tomllib.loads((folder / SETTING_FILE).read_text(encoding="utf-8")).get("language")
    except (OSError, tomllib.TOMLDecodeError):
        wanted = None
    return str(wanted).strip().lower() if wanted else "en"


def find_notebooks(root: Path) -> list[Notebook]:
    """Every track's notebooks under ``root``: the English ones, then ``ko/*.ipynb``."""
    found = []
    for track in TRACKS:
        folder = root / track if track else root
        language = notebook_language(folder)
        found += [Notebook(p, p.relative_to(root).as_posix(), language)
                  for p in sorted(folder.glob("*.ipynb"))]  # fmt: skip
    return found


NOTEBOOK_DIR = notebook_dir()
NOTEBOOKS = find_notebooks(NOTEBOOK_DIR)


def skip_or_fail(reason: str) -> None:
    """Skip, unless LAYERLAB_REQUIRE_BROWSER=1 (CI) turns a missing browser into a failure."""
    if os.environ.get("LAYERLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"browser test required (LAYERLAB_REQUIRE_BROWSER=1) but {reason}", pytrace=False
        )
    pytest.skip(reason)


def find_chromium() -> str | None:
    """The Chromium to drive: $LAYERLAB_CHROMIUM, else the first candidate on this machine."""
    wanted = os.environ.get("LAYERLAB_CHROMIUM")
    for candidate in ([wanted] if wanted else []) + list(CHROMIUM_CANDIDATES):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A JupyterLab process serving ``root_dir`` with its own config dirs and token."""

    root_dir: Path
    state_dir: Path
    log_path: Path
    #: The checkout whose ``layerlab`` the kernel imports (the notebooks' own, by default).
    package_root: Path = field(default_factory=lambda: Path(__file__).resolve().parents[2])
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("CONFIG", "DATA", "RUNTIME"):
            env[f"JUPYTER_{name}_DIR"] = str(self.state_dir / name.lower())
        env["JUPYTERLAB_SETTINGS_DIR"] = str(self.state_dir / "settings")
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(self.state_dir / "workspaces")
        env["IPYTHONDIR"] = str(self.state_dir / "ipython")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        # Each notebook speaks its folder's language (notebooks/ko/layerlab.toml), as a
        # learner's kernel does: a language set in the shell would override it.
        env.pop("LAYERLAB_LANG", None)
        # The kernel must import the notebooks' own layerlab even if it is not installed.
        repo = str(self.package_root)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH", "")) if p)
        return env

    def write_settings(self) -> None:
        for rel, value in LAB_SETTINGS.items():
            path = self.state_dir / "settings" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value), encoding="utf-8")

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until its REST API answers."""
        self.write_settings()
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.token={self.token}",
            "--allow-root",
            f"--ServerApp.root_dir={self.root_dir}",
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env(),
            cwd=self.root_dir,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        url = f"{self.base_url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with {self.process.returncode}: {self.tail_log()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s: {self.tail_log()}")

    def stop(self) -> None:
        """Stop our own server process only (SIGTERM lets it shut its kernels down)."""
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def shut_down_kernels(self) -> None:
        """Stop every kernel of this server: a visited notebook's kernel is not needed again,
        and eight idle kernels hold memory the next notebooks need."""
        url = f"{self.base_url}/api/kernels"
        headers = {"Authorization": f"token {self.token}"}
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            kernels = json.loads(r.read())
        for kernel in kernels:
            request = urllib.request.Request(
                f"{url}/{kernel['id']}", headers=headers, method="DELETE"
            )
            urllib.request.urlopen(request, timeout=10).close()

    def tail_log(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def notebook_url(self, name: str, workspace: str) -> str:
        """URL that opens ``name`` (a path under the root: ``ko/04-copy-on-write.ipynb``) in a
        fresh, named workspace (nothing else reopened)."""
        path = urllib.parse.quote(name)
        return f"{self.base_url}/lab/workspaces/{workspace}/tree/{path}?reset&token={self.token}"


# -- page helpers ----------------------------------------------------------------------
ALL_PROMPTS_DONE = """(expected) => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
  return prompts.length === expected && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""

#: Run All is over: every prompt numbered, or it stopped at an error (nothing queued, "[*]").
RUN_FINISHED = """(expected) => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
  const done = prompts.length === expected && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
  const busy = prompts.some(p => /\\[\\*\\]/.test(p.textContent));
  const failed = !!document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  return done || (failed && !busy);
}"""

#: Widget views carry no data-mime-type: find them by their view (.jupyter-widgets) or by
#: the messages the widget renderer writes when it cannot show a model.
WIDGET_OUTPUTS = """() => {
  const bad = /Error (displaying|creating) widget|Loading widget\\.\\.\\./;
  return [...document.querySelectorAll('.jp-OutputArea-output')]
    .filter(o => o.querySelector(':scope > .jupyter-widgets') || bad.test(o.textContent || ''))
    .map(o => ({
      rendered: !bad.test(o.textContent || '') && !!o.querySelector(':scope > .jupyter-widgets.widget-container, :scope > .jupyter-widgets.widget-inline-hbox, :scope > .jupyter-widgets:not(:empty)'),
      text: (o.textContent || '').slice(0, 200),
    }));
}"""


def code_cell_count(notebook: Path | Notebook) -> int:
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return sum(1 for cell in cells if cell["cell_type"] == "code")


def wait_kernel_idle(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait for the status bar to say '(ipykernel) | Idle' (a real, started kernel)."""
    page.get_by_text(KERNEL_IDLE).first.wait_for(state="visible", timeout=timeout_ms)


def run_all_cells(page: Any) -> None:
    """Menu Run -> Run All Cells, as a learner would."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def show_file_browser(page: Any) -> None:
    """Open the left sidebar's file browser if it is not open: the column a learner has."""
    tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']")
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()
    page.locator(".jp-FileBrowser").first.wait_for(state="visible")


#: Widget views render asynchronously: wait until none says it is still loading.
WIDGETS_SETTLED = """() => ![...document.querySelectorAll('.jp-OutputArea-output')]
  .some(o => /Loading widget/.test(o.textContent || ''))"""

#: The open notebook's tab carries jp-mod-dirty when JupyterLab thinks it has unsaved changes.
NOTEBOOK_DIRTY = """() => !!document.querySelector(
  '#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current.jp-mod-dirty')"""
