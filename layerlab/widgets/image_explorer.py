"""The image explorer: load a ``docker save`` tar or an OCI layout, pick an image and a
layer, see that layer's files with A / M / D marks, its largest files and the waste.

``ImageExplorer(source)`` takes an archive path, an :class:`~layerlab.model.image.Image` or an
:class:`~layerlab.analysis.ImageAnalysis` (or a list of them). Every failure (no such
file, not an archive, a path that climbs out of the image) is one message in the error
area; what was shown before stays as it was.

CSS classes: ``layerlab-explorer`` (the box), ``-path``, ``-load``, ``-image``, ``-layer``,
``-under``, ``-changes``, ``-error``, ``-summary``, ``-picture``, ``-tree``, ``-largest``,
and on tree rows ``-row`` plus ``-mark-A`` / ``-mark-M`` / ``-mark-D`` / ``-mark-none``.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from layerlab.analysis import ImageAnalysis, analyze
from layerlab.archive import read_archive
from layerlab.model.errors import LayerlabError
from layerlab.model.fs import is_within, normalize_path
from layerlab.model.image import Image
from layerlab.model.units import human_size
from layerlab.render.theme import clip
from layerlab.render.waste import waste_stack

__all__ = ["ImageExplorer"]

_CSS = "layerlab-explorer"
_MARK_TEXT = {"A": "added", "M": "modified", "D": "removed", "": "listed, unchanged"}
_MARK_COLOUR = {"A": "#38761d", "M": "#b45f06", "D": "#cc0000", "": "#666666"}
Source = str | Path | Image | ImageAnalysis


class ImageExplorer(w.VBox):
    """Pick a layer, see its tree with A / M / D marks; errors appear inside the widget."""

    def __init__(
        self, source: Source | Sequence[Source] | None = None, *, max_rows: int = 300, **kwargs: Any
    ) -> None:
        self.max_rows = max_rows
        self.analyses: list[ImageAnalysis] = []
        self.seconds: list[float] = []  # kernel time of each interaction, for measurements
        self.path = w.Text(
            placeholder="path to a docker save .tar or an OCI layout", layout=w.Layout(width="60%")
        )
        self.path.add_class(f"{_CSS}-path")
        self.load_button = w.Button(description="Load", icon="folder-open")
        self.load_button.add_class(f"{_CSS}-load")
        self.load_button.on_click(lambda _b: self._guarded(self._load_path))
        self.image_pick = w.Dropdown(description="image", layout=w.Layout(width="60%"))
        self.image_pick.add_class(f"{_CSS}-image")
        self.layer_pick = w.Dropdown(description="layer", layout=w.Layout(width="90%"))
        self.layer_pick.add_class(f"{_CSS}-layer")
        self.under = w.Text(
            value="/", description="under", continuous_update=False, layout=w.Layout(width="40%")
        )
        self.under.add_class(f"{_CSS}-under")
        self.only_changes = w.Checkbox(
            value=True, description="changes only (hide unchanged parents)", indent=False
        )
        self.only_changes.add_class(f"{_CSS}-changes")
        self.error = w.HTML("")
        self.error.add_class(f"{_CSS}-error")
        self.summary = w.HTML("")
        self.summary.add_class(f"{_CSS}-summary")
        self.picture = w.HTML("")
        self.picture.add_class(f"{_CSS}-picture")
        self.tree = w.HTML("")
        self.tree.add_class(f"{_CSS}-tree")
        self.largest = w.HTML("")
        self.largest.add_class(f"{_CSS}-largest")
        self._shown_under = ""
        self.image_pick.observe(lambda _c: self._guarded(self._show_image), names="value")
        self.layer_pick.observe(lambda _c: self._guarded(self._show_layer), names="value")
        self.only_changes.observe(lambda _c: self._guarded(self._show_layer), names="value")
        self.under.observe(
            lambda _c: self._guarded(self._apply_under), names="value"
        )  # on Enter or leaving
        super().__init__(
            children=[
                w.HBox([self.path, self.load_button]),
                self.error,
                self.image_pick,
                self.summary,
                self.picture,
                self.layer_pick,
                w.HBox([self.under, self.only_changes]),
                self.tree,
                self.largest,
            ],
            **kwargs,
        )
        self.add_class(_CSS)
        if source is not None:
            self._guarded(lambda: self.load(source))

    # -- loading -------------------------------------------------------------------------
    def load(self, source: Source | Sequence[Source]) -> None:
        """Analyse ``source`` (paths are read as archives) and show its first image."""
        items = list(source) if isinstance(source, (list, tuple)) else [source]
        analyses: list[ImageAnalysis] = []
        for item in items:
            if isinstance(item, ImageAnalysis):
                analyses.append(item)
            elif isinstance(item, Image):
                analyses.append(analyze(item, f"image {len(analyses)}"))
            elif isinstance(item, (str, Path)):
                for archived in read_archive(Path(item).expanduser(), progress=False):
                    name = archived.tags[0] if archived.tags else Path(item).name
                    analyses.append(analyze(archived.image, name, archived.tags, progress=False))
            else:
                raise LayerlabError(
                    f"cannot explore a {type(item).__name__}: give a path to a docker save tar or OCI layout, "
                    "an Image or an ImageAnalysis"
                )
        if not analyses:
            raise LayerlabError("no image found in what was given")
        self.analyses = analyses
        self.error.value = ""
        with self.hold_trait_notifications():
            self.image_pick.options = [(a.name or f"image {n}", n) for n, a in enumerate(analyses)]
        self.image_pick.value = 0
        self._show_image()

    def _load_path(self) -> None:
        text = self.path.value.strip()
        if not text:
            raise LayerlabError(
                "type the path of a docker save .tar, an OCI layout directory or an OCI layout .tar"
            )
        self.load(text)

    # -- views ---------------------------------------------------------------------------
    @property
    def current(self) -> ImageAnalysis | None:
        index = self.image_pick.value
        return self.analyses[index] if self.analyses and index is not None else None

    def _show_image(self) -> None:
        a = self.current
        if a is None:
            return
        f = a.figures
        self.summary.value = (
            f"<div class='{_CSS}-summary-body'><b>{html.escape(a.name)}</b> · "
            f"<code>{a.image.image_id[:19]}</code><br/>"
            f"total_bytes <b>{human_size(f.total_bytes)}</b> (all layers) · final_bytes "
            f"<b>{human_size(f.final_bytes)}</b> (what a container sees) · wasted_bytes "
            f"<b style='color:#cc0000'>{human_size(f.wasted_bytes)}</b> · efficiency "
            f"<b>{f.efficiency:.1%}</b> = final_bytes / total_bytes</div>"
        )
        self.picture.value = waste_stack(a).to_html()
        options = [
            (
                f"{r.index}: {clip(r.created_by or '(no history)', 60)} · {human_size(r.size)}",
                r.index,
            )
            for r in a.layers
        ]
        with self.layer_pick.hold_trait_notifications():
            self.layer_pick.options = options
        if options:
            self.layer_pick.value = max(0, len(options) - 1)
        self._show_layer()

    def _apply_under(self) -> None:
        text = self.under.value.strip()
        try:
            under = "" if text in ("", "/") else normalize_path(text)
        except LayerlabError as err:
            raise LayerlabError(
                f"{err}; type a path inside the image such as / or /etc or /app/src"
            ) from None
        self._shown_under = under
        self._show_layer()

    def _show_layer(self) -> None:
        started = time.process_time()
        a = self.current
        index = self.layer_pick.value
        if a is None or index is None:
            return
        under = self._shown_under
        rows = [
            c
            for c in a.changes(index)
            if (not under or is_within(c.path, under)) and (c.mark or not self.only_changes.value)
        ]
        counts = {m: sum(1 for c in rows if c.mark == m) for m in ("A", "M", "D")}
        head = (
            f"<b>layer {index}</b>{' under /' + html.escape(under) if under else ''}: "
            + " · ".join(
                f"<span style='color:{_MARK_COLOUR[m]}'>{m} {counts[m]} {_MARK_TEXT[m]}</span>"
                for m in ("A", "M", "D")
            )
        )
        body = []
        for c in rows[: self.max_rows]:
            depth = c.path.count("/")
            name = c.path.rsplit("/", 1)[-1] + ("/" if c.kind == "dir" else "")
            size = (
                human_size(c.size)
                if c.size
                else (f"−{human_size(c.removed_bytes)}" if c.removed_bytes else "")
            )
            mark = c.mark or "·"
            css = f"{_CSS}-row {_CSS}-mark-{c.mark or 'none'}"
            body.append(
                f"<div class='{css}' title='/{html.escape(c.path)}: {_MARK_TEXT[c.mark]}' "
                f"style='font-family:monospace;white-space:pre;line-height:1.3'>"
                f"<span style='color:{_MARK_COLOUR[c.mark]};font-weight:bold'>{mark}</span> "
                f"{size:>8}  {'  ' * depth}{html.escape(name)}</div>"
            )
        if len(rows) > self.max_rows:
            body.append(
                f"<div><i>… and {len(rows) - self.max_rows} more (type a path in 'under' to narrow)</i></div>"
            )
        if not rows:
            body.append(
                "<div><i>nothing changed here"
                + (f" under /{html.escape(under)}" if under else "")
                + "</i></div>"
            )
        self.tree.value = f"<div class='{_CSS}-tree-body'><div>{head}</div>{''.join(body)}</div>"
        top = a.largest_files(5, layer=index)
        self.largest.value = (
            "<b>largest files this layer stores</b><br/>"
            + "".join(
                f"<code>{human_size(x.size):>8}  {html.escape(x.path)}</code><br/>" for x in top
            )
            if top
            else "<i>this layer stores no file bytes</i>"
        )
        self.seconds.append(time.process_time() - started)

    # -- errors --------------------------------------------------------------------------
    def _guarded(self, action: Any) -> None:
        try:
            action()
            self.error.value = ""
        except LayerlabError as err:
            self._show_error(str(err))
        except OSError as err:
            self._show_error(f"{err.strerror or err}: {err.filename or ''}")
        except Exception as exc:  # noqa: BLE001 - the learner must never see a traceback
            self._show_error(
                f"Something went wrong in the explorer itself ({type(exc).__name__}: {exc})."
            )

    def _show_error(self, message: str) -> None:
        kept = " What is shown below is unchanged." if self.analyses else ""
        self.error.value = (
            f"<div class='{_CSS}-error-body' style='color:#b00020'><b>⚠</b> {html.escape(message)}"
            f"<br/><i>Supported: a docker save .tar (any engine), an OCI layout directory or .tar; "
            f"paths inside the image like /etc.{kept}</i></div>"
        )

    def __repr__(self) -> str:
        return f"<ImageExplorer {len(self.analyses)} images>"
