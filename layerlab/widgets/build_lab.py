"""The build lab: edit a Dockerfile, press Build, see which layers the cache reused.

``BuildLab(host=None, dockerfile=..., files={...})`` shows a Textarea with the
Dockerfile, a Build button, then side by side the layer stack (left) and the build-cache
picture (right, against the previous build of this lab), then the build log (CACHED lines
and all) and ``docker history``. The pictures sit right under the Build button, so what a
build did is in view after pressing it; each picture scales to its half of the column.
Every failure (a bad Dockerfile line, an unsupported shell command, a missing COPY
source, an unknown base image) shows up as one message in the error area; the host is
left as it was, because ``Host.build`` stores nothing unless every step succeeded.
Pictures are rendered to SVG into ``ipywidgets.HTML`` (not an Output widget), so the
view is plain HTML that a browser test can compare.

CSS classes for tests and themes: ``layerlab-buildlab`` (the box),
``layerlab-buildlab-dockerfile``, ``-build``, ``-error``, ``-picture``, ``-log``.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from layerlab.build.builder import BuildResult
from layerlab.build.context import BuildContext
from layerlab.engine.host import Host
from layerlab.i18n import N_, Texts, _, translate
from layerlab.model.errors import LayerlabError
from layerlab.render import Picture, build_cache, image_stack

from .css import PRE, part
from .hosts import lab_host
from .fallback import Fallback, ReadableBeforeRun, run_to_use
from .errors import error_html, guard

__all__ = ["COURSE_DOCKERFILE", "COURSE_FILES", "BuildLab"]

#: The course example: every notebook that builds "the app" starts from these.
COURSE_DOCKERFILE = """\
FROM ubuntu:16.04
RUN apt-get update && apt-get install -y python
RUN pip install flask
COPY . /opt/source-code
ENTRYPOINT FLASK_APP=/opt/source-code/app.py flask run
"""
COURSE_FILES: dict[str, str] = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}

_BOX = "layerlab-buildlab"  # the widget's CSS class; a part's is _BOX + "-<part>"
#: The words of the lab, in one place.
STACK_TITLE = N_("{tag} · layer stack")
PICTURE_TITLES = Texts({"stack": "left: the image's layers", "cache": "right: what the cache reused"})
#: Step texts wrap at this many characters, so the two pictures fit side by side.
LABEL_WIDTH = 30


class BuildLab(ReadableBeforeRun, w.VBox):
    """A Dockerfile editor wired to a simulated host; each Build redraws what was reused.

    The Dockerfile in the textarea is part of the build context (as with ``docker build .``),
    so ``COPY .`` sees it: editing any line also changes what ``COPY .`` copies.
    """

    def __init__(self, host: Host | None = None, dockerfile: str = COURSE_DOCKERFILE,
                 files: Mapping[str, str | bytes] | None = None, *, tag: str = "lab-app",
                 build_now: bool = True, engine: str | None = None, **kwargs: Any) -> None:
        self.host = lab_host(host, engine)
        self.files = dict(COURSE_FILES if files is None else files)
        self.tag = tag
        self.last: BuildResult | None = None
        self.previous: BuildResult | None = None
        self.seconds: list[float] = []  # kernel time of each build + redraw, for measurements
        self.pictures: dict[str, Picture] = {}  # what the last redraw drew, by name
        self.dockerfile = part(w.Textarea(value=dockerfile, rows=max(6, dockerfile.count("\n") + 2),
                                          layout=w.Layout(width="calc(100% - 8px)")), _BOX, "dockerfile")
        self.build_button = part(w.Button(description=_("Build"), button_style="primary", icon="gears"),
                                 _BOX, "build")
        self.build_button.on_click(lambda _b: guard(self.build, self._show_error))
        self.status = w.HTML("")
        self.error = part(w.HTML(""), _BOX, "error")
        self.picture = part(w.HTML(""), _BOX, "picture")
        self.build_log = part(w.HTML(""), _BOX, "log")
        super().__init__(children=[self.dockerfile, w.HBox([self.build_button, self.status]), self.error,
                                   self.picture, self.build_log], **kwargs)
        self.add_class(_BOX)
        if build_now:
            self.build()

    # -- actions ---------------------------------------------------------------------
    def build(self) -> BuildResult | None:
        """Build the textarea's Dockerfile; redraw on success, show the message on failure."""
        started = time.perf_counter()
        context = BuildContext.from_files({**self.files, "Dockerfile": self.dockerfile.value})
        try:
            result = self.host.build(context, self.tag)
        except LayerlabError as err:
            self._show_error(str(err))
            return None
        self.previous, self.last = self.last, result
        self.error.value = ""
        self._redraw(result)
        self.seconds.append(time.perf_counter() - started)
        return result

    # -- rendering ---------------------------------------------------------------------
    def _redraw(self, result: BuildResult) -> None:
        self.pictures = {
            "stack": image_stack(result.image, title=translate(STACK_TITLE).format(tag=self.tag),
                                 max_label=LABEL_WIDTH),
            "cache": build_cache(result, self.previous, max_label=LABEL_WIDTH),
        }
        halves = "".join(
            f'<div class="{_BOX}-{name}" style="flex:1 1 20em;min-width:0">'
            f'<div style="font-weight:bold">{html.escape(PICTURE_TITLES[name])}</div>{picture.to_html()}</div>'
            for name, picture in self.pictures.items()
        )
        self.picture.value = f'<div style="display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start">{halves}</div>'
        reused = len(result.cached_steps)
        tag = html.escape(self.tag)
        built = (_("built <code>{tag}</code>: {reused} step CACHED", tag=tag, reused=reused) if reused == 1
                 else _("built <code>{tag}</code>: {reused} steps CACHED", tag=tag, reused=reused))  # fmt: skip
        self.status.value = f"<span class='{_BOX}-status'>{built}</span>"
        self.build_log.value = (
            f"<b>{html.escape(_('build log'))}</b>{PRE}{html.escape(result.log)}</pre>"
            f"<b>$ docker history {html.escape(self.tag)}</b>"
            f"{PRE}{html.escape(self.host.history(self.tag))}</pre>"
        )

    def _show_error(self, message: str) -> None:
        note = (_("Nothing was stored or tagged: the pictures below are from the last good build.")
                if self.last is not None else _("Nothing was stored or tagged."))  # fmt: skip
        self.error.value = error_html(_BOX, message, title=_("Build failed"), note=note)
        self.status.value = ""

    def fallback(self) -> Fallback:
        """What the lab's output reads like before its cell runs."""
        return Fallback(_("Build lab"), (_("Edit a Dockerfile, press Build: the image's layers on the left, what "
                                           "the build cache reused on the right, then the build log and "
                                           "`docker history`."),),
                        action=run_to_use(_("the build lab")))  # fmt: skip

    def __repr__(self) -> str:
        return f"<BuildLab {self.tag!r}: {len(self.seconds)} builds>"
