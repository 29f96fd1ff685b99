"""The log lab: a container prints lines; pick the logging driver and its limits, see what is kept.

``LogLab(host=None)`` builds a small image that holds a request log and, on every Run,
replaces the container ``talk`` with one that prints the first N lines of it (``head -n N``),
under the chosen driver (json-file, local, none) and ``max-size`` / ``max-file``. The result
shows ``docker logs | wc -l``, the log files in ``containers/<id>/`` with their bytes, and
``docker ps -s``: the log grows outside every layer, the container layer stays at 0B. A bad
option (``max-file=two``) is refused inside the widget in dockerd's words.

CSS classes for tests and themes: ``layerlab-loglab`` (the box), ``layerlab-loglab-driver``,
``-max-size``, ``-max-file``, ``-lines``, ``-run``, ``-status``, ``-error``, ``-result``.
"""

from __future__ import annotations

import html
import time
from typing import Any

import ipywidgets as w

from layerlab.i18n import Texts
from layerlab.build.context import BuildContext
from layerlab.engine.host import Host
from layerlab.engine.logs import LogConfig, check
from layerlab.model.errors import LayerlabError

from .css import PRE, part
from .errors import error_html, guard
from .fallback import Fallback, ReadableBeforeRun, run_to_use
from .hosts import lab_host

__all__ = ["LogLab"]

_BOX = "layerlab-loglab"
IMAGE = "talker:lab"
NAME = "talk"
DRIVERS = ("json-file", "local", "none")
LINES = (250, 500, 1_000)
#: What the lab's container prints: one request a line.
REQUEST = "{i:05d} GET /index.html 200\n"
DOCKERFILE = 'FROM alpine:3.20\nCOPY requests.txt /requests.txt\nCMD ["cat", "/requests.txt"]\n'
#: The words of the lab, in one place.
TEXT = Texts({
    "title": "Log lab",
    "intro": "A container prints request lines to stdout. Pick the logging driver and its limits, press Run, "
             "and see what the driver keeps, where, and what `docker ps -s` counts.",
    "driver": "driver", "max-size": "max-size", "max-file": "max-file", "lines": "lines",
    "placeholder": "none",
    "run": "Run",
    "refused": "docker run refused",
    "kept_note": "The result below is from the last run.",
    "status": "kept {kept:,} of {printed:,} lines in {files} file(s), {size:,} bytes; docker ps -s: {layer}",
    "no_reading": "(the none driver keeps nothing: docker logs has nothing to read)",
    "no_files": "(no log files)",
    "action": "the log lab",
})  # fmt: skip


class LogLab(ReadableBeforeRun, w.VBox):
    """A container that prints, run again under the chosen logging options on every Run."""

    def __init__(self, host: Host | None = None, *, driver: str = "json-file", max_size: str = "10k",
                 max_file: str = "2", lines: int = 1_000, run_now: bool = True, engine: str | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        self.host = lab_host(host, engine)
        requests = "".join(REQUEST.format(i=i) for i in range(max(LINES)))
        self.host.build(
            BuildContext.from_files({"Dockerfile": DOCKERFILE, "requests.txt": requests}), IMAGE
        )
        self.seconds: list[float] = []  # kernel time of each run + redraw, for measurements
        self.driver = part(
            w.Dropdown(options=DRIVERS, value=driver, description=TEXT["driver"]), _BOX, "driver"
        )
        self.max_size = part(w.Text(value=max_size, description=TEXT["max-size"],
                                    placeholder=TEXT["placeholder"]), _BOX, "max-size")  # fmt: skip
        self.max_file = part(w.Text(value=max_file, description=TEXT["max-file"],
                                    placeholder=TEXT["placeholder"]), _BOX, "max-file")  # fmt: skip
        self.lines = part(
            w.Dropdown(options=LINES, value=lines, description=TEXT["lines"]), _BOX, "lines"
        )
        for control in (self.driver, self.max_size, self.max_file, self.lines):
            control.layout = w.Layout(width="200px")
            control.style = {"description_width": "70px"}
        self.run_button = part(
            w.Button(description=TEXT["run"], button_style="primary", icon="play"), _BOX, "run"
        )
        self.run_button.on_click(lambda _b: guard(self.run, self._show_error))
        self.status = part(w.HTML(""), _BOX, "status")
        self.error = part(w.HTML(""), _BOX, "error")
        self.result = part(w.HTML(""), _BOX, "result")
        controls = w.HBox(
            [self.driver, self.max_size, self.max_file, self.lines],
            layout=w.Layout(flex_flow="row wrap"),
        )
        super().__init__(children=[controls, w.HBox([self.run_button, self.status]), self.error, self.result],
                         **kwargs)  # fmt: skip
        self.add_class(_BOX)
        if run_now:
            self.run()

    def _options(self) -> dict[str, str]:
        opts = {"max-size": self.max_size.value.strip(), "max-file": self.max_file.value.strip()}
        return {k: v for k, v in opts.items() if v} if self.driver.value != "none" else {}

    def run(self) -> None:
        """Replace ``talk`` with a container printing the chosen lines; redraw what was kept."""
        started = time.perf_counter()
        opts, printed = self._options(), int(self.lines.value)
        command = ["head", "-n", str(printed), "/requests.txt"]
        try:
            check(LogConfig(self.driver.value, opts))  # refused before the old container goes
        except LayerlabError as err:
            self._show_error(str(err))
            return
        if NAME in {c.name for c in self.host.containers.values()}:
            self.host.rm(NAME, force=True)
        try:
            container = self.host.run(
                IMAGE, command, name=NAME, log_driver=self.driver.value, log_opts=opts
            )
        except LayerlabError as err:
            self._show_error(str(err))
            return
        self.error.value = ""
        self._redraw(container.id, command, opts, printed)
        self.seconds.append(time.perf_counter() - started)

    def _redraw(
        self, container_id: str, command: list[str], opts: dict[str, str], printed: int
    ) -> None:
        flags = " ".join(
            [f"--log-driver {self.driver.value}", *(f"--log-opt {k}={v}" for k, v in opts.items())]
        )
        try:
            kept = len(self.host.logs(NAME).splitlines())
            logs = str(kept)
        except LayerlabError:
            kept, logs = 0, TEXT["no_reading"]
        sizes = self.host.log_sizes(NAME)
        folder = "/var/lib/docker/containers/<id>"
        files = "\n".join(
            f"{size:<8}{folder}/{name.replace(container_id, '<id>')}"
            for name, size in sizes.items()
        )
        (row,) = [r for r in self.host.ps_rows(all=True, size=True) if r["NAMES"] == NAME]
        lines = [
            f"$ docker run --name {NAME} {flags} \\\n    {IMAGE} {' '.join(command)}",
            f"$ docker logs {NAME} | wc -l\n{logs}",
            f"$ sudo du -ab /var/lib/docker/containers/<id> | grep log\n{files or TEXT['no_files']}",
            f"$ docker ps -a -s --format '{{{{.Names}}}}: {{{{.Size}}}}'\n{NAME}: {row['SIZE']}",
        ]
        self.result.value = PRE + html.escape("\n".join(lines)) + "</pre>"
        layer = row["SIZE"].split(" ")[0]
        self.status.value = (f"<span class='{_BOX}-status-text'>" + html.escape(TEXT["status"].format(
            kept=kept, printed=printed, files=len(sizes), size=sum(sizes.values()), layer=layer)) + "</span>")  # fmt: skip

    def _show_error(self, message: str) -> None:
        note = TEXT["kept_note"] if self.result.value else ""
        self.error.value = error_html(_BOX, message, title=TEXT["refused"], note=note)

    def fallback(self) -> Fallback:
        """What the lab's output reads like before its cell runs."""
        return Fallback(TEXT["title"], (TEXT["intro"],), action=run_to_use(TEXT["action"]))

    def __repr__(self) -> str:
        return f"<LogLab {self.driver.value}: {len(self.seconds)} runs>"
